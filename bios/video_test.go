package bios

import (
	"bytes"
	"testing"

	"pcemu/cpu"
)

type fakeDisplay struct{ modes []uint8 }

func (d *fakeDisplay) SetMode(m uint8) bool {
	if _, ok := videoModes[m&0x7F]; !ok {
		return false
	}
	d.modes = append(d.modes, m)
	return true
}

func videoPC(t *testing.T) (*testPC, *fakeDisplay) {
	t.Helper()
	d := &fakeDisplay{}
	font := make([]byte, 2048)
	for c := 0; c < 256; c++ { // a distinct glyph per character
		for y := 0; y < 8; y++ {
			font[c*8+y] = byte(c) ^ byte(y*0x11)
		}
	}
	font[' '*8], font[' '*8+1], font[' '*8+2] = 0, 0, 0
	for y := 0; y < 8; y++ {
		font[' '*8+y] = 0
	}
	pc := newTestPC(t, testConfig{cfg: Config{Display: d, Font8x8: font}})
	pc.ready()
	// Clear the INT 18h message.
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0003 })
	return pc, d
}

func (pc *testPC) tty(s string) {
	pc.t.Helper()
	for i := 0; i < len(s); i++ {
		pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0E00 | uint16(s[i]); c.Regs[cpu.BX] = 0 })
	}
}

func (pc *testPC) cursorBDA() (row, col int) { return int(pc.ram[0x451]), int(pc.ram[0x450]) }

func (pc *testPC) cell(row, col int) (byte, byte) {
	a := 0x18000 + (row*80+col)*2
	return pc.high[a], pc.high[a+1]
}

func TestTeletypeAndCursor(t *testing.T) {
	pc, d := videoPC(t)
	if len(d.modes) < 2 || d.modes[0] != 3 {
		t.Errorf("Display.SetMode calls %v, want mode 3 at POST", d.modes)
	}
	pc.tty("Hello\r\nab\x08c")
	if got := string(pc.screenText()); got != "Hello\nac" {
		t.Errorf("screen %q", got)
	}
	if r, c := pc.cursorBDA(); r != 1 || c != 2 {
		t.Errorf("cursor %d,%d, want 1,2", r, c)
	}
	if pos := int(pc.crtc[0x0E])<<8 | int(pc.crtc[0x0F]); pos != 82 {
		t.Errorf("CRTC cursor address %d, want 82", pos)
	}
	// AH=02h/03h.
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0200; c.Regs[cpu.BX] = 0; c.Regs[cpu.DX] = 0x0C28 })
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0300; c.Regs[cpu.BX] = 0 })
	if pc.cpu.Regs[cpu.DX] != 0x0C28 || pc.cpu.Regs[cpu.CX] != 0x0607 {
		t.Errorf("AH=03h: DX=%04X CX=%04X", pc.cpu.Regs[cpu.DX], pc.cpu.Regs[cpu.CX])
	}
	if pos := int(pc.crtc[0x0E])<<8 | int(pc.crtc[0x0F]); pos != 12*80+40 {
		t.Errorf("CRTC cursor address %d", pos)
	}
	// AH=01h: the CGA shape 6-7 becomes lines 13-14 of the 16-line cell.
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0100; c.Regs[cpu.CX] = 0x0607 })
	if pc.crtc[0x0A] != 13 || pc.crtc[0x0B] != 14 {
		t.Errorf("cursor shape registers %d-%d, want 13-14", pc.crtc[0x0A], pc.crtc[0x0B])
	}
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0100; c.Regs[cpu.CX] = 0x2000 })
	if pc.crtc[0x0A]&0x20 == 0 {
		t.Error("cursor off (CH bit 5) not passed to the CRTC")
	}
	// Scrolling at the bottom keeps the attribute of the cursor's cell.
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0200; c.Regs[cpu.BX] = 0; c.Regs[cpu.DX] = 0x1800 })
	pc.high[0x18000+24*160+3] = 0x1E // the cell the cursor is on when the line feed scrolls
	pc.tty("x\n")
	if ch, _ := pc.cell(0, 0); ch != 'a' {
		t.Errorf("after scrolling, row 0 starts with %q, want 'a'", ch)
	}
	if ch, _ := pc.cell(23, 0); ch != 'x' {
		t.Errorf("row 23 starts with %q, want 'x'", ch)
	}
	if ch, at := pc.cell(24, 5); ch != ' ' || at != 0x1E {
		t.Errorf("new bottom row cell %q/%02X, want blank with 1E", ch, at)
	}
	if r, c := pc.cursorBDA(); r != 24 || c != 1 {
		t.Errorf("cursor %d,%d after scrolling", r, c)
	}
}

