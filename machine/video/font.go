package video

import (
	"fmt"
	"strconv"
	"strings"
)

// Fonts: 256 glyphs of 8 dots wide, one byte per scan line, most
// significant bit leftmost, glyph c at offset c*height. This is the layout
// INT 10h AX=1130h hands out and the BIOS keeps in ROM.

// The three fonts, built once from glyphArt.
var (
	font8, font14, font16 = buildFonts()

	// glyphIndex finds the code of a glyph bitmap of each font height
	// (graphics-mode text readout). Where two codes share a bitmap the
	// lower one wins, except that a blank cell reads as a space.
	glyphIndex = map[int]map[string]uint8{8: indexFont(font8, 8), 14: indexFont(font14, 14), 16: indexFont(font16, 16)}
)

func indexFont(f []byte, h int) map[string]uint8 {
	m := make(map[string]uint8, 256)
	for c := 255; c >= 0; c-- {
		m[string(f[c*h:(c+1)*h])] = uint8(c)
	}
	m[string(make([]byte, h))] = ' '
	return m
}

// Font8x8 returns a copy of the 8x8 font (2048 bytes): CGA graphics modes
// and mode 13h text, INT 10h AX=1130h BH=03h/04h, INT 1Fh/43h.
func Font8x8() []byte { return append([]byte(nil), font8...) }

// Font8x14 returns a copy of the 8x14 font (3584 bytes), AX=1130h BH=02h.
func Font8x14() []byte { return append([]byte(nil), font14...) }

// Font8x16 returns a copy of the 8x16 font (4096 bytes), AX=1130h BH=06h:
// the font of the VGA text modes.
func Font8x16() []byte { return append([]byte(nil), font16...) }

// parseArt reads glyphArt into 256 8-row bitmaps.
func parseArt() (g [256][8]uint8, defined [256]bool) {
	lines := strings.Fields(glyphArt)
	for i := 0; i < len(lines); {
		code, err := strconv.ParseUint(lines[i], 16, 8)
		if err == nil && i+8 >= len(lines) {
			err = fmt.Errorf("glyph truncated")
		}
		if err != nil {
			panic(fmt.Sprintf("video: glyph art near line %d: %v", i, err))
		}
		if defined[code] {
			panic(fmt.Sprintf("video: glyph %02X drawn twice", code))
		}
		defined[code] = true
		for r := 0; r < 8; r++ {
			row := lines[i+1+r]
			if len(row) != 8 || strings.Trim(row, "#.") != "" {
				panic(fmt.Sprintf("video: glyph %02X row %d is %q, want 8 of '#' and '.'", code, r, row))
			}
			for x, ch := range row {
				if ch == '#' {
					g[code][r] |= 0x80 >> x
				}
			}
		}
		i += 9
	}
	return g, defined
}

// tallGlyph is a glyph of the 14-line design: its lines, and whether it
// continues into the cell above or below.
type tallGlyph struct {
	rows      [14]uint8
	up, down  bool
	isDefined bool
}

// parseArt14 reads glyphArt14: CODE@ROW[^][v] then the glyph's rows.
func parseArt14() (g [256]tallGlyph) {
	fields := strings.Fields(glyphArt14)
	for i := 0; i < len(fields); {
		head := fields[i]
		at := strings.IndexByte(head, '@')
		if at < 0 {
			panic(fmt.Sprintf("video: 14-line glyph art: %q is not CODE@ROW", head))
		}
		code, err := strconv.ParseUint(head[:at], 16, 8)
		if err != nil {
			panic(fmt.Sprintf("video: 14-line glyph art: %q: %v", head, err))
		}
		flags := strings.TrimLeft(head[at+1:], "0123456789")
		first, err := strconv.Atoi(strings.TrimSuffix(head[at+1:], flags))
		if err != nil || strings.Trim(flags, "^v") != "" {
			panic(fmt.Sprintf("video: 14-line glyph art: %q: bad row or flags", head))
		}
		t := &g[code]
		if t.isDefined {
			panic(fmt.Sprintf("video: 14-line glyph %02X drawn twice", code))
		}
		t.isDefined, t.up, t.down = true, strings.Contains(flags, "^"), strings.Contains(flags, "v")
		i++
		for r := first; i < len(fields) && !strings.Contains(fields[i], "@"); r++ {
			row := fields[i]
			if len(row) != 8 || strings.Trim(row, "#.") != "" || r >= 14 {
				panic(fmt.Sprintf("video: 14-line glyph %02X line %d is %q, want 8 of '#' and '.' within 14 lines", code, r, row))
			}
			for x, ch := range row {
				if ch == '#' {
					t.rows[r] |= 0x80 >> x
				}
			}
			i++
		}
	}
	return g
}

// buildFonts parses the designs once and builds the three fonts: the 8x8
// from glyphArt, the 8x14 from glyphArt14, and the 8x16 from the same
// 14-line design in the taller cell, one line more above and below (the
// relation of IBM's VGA font to its EGA one), a glyph that continues into
// the next cell repeating its edge line there. The line-drawing, shade and
// block characters are generated at each height.
func buildFonts() (f8, f14, f16 []byte) {
	art8, defined8 := parseArt()
	art14 := parseArt14()
	f8, f14, f16 = make([]byte, 256*8), make([]byte, 256*14), make([]byte, 256*16)
	for c := 0; c < 256; c++ {
		g8, g14, g16 := f8[c*8:c*8+8], f14[c*14:c*14+14], f16[c*16:c*16+16]
		if _, ok := generatedGlyph(uint8(c), 8); ok {
			for h, dst := range map[int][]byte{8: g8, 14: g14, 16: g16} {
				g, _ := generatedGlyph(uint8(c), h)
				copy(dst, g)
			}
			continue
		}
		t := &art14[c]
		if !defined8[c] || !t.isDefined {
			panic(fmt.Sprintf("video: glyph %02X has no design (8x8 %v, 14-line %v)", c, defined8[c], t.isDefined))
		}
		copy(g8, art8[c][:])
		copy(g14, t.rows[:])
		copy(g16[1:15], t.rows[:])
		if t.up {
			g16[0] = t.rows[0]
		}
		if t.down {
			g16[15] = t.rows[13]
		}
	}
	return f8, f14, f16
}
