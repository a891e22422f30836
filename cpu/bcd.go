package cpu

// Decimal adjusts: DAA DAS AAA AAS (AAM and AAD, which divide and
// multiply, are in muldiv.go).
//
// The mechanism, on every model: the adjust decides a correction from AL,
// AF and CF (06h for the low digit, 60h for the high one), and applies it
// with ONE pass through the ALU, an add (DAA, AAA) or a subtract (DAS,
// AAS) of the whole correction. SF ZF PF, and OF that Intel calls
// undefined, are that operation's flags; AF and CF are then written with
// the decisions themselves (a digit was corrected), not with the adder's
// carries. This explains every recorded flag of the SingleStepTests 8086
// and 80286 vectors of 27/2F/37/3F, the masked ones included (OF always;
// SF ZF PF of AAA/AAS, taken from AL±6 before the high nibble is
// cleared). Ken Shirriff, "Understanding the x86's Decimal Adjust after
// Addition (DAA) instruction" (righto.com, 2023) describes the decisions;
// the 8086 microcode runs DAA/DAS as one ALU step on AL (the listing read
// by reenigne, as MartyPC and 86Box model it).
//
// The models differ in the decisions only:
//   - The high digit: Intel's pseudocode corrects it when AL > 99h (the
//     low digit's correction would carry into it) or CF. The 8086 forms
//     "the low digit will carry" from the nibble test only while AF is
//     clear: with AF set the low digit has already carried in binary, so
//     AL 9Ah-9Fh with AF=1 leaves the high digit alone (the threshold is
//     9Fh). Valid BCD never meets that case. The 80186 and 80286 compare
//     with 99h either way.
//   - DAS: on the 80186/80286 the low digit's borrow (AL < 6) also sets
//     CF, as the SDM's pseudocode has it; on the 8086 only the high-digit
//     decision does.
//   - AAA/AAS: the 8086 steps AH by one as a separate byte operation; the
//     80186 and 80286 add 106h (or subtract 6 then 100h) to AX, so a carry
//     or borrow out of AL reaches AH too.
//
// The 80186's undefined flags (OF kept by DAA/DAS; after AAA/AAS SF ZF PF
// from the final AL and OF clear) are not measured on an 80186: no vectors of one are at hand,
// and the artlav results they follow were recorded on a later CPU (see
// Flags). They are kept so as not to invent a third behaviour.

// daaDecisions returns whether DAA/DAS corrects the low and the high
// digit of al.
func (c *CPU) daaDecisions(al uint8) (low, high bool) {
	af := c.flags&FlagAF != 0
	low = al&0x0F > 9 || af
	limit := uint8(0x99)
	if af && c.model == Model8086 {
		limit = 0x9F
	}
	high = c.flags&FlagCF != 0 || al > limit
	return low, high
}

// adjustFlags finishes a decimal adjust: the ALU operation has set all six
// flags; AF and CF become the decisions.
func (c *CPU) adjustFlags(af, cf bool) {
	c.flags &^= FlagAF | FlagCF
	if af {
		c.flags |= FlagAF
	}
	if cf {
		c.flags |= FlagCF
	}
}

func (c *CPU) daa() {
	al := uint8(c.Regs[AX])
	low, high := c.daaDecisions(al)
	var corr uint8
	if low {
		corr |= 0x06
	}
	if high {
		corr |= 0x60
	}
	of := c.flags & FlagOF
	c.setReg8(AX, c.add8(al, corr, 0))
	c.adjustFlags(low, high)
	c.keepOF186(of)
}

func (c *CPU) das() {
	al := uint8(c.Regs[AX])
	low, high := c.daaDecisions(al)
	var corr uint8
	if low {
		corr |= 0x06
	}
	if high {
		corr |= 0x60
	}
	of := c.flags & FlagOF
	c.setReg8(AX, c.sub8(al, corr, 0))
	cf := high || low && al < 6 && c.model != Model8086
	c.adjustFlags(low, cf)
	c.keepOF186(of)
}

// aaa and aas correct the low digit when it is above 9 or AF is set, and
// then clear AL's high nibble.
func (c *CPU) aaa() {
	ax := c.Regs[AX]
	adj := ax&0x0F > 9 || c.flags&FlagAF != 0
	var corr uint8
	if adj {
		corr = 6
	}
	al := c.add8(uint8(ax), corr, 0)
	switch {
	case !adj:
	case c.model == Model8086:
		ax += 0x100
	default:
		ax += 0x006 // the carry out of AL reaches AH
		ax += 0x100
	}
	if c.model == Model8086 || !adj {
		ax = ax&0xFF00 | uint16(al)
	}
	c.Regs[AX] = ax & 0xFF0F
	c.adjustFlags(adj, adj)
	c.unpackedFlags186()
}

func (c *CPU) aas() {
	ax := c.Regs[AX]
	adj := ax&0x0F > 9 || c.flags&FlagAF != 0
	var corr uint8
	if adj {
		corr = 6
	}
	al := c.sub8(uint8(ax), corr, 0)
	switch {
	case !adj:
	case c.model == Model8086:
		ax -= 0x100
	default:
		ax -= 0x006 // the borrow out of AL reaches AH
		ax -= 0x100
	}
	if c.model == Model8086 || !adj {
		ax = ax&0xFF00 | uint16(al)
	}
	c.Regs[AX] = ax & 0xFF0F
	c.adjustFlags(adj, adj)
	c.unpackedFlags186()
}

// unpackedFlags186 gives AAA/AAS on the 80186 the undefined flags of the
// artlav recording: SF ZF PF from the final AL, OF clear.
func (c *CPU) unpackedFlags186() {
	if c.model == Model80186 {
		c.flags = c.flags&^(FlagSF|FlagZF|FlagPF|FlagOF) | szp8[uint8(c.Regs[AX])]
	}
}

// keepOF186 leaves OF as DAA/DAS found it on the 80186 (the artlav
// recording).
func (c *CPU) keepOF186(of uint16) {
	if c.model == Model80186 {
		c.flags = c.flags&^FlagOF | of
	}
}