func TestScrollAndCells(t *testing.T) {
	pc, _ := videoPC(t)
	for row := 0; row < 25; row++ {
		for col := 0; col < 80; col++ {
			a := 0x18000 + (row*80+col)*2
			pc.high[a], pc.high[a+1] = byte('A'+row), byte(col)
		}
	}
	// Scroll rows 2-5, columns 10-19 up by 1 with attribute 4Fh.
	pc.call(0x10, func(c *cpu.CPU) {
		c.Regs[cpu.AX] = 0x0601
		c.Regs[cpu.BX] = 0x4F00
		c.Regs[cpu.CX] = 0x020A
		c.Regs[cpu.DX] = 0x0513
	})
	if ch, at := pc.cell(2, 10); ch != 'D' || at != 10 {
		t.Errorf("scroll up: (2,10) = %q/%d", ch, at)
	}
	if ch, at := pc.cell(5, 19); ch != ' ' || at != 0x4F {
		t.Errorf("scroll up: (5,19) = %q/%02X", ch, at)
	}
	if ch, _ := pc.cell(2, 9); ch != 'C' {
		t.Errorf("scroll up touched column 9: %q", ch)
	}
	// Scroll down by 2 over the whole screen.
	pc.call(0x10, func(c *cpu.CPU) {
		c.Regs[cpu.AX] = 0x0702
		c.Regs[cpu.BX] = 0x0700
		c.Regs[cpu.CX] = 0
		c.Regs[cpu.DX] = 0x184F
	})
	if ch, _ := pc.cell(24, 0); ch != 'W' {
		t.Errorf("scroll down: row 24 = %q", ch)
	}
	if ch, at := pc.cell(1, 0); ch != ' ' || at != 0x07 {
		t.Errorf("scroll down: row 1 = %q/%02X", ch, at)
	}
	// AL=0 clears the window.
	pc.call(0x10, func(c *cpu.CPU) {
		c.Regs[cpu.AX] = 0x0600
		c.Regs[cpu.BX] = 0x1700
		c.Regs[cpu.CX] = 0
		c.Regs[cpu.DX] = 0x184F
	})
	if ch, at := pc.cell(12, 40); ch != ' ' || at != 0x17 {
		t.Errorf("clear: %q/%02X", ch, at)
	}
	// AH=09h/0Ah/08h.
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0200; c.Regs[cpu.BX] = 0; c.Regs[cpu.DX] = 0x0304 })
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x092A; c.Regs[cpu.BX] = 0x002C; c.Regs[cpu.CX] = 3 })
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0A2B; c.Regs[cpu.BX] = 0x0000; c.Regs[cpu.CX] = 1 })
	if ch, at := pc.cell(3, 4); ch != '+' || at != 0x2C {
		t.Errorf("AH=0Ah kept the attribute? %q/%02X", ch, at)
	}
	if ch, at := pc.cell(3, 6); ch != '*' || at != 0x2C {
		t.Errorf("AH=09h: %q/%02X", ch, at)
	}
	if r, c := pc.cursorBDA(); r != 3 || c != 4 {
		t.Errorf("AH=09h moved the cursor to %d,%d", r, c)
	}
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0800; c.Regs[cpu.BX] = 0 })
	if pc.cpu.Regs[cpu.AX] != 0x2C2B {
		t.Errorf("AH=08h: %04X", pc.cpu.Regs[cpu.AX])
	}
	// AH=0Fh.
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0F00 })
	if pc.cpu.Regs[cpu.AX] != 0x5003 || pc.cpu.Regs[cpu.BX]>>8 != 0 {
		t.Errorf("AH=0Fh: AX=%04X BH=%d", pc.cpu.Regs[cpu.AX], pc.cpu.Regs[cpu.BX]>>8)
	}
}

