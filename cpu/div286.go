package cpu

// The 80286 divides with a microcode loop of the 8086's kind (div8086.go):
// one trial subtraction of the divisor from the high half, then one shift
// and trial subtraction per quotient bit. Unlike the 8086 it never leaves
// the loop early: DIV r8 takes 14 clocks and IDIV r8 17 whether or not the
// quotient fits (80286 PRM, Appendix B). Intel calls the arithmetic flags
// undefined afterwards, but a divide-error handler finds them pushed on
// the stack. The model below is one set of rules about the loop's steps;
// it accounts for every FLAGS value the SingleStepTests 80286 vectors
// record for F6/F7 /6 and /7 (the pushed images of 228 divide errors and
// the masked final FLAGS of the rest), without a rule per case:
//
//  1. Each trial subtraction of the loop is an ALU SUB and sets all six
//     flags as SUB does.
//  2. The last step writes the flags its own way: SF ZF PF from the
//     remainder it leaves, AF set, and CF = OF = the carry (borrow) of its
//     ALU operation.
//  3. DIV keeps the partial remainder one bit wider than the operand (a
//     bit shifted out forces the subtraction). When the high half is not
//     below the divisor the quotient cannot fit; the microcode branches to
//     the divide error before its last step, so the pushed flags are those
//     of the next-to-last trial subtraction (rule 1). Otherwise the last
//     step is the last trial subtraction (rule 2: CF = OF = its borrow).
//  4. IDIV first takes the magnitudes of dividend and divisor, and divides
//     them with an operand-wide partial remainder and no overflow branch:
//     for magnitudes (the divisor's is at most 2^(n-1)) a quotient that
//     fits never needs the extra bit, and an oversized one is caught from
//     the quotient afterwards. Its last step compares the remainder with
//     the divisor as signed: a subtraction when the divisor is positive,
//     an addition of the negative divisor otherwise, so its carry is
//     (remainder < |divisor|) XOR (divisor < 0); SF ZF PF are those of the
//     remainder after it takes the dividend's sign (rule 2). The divide
//     error comes after that step, so faulting and non-faulting IDIV leave
//     flags of the same form.
//
// What the model rests on. No listing of the 286's microcode is public,
// and none of the sources searched documents how its division sets the
// flags: the 80286 PRM calls them undefined (and gives the constant clock
// counts above), the SingleStepTests 80286 README notes only that divide
// errors push undefined flags (it gives each test's flag address so that
// emulators can mask them), and no emulator author's write-up describes
// a mechanism. So:
//
//   - the shape of the loop (a trial subtraction per quotient bit that
//     sets flags as SUB does, rule 1) is the 8086's, whose CORD microcode
//     is public (div8086.go), and that the loop always runs to its end
//     follows from the PRM's constant clock counts;
//   - rules 2-4 are inferred from the flags the SingleStepTests 80286
//     vectors record, the first 100 of each file: rule 2 from 89 DIV and
//     77 IDIV results that fit; rule 3 from 108 DIV divide errors (13 of
//     them by zero); rule 4 from those 77 IDIV results, 34 IDIV quotients
//     out of range, 74 IDIV loops that overflow (44 with a negative
//     divisor, 30 positive) and 12 divisions by zero. Each rule is one
//     statement about a step of the loop, with no case for particular
//     operands; but no other evidence supports them, and vectors beyond
//     those may disagree. The least natural of them is rule 4's overflow:
//     an operand-wide loop that drops the bit it shifts out, unlike DIV's.
//
// TestDivide286Flags checks one vector per case of the model;
// TestDiv286ClosedFormsMatchTheLoop checks that the closed forms below
// (a quotient that fits computed at once, the last trial's borrow from
// the quotient's low bit) equal the loop run bit by bit, over every byte
// operand and random words; TestDiv286FlagInvariants checks over every
// divisor what the rules imply for every outcome (AF set and CF = OF
// after the last step, the architectural quotient, remainder and divide
// error whatever the flags).

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

// divOverflowFlags is what DIV leaves when hi is not below d: the loop
// runs on, a bit shifted out of the partial remainder forcing the
// subtraction, and the flags are those of its next-to-last trial
// subtraction (the first trial and bits-1 of the bits shift steps).
func divOverflowFlags(hi, lo, d uint32, bits uint) uint16 {
	mask := uint32(1)<<bits - 1
	top := bits - 1
	tmpa := hi
	f := subFlags(tmpa, d, bits)
	if tmpa >= d {
		tmpa -= d
	}
	for i := int(top); i > 0; i-- {
		out := tmpa >> top & 1
		tmpa = (tmpa<<1 | lo>>uint(i)&1) & mask
		f = subFlags(tmpa, d, bits)
		if out == 1 || tmpa >= d {
			tmpa = (tmpa - d) & mask
		}
	}
	return f
}

// setDivFlags stores the six arithmetic flags the division left.
func (c *CPU) setDivFlags(f uint16) {
	c.syncFlags()
	c.flags = c.flags&^arithFlags | f
}

// divide286 is DIV (signed=false) or IDIV of hi:lo by divisor on operands
// of the given width (8 or 16). ok=false means interrupt 0; c.flags holds
// what the 286 leaves either way.
func (c *CPU) divide286(signed bool, hi, lo, divisor uint32, bits uint) (q, r uint32, ok bool) {
	if signed {
		return c.idiv286(hi, lo, divisor, bits)
	}
	return c.div286(hi, lo, divisor, bits)
}

// div286 is DIV of hi:lo by divisor on operands of the given width (8 or
// 16). ok=false means interrupt 0; c.flags holds what the 286 leaves.
func (c *CPU) div286(hi, lo, divisor uint32, bits uint) (q, r uint32, ok bool) {
	mask := uint32(1)<<bits - 1
	if hi >= divisor {
		c.setDivFlags(divOverflowFlags(hi, lo, divisor, bits))
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

// idivLoop is the loop IDIV runs on the magnitudes (rule 4): a restoring
// shift-and-subtract whose partial remainder is as wide as the operand,
// with no first trial: a bit shifted out is lost (which happens only
// when the quotient does not fit). It returns the remainder left.
func idivLoop(hi, lo, d uint32, bits uint) uint32 {
	mask := uint32(1)<<bits - 1
	tmpa := hi
	for i := int(bits) - 1; i >= 0; i-- {
		tmpa = (tmpa<<1 | lo>>uint(i)&1) & mask
		if tmpa >= d {
			tmpa -= d
		}
	}
	return tmpa
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
	if fits { // the loop's exact result, computed at once
		q, r = uint32(n/uint64(d)), uint32(n%uint64(d))
	} else {
		r = idivLoop(hiMag, loMag, d, bits)
	}
	// The last step: remainder against the signed divisor (rule 4).
	f := FlagAF
	if (r < d) != dNeg {
		f |= FlagCF | FlagOF
	}
	if nNeg {
		r = -r & mask
	}
	c.setDivFlags(f | szpN(r, bits))
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
