package machine_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/hostcpu"
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
	cpu0 := hostcpu.Time()
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
	report(b, cpu0, "fork")
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
	cpu0 := hostcpu.Time()
	for b.Loop() {
		if _, err := m.Save(); err != nil {
			b.Fatal(err)
		}
	}
	report(b, cpu0, "save")
}

func BenchmarkStateLoad(b *testing.B) {
	s := booted(b)
	m, err := machine.Restore(s, machine.Config{}, true)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	cpu0 := hostcpu.Time()
	for b.Loop() {
		if err := m.Load(s); err != nil {
			b.Fatal(err)
		}
	}
	report(b, cpu0, "load")
}

// report gives the wall time and the process's CPU time (the GC's
// included) per operation in ms: on a shared machine the CPU time is the
// steadier figure.
func report(b *testing.B, cpu0 time.Duration, op string) {
	n := float64(b.N)
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/n, "ms/"+op)
	b.ReportMetric(float64((hostcpu.Time()-cpu0).Microseconds())/1000/n, "cpu-ms/"+op)
}
