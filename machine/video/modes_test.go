package video

import (
	"strings"
	"testing"
)

func TestSetModeEveryMode(t *testing.T) {
	cases := []struct {
		mode             int
		w, h, cols, rows int
		charH            int
		base             uint32
		pageSize         int
		text             bool
		crtc             uint16
	}{
		{0x00, 360, 400, 40, 25, 16, 0xB8000, 0x800, true, 0x3D4},
		{0x01, 360, 400, 40, 25, 16, 0xB8000, 0x800, true, 0x3D4},
		{0x02, 720, 400, 80, 25, 16, 0xB8000, 0x1000, true, 0x3D4},
		{0x03, 720, 400, 80, 25, 16, 0xB8000, 0x1000, true, 0x3D4},
		{0x04, 320, 200, 40, 25, 8, 0xB8000, 0x4000, false, 0x3D4},
		{0x05, 320, 200, 40, 25, 8, 0xB8000, 0x4000, false, 0x3D4},
		{0x06, 640, 200, 80, 25, 8, 0xB8000, 0x4000, false, 0x3D4},
		{0x07, 720, 400, 80, 25, 16, 0xB0000, 0x1000, true, 0x3B4},
		{0x13, 320, 200, 40, 25, 8, 0xA0000, 0x10000, false, 0x3D4},
	}
	for _, c := range cases {
		a := New(nil)
		// Leave garbage behind to see the clear.
		for i := range a.vram {
			a.vram[i] = 0xAA
		}
		if err := a.SetMode(c.mode); err != nil {
			t.Fatalf("SetMode(%02X): %v", c.mode, err)
		}
		if a.Mode() != c.mode {
			t.Errorf("mode %02X: Mode() = %02X", c.mode, a.Mode())
		}
		if w, h := a.Size(); w != c.w || h != c.h {
			t.Errorf("mode %02X: Size %dx%d, want %dx%d", c.mode, w, h, c.w, c.h)
		}
		if a.Columns() != c.cols || a.Rows() != c.rows || a.CharHeight() != c.charH {
			t.Errorf("mode %02X: %dx%d cells of %d lines, want %dx%d of %d", c.mode, a.Columns(), a.Rows(), a.CharHeight(), c.cols, c.rows, c.charH)
		}
		if a.TextBase() != c.base || a.PageSize() != c.pageSize || a.IsText() != c.text || a.CRTCPort() != c.crtc {
			t.Errorf("mode %02X: base %X page %X text %v crtc %X", c.mode, a.TextBase(), a.PageSize(), a.IsText(), a.CRTCPort())
		}
		if a.PageStart() != 0 || a.CursorAddress() != 0 {
			t.Errorf("mode %02X: page start %X cursor %X, want 0", c.mode, a.PageStart(), a.CursorAddress())
		}
		// Memory of the mode is cleared; the window is decoded.
		first, second := a.Read8(c.base), a.Read8(c.base+1)
		if c.text && (first != ' ' || second != 0x07) || !c.text && (first != 0 || second != 0) {
			t.Errorf("mode %02X: memory after set = %02X %02X", c.mode, first, second)
		}
		cs, ce := a.CursorShape()
		if c.text && (cs != 0x0D || ce != 0x0E) {
			t.Errorf("mode %02X: cursor shape %02X-%02X, want 0D-0E (lines 13-14 of 16)", c.mode, cs, ce)
		}
		if !c.text && cs&0x20 == 0 {
			t.Errorf("mode %02X: graphics mode with the cursor on", c.mode)
		}
		if a.In8(0x3C6) != 0xFF {
			t.Errorf("mode %02X: PEL mask %02X", c.mode, a.In8(0x3C6))
		}
		img := a.Render(nil, 0)
		if img.Rect.Dx() != c.w || img.Rect.Dy() != c.h {
			t.Errorf("mode %02X: rendered %v", c.mode, img.Rect)
		}
		// A cleared screen is black except the cursor.
		if img.Pix[0] != 0 || img.Pix[3] != 0xFF {
			t.Errorf("mode %02X: cleared screen pixel % X", c.mode, img.Pix[:4])
		}
	}
}

