package machine

import (
	"errors"
	"fmt"

	"pcemu/cpu"
)

// A debugger's writes: gdb's M and X (memory) and P and G (registers).
// Such a write is, like a state loaded in place, a change that comes from
// outside the machine and is not a function of it, so:
//
//   - a recording (--record) gets the state the write made, as a state
//     loaded at that instant (InputLoad), so that --replay repeats the
//     debugged run exactly; a write to the BIOS ROM is refused while one
//     is made (a state holds RAM and devices, not the ROM: the replay
//     could not repeat it);
//   - a history (history.go) loses the future it had from here, and keeps
//     a checkpoint here: the past up to here does not lead to it (a
//     debugger's write in the past makes another future); a write that
//     changes the ROM loses the whole past, which its checkpoints, without
//     the ROM, can no longer give back;
//   - a replay in progress (--replay) refuses it: the recorded run would
//     go elsewhere.
//
// A write that changes nothing (the same bytes, the same register value)
// is none of these.

// ErrWriteWhileReplaying: a debugger's write during --replay.
var ErrWriteWhileReplaying = errors.New("the machine is replaying a recorded run: a write would take it elsewhere (it is refused)")

// ErrROMWriteRecorded: a debugger's write to the BIOS ROM while the run is
// recorded.
var ErrROMWriteRecorded = errors.New("the run is being recorded, and a recording cannot hold a write to the BIOS ROM (F0000h-FFFFFh): refused")

// DebugWriteMemory writes b at physical address addr for a debugger (RAM,
// video memory as the bus takes it, and the BIOS ROM). Nothing is written
// when it is refused.
func (m *Machine) DebugWriteMemory(addr uint32, b []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	changed, rom := false, false
	for i, v := range b {
		a := addr + uint32(i)
		if m.Mem.Peek8(a) != v {
			changed = true
			rom = rom || a >= BIOSBase && a < BIOSBase+BIOSSize
		}
	}
	if !changed {
		return nil
	}
	if err := m.debugWriteAllowed(rom); err != nil {
		return err
	}
	for i, v := range b {
		m.Mem.Poke8(addr+uint32(i), v)
	}
	return m.debuggerWrote(rom)
}

// DebugWriteCPU changes the CPU's registers for a debugger: set changes
// them or says why it cannot (what it changed before saying so stays). A
// refused change is undone.
func (m *Machine) DebugWriteCPU(set func(*cpu.CPU) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	before := m.CPU.State()
	serr := set(m.CPU)
	if m.CPU.State() == before {
		return serr
	}
	if err := m.debugWriteAllowed(false); err != nil {
		m.CPU.SetState(before)
		return err
	}
	if err := m.debuggerWrote(false); err != nil {
		return err
	}
	return serr
}

// debugWriteAllowed says why a debugger may not change the machine now.
// Called with mu held.
func (m *Machine) debugWriteAllowed(rom bool) error {
	if m.player != nil && (m.hist == nil || m.player != Player(m.hist.playing)) {
		return ErrWriteWhileReplaying
	}
	if rom && m.outerRecorder() != nil {
		return ErrROMWriteRecorded
	}
	return nil
}

// outerRecorder is the recorder a run's inputs go to (--record), beneath
// the history's own when one is kept. Called with mu held.
func (m *Machine) outerRecorder() Recorder {
	if m.hist != nil {
		return m.hist.outer
	}
	return m.recorder
}

// debuggerWrote tells the recording and the history of a write made.
// Called with mu held.
func (m *Machine) debuggerWrote(rom bool) error {
	if r := m.outerRecorder(); r != nil {
		s, err := m.save()
		if err != nil {
			return fmt.Errorf("the write is made, but the recording cannot hold it: %w", err)
		}
		r.Input(m.instant(), Input{Kind: InputLoad, State: s})
	}
	if m.hist != nil {
		if err := m.historyDiverged(rom); err != nil {
			return fmt.Errorf("the write is made, but reverse execution cannot go on from it: %w", err)
		}
	}
	return nil
}
