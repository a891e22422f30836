package bios

import (
	"bytes"
	"fmt"
	"testing"

	"pcemu/cpu"
	"pcemu/machine/video"
)

// The video BIOS is tested on the real adapter (machine/video) behind the
// harness's port bus and memory: each INT 10h function is called as a
// program calls it, its results and the adapter's registers and picture
// are checked, and after every call the BIOS data area must agree with
// what the adapter shows (checkBDA).

// regs are the registers of an INT 10h call.
type regs10 struct{ ax, bx, cx, dx, bp, di, es uint16 }

// int10 calls INT 10h and returns the registers it left; the BDA is
// checked against the adapter afterwards.
func (pc *testPC) int10(r regs10) regs10 {
	pc.t.Helper()
	pc.call(0x10, func(c *cpu.CPU) {
		c.Regs[cpu.AX], c.Regs[cpu.BX], c.Regs[cpu.CX], c.Regs[cpu.DX] = r.ax, r.bx, r.cx, r.dx
		c.Regs[cpu.BP], c.Regs[cpu.DI], c.Segs[cpu.ES] = r.bp, r.di, r.es
	})
	c := pc.cpu
	out := regs10{c.Regs[cpu.AX], c.Regs[cpu.BX], c.Regs[cpu.CX], c.Regs[cpu.DX], c.Regs[cpu.BP], c.Regs[cpu.DI], c.Segs[cpu.ES]}
	pc.checkBDA(fmt.Sprintf("after INT 10h AX=%04X", r.ax))
	return out
}

func (pc *testPC) tty(s string) {
	pc.t.Helper()
	pc.ttyColour(s, 0)
}

// ttyColour is AH=0Eh with BL = colour (graphics modes).
func (pc *testPC) ttyColour(s string, colour uint8) {
	pc.t.Helper()
	for i := 0; i < len(s); i++ {
		pc.int10(regs10{ax: 0x0E00 | uint16(s[i]), bx: uint16(colour)})
	}
}

func (pc *testPC) bda8(off int) uint8 { return pc.ram[0x400+off] }
func (pc *testPC) vector(n int) (seg, off uint16) {
	return uint16(pc.ram[4*n+2]) | uint16(pc.ram[4*n+3])<<8, uint16(pc.ram[4*n]) | uint16(pc.ram[4*n+1])<<8
}
func (pc *testPC) bda16(off int) uint16 {
	return uint16(pc.ram[0x400+off]) | uint16(pc.ram[0x401+off])<<8
}

// Register access on the adapter, as a program does it.
func (pc *testPC) crtcReg(i uint8) uint8 {
	p := pc.vga.CRTCPort()
	pc.vga.Out8(p, i)
	return pc.vga.In8(p + 1)
}

func (pc *testPC) attrReg(i uint8) uint8 {
	pc.vga.In8(pc.vga.CRTCPort() + 6)
	pc.vga.Out8(0x3C0, i|0x20)
	v := pc.vga.In8(0x3C1)
	pc.vga.In8(pc.vga.CRTCPort() + 6)
	return v
}

func (pc *testPC) seqReg(i uint8) uint8 { pc.vga.Out8(0x3C4, i); return pc.vga.In8(0x3C5) }
func (pc *testPC) gcReg(i uint8) uint8  { pc.vga.Out8(0x3CE, i); return pc.vga.In8(0x3CF) }

func (pc *testPC) dacEntry(i uint8) [3]uint8 {
	r, g, b := pc.vga.DAC(i)
	return [3]uint8{r, g, b}
}

// checkBDA compares the BIOS data area's video fields with the adapter:
// the mode's shape, columns, rows, character height, page size, page
// start, the active page's cursor, the cursor shape, the CRTC port, the
// blink bit and the monochrome flags.
func (pc *testPC) checkBDA(when string) {
	t := pc.t
	t.Helper()
	if pc.vga.In8(0x3C3)&1 == 0 {
		return // the video subsystem is off (AH=12h BL=32h/35h): nothing answers
	}
	m := pc.bda8(0x49) & 0x7F
	vm, ok := videoModes[m]
	if !ok {
		t.Errorf("%s: BDA mode %02Xh is not a standard mode", when, m)
		return
	}
	g := pc.vga.Geometry()
	fail := func(format string, a ...any) { t.Errorf("%s (mode %02Xh): "+format, append([]any{when, m}, a...)...) }
	if g.Text != (vm.model == mmText) {
		fail("the adapter shows text=%v", g.Text)
		return
	}
	cols, rows, charH := int(pc.bda16(0x4A)), int(pc.bda8(0x84))+1, int(pc.bda16(0x85))
	if cols != g.Cols {
		fail("BDA columns %d, adapter %d", cols, g.Cols)
	}
	if g.Text {
		if rows != g.Rows || charH != g.CharHeight {
			fail("BDA rows %d of %d lines, adapter %d of %d", rows, charH, g.Rows, g.CharHeight)
		}
	} else if g.Width != vm.width || g.Height != vm.height {
		fail("the adapter shows %dx%d, the mode is %dx%d", g.Width, g.Height, vm.width, vm.height)
	}
	pageSize, pageStart, page := int(pc.bda16(0x4C)), int(pc.bda16(0x4E)), int(pc.bda8(0x62))
	minSize := vm.width * vm.height * vm.bpp / 8
	if vm.model == mmPlanar {
		minSize = vm.width * vm.height / 8
	}
	if g.Text {
		minSize = cols * rows * 2
	}
	if pageSize < minSize {
		fail("BDA page size %04Xh smaller than a screen (%04Xh)", pageSize, minSize)
	}
	if pageSize > 0 && (page*pageSize != pageStart || page >= vm.pagesOf(uint32(pageSize))) {
		fail("BDA page %d of %04Xh bytes starts at %04Xh", page, pageSize, pageStart)
	}
	start := int(pc.crtcReg(0x0C))<<8 | int(pc.crtcReg(0x0D))
	if start<<vm.addressShift() != pageStart {
		fail("CRTC start address %04Xh, BDA page start %04Xh", start, pageStart)
	}
	if got := pc.vga.CRTCPort(); uint16(got) != pc.bda16(0x63) {
		fail("BDA CRTC port %03Xh, adapter %03Xh", pc.bda16(0x63), got)
	}
	mono := pc.vga.CRTCPort() == 0x3B4
	if (pc.bda8(0x87)&vcMono != 0) != mono {
		fail("BDA 0487h monochrome bit %v, CRTC at %03Xh", pc.bda8(0x87)&vcMono != 0, pc.vga.CRTCPort())
	}
	if !g.Text {
		return
	}
	s := pc.vga.Text()
	w := pc.bda16(0x50 + 2*page)
	if row, col := int(w>>8), int(w&0xFF); row < rows && col < cols && (s.CursorRow != row || s.CursorCol != col) {
		fail("BDA cursor %d,%d on page %d, adapter %d,%d", row, col, page, s.CursorRow, s.CursorCol)
	}
	shape := pc.bda16(0x60)
	cs, ce := emulateCursor(uint8(shape>>8), uint8(shape), charH, pc.bda8(0x87)&vcNoCursorEmulation == 0)
	if got := [2]uint8{pc.crtcReg(0x0A) & 0x3F, pc.crtcReg(0x0B) & 0x1F}; got != [2]uint8{cs, ce} {
		fail("BDA cursor shape %04Xh gives CR0A/CR0B %02X/%02X, adapter %02X/%02X", shape, cs, ce, got[0], got[1])
	}
	if blink := pc.attrReg(0x10)&0x08 != 0; blink != (pc.bda8(0x65)&0x20 != 0) {
		fail("BDA 0465h blink bit %v, AR10h %v", pc.bda8(0x65)&0x20 != 0, blink)
	}
}

