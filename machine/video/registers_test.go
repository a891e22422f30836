package video

import "testing"

type fakeClock struct{ t int64 }

func (c *fakeClock) Now() int64 { return c.t }

func TestCRTCCursorRegisters(t *testing.T) {
	a := New(nil)
	// Cursor location through the index/data pair, as software does.
	a.Out8(0x3D4, 0x0E)
	a.Out8(0x3D5, 0x01)
	a.Out8(0x3D4, 0x0F)
	a.Out8(0x3D5, 0x42) // 0142h = 322 = row 4, column 2
	if got := a.CursorAddress(); got != 0x0142 {
		t.Fatalf("CursorAddress = %04X, want 0142", got)
	}
	if r, c, ok := a.CursorPos(); r != 4 || c != 2 || !ok {
		t.Fatalf("CursorPos = %d,%d,%v, want 4,2,true", r, c, ok)
	}
	a.Out8(0x3D4, 0x0E)
	if got := a.In8(0x3D5); got != 0x01 {
		t.Fatalf("reading CR0E = %02X, want 01", got)
	}
	// Cursor shape.
	a.Out8(0x3D4, 0x0A)
	a.Out8(0x3D5, 0x06)
	a.Out8(0x3D4, 0x0B)
	a.Out8(0x3D5, 0x07)
	if s, e := a.CursorShape(); s != 0x06 || e != 0x07 {
		t.Fatalf("CursorShape = %02X,%02X, want 06,07", s, e)
	}
	// The start address moves the page: the cursor is relative to it.
	a.SetStartAddress(0x0050) // one row down
	if r, c, ok := a.CursorPos(); r != 3 || c != 2 || !ok {
		t.Fatalf("after start address 50h CursorPos = %d,%d,%v, want 3,2,true", r, c, ok)
	}
	if a.PageStart() != 0xA0 {
		t.Fatalf("PageStart = %X, want A0", a.PageStart())
	}
	// In colour mode the monochrome CRTC ports are not decoded.
	a.Out8(0x3B4, 0x0F)
	a.Out8(0x3B5, 0x99)
	if a.CursorAddress() != 0x0142 {
		t.Fatal("a write to 3B5h reached the CRTC in colour mode")
	}
	if a.In8(0x3B5) != 0xFF {
		t.Fatal("3B5h is decoded in colour mode")
	}
	if a.CRTCPort() != 0x3D4 {
		t.Fatalf("CRTCPort = %X", a.CRTCPort())
	}
}

func TestCRTCProtectBit(t *testing.T) {
	a := New(nil)
	a.Out8(0x3D4, 0x11)
	a.Out8(0x3D5, a.In8(0x3D5)|0x80)
	a.Out8(0x3D4, 0x01)
	a.Out8(0x3D5, 0x10)
	if a.In8(0x3D5) != 0x4F {
		t.Fatal("CR01 written although CR11 bit 7 protects it")
	}
	a.Out8(0x3D4, 0x11)
	a.Out8(0x3D5, a.In8(0x3D5)&^0x80)
	a.Out8(0x3D4, 0x01)
	a.Out8(0x3D5, 0x27)
	if a.Columns() != 40 {
		t.Fatalf("after CR01=27h Columns = %d, want 40", a.Columns())
	}
}

func TestMonoModeUsesBxPorts(t *testing.T) {
	a := New(nil)
	if err := a.SetMode(7); err != nil {
		t.Fatal(err)
	}
	if a.CRTCPort() != 0x3B4 {
		t.Fatalf("mode 7 CRTCPort = %X, want 3B4", a.CRTCPort())
	}
	a.Out8(0x3B4, 0x0F)
	a.Out8(0x3B5, 0x05)
	if a.CursorAddress() != 5 {
		t.Fatalf("cursor via 3B5h = %d, want 5", a.CursorAddress())
	}
	if a.In8(0x3D5) != 0xFF || a.In8(0x3DA) != 0xFF {
		t.Fatal("colour ports decoded in mode 7")
	}
	// 3BAh toggles like 3DAh.
	seen := map[uint8]bool{}
	for i := 0; i < 20000; i++ {
		seen[a.In8(0x3BA)&0x09] = true
	}
	if !seen[0x00] || !seen[0x01] || !seen[0x09] {
		t.Fatalf("3BAh states seen %v", seen)
	}
}

