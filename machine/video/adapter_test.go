package video_test

import (
	"image"
	"image/color"
	"testing"

	"pcemu/bios"
	"pcemu/machine/video"
)

// The adapter is driven here the way a program drives a VGA: a standard
// mode programmed through the ports by the BIOS's mode table
// (bios.SetVideoMode), then registers written through 3C0h-3DFh and
// memory through the A0000h-BFFFFh window.

func fonts() bios.Fonts {
	return bios.Fonts{Font8x8: video.Font8x8(), Font8x14: video.Font8x14(), Font8x16: video.Font8x16()}
}

func inMode(t testing.TB, m uint8) *video.Adapter {
	t.Helper()
	a := video.New(nil)
	if err := bios.SetVideoMode(a, m, fonts()); err != nil {
		t.Fatal(err)
	}
	return a
}

func seq(a *video.Adapter, i, v uint8)  { a.Out8(0x3C4, i); a.Out8(0x3C5, v) }
func gc(a *video.Adapter, i, v uint8)   { a.Out8(0x3CE, i); a.Out8(0x3CF, v) }
func crtc(a *video.Adapter, i, v uint8) { a.Out8(a.CRTCPort(), i); a.Out8(a.CRTCPort()+1, v) }
func crtcGet(a *video.Adapter, i uint8) uint8 {
	a.Out8(a.CRTCPort(), i)
	return a.In8(a.CRTCPort() + 1)
}

func attr(a *video.Adapter, i, v uint8) {
	a.In8(a.CRTCPort() + 6)
	a.Out8(0x3C0, i)
	a.Out8(0x3C0, v)
	a.Out8(0x3C0, 0x20)
}

func attrGet(a *video.Adapter, i uint8) uint8 {
	a.In8(a.CRTCPort() + 6)
	a.Out8(0x3C0, i|0x20)
	v := a.In8(0x3C1)
	a.In8(a.CRTCPort() + 6)
	return v
}

func planes(a *video.Adapter, off int) [4]uint8 {
	return [4]uint8{a.Plane(0, off), a.Plane(1, off), a.Plane(2, off), a.Plane(3, off)}
}

// fill puts one byte per plane at off through the map mask.
func fill(a *video.Adapter, off uint32, p [4]uint8) {
	gc(a, 5, 0)
	gc(a, 1, 0)
	gc(a, 3, 0)
	gc(a, 8, 0xFF)
	for i, v := range p {
		seq(a, 2, 1<<i)
		a.Write8(0xA0000+off, v)
	}
	seq(a, 2, 0x0F)
}