func TestWriteString(t *testing.T) {
	pc, _ := videoPC(t)
	copy(pc.ram[0x2000:], "Hi\r\nyo")
	pc.call(0x10, func(c *cpu.CPU) {
		c.Regs[cpu.AX] = 0x1301
		c.Regs[cpu.BX] = 0x001E
		c.Regs[cpu.CX] = 6
		c.Regs[cpu.DX] = 0x0502
		c.Segs[cpu.ES] = 0x0200
		c.Regs[cpu.BP] = 0
	})
	if ch, at := pc.cell(5, 2); ch != 'H' || at != 0x1E {
		t.Errorf("(5,2) %q/%02X", ch, at)
	}
	if ch, at := pc.cell(6, 1); ch != 'o' || at != 0x1E {
		t.Errorf("(6,1) %q/%02X", ch, at)
	}
	if r, c := pc.cursorBDA(); r != 6 || c != 2 {
		t.Errorf("AL=1 cursor %d,%d, want 6,2", r, c)
	}
	// AL=2: characters with their own attributes, cursor unmoved.
	copy(pc.ram[0x2000:], "A\x41B\x42")
	pc.call(0x10, func(c *cpu.CPU) {
		c.Regs[cpu.AX] = 0x1302
		c.Regs[cpu.BX] = 0
		c.Regs[cpu.CX] = 2
		c.Regs[cpu.DX] = 0x0A00
		c.Segs[cpu.ES] = 0x0200
		c.Regs[cpu.BP] = 0
	})
	if ch, at := pc.cell(10, 1); ch != 'B' || at != 0x42 {
		t.Errorf("AL=2 (10,1) %q/%02X", ch, at)
	}
	if r, c := pc.cursorBDA(); r != 6 || c != 2 {
		t.Errorf("AL=2 moved the cursor to %d,%d", r, c)
	}
}

func TestPagesAndModes(t *testing.T) {
	pc, d := videoPC(t)
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0501 })
	if pc.ram[0x462] != 1 || pc.crtc[0x0C] != 0x08 || pc.crtc[0x0D] != 0 {
		t.Errorf("page 1: BDA %d, start %02X%02X", pc.ram[0x462], pc.crtc[0x0C], pc.crtc[0x0D])
	}
	pc.tty("P")
	if pc.high[0x19000] != 'P' {
		t.Error("teletype did not write to the active page")
	}
	// Mode 13h: pixels at A0000h, text drawn from the 8x8 font.
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0013 })
	if pc.ram[0x449] != 0x13 || d.modes[len(d.modes)-1] != 0x13 || pc.ram[0x44A] != 40 {
		t.Fatalf("mode 13h: BDA mode %02X columns %d", pc.ram[0x449], pc.ram[0x44A])
	}
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0C99; c.Regs[cpu.CX] = 319; c.Regs[cpu.DX] = 199 })
	if pc.high[199*320+319] != 0x99 {
		t.Error("AH=0Ch in mode 13h")
	}
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0D00; c.Regs[cpu.CX] = 319; c.Regs[cpu.DX] = 199 })
	if uint8(pc.cpu.Regs[cpu.AX]) != 0x99 {
		t.Error("AH=0Dh in mode 13h")
	}
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0200; c.Regs[cpu.BX] = 0; c.Regs[cpu.DX] = 0x0101 })
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0941; c.Regs[cpu.BX] = 0x000F; c.Regs[cpu.CX] = 1 })
	g := pc.bios.glyph8('A')
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			want := uint8(0)
			if g[y]&(0x80>>x) != 0 {
				want = 0x0F
			}
			if got := pc.high[(8+y)*320+8+x]; got != want {
				t.Fatalf("mode 13h glyph pixel %d,%d = %02X, want %02X", x, y, got, want)
			}
		}
	}
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0800; c.Regs[cpu.BX] = 0 })
	if uint8(pc.cpu.Regs[cpu.AX]) != 'A' {
		t.Errorf("AH=08h in mode 13h read %02X", uint8(pc.cpu.Regs[cpu.AX]))
	}
	// Mode 4: CGA interleaved 2-bit pixels, XOR with bit 7.
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0004 })
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0C03; c.Regs[cpu.CX] = 5; c.Regs[cpu.DX] = 3 })
	if b := pc.high[0x18000+0x2000+80+1]; b != 0x30 {
		t.Errorf("mode 4 pixel (5,3): byte %02X, want 30", b)
	}
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0C82; c.Regs[cpu.CX] = 5; c.Regs[cpu.DX] = 3 })
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0D00; c.Regs[cpu.CX] = 5; c.Regs[cpu.DX] = 3 })
	if uint8(pc.cpu.Regs[cpu.AX]) != 1 {
		t.Errorf("mode 4 XOR: pixel %d, want 1", uint8(pc.cpu.Regs[cpu.AX]))
	}
	// An unsupported mode changes nothing.
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0012 })
	if pc.ram[0x449] != 0x04 {
		t.Errorf("mode 12h accepted: BDA mode %02X", pc.ram[0x449])
	}
	// Back to text: bit 7 keeps memory.
	pc.high[0x18000] = 'K'
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0083 })
	if pc.high[0x18000] != 'K' || d.modes[len(d.modes)-1] != 0x83 {
		t.Errorf("mode set with bit 7 cleared memory or did not tell the adapter (%02X)", d.modes[len(d.modes)-1])
	}
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0003 })
	if !bytes.Equal(pc.high[0x18000:0x18004], []byte{' ', 7, ' ', 7}) {
		t.Error("mode set did not clear memory")
	}
}

