package cpu

import (
	"fmt"
	"unsafe"
)

// Interrupts and the run loop (Intel 8086 Family User's Manual, 2-25 ff.).
// Maskable interrupts, NMI and the single-step trap are taken only between
// instructions; an instruction that loads SS (MOV SS, POP SS) or executes
// STI holds them off for one more instruction so that SS:SP is loaded
// as a pair and STI; RET returns before an interrupt.

// interrupt enters interrupt vec as INT n does: push FLAGS, clear IF and TF,
// push CS and the return IP, then load CS:IP from the vector table (at 0,
// or at the IDTR base on an 80286 after LIDT). Exceptions and external
// interrupts, which have nothing else to return to, use it.
func (c *CPU) interrupt(vec uint8, retIP uint16) {
	c.enterInterrupt(vec, retIP, retIP, IntException)
}

// softInt is INT n, INT 3 and INTO: they return past the instruction, but
// an exception they raise points at it.
func (c *CPU) softInt(vec uint8) {
	c.enterInterrupt(vec, c.IP, c.opStart, IntSoftware)
}

// enterInterrupt is interrupt with the IP an exception raised on the way
// in would push (restartIP), and what raised it (for the interrupt hook).
//
// On the 80286 the vector must lie within the IDT limit (LIDT can lower it
// from 3FFh). When it does not, the 286 raises interrupt 8, "interrupt
// table limit too small", pointing at the instruction (80286 PRM, the
// real-address mode exceptions); when vector 8 is beyond the limit too,
// the processor cannot deliver it and shuts down, as on any exception met
// while entering the double-fault handler (PRM, "Shutdown"): it stops,
// only NMI or RESET restarts it, and it runs a shutdown bus cycle, which
// the AT's board decodes to reset the CPU.
// The 8086 and 80186 have no limit: their table is always 0-3FFh.
func (c *CPU) enterInterrupt(vec uint8, retIP, restartIP uint16, kind InterruptKind) {
	if c.model == Model80286 && uint32(vec)*4+3 > uint32(c.idtLimit) {
		if vec == 8 {
			c.shutdown()
			return
		}
		c.enterInterrupt(8, restartIP, restartIP, IntException)
		return
	}
	if c.dbg != nil && c.dbg.onInt != nil {
		c.dbg.onInt(vec, kind)
	}
	base := c.idtBase + uint32(vec)*4
	c.pushFrame(c.Flags(), c.Segs[CS], retIP)
	c.flags &^= FlagIF | FlagTF
	c.events &^= evTF
	c.IP = c.readLin16(base)
	c.Segs[CS] = c.readLin16(base + 2)
	c.repPending = false
}

// pushFrame pushes an interrupt's frame: FLAGS, CS, IP. The three words
// go to RAM at once when they lie in it within the stack segment; else
// one by one, wrapping at the segment's end (noOverrun: the 286 would
// shut down, which the model does not follow here).
func (c *CPU) pushFrame(flags, cs, ip uint16) {
	sp := uint32(c.Regs[SP])
	if la := uint32(c.Segs[SS])<<4 + sp - 6; sp >= 6 && la+6 <= c.ramEnd {
		w := unsafe.Add(c.memBase, la)
		put16((*[2]byte)(unsafe.Add(w, 4)), flags)
		put16((*[2]byte)(unsafe.Add(w, 2)), cs)
		put16((*[2]byte)(w), ip)
		c.Regs[SP] = uint16(sp - 6)
		return
	}
	c.noOverrun = true
	c.push16(flags)
	c.push16(cs)
	c.push16(ip)
	c.noOverrun = false
}

// popFrame pops what pushFrame pushed (IRET), at once when the three
// words lie in RAM within the stack segment. IRET stores IP and CS.
func (c *CPU) popFrame() (ip, cs, flags uint16) {
	sp := uint32(c.Regs[SP])
	if la := uint32(c.Segs[SS])<<4 + sp; sp <= 0x10000-6 && la+6 <= c.ramEnd {
		w := unsafe.Add(c.memBase, la)
		c.Regs[SP] = uint16(sp + 6)
		return get16((*[2]byte)(w)), get16((*[2]byte)(unsafe.Add(w, 2))), get16((*[2]byte)(unsafe.Add(w, 4)))
	}
	// One by one, as far as a fault on the way lets them go.
	c.IP = c.pop16()
	c.Segs[CS] = c.pop16()
	return c.IP, c.Segs[CS], c.pop16()
}

