package video

import "fmt"

// modeParams is one line of the mode table: what a VGA BIOS programs into
// the registers on INT 10h AH=00h. The register values are the IBM VGA's
// standard ones for these modes.
type modeParams struct {
	cols, rows int    // text geometry the BIOS reports (BDA 0040:004A, 0084)
	charH      int    // character height (BDA 0040:0085)
	pageSize   int    // bytes per display page (BDA 0040:004C)
	base       uint32 // linear address of page 0
	text       bool
	seq        [4]uint8 // SR01-SR04
	misc       uint8
	crtc       [25]uint8
	attr       [20]uint8 // AR00-AR13 (AR14 is 0)
	gc         [9]uint8
	dac        dacTable
	cgaMode    uint8 // 3D8h/3B8h value of the CGA/MDA mode
	cgaColor   uint8 // 3D9h
}

var (
	crtc40 = [25]uint8{
		0x2D, 0x27, 0x28, 0x90, 0x2B, 0xA0, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00, 0x00, 0x00, 0x00,
		0x9C, 0x8E, 0x8F, 0x14, 0x1F, 0x96, 0xB9, 0xA3, 0xFF}
	crtc80 = [25]uint8{
		0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00, 0x00, 0x00, 0x00,
		0x9C, 0x8E, 0x8F, 0x28, 0x1F, 0x96, 0xB9, 0xA3, 0xFF}
	crtcMono = [25]uint8{
		0x5F, 0x4F, 0x50, 0x82, 0x55, 0x81, 0xBF, 0x1F, 0x00, 0x4F, 0x0D, 0x0E, 0x00, 0x00, 0x00, 0x00,
		0x9C, 0x8E, 0x8F, 0x28, 0x0F, 0x96, 0xB9, 0xA3, 0xFF}
	crtcCGA320 = [25]uint8{
		0x2D, 0x27, 0x28, 0x90, 0x2B, 0x80, 0xBF, 0x1F, 0x00, 0xC1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x9C, 0x8E, 0x8F, 0x14, 0x00, 0x96, 0xB9, 0xA2, 0xFF}
	crtcCGA640 = [25]uint8{
		0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0xC1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x9C, 0x8E, 0x8F, 0x28, 0x00, 0x96, 0xB9, 0xC2, 0xFF}
	crtc13 = [25]uint8{
		0x5F, 0x4F, 0x50, 0x82, 0x54, 0x80, 0xBF, 0x1F, 0x00, 0x41, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x9C, 0x8E, 0x8F, 0x28, 0x40, 0x96, 0xB9, 0xA3, 0xFF}

	attrText = [20]uint8{
		0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x14, 0x07, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F,
		0x0C, 0x00, 0x0F, 0x08}
	attrMono = [20]uint8{
		0x00, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x10, 0x18, 0x18, 0x18, 0x18, 0x18, 0x18, 0x18,
		0x0E, 0x00, 0x0F, 0x08}
	attrCGA320 = [20]uint8{
		0x00, 0x13, 0x15, 0x17, 0x02, 0x04, 0x06, 0x07, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
		0x01, 0x00, 0x03, 0x00}
	attrCGA640 = [20]uint8{
		0x00, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17, 0x17,
		0x01, 0x00, 0x01, 0x00}
	attr13 = [20]uint8{
		0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
		0x41, 0x00, 0x0F, 0x00}

	gcText   = [9]uint8{0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0E, 0x0F, 0xFF}
	gcMono   = [9]uint8{0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x0A, 0x0F, 0xFF}
	gcCGA320 = [9]uint8{0x00, 0x00, 0x00, 0x00, 0x00, 0x30, 0x0F, 0x0F, 0xFF}
	gcCGA640 = [9]uint8{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0D, 0x0F, 0xFF}
	gc13     = [9]uint8{0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x05, 0x0F, 0xFF}
)

var modeTable = map[int]*modeParams{
	0x00: {40, 25, 16, 0x0800, 0xB8000, true, [4]uint8{0x08, 0x03, 0x00, 0x02}, 0x67, crtc40, attrText, gcText, dacEGA, 0x2C, 0x30},
	0x01: {40, 25, 16, 0x0800, 0xB8000, true, [4]uint8{0x08, 0x03, 0x00, 0x02}, 0x67, crtc40, attrText, gcText, dacEGA, 0x28, 0x30},
	0x02: {80, 25, 16, 0x1000, 0xB8000, true, [4]uint8{0x00, 0x03, 0x00, 0x02}, 0x67, crtc80, attrText, gcText, dacEGA, 0x2D, 0x30},
	0x03: {80, 25, 16, 0x1000, 0xB8000, true, [4]uint8{0x00, 0x03, 0x00, 0x02}, 0x67, crtc80, attrText, gcText, dacEGA, 0x29, 0x30},
	0x04: {40, 25, 8, 0x4000, 0xB8000, false, [4]uint8{0x09, 0x03, 0x00, 0x02}, 0x63, crtcCGA320, attrCGA320, gcCGA320, dacCGA, 0x2A, 0x30},
	0x05: {40, 25, 8, 0x4000, 0xB8000, false, [4]uint8{0x09, 0x03, 0x00, 0x02}, 0x63, crtcCGA320, attrCGA320, gcCGA320, dacCGA, 0x2E, 0x30},
	0x06: {80, 25, 8, 0x4000, 0xB8000, false, [4]uint8{0x01, 0x01, 0x00, 0x06}, 0x63, crtcCGA640, attrCGA640, gcCGA640, dacCGA, 0x1E, 0x3F},
	0x07: {80, 25, 16, 0x1000, 0xB0000, true, [4]uint8{0x00, 0x03, 0x00, 0x02}, 0x66, crtcMono, attrMono, gcMono, dacMono, 0x29, 0x30},
	0x13: {40, 25, 8, 0x10000, 0xA0000, false, [4]uint8{0x01, 0x0F, 0x00, 0x0E}, 0x63, crtc13, attr13, gc13, dac256, 0x00, 0x00},
}