// The graphics controller's write and read modes, with inputs chosen so
// that every term of the data path shows (IBM VGA Technical Reference,
// "Graphics Controller"; the same cases as testroms/vga_planes.asm).
func TestWriteAndReadModes(t *testing.T) {
	a := inMode(t, 0x12)
	latch := [4]uint8{0xF0, 0x0F, 0xAA, 0x55}
	fill(a, 110, latch)
	for _, c := range []struct {
		name string
		regs [][2]uint8 // graphics controller index, value
		data uint8
		want [4]uint8
	}{
		{"wm0 rotate 3", [][2]uint8{{3, 0x03}}, 0x81, [4]uint8{0x30, 0x30, 0x30, 0x30}},
		{"wm0 set/reset 1010b", [][2]uint8{{0, 0x0A}, {1, 0x0F}}, 0x00, [4]uint8{0x00, 0xFF, 0x00, 0xFF}},
		{"wm0 enable set/reset 0011b", [][2]uint8{{0, 0x01}, {1, 0x03}}, 0x3C, [4]uint8{0xFF, 0x00, 0x3C, 0x3C}},
		{"wm0 AND", [][2]uint8{{3, 0x08}}, 0xCC, [4]uint8{0xC0, 0x0C, 0x88, 0x44}},
		{"wm0 OR", [][2]uint8{{3, 0x10}}, 0xCC, [4]uint8{0xFC, 0xCF, 0xEE, 0xDD}},
		{"wm0 XOR", [][2]uint8{{3, 0x18}}, 0xCC, [4]uint8{0x3C, 0xC3, 0x66, 0x99}},
		{"wm0 bit mask 0Fh", [][2]uint8{{8, 0x0F}}, 0xFF, [4]uint8{0xFF, 0x0F, 0xAF, 0x5F}},
		{"wm1 latches, bit mask ignored", [][2]uint8{{5, 0x01}, {8, 0x00}}, 0x00, latch},
		{"wm2 1001b", [][2]uint8{{5, 0x02}}, 0x09, [4]uint8{0xFF, 0x00, 0x00, 0xFF}},
		{"wm2 0110b bit mask F0h", [][2]uint8{{5, 0x02}, {8, 0xF0}}, 0x06, [4]uint8{0x00, 0xFF, 0xFA, 0x05}},
		{"wm2 XOR", [][2]uint8{{5, 0x02}, {3, 0x18}}, 0x03, [4]uint8{0x0F, 0xF0, 0xAA, 0x55}},
		{"wm3", [][2]uint8{{5, 0x03}, {0, 0x05}, {8, 0x0F}}, 0x3C, [4]uint8{0xFC, 0x03, 0xAE, 0x51}},
		{"wm3 rotated", [][2]uint8{{5, 0x03}, {0, 0x05}, {8, 0x0F}, {3, 0x02}}, 0xF0, [4]uint8{0xFC, 0x03, 0xAE, 0x51}},
	} {
		for _, r := range [][2]uint8{{0, 0}, {1, 0}, {3, 0}, {5, 0}, {8, 0xFF}} {
			gc(a, r[0], r[1])
		}
		a.Read8(0xA0000 + 110) // the latches
		for _, r := range c.regs {
			gc(a, r[0], r[1])
		}
		a.Write8(0xA0000+200, c.data)
		if got := planes(a, 200); got != c.want {
			t.Errorf("%s: planes % X, want % X", c.name, got, c.want)
		}
	}
	for _, r := range [][2]uint8{{0, 0}, {1, 0}, {3, 0}, {5, 0}, {8, 0xFF}} {
		gc(a, r[0], r[1])
	}
	// Read mode 1: offset 130 holds the colours 0,4,2,6,1,5,3,7.
	fill(a, 130, [4]uint8{0x0F, 0x33, 0x55, 0x00})
	gc(a, 5, 0x08)
	for _, c := range []struct{ cc, dc, want uint8 }{{5, 0x0F, 0x04}, {7, 0x0F, 0x01}, {1, 0x03, 0x0C}, {0, 0, 0xFF}} {
		gc(a, 2, c.cc)
		gc(a, 7, c.dc)
		if got := a.Read8(0xA0000 + 130); got != c.want {
			t.Errorf("colour compare %X don't care %X: %02X, want %02X", c.cc, c.dc, got, c.want)
		}
	}
	gc(a, 5, 0)
	gc(a, 4, 2)
	if got := a.Read8(0xA0000 + 130); got != 0x55 {
		t.Errorf("read map select 2: %02X", got)
	}
}

// Chain-4 keeps four consecutive bytes at one address in the four planes,
// address bits 15-14 in place of 1-0 (where doubleword addressing reads
// them); odd/even keeps a character and its attribute in planes 0 and 1
// at the even address.
func TestPlaneAddressing(t *testing.T) {
	a := inMode(t, 0x13)
	for i, v := range []uint8{0x11, 0x22, 0x33, 0x44} {
		a.Write8(0xA0000+uint32(i), v)
		a.Write8(0xA4004+uint32(i), v+1)
	}
	if got := planes(a, 0); got != [4]uint8{0x11, 0x22, 0x33, 0x44} {
		t.Errorf("chain-4 bytes 0-3: % X", got)
	}
	if got := planes(a, 0x4005); got != [4]uint8{0x12, 0x23, 0x34, 0x45} {
		t.Errorf("chain-4 bytes 4004h-4007h: % X at offset 4005h", got)
	}
	if a.Read8(0xA4006) != 0x34 {
		t.Error("chain-4 read back")
	}
	a = inMode(t, 0x03)
	a.Write8(0xB8002, 'B')
	a.Write8(0xB8003, 0x4F)
	if a.Plane(0, 2) != 'B' || a.Plane(1, 2) != 0x4F || a.Plane(0, 3) != 0 {
		t.Errorf("odd/even cell 1: plane 0 %02X, plane 1 %02X", a.Plane(0, 2), a.Plane(1, 2))
	}
	if a.Read8(0xB8003) != 0x4F {
		t.Error("odd/even read back")
	}
	// The 32 KiB window at B8000h: A0000h is not decoded.
	if a.Read8(0xA0000) != 0xFF {
		t.Error("A0000h decoded in mode 3")
	}
}

