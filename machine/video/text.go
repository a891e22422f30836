package video

import "strings"

// Cell is one character position of the screen.
type Cell struct {
	Char rune  // the character as Unicode (CP437 decoded)
	Code uint8 // the CP437 code in video memory
	Attr uint8 // the attribute byte: background in bits 6-4, foreground 3-0
}

// Screen is the picture read back as text.
type Screen struct {
	Mode       int  // the BIOS mode last set
	Graphics   bool // read from pixels by matching the 8x8 font
	Cols, Rows int
	Cells      []Cell // Rows*Cols cells, row by row

	// The hardware cursor (text modes): its cell, and whether it is shown
	// (not switched off with CR0A bit 5, and on the page).
	CursorRow, CursorCol int
	CursorVisible        bool
}

// At returns the cell at row r, column c.
func (s Screen) At(r, c int) Cell { return s.Cells[r*s.Cols+c] }

// Line returns row r as a string with trailing spaces removed.
func (s Screen) Line(r int) string {
	var b strings.Builder
	for _, c := range s.Cells[r*s.Cols : (r+1)*s.Cols] {
		b.WriteRune(c.Char)
	}
	return strings.TrimRight(b.String(), " \u00A0")
}

// String is the screen as lines joined by "\n", trailing spaces trimmed
// from each line (and blank lines kept, so row numbers stay meaningful).
func (s Screen) String() string {
	lines := make([]string, s.Rows)
	for r := range lines {
		lines[r] = s.Line(r)
	}
	return strings.Join(lines, "\n")
}

// Contains reports whether text appears on one line of the screen.
func (s Screen) Contains(text string) bool {
	for r := 0; r < s.Rows; r++ {
		if strings.Contains(s.Line(r), text) {
			return true
		}
	}
	return false
}

// Text reads the displayed screen as text. In text modes it reads the
// character/attribute pairs from the displayed page; in graphics modes it
// recognises characters drawn with the 8x8 font on 8x8 cell boundaries (as
// the BIOS draws them), with the cell's foreground colour as attribute.
func (a *Adapter) Text() Screen {
	g := a.geometry()
	s := Screen{Mode: a.mode, Cols: g.cols, Rows: g.rows, Graphics: g.kind != kindText}
	s.Cells = make([]Cell, g.cols*g.rows)
	if g.kind != kindText {
		a.readGraphicsText(&g, &s)
		return s
	}
	mem := a.vram[g.base : g.base+g.size]
	mask := g.size - 1
	for r := 0; r < g.rows; r++ {
		off := g.start + r*g.stride
		for c := 0; c < g.cols; c++ {
			o := (off + 2*c) & mask
			code := mem[o]
			s.Cells[r*g.cols+c] = Cell{Char: CP437[code], Code: code, Attr: mem[(o+1)&mask]}
		}
	}
	row, col, on := a.CursorPos()
	s.CursorRow, s.CursorCol = row, col
	cs, ce := a.CursorShape()
	s.CursorVisible = on && cs&0x20 == 0 && cs&0x1F <= ce&0x1F
	return s
}

// readGraphicsText matches each 8x8 cell's lit pixels against the 8x8 font.
func (a *Adapter) readGraphicsText(g *geometry, s *Screen) {
	for r := 0; r < g.rows; r++ {
		for c := 0; c < g.cols; c++ {
			var bits [8]uint8
			var fg uint8
			for y := 0; y < 8; y++ {
				for x := 0; x < 8; x++ {
					if p := a.pixel(g, c*8+x, r*8+y); p != 0 {
						bits[y] |= 0x80 >> x
						fg = p
					}
				}
			}
			code, ok := glyphIndex8x8[bits]
			if !ok {
				code = ' '
			}
			s.Cells[r*g.cols+c] = Cell{Char: CP437[code], Code: code, Attr: fg}
		}
	}
}

// pixel is the colour number (before the palette) at x, y of a graphics mode.
func (a *Adapter) pixel(g *geometry, x, y int) uint8 {
	mask := g.size - 1
	o := g.lineOffset(y)
	mem := a.vram[g.base : g.base+g.size]
	switch g.kind {
	case kindVGA256:
		return mem[(o+x)&mask]
	case kindCGA4:
		b := mem[(o+x/4)&mask]
		return b >> (6 - 2*(x&3)) & 3
	default:
		b := mem[(o+x/8)&mask]
		return b >> (7 - x&7) & 1
	}
}
