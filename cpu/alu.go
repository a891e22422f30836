package cpu

// Arithmetic and logic with their flags (Intel 8086 Family User's Manual,
// 2-33 ff.).
//
// The ALU opcodes (ADD..CMP, INC, DEC) defer their flags: they record the
// kind of operation, its operands and its result in CPU.lazy/lzA/lzB/lzR,
// and the six arithmetic flags are worked out only when something reads
// them (syncFlags). Most results are overwritten before any flag is looked
// at, and Jcc on ZF or CF reads those two straight from the record. The
// rule that keeps this exact: while lazy != lzNone the arithmetic bits of
// c.flags are stale, so every reader or partial writer of them calls
// syncFlags first, and every writer of all six clears lazy (the eager
// helpers below do). Code outside this file's control (muldiv.go,
// div8086.go) is entered with the flags synced.

const arithFlags = FlagCF | FlagPF | FlagAF | FlagZF | FlagSF | FlagOF

// szp8 holds SF, ZF and PF for every byte result. PF is the parity of the
// low byte only, also for word results.
var szp8 [256]uint16

func init() {
	for i := 0; i < 256; i++ {
		var f uint16
		if i == 0 {
			f |= FlagZF
		}
		if i&0x80 != 0 {
			f |= FlagSF
		}
		p := 0
		for b := i; b != 0; b >>= 1 {
			p ^= b & 1
		}
		if p == 0 {
			f |= FlagPF
		}
		szp8[i] = f
	}
}

// szp16 is SF, ZF and PF of a word result: PF from its low byte (szp8),
// SF from bit 15. (A 64 KiB table of all three missed the L1 cache.)
func szp16(r uint16) uint16 {
	z := uint16(0)
	if r == 0 {
		z = FlagZF
	}
	return uint16(szp8[uint8(r)])&FlagPF | r>>8&FlagSF | z
}

// Kinds of deferred flag computation (CPU.lazy). lzR holds the result in
// its low 16 (or 8) bits and the carry out, CF, in bit 16, for every kind;
// lzA and lzB are the operands (AF and OF need them).
const (
	lzNone uint8 = iota
	lzAdd16
	lzSub16
	lzLogic16
	lzAdd8
	lzSub8
	lzLogic8
)

// syncFlags brings deferred arithmetic flags into c.flags.
func (c *CPU) syncFlags() {
	if c.lazy != lzNone {
		c.computeFlags()
	}
}

// computeFlags is syncFlags' slow half, kept out of line.
//
//go:noinline
func (c *CPU) computeFlags() {
	a, b, r := c.lzA, c.lzB, c.lzR
	res := uint16(r)
	f := uint16(r>>16) & FlagCF
	switch c.lazy {
	case lzAdd16:
		f |= szp16(res) | (a^b^res)&FlagAF | ((a^res)&(b^res)&0x8000)>>4
	case lzSub16:
		f |= szp16(res) | (a^b^res)&FlagAF | ((a^b)&(a^res)&0x8000)>>4
	case lzLogic16:
		f |= szp16(res)
	case lzAdd8:
		f |= szp8[uint8(res)] | (a^b^res)&FlagAF | ((a^res)&(b^res)&0x80)<<4
	case lzSub8:
		f |= szp8[uint8(res)] | (a^b^res)&FlagAF | ((a^b)&(a^res)&0x80)<<4
	case lzLogic8:
		f |= szp8[uint8(res)]
	}
	c.flags = c.flags&^arithFlags | f
	c.lazy = lzNone
}

// carry is CF, from the deferred record when there is one.
func (c *CPU) carry() uint16 {
	if c.lazy == lzNone {
		return c.flags & FlagCF
	}
	return uint16(c.lzR>>16) & 1
}

// zero is ZF, from the deferred record when there is one (the low 16 bits
// of lzR are the result, zero-extended for byte kinds).
func (c *CPU) zero() bool {
	if c.lazy == lzNone {
		return c.flags&FlagZF != 0
	}
	return uint16(c.lzR) == 0
}

// The deferred ALU operations.

