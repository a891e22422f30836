package cpu

import (
	"math/rand/v2"
	"testing"
)

// TestDivide286Flags runs DIV and IDIV on the 80286 and checks the
// arithmetic flags the division leaves: in FLAGS when the quotient fits,
// in the FLAGS image pushed by interrupt 0 when it does not. The operands
// and results are those of SingleStepTests 80286 vectors, one for each
// case of the model in div286.go, so that it is checked without the
// shared data too.
func TestDivide286Flags(t *testing.T) {
	const (
		o = FlagOF
		s = FlagSF
		a = FlagAF
		p = FlagPF
		k = FlagCF
	)
	tests := []struct {
		name       string
		code       []byte
		ax, dx, bx uint16 // bx doubles as the word divisor in cx
		fault      bool
		wantAX     uint16
		wantDX     uint16
		flags      uint16
	}{
		{"div bl, fits, last trial borrowed", []byte{0xF6, 0xF3}, 0x950A, 0, 0xFF, false, 0x9F95, 0, o | s | a | p | k},
		{"div bl, quotient too wide", []byte{0xF6, 0xF3}, 0x3D0E, 0, 0x05, true, 0, 0, s | a},
		{"div bl, by zero", []byte{0xF6, 0xF3}, 0x4C3D, 0, 0x00, true, 0, 0, p},
		{"idiv bl, fits, positive divisor", []byte{0xF6, 0xFB}, 0xE73D, 0, 0x7F, false, 0x8CCF, 0, o | s | a | k},
		{"idiv bl, quotient out of range", []byte{0xF6, 0xFB}, 0xE29D, 0, 0x39, true, 0, 0, o | s | a | k},
		{"idiv bl, loop overflows, remainder not below divisor", []byte{0xF6, 0xFB}, 0x17D5, 0, 0x01, true, 0, 0, s | a},
		{"idiv bl, loop overflows", []byte{0xF6, 0xFB}, 0x2B87, 0, 0x10, true, 0, 0, o | a | k},
		{"div cx, fits", []byte{0xF7, 0xF1}, 0xFFFF, 0xF959, 0xFD28, false, 0xFC27, 0x0EE7, o | a | p | k},
		{"idiv cx, loop overflows, remainder below divisor", []byte{0xF7, 0xF9}, 0xFFFF, 0x144A, 0x05C4, true, 0, 0, o | a | p | k},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, ram, _ := newTest(t, Model80286, tc.code...)
			c.Regs[AX], c.Regs[DX], c.Regs[BX], c.Regs[CX] = tc.ax, tc.dx, tc.bx, tc.bx
			c.SetFlags(0x0002)
			step(t, c, 1)
			if tc.fault {
				if c.Segs[CS] != 0x9000 || c.IP != 0 {
					t.Fatalf("no divide error: CS:IP = %04X:%04X, AX=%04X DX=%04X", c.Segs[CS], c.IP, c.Regs[AX], c.Regs[DX])
				}
				if ip := stackWord(c, ram, 0); ip != 0x100 {
					t.Errorf("pushed IP = %04X, want 0100 (the DIV itself)", ip)
				}
				if f := stackWord(c, ram, 2) & arithFlags; f != tc.flags {
					t.Errorf("pushed flags %03X, want %03X", f, tc.flags)
				}
				if c.Regs[AX] != tc.ax || c.Regs[DX] != tc.dx {
					t.Errorf("AX DX = %04X %04X, want them unchanged", c.Regs[AX], c.Regs[DX])
				}
				return
			}
			if c.Regs[AX] != tc.wantAX || c.Regs[DX] != tc.wantDX {
				t.Errorf("AX DX = %04X %04X, want %04X %04X", c.Regs[AX], c.Regs[DX], tc.wantAX, tc.wantDX)
			}
			if f := c.Flags() & arithFlags; f != tc.flags {
				t.Errorf("flags %03X, want %03X", f, tc.flags)
			}
		})
	}
}

// The tests below check the model against itself, not against recorded
// vectors: where div286.go computes a step of the loop in closed form, the
// closed form must equal the loop run bit by bit, over every byte operand
// and random word operands. They cannot tell whether the loop is the
// 286's; they tell that the code is the loop div286.go describes.

// divSteps runs the restoring loop of rule 3 bit by bit on hi:lo / d
// (hi < d): a partial remainder one bit wider than the operand, one trial
// subtraction per quotient bit, and returns the quotient, the remainder
// and whether the operand-wide ALU borrowed on the last trial (the low
// bits of the partial remainder minus d).
func divSteps(hi, lo, d uint32, bits uint) (q, r uint32, lastBorrow bool) {
	mask := uint32(1)<<bits - 1
	pr := hi
	for i := int(bits) - 1; i >= 0; i-- {
		pr = pr<<1 | lo>>uint(i)&1 // up to bits+1 wide
		lastBorrow = pr&mask < d
		q <<= 1
		if pr >= d {
			pr -= d
			q |= 1
		}
	}
	return q, pr, lastBorrow
}

