package bios

import "pcemu/cpu"

// INT 11h, 12h, 15h, 17h and the acknowledging IRQ handlers.

func (b *BIOS) int11() { b.setAX(b.bda16(bdaEquipment)) }

func (b *BIOS) int12() { b.setAX(b.bda16(bdaMemoryKB)) }

// int17: there is no parallel port on this PC, so every printer reports
// "time-out, I/O error" (status bits 0 and 3), as for an absent port.
func (b *BIOS) int17() {
	if b.ah() <= 0x02 {
		b.setAH(0x09)
	}
}

// extendedKB is the RAM above 1 MiB (INT 15h AH=88h), up to the 286's
// 16 MiB address space.
func (b *BIOS) extendedKB() int {
	if b.cfg.MemoryKB <= 1024 {
		return 0
	}
	return min(b.cfg.MemoryKB-1024, 15*1024)
}

func (b *BIOS) unsupported15() {
	b.setAH(0x86)
	b.setCF(true)
}

// int15 is the AT's system services (Ralf Brown's INT 15h).
func (b *BIOS) int15() {
	switch b.ah() {
	case 0x4F: // keyboard intercept: keep the scancode (CF as the caller set it)
	case 0x24: // A20 gate control (port 92h, "fast A20")
		b.a20Service()
	case 0x53:
		b.apm()
	case 0x86:
		b.wait86()
	case 0x87:
		b.moveBlock()
	case 0x88:
		if b.cfg.Model < cpu.Model80286 {
			b.unsupported15()
			return
		}
		b.setAX(uint16(b.extendedKB()))
		b.setCF(false)
	case 0x90, 0x91: // device busy / interrupt complete: nothing to wait for
		b.setAH(0)
		b.setCF(false)
	case 0xC0: // system configuration table
		b.p.SetSeg(cpu.ES, romSeg)
		b.setBX(offConfigTable)
		b.setAH(0)
		b.setCF(false)
	case 0xC1: // extended BIOS data area segment
		b.p.SetSeg(cpu.ES, b.ebdaSeg)
		b.setCF(false)
	case 0xC2:
		b.int15Mouse()
	default:
		b.unsupported15()
	}
}

// a20Service is INT 15h AH=24h (PS/2 A20 control) through port 92h.
func (b *BIOS) a20Service() {
	if b.cfg.Model < cpu.Model80286 {
		b.unsupported15()
		return
	}
	switch b.al() {
	case 0x00, 0x01:
		v := b.bus.In8(0x92) &^ 0x03 // never touch bit 0: it resets the CPU
		if b.al() == 1 {
			v |= 0x02
		}
		b.bus.Out8(0x92, v)
		b.setAH(0)
		b.setCF(false)
	case 0x02:
		b.setAL(b.bus.In8(0x92) >> 1 & 1)
		b.setAH(0)
		b.setCF(false)
	case 0x03:
		b.setBX(0x0002) // supported through port 92h only
		b.setAH(0)
		b.setCF(false)
	default:
		b.unsupported15()
	}
}

// wait86 is INT 15h AH=86h: wait CX:DX microseconds with interrupts on.
// The wait runs in the ROM's STI/HLT loop and re-checks after every
// interrupt, so its resolution is the timer tick.
func (b *BIOS) wait86() {
	if b.bda8(bdaWaitFlag)&1 != 0 {
		b.setAH(0x83) // a wait is already in progress
		b.setCF(true)
		return
	}
	us := int64(b.cx())<<16 | int64(b.dx())
	b.setBDA8(bdaWaitFlag, 1)
	if b.cfg.Now != nil {
		b.wait86Check(wait{kind: waitDelay, until: b.cfg.Now() + us*1000})
		return
	}
	target := b.ticks() + uint32((us*1000+54924253)/54925439) // microseconds to ticks, rounded up
	b.wait86Check(wait{kind: waitDelayTicks, until: int64(target)})
}

// wait86Check ends the wait of INT 15h AH=86h when its time has come (in
// virtual ns, or in BIOS ticks without a clock), else waits on.
func (b *BIOS) wait86Check(w wait) {
	var over bool
	if w.kind == waitDelay {
		over = b.cfg.Now() >= w.until
	} else {
		over = int32(b.ticks()-uint32(w.until)) >= 0 || b.bda8(bdaMidnight) != 0
	}
	if !over {
		b.waitInterrupt(w)
		return
	}
	b.setBDA8(bdaWaitFlag, 0)
	b.setAH(0)
	b.setCF(false)
}