// iret is IRET: IP, CS and FLAGS from the stack.
func (c *CPU) iret() {
	ip, cs, flags := c.popFrame()
	c.IP, c.Segs[CS] = ip, cs
	c.SetFlags(flags)
}

// ShutdownBus may be implemented by a Bus that watches for the 80286's
// shutdown cycle (the AT resets the CPU on it).
type ShutdownBus interface {
	Shutdown()
}

// shutdown stops the 80286 after an exception it cannot deliver. It stays
// halted, deaf to INTR, until NMI or Reset.
func (c *CPU) shutdown() {
	c.raise(evHalted | evShutdown)
	if s, ok := c.bus.(ShutdownBus); ok {
		s.Shutdown()
	}
}

// ShutDown reports whether the 80286 is in the shutdown state.
func (c *CPU) ShutDown() bool { return c.events&evShutdown != 0 }

// Interrupt enters an interrupt as INT n would at the current CS:IP (used
// by firmware written in Go).
func (c *CPU) Interrupt(vector uint8) {
	c.enterInterrupt(vector, c.IP, c.IP, IntSoftware)
}

// serviceEvent takes the highest-priority pending event at an instruction
// boundary: the single-step trap of the last instruction, then NMI, then a
// maskable interrupt when IF=1 and no shadow holds it off. It returns true
// when it entered an interrupt.
func (c *CPU) serviceEvent() bool {
	switch {
	case c.events&evTrap != 0:
		c.events &^= evTrap | evHalted
		c.enterInterrupt(1, c.IP, c.IP, IntTrap)
	case c.events&evNMI != 0:
		c.events &^= evNMI | evHalted | evShutdown
		c.enterInterrupt(2, c.IP, c.IP, IntNMI)
	case c.events&evINTR != 0 && c.flags&FlagIF != 0 && c.ic != nil && c.events&evShutdown == 0:
		vec := c.ic.Acknowledge()
		c.events &^= evHalted
		c.enterInterrupt(vec, c.IP, c.IP, IntExternal)
	default:
		return false
	}
	return true
}

// Step executes one instruction (one iteration of a REP string
// instruction), or enters one pending interrupt.
func (c *CPU) Step() (err error) {
	c.events &^= evStop
	if c.dbg != nil {
		c.dbg.hit = false
	}
	c.armTrap()
	if c.events&(evINTR|evNMI|evTrap|evHalted) != 0 && c.events&evShadow == 0 {
		if c.serviceEvent() {
			return nil
		}
		if c.events&evHalted != 0 {
			return nil
		}
	}
	defer func() {
		if r := recover(); r != nil {
			c.deliverFault(r)
		}
	}()
	_, err = c.exec(1)
	return err
}

// deliverFault enters the interrupt of an instruction aborted by a fault,
// pointing at the instruction so that it can be restarted.
func (c *CPU) deliverFault(r any) {
	f, ok := r.(fault)
	if !ok {
		panic(r)
	}
	c.repPending = false
	c.events &^= evTrap | evShadow | evTFArmed
	c.noOverrun = false
	c.interrupt(f.vector, c.opStart)
}

// Run executes up to n instructions and returns how many it executed. It
// returns early when the CPU halts with nothing to wake it, when Stop was
// called, or on an error.
func (c *CPU) Run(n int) (int, error) {
	c.events &^= evStop
	if c.dbg != nil {
		c.dbg.hit = false
	}
	done := 0
	for {
		k, again, err := c.run(n - done)
		done += k
		if !again || err != nil {
			return done, err
		}
	}
}

// run calls exec. A fault unwinds out of exec; the deferred handler enters
// the exception and asks Run to go on.
func (c *CPU) run(n int) (done int, again bool, err error) {
	start := c.Instructions
	defer func() {
		if r := recover(); r != nil {
			c.deliverFault(r)
			done = int(c.Instructions - start)
			again = done < n && c.events&evStop == 0
			c.events &^= evStop
		}
	}()
	done, err = c.exec(n)
	return done, false, err
}

// unsupported is the error for what the interpreter cannot do.
func (c *CPU) unsupported(what string) error {
	c.events &^= evTFArmed // the instruction did not complete
	ip := c.opStart
	c.IP = ip
	return fmt.Errorf("cpu: %s at %04X:%04X is not supported (real mode only)", what, c.Segs[CS], ip)
}