// videoPC is a PC after POST with the project's ROM fonts.
func videoPC(t *testing.T) *testPC {
	t.Helper()
	pc := newTestPC(t, testConfig{cfg: Config{Font8x8: video.Font8x8(), Font8x14: video.Font8x14(), Font8x16: video.Font8x16()}})
	pc.ready()
	pc.int10(regs10{ax: 0x0003})
	return pc
}

// Every standard mode: the registers the table gives, the BDA, the DAC
// colours, the ROM font in plane 2 (text modes) and cleared memory; bit 7
// keeps the memory.
func TestSetEveryMode(t *testing.T) {
	pc := videoPC(t)
	for _, m := range []uint8{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13} {
		vm := videoModes[m]
		e := &videoParamTable[vm.param[lines400]]
		r := pc.int10(regs10{ax: uint16(m)})
		if want := map[bool]uint16{true: 0x30, false: 0x20}[vm.model == mmText]; m == 6 && r.ax&0xFF != 0x3F || m != 6 && r.ax&0xFF != want {
			t.Errorf("mode %02Xh: AL=%02X on return", m, r.ax&0xFF)
		}
		if pc.bda8(0x49) != m {
			t.Errorf("mode %02Xh: BDA 0449h = %02X", m, pc.bda8(0x49))
		}
		for i, want := range e.crtc {
			if i == 0x0E || i == 0x0F { // the cursor: BDA checked
				continue
			}
			if got := pc.crtcReg(uint8(i)); got != want {
				t.Errorf("mode %02Xh: CR%02X = %02X, table %02X", m, i, got, want)
			}
		}
		for i, want := range e.seq {
			if got := pc.seqReg(uint8(1 + i)); got != want {
				t.Errorf("mode %02Xh: SR%02X = %02X, table %02X", m, 1+i, got, want)
			}
		}
		for i, want := range e.gc {
			if got := pc.gcReg(uint8(i)); got != want {
				t.Errorf("mode %02Xh: GR%02X = %02X, table %02X", m, i, got, want)
			}
		}
		for i, want := range e.attr {
			if got := pc.attrReg(uint8(i)); got != want {
				t.Errorf("mode %02Xh: AR%02X = %02X, table %02X", m, i, got, want)
			}
		}
		if got := pc.vga.In8(0x3CC); got != e.misc {
			t.Errorf("mode %02Xh: misc output %02X, table %02X", m, got, e.misc)
		}
		dac := dacColours(vm.dac, false)
		for _, i := range []int{1, 7, 0x14, 0x3F, 0xC8} {
			if got := pc.dacEntry(uint8(i)); !bytes.Equal(got[:], dac[3*i:3*i+3]) {
				t.Errorf("mode %02Xh: DAC %02X = %v, table %v", m, i, got, dac[3*i:3*i+3])
			}
		}
		if vm.model == mmText {
			h := int(e.charH)
			font := pc.bios.romFont(h)
			for y := 0; y < h; y++ {
				if got := pc.vga.Plane(2, 'A'*32+y); got != font['A'*h+y] {
					t.Fatalf("mode %02Xh: plane 2 'A' line %d = %02X, ROM font %02X", m, y, got, font['A'*h+y])
				}
			}
			if c := pc.vga.Text().At(5, 5); c.Code != ' ' || c.Attr != 0x07 {
				t.Errorf("mode %02Xh: memory not cleared: %+v", m, c)
			}
		}
		// Bit 7: the memory stays.
		pc.int10(regs10{ax: 0x0E41, bx: 0x0001})
		pc.int10(regs10{ax: 0x0080 | uint16(m)})
		if pc.bda8(0x87)&0x80 == 0 {
			t.Errorf("mode %02Xh|80h: BDA 0487h bit 7 clear", m)
		}
		if r := pc.int10(regs10{ax: 0x0F00}); r.ax&0xFF != uint16(m)|0x80 {
			t.Errorf("mode %02Xh|80h: AH=0Fh AL=%02X, want the mode with bit 7", m, r.ax&0xFF)
		}
		if vm.model == mmText {
			if c := pc.vga.Text().At(0, 0); c.Code != 'A' {
				t.Errorf("mode %02Xh|80h cleared the screen: %+v", m, c)
			}
		} else if !pc.vga.Text().Contains("A") {
			t.Errorf("mode %02Xh|80h cleared the screen:\n%s", m, pc.vga.Text())
		}
	}
	// Modes the VGA does not have change nothing.
	pc.int10(regs10{ax: 0x0003})
	pc.int10(regs10{ax: 0x0008})
	if pc.bda8(0x49) != 3 {
		t.Errorf("mode 08h accepted: BDA mode %02X", pc.bda8(0x49))
	}
}