func TestDiv286ClosedFormsMatchTheLoop(t *testing.T) {
	c := New(Model80286, make([]byte, 1<<20), nil)
	check := func(hi, lo, d uint32, bits uint) {
		t.Helper()
		// DIV that fits: quotient, remainder and CF = OF = the last
		// trial's borrow (rule 2) as the loop leaves them.
		if hi < d {
			q, r, borrow := divSteps(hi, lo, d, bits)
			gq, gr, ok := c.div286(hi, lo, d, bits)
			f := c.Flags()
			if !ok || gq != q || gr != r || (f&FlagCF != 0) != borrow || (f&FlagOF != 0) != borrow ||
				f&FlagAF == 0 || f&(FlagSF|FlagZF|FlagPF) != szpN(r, bits) {
				t.Fatalf("DIV %d-bit %X:%X / %X: model q=%X r=%X ok=%v flags %03X; loop q=%X r=%X borrow %v",
					bits, hi, lo, d, gq, gr, ok, f&arithFlags, q, r, borrow)
			}
		}
		// IDIV's loop on magnitudes (rule 4; a divisor's magnitude is
		// at most 2^(bits-1)): where the quotient fits the operand, the
		// operand-wide loop (idivLoop) leaves the remainder the model
		// computes at once.
		if d != 0 && hi < d && d <= 1<<(bits-1) {
			if got, want := idivLoop(hi, lo, d, bits), (hi<<bits|lo)%d; got != want {
				t.Fatalf("idivLoop %d-bit %X:%X / %X = %X, want %X", bits, hi, lo, d, got, want)
			}
		}
	}
	for d := uint32(1); d < 0x100; d++ {
		for hi := uint32(0); hi < d; hi++ {
			for lo := uint32(0); lo < 0x100; lo += 7 {
				check(hi, lo, d, 8)
			}
			check(hi, 0xFF, d, 8)
		}
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 200000 {
		d := rng.Uint32()&0xFFFF | 1
		check(rng.Uint32()%d, rng.Uint32()&0xFFFF, d, 16)
	}
}

// TestDiv286FlagInvariants checks what the model says of every outcome,
// over one in seven byte dividends with every divisor and random words:
// the last step (rules 2 and 4) sets AF and makes CF equal OF, and the
// outcome (quotient and remainder, or interrupt 0) is the architectural
// one whatever the flags.
func TestDiv286FlagInvariants(t *testing.T) {
	c := New(Model80286, make([]byte, 1<<20), nil)
	run := func(signed bool, hi, lo, d uint32, bits uint) {
		t.Helper()
		mask := uint32(1)<<bits - 1
		q, r, ok := c.divide286(signed, hi, lo, d, bits)
		f := c.Flags()
		// The architectural outcome.
		wantOK := d != 0
		var wq, wr uint32
		if wantOK && !signed {
			n := uint64(hi)<<bits | uint64(lo)
			wq, wr = uint32(n/uint64(d)), uint32(n%uint64(d))
			wantOK = uint64(wq) <= uint64(mask) && n/uint64(d) <= uint64(mask)
		}
		if wantOK && signed {
			sh := 64 - 2*bits
			n := int64(uint64(hi)<<bits|uint64(lo)) << sh >> sh
			dv := int64(uint64(d)<<(64-bits)) >> (64 - bits)
			qq, rr := n/dv, n%dv
			lim := int64(1) << (bits - 1)
			wantOK = qq >= -lim && qq < lim
			wq, wr = uint32(qq)&mask, uint32(rr)&mask
		}
		if ok != wantOK || ok && (q != wq || r != wr) {
			t.Fatalf("signed=%v %d-bit %X:%X / %X: q=%X r=%X ok=%v, want q=%X r=%X ok=%v", signed, bits, hi, lo, d, q, r, ok, wq, wr, wantOK)
		}
		// DIV's overflow branch leaves a trial subtraction's flags
		// (rule 3); every other outcome the last step's (rules 2, 4).
		if (ok || signed) && (f&FlagCF != 0) != (f&FlagOF != 0) {
			t.Fatalf("signed=%v %d-bit %X:%X / %X: CF and OF differ (flags %03X)", signed, bits, hi, lo, d, f&arithFlags)
		}
		if ok && f&FlagAF == 0 {
			t.Fatalf("signed=%v %d-bit %X:%X / %X: the last step leaves AF clear (flags %03X)", signed, bits, hi, lo, d, f&arithFlags)
		}
	}
	for n := uint32(0); n < 0x10000; n += 7 {
		for d := uint32(0); d < 0x100; d++ {
			run(false, n>>8, n&0xFF, d, 8)
			run(true, n>>8, n&0xFF, d, 8)
		}
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for range 100000 {
		hi, lo, d := rng.Uint32()&0xFFFF, rng.Uint32()&0xFFFF, rng.Uint32()&0xFFFF
		run(false, hi, lo, d, 16)
		run(true, hi, lo, d, 16)
	}
}