// moveBlock is INT 15h AH=87h: copy CX words between the 24-bit bases of
// the source (ES:SI+12h) and destination (ES:SI+1Ah) descriptors of the
// caller's GDT. The copy is done here without entering protected mode.
func (b *BIOS) moveBlock() {
	if b.cfg.Model < cpu.Model80286 {
		b.unsupported15()
		return
	}
	gdt := linear(b.p.Seg(cpu.ES), b.p.Reg(cpu.SI))
	base := func(desc uint32) uint32 {
		return uint32(b.rd16(desc+2)) | uint32(b.rd8(desc+4))<<16
	}
	src, dst := base(gdt+0x10), base(gdt+0x18)
	n := uint32(b.cx()) * 2
	if n > 0x10000 {
		b.setAH(0x01) // parity error class: invalid count
		b.setCF(true)
		return
	}
	for i := uint32(0); i < n; i++ {
		b.wr8(dst+i, b.rd8(src+i))
	}
	b.setAH(0)
	b.setCF(false)
	b.setZF(true)
}

// apm is INT 15h AH=53h, Advanced Power Management 1.2, real-mode
// interface only: enough for DOS power managers to find it, idle the CPU
// and turn the machine off (APM 1.2 specification, section 4).
func (b *BIOS) apm() {
	ok := func() { b.setAH(0); b.setCF(false) }
	fail := func(code uint8) { b.setAH(code); b.setCF(true) }
	switch b.al() {
	case 0x00: // installation check
		if b.bx() != 0 {
			fail(0x09) // unrecognised device ID
			return
		}
		b.setAX(0x0102) // version 1.2
		b.setBX(0x504D) // "PM"
		b.setCX(0x0000) // no protected-mode interfaces
		b.setCF(false)
	case 0x01: // real-mode interface connect
		ok()
	case 0x02: // 16-bit protected-mode connect
		fail(0x05)
	case 0x03: // 32-bit protected-mode connect
		fail(0x08)
	case 0x04, 0x06, 0x08, 0x0D, 0x0F: // disconnect, CPU busy, enable PM, device PM, engage
		ok()
	case 0x05: // CPU idle: halt until the next interrupt
		b.waitInterrupt(wait{kind: waitIdle})
	case 0x07: // set power state
		if b.cx() == 0x0003 && (b.bx() == 0x0001 || b.bx() == 0x0000 || b.bx()&0xFF00 == 0x0100) {
			if b.cfg.PowerOff != nil {
				b.cfg.PowerOff()
			}
			ok() // a machine that cannot turn off carries on
			return
		}
		if b.cx() <= 0x0002 {
			ok() // ready, standby, suspend: nothing to do here
			return
		}
		fail(0x0A) // parameter value out of range
	case 0x0A: // power status: on mains, no battery
		b.setBX(0x01FF)
		b.setCX(0x80FF)
		b.setDX(0xFFFF)
		ok()
	case 0x0B: // no power management events
		fail(0x80)
	case 0x0C: // power state of a device: ready
		b.setCX(0)
		ok()
	case 0x0E: // driver version: the lower of ours and the driver's
		v := b.cx()
		if v > 0x0102 || v == 0 {
			v = 0x0102
		}
		b.setAX(v)
		b.setCF(false)
	default:
		fail(0x86) // function not supported (APM 1.2, Table 4-2)
	}
}

// irqMaster acknowledges an IRQ of the master PIC without a handler of its
// own; a spurious IRQ 7 (nothing in service) gets no EOI (8259A data sheet).
func (b *BIOS) irqMaster() {
	b.bus.Out8(0x20, 0x0B) // OCW3: read ISR
	if b.bus.In8(0x20) != 0 {
		b.bus.Out8(0x20, 0x20)
	}
}

// irqSlave acknowledges an IRQ of the slave PIC, then the cascade.
func (b *BIOS) irqSlave() {
	b.bus.Out8(0xA0, 0x0B)
	if b.bus.In8(0xA0) != 0 {
		b.bus.Out8(0xA0, 0x20)
	}
	b.bus.Out8(0x20, 0x20)
}

// irqIDE handles IRQ 14/15: reading the status register clears the
// drive's INTRQ; 0040:008E tells waiting code the interrupt came.
func (b *BIOS) irqIDE(ch int) {
	b.bus.In8(ataBase[ch] + ataStatus)
	b.setBDA8(bdaDiskIRQ, 0xFF)
	b.irqSlave()
}