// AH=12h BL=30h chooses 200, 350 or 400 scan lines for the next text mode
// set: 8x8, 8x14 or 9x16 cells, with the BDA and the picture to match.
func TestScanLines(t *testing.T) {
	pc := videoPC(t)
	for _, c := range []struct {
		al           uint16
		mode         uint8
		w, h, charH  int
		scanLineCode uint8
	}{
		{0, 0x03, 640, 200, 8, 0}, {1, 0x03, 640, 350, 14, 1}, {2, 0x03, 720, 400, 16, 2},
		{0, 0x01, 320, 200, 8, 0}, {1, 0x01, 320, 350, 14, 1}, {2, 0x01, 360, 400, 16, 2},
		{1, 0x07, 720, 350, 14, 1}, {2, 0x07, 720, 400, 16, 2},
	} {
		if r := pc.int10(regs10{ax: 0x1200 | c.al, bx: 0x30}); r.ax&0xFF != 0x12 {
			t.Errorf("AX=12%02Xh BL=30h returned AL=%02X", c.al, r.ax&0xFF)
		}
		pc.int10(regs10{ax: uint16(c.mode)})
		g := pc.vga.Geometry()
		if g.Width != c.w || g.Height != c.h || g.CharHeight != c.charH || g.Rows != 25 {
			t.Errorf("mode %02Xh at setting %d: %+v, want %dx%d in 25 rows of %d lines", c.mode, c.al, g, c.w, c.h, c.charH)
		}
	}
	pc.int10(regs10{ax: 0x1202, bx: 0x30})
	if r := pc.int10(regs10{ax: 0x1203, bx: 0x30}); r.ax&0xFF == 0x12 {
		t.Error("AX=1203h BL=30h (no such setting) reported success")
	}
}

// AH=01h-03h: the cursor shape with and without emulation, the cursor per
// page; AH=04h: no light pen.
func TestCursor(t *testing.T) {
	pc := videoPC(t)
	pc.int10(regs10{ax: 0x0100, cx: 0x0607})
	if a, b := pc.crtcReg(0x0A), pc.crtcReg(0x0B); a != 13 || b != 14 {
		t.Errorf("AH=01h CX=0607h: CR0A/CR0B %d/%d, want 13/14 (cursor emulation for 16 lines)", a, b)
	}
	pc.int10(regs10{ax: 0x0100, cx: 0x0007})
	if a, b := pc.crtcReg(0x0A), pc.crtcReg(0x0B); a != 0 || b != 15 {
		t.Errorf("AH=01h CX=0007h: CR0A/CR0B %d/%d, want the full cell 0/15", a, b)
	}
	pc.int10(regs10{ax: 0x1201, bx: 0x34}) // emulation off
	pc.int10(regs10{ax: 0x0100, cx: 0x0607})
	if a, b := pc.crtcReg(0x0A), pc.crtcReg(0x0B); a != 6 || b != 7 {
		t.Errorf("emulation off: CR0A/CR0B %d/%d, want 6/7 as given", a, b)
	}
	pc.int10(regs10{ax: 0x1200, bx: 0x34})
	pc.int10(regs10{ax: 0x0100, cx: 0x2000})
	if pc.crtcReg(0x0A)&0x20 == 0 || pc.vga.Text().CursorVisible {
		t.Error("AH=01h CH bit 5 did not switch the cursor off")
	}
	pc.int10(regs10{ax: 0x0100, cx: 0x0607})
	// AH=02h/03h per page; the CRTC follows the active page only.
	pc.int10(regs10{ax: 0x0200, bx: 0x0000, dx: 0x0C28})
	pc.int10(regs10{ax: 0x0200, bx: 0x0200, dx: 0x0305})
	if r := pc.int10(regs10{ax: 0x0300, bx: 0x0200}); r.dx != 0x0305 || r.cx != 0x0607 {
		t.Errorf("AH=03h page 2: DX=%04X CX=%04X", r.dx, r.cx)
	}
	if s := pc.vga.Text(); s.CursorRow != 12 || s.CursorCol != 40 {
		t.Errorf("the adapter's cursor at %d,%d, want page 0's 12,40", s.CursorRow, s.CursorCol)
	}
	if r := pc.int10(regs10{ax: 0x0400}); r.ax>>8 != 0 {
		t.Errorf("AH=04h light pen: AH=%02X, want 0 (not triggered)", r.ax>>8)
	}
}

// AH=05h: pages in text and in mode 0Dh; the start address shows them.
func TestSelectPage(t *testing.T) {
	pc := videoPC(t)
	pc.int10(regs10{ax: 0x0200, bx: 0x0300, dx: 0x0102})
	pc.int10(regs10{ax: 0x0503})
	if pc.bda16(0x4E) != 0x3000 || pc.vga.Text().CursorRow != 1 || pc.vga.Text().CursorCol != 2 {
		t.Errorf("page 3: BDA start %04X, cursor %+v", pc.bda16(0x4E), pc.vga.Text())
	}
	pc.int10(regs10{ax: 0x0508}) // no page 8 in 80x25
	if pc.bda8(0x62) != 3 {
		t.Error("AH=05h AL=8 changed the page")
	}
	pc.int10(regs10{ax: 0x000D})
	pc.int10(regs10{ax: 0x0507})
	if pc.bda16(0x4E) != 0xE000 {
		t.Errorf("mode 0Dh page 7 starts at %04X", pc.bda16(0x4E))
	}
	pc.int10(regs10{ax: 0x0C0E, bx: 0x0700, cx: 3, dx: 4})
	if r := pc.int10(regs10{ax: 0x0D00, bx: 0x0700, cx: 3, dx: 4}); r.ax&0xFF != 0x0E {
		t.Errorf("AH=0Dh on page 7: %02X", r.ax&0xFF)
	}
	if r := pc.int10(regs10{ax: 0x0D00, bx: 0x0000, cx: 3, dx: 4}); r.ax&0xFF != 0 {
		t.Errorf("page 0 got page 7's pixel")
	}
}

