package video

import "testing"

func TestPixelsEveryGraphicsMode(t *testing.T) {
	for _, c := range []struct {
		mode  int
		w, h  int
		max   uint8
		check func(a *Adapter) bool
	}{
		{4, 320, 200, 3, func(a *Adapter) bool { return a.Read8(0xB8000+0x2000+80+1) == 0x30 }}, // x=5, y=3 → colour 3 at bits 5-4
		{6, 640, 200, 1, func(a *Adapter) bool { return a.Read8(0xB8000+0x2000+80) == 0x04 }},   // x=5, y=3
		{0x13, 320, 200, 255, func(a *Adapter) bool { return a.Read8(0xA0000+3*320+5) == 255 }},
	} {
		a := New(nil)
		a.SetMode(c.mode)
		a.SetPixel(5, 3, c.max)
		if !c.check(a) || a.Pixel(5, 3) != c.max {
			t.Errorf("mode %X: SetPixel(5,3) not at the mode's address (pixel reads %d)", c.mode, a.Pixel(5, 3))
		}
		if c.mode != 0x13 {
			a.SetPixel(5, 3, 0x80|c.max) // XOR
			if a.Pixel(5, 3) != 0 {
				t.Errorf("mode %X: XOR did not clear the pixel", c.mode)
			}
		}
		a.SetPixel(c.w, 0, 1) // off screen: ignored
		a.SetPixel(-1, 0, 1)
		if a.Pixel(c.w-1, c.h-1) != 0 || a.Pixel(c.w, 0) != 0 {
			t.Errorf("mode %X: off-screen pixel", c.mode)
		}
	}
}

func TestDrawGlyphAndGlyphAt(t *testing.T) {
	for _, mode := range []int{4, 6, 0x13} {
		a := New(nil)
		a.SetMode(mode)
		f := Font8x8()
		fg := uint8(2)
		if mode == 6 {
			fg = 1 // one bit per pixel
		}
		a.DrawGlyph(3, 2, f['Q'*8:], fg)
		code, colour, ok := a.GlyphAt(3, 2)
		if !ok || code != 'Q' || colour != fg {
			t.Errorf("mode %X: GlyphAt = %q,%d,%v", mode, code, colour, ok)
		}
		a.DrawGlyph(4, 2, f['x'*8:], 1)
		if s := a.Text(); s.Line(2) != "   Qx" {
			t.Errorf("mode %X: row 2 reads %q", mode, s.Line(2))
		}
		// XOR the same glyph again: the cell is empty.
		if mode != 0x13 {
			a.DrawGlyph(4, 2, f['x'*8:], 0x81)
			if _, _, ok := a.GlyphAt(4, 2); !ok {
				t.Errorf("mode %X: XOR left a non-character", mode)
			}
			if code, _, _ := a.GlyphAt(4, 2); code != ' ' {
				t.Errorf("mode %X: XORing a glyph twice left %q", mode, code)
			}
		}
	}
}

func TestScrollText(t *testing.T) {
	a := New(nil)
	for r := 0; r < 25; r++ {
		putText(t, a, r, 0, 0x07, string(rune('A'+r%26))+"-row")
	}
	a.Scroll(0, 0, 0, 24, 79, 1, 0x1E) // whole screen up one line
	s := a.Text()
	if s.Line(0) != "B-row" || s.Line(23) != "Y-row" || s.Line(24) != "" || s.At(24, 0).Attr != 0x1E {
		t.Fatalf("after scroll up: %q .. %q %q attr %02X", s.Line(0), s.Line(23), s.Line(24), s.At(24, 0).Attr)
	}
	a.Scroll(0, 2, 0, 5, 2, -2, 0x07) // a window, down two lines, three columns wide
	s = a.Text()
	if s.Line(2) != "   ow" || s.Line(3) != "   ow" || s.Line(4) != "D-row" || s.Line(5) != "E-row" || s.Line(6) != "H-row" {
		t.Fatalf("after window scroll down: %q %q %q %q", s.Line(2), s.Line(4), s.Line(5), s.Line(6))
	}
	a.Scroll(0, 0, 0, 24, 79, 0, 0x07) // clear
	if a.Text().String() != strings24() {
		t.Fatal("clear left text")
	}
	// Page 1 scrolls page 1's memory.
	a.Write8(0xB8000+uint32(a.PageSize())+160, 'P')
	a.Scroll(1, 0, 0, 24, 79, 1, 0x07)
	if a.Read8(0xB8000+uint32(a.PageSize())) != 'P' {
		t.Fatal("page 1 not scrolled")
	}
}

func strings24() string {
	s := ""
	for i := 0; i < 24; i++ {
		s += "\n"
	}
	return s
}

func TestScrollGraphics(t *testing.T) {
	a := New(nil)
	a.SetMode(4)
	f := Font8x8()
	a.DrawGlyph(0, 1, f['A'*8:], 3)
	a.DrawGlyph(0, 2, f['B'*8:], 3)
	a.Scroll(0, 0, 0, 24, 39, 1, 0)
	if s := a.Text(); s.Line(0) != "A" || s.Line(1) != "B" || s.Line(2) != "" {
		t.Fatalf("mode 4 scroll: %q %q %q", s.Line(0), s.Line(1), s.Line(2))
	}
	a.Scroll(0, 0, 0, 24, 39, 0, 1) // clear to colour 1
	if a.Pixel(0, 0) != 1 || a.Pixel(319, 199) != 1 {
		t.Fatal("mode 4 clear with a colour")
	}
}

func TestScreenSize(t *testing.T) {
	for _, c := range [][4]int{{720, 400, 720, 540}, {320, 200, 320, 240}, {640, 200, 640, 480}, {360, 400, 533, 400}} {
		if w, h := ScreenSize(c[0], c[1]); w != c[2] || h != c[3] {
			t.Errorf("ScreenSize(%d,%d) = %d,%d, want %d,%d", c[0], c[1], w, h, c[2], c[3])
		}
	}
}
