package machine_test

import (
	"errors"
	"testing"

	"pcemu/cpu"
	"pcemu/internal/shared"
	"pcemu/machine"
)

// A debugger's writes (debugwrite.go): a recording gets the state a write
// made and nothing for a write that changes nothing; a write to the ROM is
// refused while recording and, with a history kept, makes the history
// start there; a replay in progress refuses writes.

// loads counts the states a recorder is told of.
type loads struct{ n int }

func (l *loads) Input(_ machine.Instant, in machine.Input) {
	if in.Kind == machine.InputLoad {
		l.n++
	}
}
func (l *loads) Boundary(machine.Instant, func() machine.Digest) {}

// stuck is a replay that has events still to come.
type stuck struct{}

func (stuck) Next() (machine.Instant, string, bool) {
	return machine.Instant{Instructions: 1 << 60}, "key", true
}
func (stuck) Play(machine.Instant, func() machine.Digest) (*machine.Input, error) { return nil, nil }

func TestDebugWrites(t *testing.T) {
	img := shared.Path(t, "images/freedos-hd.vhd")
	m, err := machine.New(machine.Config{Model: cpu.Model80286, MemorySize: 1 << 20, HardDisks: [4]string{img}, Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	peek := func(a uint32) (b byte) {
		m.Locked(func() { b = m.Mem.Peek8(a) })
		return
	}
	rec := &loads{}
	m.SetRecorder(rec)
	if err := m.StartHistoryEvery(64<<20, 1000); err != nil {
		t.Fatal(err)
	}
	stepForward(t, m, 3000)

	// The same bytes, the same register: nothing to record.
	if err := m.DebugWriteMemory(0x500, []byte{peek(0x500)}); err != nil || rec.n != 0 {
		t.Fatalf("a write of the same byte: %v, %d states recorded", err, rec.n)
	}
	if err := m.DebugWriteCPU(func(c *cpu.CPU) error { return nil }); err != nil || rec.n != 0 {
		t.Fatalf("no register changed: %v, %d states recorded", err, rec.n)
	}
	// A change: the recording gets the state; the history keeps its past.
	start, _ := m.HistoryStart()
	if err := m.DebugWriteMemory(0x500, []byte{^peek(0x500)}); err != nil || rec.n != 1 {
		t.Fatalf("a write to RAM: %v, %d states recorded", err, rec.n)
	}
	if err := m.DebugWriteCPU(func(c *cpu.CPU) error { c.Regs[cpu.BX]++; return nil }); err != nil || rec.n != 2 {
		t.Fatalf("a register write: %v, %d states recorded", err, rec.n)
	}
	if s, _ := m.HistoryStart(); s != start {
		t.Errorf("a RAM write moved the history's start from %v to %v", start, s)
	}
	// The ROM, while recording: refused, nothing written.
	rom := peek(0xF0000)
	if err := m.DebugWriteMemory(0xF0000, []byte{^rom}); !errors.Is(err, machine.ErrROMWriteRecorded) || peek(0xF0000) != rom || rec.n != 2 {
		t.Fatalf("a ROM write while recording: %v, ROM %02X (was %02X), %d states", err, peek(0xF0000), rom, rec.n)
	}
	// Not recording: written, and the past (whose checkpoints do not
	// hold the ROM) goes: the history starts here.
	m.SetRecorder(nil)
	m.StopHistory()
	if err := m.StartHistoryEvery(64<<20, 1000); err != nil {
		t.Fatal(err)
	}
	stepForward(t, m, 3000)
	if err := m.DebugWriteMemory(0xF0000, []byte{^rom}); err != nil || peek(0xF0000) != ^rom {
		t.Fatalf("a ROM write: %v", err)
	}
	if s, _ := m.HistoryStart(); s != m.Position() {
		t.Errorf("after a ROM write the history starts at %v, not where the machine is (%v)", s, m.Position())
	}
	m.DebugWriteMemory(0xF0000, []byte{rom})
	m.StopHistory()

	// A replay in progress: refused, nothing changed.
	m.SetReplay(stuck{})
	b := peek(0x500)
	if err := m.DebugWriteMemory(0x500, []byte{^b}); !errors.Is(err, machine.ErrWriteWhileReplaying) || peek(0x500) != b {
		t.Errorf("a write during a replay: %v", err)
	}
	var bx uint16
	m.Locked(func() { bx = m.CPU.Regs[cpu.BX] })
	err = m.DebugWriteCPU(func(c *cpu.CPU) error { c.Regs[cpu.BX]++; return nil })
	m.Locked(func() {
		if !errors.Is(err, machine.ErrWriteWhileReplaying) || m.CPU.Regs[cpu.BX] != bx {
			t.Errorf("a register write during a replay: %v, BX %04X (was %04X)", err, m.CPU.Regs[cpu.BX], bx)
		}
	})
	m.SetReplay(nil)
}