func TestDACWriteReadSequence(t *testing.T) {
	a := New(nil)
	a.Out8(0x3C8, 0x10)
	for _, v := range []uint8{0x3F, 0x20, 0x01, 0xFF, 0x00, 0x15} { // entries 10h and 11h
		a.Out8(0x3C9, v)
	}
	if a.In8(0x3C8) != 0x12 {
		t.Fatalf("write index after two entries = %02X, want 12", a.In8(0x3C8))
	}
	if r, g, b := a.DAC(0x10); r != 0x3F || g != 0x20 || b != 0x01 {
		t.Fatalf("DAC[10h] = %02X %02X %02X", r, g, b)
	}
	if r, g, b := a.DAC(0x11); r != 0x3F || g != 0 || b != 0x15 {
		t.Fatalf("DAC[11h] = %02X %02X %02X, values must keep 6 bits", r, g, b)
	}
	if a.In8(0x3C7) != 0 {
		t.Fatal("DAC state after a write index is not 0")
	}
	a.Out8(0x3C7, 0x10)
	if a.In8(0x3C7) != 3 {
		t.Fatal("DAC state after a read index is not 3")
	}
	var got []uint8
	for i := 0; i < 6; i++ {
		got = append(got, a.In8(0x3C9))
	}
	want := []uint8{0x3F, 0x20, 0x01, 0x3F, 0x00, 0x15}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("reading back = % X, want % X", got, want)
		}
	}
	// A partly written entry does not change the DAC.
	a.Out8(0x3C8, 0x20)
	before := a.dac[0x20]
	a.Out8(0x3C9, 0x3F)
	a.Out8(0x3C9, 0x3F)
	if a.dac[0x20] != before {
		t.Fatal("DAC entry changed before its third component")
	}
	a.Out8(0x3C9, 0x3F)
	if r, g, b := a.DAC(0x20); r != 0x3F || g != 0x3F || b != 0x3F {
		t.Fatal("DAC entry not set after the third component")
	}
	// The index wraps from FFh to 00h.
	a.Out8(0x3C8, 0xFF)
	for i := 0; i < 6; i++ {
		a.Out8(0x3C9, 0x2A)
	}
	if r, _, _ := a.DAC(0); r != 0x2A || a.In8(0x3C8) != 1 {
		t.Fatal("DAC write index does not wrap from FFh to 00h")
	}
}

func TestPELMaskAppliesToColours(t *testing.T) {
	a := New(nil)
	a.SetMode(0x13)
	a.Write8(0xA0000, 0x1F) // white grey step
	a.Out8(0x3C6, 0x0F)     // index becomes 0Fh: bright white too, choose a visible change
	a.SetDAC(0x0F, 0, 0, 0x3F)
	img := a.Render(nil, 0)
	if img.Pix[0] != 0 || img.Pix[2] != 0xFF {
		t.Fatalf("pixel 1Fh with PEL mask 0Fh = % X, want DAC entry 0Fh (blue)", img.Pix[:4])
	}
}

func TestInputStatusToggles(t *testing.T) {
	// Without a clock each read advances the beam by a microsecond.
	a := New(nil)
	counts := map[uint8]int{}
	for i := 0; i < 30000; i++ {
		counts[a.In8(0x3DA)&0x09]++
	}
	if counts[0x00] == 0 || counts[0x01] == 0 || counts[0x09] == 0 {
		t.Fatalf("status values seen %v: display, blanking and retrace must all occur", counts)
	}
	if counts[0x08] != 0 {
		t.Fatal("vertical retrace outside blanking")
	}
	// The classic wait-for-retrace loops terminate.
	for n := 0; a.In8(0x3DA)&8 != 0; n++ {
		if n > 100000 {
			t.Fatal("retrace never ends")
		}
	}
	for n := 0; a.In8(0x3DA)&8 == 0; n++ {
		if n > 100000 {
			t.Fatal("retrace never starts")
		}
	}
}