func TestSetModeKeepsMemoryWithBit7(t *testing.T) {
	a := New(nil)
	a.Write8(0xB8000, 'X')
	if err := a.SetMode(0x83); err != nil {
		t.Fatal(err)
	}
	if a.Read8(0xB8000) != 'X' || a.Mode() != 3 {
		t.Fatal("mode 83h cleared memory or kept bit 7 in the mode")
	}
	if err := a.SetMode(3); err != nil {
		t.Fatal(err)
	}
	if a.Read8(0xB8000) != ' ' {
		t.Fatal("mode 3 did not clear memory")
	}
}

func TestSetModeUnsupported(t *testing.T) {
	a := New(nil)
	for _, m := range []int{0x08, 0x0D, 0x12, 0x6A, 0x7F} {
		err := a.SetMode(m)
		if err == nil || !strings.Contains(err.Error(), "not supported") {
			t.Errorf("SetMode(%02X) = %v, want a not-supported error", m, err)
		}
	}
	if a.Mode() != 3 {
		t.Fatal("a failed SetMode changed the mode")
	}
}

func TestModeDACTables(t *testing.T) {
	a := New(nil)
	rgb := func(i uint8) [3]uint8 { r, g, b := a.DAC(i); return [3]uint8{r, g, b} }
	// Text: EGA rgbRGB table through the palette registers; brown is 14h.
	if got := rgb(a.dacIndex(6)); got != [3]uint8{0x2A, 0x15, 0x00} {
		t.Errorf("text colour 6 = %v, want brown", got)
	}
	if got := rgb(a.dacIndex(9)); got != [3]uint8{0x15, 0x15, 0x3F} {
		t.Errorf("text colour 9 = %v, want light blue", got)
	}
	a.SetMode(0x13)
	want := map[uint8][3]uint8{
		0x00: {0, 0, 0}, 0x06: {0x2A, 0x15, 0}, 0x0F: {0x3F, 0x3F, 0x3F},
		0x10: {0, 0, 0}, 0x17: {0x18, 0x18, 0x18}, 0x1F: {0x3F, 0x3F, 0x3F},
		0x20: {0, 0, 0x3F}, 0x28: {0x3F, 0, 0}, 0x30: {0, 0x3F, 0},
		0x38: {0x1F, 0x1F, 0x3F}, 0x50: {0x2D, 0x2D, 0x3F}, 0x68: {0, 0, 0x1C},
		0xB0: {0, 0, 0x10}, 0xF7: {0x0B, 0x0C, 0x10}, 0xF8: {0, 0, 0}, 0xFF: {0, 0, 0},
	}
	for i, w := range want {
		if got := rgb(i); got != w {
			t.Errorf("mode 13h DAC[%02X] = %v, want %v", i, got, w)
		}
	}
	a.SetMode(7)
	if got := rgb(a.dacIndex(7)); got != [3]uint8{0x2A, 0x2A, 0x2A} {
		t.Errorf("mode 7 normal = %v", got)
	}
	if got := rgb(a.dacIndex(15)); got != [3]uint8{0x3F, 0x3F, 0x3F} {
		t.Errorf("mode 7 intense = %v", got)
	}
	if got := rgb(a.dacIndex(0)); got != [3]uint8{0, 0, 0} {
		t.Errorf("mode 7 black = %v", got)
	}
}

func TestFiftyLineText(t *testing.T) {
	// What INT 10h AX=1112h does to the CRTC: 8-line characters.
	a := New(nil)
	a.Out8(0x3D4, 0x09)
	a.Out8(0x3D5, a.In8(0x3D5)&^0x1F|0x07)
	if a.Rows() != 50 || a.CharHeight() != 8 || a.PageSize() != 0x2000 {
		t.Fatalf("80x%d with %d-line cells, page %X; want 80x50, 8, 2000", a.Rows(), a.CharHeight(), a.PageSize())
	}
	if w, h := a.Size(); w != 720 || h != 400 {
		t.Fatalf("size %dx%d", w, h)
	}
	putText(t, a, 49, 0, 0x07, "bottom")
	if s := a.Text(); s.Rows != 50 || s.Line(49) != "bottom" {
		t.Fatalf("row 49 = %q", s.Line(49))
	}
}
