package video

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// rgbAt is the colour of a rendered pixel.
func rgbAt(img *image.RGBA, x, y int) [3]uint8 {
	o := img.PixOffset(x, y)
	return [3]uint8{img.Pix[o], img.Pix[o+1], img.Pix[o+2]}
}

var (
	black     = [3]uint8{0, 0, 0}
	lightGrey = [3]uint8{0xAA, 0xAA, 0xAA}
	white     = [3]uint8{0xFF, 0xFF, 0xFF}
	red       = [3]uint8{0xAA, 0, 0}
)

// litDots counts foreground dots of cell row, col (9x16 cells) in colour c.
func litDots(img *image.RGBA, row, col int, c [3]uint8) int {
	n := 0
	for y := 0; y < 16; y++ {
		for x := 0; x < 9; x++ {
			if rgbAt(img, col*9+x, row*16+y) == c {
				n++
			}
		}
	}
	return n
}

func TestRenderBlink(t *testing.T) {
	a := New(nil)
	putText(t, a, 0, 0, 0xC7, "B") // blink, red background, grey text
	a.SetCursorAddress(80 * 10)
	on := a.Render(nil, 0)
	off := a.Render(nil, charBlinkFrames)
	if litDots(on, 0, 0, lightGrey) == 0 {
		t.Fatal("blinking character invisible in the on phase")
	}
	if litDots(off, 0, 0, lightGrey) != 0 || litDots(off, 0, 0, red) != 9*16 {
		t.Fatal("blinking character visible in the off phase")
	}
	if rgbAt(on, 8, 0) != red {
		t.Fatalf("blink mode background = %v, want red (bit 7 is blink, not intensity)", rgbAt(on, 8, 0))
	}
	// With blink off (AR10 bit 3), bit 7 brightens the background.
	a.In8(0x3DA)
	a.Out8(0x3C0, 0x30)
	a.Out8(0x3C0, a.attr[arModeControl]&^amBlink)
	img := a.Render(nil, charBlinkFrames)
	if rgbAt(img, 8, 0) != [3]uint8{0xFF, 0x55, 0x55} || litDots(img, 0, 0, lightGrey) == 0 {
		t.Fatalf("bright background = %v", rgbAt(img, 8, 0))
	}
}

func TestRenderCursor(t *testing.T) {
	a := New(nil)
	a.SetCursorAddress(2*80 + 3)
	img := a.Render(nil, 0)
	// Default cursor: scan lines 13-14 of the cell, in the cell's foreground.
	for y := 0; y < 16; y++ {
		want := black
		if y == 13 || y == 14 {
			want = lightGrey
		}
		if got := rgbAt(img, 3*9+4, 2*16+y); got != want {
			t.Fatalf("cursor cell line %d = %v, want %v", y, got, want)
		}
	}
	if litDots(a.Render(nil, cursorBlinkFrames), 2, 3, lightGrey) != 0 {
		t.Fatal("cursor shown in its off phase")
	}
	// A block cursor, then one switched off.
	a.SetCursorShape(0, 15)
	if litDots(a.Render(img, 0), 2, 3, lightGrey) != 9*16 {
		t.Fatal("block cursor does not fill the cell")
	}
	a.SetCursorShape(0x20, 15)
	if litDots(a.Render(img, 0), 2, 3, lightGrey) != 0 {
		t.Fatal("cursor drawn although CR0A bit 5 is set")
	}
	// Start after end: no cursor on a VGA.
	a.SetCursorShape(14, 2)
	if litDots(a.Render(img, 0), 2, 3, lightGrey) != 0 {
		t.Fatal("cursor drawn with start > end")
	}
}

func TestRenderNinthColumn(t *testing.T) {
	a := New(nil)
	putText(t, a, 0, 0, 0x07, "──AA")
	img := a.Render(nil, 0)
	// ─ (C4h) continues through the 9th dot; A does not get one.
	y := 7 // the line's first scan line in 16-line cells
	for x := 0; x < 18; x++ {
		if rgbAt(img, x, y) != lightGrey {
			t.Fatalf("line broken at x=%d", x)
		}
	}
	for y := 0; y < 16; y++ {
		if rgbAt(img, 2*9+8, y) != black {
			t.Fatal("letter drawn into the 9th column")
		}
	}
}

