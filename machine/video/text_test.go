package video

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCP437Table(t *testing.T) {
	seen := map[rune]int{}
	for i, r := range CP437 {
		if r == utf8.RuneError || r < ' ' {
			t.Errorf("CP437[%02X] = %U", i, r)
		}
		if j, dup := seen[r]; dup && !(r == ' ' && (i == 0x20 || j == 0)) {
			t.Errorf("CP437[%02X] and [%02X] are both %q", j, i, r)
		}
		seen[r] = i
	}
	for i := 0x20; i < 0x7F; i++ {
		if CP437[i] != rune(i) {
			t.Errorf("ASCII %02X decodes as %q", i, CP437[i])
		}
	}
	spot := map[uint8]rune{0x01: '☺', 0x03: '♥', 0x0F: '☼', 0x10: '►', 0x18: '↑', 0x1F: '▼', 0x7F: '⌂',
		0x80: 'Ç', 0x9E: '₧', 0xB0: '░', 0xB3: '│', 0xC9: '╔', 0xCD: '═', 0xDB: '█', 0xE1: 'ß', 0xE6: 'µ',
		0xF9: '∙', 0xFA: '·', 0xFE: '■', 0xFF: '\u00A0'}
	for c, r := range spot {
		if CP437[c] != r {
			t.Errorf("CP437[%02X] = %q, want %q", c, CP437[c], r)
		}
	}
	for i := 1; i < 256; i++ {
		if c, ok := EncodeCP437(CP437[i]); !ok || c != uint8(i) {
			t.Errorf("EncodeCP437(%q) = %02X,%v, want %02X", CP437[i], c, ok, i)
		}
	}
	if c, _ := EncodeCP437(' '); c != 0x20 {
		t.Error("space does not encode as 20h")
	}
	if _, ok := EncodeCP437('€'); ok {
		t.Error("€ encoded although CP437 has no such character")
	}
}

func TestTextReadout(t *testing.T) {
	a := New(nil)
	putText(t, a, 0, 0, 0x1F, "C:\\>dir   ")
	putText(t, a, 1, 5, 0x07, "╔═╗ Größe ½ ☺")
	a.Write8(0xB8000+2*(2*80+79), 0x01) // last column: ☺ graphic, not a control code
	a.SetCursorAddress(3*80 + 7)
	s := a.Text()
	if s.Cols != 80 || s.Rows != 25 || s.Graphics || s.Mode != 3 {
		t.Fatalf("screen %dx%d graphics=%v mode=%d", s.Cols, s.Rows, s.Graphics, s.Mode)
	}
	if s.Line(0) != "C:\\>dir" {
		t.Errorf("line 0 = %q (trailing spaces must go)", s.Line(0))
	}
	if s.Line(1) != "     ╔═╗ Größe ½ ☺" {
		t.Errorf("line 1 = %q", s.Line(1))
	}
	if !strings.HasSuffix(s.Line(2), "☺") || len([]rune(s.Line(2))) != 80 {
		t.Errorf("line 2 = %q", s.Line(2))
	}
	if c := s.At(0, 0); c.Char != 'C' || c.Code != 'C' || c.Attr != 0x1F {
		t.Errorf("cell 0,0 = %+v", c)
	}
	if c := s.At(1, 5); c.Char != '╔' || c.Code != 0xC9 {
		t.Errorf("cell 1,5 = %+v", c)
	}
	if s.CursorRow != 3 || s.CursorCol != 7 || !s.CursorVisible {
		t.Errorf("cursor %d,%d visible=%v", s.CursorRow, s.CursorCol, s.CursorVisible)
	}
	lines := strings.Split(s.String(), "\n")
	if len(lines) != 25 || lines[0] != "C:\\>dir" || lines[24] != "" {
		t.Errorf("String() has %d lines: %q ...", len(lines), lines[0])
	}
	if !s.Contains("Größe") || s.Contains("Grösse") {
		t.Error("Contains")
	}
	// Switching the cursor off with CR0A bit 5.
	a.Out8(0x3D4, 0x0A)
	a.Out8(0x3D5, 0x20)
	if a.Text().CursorVisible {
		t.Error("cursor visible with CR0A bit 5 set")
	}
}

func TestTextReadoutFollowsStartAddress(t *testing.T) {
	a := New(nil)
	// Page 1 as the BIOS selects it: start address = page size / 2.
	off := uint32(a.PageSize())
	for i, r := range "page one" {
		a.Write8(0xB8000+off+uint32(2*i), uint8(r))
	}
	if a.Text().Contains("page one") {
		t.Fatal("page 1 visible while page 0 is shown")
	}
	a.SetStartAddress(uint16(a.PageSize() / 2))
	if got := a.Text().Line(0); got != "page one" {
		t.Fatalf("line 0 of page 1 = %q", got)
	}
}

func TestTextReadout40AndMono(t *testing.T) {
	a := New(nil)
	a.SetMode(1)
	for i, r := range "forty" {
		a.Write8(0xB8000+uint32(2*(40+i)), uint8(r)) // row 1
	}
	if s := a.Text(); s.Cols != 40 || s.Line(1) != "forty" {
		t.Fatalf("40-column readout: %d cols, line 1 %q", s.Cols, s.Line(1))
	}
	a.SetMode(7)
	for i, r := range "mono" {
		a.Write8(0xB0000+uint32(2*i), uint8(r))
	}
	a.Write8(0xB8000, 'X') // not decoded in mode 7
	if s := a.Text(); s.Line(0) != "mono" || s.Mode != 7 {
		t.Fatalf("mode 7 line 0 = %q", s.Line(0))
	}
}

func TestGraphicsTextReadout(t *testing.T) {
	a := cgaTestScreen(t)
	s := a.Text()
	if !s.Graphics || s.Cols != 40 || s.Rows != 25 {
		t.Fatalf("mode 4 screen %dx%d graphics=%v", s.Cols, s.Rows, s.Graphics)
	}
	if got := s.Line(24); got != "CGA MODE 4: 320x200" {
		t.Errorf("mode 4 text row 24 = %q", got)
	}
	if s.At(24, 0).Attr != 3 {
		t.Errorf("mode 4 text colour %d, want 3", s.At(24, 0).Attr)
	}
	v := vgaTestScreen(t)
	if got := v.Text().Line(24); got != "MODE 13h: 256 colours" {
		t.Errorf("mode 13h text row 24 = %q", got)
	}
	// Mode 6: 80 columns of 8x8 cells.
	a.SetMode(6)
	drawText8(a, 10, 3, "HIRES", func(x, y int) {
		addr := 0xB8000 + uint32((y&1)*0x2000+(y/2)*80+x/8)
		a.Write8(addr, a.Read8(addr)|0x80>>(x&7))
	})
	if s := a.Text(); s.Cols != 80 || s.Line(3) != "          HIRES" {
		t.Errorf("mode 6 row 3 = %q (%d cols)", s.Line(3), s.Cols)
	}
}
