package video_test

import (
	"image"
	"strings"
	"testing"

	"pcemu/internal/hostcpu"
	"pcemu/machine/video"
)

type fakeClock struct{ t int64 }

func (c *fakeClock) Now() int64 { return c.t }

// Input status 1 follows the beam at the CRTC's timing: 449 lines of
// 800 dots at 25.175 MHz (or 900 at 28.322 MHz) is 70 Hz; 525 lines at
// 25.175 MHz is 60 Hz.
func TestStatusTiming(t *testing.T) {
	for _, c := range []struct {
		mode          uint8
		lines, active int
		hz            float64
	}{{0x03, 449, 400, 70.1}, {0x12, 525, 480, 59.9}, {0x13, 449, 400, 70.1}} {
		clk := &fakeClock{}
		a := inMode(t, c.mode)
		a.SetClock(clk)
		// Sample the status every microsecond for one second.
		var retraces, lastV int
		var disabledInActive, lineEdges int
		lastD := 1
		for ns := int64(0); ns < 1e9; ns += 1000 {
			clk.t = ns
			v := a.In8(0x3DA)
			if int(v>>3&1) == 1 && lastV == 0 {
				retraces++
			}
			if ns < int64(c.lines)*31778 && v&1 == 0 && lastD == 1 {
				lineEdges++
			}
			if v&8 != 0 && v&1 == 0 {
				disabledInActive++
			}
			lastV, lastD = int(v>>3&1), int(v&1)
		}
		if f := float64(retraces); f < c.hz-1.5 || f > c.hz+1.5 {
			t.Errorf("mode %02Xh: %d vertical retraces in a second, want about %.1f", c.mode, retraces, c.hz)
		}
		if disabledInActive != 0 {
			t.Errorf("mode %02Xh: display enabled during a vertical retrace %d times", c.mode, disabledInActive)
		}
		if lineEdges < c.active-5 || lineEdges > c.lines {
			t.Errorf("mode %02Xh: %d display-enable starts in the first frame, want about %d", c.mode, lineEdges, c.active)
		}
		clk.t = 0
		if f := a.Frame(); f != 0 {
			t.Errorf("mode %02Xh: Frame() = %d at the start", c.mode, f)
		}
		clk.t = 1e9
		if f := a.Frame(); float64(f) < c.hz-1.5 || float64(f) > c.hz+1.5 {
			t.Errorf("mode %02Xh: Frame() = %d after a second", c.mode, f)
		}
	}
	// Without a clock the status still changes between polls.
	a := inMode(t, 0x03)
	seen := map[uint8]bool{}
	for i := 0; i < 20000; i++ {
		seen[a.In8(0x3DA)&9] = true
	}
	if !seen[0] || !seen[9] {
		t.Errorf("clock-less status values %v", seen)
	}
}

// Geometry and Size follow the registers for every standard mode.
func TestGeometryOfStandardModes(t *testing.T) {
	for _, c := range []struct {
		mode        uint8
		want        video.Geometry
		screenW, sh int
	}{
		{0x00, video.Geometry{Text: true, Width: 360, Height: 400, Cols: 40, Rows: 25, CharWidth: 9, CharHeight: 16}, 720, 540},
		{0x03, video.Geometry{Text: true, Width: 720, Height: 400, Cols: 80, Rows: 25, CharWidth: 9, CharHeight: 16}, 720, 540},
		{0x07, video.Geometry{Text: true, Width: 720, Height: 400, Cols: 80, Rows: 25, CharWidth: 9, CharHeight: 16}, 720, 540},
		{0x04, video.Geometry{Width: 320, Height: 200, Cols: 40, Rows: 25, CharWidth: 8, CharHeight: 8}, 640, 480},
		{0x06, video.Geometry{Width: 640, Height: 200, Cols: 80, Rows: 25, CharWidth: 8, CharHeight: 8}, 640, 480},
		{0x0D, video.Geometry{Width: 320, Height: 200, Cols: 40, Rows: 25, CharWidth: 8, CharHeight: 8}, 640, 480},
		{0x10, video.Geometry{Width: 640, Height: 350, Cols: 80, Rows: 25, CharWidth: 8, CharHeight: 14}, 640, 480},
		{0x12, video.Geometry{Width: 640, Height: 480, Cols: 80, Rows: 30, CharWidth: 8, CharHeight: 16}, 640, 480},
		{0x13, video.Geometry{Width: 320, Height: 200, Cols: 40, Rows: 25, CharWidth: 8, CharHeight: 8}, 640, 480},
	} {
		a := inMode(t, c.mode)
		if g := a.Geometry(); g != c.want {
			t.Errorf("mode %02Xh: %+v, want %+v", c.mode, g, c.want)
		}
		img := a.Render(nil, 0)
		if sw, sh := video.ScreenSize(img.Rect.Dx(), img.Rect.Dy()); sw != c.screenW || sh != c.sh {
			t.Errorf("mode %02Xh: screen %dx%d, want %dx%d", c.mode, sw, sh, c.screenW, c.sh)
		}
		if s := video.ScreenImage(img); s.Rect.Dx() != c.screenW || s.Rect.Dy() != c.sh {
			t.Errorf("mode %02Xh: ScreenImage %v", c.mode, s.Rect)
		}
	}
}

