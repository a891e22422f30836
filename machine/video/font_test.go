package video

import (
	"fmt"
	"strings"
	"testing"

	"pcemu/internal/cp437"
)

func TestFontSizes(t *testing.T) {
	for _, f := range []struct {
		name string
		data []byte
		h    int
	}{{"8x8", Font8x8(), 8}, {"8x14", Font8x14(), 14}, {"8x16", Font8x16(), 16}} {
		if len(f.data) != 256*f.h {
			t.Errorf("%s font has %d bytes, want %d", f.name, len(f.data), 256*f.h)
		}
	}
	// Copies: the caller cannot damage the renderer's font.
	f := Font8x8()
	f['A'*8] = 0
	if Font8x8()['A'*8] == 0 {
		t.Error("Font8x8 returns the renderer's own slice")
	}
}

func TestGlyphsDrawnOrGenerated(t *testing.T) {
	_, defined := parseArt()
	art14 := parseArt14()
	for c := 0; c < 256; c++ {
		_, gen := generatedGlyph(uint8(c), 8)
		if defined[c] == gen || art14[c].isDefined == gen {
			t.Errorf("glyph %02X: drawn in 8x8 %v, in 14 lines %v, generated %v: want drawn in both or generated",
				c, defined[c], art14[c].isDefined, gen)
		}
	}
}

// Every printable character must be distinguishable in the 8x8 font, or
// the graphics-mode text readout (and the reader) would confuse them.
func TestGlyphsDistinct(t *testing.T) {
	f := Font8x8()
	seen := map[string]int{}
	for c := 1; c < 255; c++ {
		if c == 0x20 {
			continue
		}
		k := string(f[c*8 : c*8+8])
		if k == string(make([]byte, 8)) {
			t.Errorf("glyph %02X (%q) is blank", c, cp437.Table[c])
		}
		if d, ok := seen[k]; ok {
			t.Errorf("glyphs %02X (%q) and %02X (%q) are identical", d, cp437.Table[d], c, cp437.Table[c])
		}
		seen[k] = c
	}
}

// The 14-line font is a design of its own, not the 8x8 one with rows
// doubled; the 16-line font is that design with a line more above and
// below (edge lines repeated where a glyph joins the next cell).
func TestTallFontsDesign(t *testing.T) {
	f8, f14, f16 := Font8x8(), Font8x14(), Font8x16()
	art := parseArt14()
	doubled := 0
	for c := 0; c < 256; c++ {
		if _, gen := generatedGlyph(uint8(c), 8); gen {
			continue
		}
		g := f14[c*14 : c*14+14]
		if string(g) == string(scaleRows14(f8[c*8:c*8+8])) {
			doubled++
		}
		top, bottom := byte(0), byte(0)
		if art[c].up {
			top = g[0]
		}
		if art[c].down {
			bottom = g[13]
		}
		want := append(append([]byte{top}, g...), bottom)
		if got := f16[c*16 : c*16+16]; string(got) != string(want) {
			t.Errorf("8x16 glyph %02X is not the 14-line design in the taller cell:\n%s", c, strings.Join(rows(got), "\n"))
		}
	}
	if doubled > 8 { // blanks and solid blocks may coincide
		t.Errorf("%d glyphs of the 14-line font are the 8x8 design with rows doubled", doubled)
	}
	// ⌠ and ⌡ join into one integral sign across two rows of text.
	if f16[0xF4*16+15] == 0 || f16[0xF5*16] == 0 || f16[0xF4*16+15] != f16[0xF5*16] {
		t.Error("⌠ (F4h) and ⌡ (F5h) do not meet in the 16-line font")
	}
}

// scaleRows14 is a 14-line glyph made of an 8x8 one by repeating rows,
// what the tall fonts must not be.
func scaleRows14(g []byte) []byte {
	out := make([]byte, 14)
	for y, r := range []int{0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7} {
		out[y] = g[r]
	}
	return out
}

