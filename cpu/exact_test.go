package cpu

// Cases written for the mechanisms of bcd.go and string.go, beyond the
// SingleStepTests vectors at hand: the boundary values of the decimal
// adjusts on every model, and word string accesses at offset FFFFh on the
// 80286 with and without REP. Each expectation is worked out from the
// mechanism the code documents, case by case, not taken from a run.

import (
	"fmt"
	"testing"
)

func TestDecimalAdjustBoundaries(t *testing.T) {
	const (
		o = FlagOF
		s = FlagSF
		z = FlagZF
		a = FlagAF
		p = FlagPF
		k = FlagCF
	)
	type tc struct {
		model   Model
		op      byte
		ax      uint16
		flagsIn uint16 // AF and CF in
		wantAX  uint16
		want    uint16 // six arithmetic flags out
	}
	tests := []tc{
		// DAA, 8086: the high threshold is 9Fh while AF is set.
		// 9Ah AF=1: low corrected (+06h = A0h), high not (9Ah <= 9Fh); A0h: S, OF from 9A+06 (no sign change: clear).
		{Model8086, 0x27, 0x009A, a, 0x00A0, s | a | p},
		// 9Ah AF=0: low (A > 9) and high (9Ah > 99h): +66h = 00h, carry.
		{Model8086, 0x27, 0x009A, 0, 0x0000, z | a | p | k},
		// A0h AF=1: above 9Fh: +66h = 06h.
		{Model8086, 0x27, 0x00A0, a, 0x0006, a | p | k},
		// 9Fh AF=1: low only: A5h.
		{Model8086, 0x27, 0x009F, a, 0x00A5, s | a | p},
		// 99h, nothing set: no correction; SF PF from 99h.
		{Model8086, 0x27, 0x0099, 0, 0x0099, s | p},
		// 7Ah: +06h = 80h, the adder's OF.
		{Model8086, 0x27, 0x007A, 0, 0x0080, o | s | a},
		// CF=1, 1Ah: +66h = 80h: OF, CF.
		{Model8086, 0x27, 0x001A, k, 0x0080, o | s | a | k},
		// 80286: 9Ah AF=1 is above 99h: +66h.
		{Model80286, 0x27, 0x009A, a, 0x0000, z | a | p | k},
		{Model80186, 0x27, 0x009A, a, 0x0000, z | a | p | k},

		// DAS, 8086: 00h AF=1: -06h = FAh; no borrow into CF on the 8086.
		{Model8086, 0x2F, 0x0000, a, 0x00FA, s | a | p},
		// 80286: the low digit's borrow sets CF.
		{Model80286, 0x2F, 0x0000, a, 0x00FA, s | a | p | k},
		// 9Ah AF=1, 8086: low only (9Ah <= 9Fh): 94h; OF of 9A-06 clear.
		{Model8086, 0x2F, 0x009A, a, 0x0094, s | a},
		// 9Ah AF=0: both: 9A-66 = 34h, OF (sign change from 1 to 0).
		{Model8086, 0x2F, 0x009A, 0, 0x0034, o | a | k},
		// 80h AF=1: 80-06 = 7Ah, OF.
		{Model8086, 0x2F, 0x0080, a, 0x007A, o | a},
		// A0h AF=1 CF=0: above 9Fh: A0-66 = 3Ah, OF.
		{Model8086, 0x2F, 0x00A0, a, 0x003A, o | a | p | k},

		// AAA: 8086 steps AH apart from AL; the 286 adds 106h to AX.
		// AX=00FAh AF=0: A > 9: AL+6 = 00h (flags of that add: Z, P,
		// carry out ignored), AH+1.
		{Model8086, 0x37, 0x00FA, 0, 0x0100, z | a | p | k},
		{Model80286, 0x37, 0x00FA, 0, 0x0200, z | a | p | k},
		// AX=007Ah: 7A+6 = 80h: OF and SF of the add; AL -> 00h.
		{Model8086, 0x37, 0x007A, 0, 0x0100, o | s | a | k},
		// AL=09h AF=0: no adjust; flags of AL+0.
		{Model8086, 0x37, 0x0009, 0, 0x0009, p},
		// AF=1 with AL=05h: adjust.
		{Model80286, 0x37, 0x0005, a, 0x010B &^ 0x00F0, a | k},

		// AAS: AX=0000h AF=1: AL-6 = FAh (S P), AH-1; the 286 borrows
		// AL's borrow into AH as well.
		{Model8086, 0x3F, 0x0000, a, 0xFF0A, s | a | p | k},
		{Model80286, 0x3F, 0x0000, a, 0xFE0A, s | a | p | k},
		// AL=86h AF=1: 86-06 = 80h, SF; OF clear.
		{Model8086, 0x3F, 0x0086, a, 0xFF00, s | a | k},
		// AL=80h AF=1: 80-06 = 7Ah: OF.
		{Model8086, 0x3F, 0x0080, a, 0xFF0A, o | a | k},
	}
	for _, tc := range tests {
		name := fmt.Sprintf("model%d %02X AX=%04X AF/CF=%02X", tc.model, tc.op, tc.ax, tc.flagsIn)
		t.Run(name, func(t *testing.T) {
			c, _, _ := newTest(t, tc.model, tc.op)
			c.Regs[AX] = tc.ax
			c.SetFlags(tc.flagsIn)
			step(t, c, 1)
			if c.Regs[AX] != tc.wantAX {
				t.Errorf("AX = %04X, want %04X", c.Regs[AX], tc.wantAX)
			}
			if tc.model == Model80186 { // undefined flags: see bcd.go
				return
			}
			if f := c.Flags() & arithFlags; f != tc.want {
				t.Errorf("flags %03X, want %03X", f, tc.want)
			}
		})
	}
}

