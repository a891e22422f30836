package video

import (
	"math/rand/v2"
	"testing"

	"pcemu/bios"
)

// The bulk paths (REP STOS, REP MOVS within the window and from RAM) leave
// the adapter exactly as the byte accesses they stand for: memory, latches
// and registers, in every addressing mode and with random graphics
// controller settings.
func TestBulkMatchesBytes(t *testing.T) {
	fonts := bios.Fonts{Font8x8: Font8x8(), Font8x14: Font8x14(), Font8x16: Font8x16()}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, m := range []uint8{0x03, 0x04, 0x06, 0x0D, 0x12, 0x13, 0x80} {
		base := New(nil)
		mode := m
		if m == 0x80 { // unchained 256-colour: mode 13h with chain-4 off
			mode = 0x13
		}
		if err := bios.SetVideoMode(base, mode, fonts); err != nil {
			t.Fatal(err)
		}
		if m == 0x80 {
			base.Out8(0x3C4, 4)
			base.Out8(0x3C5, 0x06)
		}
		for i := range base.vram {
			base.vram[i] = rng.Uint32()
		}
		start, end := base.window()
		for round := 0; round < 200; round++ {
			a := *base
			for _, r := range []uint8{0, 1, 2, 3, 7, 8} {
				a.gc[r] = uint8(rng.Uint32())
			}
			a.gc[gcMode] = a.gc[gcMode]&^0x0B | uint8(rng.IntN(4)) | uint8(rng.IntN(2))<<3
			a.seq[srMapMask] = uint8(rng.IntN(16))
			a.latch = rng.Uint32()
			w := 1 + rng.IntN(2)
			count := 1 + rng.IntN(300)
			dst := start + uint32(rng.IntN(int(end-start)))
			src := start + uint32(rng.IntN(int(end-start)))
			v := []byte{uint8(rng.Uint32()), uint8(rng.Uint32())}[:w]
			ram := make([]byte, w*count)
			for i := range ram {
				ram[i] = uint8(rng.Uint32())
			}
			b := a
			var n int
			switch op := round % 3; op {
			case 0:
				n = a.StoreBulk(dst, v, count)
				for i := 0; i < n*w; i++ {
					b.Write8(dst+uint32(i), v[i%w])
				}
			case 1:
				n = a.MoveBulk(dst, src, w, count)
				for i := 0; i < n; i++ {
					e := make([]byte, w)
					for j := range e {
						e[j] = b.Read8(src + uint32(i*w+j))
					}
					for j := range e {
						b.Write8(dst+uint32(i*w+j), e[j])
					}
				}
			case 2:
				n = a.WriteBulk(dst, ram)
				for i := 0; i < n; i++ {
					b.Write8(dst+uint32(i), ram[i])
				}
			}
			if want := min(count, int(end-dst)/w); round%3 == 0 && n != want {
				t.Fatalf("mode %02Xh round %d: %d elements stored, want %d (those inside the window)", m, round, n, want)
			}
			a.changes, b.changes = 0, 0
			if a != b {
				for i := range a.vram {
					if a.vram[i] != b.vram[i] {
						t.Fatalf("mode %02Xh round %d (op %d, w %d, GR05 %02X): plane word %04X = %08X, bytes give %08X",
							m, round, round%3, w, a.gc[gcMode], i, a.vram[i], b.vram[i])
					}
				}
				t.Fatalf("mode %02Xh round %d: latches %08X, bytes give %08X", m, round, a.latch, b.latch)
			}
		}
	}
}