// Every printable character differs from every other in each font, so
// that text in graphics modes reads back (and the reader can tell them
// apart).
func TestTallGlyphsDistinct(t *testing.T) {
	for _, f := range []struct {
		font []byte
		h    int
	}{{Font8x14(), 14}, {Font8x16(), 16}} {
		seen := map[string]int{}
		for c := 1; c < 255; c++ {
			if c == 0x20 {
				continue
			}
			k := string(f.font[c*f.h : (c+1)*f.h])
			if k == string(make([]byte, f.h)) {
				t.Errorf("%d-line glyph %02X (%q) is blank", f.h, c, cp437.Table[c])
			}
			if d, ok := seen[k]; ok {
				t.Errorf("%d-line glyphs %02X (%q) and %02X (%q) are identical", f.h, d, cp437.Table[d], c, cp437.Table[c])
			}
			seen[k] = c
		}
	}
}

// rows renders a glyph as '#'/'.' rows for messages and checks.
func rows(g []byte) []string {
	var out []string
	for _, b := range g {
		var s strings.Builder
		for x := 0; x < 8; x++ {
			if b&(0x80>>x) != 0 {
				s.WriteByte('#')
			} else {
				s.WriteByte('.')
			}
		}
		out = append(out, s.String())
	}
	return out
}

// Box-drawing characters must meet at the cell edges: a line leaving one
// cell at the right enters the next at the left on the same scan lines,
// and likewise top to bottom, in every font height.
func TestBoxDrawingConnects(t *testing.T) {
	for _, h := range []int{8, 14, 16} {
		edge := func(c uint8, side byte) string {
			g, _ := generatedGlyph(c, h)
			var s strings.Builder
			for i := 0; i < h && (side == 'l' || side == 'r'); i++ {
				if side == 'l' && g[i]&0x80 != 0 || side == 'r' && g[i]&0x01 != 0 {
					fmt.Fprintf(&s, "%d,", i)
				}
			}
			if side == 't' {
				return fmt.Sprintf("%08b", g[0])
			}
			if side == 'b' {
				return fmt.Sprintf("%08b", g[h-1])
			}
			return s.String()
		}
		for i, a := range boxArms {
			c := uint8(0xB3 + i)
			for j, b := range boxArms {
				d := uint8(0xB3 + j)
				if a[3] != none && a[3] == b[2] && edge(c, 'r') != edge(d, 'l') {
					t.Errorf("h=%d: %q right edge %s does not meet %q left edge %s", h, cp437.Table[c], edge(c, 'r'), cp437.Table[d], edge(d, 'l'))
				}
				if a[1] != none && a[1] == b[0] && edge(c, 'b') != edge(d, 't') {
					t.Errorf("h=%d: %q bottom %s does not meet %q top %s", h, cp437.Table[c], edge(c, 'b'), cp437.Table[d], edge(d, 't'))
				}
			}
			// An arm that is absent leaves its edge dark.
			if a[2] == none && edge(c, 'l') != "" || a[3] == none && edge(c, 'r') != "" {
				t.Errorf("h=%d: %q has a line on an edge without an arm", h, cp437.Table[c])
			}
		}
	}
}

func TestBoxCorners(t *testing.T) {
	want := map[uint8][]string{
		0xC9: { // ╔
			"........",
			"........",
			".#######",
			".##.....",
			".##..###",
			".##..##.",
			".##..##.",
			".##..##.",
		},
		0xCE: { // ╬
			".##..##.",
			".##..##.",
			"###..###",
			"........",
			"###..###",
			".##..##.",
			".##..##.",
			".##..##.",
		},
		0xB6: { // ╢
			".##..##.",
			".##..##.",
			".##..##.",
			"###..##.",
			".##..##.",
			".##..##.",
			".##..##.",
			".##..##.",
		},
		0xD1: { // ╤
			"........",
			"........",
			"########",
			"........",
			"########",
			"...##...",
			"...##...",
			"...##...",
		},
	}
	for c, w := range want {
		g, _ := generatedGlyph(c, 8)
		if got := rows(g); strings.Join(got, "\n") != strings.Join(w, "\n") {
			t.Errorf("%q:\n%s\nwant\n%s", cp437.Table[c], strings.Join(got, "\n"), strings.Join(w, "\n"))
		}
	}
}