// TestString286OverrunAtFFFF runs every word string instruction on the
// 80286 with each of its pointers at FFFFh, without and with REP (CX=5).
// Expected, from string.go's order of steps: interrupt 13 pointing at the
// first prefix; with REP, CX is 4; the pointer of the faulting access and
// of every access before it has stepped by 2, later ones have not; a
// compare's flags and a load into AX have not happened; OUTSW made no
// I/O cycle.
func TestString286OverrunAtFFFF(t *testing.T) {
	type access struct {
		reg   int  // SI or DI
		write bool // a write to memory (STOS, MOVS's second access, INS)
	}
	ops := []struct {
		name     string
		op       byte
		accesses []access // in the 286's order
	}{
		{"MOVSW", 0xA5, []access{{SI, false}, {DI, true}}},
		{"CMPSW", 0xA7, []access{{DI, false}, {SI, false}}},
		{"STOSW", 0xAB, []access{{DI, true}}},
		{"LODSW", 0xAD, []access{{SI, false}}},
		{"SCASW", 0xAF, []access{{DI, false}}},
		{"INSW", 0x6D, []access{{DI, true}}},
		{"OUTSW", 0x6F, []access{{SI, false}}},
	}
	for _, o := range ops {
		for fi, faulting := range o.accesses {
			for _, rep := range []bool{false, true} {
				name := fmt.Sprintf("%s %s=FFFF rep=%v", o.name, map[int]string{SI: "SI", DI: "DI"}[faulting.reg], rep)
				t.Run(name, func(t *testing.T) {
					code := []byte{o.op}
					if rep {
						code = []byte{0xF3, o.op}
					}
					c, ram, bus := newTest(t, Model80286, code...)
					c.Segs[DS], c.Segs[ES] = 0x2000, 0x3000
					c.Regs[SI], c.Regs[DI] = 0x0010, 0x0020
					c.Regs[faulting.reg] = 0xFFFF
					c.Regs[CX] = 5
					c.Regs[AX] = 0x1234
					c.SetFlags(0x0002 | FlagZF | FlagCF)
					before := c.Regs
					step(t, c, 1)
					if c.Segs[CS] != 0x9000 || c.IP != 13*4 {
						t.Fatalf("CS:IP = %04X:%04X, want the interrupt 13 handler", c.Segs[CS], c.IP)
					}
					if ip := stackWord(c, ram, 0); ip != 0x100 {
						t.Errorf("pushed IP %04X, want 0100 (the first prefix)", ip)
					}
					if f := stackWord(c, ram, 2); f != 0x0002|FlagZF|FlagCF {
						t.Errorf("pushed FLAGS %04X, want %04X (no compare made)", f, 0x0002|FlagZF|FlagCF)
					}
					wantCX := uint16(5)
					if rep {
						wantCX = 4
					}
					if c.Regs[CX] != wantCX {
						t.Errorf("CX = %d, want %d", c.Regs[CX], wantCX)
					}
					for i, acc := range o.accesses {
						want := before[acc.reg]
						if i <= fi {
							want += 2
						}
						if c.Regs[acc.reg] != want {
							t.Errorf("reg %d = %04X, want %04X", acc.reg, c.Regs[acc.reg], want)
						}
					}
					if c.Regs[AX] != 0x1234 {
						t.Errorf("AX = %04X, want it unchanged", c.Regs[AX])
					}
					if len(bus.out16) != 0 {
						t.Errorf("OUT cycles %v, want none", bus.out16)
					}
				})
			}
		}
	}
}