// AH=06h/07h/08h/09h/0Ah/0Eh/13h in text modes.
func TestTextServices(t *testing.T) {
	pc := videoPC(t)
	for row := 0; row < 25; row++ {
		pc.int10(regs10{ax: 0x0200, dx: uint16(row) << 8})
		pc.int10(regs10{ax: 0x0900 | uint16('A'+row), bx: uint16(row), cx: 80})
	}
	// AH=06h: rows 2-10, columns 5-20 up by 3, attribute 1Eh.
	pc.int10(regs10{ax: 0x0603, bx: 0x1E00, cx: 0x0205, dx: 0x0A14})
	s := pc.vga.Text()
	for _, c := range []struct {
		row, col int
		code     byte
		attr     uint8
	}{
		{2, 5, 'F', 5}, {7, 20, 'K', 10}, {8, 5, ' ', 0x1E}, {10, 20, ' ', 0x1E}, {2, 4, 'C', 2}, {11, 5, 'L', 11},
	} {
		if got := s.At(c.row, c.col); got.Code != c.code || got.Attr != c.attr {
			t.Errorf("after AH=06h: cell %d,%d = %q/%02X, want %q/%02X", c.row, c.col, got.Code, got.Attr, c.code, c.attr)
		}
	}
	// AH=07h: down by 2; AL=0 clears the window.
	pc.int10(regs10{ax: 0x0702, bx: 0x2F00, cx: 0x0F00, dx: 0x1304})
	if c := pc.vga.Text().At(17, 0); c.Code != 'P' {
		t.Errorf("after AH=07h row 17 has %q, want row 15's 'P'", c.Code)
	}
	pc.int10(regs10{ax: 0x0600, bx: 0x4F00, cx: 0x1400, dx: 0x184F})
	if c := pc.vga.Text().At(24, 79); c.Code != ' ' || c.Attr != 0x4F {
		t.Errorf("AL=0 clear: %+v", c)
	}
	// AH=09h writes a count without moving the cursor; AH=0Ah keeps the
	// attribute; AH=08h reads back.
	pc.int10(regs10{ax: 0x0200, dx: 0x0100})
	pc.int10(regs10{ax: 0x0958, bx: 0x0017, cx: 3})
	pc.int10(regs10{ax: 0x0A59, cx: 1})
	if r := pc.int10(regs10{ax: 0x0800}); r.ax != 0x1759 {
		t.Errorf("AH=08h: %04X, want 1759h", r.ax)
	}
	if got := pc.vga.Text().Line(1)[:3]; got != "YXX" {
		t.Errorf("row 1 starts %q", got)
	}
	// AH=0Eh: CR, LF, BS, BEL; wrap; scroll at the bottom.
	pc.int10(regs10{ax: 0x0600, bx: 0x0700, dx: 0x184F})
	pc.int10(regs10{ax: 0x0200})
	pc.bios.cfg.Now = func() int64 { return int64(pc.cpu.Instructions) * 100_000 } // 100 µs per instruction
	start := pc.cpu.Instructions
	n43, n42, n61 := len(pc.ports[0x43]), len(pc.ports[0x42]), len(pc.ports[0x61])
	pc.tty("Hello\r\nab\x08c\x07")
	if got := pc.vga.Text().String()[:8]; got != "Hello\nac" {
		t.Errorf("teletype: %q", got)
	}
	// BEL: the IBM BIOS's BEEP (beep.go; the tone itself: testroms/bell.asm).
	if got := fmt.Sprintf("% X|% X", pc.ports[0x43][n43:], pc.ports[0x42][n42:]); got != "B6|33 05" {
		t.Errorf("BEL programmed PIT channel 2 with %s, want B6|33 05", got)
	}
	if w := pc.ports[0x61][n61:]; len(w) != 3 || w[0]&3 != 3 || w[1]&3 != 0 {
		t.Errorf("BEL wrote % X to port 61h, want the speaker bits on, off, then as before", w)
	}
	if n := pc.cpu.Instructions - start; n < beepCounts*beepStepNs/100_000 {
		t.Errorf("BEL returned after %d instructions of 100 µs, before the beep's 31/64 s", n)
	}
	pc.int10(regs10{ax: 0x0200, dx: 0x184E})
	pc.tty("xyz")
	if s := pc.vga.Text(); s.Line(23)[78:] != "xy" || s.Line(24) != "z" {
		t.Errorf("wrap and scroll: %q / %q", s.Line(23), s.Line(24))
	}
	// AH=13h: AL=0/1 with BL, AL=2/3 pairs; AL bit 0 moves the cursor.
	copy(pc.ram[0x2000:], "str")
	copy(pc.ram[0x2010:], "p\x1Fq\x2F")
	pc.int10(regs10{ax: 0x0200, dx: 0x0000})
	pc.int10(regs10{ax: 0x1300, bx: 0x0071, cx: 3, dx: 0x0500, bp: 0x2000})
	if r := pc.int10(regs10{ax: 0x0300}); r.dx != 0 {
		t.Errorf("AH=13h AL=0 moved the cursor to %04X", r.dx)
	}
	pc.int10(regs10{ax: 0x1303, bx: 0, cx: 2, dx: 0x0600, bp: 0x2010})
	if r := pc.int10(regs10{ax: 0x0300}); r.dx != 0x0602 {
		t.Errorf("AH=13h AL=3 left the cursor at %04X", r.dx)
	}
	s = pc.vga.Text()
	if s.Line(5) != "str" || s.At(5, 0).Attr != 0x71 || s.Line(6) != "pq" || s.At(6, 1).Attr != 0x2F {
		t.Errorf("AH=13h: %q %q", s.Line(5), s.Line(6))
	}
	pc.int10(regs10{ax: 0x1301, bx: 0x0007, cx: 3, dx: 0x0700, bp: 0x2000})
	if r := pc.int10(regs10{ax: 0x0300}); r.dx != 0x0703 {
		t.Errorf("AH=13h AL=1 left the cursor at %04X", r.dx)
	}
	// AH=0Fh.
	if r := pc.int10(regs10{ax: 0x0F00}); r.ax != 0x5003 || r.bx>>8 != 0 {
		t.Errorf("AH=0Fh: AX=%04X BX=%04X", r.ax, r.bx)
	}
}

