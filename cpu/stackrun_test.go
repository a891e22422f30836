package cpu

import (
	"bytes"
	"math/rand/v2"
	"testing"
	"unsafe"
)

// stackSnippets are the instructions fuse (decode.go) joins into runs,
// the ones it must leave alone (PUSH SP, POP SP, POP SS) and a few that
// break runs or move the stack.
var stackSnippets = [][]byte{
	{0x50}, {0x51}, {0x52}, {0x53}, {0x54}, {0x55}, {0x56}, {0x57}, // PUSH r16
	{0x58}, {0x59}, {0x5A}, {0x5B}, {0x5C}, {0x5D}, {0x5E}, {0x5F}, // POP r16
	{0x06}, {0x0E}, {0x16}, {0x1E}, {0x07}, {0x1F}, {0x17}, // PUSH sreg, POP ES/DS/SS
	{0xFF, 0xF0}, {0x8F, 0xC3}, // PUSH AX and POP BX in their ModRM forms
	{0x40}, {0x4C}, {0x83, 0xC4, 0x04}, {0x83, 0xEC, 0x06}, {0xB8, 0x34, 0x12}, {0x9C},
}

// TestStackRunsMatchStepping runs random runs of pushes and pops one
// instruction per Run on one CPU and in blocks, where they are fused, on
// another, with the stack in every awkward place: SP near 0 and near
// FFFFh, odd, over the code being run, past the end of RAM.
func TestStackRunsMatchStepping(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	sps := []uint16{0, 1, 2, 3, 4, 5, 6, 8, 0x0C, 0xFFFE, 0xFFFF, 0xFFFC, 0xFFF1, 0x1010, 0x1021}
	for seed := 0; seed < 600; seed++ {
		model := Model(seed % 3)
		ram := make([]byte, 1<<20)
		for i := range ram[:0x30000] {
			ram[i] = uint8(rng.Uint32())
		}
		for a := 0x1000; a < 0x1400; {
			a += copy(ram[a:], stackSnippets[rng.IntN(len(stackSnippets))])
		}
		ram[0x1400] = 0xF4 // HLT
		regs := [8]uint16{}
		for i := range regs {
			regs[i] = uint16(rng.Uint32())
		}
		regs[SP] = sps[rng.IntN(len(sps))]
		if rng.IntN(3) == 0 {
			regs[SP] = uint16(rng.Uint32())
		}
		// The stack in RAM, over the code (SS 0000h: SP 1000h-1400h
		// is the code), or at the top of the address space, where
		// words run past the end of RAM into the bus.
		ss := []uint16{0x2000, 0x0000, 0x0100, 0xFFFF, 0xF000}[rng.IntN(5)]
		var cpus [2]*CPU
		var rams [2][]byte
		for k := range cpus {
			rams[k] = bytes.Clone(ram)
			bus := &lazyBus{}
			c := New(model, rams[k], bus)
			c.SetInterruptController(bus)
			c.Regs = regs
			c.Segs = [4]uint16{0x1000, 0x0000, ss, 0x1000}
			c.IP = 0x1000
			c.SetFlags(0x0002)
			c.coldBlocks = coldBlocks // decoded blocks from the first instruction
			cpus[k] = c
		}
		a, b := cpus[0], cpus[1]
		for b.Instructions < 400 {
			if _, err := b.Run(1 + rng.IntN(40)); err != nil {
				break
			}
			for a.Instructions < b.Instructions {
				if _, err := a.Run(1); err != nil {
					break
				}
			}
			if a.Instructions != b.Instructions || a.Regs != b.Regs || a.Segs != b.Segs || a.IP != b.IP || a.Flags() != b.Flags() {
				t.Fatalf("seed %d model %d SS %04X after %d/%d instructions: stepped %04X %04X %04X:%04X, in blocks %04X %04X %04X:%04X",
					seed, model, ss, a.Instructions, b.Instructions, a.Regs, a.Segs, a.Segs[CS], a.IP, b.Regs, b.Segs, b.Segs[CS], b.IP)
			}
			if b.Halted() {
				break
			}
		}
		if !bytes.Equal(rams[0], rams[1]) {
			t.Fatalf("seed %d model %d SS %04X: memory differs", seed, model, ss)
		}
	}
}

// TestStackRunsFused checks that the runs the tests above exercise are
// fused: a block of PUSH AX..DI (but SP), POP ES and POP DS holds one
// kPushRun of 7 and one kPopRun of 2.
func TestStackRunsFused(t *testing.T) {
	code := []byte{0x50, 0x51, 0x52, 0x53, 0x55, 0x56, 0x57, 0x07, 0x1F, 0xF4}
	c, _, _ := newTest(t, Model80286, code...)
	var b block
	src := make([]byte, maxBlockBytes)
	copy(src, code)
	c.fillBlock(&b, 0, unsafe.Pointer(&src[0]), maxBlockInsts, maxBlockBytes)
	if code := b.insts(); code[0].kind != kPushRun || code[0].op != 7 || code[7].kind != kPopRun || code[7].op != 2 {
		t.Errorf("kinds %d/%d %d/%d, want a push run of 7 and a pop run of 2",
			code[0].kind, code[0].op, code[7].kind, code[7].op)
	}
}
