package statefile

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/hostcpu"
	"pcemu/internal/shared"
	"pcemu/machine"
)

// The figures of issue 17: a FreeDOS machine reaching C:\> by a full boot,
// from a state file, and from a state in memory (a fork). Each reports wall
// ms and the process's CPU ms per run (steadier on a shared machine).

var freedosConfig = func(img string) machine.Config {
	return machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20, HardDisks: [4]string{img}, Snapshot: true}
}

func atPrompt(m *machine.Machine) bool {
	lines := strings.Split(strings.TrimRight(m.ScreenText(), "\n "), "\n")
	return strings.TrimSpace(lines[len(lines)-1]) == `C:\>`
}

// toPrompt runs m until C:\> is the last line (10 ms of virtual time at a
// time, as machinetest's WaitPrompt polls).
func toPrompt(b *testing.B, m *machine.Machine) {
	for i := 0; !atPrompt(m); i++ {
		if i > 6000 {
			b.Fatalf("no prompt:\n%s", m.ScreenText())
		}
		if _, err := m.RunFor(context.Background(), 10*time.Millisecond); err != nil {
			b.Fatal(err)
		}
	}
}

func report(b *testing.B, cpu0 time.Duration) {
	n := float64(b.N)
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/n, "ms/run")
	b.ReportMetric(float64((hostcpu.Time()-cpu0).Microseconds())/1000/n, "cpu-ms/run")
}

// BenchmarkFreeDOSBootToPrompt: power on and boot to C:\>.
func BenchmarkFreeDOSBootToPrompt(b *testing.B) {
	img := shared.Path(b, "images/freedos-hd.vhd")
	cpu0 := hostcpu.Time()
	for b.Loop() {
		m, err := machine.New(freedosConfig(img))
		if err != nil {
			b.Fatal(err)
		}
		toPrompt(b, m)
		m.Close()
	}
	report(b, cpu0)
}

// bootedState saves FreeDOS at C:\> to a state file in dir.
func bootedState(b *testing.B, dir string) (string, *machine.State) {
	img := shared.Path(b, "images/freedos-hd.vhd")
	m, err := machine.New(freedosConfig(img))
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	toPrompt(b, m)
	s, err := m.Save()
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "booted.state")
	if err := Save(path, s); err != nil {
		b.Fatal(err)
	}
	return path, s
}

// BenchmarkFreeDOSStateFileToPrompt: open the state file, make the machine
// (the image opened read-only, writes to a temporary file) and be at C:\>.
func BenchmarkFreeDOSStateFileToPrompt(b *testing.B) {
	path, _ := bootedState(b, b.TempDir())
	cpu0 := hostcpu.Time()
	for b.Loop() {
		f, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		m, err := machine.Restore(f.State, machine.Config{}, false)
		if err != nil {
			b.Fatal(err)
		}
		toPrompt(b, m)
		m.Close()
		f.Close()
	}
	report(b, cpu0)
}

// BenchmarkFreeDOSForkToPrompt: a machine made from a state in memory,
// its writes in memory, at C:\>.
func BenchmarkFreeDOSForkToPrompt(b *testing.B) {
	_, s := bootedState(b, b.TempDir())
	cpu0 := hostcpu.Time()
	for b.Loop() {
		m, err := machine.Restore(s, machine.Config{}, true)
		if err != nil {
			b.Fatal(err)
		}
		toPrompt(b, m)
		m.Close()
	}
	report(b, cpu0)
}

// BenchmarkStateFork is the in-memory fork of FreeDOS at C:\> alone: Save,
// Restore into a new machine (writes in memory), Close. BenchmarkStateSave
// is Save (a checkpoint) and BenchmarkStateLoad Load into the same machine
// (a debugger going back to it).
func BenchmarkStateFork(b *testing.B) {
	_, s := bootedState(b, b.TempDir())
	m := restored(b, s)
	cpu0 := hostcpu.Time()
	for b.Loop() {
		st, err := m.Save()
		if err != nil {
			b.Fatal(err)
		}
		restored(b, st).Close()
	}
	report(b, cpu0)
}

func BenchmarkStateSave(b *testing.B) {
	_, s := bootedState(b, b.TempDir())
	m := restored(b, s)
	cpu0 := hostcpu.Time()
	for b.Loop() {
		if _, err := m.Save(); err != nil {
			b.Fatal(err)
		}
	}
	report(b, cpu0)
}

func BenchmarkStateLoad(b *testing.B) {
	_, s := bootedState(b, b.TempDir())
	m := restored(b, s)
	cpu0 := hostcpu.Time()
	for b.Loop() {
		if err := m.Load(s); err != nil {
			b.Fatal(err)
		}
	}
	report(b, cpu0)
}

// restored is a machine in state s, its writes in memory, closed with b.
func restored(b *testing.B, s *machine.State) *machine.Machine {
	m, err := machine.Restore(s, machine.Config{}, true)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	return m
}