// Graphics modes: AH=0Ch/0Dh (XOR with bit 7), AH=09h/0Ah/0Eh/13h text
// in the ROM's fonts, AH=08h reading it back, AH=06h/07h scrolling the
// pixels, in every memory layout.
func TestGraphicsServices(t *testing.T) {
	pc := videoPC(t)
	for _, m := range []uint8{0x04, 0x06, 0x0D, 0x0E, 0x10, 0x11, 0x12, 0x13} {
		vm := videoModes[m]
		pc.int10(regs10{ax: uint16(m)})
		top := uint8(1)<<min(vm.bpp, 8) - 1
		if m == 0x11 {
			top = 1
		}
		pc.int10(regs10{ax: 0x0C00 | uint16(top), cx: 10, dx: 3})
		if r := pc.int10(regs10{ax: 0x0D00, cx: 10, dx: 3}); uint8(r.ax) != top {
			t.Errorf("mode %02Xh: AH=0Dh %02X, want %02X", m, uint8(r.ax), top)
		}
		if r := pc.int10(regs10{ax: 0x0D00, cx: 11, dx: 3}); uint8(r.ax) != 0 {
			t.Errorf("mode %02Xh: neighbour pixel %02X", m, uint8(r.ax))
		}
		if m != 0x13 {
			pc.int10(regs10{ax: 0x0C81, cx: 10, dx: 3}) // XOR 1
			if r := pc.int10(regs10{ax: 0x0D00, cx: 10, dx: 3}); uint8(r.ax) != top^1 {
				t.Errorf("mode %02Xh: XOR pixel %02X, want %02X", m, uint8(r.ax), top^1)
			}
		}
		// Text: AH=09h at row 2, AH=0Eh, AH=13h; the adapter reads it.
		pc.int10(regs10{ax: 0x0200, dx: 0x0200})
		pc.int10(regs10{ax: 0x0952, bx: uint16(top), cx: 2})
		pc.int10(regs10{ax: 0x0200, dx: 0x0202})
		pc.ttyColour("ok", top)
		copy(pc.ram[0x2000:], "VGA")
		pc.int10(regs10{ax: 0x1300, bx: uint16(top), cx: 3, dx: 0x0300, bp: 0x2000})
		s := pc.vga.Text()
		if s.Line(2) != "RRok" || s.Line(3) != "VGA" {
			t.Errorf("mode %02Xh: text %q %q", m, s.Line(2), s.Line(3))
		}
		pc.int10(regs10{ax: 0x0200, dx: 0x0201})
		if r := pc.int10(regs10{ax: 0x0800}); uint8(r.ax) != 'R' {
			t.Errorf("mode %02Xh: AH=08h read %02X, want 'R'", m, uint8(r.ax))
		}
		// AH=06h: rows 2-3 up by one, the vacated row in colour 1.
		pc.int10(regs10{ax: 0x0601, bx: 0x0100, cx: 0x0200, dx: 0x0304})
		s = pc.vga.Text()
		if s.Line(2) != "VGA" || s.Line(3) != "█████" { // the vacated cells are solid: full blocks
			t.Errorf("mode %02Xh: after AH=06h rows 2-3 are %q %q", m, s.Line(2), s.Line(3))
		}
		g := pc.vga.Geometry()
		if r := pc.int10(regs10{ax: 0x0D00, cx: 1, dx: uint16(3*g.CharHeight + 1)}); uint8(r.ax) != 1 {
			t.Errorf("mode %02Xh: the vacated row has colour %02X, want 1", m, uint8(r.ax))
		}
		pc.int10(regs10{ax: 0x0701, bx: 0x0000, cx: 0x0200, dx: 0x0304})
		if s := pc.vga.Text(); s.Line(3) != "VGA" {
			t.Errorf("mode %02Xh: after AH=07h row 3 is %q", m, s.Line(3))
		}
	}
}

// AH=0Bh: background and border, palette 0/1 of the CGA modes.
func TestCGAPalette(t *testing.T) {
	pc := videoPC(t)
	pc.int10(regs10{ax: 0x0004})
	if got := [3]uint8{pc.attrReg(1), pc.attrReg(2), pc.attrReg(3)}; got != [3]uint8{0x13, 0x15, 0x17} {
		t.Errorf("mode 4 palette registers %02X, want 13h 15h 17h (palette 1, bright)", got)
	}
	pc.int10(regs10{ax: 0x0B00, bx: 0x0100})
	if got := [3]uint8{pc.attrReg(1), pc.attrReg(2), pc.attrReg(3)}; got != [3]uint8{0x12, 0x14, 0x16} {
		t.Errorf("AH=0Bh BH=1 BL=0: %02X, want green/red/brown 12h 14h 16h", got)
	}
	pc.int10(regs10{ax: 0x0B00, bx: 0x0001}) // background blue, foreground not bright
	if pc.attrReg(0) != 0x01 || pc.attrReg(1) != 0x02 || pc.attrReg(0x11) != 0x01 || pc.bda8(0x66)&0x3F != 0x01 {
		t.Errorf("AH=0Bh BH=0 BL=1: AR00 %02X AR01 %02X AR11 %02X BDA %02X", pc.attrReg(0), pc.attrReg(1), pc.attrReg(0x11), pc.bda8(0x66))
	}
	pc.int10(regs10{ax: 0x0003})
	pc.int10(regs10{ax: 0x0B00, bx: 0x0004})
	if pc.attrReg(0x11) != 0x04 || pc.attrReg(0) != 0x00 {
		t.Errorf("text mode border: AR11 %02X, AR00 %02X", pc.attrReg(0x11), pc.attrReg(0))
	}
}

