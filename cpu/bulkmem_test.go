package cpu

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// devMemBus has device memory at A0000h-BFFFFh beyond a 640 KiB RAM slice
// and logs every access to it; with bulk set it is also a BulkMemory that
// performs each run as the byte accesses it stands for.
type devMemBus struct {
	testBus
	dev   [0x20000]byte
	ram   []byte
	log   []string
	bulk  bool
	calls int
}

func (b *devMemBus) Read8(a uint32) uint8 {
	if a >= 0xA0000 && a < 0xC0000 {
		b.log = append(b.log, fmt.Sprintf("r%05X", a))
		return b.dev[a-0xA0000]
	}
	return 0xFF
}

func (b *devMemBus) Write8(a uint32, v uint8) {
	if a >= 0xA0000 && a < 0xC0000 {
		b.log = append(b.log, fmt.Sprintf("w%05X=%02X", a, v))
		b.dev[a-0xA0000] = v
	}
}

func (b *devMemBus) read(a uint32) uint8 {
	if a < uint32(len(b.ram)) {
		return b.ram[a]
	}
	return b.Read8(a)
}

func (b *devMemBus) StoreBulk(dst uint32, v []byte, count int) int {
	if !b.bulk {
		return 0
	}
	b.calls++
	for i := 0; i < count; i++ {
		for j, x := range v {
			b.Write8(dst+uint32(i*len(v)+j), x)
		}
	}
	return count
}

func (b *devMemBus) MoveBulk(dst, src uint32, w, count int) int {
	if !b.bulk {
		return 0
	}
	b.calls++
	for i := 0; i < count; i++ {
		var e [2]byte
		for j := 0; j < w; j++ {
			e[j] = b.read(src + uint32(i*w+j))
		}
		for j := 0; j < w; j++ {
			b.Write8(dst+uint32(i*w+j), e[j])
		}
	}
	return count
}

// REP STOS and REP MOVS into device memory give the same registers, the
// same instruction count and the same accesses, in the same order, with
// the bus's bulk path as element by element; runs stop at the end of the
// instruction budget, at a segment's end and on DF.
func TestBulkMemoryMatchesElements(t *testing.T) {
	for _, tc := range []struct {
		name       string
		code       []byte
		es, ds     uint16
		di, si, cx uint16
		df         bool
		budget     int
		wantBulk   bool
	}{
		{"stosb", []byte{0xF3, 0xAA}, 0xA000, 0, 0x10, 0, 300, false, 1000, true},
		{"stosw", []byte{0xF3, 0xAB}, 0xA000, 0, 0x11, 0, 300, false, 1000, true},
		{"movsb from RAM", []byte{0xF3, 0xA4}, 0xA000, 0x1000, 0x20, 0x30, 300, false, 1000, true},
		{"movsw within the device", []byte{0xF3, 0xA5}, 0xA000, 0xA000, 0x1000, 0x10, 300, false, 1000, true},
		{"movsb with ES override", []byte{0x26, 0xF3, 0xA4}, 0xB800, 0xA000, 0x20, 0x30, 100, false, 1000, true},
		{"stosw wrapping the segment", []byte{0xF3, 0xAB}, 0xA000, 0, 0xFFF0, 0, 40, false, 1000, true},
		{"stosb cut by the budget", []byte{0xF3, 0xAA}, 0xA000, 0, 0, 0, 500, false, 120, true},
		{"stosb backward", []byte{0xF3, 0xAA}, 0xA000, 0, 0x400, 0, 50, true, 1000, false},
		{"stosb into RAM", []byte{0xF3, 0xAA}, 0x5000, 0, 0, 0, 50, false, 1000, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := func(bulk bool) (*CPU, *devMemBus) {
				ram := make([]byte, 0xA0000)
				for i := range ram {
					ram[i] = byte(i * 13)
				}
				bus := &devMemBus{ram: ram, bulk: bulk}
				for i := range bus.dev {
					bus.dev[i] = byte(i * 7)
				}
				c := New(Model80286, ram, bus)
				copy(ram[0x100:], append(append([]byte(nil), tc.code...), 0xF4)) // ...; HLT
				c.Segs = [4]uint16{tc.es, 0, 0, tc.ds}
				c.IP = 0x100
				c.Regs[DI], c.Regs[SI], c.Regs[CX], c.Regs[AX] = tc.di, tc.si, tc.cx, 0xA55A
				if tc.df {
					c.SetFlags(FlagDF)
				}
				if _, err := c.Run(tc.budget); err != nil {
					t.Fatal(err)
				}
				return c, bus
			}
			c0, b0 := run(false)
			c1, b1 := run(true)
			if c0.Regs != c1.Regs || c0.IP != c1.IP || c0.Instructions != c1.Instructions {
				t.Errorf("registers %04X IP %04X after %d, bulk %04X IP %04X after %d",
					c0.Regs, c0.IP, c0.Instructions, c1.Regs, c1.IP, c1.Instructions)
			}
			if !slices.Equal(b0.log, b1.log) {
				t.Errorf("accesses differ: %d element by element, %d with the bulk path", len(b0.log), len(b1.log))
			}
			if (b1.calls > 0) != tc.wantBulk {
				t.Errorf("bulk calls %d, want bulk %v", b1.calls, tc.wantBulk)
			}
		})
	}
}