// The ports: the misc output register chooses 3Bxh or 3Dxh; 3C3h and the
// RAM enable switch the adapter off.
func TestPortDecode(t *testing.T) {
	a := inMode(t, 0x03)
	if a.In8(0x3B5) != 0xFF || a.CRTCPort() != 0x3D4 {
		t.Error("3B5h decoded with the colour I/O address")
	}
	a.Out8(0x3C2, 0x66)
	a.Out8(0x3B4, 0x01)
	if a.In8(0x3B5) != 0x4F || a.In8(0x3D5) != 0xFF || a.CRTCPort() != 0x3B4 {
		t.Error("the monochrome I/O address does not move the CRTC to 3B4h")
	}
	a.Out8(0x3C2, 0x65) // RAM enable off
	if a.Read8(0xB8000) != 0xFF {
		t.Error("memory answers with the RAM enable off")
	}
	a.Out8(0x3C2, 0x67)
	a.Out8(0x3C3, 0)
	if a.In8(0x3CC) != 0xFF || a.Read8(0xB8000) != 0xFF || a.In8(0x3C3) != 0 {
		t.Error("the adapter answers with the video subsystem disabled")
	}
	a.Out8(0x3C3, 1)
	if a.In8(0x3CC) != 0x67 {
		t.Error("3C3h does not switch it back on")
	}
	// CRTC protect: CR00-CR07 read-only but CR07 bit 4.
	crtc(a, 0x11, crtcGet(a, 0x11)|0x80)
	crtc(a, 0x01, 0x27)
	crtc(a, 0x07, crtcGet(a, 0x07)^0x11)
	if crtcGet(a, 0x01) != 0x4F || crtcGet(a, 0x07) != 0x1F^0x10 {
		t.Errorf("protect: CR01 %02X CR07 %02X", crtcGet(a, 0x01), crtcGet(a, 0x07))
	}
}

// The attribute controller's flip-flop and the DAC's index state.
func TestAttributeAndDAC(t *testing.T) {
	a := inMode(t, 0x03)
	a.In8(0x3DA)
	a.Out8(0x3C0, 0x31)
	a.In8(0x3DA) // back to index
	a.Out8(0x3C0, 0x32)
	if a.In8(0x3C0) != 0x32 || a.In8(0x3C1) != 0x0F {
		t.Errorf("flip-flop not reset by 3DAh: index %02X", a.In8(0x3C0))
	}
	a.Out8(0x3C0, 0x0F) // data
	a.Out8(0x3C0, 0x31) // index
	a.Out8(0x3C0, 0x05) // data
	if attrGet(a, 0x11) != 0x05 {
		t.Error("3C0h does not alternate index and data")
	}
	// PAS clear blanks the picture.
	a.In8(0x3DA)
	a.Out8(0x3C0, 0x00)
	if img := a.Render(nil, 0); img.RGBAAt(0, 0).R != 0 || img.Rect.Dx() != 720 {
		t.Error("the picture shows with the palette address source clear")
	}
	a.Out8(0x3C0, 0x00)
	a.Out8(0x3C0, 0x20)
	// DAC: an entry changes when its blue arrives; indexes advance.
	a.Out8(0x3C8, 0x10)
	a.Out8(0x3C9, 0x3F)
	a.Out8(0x3C9, 0x15)
	if r, _, _ := a.DAC(0x10); r == 0x3F {
		t.Error("DAC entry changed before its third value")
	}
	a.Out8(0x3C9, 0x2A)
	if a.In8(0x3C8) != 0x11 || a.In8(0x3C7)&3 != 0 {
		t.Error("write index or state after an entry")
	}
	a.Out8(0x3C7, 0x10)
	got := [3]uint8{a.In8(0x3C9), a.In8(0x3C9), a.In8(0x3C9)}
	if got != [3]uint8{0x3F, 0x15, 0x2A} || a.In8(0x3C7)&3 != 3 {
		t.Errorf("DAC read back %v", got)
	}
	// The PEL mask applies to every colour index.
	a.Write8(0xB8000, 0xDB) // full block in colour 7 (palette 07h -> DAC 07h)
	a.Out8(0x3C8, 0x03)
	for _, v := range []uint8{0x3F, 0, 0} {
		a.Out8(0x3C9, v)
	}
	a.Out8(0x3C6, 0x03)
	if c := a.Render(nil, 0).RGBAAt(2, 2); c.R != 0xFF || c.G != 0 {
		t.Errorf("PEL mask 03h: colour 7 shows %v, want DAC 03h red", c)
	}
}

// rect reports whether every pixel of r in img has colour c.
func rect(img *image.RGBA, r image.Rectangle, c [3]uint8) bool {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p := img.RGBAAt(x, y)
			if [3]uint8{p.R, p.G, p.B} != c {
				return false
			}
		}
	}
	return true
}

var (
	black = [3]uint8{0, 0, 0}
	grey  = [3]uint8{0xAA, 0xAA, 0xAA}
	white = [3]uint8{0xFF, 0xFF, 0xFF}
	blue  = [3]uint8{0, 0, 0xAA}
)

