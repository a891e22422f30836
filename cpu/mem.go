package cpu

import "unsafe"

// Memory access. Real-mode addresses are segment*16 + offset (Intel 8086
// Family User's Manual, 2-13); an offset wraps within its 64 KiB segment,
// so a word at offset FFFFh takes its high byte from offset 0000h.

// Linear returns the address the CPU reaches for seg:off: segment*16 +
// offset with the A20 mask applied (wrapping at 1 MiB unless a 286 has A20
// on). For tools that look at memory as the CPU sees it (the monitor, a
// debugger).
func (c *CPU) Linear(seg, off uint16) uint32 {
	return (uint32(seg)<<4 + uint32(off)) & c.addrMask
}

func (c *CPU) readLin8(a uint32) uint8 {
	if a < c.ramEnd {
		return c.ram[a]
	}
	return c.bus.Read8(a)
}

// readLin16 reads a word at a linear address (interrupt vectors, descriptor
// tables): it does not wrap at a segment boundary.
func (c *CPU) readLin16(a uint32) uint16 {
	if a+1 < c.ramEnd {
		return get16((*[2]byte)(unsafe.Add(c.memBase, a)))
	}
	return uint16(c.readLin8(a&c.addrMask)) | uint16(c.readLin8((a+1)&c.addrMask))<<8
}

// The accessors below test for plain RAM first. That fast path skips the
// A20 mask: an address below ramEnd (which is at most addrMask+1) cannot
// have wrapped. Everything else (ROM, devices, the 1 MiB wrap, segment
// wrap, 286 overrun) goes through the outlined slow paths.

func (c *CPU) read8(seg int, off uint16) uint8 {
	a := uint32(c.Segs[seg&3])<<4 + uint32(off)
	if mem := c.mem; a < uint32(len(mem)) {
		return mem[a]
	}
	return c.busRead8(a & c.addrMask)
}

func (c *CPU) write8(seg int, off uint16, v uint8) {
	a := uint32(c.Segs[seg&3])<<4 + uint32(off)
	if mem := c.mem; a < uint32(len(mem)) {
		mem[a] = v
		return
	}
	c.busWrite8(a&c.addrMask, v)
}

// busRead8 and busWrite8 are the slow paths for one byte at a masked
// linear address.
//
//go:noinline
func (c *CPU) busRead8(a uint32) uint8 {
	if a < uint32(len(c.mem)) {
		return c.mem[a]
	}
	return c.bus.Read8(a)
}

//go:noinline
func (c *CPU) busWrite8(a uint32, v uint8) {
	if a < uint32(len(c.mem)) {
		c.mem[a] = v
		return
	}
	c.bus.Write8(a, v)
}

func (c *CPU) read16(seg int, off uint16) uint16 {
	a := uint32(c.Segs[seg&3])<<4 + uint32(off)
	if mem := c.mem; a+1 < uint32(len(mem)) && off != 0xFFFF {
		return uint16(mem[a]) | uint16(mem[a+1])<<8
	}
	return c.read16Slow(seg, off)
}

func (c *CPU) read16Slow(seg int, off uint16) uint16 {
	if off == 0xFFFF {
		c.overrun()
	}
	return uint16(c.read8(seg, off)) | uint16(c.read8(seg, off+1))<<8
}

func (c *CPU) write16(seg int, off uint16, v uint16) {
	a := uint32(c.Segs[seg&3])<<4 + uint32(off)
	if mem := c.mem; a+1 < uint32(len(mem)) && off != 0xFFFF {
		mem[a+1] = uint8(v >> 8)
		mem[a] = uint8(v)
		return
	}
	c.write16Slow(seg, off, v)
}

func (c *CPU) write16Slow(seg int, off uint16, v uint16) {
	if off == 0xFFFF {
		c.overrun()
	}
	c.write8(seg, off, uint8(v))
	c.write8(seg, off+1, uint8(v>>8))
}

// fetch8 reads the next instruction byte at CS:IP. csBase is CS*16, set
// at the start of each instruction (CS changes only after the last fetch).
func (c *CPU) fetch8() uint8 {
	a := c.csBase + uint32(c.IP)
	c.IP++
	if mem := c.mem; a < uint32(len(mem)) {
		return mem[a]
	}
	return c.busRead8(a & c.addrMask)
}

func (c *CPU) fetch16() uint16 {
	ip := c.IP
	a := c.csBase + uint32(ip)
	if mem := c.mem; a+1 < uint32(len(mem)) && ip != 0xFFFF {
		c.IP = ip + 2
		return uint16(mem[a]) | uint16(mem[a+1])<<8
	}
	return c.fetch16Slow()
}

func (c *CPU) fetch16Slow() uint16 {
	lo := c.fetch8()
	return uint16(lo) | uint16(c.fetch8())<<8
}

// push16 and pop16 move a word to and from SS:SP, through the RAM fast
// path of pushSlot and popSlot (exec.go) when the word is plain RAM and
// not split by the end of the segment.
func (c *CPU) push16(v uint16) {
	if w := c.pushSlot(); w != nil {
		put16(w, v)
		return
	}
	c.push16Slow(v)
}

func (c *CPU) push16Slow(v uint16) {
	if c.Regs[SP] == 1 {
		c.overrun() // before SP changes: the 286 fault is restartable
	}
	c.Regs[SP] -= 2
	c.write16(SS, c.Regs[SP], v)
}

func (c *CPU) pop16() uint16 {
	if w := c.popSlot(); w != nil {
		return get16(w)
	}
	v := c.read16(SS, c.Regs[SP])
	c.Regs[SP] += 2
	return v
}

// dataSeg is the segment for a DS-relative access, after any override.
func (c *CPU) dataSeg() int {
	if c.segOvr >= 0 {
		return c.segOvr
	}
	return DS
}

// fault is the panic value that aborts an instruction with an exception;
// Step and Run recover it and enter the interrupt.
type fault struct{ vector uint8 }

// overrun handles a word operand at segment offset FFFFh. The 8086 wraps to
// offset 0; the 80286 raises interrupt 13 before changing any state
// (80286 PRM, 10.6: segment overrun exception). While an interrupt frame is
// being pushed the access wraps instead (the 286 would shut down).
func (c *CPU) overrun() {
	if c.model != Model80286 || c.noOverrun {
		return
	}
	panic(fault{13})
}

// checkSpan raises the 286's segment overrun when an operand of n bytes at
// off would pass the end of its segment.
func (c *CPU) checkSpan(off uint16, n int) {
	if int(off)+n > 0x10000 {
		c.overrun()
	}
}
