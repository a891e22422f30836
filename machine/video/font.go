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

// buildFonts parses glyphArt once and builds the three fonts from it.
func buildFonts() (f8, f14, f16 []byte) {
	art, defined := parseArt()
	return buildFont(&art, &defined, 8), buildFont(&art, &defined, 14), buildFont(&art, &defined, 16)
}

// buildFont makes the font of height h (8, 14 or 16): the drawn glyphs
// scaled by repeating rows, the line-drawing and block characters
// generated at the native height.
func buildFont(art *[256][8]uint8, defined *[256]bool, h int) []byte {
	rowOf := scaleRows(h)
	f := make([]byte, 256*h)
	for c := 0; c < 256; c++ {
		glyph := f[c*h : (c+1)*h]
		if g, ok := generatedGlyph(uint8(c), h); ok {
			copy(glyph, g)
			continue
		}
		if !defined[c] {
			panic(fmt.Sprintf("video: glyph %02X has no design", c))
		}
		for y := range glyph {
			glyph[y] = art[c][rowOf[y]]
		}
	}
	return f
}

// scaleRows maps each scan line of an h-line glyph to a row of the 8x8
// design: 16 lines double every row; 14 lines double rows 1-6 and keep the
// top row and the descender row single.
func scaleRows(h int) []int {
	switch h {
	case 8:
		return []int{0, 1, 2, 3, 4, 5, 6, 7}
	case 14:
		return []int{0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7}
	case 16:
		return []int{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7}
	}
	panic(fmt.Sprintf("video: no font of height %d", h))
}