// ScreenImage takes every screen pixel from the picture pixel under its
// centre: 320x200 doubled across and 2.4 times down.
func TestScreenImage(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for y := 0; y < 200; y++ {
		src.Pix[y*src.Stride] = uint8(y) // pixel (0, y) red = y
		src.Pix[y*src.Stride+4*319+1] = 0xFF
	}
	dst := video.ScreenImage(src)
	for _, c := range []struct{ y, srcY int }{{0, 0}, {1, 0}, {2, 1}, {3, 1}, {479, 199}, {240, 100}} {
		if got := dst.RGBAAt(0, c.y).R; got != uint8(c.srcY) || dst.RGBAAt(1, c.y).R != uint8(c.srcY) {
			t.Errorf("screen line %d shows picture line %d, want %d", c.y, got, c.srcY)
		}
	}
	if dst.RGBAAt(639, 0).G != 0xFF || dst.RGBAAt(637, 0).G != 0 {
		t.Error("the last picture column is not the last two screen columns")
	}
	if same := video.ScreenImage(image.NewRGBA(image.Rect(0, 0, 640, 480))); same.Rect.Dx() != 640 {
		t.Error("a 640x480 picture is not shown as is")
	}
}

// Text() reads text cells from the CRTC's addresses, and characters drawn
// in graphics modes from the dots, in the font of the mode's cell height.
func TestTextReadout(t *testing.T) {
	a := inMode(t, 0x03)
	for i, c := range "C:\\>dir" {
		a.Write8(0xB8000+uint32(80*2*3+2*i), uint8(c))
	}
	crtc(a, 0x0E, 0)
	crtc(a, 0x0F, 80*3+7)
	s := a.Text()
	if s.Line(3) != "C:\\>dir" || s.CursorRow != 3 || s.CursorCol != 7 || !s.CursorVisible || s.Graphics {
		t.Errorf("text readout %q, cursor %d,%d %v", s.Line(3), s.CursorRow, s.CursorCol, s.CursorVisible)
	}
	// The start address moves the screen.
	crtc(a, 0x0C, 0)
	crtc(a, 0x0D, 80*3)
	if s := a.Text(); s.Line(0) != "C:\\>dir" || s.CursorRow != 0 {
		t.Errorf("after the start address: %q", s.Line(0))
	}
	for _, m := range []uint8{0x04, 0x10, 0x12, 0x13} {
		a := inMode(t, m)
		g := a.Geometry()
		font := map[int][]byte{8: video.Font8x8(), 14: video.Font8x14(), 16: video.Font8x16()}[g.CharHeight]
		draw(a, m, g, 2, 1, "Hi!", font)
		s := a.Text()
		if !s.Graphics || s.Line(1) != "  Hi!" || s.At(1, 2).Attr == 0 {
			t.Errorf("mode %02Xh: graphics text %q", m, s.String())
		}
		if !strings.Contains(s.String(), "Hi!") || s.Rows != g.Rows {
			t.Errorf("mode %02Xh: %d rows", m, s.Rows)
		}
	}
}

// draw puts characters in the ROM font at a cell of a graphics mode,
// through the standard layouts (CGA banks, planes, chain-4).
func draw(a *video.Adapter, m uint8, g video.Geometry, col, row int, s string, font []byte) {
	h := g.CharHeight
	for i, ch := range []byte(s) {
		for y := 0; y < h; y++ {
			bits := font[int(ch)*h+y]
			for x := 0; x < 8; x++ {
				if bits&(0x80>>x) == 0 {
					continue
				}
				px, py := (col+i)*8+x, row*h+y
				switch m {
				case 0x04:
					addr := uint32(0xB8000 + (py&1)*0x2000 + (py>>1)*80 + px/4)
					a.Write8(addr, a.Read8(addr)|3<<(6-2*(px&3)))
				case 0x13:
					a.Write8(uint32(0xA0000+py*320+px), 0x0E)
				default:
					gc(a, 5, 2)
					gc(a, 8, 0x80>>(px&7))
					addr := uint32(0xA0000 + py*80 + px/8)
					a.Read8(addr)
					a.Write8(addr, 0x0E)
					gc(a, 8, 0xFF)
					gc(a, 5, 0)
				}
			}
		}
	}
}

