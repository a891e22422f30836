package cpu

import "testing"

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