func TestPalettes(t *testing.T) {
	pc, _ := videoPC(t)
	pc.ports[0x3C9] = nil
	pc.call(0x10, func(c *cpu.CPU) {
		c.Regs[cpu.AX] = 0x1010
		c.Regs[cpu.BX] = 5
		c.Regs[cpu.DX] = 0x3F00
		c.Regs[cpu.CX] = 0x2010
	})
	if got := pc.ports[0x3C8]; len(got) == 0 || got[len(got)-1] != 5 {
		t.Errorf("DAC index writes % X", got)
	}
	if got := pc.ports[0x3C9]; !bytes.Equal(got, []byte{0x3F, 0x20, 0x10}) {
		t.Errorf("DAC data writes % X", got)
	}
	pc.ports[0x3D9] = nil
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0B00; c.Regs[cpu.BX] = 0x0011 })
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0B00; c.Regs[cpu.BX] = 0x0100 })
	if got := pc.ports[0x3D9]; !bytes.Equal(got, []byte{0x31, 0x11}) {
		t.Errorf("CGA colour select writes % X, want 31 11", got)
	}
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x1A00 })
	if uint8(pc.cpu.Regs[cpu.AX]) != 0x1A || pc.cpu.Regs[cpu.BX] != 0x0008 {
		t.Errorf("AX=1A00h: AX=%04X BX=%04X", pc.cpu.Regs[cpu.AX], pc.cpu.Regs[cpu.BX])
	}
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x1200; c.Regs[cpu.BX] = 0x0010 })
	if pc.cpu.Regs[cpu.BX] != 0x0003 {
		t.Errorf("AH=12h BL=10h: BX=%04X", pc.cpu.Regs[cpu.BX])
	}
}

func TestVideoStateInfo(t *testing.T) {
	pc, _ := videoPC(t)
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0200; c.Regs[cpu.BX] = 0; c.Regs[cpu.DX] = 0x0507 })
	pc.call(0x10, func(c *cpu.CPU) {
		c.Regs[cpu.AX] = 0x1B00
		c.Regs[cpu.BX] = 0
		c.Segs[cpu.ES] = 0x0300
		c.Regs[cpu.DI] = 0
	})
	st := pc.ram[0x3000:0x3040]
	if uint8(pc.cpu.Regs[cpu.AX]) != 0x1B || st[4] != 3 || st[5] != 80 || st[0x0B] != 7 || st[0x0C] != 5 || st[0x22] != 25 || st[0x25] != 8 || st[0x27] != 16 {
		t.Errorf("AH=1Bh: AL=%02X table % X", uint8(pc.cpu.Regs[cpu.AX]), st)
	}
	sf := linear(uint16(st[2])|uint16(st[3])<<8, uint16(st[0])|uint16(st[1])<<8)
	if sf != romBase+offStaticFunc || pc.high[sf-0xA0000] != 0xFF || pc.high[sf-0xA0000+2] != 0x08 {
		t.Errorf("static functionality table at %05X", sf)
	}
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x1200; c.Regs[cpu.BX] = 0x0034 })
	if uint8(pc.cpu.Regs[cpu.AX]) != 0x12 {
		t.Errorf("AH=12h BL=34h: AL=%02X", uint8(pc.cpu.Regs[cpu.AX]))
	}
}