func TestInputStatusFollowsClock(t *testing.T) {
	c := &fakeClock{}
	a := New(c)
	line := a.lineNs()
	frame := a.frameNs()
	if frame < 14_000_000 || frame > 14_500_000 {
		t.Fatalf("frame time %d ns, want about 14.3 ms (70 Hz)", frame)
	}
	c.t = 100*line + 10 // early in a displayed line
	if v := a.In8(0x3DA); v&0x09 != 0 {
		t.Fatalf("status in the active display = %02X", v)
	}
	c.t = 100*line + line - 100 // horizontal blanking
	if v := a.In8(0x3DA); v&0x09 != 0x01 {
		t.Fatalf("status in horizontal blanking = %02X", v)
	}
	c.t = 412*line + 10 // vertical retrace starts at line 412 (CR10 + overflow)
	if v := a.In8(0x3DA); v&0x09 != 0x09 {
		t.Fatalf("status in vertical retrace = %02X", v)
	}
	c.t = 420*line + 10 // after retrace, still blanked
	if v := a.In8(0x3DA); v&0x09 != 0x01 {
		t.Fatalf("status in vertical blanking = %02X", v)
	}
	c.t = 3*frame + 5*line
	if a.Frame() != 3 {
		t.Fatalf("Frame = %d, want 3", a.Frame())
	}
	// A clock that stands still does not freeze polling loops.
	c.t = 10
	seen := map[uint8]bool{}
	for i := 0; i < 20000; i++ {
		seen[a.In8(0x3DA)&0x08] = true
	}
	if !seen[0] || !seen[8] {
		t.Fatal("retrace bit does not move with a stopped clock")
	}
}

func TestAttributeFlipFlop(t *testing.T) {
	a := New(nil)
	a.In8(0x3DA) // reset: next write is an index
	a.Out8(0x3C0, 0x01)
	a.Out8(0x3C0, 0x2A) // palette register 1 = 2Ah
	if a.AttrReg(1) != 0x2A {
		t.Fatalf("AR01 = %02X, want 2A", a.AttrReg(1))
	}
	a.Out8(0x3C0, 0x02) // index 2, PAS = 0: picture blanked
	if a.In8(0x3C0) != 0x02 {
		t.Fatalf("3C0h reads %02X, want the index 02", a.In8(0x3C0))
	}
	if a.displayEnabled() {
		t.Fatal("display enabled with palette address source 0")
	}
	// Reading 3DAh between index and data puts the flip-flop back.
	a.In8(0x3DA)
	a.Out8(0x3C0, 0x03)
	a.Out8(0x3C0, 0x15)
	if a.AttrReg(2) == 0x03 || a.AttrReg(3) != 0x15 {
		t.Fatalf("after a 3DAh read AR02=%02X AR03=%02X, want 3DAh to reset the flip-flop", a.AttrReg(2), a.AttrReg(3))
	}
	a.Out8(0x3C0, 0x31) // index 11h with PAS=1
	if a.In8(0x3C1) != a.attr[0x11] {
		t.Fatal("3C1h does not read the indexed register")
	}
	a.Out8(0x3C0, 0x05) // data write to AR11 (overscan)
	if a.attr[0x11] != 0x05 || !a.displayEnabled() {
		t.Fatal("AR11 write or PAS=1 lost")
	}
	// Blanked picture renders black.
	a.In8(0x3DA)
	a.Out8(0x3C0, 0x00)
	a.Write8(0xB8001, 0x70) // grey background on the first cell
	img := a.Render(nil, 0)
	if img.Pix[0] != 0 || img.Pix[3] != 0xFF {
		t.Fatal("picture not blanked with PAS=0")
	}
	a.Out8(0x3C0, 0x00) // data (AR00 = 0)
	a.Out8(0x3C0, 0x20) // PAS back on
	img = a.Render(img, 0)
	if img.Pix[0] == 0 {
		t.Fatal("picture still blank with PAS=1")
	}
}

