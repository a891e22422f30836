package cpu

// The 8086 divides with a microcode loop (the CORD routine, with PREIDIV and
// POSTIDIV around it for IDIV): a restoring shift-and-subtract that updates
// the flags on some of its subtractions. The flags it leaves are what a
// divide-error handler finds pushed on the stack, so they are reproduced
// step by step here. Reference: the 8086 microcode listing as read by
// reenigne, and its use in MartyPC and other cycle-exact emulators.

// div8086 divides hi:lo by divisor on operands of the given width. It
// returns ok=false where the 8086 raises interrupt 0; c.flags holds what
// the microcode left in either case.
func (c *CPU) div8086(hi, lo, divisor uint32, bits uint, signed bool) (q, r uint32, ok bool) {
	mask := uint32(1)<<bits - 1
	top := bits - 1
	tmpa, tmpc, tmpb := hi, lo, divisor
	cf := tmpa >> top & 1 // LRCY tmpa
	f1 := c.rep != 0      // a REP prefix starts F1 set: the result is negated
	subt := func(a, b uint32) (uint32, uint32) {
		if bits == 8 {
			c.sub8(uint8(a), uint8(b), 0)
		} else {
			c.sub16(uint16(a), uint16(b), 0)
		}
		borrow := uint32(0)
		if b > a {
			borrow = 1
		}
		return (a - b) & mask, borrow
	}
	if signed { // PREIDIV: divide magnitudes, remember the sign in F1
		if cf == 1 {
			neg := tmpc != 0
			tmpc = -tmpc & mask
			if neg {
				tmpa = ^tmpa & mask
			} else {
				tmpa = -tmpa & mask
			}
			f1 = !f1
		}
		if tmpb>>top&1 == 1 {
			tmpb = -tmpb & mask
			f1 = !f1
		}
	}
	// CORD: the first trial subtraction must borrow, or the quotient
	// would not fit.
	sigma, borrow := subt(tmpa, tmpb)
	if borrow == 0 {
		return 0, 0, false
	}
	cf = borrow
	for i := uint(0); i < bits; i++ {
		out := tmpc >> top & 1
		tmpc = (tmpc<<1 | cf) & mask
		cf = out
		out = tmpa >> top & 1
		tmpa = (tmpa<<1 | cf) & mask
		cf = out
		if cf == 1 {
			sigma = (tmpa - tmpb) & mask
			cf = 0
			tmpa = sigma
		} else {
			sigma, cf = subt(tmpa, tmpb)
			if cf == 0 {
				tmpa = sigma
			}
		}
	}
	out := tmpc >> top & 1
	tmpc = (tmpc<<1 | cf) & mask
	cf = tmpc >> top & 1
	_ = out
	c.setFlag(FlagCF, cf == 1)
	q, r = ^tmpc&mask, tmpa
	if signed { // POSTIDIV
		if cf == 0 {
			return 0, 0, false
		}
		if hi>>top&1 == 1 {
			r = -tmpa & mask
		}
		if f1 {
			q = (tmpc + 1) & mask
		} else {
			q = ^tmpc & mask
		}
		c.flags &^= FlagCF | FlagOF
	}
	return q, r, true
}
