package cpu

// The ALU's flags are deferred until read (alu.go). The SingleStepTests
// vectors run one instruction from a fresh state, so they never see a
// deferred record left by an earlier instruction; this test does: random
// code rich in flag producers and consumers runs twice, once with the
// flags forced after every instruction (Flags) and once as the run loop
// leaves them, and the two machines must end equal.

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"unsafe"
)

type lazyBus struct{ outs []uint16 }

func (b *lazyBus) Read8(uint32) uint8               { return 0x5A }
func (b *lazyBus) Write8(uint32, uint8)             {}
func (b *lazyBus) In8(uint16) uint8                 { return 0x81 }
func (b *lazyBus) Out8(p uint16, v uint8)           { b.outs = append(b.outs, p, uint16(v)) }
func (b *lazyBus) In16(uint16) uint16               { return 0x8001 }
func (b *lazyBus) Out16(p uint16, v uint16)         { b.outs = append(b.outs, p, v) }
func (b *lazyBus) Acknowledge() uint8               { return 0x20 }
func (b *lazyBus) InsBulk(uint16, int, []byte) int  { return 0 }
func (b *lazyBus) OutsBulk(uint16, int, []byte) int { return 0 }

// lazySnippets produce flags (ALU, INC/DEC, shifts, string compares,
// MUL/DIV, decimal adjusts) and consume them (Jcc and the 8086's 6x
// aliases, LOOPZ/NZ, ADC/SBB, RCL/RCR, PUSHF, LAHF, SAHF, CMC, CLC, STC,
// SALC, INTO, REPE CMPS, DAA after ADD).
var lazySnippets = [][]byte{
	{0x01, 0xD8}, {0x29, 0xC8}, {0x31, 0xC2}, {0x21, 0xDB}, {0x09, 0xC9}, {0x39, 0xD0},
	{0x03, 0x07}, {0x2B, 0x47, 0x02}, {0x01, 0x07}, {0x83, 0xC6, 0x02}, {0x81, 0xE6, 0xFE, 0x0F},
	{0x83, 0xF8, 0x7F}, {0x3C, 0x80}, {0x04, 0x7F}, {0x2C, 0x01}, {0x00, 0xD8}, {0x28, 0xE0},
	{0x80, 0xD0, 0x11}, {0x80, 0xD8, 0x90}, {0x13, 0xC3}, {0x1B, 0xD1}, {0x11, 0xC8}, {0x19, 0xD8},
	{0x15, 0x34, 0x12}, {0x1D, 0x01, 0x80}, {0x14, 0x05}, {0x1C, 0xFF},
	{0x40}, {0x48}, {0x45}, {0x4D}, {0xFE, 0xC0}, {0xFE, 0xC9}, {0xFF, 0x07}, {0xFF, 0x0F},
	{0xD1, 0xE0}, {0xD1, 0xD0}, {0xD1, 0xD8}, {0xD0, 0xD0}, {0xD3, 0xE0}, {0xD2, 0xD8},
	{0x72, 0x02}, {0x73, 0x02}, {0x74, 0x02}, {0x75, 0x02}, {0x76, 0x02}, {0x7A, 0x02},
	{0x7C, 0x02}, {0x7E, 0x02}, {0x70, 0x02}, {0x78, 0x02}, {0x64, 0x02}, {0x63, 0x02},
	{0xE1, 0x02}, {0xE0, 0x02}, {0xE2, 0x02}, {0xE3, 0x02},
	{0x9C}, {0x9F}, {0x9E}, {0xF5}, {0xF8}, {0xF9}, {0xD6}, {0xCE}, {0x9C, 0x58},
	{0x27}, {0x2F}, {0x37}, {0x3F}, {0xD4, 0x0A}, {0xD5, 0x0A},
	{0xF6, 0xE3}, {0xF7, 0xE1}, {0xF6, 0xF3}, {0xF7, 0xF9}, {0xF7, 0xDB}, {0xF6, 0xC3, 0x81},
	{0xA6}, {0xF3, 0xA6}, {0xF2, 0xAF}, {0xAE}, {0x84, 0xC0}, {0x85, 0xDB}, {0xA8, 0x01},
	{0x6B, 0xC0, 0x70}, {0xC1, 0xE0, 0x03},
	{0x50}, {0x5B}, {0x89, 0xC3}, {0x8B, 0x07}, {0xB8, 0xFF, 0xFF}, {0xB9, 0x03, 0x00},
}

