package video

import "testing"

// The sequence DOS programs and BIOSes use to reach plane 2, a glyph
// written through it, and the way back; the new glyph must show.
func TestFontLoadThroughPorts(t *testing.T) {
	a := New(nil)
	a.SetCursorAddress(1000) // out of the way
	putText(t, a, 0, 0, 0x07, "AB")
	seq := func(i, v uint8) { a.Out8(0x3C4, i); a.Out8(0x3C5, v) }
	gc := func(i, v uint8) { a.Out8(0x3CE, i); a.Out8(0x3CF, v) }
	seq(2, 0x04) // map mask: plane 2
	seq(4, 0x07) // sequential addressing
	gc(4, 0x02)  // read map select: plane 2
	gc(5, 0x00)  // odd/even off
	gc(6, 0x04)  // A0000h, 64 KiB
	for y := 0; y < 16; y++ {
		a.Write8(0xA0000+'A'*32+uint32(y), 0xFF) // 'A' becomes a solid block
	}
	if got := a.Read8(0xA0000 + 'B'*32 + 2); got != Font8x16()['B'*16+2] {
		t.Fatalf("reading plane 2 gives %02X, want the ROM font's byte", got)
	}
	seq(2, 0x03)
	seq(4, 0x03)
	gc(4, 0x00)
	gc(5, 0x10)
	gc(6, 0x0E)
	if s := a.Text(); s.Line(0) != "AB" {
		t.Fatalf("text memory damaged by the font load: %q", s.Line(0))
	}
	img := a.Render(nil, 0)
	// 8 dots wide: 'A' is not a line-drawing character, its 9th column stays dark.
	if n := litDots(img, 0, 0, lightGrey); n != 8*16 {
		t.Fatalf("loaded glyph shows %d dots, want a solid 8x16 block", n)
	}
	if litDots(img, 0, 1, lightGrey) == 8*16 {
		t.Fatal("B changed too")
	}
}

func TestCharMapSelect(t *testing.T) {
	a := New(nil)
	block := make([]byte, 16)
	for i := range block {
		block[i] = 0xFF
	}
	a.SetCursorAddress(1000)
	a.LoadFont(1, 'X', block, 16) // block 1 holds only a solid 'X'
	putText(t, a, 0, 0, 0x07, "X")
	putText(t, a, 0, 1, 0x0F, "X")
	// SR03 = 01h: map A (attribute bit 3 set) block 0, map B block 1.
	a.Out8(0x3C4, 3)
	a.Out8(0x3C5, 0x01)
	img := a.Render(nil, 0)
	if litDots(img, 0, 0, lightGrey) != 8*16 {
		t.Fatal("attribute 07h does not use map B (block 1)")
	}
	if n := litDots(img, 0, 1, white); n == 0 || n == 8*16 {
		t.Fatal("attribute 0Fh does not use map A (block 0)")
	}
}

func TestFiftyLineWithROMFont(t *testing.T) {
	a := New(nil)
	a.LoadROMFont(0, 8) // INT 10h AX=1112h
	a.SetCharHeight(8)
	if a.Rows() != 50 || a.CharHeight() != 8 {
		t.Fatalf("80x%d, %d-line cells", a.Rows(), a.CharHeight())
	}
	if s, e := a.CursorShape(); s != 6 || e != 7 {
		t.Fatalf("cursor %d-%d, want 6-7", s, e)
	}
	putText(t, a, 49, 0, 0x07, "H")
	img := a.Render(nil, 0)
	f := Font8x8()
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			lit := rgbAt(img, x, 49*8+y) == lightGrey
			if lit != (f['H'*8+y]&(0x80>>x) != 0) {
				t.Fatalf("row 49 'H' dot %d,%d differs from the 8x8 font", x, y)
			}
		}
	}
	a.LoadROMFont(0, 14) // AX=1111h
	a.SetCharHeight(14)
	if a.Rows() != 28 || a.CharHeight() != 14 {
		t.Fatalf("80x%d, %d-line cells", a.Rows(), a.CharHeight())
	}
	a.SetMode(3) // back to 25 lines with the 8x16 font
	if a.Rows() != 25 || a.FontGlyph(0, 'H')[15] != Font8x16()['H'*16+15] {
		t.Fatal("mode set does not restore the 8x16 font")
	}
}
