package cpu

import "fmt"

// Interrupts and the run loop (Intel 8086 Family User's Manual, 2-25 ff.).
// Maskable interrupts, NMI and the single-step trap are taken only between
// instructions; an instruction that loads SS (MOV SS, POP SS) or executes
// STI holds them off for one more instruction so that SS:SP is loaded
// as a pair and STI; RET returns before an interrupt.

// interrupt enters interrupt vec as INT n does: push FLAGS, clear IF and TF,
// push CS and the return IP, then load CS:IP from the vector table (at 0,
// or at the IDTR base on an 80286 after LIDT).
func (c *CPU) interrupt(vec uint8, retIP uint16) {
	base := c.idtBase + uint32(vec)*4
	c.noOverrun = true
	defer func() { c.noOverrun = false }()
	c.push16(c.Flags())
	c.flags &^= FlagIF | FlagTF
	c.push16(c.Segs[CS])
	c.push16(retIP)
	c.IP = c.readLin16(base)
	c.Segs[CS] = c.readLin16(base + 2)
	c.repPending = false
}

// Interrupt enters an interrupt as INT n would at the current CS:IP (used
// by firmware written in Go).
func (c *CPU) Interrupt(vector uint8) {
	c.interrupt(vector, c.IP)
}

// pendingEvent reports whether something must happen at the next
// instruction boundary other than executing the next instruction.
func (c *CPU) pendingEvent() bool {
	return c.trap || c.nmi || c.halted || (c.intr && c.flags&FlagIF != 0 && !c.shadow)
}

// serviceEvent takes the highest-priority pending event at an instruction
// boundary. It returns true when it entered an interrupt.
func (c *CPU) serviceEvent() bool {
	if c.trap {
		c.trap = false
		c.interrupt(1, c.IP)
		return true
	}
	if c.nmi {
		c.nmi = false
		c.halted = false
		c.interrupt(2, c.IP)
		return true
	}
	if c.intr && c.flags&FlagIF != 0 && !c.shadow && c.ic != nil {
		vec := c.ic.Acknowledge()
		c.halted = false
		c.interrupt(vec, c.IP)
		return true
	}
	return false
}

// Step executes one instruction (one iteration of a REP string
// instruction), or enters one pending interrupt.
func (c *CPU) Step() (err error) {
	if c.pendingEvent() {
		if c.serviceEvent() {
			c.shadow = false
			return nil
		}
		if c.halted {
			return nil
		}
	}
	defer func() {
		if r := recover(); r != nil {
			c.deliverFault(r)
		}
	}()
	c.Instructions++
	return c.exec()
}

// deliverFault enters the interrupt of an instruction aborted by a fault,
// pointing at the instruction so that it can be restarted.
func (c *CPU) deliverFault(r any) {
	f, ok := r.(fault)
	if !ok {
		panic(r)
	}
	c.repPending = false
	c.shadow = false
	c.trap = false
	c.interrupt(f.vector, c.opStart)
}

// Run executes up to n instructions and returns how many it executed. It
// returns early when the CPU halts with nothing to wake it, when Stop was
// called, or on an error.
func (c *CPU) Run(n int) (int, error) {
	c.stopReq = false
	done := 0
	for {
		k, again, err := c.run(n - done)
		done += k
		if !again || err != nil {
			return done, err
		}
	}
}

// run is the loop of Run. A fault unwinds out of it; the deferred handler
// enters the exception and asks Run to call it again.
func (c *CPU) run(n int) (done int, again bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			c.deliverFault(r)
			again = done < n && !c.stopReq
			c.stopReq = false
		}
	}()
	for done < n {
		if c.pendingEvent() {
			if c.serviceEvent() {
				c.shadow = false
				continue
			}
			if c.halted {
				return done, false, nil
			}
		}
		done++
		c.Instructions++
		if err := c.exec(); err != nil {
			return done, false, err
		}
		if c.stopReq {
			c.stopReq = false
			break
		}
	}
	return done, false, nil
}

// unsupported is the error for what the interpreter cannot do.
func (c *CPU) unsupported(what string) error {
	ip := c.opStart
	c.IP = ip
	return fmt.Errorf("cpu: %s at %04X:%04X is not supported (real mode only)", what, c.Segs[CS], ip)
}