func TestRenderMonoUnderline(t *testing.T) {
	a := New(nil)
	a.SetMode(7)
	for i, at := range []uint8{0x07, 0x01, 0x70, 0x0F, 0x00} {
		a.Write8(0xB0000+uint32(2*i), '_'+1) // '`' : few dots
		a.Write8(0xB0001+uint32(2*i), at)
	}
	img := a.Render(nil, 0)
	// Attribute 01h: underlined on scan line 15 (CR14), grey.
	for x := 9; x < 18; x++ {
		if rgbAt(img, x, 15) != lightGrey {
			t.Fatal("attribute 01h not underlined on line 15")
		}
	}
	if rgbAt(img, 0, 15) != black {
		t.Fatal("attribute 07h underlined")
	}
	if rgbAt(img, 2*9, 15) != lightGrey || rgbAt(img, 2*9, 0) != lightGrey {
		t.Fatal("attribute 70h is not reverse video")
	}
	if litDots(img, 0, 3, white) == 0 {
		t.Fatal("attribute 0Fh is not intense")
	}
	if litDots(img, 0, 4, lightGrey) != 0 || litDots(img, 0, 4, white) != 0 {
		t.Fatal("attribute 00h is not invisible")
	}
}

func TestRenderCGA640(t *testing.T) {
	a := New(nil)
	a.SetMode(6)
	a.Write8(0xB8000, 0x80)        // line 0, x=0
	a.Write8(0xB8000+0x2000, 0x01) // line 1, x=7
	a.Write8(0xB8000+80, 0xFF)     // line 2
	img := a.Render(nil, 0)
	if rgbAt(img, 0, 0) != white || rgbAt(img, 1, 0) != black || rgbAt(img, 7, 1) != white || rgbAt(img, 639, 2) != black || rgbAt(img, 7, 2) != white {
		t.Fatal("mode 6 interleave or bit order wrong")
	}
}

func TestRenderIntoCallerImage(t *testing.T) {
	a := textTestScreen(t)
	img := a.Render(nil, 0)
	if again := a.Render(img, 0); again != img {
		t.Fatal("Render allocated although the image had the right size")
	}
	small := image.NewRGBA(image.Rect(0, 0, 10, 10))
	if got := a.Render(small, 0); got == small || got.Rect.Dx() != 720 {
		t.Fatal("Render drew into an image of the wrong size")
	}
	allocs := testing.AllocsPerRun(5, func() { a.Render(img, 3) })
	if allocs != 0 {
		t.Fatalf("Render into a caller's image allocates %v times", allocs)
	}
}

func TestRenderSurvivesWildCRTC(t *testing.T) {
	// Guest programs can put anything into the CRTC; the renderer must
	// neither panic nor read outside video memory.
	for _, mode := range Modes() {
		a := New(nil)
		a.SetMode(mode)
		a.Out8(0x3D4, 0x11)
		a.Out8(0x3D5, 0)
		for _, r := range []struct{ i, v uint8 }{{0x01, 0xFF}, {0x12, 0xFF}, {0x07, 0xFF}, {0x09, 0x9F}, {0x13, 0xFF}, {0x0C, 0xFF}, {0x0D, 0xFF}} {
			a.Out8(0x3D4, r.i)
			a.Out8(0x3D5, r.v)
			_ = a.Render(nil, 0)
			_ = a.Text().String()
		}
		a.Out8(0x3D4, 0x09)
		a.Out8(0x3D5, 0x1F) // 32-line cells: beyond the 16-line font
		_ = a.Render(nil, 0)
		a.Out8(0x3D4, 0x12)
		a.Out8(0x3D5, 0x00)
		a.Out8(0x3D4, 0x07)
		a.Out8(0x3D5, 0x00) // a single scan line
		_ = a.Render(nil, 0)
		_ = a.Text().String()
	}
}

func TestWritePNGIsTheRenderer(t *testing.T) {
	a := cgaTestScreen(t)
	var buf bytes.Buffer
	if err := a.WritePNG(&buf, 0); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := a.Render(nil, 0)
	if img.Bounds() != want.Bounds() {
		t.Fatalf("PNG %v, renderer %v", img.Bounds(), want.Bounds())
	}
	for y := 0; y < want.Rect.Dy(); y++ {
		for x := 0; x < want.Rect.Dx(); x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if c := rgbAt(want, x, y); [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)} != c {
				t.Fatalf("PNG pixel %d,%d differs from Render", x, y)
			}
		}
	}
}

func TestPaletteAndBlinkEnabled(t *testing.T) {
	a := New(nil)
	p := a.Palette()
	if p[1] != (color.RGBA{0, 0, 0xAA, 0xFF}) || p[6] != (color.RGBA{0xAA, 0x55, 0, 0xFF}) || p[15] != (color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}) {
		t.Fatalf("text palette %v", p)
	}
	if !a.BlinkEnabled() {
		t.Fatal("blink off after mode 3")
	}
	a.SetDAC(0x3F, 0x10, 0x20, 0x30) // colour 15 is DAC entry 3Fh
	if p := a.Palette(); p[15] != (color.RGBA{0x41, 0x82, 0xC3, 0xFF}) {
		t.Fatalf("colour 15 after a DAC change = %v", p[15])
	}
}
