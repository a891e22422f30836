package machine_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/shared"
	"pcemu/machine"
)

// bootedFreeDOS is a FreeDOS machine at C:\> (80286, 4 MiB, the shared
// image under -snapshot) and the virtual time its boot took, made once per
// benchmark run.
var bootedFreeDOS = sync.OnceValues(func() (*machine.State, error) {
	img := filepath.Join(shared.Root(), "images/freedos-hd.vhd")
	m, err := machine.New(machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20, HardDisks: [4]string{img}, Snapshot: true})
	if err != nil {
		return nil, err
	}
	defer m.Close()
	for i := 0; i < 6000 && !promptShown(m); i++ {
		if _, err := m.RunFor(context.Background(), 10*time.Millisecond); err != nil {
			return nil, err
		}
	}
	return m.Save()
})

func promptShown(m *machine.Machine) bool {
	lines := strings.Split(strings.TrimRight(m.ScreenText(), "\n "), "\n")
	return strings.TrimSpace(lines[len(lines)-1]) == `C:\>`
}

func booted(b *testing.B) *machine.State {
	b.Helper()
	shared.Path(b, "images/freedos-hd.vhd")
	s, err := bootedFreeDOS()
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkStateFork is the in-memory fork of a booted FreeDOS machine:
// Save, then Restore into a new machine (disk writes in memory), then
// Close. Reported as ms per fork.
func BenchmarkStateFork(b *testing.B) {
	s := booted(b)
	m, err := machine.Restore(s, machine.Config{}, true)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	b.ResetTimer()
	for b.Loop() {
		st, err := m.Save()
		if err != nil {
			b.Fatal(err)
		}
		f, err := machine.Restore(st, machine.Config{}, true)
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/fork")
}

// BenchmarkStateSave is Save alone, and BenchmarkStateLoad Load into the
// same machine (a debugger's checkpoint and its return).
func BenchmarkStateSave(b *testing.B) {
	s := booted(b)
	m, err := machine.Restore(s, machine.Config{}, true)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	for b.Loop() {
		if _, err := m.Save(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/save")
}

func BenchmarkStateLoad(b *testing.B) {
	s := booted(b)
	m, err := machine.Restore(s, machine.Config{}, true)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	for b.Loop() {
		if err := m.Load(s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/load")
}
