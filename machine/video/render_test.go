package video

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata")

// putText writes s in CP437 (runes outside CP437 must not be used) at row,
// col of the 80-column page 0 with attribute at.
func putText(t *testing.T, a *Adapter, row, col int, at uint8, s string) {
	t.Helper()
	for i, r := range []rune(s) {
		c, ok := EncodeCP437(r)
		if !ok {
			t.Fatalf("%q has no CP437 code", r)
		}
		off := (row*a.Columns() + col + i) * 2
		a.Write8(a.TextBase()+uint32(off), c)
		a.Write8(a.TextBase()+uint32(off+1), at)
	}
}

// textTestScreen is mode 3 with the whole character set, the 16 colours as
// foreground and the 8 background colours, a blinking word, boxes in
// single and double lines, and the cursor.
func textTestScreen(t *testing.T) *Adapter {
	a := New(nil)
	putText(t, a, 0, 0, 0x1F, " pcemu video: code page 437 and the 16 colours (9x16 cells, 720x400)          ")
	for c := 0; c < 256; c++ {
		row, col := 2+c/32, 8+2*(c%32)
		off := uint32((row*80 + col) * 2)
		a.Write8(0xB8000+off, uint8(c))
		a.Write8(0xB8000+off+1, 0x07)
	}
	for i := 0; i < 8; i++ {
		putText(t, a, 2+i, 1, 0x0E, string("0123456789ABCDEF"[i*2])+"0h")
	}
	for fg := 0; fg < 16; fg++ {
		putText(t, a, 11, fg*5, uint8(fg), "█████")
		putText(t, a, 12, fg*5+1, 0x07, string("0123456789ABCDEF"[fg])+"h")
	}
	for bg := 0; bg < 8; bg++ {
		putText(t, a, 13, bg*10, uint8(bg<<4|0x0F), " bg "+string(rune('0'+bg))+" Aa ")
	}
	putText(t, a, 15, 2, 0x0F, "╔══════╦══════╗  ┌──────┬──────┐  ╓──────╥──────╖  ╒══════╤══════╕")
	putText(t, a, 16, 2, 0x0F, "║ dbl  ║ line ║  │ sgl  │ line │  ║ mix  ║ one  ║  │ mix  │ two  │")
	putText(t, a, 17, 2, 0x0F, "╠══════╬══════╣  ├──────┼──────┤  ╟──────╫──────╢  ╞══════╪══════╡")
	putText(t, a, 18, 2, 0x0F, "╚══════╩══════╝  └──────┴──────┘  ╙──────╨──────╜  ╘══════╧══════╛")
	putText(t, a, 20, 2, 0x0A, "The quick brown fox jumps over the lazy dog. 0123456789 ()[]{}<>")
	putText(t, a, 21, 2, 0x0B, "Façade, naïve Öl, Ärger, Übel, señor, ½ + ¼ ≤ 1, ±√∞, αßΓπΣσµτΦΘΩδ")
	putText(t, a, 22, 2, 0x8C, "blinking")
	putText(t, a, 22, 12, 0x4E, "░▒▓█ ▀▄▌▐ ☺☻♥♦♣♠ ↑↓→← ▲▼►◄")
	putText(t, a, 24, 0, 0x07, "C:\\>")
	a.SetCursorAddress(24*80 + 4)
	return a
}

// cgaTestScreen is mode 4: colour bars, lines in every colour, and text in
// the 8x8 font, drawn into the interleaved banks.
func cgaTestScreen(t *testing.T) *Adapter {
	a := New(nil)
	if err := a.SetMode(4); err != nil {
		t.Fatal(err)
	}
	plot := func(x, y int, c uint8) {
		addr := 0xB8000 + uint32((y&1)*0x2000+(y/2)*80+x/4)
		shift := 6 - 2*uint(x&3)
		a.Write8(addr, a.Read8(addr)&^(3<<shift)|c<<shift)
	}
	for y := 0; y < 40; y++ {
		for x := 0; x < 320; x++ {
			plot(x, y, uint8(x/80))
		}
	}
	for i := 0; i < 150; i++ {
		plot(10+i, 50+i, 1)
		plot(310-i, 50+i, 2)
		plot(85+i, 125, 3)
	}
	for y := 60; y < 190; y++ {
		plot(160, y, 3)
	}
	drawText8(a, 0, 24, "CGA MODE 4: 320x200", func(x, y int) { plot(x, y, 3) })
	return a
}

// vgaTestScreen is mode 13h: all 256 DAC colours as 16x16 squares and a
// line of text.
func vgaTestScreen(t *testing.T) *Adapter {
	a := New(nil)
	if err := a.SetMode(0x13); err != nil {
		t.Fatal(err)
	}
	for y := 0; y < 192; y++ {
		for x := 0; x < 320; x++ {
			a.Write8(0xA0000+uint32(y*320+x), uint8(y/12*16+x/20))
		}
	}
	drawText8(a, 0, 24, "MODE 13h: 256 colours", func(x, y int) {
		a.Write8(0xA0000+uint32(y*320+x), 15)
	})
	return a
}

// drawText8 draws s with the 8x8 font at character cell row, col.
func drawText8(a *Adapter, col, row int, s string, plot func(x, y int)) {
	f := Font8x8()
	for i, r := range []rune(s) {
		c, _ := EncodeCP437(r)
		for y := 0; y < 8; y++ {
			for x := 0; x < 8; x++ {
				if f[int(c)*8+y]&(0x80>>x) != 0 {
					plot((col+i)*8+x, row*8+y)
				}
			}
		}
	}
}

// checkGolden compares img with testdata/name pixel for pixel.
func checkGolden(t *testing.T, name string, img *image.RGBA) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("golden image: %v (run go test ./machine/video -update to create it)", err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if want.Bounds() != img.Bounds() {
		t.Fatalf("%s: image is %v, golden is %v", name, img.Bounds(), want.Bounds())
	}
	diff := 0
	var first image.Point
	for y := 0; y < img.Rect.Dy(); y++ {
		for x := 0; x < img.Rect.Dx(); x++ {
			r1, g1, b1, a1 := img.At(x, y).RGBA()
			r2, g2, b2, a2 := want.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				if diff == 0 {
					first = image.Pt(x, y)
				}
				diff++
			}
		}
	}
	if diff > 0 {
		t.Errorf("%s: %d pixels differ from the golden image, first at %v", name, diff, first)
	}
}

func TestGoldenText(t *testing.T) {
	a := textTestScreen(t)
	if w, h := a.Size(); w != 720 || h != 400 {
		t.Fatalf("mode 3 size %dx%d, want 720x400", w, h)
	}
	checkGolden(t, "text80x25.png", a.Render(nil, 0))
}

func TestGoldenCGA(t *testing.T) {
	a := cgaTestScreen(t)
	if w, h := a.Size(); w != 320 || h != 200 {
		t.Fatalf("mode 4 size %dx%d, want 320x200", w, h)
	}
	checkGolden(t, "cga320x200.png", a.Render(nil, 0))
}

func TestGoldenVGA256(t *testing.T) {
	a := vgaTestScreen(t)
	if w, h := a.Size(); w != 320 || h != 200 {
		t.Fatalf("mode 13h size %dx%d, want 320x200", w, h)
	}
	checkGolden(t, "vga320x200x256.png", a.Render(nil, 0))
}

func BenchmarkRenderText80x25(b *testing.B) {
	a := textTestScreen(&testing.T{})
	img := a.Render(nil, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		img = a.Render(img, uint64(i))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "frames/s")
}