// AH=10h: palette registers, overscan, blink, the DAC one by one and in
// blocks, colour paging, the PEL mask and grey-scale summing.
func TestPaletteService(t *testing.T) {
	pc := videoPC(t)
	pc.int10(regs10{ax: 0x1000, bx: 0x2A05})
	if pc.attrReg(5) != 0x2A {
		t.Errorf("AX=1000h: AR05 %02X", pc.attrReg(5))
	}
	if r := pc.int10(regs10{ax: 0x1007, bx: 0x0005}); r.bx>>8 != 0x2A {
		t.Errorf("AX=1007h: BH=%02X", r.bx>>8)
	}
	pc.int10(regs10{ax: 0x1001, bx: 0x1500})
	if r := pc.int10(regs10{ax: 0x1008}); r.bx>>8 != 0x15 {
		t.Errorf("AX=1001h/1008h overscan %02X", r.bx>>8)
	}
	for i := 0; i < 17; i++ {
		pc.ram[0x2000+i] = byte(0x3F - i)
	}
	pc.int10(regs10{ax: 0x1002, dx: 0x2000})
	pc.int10(regs10{ax: 0x1009, dx: 0x2100})
	if !bytes.Equal(pc.ram[0x2100:0x2111], pc.ram[0x2000:0x2011]) {
		t.Errorf("AX=1002h/1009h: % X", pc.ram[0x2100:0x2111])
	}
	pc.int10(regs10{ax: 0x1003, bx: 0})
	if pc.attrReg(0x10)&0x08 != 0 || pc.bda8(0x65)&0x20 != 0 {
		t.Error("AX=1003h BL=0 left blinking on")
	}
	pc.int10(regs10{ax: 0x1003, bx: 1})
	// DAC.
	pc.int10(regs10{ax: 0x1010, bx: 0x0042, dx: 0x3F00, cx: 0x1020})
	if got := pc.dacEntry(0x42); got != [3]uint8{0x3F, 0x10, 0x20} {
		t.Errorf("AX=1010h: DAC 42h = %v", got)
	}
	if r := pc.int10(regs10{ax: 0x1015, bx: 0x0042}); r.dx>>8 != 0x3F || r.cx != 0x1020 {
		t.Errorf("AX=1015h: DH=%02X CX=%04X", r.dx>>8, r.cx)
	}
	for i := 0; i < 6; i++ {
		pc.ram[0x2200+i] = byte(i + 1)
	}
	pc.int10(regs10{ax: 0x1012, bx: 0x00F0, cx: 2, dx: 0x2200})
	pc.int10(regs10{ax: 0x1017, bx: 0x00F0, cx: 2, dx: 0x2300})
	if !bytes.Equal(pc.ram[0x2300:0x2306], pc.ram[0x2200:0x2206]) || pc.dacEntry(0xF1) != [3]uint8{4, 5, 6} {
		t.Errorf("AX=1012h/1017h: % X", pc.ram[0x2300:0x2306])
	}
	// Colour paging: 16 pages of 16, page 3.
	pc.int10(regs10{ax: 0x1013, bx: 0x0100})
	pc.int10(regs10{ax: 0x1013, bx: 0x0301})
	if pc.attrReg(0x10)&0x80 == 0 || pc.attrReg(0x14) != 0x03 {
		t.Errorf("AX=1013h: AR10 %02X AR14 %02X", pc.attrReg(0x10), pc.attrReg(0x14))
	}
	if r := pc.int10(regs10{ax: 0x101A}); r.bx != 0x0301 {
		t.Errorf("AX=101Ah: BX=%04X, want page 3 in mode 1", r.bx)
	}
	pc.int10(regs10{ax: 0x1013, bx: 0x0000})
	pc.int10(regs10{ax: 0x1013, bx: 0x0201})
	if pc.attrReg(0x14) != 0x08 {
		t.Errorf("4 pages of 64, page 2: AR14 %02X, want 08h", pc.attrReg(0x14))
	}
	pc.int10(regs10{ax: 0x1013, bx: 0x0001})
	// PEL mask.
	pc.int10(regs10{ax: 0x1018, bx: 0x0F})
	if r := pc.int10(regs10{ax: 0x1019}); uint8(r.bx) != 0x0F {
		t.Errorf("AX=1019h: BL=%02X", uint8(r.bx))
	}
	pc.int10(regs10{ax: 0x1018, bx: 0xFF})
	// Grey-scale summing of a block, and of DAC loads while AH=12h BL=33h is on.
	pc.int10(regs10{ax: 0x101B, bx: 0x0042, cx: 1})
	if got := pc.dacEntry(0x42); got[0] != got[1] || got[1] != got[2] || got[0] != greyOf([3]uint8{0x3F, 0x10, 0x20})[0] {
		t.Errorf("AX=101Bh: DAC 42h = %v", got)
	}
	pc.int10(regs10{ax: 0x1200, bx: 0x33})
	pc.int10(regs10{ax: 0x1010, bx: 0x0043, dx: 0x3F00, cx: 0x0000})
	if got := pc.dacEntry(0x43); got[0] != got[2] || got[0] == 0x3F {
		t.Errorf("AX=1010h with summing on: %v", got)
	}
	pc.int10(regs10{ax: 0x0003})
	if got := pc.dacEntry(4); got[0] != got[1] {
		t.Errorf("mode set with summing on: DAC 4 = %v, not grey", got)
	}
	pc.int10(regs10{ax: 0x1201, bx: 0x33})
	// Default palette loading off: a mode set keeps the DAC.
	pc.int10(regs10{ax: 0x1010, bx: 0x0001, dx: 0x0100, cx: 0x0203})
	pc.int10(regs10{ax: 0x1201, bx: 0x31})
	pc.int10(regs10{ax: 0x0003})
	if got := pc.dacEntry(1); got != [3]uint8{1, 2, 3} {
		t.Errorf("AH=12h BL=31h AL=1: the mode set reloaded DAC 1: %v", got)
	}
	pc.int10(regs10{ax: 0x1200, bx: 0x31})
}

// AH=11h: fonts into plane 2 with and without recalculation, the map
// select, the graphics-mode font vectors and AX=1130h.
func TestFontService(t *testing.T) {
	pc := videoPC(t)
	glyph := []byte{0x81, 0x42, 0x24, 0x18, 0x18, 0x24, 0x42, 0x81}
	copy(pc.ram[0x2000:], glyph)
	copy(pc.ram[0x2008:], glyph)
	pc.int10(regs10{ax: 0x1100, bx: 0x0801, cx: 2, dx: 0xF0, bp: 0x2000})
	off := video.FontMapOffset(1)
	for y, b := range glyph {
		if got := pc.vga.Plane(2, off+0xF1*32+y); got != b {
			t.Fatalf("AX=1100h: map 1 glyph F1h line %d = %02X", y, got)
		}
	}
	if pc.bda8(0x84) != 24 {
		t.Error("AX=1100h recalculated the rows")
	}
	for _, c := range []struct {
		al   uint16
		h    int
		rows int
	}{{0x12, 8, 50}, {0x11, 14, 28}, {0x14, 16, 25}} {
		pc.int10(regs10{ax: 0x1100 | c.al})
		g := pc.vga.Geometry()
		if g.Rows != c.rows || g.CharHeight != c.h || int(pc.bda8(0x84))+1 != c.rows {
			t.Errorf("AX=11%02Xh: %+v, BDA rows %d", c.al, g, pc.bda8(0x84)+1)
		}
		font := pc.bios.romFont(c.h)
		if pc.vga.Plane(2, 'W'*32+3) != font['W'*c.h+3] {
			t.Errorf("AX=11%02Xh: the %d-line font is not in map 0", c.al, c.h)
		}
	}
	// 350 lines: the 8-line font gives 43 rows.
	pc.int10(regs10{ax: 0x1201, bx: 0x30})
	pc.int10(regs10{ax: 0x0003})
	pc.int10(regs10{ax: 0x1112})
	if g := pc.vga.Geometry(); g.Rows != 43 || pc.bda8(0x84) != 42 {
		t.Errorf("350 lines with 8x8: %+v", g)
	}
	pc.int10(regs10{ax: 0x1202, bx: 0x30})
	pc.int10(regs10{ax: 0x0003})
	// AX=1110h: a user font of 10 lines with recalculation: 40 rows.
	for i := 0; i < 10*4; i++ {
		pc.ram[0x2100+i] = byte(i * 7)
	}
	pc.int10(regs10{ax: 0x1110, bx: 0x0A00, cx: 4, dx: 'a', bp: 0x2100})
	if g := pc.vga.Geometry(); g.Rows != 40 || g.CharHeight != 10 {
		t.Errorf("AX=1110h 10-line font: %+v", g)
	}
	// AX=1101h/1102h/1104h load without recalculation.
	pc.int10(regs10{ax: 0x0003})
	pc.int10(regs10{ax: 0x1102, bx: 2})
	if pc.vga.Plane(2, video.FontMapOffset(2)+'A'*32+1) != pc.bios.romFont(8)['A'*8+1] || pc.bda8(0x85) != 16 {
		t.Error("AX=1102h BL=2: the 8x8 font not in map 2, or the height changed")
	}
	// AX=1103h: the map select.
	pc.int10(regs10{ax: 0x1103, bx: 0x0006})
	if pc.seqReg(3) != 0x06 {
		t.Errorf("AX=1103h: SR03 %02X", pc.seqReg(3))
	}
	// AX=1130h for every font.
	for bh, want := range map[uint16]uint16{2: offFont14, 3: offFont8Full, 4: offFont8Full + 1024, 6: offFont16, 5: offAltFont, 7: offAltFont} {
		r := pc.int10(regs10{ax: 0x1130, bx: bh << 8})
		if r.es != romSeg || r.bp != want || r.cx != 16 || r.dx&0xFF != 24 {
			t.Errorf("AX=1130h BH=%d: %04X:%04X CX=%d DL=%d", bh, r.es, r.bp, r.cx, r.dx&0xFF)
		}
	}
	// Graphics: AX=1121h/1122h/1123h/1124h set INT 43h and the rows.
	pc.int10(regs10{ax: 0x0012})
	pc.int10(regs10{ax: 0x1123, bx: 0x0002})
	if seg, off := pc.vector(0x43); seg != romSeg || off != offFont8Full || pc.bda8(0x84) != 24 || pc.bda8(0x85) != 8 {
		t.Errorf("AX=1123h: INT 43h %04X:%04X, rows %d, height %d", seg, off, pc.bda8(0x84)+1, pc.bda8(0x85))
	}
	pc.int10(regs10{ax: 0x1121, bx: 0x0000, cx: 12, dx: 20, es: 0x0000, bp: 0x3000})
	if r := pc.int10(regs10{ax: 0x1130, bx: 0x0100}); r.es != 0 || r.bp != 0x3000 || r.cx != 12 || r.dx&0xFF != 19 {
		t.Errorf("AX=1121h then 1130h BH=1: %04X:%04X CX=%d DL=%d", r.es, r.bp, r.cx, r.dx&0xFF)
	}
	pc.int10(regs10{ax: 0x1124, bx: 0x0003})
	pc.int10(regs10{ax: 0x1120, es: 0x0000, bp: 0x3100})
	if r := pc.int10(regs10{ax: 0x1130, bx: 0}); r.bp != 0x3100 || pc.bda8(0x84) != 42 {
		t.Errorf("AX=1120h: INT 1Fh %04X, rows %d", r.bp, pc.bda8(0x84)+1)
	}
}

