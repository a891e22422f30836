package video

import "testing"

// FuzzRegisters drives the adapter with arbitrary port writes and memory
// writes, then draws and reads the screen: whatever a guest programs, the
// adapter must not panic or read outside its memory.
func FuzzRegisters(f *testing.F) {
	f.Add([]byte{0x14, 0x09, 0x15, 0x1F, 0x14, 0x01, 0x15, 0xFF})                   // CRTC: 32-line cells, 256 columns
	f.Add([]byte{0x00, 0x10, 0x00, 0x41, 0x1E, 0x05, 0x1F, 0x40})                   // attribute 8-bit mode, GC 256-colour shift
	f.Add([]byte{0x04, 0x02, 0x05, 0x04, 0x04, 0x04, 0x05, 0x07, 0x80, 0x41, 0x41}) // plane 2 access and a write
	f.Add([]byte{0x02, 0x00, 0x14, 0x11, 0x15, 0x00, 0x14, 0x07, 0x15, 0xFF})       // mono I/O, unprotected overflow
	f.Fuzz(func(t *testing.T, data []byte) {
		a := New(nil)
		for _, m := range []int{3, 4, 0x13, 7} {
			if len(data) > 0 && int(data[0])%4 == m%4 {
				a.SetMode(m)
			}
		}
		for i := 0; i+1 < len(data); i += 2 {
			p, v := data[i], data[i+1]
			switch {
			case p >= 0x80: // memory write anywhere in the window
				a.Write8(WindowStart+uint32(p&0x7F)<<10|uint32(v), v)
			case p >= 0x30:
				a.In8(0x3B0 + uint16(p-0x30))
			default:
				a.Out8(0x3C0+uint16(p), v)
			}
		}
		img := a.Render(nil, uint64(len(data)))
		if w, h := a.Size(); img.Rect.Dx() != w || img.Rect.Dy() != h {
			t.Fatalf("image %v, Size %dx%d", img.Rect, w, h)
		}
		_ = a.Text().String()
		_, _, _ = a.CursorPos()
		a.Scroll(0, 0, 0, 30, 100, 3, 0x07)
		a.SetPixel(1, 1, 3)
		_, _, _ = a.GlyphAt(0, 0)
	})
}