func (c *CPU) addL16(a, b, carry uint16) uint16 {
	r := uint32(a) + uint32(b) + uint32(carry)
	c.lazy, c.lzA, c.lzB, c.lzR = lzAdd16, a, b, r
	return uint16(r)
}

func (c *CPU) subL16(a, b, borrow uint16) uint16 {
	r := uint32(a) - uint32(b) - uint32(borrow)
	c.lazy, c.lzA, c.lzB, c.lzR = lzSub16, a, b, r
	return uint16(r)
}

func (c *CPU) logicL16(r uint16) uint16 {
	c.lazy, c.lzR = lzLogic16, uint32(r)
	return r
}

func (c *CPU) addL8(a, b, carry uint8) uint8 {
	r := uint32(a) + uint32(b) + uint32(carry)
	c.lazy, c.lzA, c.lzB, c.lzR = lzAdd8, uint16(a), uint16(b), uint32(uint8(r))|r>>8<<16
	return uint8(r)
}

func (c *CPU) subL8(a, b, borrow uint8) uint8 {
	r := uint32(a) - uint32(b) - uint32(borrow)
	c.lazy, c.lzA, c.lzB, c.lzR = lzSub8, uint16(a), uint16(b), uint32(uint8(r))|r>>8&1<<16
	return uint8(r)
}

func (c *CPU) logicL8(r uint8) uint8 {
	c.lazy, c.lzR = lzLogic8, uint32(r)
	return r
}

func (c *CPU) add8(a, b, carry uint8) uint8 {
	r := uint16(a) + uint16(b) + uint16(carry)
	res := uint8(r)
	c.lazy = lzNone
	c.flags = c.flags&^arithFlags | (r>>8)&FlagCF | szp8[res] |
		uint16((a^b^res)&0x10) | uint16((a^res)&(b^res)&0x80)<<4
	return res
}

func (c *CPU) add16(a, b, carry uint16) uint16 {
	r := uint32(a) + uint32(b) + uint32(carry)
	res := uint16(r)
	c.lazy = lzNone
	c.flags = c.flags&^arithFlags | uint16(r>>16)&FlagCF | szp16(res) |
		(a^b^res)&0x10 | ((a^res)&(b^res)&0x8000)>>4
	return res
}

func (c *CPU) sub8(a, b, borrow uint8) uint8 {
	r := uint16(a) - uint16(b) - uint16(borrow)
	res := uint8(r)
	c.lazy = lzNone
	c.flags = c.flags&^arithFlags | (r>>8)&FlagCF | szp8[res] |
		uint16((a^b^res)&0x10) | uint16((a^b)&(a^res)&0x80)<<4
	return res
}

func (c *CPU) sub16(a, b, borrow uint16) uint16 {
	r := uint32(a) - uint32(b) - uint32(borrow)
	res := uint16(r)
	c.lazy = lzNone
	c.flags = c.flags&^arithFlags | uint16(r>>16)&FlagCF | szp16(res) |
		(a^b^res)&0x10 | ((a^b)&(a^res)&0x8000)>>4
	return res
}

// logic8/16 set flags for AND, OR, XOR, TEST: CF = OF = 0 (AF undefined;
// the 8086 clears it).
func (c *CPU) logic8(r uint8) uint8 {
	c.lazy = lzNone
	c.flags = c.flags&^arithFlags | szp8[r]
	return r
}

func (c *CPU) logic16(r uint16) uint16 {
	c.lazy = lzNone
	c.flags = c.flags&^arithFlags | szp16(r)
	return r
}

// alu8 performs the operation selected by bits 5-3 of opcodes 00-3F and of
// the reg field of group 1 (80-83): ADD OR ADC SBB AND SUB XOR CMP. The
// flags are deferred.
func (c *CPU) alu8(op byte, a, b uint8) uint8 {
	switch op {
	case 0:
		return c.addL8(a, b, 0)
	case 1:
		return c.logicL8(a | b)
	case 2:
		return c.addL8(a, b, uint8(c.carry()))
	case 3:
		return c.subL8(a, b, uint8(c.carry()))
	case 4:
		return c.logicL8(a & b)
	case 5:
		return c.subL8(a, b, 0)
	case 6:
		return c.logicL8(a ^ b)
	default:
		c.subL8(a, b, 0)
		return a
	}
}