// AH=12h: EGA information, print screen, video enable, refresh; AH=1Ah.
func TestConfigService(t *testing.T) {
	pc := videoPC(t)
	if r := pc.int10(regs10{ax: 0x1200, bx: 0x10}); r.bx != 0x0003 || r.cx != 0x0009 {
		t.Errorf("AH=12h BL=10h: BX=%04X CX=%04X", r.bx, r.cx)
	}
	pc.int10(regs10{ax: 0x0007})
	if r := pc.int10(regs10{ax: 0x1200, bx: 0x10}); r.bx>>8 != 1 {
		t.Errorf("AH=12h BL=10h in mode 7: BH=%d, want 1 (monochrome)", r.bx>>8)
	}
	pc.int10(regs10{ax: 0x0003})
	copy(pc.ram[0x14:], []byte{0, 0, 0, 0})
	if r := pc.int10(regs10{ax: 0x1200, bx: 0x20}); uint8(r.ax) != 0x12 {
		t.Errorf("AH=12h BL=20h: AL=%02X", uint8(r.ax))
	}
	if seg, off := pc.vector(0x05); seg != romSeg || off != offInt05 {
		t.Errorf("AH=12h BL=20h: INT 05h %04X:%04X", seg, off)
	}
	// BL=32h: the adapter stops decoding memory and ports.
	pc.int10(regs10{ax: 0x1201, bx: 0x32})
	if pc.vga.Read8(0xB8000) != 0xFF || pc.vga.In8(0x3CC) != 0xFF {
		t.Error("AH=12h BL=32h AL=1 left the adapter answering")
	}
	pc.int10(regs10{ax: 0x1200, bx: 0x32})
	if pc.vga.In8(0x3CC) != 0x67 {
		t.Error("AH=12h BL=32h AL=0: the adapter does not answer")
	}
	// BL=36h: refresh off is the sequencer's screen-off bit.
	pc.int10(regs10{ax: 0x1201, bx: 0x36})
	if pc.seqReg(1)&0x20 == 0 {
		t.Error("AH=12h BL=36h AL=1: screen still on")
	}
	pc.int10(regs10{ax: 0x1200, bx: 0x36})
	// BL=35h: switch off with the state saved, on again with it restored.
	pc.int10(regs10{ax: 0x1000, bx: 0x3F02})
	pc.int10(regs10{ax: 0x1202, bx: 0x35, es: 0, dx: 0x4000})
	if pc.vga.In8(0x3CC) != 0xFF || pc.bda8(0x87)&0x08 == 0 {
		t.Error("AX=1202h BL=35h: the adapter is still on")
	}
	pc.vga.Out8(0x3C3, 1)
	pc.vga.In8(0x3DA)
	pc.vga.Out8(0x3C0, 0x02)
	pc.vga.Out8(0x3C0, 0x00) // the program changes AR02 while switched away
	pc.vga.Out8(0x3C0, 0x20)
	pc.vga.Out8(0x3C3, 0)
	pc.int10(regs10{ax: 0x1203, bx: 0x35, es: 0, dx: 0x4000})
	if pc.attrReg(2) != 0x3F || pc.bda8(0x87)&0x08 != 0 {
		t.Errorf("AX=1203h BL=35h: AR02 %02X after the restore", pc.attrReg(2))
	}
	// AH=1Ah.
	if r := pc.int10(regs10{ax: 0x1A00}); r.ax&0xFF != 0x1A || r.bx != 0x0008 {
		t.Errorf("AX=1A00h: AX=%04X BX=%04X", r.ax, r.bx)
	}
	pc.int10(regs10{ax: 0x1A01, bx: 0x0108})
	if r := pc.int10(regs10{ax: 0x1A00}); r.bx != 0x0108 {
		t.Errorf("AX=1A01h BX=0108h then 1A00h: BX=%04X", r.bx)
	}
	pc.int10(regs10{ax: 0x1A01, bx: 0x0909}) // not a combination: kept
	if r := pc.int10(regs10{ax: 0x1A00}); r.bx != 0x0108 {
		t.Errorf("AX=1A01h with an unknown pair changed the combination: %04X", r.bx)
	}
}