func TestSequencerAndGraphicsControllerRegisters(t *testing.T) {
	a := New(nil)
	a.Out8(0x3C4, 0x02)
	a.Out8(0x3C5, 0x0F)
	if a.In8(0x3C4) != 2 || a.In8(0x3C5) != 0x0F {
		t.Fatal("sequencer register readback")
	}
	a.Out8(0x3CE, 0x08)
	a.Out8(0x3CF, 0x5A)
	if a.In8(0x3CE) != 8 || a.In8(0x3CF) != 0x5A {
		t.Fatal("graphics controller register readback")
	}
	if a.In8(0x3CC) != 0x67 {
		t.Fatalf("misc output reads %02X, want 67 after mode 3", a.In8(0x3CC))
	}
	// Screen off (SR01 bit 5) blanks the picture.
	a.Write8(0xB8001, 0x70)
	a.Out8(0x3C4, 0x01)
	a.Out8(0x3C5, a.In8(0x3C5)|0x20)
	if img := a.Render(nil, 0); img.Pix[0] != 0 {
		t.Fatal("SR01 screen-off does not blank")
	}
	// The memory map select decides what the CPU sees.
	a.Out8(0x3C5, a.In8(0x3C5)&^0x20)
	a.Write8(0xA0000, 0x55)
	if a.Read8(0xA0000) != 0xFF || a.VRAM()[0] != 0 {
		t.Fatal("A0000h decoded while the map select is B8000h-BFFFFh")
	}
	a.Out8(0x3CE, 0x06)
	a.Out8(0x3CF, 0x02) // 00b: A0000h-BFFFFh
	a.Write8(0xA0000, 0x55)
	if a.Read8(0xA0000) != 0x55 {
		t.Fatal("A0000h not decoded with the 128K map")
	}
}

func TestCGAColorSelect(t *testing.T) {
	a := New(nil)
	a.SetMode(4)
	pal := func() [4]uint8 {
		var p [4]uint8
		for i := range p {
			p[i] = a.dacIndex(uint8(i))
		}
		return p
	}
	// Default: palette 1, bright: black, light cyan, light magenta, white.
	rgb := func(i uint8) [3]uint8 { r, g, b := a.DAC(i); return [3]uint8{r, g, b} }
	p := pal()
	if rgb(p[1]) != [3]uint8{0x15, 0x3F, 0x3F} || rgb(p[2]) != [3]uint8{0x3F, 0x15, 0x3F} || rgb(p[3]) != [3]uint8{0x3F, 0x3F, 0x3F} {
		t.Fatalf("mode 4 default palette %v %v %v", rgb(p[1]), rgb(p[2]), rgb(p[3]))
	}
	a.Out8(0x3D9, 0x01) // palette 0, normal intensity, blue background
	p = pal()
	if rgb(p[0]) != [3]uint8{0, 0, 0x2A} || rgb(p[1]) != [3]uint8{0, 0x2A, 0} || rgb(p[2]) != [3]uint8{0x2A, 0, 0} || rgb(p[3]) != [3]uint8{0x2A, 0x15, 0} {
		t.Fatalf("palette 0: %v %v %v %v", rgb(p[0]), rgb(p[1]), rgb(p[2]), rgb(p[3]))
	}
	// Mode 5 (colour burst off): cyan, red, white.
	a.SetMode(5)
	p = pal()
	if rgb(p[1]) != [3]uint8{0x15, 0x3F, 0x3F} || rgb(p[2]) != [3]uint8{0x3F, 0x15, 0x15} {
		t.Fatalf("mode 5 palette %v %v", rgb(p[1]), rgb(p[2]))
	}
	// Mode 6: 3D9h bits 3-0 are the foreground.
	a.SetMode(6)
	a.Out8(0x3D9, 0x0E)
	if rgb(a.dacIndex(1)) != [3]uint8{0x3F, 0x3F, 0x15} {
		t.Fatalf("mode 6 foreground %v, want yellow", rgb(a.dacIndex(1)))
	}
	// 3D8h bit 3 off blanks; bit 5 selects blink.
	a.SetMode(3)
	a.Out8(0x3D8, 0x09) // 80x25, enabled, blink off
	if a.attr[arModeControl]&amBlink != 0 {
		t.Fatal("3D8h bit 5 clear leaves blink on")
	}
	a.Out8(0x3D8, 0x21)
	if a.displayEnabled() {
		t.Fatal("3D8h bit 3 clear leaves the video on")
	}
}
