package cpu

import "fmt"

// State is the processor's architectural state at an instruction boundary,
// as plain data: what a machine state saves and a debugger's checkpoint
// keeps. It is everything CPU's package comment calls state (Regs, Segs,
// IP, FLAGS, the instruction count, the pending events, REP in progress,
// the A20 mask, the 80286's MSW, IDTR and GDTR) and nothing of the decoded
// blocks, which are a pure cache. The deferred flags are settled into
// Flags; the events are named, so that the bits of CPU.events may change
// without changing a saved state.
type State struct {
	Model        Model
	Regs         [8]uint16 // AX, CX, DX, BX, SP, BP, SI, DI
	Segs         [4]uint16 // ES, CS, SS, DS
	IP           uint16
	Flags        uint16 // as PUSHF stores it
	Instructions uint64

	// Between instructions (cpu.go's events).
	INTR      bool // the INTR line is asserted
	NMI       bool // an NMI is latched
	Trap      bool // the single-step trap of the last instruction is owed
	TrapArmed bool // TF was set as the last instruction started: its trap is owed at the next boundary
	Halted    bool // HLT: waiting for an interrupt
	Shadow    bool // MOV SS, POP SS or STI: no interrupt at this boundary
	Shutdown  bool // the 80286 shut down (halted until NMI or reset)

	RepPending bool // a REP string instruction runs on (IP at its first prefix)
	A20        bool // the 80286's address line 20 is enabled

	// 80286 real-mode system state.
	MSW      uint16
	IDTBase  uint32
	IDTLimit uint16
	GDTBase  uint32
	GDTLimit uint16
}

// State returns the processor's state. Call it between instructions (when
// Run or Step has returned); it changes nothing, so a run that is looked
// at goes on exactly as one that is not.
func (c *CPU) State() State {
	flags, lazy := c.flags, c.lazy
	f := c.Flags()
	c.flags, c.lazy = flags, lazy // leave the deferred record as it was
	return State{
		Model:        c.model,
		Regs:         c.Regs,
		Segs:         c.Segs,
		IP:           c.IP,
		Flags:        f,
		Instructions: c.Instructions,
		INTR:         c.events&evINTR != 0,
		NMI:          c.events&evNMI != 0,
		Trap:         c.events&evTrap != 0,
		TrapArmed:    c.events&evTFArmed != 0,
		Halted:       c.events&evHalted != 0,
		Shadow:       c.events&evShadow != 0,
		Shutdown:     c.events&evShutdown != 0,
		RepPending:   c.repPending,
		A20:          c.addrMask == 0x1FFFFF,
		MSW:          c.msw,
		IDTBase:      c.idtBase,
		IDTLimit:     c.idtLimit,
		GDTBase:      c.gdtBase,
		GDTLimit:     c.gdtLimit,
	}
}

// SetState puts the processor in state s, which must be of the CPU's
// model. Memory is the caller's to restore; the decoded blocks need no
// notice (each checks its bytes when entered).
func (c *CPU) SetState(s State) error {
	if err := s.Check(c.model); err != nil {
		return err
	}
	c.Regs, c.Segs, c.IP = s.Regs, s.Segs, s.IP
	c.Instructions = s.Instructions
	c.flags = s.Flags & flagsMask
	c.lazy = lzNone
	var ev uint16
	for _, e := range []struct {
		on  bool
		bit uint16
	}{
		{s.INTR, evINTR}, {s.NMI, evNMI}, {s.Trap, evTrap}, {s.TrapArmed, evTFArmed},
		{s.Halted, evHalted}, {s.Shadow, evShadow}, {s.Shutdown, evShutdown},
	} {
		if e.on {
			ev |= e.bit
		}
	}
	c.events = ev | c.events&evDebug // the debugger's hooks are not the processor's state (debug.go)
	c.syncTF()
	c.stopAt = 0
	c.repPending = s.RepPending
	c.noOverrun = false
	c.addrMask = 0xFFFFF
	if s.A20 {
		c.addrMask = 0x1FFFFF
	}
	c.setRAMEnd()
	c.msw = s.MSW
	c.idtBase, c.idtLimit = s.IDTBase, s.IDTLimit
	c.gdtBase, c.gdtLimit = s.GDTBase, s.GDTLimit
	return nil
}

// Check reports what in s a CPU of model m could not be in, naming the
// field.
func (s *State) Check(m Model) error {
	switch {
	case s.Model != m:
		return fmt.Errorf("cpu: Model is %d, this CPU is model %d", s.Model, m)
	case s.A20 && m != Model80286:
		return fmt.Errorf("cpu: A20 is enabled on a model without address line 20")
	case m != Model80286 && (s.MSW != 0 || s.IDTBase != 0 || s.IDTLimit != 0x3FF || s.GDTBase != 0 || s.GDTLimit != 0 || s.Shutdown):
		return fmt.Errorf("cpu: MSW, IDTR, GDTR or Shutdown set on a model without them")
	case s.MSW&1 != 0:
		return fmt.Errorf("cpu: MSW %04Xh has PE set: protected mode is not emulated", s.MSW)
	case s.IDTBase > 0xFFFFFF || s.GDTBase > 0xFFFFFF:
		return fmt.Errorf("cpu: IDTBase %Xh or GDTBase %Xh is beyond the 80286's 24-bit address space", s.IDTBase, s.GDTBase)
	}
	return nil
}
