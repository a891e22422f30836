package cpu

// Group 2: rotates and shifts (opcodes D0-D3, and C0/C1 from the 80186).
// The 8086 uses the whole CL as count; the 80186 and later mask it to
// 5 bits (80286 PRM, Appendix B, "shift count"). A count of 0 changes
// nothing, flags included. Multi-bit counts behave as repeated 1-bit steps,
// with CF and OF from the last step.

// shiftCount applies the model's count masking.
func (c *CPU) shiftCount(n uint8) uint {
	if c.model != Model8086 {
		n &= 0x1F
	}
	return uint(n)
}

func (c *CPU) shift(op byte, v uint32, n uint, bits uint) uint32 {
	if n == 0 {
		return v
	}
	c.syncFlags()
	msb := uint32(1) << (bits - 1)
	mask := msb<<1 - 1
	cf := uint32(c.flags & FlagCF)
	var of bool
	logical := false // SF, ZF, PF from the result
	switch op {
	case 0: // ROL
		for i := uint(0); i < n; i++ {
			cf = v >> (bits - 1) & 1
			v = (v<<1 | cf) & mask
		}
		of = (v>>(bits-1))&1 != cf
	case 1: // ROR
		for i := uint(0); i < n; i++ {
			cf = v & 1
			v = v>>1 | cf<<(bits-1)
		}
		of = (v^v<<1)&msb != 0
	case 2: // RCL
		for i := uint(0); i < n; i++ {
			out := v >> (bits - 1) & 1
			v = (v<<1 | cf) & mask
			cf = out
		}
		of = (v>>(bits-1))&1 != cf
	case 3: // RCR
		for i := uint(0); i < n; i++ {
			out := v & 1
			v = v>>1 | cf<<(bits-1)
			cf = out
		}
		of = (v^v<<1)&msb != 0
	case 4: // SHL/SAL
		logical = true
		if n > bits+1 {
			cf, v = 0, 0
		} else {
			for i := uint(0); i < n; i++ {
				cf = v >> (bits - 1) & 1
				v = (v << 1) & mask
			}
		}
		of = (v>>(bits-1))&1 != cf
	case 5: // SHR
		logical = true
		var before uint32
		if n > bits+1 {
			cf, v = 0, 0
		} else {
			for i := uint(0); i < n; i++ {
				before = v
				cf = v & 1
				v >>= 1
			}
		}
		of = before&msb != 0
	case 6: // SETMO on the 8086 (undocumented: result all ones); SHL on the 80186+
		if c.model != Model8086 {
			return c.shift(4, v, n, bits)
		}
		c.flags &^= arithFlags
		v = mask
		if bits == 8 {
			c.flags |= szp8[uint8(v)]
		} else {
			c.flags |= szp16(uint16(v))
		}
		return v
	case 7: // SAR
		logical = true
		if n > bits {
			n = bits
		}
		for i := uint(0); i < n; i++ {
			cf = v & 1
			v = v>>1 | v&msb
		}
		of = false
	}
	f := c.flags &^ (FlagCF | FlagOF)
	if logical {
		f &^= FlagSF | FlagZF | FlagPF | FlagAF
		if bits == 8 {
			f |= szp8[uint8(v)]
		} else {
			f |= szp16(uint16(v))
		}
	}
	f |= uint16(cf)
	if of {
		f |= FlagOF
	}
	c.flags = f
	return v
}

// shl1w is SHL r16, 1: shift(4, v, 1, 16) written out for the run loop's
// most frequent shift (TestShl1MatchesShift checks it against shift).
func (c *CPU) shl1w(v uint16) uint16 {
	r := v << 1
	f := c.flags&^arithFlags | szp16(r) | v>>15 // all six are written: no sync
	if (r^v)&0x8000 != 0 {
		f |= FlagOF // OF = new MSB xor CF
	}
	c.flags = f
	c.lazy = lzNone
	return r
}