// AH=1Bh: the functionality table, from the BDA and the adapter.
func TestStateInfo(t *testing.T) {
	pc := videoPC(t)
	pc.int10(regs10{ax: 0x0012})
	r := pc.int10(regs10{ax: 0x1B00, bx: 0, es: 0, di: 0x5000})
	if uint8(r.ax) != 0x1B {
		t.Fatalf("AH=1Bh: AL=%02X", uint8(r.ax))
	}
	d := pc.ram[0x5000:0x5040]
	sf := uint32(d[2])<<4 | uint32(d[3])<<12 | uint32(d[0]) | uint32(d[1])<<8
	if sf != romBase+offStaticFunc || pc.high[sf-0xA0000+2] != 0x0F {
		t.Errorf("static table at %05X", sf)
	}
	if d[4] != 0x12 || d[5] != 80 || d[0x22] != 30 || d[0x23] != 16 || d[0x27] != 16 || d[0x29] != 1 || d[0x2A] != 3 || d[0x31] != 3 {
		t.Errorf("dynamic table: % X", d)
	}
	pc.int10(regs10{ax: 0x0003})
	pc.int10(regs10{ax: 0x1B00, bx: 0, es: 0, di: 0x5000})
	if d[0x2A] != 2 || d[0x2D]&0x30 != 0x30 || d[0x25] != 8 || d[0x1B] != 7 || d[0x1C] != 6 {
		t.Errorf("mode 3 dynamic table: % X", d)
	}
	if r := pc.int10(regs10{ax: 0x1B00, bx: 1}); uint8(r.ax) == 0x1B {
		t.Error("AH=1Bh with BX=1 (no such implementation type) reported success")
	}
}

// AH=1Ch: save the adapter, the BIOS data and the DAC, change them all,
// restore, and find everything back, latches included.
func TestSaveRestoreState(t *testing.T) {
	pc := videoPC(t)
	if r := pc.int10(regs10{ax: 0x1C00, cx: 7}); r.ax&0xFF != 0x1C || int(r.bx)*64 < stateHeader+stateHardware+stateBIOSData+stateDAC {
		t.Fatalf("AX=1C00h: AX=%04X BX=%d blocks", r.ax, r.bx)
	}
	pc.int10(regs10{ax: 0x0012})
	pc.int10(regs10{ax: 0x1010, bx: 0x0020, dx: 0x0100, cx: 0x0203})
	pc.int10(regs10{ax: 0x0C05, cx: 5, dx: 5})
	pc.vga.Read8(0xA0000 + 5*80) // latches: the pixel's byte
	pc.vga.Out8(0x3CE, 0x03)
	pc.vga.Out8(0x3CF, 0x18) // a register a program left changed
	pc.int10(regs10{ax: 0x1C01, cx: 7, es: 0, bx: 0x6000})
	before := pc.vga.Render(nil, 0)
	// Registers, DAC and BDA changed without touching video memory.
	pc.int10(regs10{ax: 0x1000, bx: 0x3F01})
	pc.int10(regs10{ax: 0x1010, bx: 0x0020, dx: 0x3F00, cx: 0x3F3F})
	pc.int10(regs10{ax: 0x0200, dx: 0x0A0A})
	pc.vga.Out8(0x3CE, 0x03)
	pc.vga.Out8(0x3CF, 0x00)
	pc.vga.Out8(0x3D4, 0x0C)
	pc.vga.Out8(0x3D5, 0x10)
	pc.vga.Read8(0xA0000) // other latches
	pc.int10(regs10{ax: 0x1C02, cx: 7, es: 0, bx: 0x6000})
	if r := pc.int10(regs10{ax: 0x0300}); r.dx != 0 {
		t.Errorf("the BDA cursor after the restore: %04X", r.dx)
	}
	after := pc.vga.Render(nil, 0)
	if !bytes.Equal(before.Pix, after.Pix) || before.Rect != after.Rect {
		for i := range before.Pix {
			if i < len(after.Pix) && before.Pix[i] != after.Pix[i] {
				t.Errorf("the picture differs after the restore: %v vs %v, first at byte %d", before.Rect, after.Rect, i)
				break
			}
		}
	}
	// The latches: write mode 1 stores them.
	pc.vga.Out8(0x3CE, 0x05)
	pc.vga.Out8(0x3CF, 0x01)
	pc.vga.Write8(0xA0000+100*80, 0)
	for p := 0; p < 4; p++ {
		want := uint8(0)
		if 5&(1<<p) != 0 {
			want = 0x80 >> 5
		}
		if got := pc.vga.Plane(p, 100*80); got != want {
			t.Errorf("latch of plane %d after the restore: %02X, want %02X", p, got, want)
		}
	}
	pc.vga.Out8(0x3CF, 0x00)
}

func TestVideoParamTableInROM(t *testing.T) {
	pc := videoPC(t)
	ptr := pc.bda16(0xA8)
	seg := pc.bda16(0xAA)
	if seg != romSeg || ptr != offSavePointer {
		t.Fatalf("0040:00A8 = %04X:%04X", seg, ptr)
	}
	rom := pc.bios.ROM()
	vpt := int(rom[offSavePointer]) | int(rom[offSavePointer+1])<<8
	for i := range videoParamTable {
		e := videoParamTable[i].encode()
		if !bytes.Equal(rom[vpt+64*i:vpt+64*i+64], e[:]) {
			t.Errorf("parameter table entry %02Xh differs in the ROM", i)
		}
	}
	// The cursor of every text entry is the emulated 0607h shape.
	for _, m := range []uint8{0, 1, 2, 3, 7} {
		for l := lines200; l <= lines400; l++ {
			e := videoParamTable[videoModes[m].param[l]]
			if s, en := emulateCursor(6, 7, int(e.charH), true); e.crtc[0x0A] != s || e.crtc[0x0B] != en {
				t.Errorf("mode %02Xh, %d-line entry: cursor %02X/%02X, emulation gives %02X/%02X", m, e.charH, e.crtc[0x0A], e.crtc[0x0B], s, en)
			}
		}
	}
}

// SetVideoMode programs an adapter without a PC: the same registers as
// INT 10h AH=00h.
func TestSetVideoModeStandalone(t *testing.T) {
	a := video.New(nil)
	fonts := Fonts{Font8x8: video.Font8x8(), Font8x14: video.Font8x14(), Font8x16: video.Font8x16()}
	if err := SetVideoMode(a, 0x12, fonts); err != nil {
		t.Fatal(err)
	}
	if g := a.Geometry(); g.Text || g.Width != 640 || g.Height != 480 {
		t.Errorf("mode 12h: %+v", g)
	}
	if err := SetVideoMode(a, 0x14, fonts); err == nil {
		t.Error("mode 14h accepted")
	}
}
