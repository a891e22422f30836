package cpu

// Group 3 (F6/F7): NOT NEG DIV IDIV, and MUL IMUL for the kinds that run
// them (exec.go; TEST, /0 and its undocumented alias /1, is a kind of its
// own there too), and the decimal adjusts.
// MUL/IMUL set CF = OF when the upper half of the product is significant;
// SF ZF AF PF are undefined (the vectors mask them). A quotient that does
// not fit raises interrupt 0 (Intel 8086 Family User's Manual, 2-51).

// divideError raises interrupt 0. The 8086 pushes the address of the next
// instruction; the 80186 and later that of the faulting one, so the handler
// can restart it (80286 PRM, 9.5).
func (c *CPU) divideError() {
	ret := c.IP
	if c.model != Model8086 {
		ret = c.opStart
	}
	c.interrupt(0, ret)
}

func (c *CPU) group3Byte() {
	v := c.rm8()
	switch c.reg {
	case 2: // NOT
		c.setRM8(^v)
	case 3: // NEG
		c.setRM8(c.sub8(0, v, 0))
	case 6, 7: // DIV, IDIV
		if c.model == Model8086 {
			a := c.Regs[AX]
			q, r, ok := c.div8086(uint32(a>>8), uint32(a&0xFF), uint32(v), 8, c.reg == 7)
			if !ok {
				c.divideError()
				return
			}
			c.Regs[AX] = uint16(r)<<8 | uint16(q)
			return
		}
		if c.model == Model80286 {
			a := c.Regs[AX]
			q, r, ok := c.divide286(c.reg == 7, uint32(a>>8), uint32(a&0xFF), uint32(v), 8)
			if !ok {
				c.divideError()
				return
			}
			c.Regs[AX] = uint16(r)<<8 | uint16(q)
			return
		}
		if c.reg == 7 {
			c.idiv8(v)
			return
		}
		a := c.Regs[AX]
		if v == 0 || a/uint16(v) > 0xFF {
			c.divideError()
			return
		}
		c.Regs[AX] = (a%uint16(v))<<8 | a/uint16(v)
	}
}

func (c *CPU) idiv8(v uint8) {
	a := int32(int16(c.Regs[AX]))
	b := int32(int8(v))
	if b == 0 {
		c.divideError()
		return
	}
	q, r := a/b, a%b
	if q > 0x7F || q < -0x80 {
		c.divideError()
		return
	}
	c.Regs[AX] = uint16(uint8(r))<<8 | uint16(uint8(q))
}

func (c *CPU) group3Word() {
	v := c.rm16()
	switch c.reg {
	case 2:
		c.setRM16(^v)
	case 3:
		c.setRM16(c.sub16(0, v, 0))
	case 6, 7: // DIV, IDIV
		if c.model == Model8086 {
			q, r, ok := c.div8086(uint32(c.Regs[DX]), uint32(c.Regs[AX]), uint32(v), 16, c.reg == 7)
			if !ok {
				c.divideError()
				return
			}
			c.Regs[AX], c.Regs[DX] = uint16(q), uint16(r)
			return
		}
		if c.model == Model80286 {
			q, r, ok := c.divide286(c.reg == 7, uint32(c.Regs[DX]), uint32(c.Regs[AX]), uint32(v), 16)
			if !ok {
				c.divideError()
				return
			}
			c.Regs[AX], c.Regs[DX] = uint16(q), uint16(r)
			return
		}
		if c.reg == 7 {
			c.idiv16(v)
			return
		}
		a := uint32(c.Regs[DX])<<16 | uint32(c.Regs[AX])
		if v == 0 || a/uint32(v) > 0xFFFF {
			c.divideError()
			return
		}
		c.Regs[AX] = uint16(a / uint32(v))
		c.Regs[DX] = uint16(a % uint32(v))
	}
}

func (c *CPU) idiv16(v uint16) {
	a := int64(int32(uint32(c.Regs[DX])<<16 | uint32(c.Regs[AX])))
	b := int64(int16(v))
	if b == 0 {
		c.divideError()
		return
	}
	q, r := a/b, a%b
	if q > 0x7FFF || q < -0x8000 {
		c.divideError()
		return
	}
	c.Regs[AX] = uint16(q)
	c.Regs[DX] = uint16(r)
}

// mulFlags sets CF and OF for MUL/IMUL and SF ZF PF from the low half of
// the result (undefined by Intel; masked by the vectors).
// mul8 is MUL (signed=false) or IMUL of AL by v into AX; mul16 of AX by
// v into DX:AX. negate is the 8086's REP prefix, which (undocumented)
// negates its IMUL's product.
func (c *CPU) mul8(signed bool, v uint8, negate bool) {
	if !signed {
		r := uint16(uint8(c.Regs[AX])) * uint16(v)
		c.Regs[AX] = r
		c.mulFlags(r>>8 != 0, uint16(uint8(r)), 8)
		return
	}
	r := int16(int8(uint8(c.Regs[AX]))) * int16(int8(v))
	if negate {
		r = -r
	}
	c.Regs[AX] = uint16(r)
	c.mulFlags(r != int16(int8(r)), uint16(uint8(r)), 8)
}

func (c *CPU) mul16(signed bool, v uint16, negate bool) {
	if !signed {
		r := uint32(c.Regs[AX]) * uint32(v)
		c.Regs[AX] = uint16(r)
		c.Regs[DX] = uint16(r >> 16)
		c.mulFlags(r>>16 != 0, uint16(r), 16)
		return
	}
	r := int32(int16(c.Regs[AX])) * int32(int16(v))
	if negate {
		r = -r
	}
	c.Regs[AX] = uint16(r)
	c.Regs[DX] = uint16(uint32(r) >> 16)
	c.mulFlags(r != int32(int16(r)), uint16(r), 16)
}

func (c *CPU) mulFlags(upper bool, low uint16, bits int) {
	f := c.flags &^ arithFlags
	if bits == 8 {
		f |= szp8[uint8(low)]
	} else {
		f |= szp16(low)
	}
	if upper {
		f |= FlagCF | FlagOF
	}
	c.flags = f
}

// IMUL r16, rm16, imm (69/6B, 80186+).
func (c *CPU) imul3(a, b uint16) uint16 {
	r := int32(int16(a)) * int32(int16(b))
	c.mulFlags(r != int32(int16(r)), uint16(r), 16)
	return uint16(r)
}

func (c *CPU) aam(base uint8) {
	if base == 0 {
		c.divideError()
		return
	}
	al := uint8(c.Regs[AX])
	c.Regs[AX] = uint16(al/base)<<8 | uint16(al%base)
	c.flags = c.flags&^arithFlags | szp8[al%base]
}

func (c *CPU) aad(base uint8) {
	ax := c.Regs[AX]
	// OF AF CF are undefined. The 8086 and 286 form AL + AH*base with the
	// adder and keep its flags; the 80186 clears them (artlav mul results).
	var r uint8
	if c.model == Model80186 {
		r = c.logic8(uint8(ax) + uint8(ax>>8)*base)
	} else {
		r = c.add8(uint8(ax), uint8(ax>>8)*base, 0)
	}
	c.Regs[AX] = uint16(r)
}
