package cpu

// The 80286 divides with a microcode loop of the 8086's kind (div8086.go):
// one trial subtraction of the divisor from the high half, then one shift
// and trial subtraction per quotient bit. Unlike the 8086 it never leaves
// the loop early: DIV r8 takes 14 clocks and IDIV r8 17 whether or not the
// quotient fits (80286 PRM, Appendix B), and the divide error comes at the
// end. Intel calls the arithmetic flags undefined afterwards, but a
// divide-error handler finds them pushed on the stack, so they follow what
// the SingleStepTests 80286 vectors record:
//
//   - A quotient that fits: SF ZF PF from the remainder as stored, AF set,
//     CF = OF. For DIV that is the borrow of the last trial subtraction;
//     for IDIV it is set when the divisor is positive.
//   - DIV whose high half is not below the divisor (quotient too wide,
//     division by zero): the flags of the next-to-last trial subtraction of
//     the loop run on regardless, in which a bit shifted out of the
//     partial remainder forces the subtraction (and still sets the flags).
//   - IDIV whose quotient is out of range: as for a quotient that fits,
//     from the remainder and divisor the loop produced.

// subFlags is the flag set of a - b on an operand of the given width.
func subFlags(a, b uint32, bits uint) uint16 {
	mask := uint32(1)<<bits - 1
	r := (a - b) & mask
	f := szpN(r, bits) | uint16((a^b^r)&0x10) // AF: borrow out of bit 3
	if b > a {
		f |= FlagCF
	}
	if ((a^b)&(a^r))>>(bits-1)&1 != 0 {
		f |= FlagOF
	}
	return f
}

// szpN is SF ZF PF of a result of the given width.
func szpN(r uint32, bits uint) uint16 {
	if bits == 8 {
		return szp8[uint8(r)]
	}
	return szp16(uint16(r))
}

// divLoop runs the 286's shift-and-subtract loop on hi:lo / d without
// stopping for overflow. It returns the partial remainder left at the end
// and the flags of the next-to-last trial subtraction.
func divLoop(hi, lo, d uint32, bits uint) (rem uint32, prev uint16) {
	mask := uint32(1)<<bits - 1
	top := bits - 1
	tmpa, tmpc := hi, lo
	f := subFlags(tmpa, d, bits)
	cf := uint32(1) // the borrow of each trial becomes the next quotient bit (inverted)
	if tmpa >= d {
		tmpa -= d
		cf = 0
	}
	for i := uint(0); i < bits; i++ {
		out := tmpc >> top & 1
		tmpc = (tmpc<<1 | cf) & mask
		cf = out
		out = tmpa >> top & 1
		tmpa = (tmpa<<1 | cf) & mask
		prev, f = f, subFlags(tmpa, d, bits)
		if out == 1 || tmpa >= d {
			tmpa = (tmpa - d) & mask
			cf = 0
		} else {
			cf = 1
		}
	}
	return tmpa, prev
}

// setDivFlags stores the six arithmetic flags the division left.
func (c *CPU) setDivFlags(f uint16) {
	c.syncFlags()
	c.flags = c.flags&^arithFlags | f
}

// div286 is DIV of hi:lo by divisor on operands of the given width (8 or
// 16). ok=false means interrupt 0; c.flags holds what the 286 leaves.
func (c *CPU) div286(hi, lo, divisor uint32, bits uint) (q, r uint32, ok bool) {
	mask := uint32(1)<<bits - 1
	if hi >= divisor {
		_, f := divLoop(hi, lo, divisor, bits)
		c.setDivFlags(f)
		return 0, 0, false
	}
	n := hi<<bits | lo
	q, r = n/divisor, n%divisor
	f := szpN(r, bits) | FlagAF
	// The last trial subtraction borrowed unless it produced the last
	// quotient bit from a partial remainder that fitted the width.
	if q&1 == 0 || r+divisor > mask {
		f |= FlagCF | FlagOF
	}
	c.setDivFlags(f)
	return q, r, true
}

// idiv286 is IDIV of hi:lo by divisor on operands of the given width.
// The quotient is rounded toward zero; the remainder takes the sign of
// the dividend. ok=false means interrupt 0.
func (c *CPU) idiv286(hi, lo, divisor uint32, bits uint) (q, r uint32, ok bool) {
	mask := uint32(1)<<bits - 1
	top := bits - 1
	n := uint64(hi)<<bits | uint64(lo)
	nNeg := hi>>top&1 == 1
	if nNeg {
		n = -n & (uint64(1)<<(2*bits) - 1)
	}
	dNeg := divisor>>top&1 == 1
	d := divisor
	if dNeg {
		d = -d & mask
	}
	hiMag, loMag := uint32(n>>bits)&mask, uint32(n)&mask
	fits := hiMag < d
	if fits {
		q, r = uint32(n/uint64(d)), uint32(n%uint64(d))
	} else {
		r, _ = divLoop(hiMag, loMag, d, bits)
	}
	if nNeg {
		r = -r & mask
	}
	f := szpN(r, bits) | FlagAF
	if divisor != 0 && !dNeg {
		f |= FlagCF | FlagOF
	}
	c.setDivFlags(f)
	if !fits {
		return 0, 0, false
	}
	if nNeg != dNeg {
		if q > 1<<top {
			return 0, 0, false
		}
		q = -q & mask
	} else if q >= 1<<top {
		return 0, 0, false
	}
	return q, r, true
}