// TestRAMRunMatchesElements runs REP MOVS and REP STOS in RAM (ramRun)
// against the same instruction one iteration per Step: sources and
// destinations overlapping by a few bytes either way (MOVSB to one byte
// above its source repeats a byte), operands near the end of their
// segments, both directions, with segment overrides, on every model, the
// run cut at random instruction budgets.
func TestRAMRunMatchesElements(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	ops := [][]byte{{0xF3, 0xA4}, {0xF3, 0xA5}, {0xF3, 0xAA}, {0xF3, 0xAB}, {0x26, 0xF3, 0xA4}, {0xF2, 0xA5}}
	for i := 0; i < 3000; i++ {
		model := Model(i % 3)
		code := append(append([]byte(nil), ops[rng.IntN(len(ops))]...), 0xF4)
		ram := make([]byte, 0x30000)
		seed := byte(rng.Uint32())
		for j := range ram {
			ram[j] = byte(j*131>>3) ^ seed
		}
		for v := range 256 { // every interrupt (the 286's overrun) ends at a HLT
			ram[v*4], ram[v*4+1], ram[v*4+2], ram[v*4+3] = 0x00, 0x0F, 0, 0
		}
		ram[0xF00] = 0xF4
		di := uint16(rng.Uint32())
		if rng.IntN(3) == 0 {
			di = 0xFFFF - uint16(rng.IntN(40))
		}
		si := di + uint16(rng.IntN(9)) - 4 // overlapping by up to 4 bytes either way
		if rng.IntN(3) == 0 {
			si = uint16(rng.Uint32())
		}
		cx := uint16(rng.IntN(300))
		flags := uint16(0x0002)
		if rng.IntN(4) == 0 {
			flags |= FlagDF
		}
		budget := 1 + rng.IntN(400)
		var cpus [2]*CPU
		var rams [2][]byte
		for k := range cpus {
			rams[k] = bytes.Clone(ram)
			c := New(model, rams[k], &lazyBus{})
			copy(rams[k][0x100:], code)
			c.Segs = [4]uint16{0x1000, 0, 0, 0x1000 + uint16(rng.IntN(2))}
			c.IP = 0x100
			c.Regs[DI], c.Regs[SI], c.Regs[CX], c.Regs[AX] = di, si, cx, 0xA55A
			c.SetFlags(flags)
			cpus[k] = c
		}
		cpus[1].Segs = cpus[0].Segs
		a, b := cpus[0], cpus[1]
		if _, err := a.Run(budget); err != nil {
			t.Fatal(err)
		}
		for b.Instructions < a.Instructions && !b.Halted() {
			if err := b.Step(); err != nil {
				t.Fatal(err)
			}
		}
		if a.Regs != b.Regs || a.IP != b.IP || a.Instructions != b.Instructions || a.Flags() != b.Flags() {
			t.Fatalf("case %d model %d %X DI %04X SI %04X CX %d: run %04X IP %04X after %d, stepped %04X IP %04X after %d",
				i, model, code, di, si, cx, a.Regs, a.IP, a.Instructions, b.Regs, b.IP, b.Instructions)
		}
		if !bytes.Equal(rams[0], rams[1]) {
			t.Fatalf("case %d model %d %X DI %04X SI %04X CX %d: memory differs", i, model, code, di, si, cx)
		}
	}
}