func TestLazyFlagsMatchEager(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for seed := 0; seed < 300; seed++ {
		model := Model(seed % 3)
		ram := make([]byte, 1<<20)
		for i := range ram[:0x20000] {
			ram[i] = uint8(rng.Uint32())
		}
		for a := 0x1000; a < 0xF000; {
			if rng.IntN(8) == 0 {
				ram[a] = uint8(rng.Uint32())
				a++
				continue
			}
			a += copy(ram[a:], lazySnippets[rng.IntN(len(lazySnippets))])
		}
		regs := [8]uint16{}
		for i := range regs {
			regs[i] = uint16(rng.Uint32())
		}
		regs[SP] = 0xFF00
		flags := uint16(rng.Uint32()) &^ FlagTF
		var cpus [2]*CPU
		var buses [2]*lazyBus
		var rams [2][]byte
		for k := range cpus {
			rams[k] = bytes.Clone(ram)
			buses[k] = &lazyBus{}
			c := New(model, rams[k], buses[k])
			c.SetInterruptController(buses[k])
			c.Regs = regs
			c.Segs = [4]uint16{0x1000, 0x0000, 0x3000, 0x1000}
			c.IP = 0x1000
			c.SetFlags(flags)
			cpus[k] = c
		}
		for i := 0; i < 400; i++ {
			for k, c := range cpus {
				if _, err := c.Run(1); err != nil {
					return // both stop alike; what ran so far was compared
				}
				if k == 0 {
					c.Flags() // forces the deferred flags every instruction
				}
			}
			// Registers only: reading the flags here would force them.
			a, b := cpus[0], cpus[1]
			if a.Regs != b.Regs || a.Segs != b.Segs || a.IP != b.IP {
				t.Fatalf("seed %d model %d after %d instructions: forced %04X %04X IP %04X, deferred %04X %04X IP %04X",
					seed, model, i+1, a.Regs, a.Segs, a.IP, b.Regs, b.Segs, b.IP)
			}
		}
		if a, b := cpus[0].Flags(), cpus[1].Flags(); a != b {
			t.Fatalf("seed %d model %d: flags forced %04X, deferred %04X", seed, model, a, b)
		}
		if !bytes.Equal(rams[0], rams[1]) {
			t.Fatalf("seed %d: memory differs", seed)
		}
	}
}

// TestBlocksMatchStepping runs the same kind of random code one
// instruction per Run on one CPU and in runs of random length on another:
// the decoded blocks (their flag liveness, the loops that run again, the
// opcode-map instructions that continue a block) must end exactly where
// single steps do.
func TestBlocksMatchStepping(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for seed := 0; seed < 300; seed++ {
		model := Model(seed % 3)
		ram := make([]byte, 1<<20)
		for i := range ram[:0x20000] {
			ram[i] = uint8(rng.Uint32())
		}
		for a := 0x1000; a < 0xF000; {
			if rng.IntN(8) == 0 {
				ram[a] = uint8(rng.Uint32())
				a++
				continue
			}
			a += copy(ram[a:], lazySnippets[rng.IntN(len(lazySnippets))])
		}
		regs := [8]uint16{}
		for i := range regs {
			regs[i] = uint16(rng.Uint32())
		}
		regs[SP] = 0xFF00
		flags := uint16(rng.Uint32()) &^ FlagTF
		var cpus [2]*CPU
		var rams [2][]byte
		for k := range cpus {
			rams[k] = bytes.Clone(ram)
			bus := &lazyBus{}
			c := New(model, rams[k], bus)
			c.SetInterruptController(bus)
			c.Regs = regs
			c.Segs = [4]uint16{0x1000, 0x0000, 0x3000, 0x1000}
			c.IP = 0x1000
			c.SetFlags(flags)
			c.coldBlocks = coldBlocks // decoded blocks from the first instruction
			cpus[k] = c
		}
		a, b := cpus[0], cpus[1]
		for b.Instructions < 600 {
			n := 1 + rng.IntN(40)
			if _, err := b.Run(n); err != nil {
				break
			}
			for a.Instructions < b.Instructions {
				if _, err := a.Run(1); err != nil {
					break
				}
			}
			if a.Instructions != b.Instructions || a.Regs != b.Regs || a.Segs != b.Segs || a.IP != b.IP || a.Flags() != b.Flags() {
				t.Fatalf("seed %d model %d after %d/%d instructions: stepped %04X %04X %04X:%04X flags %04X, in blocks %04X %04X %04X:%04X flags %04X",
					seed, model, a.Instructions, b.Instructions, a.Regs, a.Segs, a.Segs[CS], a.IP, a.Flags(), b.Regs, b.Segs, b.Segs[CS], b.IP, b.Flags())
			}
			if b.Halted() {
				break
			}
		}
		if !bytes.Equal(rams[0], rams[1]) {
			t.Fatalf("seed %d: memory differs", seed)
		}
	}
}

// TestShl1MatchesShift checks the run loop's SHL r16,1 against shift.
func TestShl1MatchesShift(t *testing.T) {
	var a, b CPU
	a.model, b.model = Model80286, Model80286
	for v := 0; v < 0x10000; v++ {
		for _, f := range []uint16{0, arithFlags} {
			a.flags, b.flags = f, f
			ra := a.shl1w(uint16(v))
			rb := uint16(b.shift(4, uint32(v), 1, 16))
			if ra != rb || a.flags != b.flags {
				t.Fatalf("SHL %04X,1 flags in %03X: %04X %03X, shift gives %04X %03X", v, f, ra, a.flags, rb, b.flags)
			}
		}
	}
}

// The effective-address adder reads register 8 as CPU.eaZero: it must lie
// right after Regs.
func TestEAZeroAfterRegs(t *testing.T) {
	var c CPU
	if unsafe.Offsetof(c.eaZero) != unsafe.Offsetof(c.Regs)+unsafe.Sizeof(c.Regs) {
		t.Fatal("CPU.eaZero does not follow CPU.Regs")
	}
	// Fused stack runs (decode.go's wordRegs) read Segs as words 9-12.
	if unsafe.Offsetof(c.Segs) != unsafe.Offsetof(c.Regs)+segWord*2 {
		t.Fatal("CPU.Segs does not follow CPU.eaZero")
	}
}
