package cpu

// ModRM decoding (Intel 8086 Family User's Manual, Table 4-10): mod selects
// register or memory with 0/8/16-bit displacement, rm the base/index pair.
// BP-based forms default to SS, the rest to DS; a prefix overrides either.

func (c *CPU) decodeModRM() {
	m, ok := c.fetchFast()
	c.decodeModRMFrom(m, ok)
}

// decodeModRMFrom completes decodeModRM after a fetchFast that either
// failed (ok=false: fetch the byte now) or returned a byte the caller's
// register-form fast path did not take.
func (c *CPU) decodeModRMFrom(m uint8, ok bool) {
	if !ok {
		m = c.fetch8()
	}
	c.mod = m >> 6
	c.reg = (m >> 3) & 7
	c.rm = m & 7
	if m >= 0xC0 {
		return
	}
	// The effective address (8086 manual, Table 4-10).
	var off uint16
	seg := DS
	switch c.rm {
	case 0:
		off = c.Regs[BX] + c.Regs[SI]
	case 1:
		off = c.Regs[BX] + c.Regs[DI]
	case 2:
		off = c.Regs[BP] + c.Regs[SI]
		seg = SS
	case 3:
		off = c.Regs[BP] + c.Regs[DI]
		seg = SS
	case 4:
		off = c.Regs[SI]
	case 5:
		off = c.Regs[DI]
	case 6:
		if c.mod == 0 {
			off = c.fetch16()
		} else {
			off = c.Regs[BP]
			seg = SS
		}
	case 7:
		off = c.Regs[BX]
	}
	switch c.mod {
	case 1:
		off += uint16(int8(c.fetch8()))
	case 2:
		off += c.fetch16()
	}
	if c.segOvr >= 0 {
		seg = c.segOvr
	}
	c.eaSeg = seg
	c.eaOff = off
}

// reg8 reads byte register r: 0-3 are AL CL DL BL, 4-7 AH CH DH BH.
func (c *CPU) reg8(r byte) uint8 {
	if r < 4 {
		return uint8(c.Regs[r])
	}
	return uint8(c.Regs[r-4] >> 8)
}

func (c *CPU) setReg8(r byte, v uint8) {
	if r < 4 {
		c.Regs[r] = c.Regs[r]&0xFF00 | uint16(v)
	} else {
		c.Regs[r-4] = c.Regs[r-4]&0x00FF | uint16(v)<<8
	}
}

func (c *CPU) rm8() uint8 {
	if c.mod == 3 {
		return c.reg8(c.rm)
	}
	return c.read8(c.eaSeg, c.eaOff)
}

func (c *CPU) setRM8(v uint8) {
	if c.mod == 3 {
		c.setReg8(c.rm, v)
		return
	}
	c.write8(c.eaSeg, c.eaOff, v)
}

func (c *CPU) rm16() uint16 {
	if c.mod == 3 {
		return c.Regs[c.rm&7]
	}
	return c.read16(c.eaSeg, c.eaOff)
}

func (c *CPU) setRM16(v uint16) {
	if c.mod == 3 {
		c.Regs[c.rm&7] = v
		return
	}
	c.write16(c.eaSeg, c.eaOff, v)
}

// fetchFast is the RAM fast path of fetch8, small enough to inline; ok is
// false when the byte must come through fetch8.
func (c *CPU) fetchFast() (b uint8, ok bool) {
	a := c.csBase + uint32(c.IP)
	if mem := c.mem; a < uint32(len(mem)) {
		c.IP++
		return mem[a], true
	}
	return 0, false
}

// Effective-address components by rm (8086 manual, Table 4-10): base
// register, index register (masked out where there is none), default
// segment.
var (
	eaBase      = [8]uint8{BX, BX, BP, BP, SI, DI, BP, BX}
	eaIndex     = [8]uint8{SI, DI, SI, DI, SI, SI, SI, SI}
	eaIndexMask = [8]uint16{0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0, 0, 0, 0}
	eaSegment   = [8]int{DS, DS, SS, SS, DS, DS, SS, DS}
)

// decodeModRMAt is decodeModRM for an instruction whose bytes the run loop
// found in RAM, in the window p (opcode at p[0], no prefixes, starting at IP
// ip): the ModRM byte and displacement come from p and IP is set past them
// in one go. Without a window (p == nil) it fetches them one by one.
func (c *CPU) decodeModRMAt(p *[8]byte, ip uint16) {
	if p == nil {
		c.decodeModRM()
		return
	}
	m := p[1]
	rm := m & 7
	c.mod, c.reg, c.rm = m>>6, m>>3&7, rm
	var off uint16
	switch m >> 6 {
	case 3:
		c.IP = ip + 2
		return
	case 0:
		if rm == 6 { // direct address
			c.eaSeg, c.eaOff = DS, uint16(p[2])|uint16(p[3])<<8
			if c.segOvr >= 0 {
				c.eaSeg = c.segOvr
			}
			c.IP = ip + 4
			return
		}
		c.IP = ip + 2
	case 1:
		off = uint16(int8(p[2]))
		c.IP = ip + 3
	case 2:
		off = uint16(p[2]) | uint16(p[3])<<8
		c.IP = ip + 4
	}
	c.eaOff = off + c.Regs[eaBase[rm]&7] + c.Regs[eaIndex[rm]&7]&eaIndexMask[rm]
	c.eaSeg = eaSegment[rm]
	if c.segOvr >= 0 {
		c.eaSeg = c.segOvr
	}
}