// Modes lists the video modes SetMode accepts.
func Modes() []int { return []int{0, 1, 2, 3, 4, 5, 6, 7, 0x13} }

// SetMode programs every register for a BIOS video mode, as INT 10h AH=00h
// does: sequencer, misc output, CRTC (cursor on scan lines 13-14 of 16),
// attribute and graphics controllers, the DAC table of the mode's monitor
// type, the PEL mask, and the CGA mode and colour registers. Video memory
// is cleared (blank characters with attribute 07h in text modes, zeros in
// graphics modes) unless bit 7 of mode is set.
func (a *Adapter) SetMode(mode int) error {
	keep := mode&0x80 != 0
	m, ok := modeTable[mode&0x7F]
	if !ok {
		return fmt.Errorf("video: mode %02Xh is not supported (supported: 0-7, 13h)", mode&0x7F)
	}
	a.seq[0] = 0x03 // out of reset
	copy(a.seq[1:], m.seq[:])
	a.seqIndex = 0
	a.misc = m.misc
	a.crtc = m.crtc
	a.crtcIndex = 0
	copy(a.attr[:], m.attr[:])
	a.attr[arColorSelect] = 0
	a.attrIndex = 0x20 // palette address source on: the picture shows
	a.attrFlipFlop = false
	a.gc = m.gc
	a.gcIndex = 0
	a.loadDAC(m.dac)
	a.pelMask = 0xFF
	a.dacRead, a.dacWrite, a.dacReadSub, a.dacWrSub, a.dacState = 0, 0, 0, 0, 0
	a.cgaMode = m.cgaMode | cgaEnable
	if mode&0x7F == 0x13 {
		a.cgaMode = cgaEnable // no CGA equivalent; the video signal is on
	}
	a.cgaColor = m.cgaColor
	if !m.text || mode&0x7F == 0x13 {
		// Graphics modes have no hardware cursor: CR0A bit 5 turns it off.
		a.crtc[crCursorStart] |= 0x20
	}
	if mode&0x7F != 0x13 {
		a.applyCGAColor()
	}
	if m.text {
		a.LoadROMFont(0, m.charH)
	}
	a.mode = mode & 0x7F
	a.changes++
	if !keep {
		a.clearWindow(m)
	}
	return nil
}

// clearWindow blanks the memory a mode displays from.
func (a *Adapter) clearWindow(m *modeParams) {
	base, size := a.displayMemory(a.kind())
	mem := a.vram[base : base+size]
	if m.text {
		for i := 0; i+1 < len(mem); i += 2 {
			mem[i], mem[i+1] = ' ', 0x07
		}
		return
	}
	clear(mem)
}

// Mode is the mode last set with SetMode (BDA 0040:0049).
func (a *Adapter) Mode() int { return a.mode }

// params is the mode table entry of the current mode.
func (a *Adapter) params() *modeParams { return modeTable[a.mode] }

// Columns is the number of text columns the current mode has (BDA
// 0040:004A), from the CRTC's horizontal display end in text modes.
func (a *Adapter) Columns() int {
	if g := a.geometry(); g.kind == kindText {
		return g.cols
	}
	return a.params().cols
}

// Rows is the number of text rows (BDA 0040:0084 holds Rows()-1).
func (a *Adapter) Rows() int {
	if g := a.geometry(); g.kind == kindText {
		return g.rows
	}
	return a.params().rows
}

// CharHeight is the character cell height in scan lines (BDA 0040:0085).
func (a *Adapter) CharHeight() int {
	if g := a.geometry(); g.kind == kindText {
		return g.charH
	}
	return 8
}

// PageSize is the size in bytes of one display page (BDA 0040:004C):
// 800h for 40x25 text, 1000h for 80x25, the whole buffer in graphics.
func (a *Adapter) PageSize() int {
	if g := a.geometry(); g.kind == kindText {
		// Rounded up to 256 bytes as the BIOS does (80x50 → 1F40h → 2000h).
		n := g.cols * g.rows * 2
		return (n + 0xFF) &^ 0xFF
	}
	return a.params().pageSize
}

// Pages is the number of display pages the mode's memory holds.
func (a *Adapter) Pages() int {
	_, size := a.displayMemory(a.kind())
	n := size / a.PageSize()
	if n > 8 {
		n = 8
	}
	if n < 1 {
		n = 1
	}
	return n
}

// TextBase is the linear address where page 0 of the current mode starts:
// B8000h for colour text and CGA graphics, B0000h for mode 7, A0000h for
// mode 13h.
func (a *Adapter) TextBase() uint32 {
	base, _ := a.displayMemory(a.kind())
	return WindowStart + uint32(base)
}

// PageStart is the byte offset of the displayed page from TextBase (BDA
// 0040:004E), from the CRTC start address.
func (a *Adapter) PageStart() int {
	return int(a.StartAddress()) * a.addressUnit()
}

// IsText reports whether the adapter shows a text mode.
func (a *Adapter) IsText() bool { return a.kind() == kindText }
