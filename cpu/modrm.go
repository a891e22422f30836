package cpu

// ModRM decoding (Intel 8086 Family User's Manual, Table 4-10): mod selects
// register or memory with 0/8/16-bit displacement, rm the base/index pair.
// BP-based forms default to SS, the rest to DS; a prefix overrides either.

// modRM loads the ModRM operand of a decoded instruction (decode.go) for
// the opcode map: mod, reg, rm, and for a memory operand its segment and
// offset with the registers as they are now.
func (c *CPU) modRM(in *inst) {
	c.mod, c.reg, c.rm = in.mod, in.reg, in.rm&7
	if in.mod != 3 {
		c.eaSeg, c.eaOff = int(in.seg), c.ea(in)
	}
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