// fuzzBase holds an adapter per mode, programmed once: each fuzz input
// starts from a copy.
var fuzzBase = map[uint8]*video.Adapter{}

// Whatever a program writes to the ports and the window, the adapter
// draws, reads text and reports its geometry without panicking.
func FuzzRegisters(f *testing.F) {
	f.Add([]byte{0x14, 0x09, 0x15, 0x1F, 0x14, 0x01, 0x15, 0xFF})                         // CRTC: 32-line cells, 256 columns
	f.Add([]byte{0x00, 0x10, 0x00, 0x41, 0x0E, 0x05, 0x0F, 0x40})                         // attribute 8-bit mode, GC 256-colour shift
	f.Add([]byte{0x04, 0x02, 0x05, 0x04, 0x04, 0x04, 0x05, 0x07, 0x80, 0x41, 0x41})       // plane 2 access and a write
	f.Add([]byte{0x02, 0x00, 0x14, 0x11, 0x15, 0x00, 0x14, 0x07, 0x15, 0xFF})             // mono I/O, unprotected overflow
	f.Add([]byte{0x14, 0x18, 0x15, 0x00, 0x14, 0x17, 0x15, 0x08, 0x14, 0x14, 0x15, 0x20}) // line compare 0, count by 2 and 4
	f.Fuzz(func(t *testing.T, data []byte) {
		modes := []uint8{0x03, 0x04, 0x13, 0x07, 0x12}
		m := uint8(0x03)
		if len(data) > 0 {
			m = modes[int(data[0])%len(modes)]
		}
		base, ok := fuzzBase[m]
		if !ok {
			base = inMode(t, m)
			fuzzBase[m] = base
		}
		c := *base
		a := &c
		for i := 0; i+1 < len(data); i += 2 {
			p, v := data[i], data[i+1]
			switch {
			case p >= 0x80: // memory anywhere in the window
				a.Write8(video.WindowStart+uint32(p&0x7F)<<10|uint32(v), v)
				a.Read8(video.WindowStart + uint32(v)<<9)
			case p >= 0x30:
				a.In8(0x3B0 + uint16(p-0x30))
			case p >= 0x20:
				a.Out8(0x3D0+uint16(p-0x20), v)
			default:
				a.Out8(0x3C0+uint16(p), v)
			}
		}
		img := a.Render(nil, uint64(len(data)))
		if w, h := a.Size(); img.Rect.Dx() != w || img.Rect.Dy() != h {
			t.Fatalf("image %v, Size %dx%d", img.Rect, w, h)
		}
		g := a.Geometry()
		s := a.Text()
		if len(s.Cells) != s.Cols*s.Rows || s.Cols != g.Cols || s.Rows != g.Rows {
			t.Fatalf("text %dx%d (%d cells), geometry %+v", s.Cols, s.Rows, len(s.Cells), g)
		}
		_ = video.ScreenImage(img)
	})
}

func BenchmarkRenderText80x25(b *testing.B) {
	a := inMode(b, 0x03)
	for i := 0; i < 80*25; i++ {
		a.Write8(0xB8000+uint32(2*i), uint8(i))
		a.Write8(0xB8001+uint32(2*i), uint8(i*7))
	}
	img := a.Render(nil, 0)
	b.ResetTimer()
	start := hostcpu.Time()
	for i := 0; i < b.N; i++ {
		a.Render(img, uint64(i))
	}
	b.ReportMetric(float64((hostcpu.Time()-start).Nanoseconds())/float64(b.N)/1e6, "cpu-ms/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/op")
}

func BenchmarkRender640x480x16(b *testing.B) {
	a := inMode(b, 0x12)
	gc(a, 5, 2)
	for i := 0; i < 80*480; i++ {
		a.Write8(0xA0000+uint32(i), uint8(i*5))
	}
	img := a.Render(nil, 0)
	b.ResetTimer()
	start := hostcpu.Time()
	for i := 0; i < b.N; i++ {
		a.Render(img, 0)
	}
	b.ReportMetric(float64((hostcpu.Time()-start).Nanoseconds())/float64(b.N)/1e6, "cpu-ms/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/op")
}

func BenchmarkRender320x200x256(b *testing.B) {
	a := inMode(b, 0x13)
	for i := 0; i < 64000; i++ {
		a.Write8(0xA0000+uint32(i), uint8(i))
	}
	img := a.Render(nil, 0)
	b.ResetTimer()
	start := hostcpu.Time()
	for i := 0; i < b.N; i++ {
		a.Render(img, 0)
	}
	b.ReportMetric(float64((hostcpu.Time()-start).Nanoseconds())/float64(b.N)/1e6, "cpu-ms/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/op")
}