func (c *CPU) alu16(op byte, a, b uint16) uint16 {
	switch op {
	case 0:
		return c.addL16(a, b, 0)
	case 1:
		return c.logicL16(a | b)
	case 2:
		return c.addL16(a, b, c.carry())
	case 3:
		return c.subL16(a, b, c.carry())
	case 4:
		return c.logicL16(a & b)
	case 5:
		return c.subL16(a, b, 0)
	case 6:
		return c.logicL16(a ^ b)
	default:
		c.subL16(a, b, 0)
		return a
	}
}

// INC and DEC leave CF alone: the record keeps the old CF in bit 16 of lzR
// in place of the carry out.
func (c *CPU) inc8(a uint8) uint8 {
	r := a + 1
	c.lazy, c.lzA, c.lzB, c.lzR = lzAdd8, uint16(a), 1, uint32(r)|uint32(c.carry())<<16
	return r
}

func (c *CPU) dec8(a uint8) uint8 {
	r := a - 1
	c.lazy, c.lzA, c.lzB, c.lzR = lzSub8, uint16(a), 1, uint32(r)|uint32(c.carry())<<16
	return r
}

func (c *CPU) inc16(a uint16) uint16 {
	r := a + 1
	c.lazy, c.lzA, c.lzB, c.lzR = lzAdd16, a, 1, uint32(r)|uint32(c.carry())<<16
	return r
}

func (c *CPU) dec16(a uint16) uint16 {
	r := a - 1
	c.lazy, c.lzA, c.lzB, c.lzR = lzSub16, a, 1, uint32(r)|uint32(c.carry())<<16
	return r
}

func (c *CPU) setFlag(f uint16, on bool) {
	c.syncFlags()
	if on {
		c.flags |= f
	} else {
		c.flags &^= f
	}
}

// condTable[cc] has bit i set when condition cc holds for the flag
// combination i = CF | PF<<1 | ZF<<2 | SF<<3 | OF<<4 (built from cond).
var condTable [16]uint32

func init() {
	var c CPU
	for cc := byte(0); cc < 16; cc++ {
		for i := uint32(0); i < 32; i++ {
			c.flags = 0
			for bit, f := range []uint16{FlagCF, FlagPF, FlagZF, FlagSF, FlagOF} {
				if i>>bit&1 != 0 {
					c.flags |= f
				}
			}
			if c.cond(cc) {
				condTable[cc] |= 1 << i
			}
		}
	}
}

// condFast is cond by table lookup. JZ/JNZ and JC/JNC, the common ones,
// read a deferred record directly.
func (c *CPU) condFast(cc byte) bool {
	if c.lazy != lzNone {
		switch cc & 15 {
		case 2:
			return c.lzR&0x10000 != 0
		case 3:
			return c.lzR&0x10000 == 0
		case 4:
			return uint16(c.lzR) == 0
		case 5:
			return uint16(c.lzR) != 0
		}
		c.computeFlags()
	}
	f := uint32(c.flags)
	i := f&1 | f>>1&2 | f>>4&4 | f>>4&8 | f>>7&16
	return condTable[cc&15]>>i&1 != 0
}

// cond evaluates the condition of Jcc opcode 70h+cc (Intel SDM Vol. 2,
// Jcc condition table).
func (c *CPU) cond(cc byte) bool {
	f := c.flags
	var r bool
	switch cc >> 1 {
	case 0: // O
		r = f&FlagOF != 0
	case 1: // B/C
		r = f&FlagCF != 0
	case 2: // Z
		r = f&FlagZF != 0
	case 3: // BE
		r = f&(FlagCF|FlagZF) != 0
	case 4: // S
		r = f&FlagSF != 0
	case 5: // P
		r = f&FlagPF != 0
	case 6: // L: SF != OF
		r = (f&FlagSF != 0) != (f&FlagOF != 0)
	case 7: // LE
		r = f&FlagZF != 0 || (f&FlagSF != 0) != (f&FlagOF != 0)
	}
	return r != (cc&1 != 0)
}
