package video

import (
	"strings"

	"pcemu/internal/cp437"
)

// The screen read back as text for headless runs, scripts and the
// terminal display: in text modes the character and attribute of every
// displayed cell, as the CRTC addresses them; in graphics modes the
// characters the BIOS drew with its ROM fonts, recognised from the dots.

// Cell is one character position of the screen.
type Cell struct {
	Char rune  // the character as Unicode (CP437 decoded)
	Code uint8 // the CP437 code in video memory
	Attr uint8 // the attribute byte: background in bits 7-4, foreground 3-0
}

// Screen is the picture read back as text.
type Screen struct {
	Graphics   bool // read from dots by matching the ROM font
	Cols, Rows int
	Cells      []Cell // Rows*Cols cells, row by row

	// The hardware cursor (text modes): its cell, whether it is shown (not
	// switched off with CR0A bit 5 and on the screen), and its first and
	// last scan line in the cell.
	CursorRow, CursorCol   int
	CursorVisible          bool
	CursorStart, CursorEnd int
	CharHeight             int
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

// Geometry is the shape of the screen as the registers define it, for
// whoever maps positions onto it (the mouse, the terminal).
type Geometry struct {
	Text          bool // a text mode (the character generator is on)
	Width, Height int  // the picture in pixels, as Render draws it
	Cols, Rows    int  // character cells: text cells, or the BIOS's 8-dot graphics cells
	CharWidth     int  // dots per cell: 8 or 9
	CharHeight    int  // scan lines per cell (in the picture's lines)
}

// Geometry computes the screen's shape from the CRTC, sequencer and
// attribute controller. In graphics modes the cells are those the video
// BIOS writes text in: 8 dots wide and 8, 14 or 16 lines high for 200,
// 350 and 480-line pictures (its 8x8, 8x14 and 8x16 fonts).
func (a *Adapter) Geometry() Geometry {
	l := a.layout()
	g := Geometry{Text: l.text, Width: l.width, Height: l.height}
	if l.text {
		g.CharWidth, g.CharHeight = l.dots, l.maxScan+1
		g.Cols, g.Rows = l.chars, l.height/g.CharHeight
		return g
	}
	g.CharWidth, g.CharHeight = 8, graphicsCharHeight(l.height)
	g.Cols, g.Rows = l.width/8, l.height/g.CharHeight
	return g
}

// graphicsCharHeight is the font height the video BIOS uses for a
// graphics picture of h lines (IBM VGA BIOS: 8x8 up to 200 lines of
// 320x200/640x200, 8x14 for 350, 8x16 for 400 and 480).
func graphicsCharHeight(h int) int {
	switch {
	case h <= 300:
		return 8
	case h <= 350:
		return 14
	}
	return 16
}

// Text reads the displayed screen as text.
func (a *Adapter) Text() Screen {
	l := a.layout()
	g := a.Geometry()
	s := Screen{Graphics: !l.text, Cols: g.Cols, Rows: g.Rows, CharHeight: g.CharHeight}
	s.Cells = make([]Cell, s.Cols*s.Rows)
	if !l.text {
		a.readGraphicsText(&l, &s)
		return s
	}
	cur := a.cursorAddress() + int(a.crtc[crCursorEnd]>>5&3)
	cs, ce := a.crtc[crCursorStart], a.crtc[crCursorEnd]
	s.CursorStart, s.CursorEnd = int(cs&0x1F), int(ce&0x1F)
	s.CursorRow, s.CursorCol = -1, -1
	for w := l.walker(); ; {
		y, sl, ok := w.next()
		if !ok {
			break
		}
		r := y / g.CharHeight
		if y%g.CharHeight != 0 || r >= s.Rows {
			continue
		}
		for c := 0; c < s.Cols; c++ {
			ma := sl.ma + c>>l.countShift
			v := a.vram[l.address(ma, 0)]
			code := uint8(v)
			s.Cells[r*s.Cols+c] = Cell{Char: cp437.Table[code], Code: code, Attr: uint8(v >> 8)}
			if ma == cur && s.CursorRow < 0 {
				s.CursorRow, s.CursorCol = r, c
			}
		}
	}
	s.CursorVisible = s.CursorRow >= 0 && cs&0x20 == 0 && s.CursorStart <= s.CursorEnd
	if s.CursorRow < 0 {
		s.CursorRow, s.CursorCol = 0, 0
	}
	return s
}

// readGraphicsText matches each cell's lit dots against the ROM font of
// the cell height; the attribute is the colour number of the lit dots. A
// dot is lit when its colour, through the colour plane enable register
// (AR12) in the 16-colour modes, is not 0.
func (a *Adapter) readGraphicsText(l *layout, s *Screen) {
	h := s.CharHeight
	enable := a.attr[arPlaneEnable] & 0x0F
	if l.mode256 {
		enable = 0xFF
	}
	index := glyphIndex[h]
	dots := make([]uint8, s.Cols*8*h)
	var d dotter
	d.init(a, l, 0)
	for w := l.walker(); ; {
		y, sl, ok := w.next()
		if !ok || y >= s.Rows*h {
			break
		}
		line := d.line(sl)
		r := y / h
		for c := 0; c < s.Cols; c++ {
			copy(dots[(c*h+y%h)*8:], line[c*8:c*8+8])
		}
		if y%h != h-1 {
			continue
		}
		for c := 0; c < s.Cols; c++ {
			bits := make([]byte, h)
			var fg uint8
			for i, v := range dots[c*h*8 : (c+1)*h*8] {
				if v &= enable; v != 0 {
					bits[i/8] |= 0x80 >> (i % 8)
					fg = v
				}
			}
			code, ok := index[string(bits)]
			if !ok {
				code = ' '
			}
			s.Cells[r*s.Cols+c] = Cell{Char: cp437.Table[code], Code: code, Attr: fg}
		}
	}
}