// Text: 9-dot cells with the line-graphics ninth dot, underline, cursor
// with skew and blink, blinking characters, 512 characters, panning.
func TestTextRendering(t *testing.T) {
	a := inMode(t, 0x03)
	put := func(col int, ch, at uint8) {
		a.Write8(0xB8000+uint32(2*col), ch)
		a.Write8(0xB8001+uint32(2*col), at)
	}
	put(0, 0xC4, 0x07) // ─: line graphics, the ninth dot repeats the eighth
	put(1, 0xDB, 0x07) // █ is C0h-DFh too
	put(2, 0xB2, 0x07) // ▓ is not: the ninth dot is background
	put(3, 'A', 0x01)  // blue on black: underlined where the underline line is
	put(4, 'B', 0x87)  // blinking
	img := a.Render(nil, 0)
	if img.Rect.Dx() != 720 || img.Rect.Dy() != 400 {
		t.Fatalf("mode 3 picture %v", img.Rect)
	}
	if !rect(img, image.Rect(9+8, 0, 9+9, 16), grey) {
		t.Error("█: the ninth column is not the character's")
	}
	if !rect(img, image.Rect(18+8, 0, 18+9, 16), black) {
		t.Error("▓: the ninth column is not background")
	}
	crtc(a, 0x14, 0x0F) // underline on line 15
	if img = a.Render(nil, 0); !rect(img, image.Rect(27, 15, 36, 16), blue) {
		t.Error("attribute 01h not underlined on CR14h's line")
	}
	crtc(a, 0x14, 0x1F)
	// Blink: frame 0 shows the character, frame 16 hides it.
	on, off := a.Render(nil, 0), a.Render(nil, 16)
	if rect(on, image.Rect(36, 0, 44, 16), black) || !rect(off, image.Rect(36, 0, 44, 16), black) {
		t.Error("attribute 87h does not blink with a 32-frame period")
	}
	// Cursor: on at frame 0, off at frame 8; at cell 5 lines 13-14; skew 1.
	crtc(a, 0x0E, 0)
	crtc(a, 0x0F, 5)
	on, off = a.Render(nil, 0), a.Render(nil, 8)
	if !rect(on, image.Rect(45, 13, 54, 15), grey) || !rect(off, image.Rect(45, 13, 54, 15), black) {
		t.Error("cursor at cell 5, lines 13-14, blinking every 8 frames")
	}
	crtc(a, 0x0B, 0x0E|0x20) // skew 1: one character later
	if !rect(a.Render(nil, 0), image.Rect(54, 13, 63, 15), grey) {
		t.Error("cursor skew 1")
	}
	// 512 characters: map A (attribute bit 3) from map 1.
	for y := 0; y < 16; y++ {
		seq(a, 2, 4)
		seq(a, 4, 7)
		gc(a, 4, 2)
		gc(a, 5, 0)
		gc(a, 6, 4)
		a.Write8(0xA0000+uint32(video.FontMapOffset(1)+'A'*32+y), 0xFF)
		seq(a, 2, 3)
		seq(a, 4, 2)
		gc(a, 4, 0)
		gc(a, 5, 0x10)
		gc(a, 6, 0x0E)
	}
	put(6, 'A', 0x0F)
	put(7, 'A', 0x07)
	seq(a, 3, 0x04) // map A = 1, map B = 0
	img = a.Render(nil, 0)
	if !rect(img, image.Rect(54, 0, 62, 16), white) || rect(img, image.Rect(63, 0, 71, 16), grey) {
		t.Error("attribute bit 3 does not pick map A")
	}
	// Panning in 9-dot text: 8 is none, 0 shifts by one dot.
	attr(a, 0x13, 0)
	if got := a.Render(nil, 0); !rect(got, image.Rect(9+7, 0, 9+8, 16), grey) || !rect(got, image.Rect(8, 0, 9, 16), grey) {
		t.Error("AR13h = 0 in 9-dot text does not shift by one dot")
	}
	// 8-dot cells: 640 wide.
	seq(a, 1, 0x01)
	if w, _ := a.Size(); w != 640 {
		t.Errorf("8-dot text is %d wide", w)
	}
}

// A character height of any size: CR09h and the vertical display end make
// 12-line cells in 33 rows.
func TestTextCellHeight(t *testing.T) {
	a := inMode(t, 0x03)
	crtc(a, 0x09, crtcGet(a, 0x09)&0xE0|11)
	crtc(a, 0x12, 0x8B) // 396 lines: 0x18B, bit 8 in CR07 bit 1
	g := a.Geometry()
	if g.Rows != 33 || g.CharHeight != 12 || g.Cols != 80 || g.Height != 396 {
		t.Errorf("12-line cells: %+v", g)
	}
	a.Write8(0xB8000+80*2*32, 'Z')
	if a.Text().At(32, 0).Code != 'Z' {
		t.Error("row 32 not read from 32*80 cells on")
	}
}