// TestString8086WrapsAtFFFF: the 8086 and 80186 take a word at offset
// FFFFh from FFFFh and 0000h of the same segment, with no fault.
func TestString8086WrapsAtFFFF(t *testing.T) {
	for _, m := range []Model{Model8086, Model80186} {
		c, ram, _ := newTest(t, m, 0xAD) // LODSW
		c.Segs[DS] = 0x2000
		c.Regs[SI] = 0xFFFF
		ram[0x2FFFF], ram[0x20000] = 0x34, 0x12
		step(t, c, 1)
		if c.Regs[AX] != 0x1234 || c.Regs[SI] != 0x0001 || c.IP != 0x101 {
			t.Errorf("model %d: AX=%04X SI=%04X IP=%04X, want 1234 0001 0101", m, c.Regs[AX], c.Regs[SI], c.IP)
		}
	}
}

// shutdownBus records the 80286's shutdown cycle.
type shutdownBus struct {
	testBus
	shutdowns int
}

func (b *shutdownBus) Shutdown() { b.shutdowns++ }

// TestIDTLimit286: an interrupt whose vector lies beyond the IDT limit
// raises interrupt 8 pointing at the instruction; when vector 8 is beyond
// it too the 286 shuts down (halted, deaf to INTR, the bus told once).
// The 8086 and 80186 have no such limit.
func TestIDTLimit286(t *testing.T) {
	// LIDT [0600h] (6 bytes at 0600h); INT 21h; INC AX
	code := []byte{0x0F, 0x01, 0x1E, 0x00, 0x06, 0xCD, 0x21, 0x40}
	setup := func(limit uint16) (*CPU, []byte, *shutdownBus) {
		ram := make([]byte, 0x200000)
		bus := &shutdownBus{}
		c := New(Model80286, ram, bus)
		for v := 0; v < 256; v++ {
			ram[v*4], ram[v*4+1] = byte(v*4), byte(v*4>>8)
			ram[v*4+2], ram[v*4+3] = 0x00, 0x90
			ram[0x90000+v*4] = 0xCF
		}
		copy(ram[0x100:], code)
		ram[0x600], ram[0x601] = byte(limit), byte(limit>>8)
		c.Segs = [4]uint16{}
		c.IP, c.Regs[SP] = 0x100, 0x1000
		return c, ram, bus
	}

	// Limit 3Fh covers vectors 0-15: INT 21h becomes interrupt 8, whose
	// frame points at the INT (0105h).
	c, ram, bus := setup(0x3F)
	step(t, c, 2)
	if c.Segs[CS] != 0x9000 || c.IP != 8*4 {
		t.Fatalf("CS:IP = %04X:%04X, want interrupt 8's handler", c.Segs[CS], c.IP)
	}
	if ip := stackWord(c, ram, 0); ip != 0x105 {
		t.Errorf("pushed IP %04X, want 0105 (the INT 21h)", ip)
	}
	if bus.shutdowns != 0 {
		t.Errorf("shut down with vector 8 inside the limit")
	}

	// Limit 0: interrupt 8 is beyond it too: shutdown.
	c, _, bus = setup(0)
	step(t, c, 2)
	if !c.ShutDown() || !c.Halted() || bus.shutdowns != 1 {
		t.Fatalf("ShutDown=%v Halted=%v shutdown cycles=%d, want a shutdown", c.ShutDown(), c.Halted(), bus.shutdowns)
	}
	sp := c.Regs[SP]
	p := &pic{vector: 0x08}
	c.SetInterruptController(p)
	c.SetFlags(c.Flags() | FlagIF)
	c.SetINTR(true)
	if n, _ := c.Run(100); n != 0 || p.acks != 0 || c.Regs[SP] != sp {
		t.Errorf("INTR taken in shutdown: ran %d, %d acknowledges", n, p.acks)
	}
	c.Reset()
	if c.ShutDown() || c.Halted() {
		t.Errorf("Reset left the shutdown state")
	}

	// The 8086 and 80186 take INT 21h from the table at 0 whatever was
	// done before (LIDT does not exist there).
	for _, m := range []Model{Model8086, Model80186} {
		c, _, _ := newTest(t, m, 0xCD, 0x21)
		step(t, c, 1)
		if c.Segs[CS] != 0x9000 || c.IP != 0x21*4 {
			t.Errorf("model %d: CS:IP = %04X:%04X, want INT 21h's handler", m, c.Segs[CS], c.IP)
		}
	}
}