func TestFontRows(t *testing.T) {
	pc, _ := videoPC(t)
	pc.crtc[0x09] = 0x4F // mode 3's maximum scan line register: 16 lines, line compare bit 9
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x1112; c.Regs[cpu.BX] = 0 })
	if pc.ram[0x484] != 49 || pc.ram[0x485] != 8 || pc.crtc[0x09] != 0x47 {
		t.Fatalf("AX=1112h: rows-1 %d, height %d, CR09 %02X", pc.ram[0x484], pc.ram[0x485], pc.crtc[0x09])
	}
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x1130; c.Regs[cpu.BX] = 0x0300 })
	if pc.cpu.Regs[cpu.CX] != 8 || uint8(pc.cpu.Regs[cpu.DX]) != 49 {
		t.Errorf("AX=1130h in 80x50: CX=%d DL=%d", pc.cpu.Regs[cpu.CX], uint8(pc.cpu.Regs[cpu.DX]))
	}
	// The teletype scrolls at row 49, not 24.
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0200; c.Regs[cpu.BX] = 0; c.Regs[cpu.DX] = 0x1800 })
	pc.tty("a\n")
	if r, _ := pc.cursorBDA(); r != 25 {
		t.Errorf("80x50: cursor row %d after a line feed on row 24, want 25", r)
	}
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0200; c.Regs[cpu.BX] = 0; c.Regs[cpu.DX] = 0x3100 })
	pc.tty("b\n")
	if r, _ := pc.cursorBDA(); r != 49 {
		t.Errorf("80x50: cursor row %d after a line feed on the last row", r)
	}
	if ch, _ := pc.cell(48, 0); ch != 'b' {
		t.Errorf("80x50: the last row did not scroll up (%q)", ch)
	}
	// Back to 8x16: 25 rows; a mode set also restores them.
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x1114; c.Regs[cpu.BX] = 0 })
	if pc.ram[0x484] != 24 || pc.ram[0x485] != 16 || pc.crtc[0x09] != 0x4F {
		t.Errorf("AX=1114h: rows-1 %d, height %d, CR09 %02X", pc.ram[0x484], pc.ram[0x485], pc.crtc[0x09])
	}
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x1111; c.Regs[cpu.BX] = 0 })
	if pc.ram[0x484] != 27 {
		t.Errorf("AX=1111h: rows-1 %d, want 27", pc.ram[0x484])
	}
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0003 })
	if pc.ram[0x484] != 24 || pc.ram[0x485] != 16 {
		t.Errorf("mode 3 after 80x28: rows-1 %d, height %d", pc.ram[0x484], pc.ram[0x485])
	}
	// AX=1123h in mode 13h: INT 43h to the ROM's 8x8 font.
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0013 })
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x1123; c.Regs[cpu.BX] = 0x0002 })
	if off := uint16(pc.ram[0x43*4]) | uint16(pc.ram[0x43*4+1])<<8; off != offFont8Full {
		t.Errorf("AX=1123h: INT 43h offset %04X", off)
	}
}

func TestGraphicsScroll(t *testing.T) {
	pc, _ := videoPC(t)
	px := func(x, y int) uint8 {
		pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0D00; c.Regs[cpu.CX] = uint16(x); c.Regs[cpu.DX] = uint16(y) })
		return uint8(pc.cpu.Regs[cpu.AX])
	}
	set := func(x, y int, c uint8) {
		pc.call(0x10, func(cp *cpu.CPU) {
			cp.Regs[cpu.AX] = 0x0C00 | uint16(c)
			cp.Regs[cpu.CX] = uint16(x)
			cp.Regs[cpu.DX] = uint16(y)
		})
	}
	for _, m := range []uint16{0x06, 0x04, 0x13} {
		pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = m })
		set(10, 15, 1)  // character row 1, an odd line (the CGA's second bank)
		set(3, 15, 1)   // column 0: outside the window
		set(10, 199, 1) // the bottom row
		// Scroll columns 1-39, all rows, up by one with colour 5.
		pc.call(0x10, func(c *cpu.CPU) {
			c.Regs[cpu.AX] = 0x0601
			c.Regs[cpu.BX] = 0x0500
			c.Regs[cpu.CX] = 0x0001
			c.Regs[cpu.DX] = 0x1827
		})
		if px(10, 7) != 1 || px(10, 15) != 0 || px(3, 15) != 1 || px(10, 191) != 1 {
			t.Errorf("mode %02Xh scroll up: pixels %d %d %d %d, want 1 0 1 1", m, px(10, 7), px(10, 15), px(3, 15), px(10, 191))
		}
		want := uint8(0)
		if m == 0x13 {
			want = 5
		}
		if got := px(12, 199); got != want {
			t.Errorf("mode %02Xh: new bottom line colour %d, want %d", m, got, want)
		}
		// And down again by one.
		pc.call(0x10, func(c *cpu.CPU) {
			c.Regs[cpu.AX] = 0x0701
			c.Regs[cpu.BX] = 0
			c.Regs[cpu.CX] = 0x0001
			c.Regs[cpu.DX] = 0x1827
		})
		if px(10, 15) != 1 || px(10, 7) != 0 {
			t.Errorf("mode %02Xh scroll down: pixels %d %d, want 1 0", m, px(10, 15), px(10, 7))
		}
	}
}