// Graphics layouts that programs set up by hand: 320x400 and 360x480
// unchained 256-colour, 640x480 16-colour with the line compare and byte
// panning, CGA interleave.
func TestGraphicsLayouts(t *testing.T) {
	// 320x400: mode 13h unchained, without doubling the lines.
	a := inMode(t, 0x13)
	seq(a, 4, 0x06)
	crtc(a, 0x14, 0)
	crtc(a, 0x17, 0xE3)
	crtc(a, 0x09, 0x40)
	if w, h := a.Size(); w != 320 || h != 400 {
		t.Errorf("320x400 tweak: %dx%d", w, h)
	}
	seq(a, 2, 1<<2)         // plane 2: pixels 2, 6, 10...
	a.Write8(0xA0000+80, 4) // line 1, pixel 2
	if c := a.Render(nil, 0).RGBAAt(2, 1); c.R != 0xAA || c.G != 0 {
		t.Errorf("320x400 pixel (2,1) = %v, want colour 4", c)
	}
	// 360x480: the 28 MHz clock, 90 characters, 480 lines.
	a.Out8(0x3C2, 0xE7)
	crtc(a, 0x11, crtcGet(a, 0x11)&0x7F)
	for i, v := range []uint8{0x6B, 0x59, 0x5A, 0x8E, 0x5E, 0x8A, 0x0D, 0x3E, 0x00, 0x40} {
		crtc(a, uint8(i), v)
	}
	for i, v := range map[uint8]uint8{0x10: 0xEA, 0x11: 0xAC, 0x12: 0xDF, 0x13: 0x2D, 0x15: 0xE7, 0x16: 0x06} {
		crtc(a, i, v)
	}
	if w, h := a.Size(); w != 360 || h != 480 {
		t.Errorf("360x480 tweak: %dx%d", w, h)
	}
	// Mode 12h: line compare at 239 splits the 480 lines; below, memory
	// from offset 0 again.
	a = inMode(t, 0x12)
	for y := 0; y < 480; y++ {
		gc(a, 5, 2)
		a.Write8(0xA0000+uint32(y*80), uint8(y%15+1))
	}
	crtc(a, 0x0C, (80*10)>>8) // start 10 lines on
	crtc(a, 0x0D, (80*10)&0xFF)
	crtc(a, 0x18, 239)
	crtc(a, 0x07, crtcGet(a, 0x07)&^0x10)
	crtc(a, 0x09, crtcGet(a, 0x09)&^0x40)
	img := a.Render(nil, 0)
	if got, want := img.RGBAAt(0, 240), renderLine(t, 0); got != want {
		t.Errorf("line 240 (after the split) shows %v, want memory line 0's %v", got, want)
	}
	if got, want := img.RGBAAt(0, 0), renderLine(t, 10); got != want {
		t.Errorf("line 0 shows %v, want memory line 10's %v", got, want)
	}
	if got, want := img.RGBAAt(0, 239), renderLine(t, 249); got != want {
		t.Errorf("line 239 (the compare line) shows %v, want memory line 249's %v", got, want)
	}
	// CGA: mode 4's odd lines come from the bank at 2000h.
	a = inMode(t, 0x04)
	a.Write8(0xB8000, 0xC0) // line 0: pixel 0 colour 3
	a.Write8(0xBA000, 0x40) // line 1: pixel 0 colour 1
	a.Write8(0xB8050, 0x80) // line 2: pixel 0 colour 2
	img = a.Render(nil, 0)
	if img.RGBAAt(0, 0) == img.RGBAAt(0, 1) || img.RGBAAt(0, 1) == img.RGBAAt(0, 2) || img.Rect.Dy() != 200 {
		t.Errorf("CGA banks: %v %v %v in %v", img.RGBAAt(0, 0), img.RGBAAt(0, 1), img.RGBAAt(0, 2), img.Rect)
	}
}

// renderLine is the colour of pixel 0 of memory line y of the mode 12h
// picture TestGraphicsLayouts draws (colour y%15+1 at the first pixel).
func renderLine(t *testing.T, y int) color.RGBA {
	a := inMode(t, 0x12)
	gc(a, 5, 2)
	a.Write8(0xA0000, uint8(y%15+1))
	return a.Render(nil, 0).RGBAAt(0, 0)
}
