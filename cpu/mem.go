package cpu

// Memory access. Real-mode addresses are segment*16 + offset (Intel 8086
// Family User's Manual, 2-13); an offset wraps within its 64 KiB segment,
// so a word at offset FFFFh takes its high byte from offset 0000h.

// linear returns the physical address of seg:off after the A20 mask.
func (c *CPU) linear(seg int, off uint16) uint32 {
	return (uint32(c.Segs[seg])<<4 + uint32(off)) & c.addrMask
}

func (c *CPU) readLin8(a uint32) uint8 {
	if a < c.ramEnd {
		return c.ram[a]
	}
	return c.bus.Read8(a)
}

func (c *CPU) writeLin8(a uint32, v uint8) {
	if a < c.ramEnd {
		c.ram[a] = v
		return
	}
	c.bus.Write8(a, v)
}

// readLin16 reads a word at a linear address (interrupt vectors, descriptor
// tables): it does not wrap at a segment boundary.
func (c *CPU) readLin16(a uint32) uint16 {
	return uint16(c.readLin8(a&c.addrMask)) | uint16(c.readLin8((a+1)&c.addrMask))<<8
}

func (c *CPU) read8(seg int, off uint16) uint8 {
	a := (uint32(c.Segs[seg])<<4 + uint32(off)) & c.addrMask
	if a < c.ramEnd {
		return c.ram[a]
	}
	return c.bus.Read8(a)
}

func (c *CPU) write8(seg int, off uint16, v uint8) {
	a := (uint32(c.Segs[seg])<<4 + uint32(off)) & c.addrMask
	if a < c.ramEnd {
		c.ram[a] = v
		return
	}
	c.bus.Write8(a, v)
}

func (c *CPU) read16(seg int, off uint16) uint16 {
	a := (uint32(c.Segs[seg])<<4 + uint32(off)) & c.addrMask
	if off != 0xFFFF && a+1 < c.ramEnd {
		return uint16(c.ram[a]) | uint16(c.ram[a+1])<<8
	}
	return uint16(c.read8(seg, off)) | uint16(c.read8(seg, off+1))<<8
}

func (c *CPU) write16(seg int, off uint16, v uint16) {
	a := (uint32(c.Segs[seg])<<4 + uint32(off)) & c.addrMask
	if off != 0xFFFF && a+1 < c.ramEnd {
		c.ram[a] = uint8(v)
		c.ram[a+1] = uint8(v >> 8)
		return
	}
	c.write8(seg, off, uint8(v))
	c.write8(seg, off+1, uint8(v>>8))
}

// fetch8 reads the next instruction byte at CS:IP.
func (c *CPU) fetch8() uint8 {
	a := (uint32(c.Segs[CS])<<4 + uint32(c.IP)) & c.addrMask
	c.IP++
	if a < c.ramEnd {
		return c.ram[a]
	}
	return c.bus.Read8(a)
}

func (c *CPU) fetch16() uint16 {
	ip := c.IP
	a := (uint32(c.Segs[CS])<<4 + uint32(ip)) & c.addrMask
	if ip != 0xFFFF && a+1 < c.ramEnd {
		c.IP = ip + 2
		return uint16(c.ram[a]) | uint16(c.ram[a+1])<<8
	}
	lo := c.fetch8()
	return uint16(lo) | uint16(c.fetch8())<<8
}

func (c *CPU) push16(v uint16) {
	c.Regs[SP] -= 2
	c.write16(SS, c.Regs[SP], v)
}

func (c *CPU) pop16() uint16 {
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
