package bios

import "pcemu/cpu"

// INT 10h: the video BIOS of the VGA (IBM VGA Technical Reference, "Video
// BIOS"; Ralf Brown's Interrupt List, INT 10h). Like a real VGA BIOS it
// keeps its state in the BIOS data area (0040:0049-008A, 00A8) and
// reaches the adapter only through its I/O ports and memory (vgaio.go):
// the mode table (vgatable.go) is written to the registers, text goes to
// the planes through the odd/even window, pixels of the planar modes
// through the graphics controller's write modes.
//
// The parts: this file (dispatch, mode set, cursor, pages, the BDA), vgatext.go
// (characters, scrolling, teletype, strings), vgapixel.go (graphics-mode
// pixels and characters), vgapalette.go (AH=0Bh, 10h), vgafont.go (AH=11h),
// vgaconfig.go (AH=12h, 1Ah, 1Bh, 1Ch).

// BDA bytes of the video BIOS beyond those in post.go.
const (
	bdaSavePointer = 0xA8 // dword: the video save pointer table

	// 0040:0087 bits (IBM VGA BIOS; SeaBIOS: cursor emulation is on while
	// bit 0 is clear).
	vcNoCursorEmulation = 0x01
	vcMono              = 0x02
	vcInactive          = 0x08
	vcMemory256K        = 0x60
	vcKeepMemory        = 0x80 // the last mode set had bit 7: memory not cleared

	// 0040:0089 bits.
	vfActive       = 0x01
	vfGreySum      = 0x02
	vfMonoDisplay  = 0x04
	vfNoPaletteLd  = 0x08 // default palette loading disabled
	vfSwitching    = 0x40 // display switching enabled
	vfLines400     = 0x10 // with bit 7: text scan lines 350 (00), 400 (10h), 200 (80h)
	vfLines200     = 0x80
	vfLinesMask    = 0x90
	vgaFeatureBits = 0x09 // 0040:0088: switch settings of a VGA with a colour display
)

func (b *BIOS) vga() vgaIO { return vgaIO{b.bus} }

// mode returns the current mode from the BDA; ok is false when it is not
// a standard mode (a program set registers by hand and left the BDA).
func (b *BIOS) mode() (m uint8, vm videoMode, ok bool) {
	m = b.bda8(bdaVideoMode) & 0x7F
	vm, ok = videoModes[m]
	return m, vm, ok
}

// entry is the parameter table entry the current mode was set from.
func (b *BIOS) entry(vm videoMode) *paramEntry {
	return &videoParamTable[vm.param[b.scanLines()]]
}

// scanLines is the text-mode scan line setting of AH=12h BL=30h.
func (b *BIOS) scanLines() int {
	switch b.bda8(bdaVGAFlags) & vfLinesMask {
	case vfLines200:
		return lines200
	case 0:
		return lines350
	}
	return lines400
}

// screen is the text geometry the BDA holds.
type screen struct {
	cols, rows, charH int
	pageSize          uint32
}

func (b *BIOS) screen() screen {
	return screen{
		cols:     int(b.bda16(bdaColumns)),
		rows:     int(b.bda8(bdaRows)) + 1,
		charH:    int(b.bda16(bdaCharHeight)),
		pageSize: uint32(b.bda16(bdaPageSize)),
	}
}

// pages is how many display pages of the current size the mode's memory
// holds (at most 8).
func (vm videoMode) pagesOf(pageSize uint32) int {
	if vm.model != mmText {
		return vm.pages
	}
	if pageSize == 0 {
		return 1
	}
	return min(8, int(0x8000/pageSize))
}

// addressShift is how the CRTC start address relates to a byte offset:
// word addressing in text and CGA modes, byte addressing in the planar
// modes, doubleword in mode 13h.
func (vm videoMode) addressShift() uint {
	switch vm.model {
	case mmPlanar:
		return 0
	case mmPacked:
		return 2
	}
	return 1
}

// setVideoMode is AH=00h: program the mode's table entry, load its DAC
// colours (unless default palette loading is off, summed to grey when
// grey-scale summing is on) and, in text modes, its font; clear the memory
// unless bit 7 is set; set the BDA.
func (b *BIOS) setVideoMode(al uint8) {
	m := al & 0x7F
	vm, ok := videoModes[m]
	if !ok {
		return
	}
	v := b.vga()
	e := &videoParamTable[vm.param[b.scanLines()]]
	v.program(e)
	flags := b.bda8(bdaVGAFlags)
	if flags&vfNoPaletteLd == 0 {
		v.dacWrite(0, dacColours(vm.dac, flags&vfGreySum != 0))
	}
	b.bus.Out8(portPELMask, 0xFF)
	if vm.model == mmText {
		h := int(e.charH)
		v.loadFont(e, 0, 0, 256, b.romFont(h), h)
	}
	if al&0x80 == 0 {
		v.clear(vm)
	}

	b.setBDA8(bdaVideoMode, m)
	b.setBDA16(bdaColumns, uint16(e.cols))
	b.setBDA16(bdaPageSize, e.pageSize)
	b.setBDA16(bdaPageStart, 0)
	for p := uint16(0); p < 8; p++ {
		b.setBDA16(bdaCursorPos+2*p, 0)
	}
	b.setBDA8(bdaActivePage, 0)
	b.setBDA16(bdaCRTCBase, v.crtcPort())
	b.setBDA8(bdaModeCtrl, vm.cgaMode)
	pal := uint8(0x30)
	if m == 0x06 {
		pal = 0x3F
	}
	b.setBDA8(bdaPalette, pal)
	b.setBDA8(bdaRows, e.rowsM1)
	b.setBDA16(bdaCharHeight, uint16(e.charH))
	ctl := b.bda8(bdaVideoCtl)&(vcNoCursorEmulation) | vcMemory256K
	if al&0x80 != 0 {
		ctl |= vcKeepMemory
	}
	if v.crtcPort() == portCRTCMono {
		ctl |= vcMono
	}
	b.setBDA8(bdaVideoCtl, ctl)
	b.setBDA16(bdaEquipment, b.bda16(bdaEquipment)&^0x30|equipVideo(m))
	b.setFontVectors(vm, int(e.charH))
	b.setBDA16(bdaCursorShape, 0x0607)
	if vm.model == mmText {
		b.programCursorShape()
	}
	b.updateCursor(0)
}

// equipVideo is the initial video mode field of the equipment word.
func equipVideo(m uint8) uint16 {
	switch m {
	case 0x07, 0x0F:
		return 3 << 4
	case 0x00, 0x01:
		return 1 << 4
	}
	return 2 << 4
}

// romFont returns the ROM font of cell height h (8, 14 or 16).
func (b *BIOS) romFont(h int) []byte {
	off := map[int]int{8: offFont8Full, 14: offFont14, 16: offFont16}[h]
	return b.rom[off : off+256*h]
}

// setFontVectors points INT 43h at the font text is drawn with in a
// graphics mode (8x8 up to 200 lines, 8x14 for 350, 8x16 for 480; the
// 8x8 font in text modes) and INT 1Fh at the upper half of the 8x8 font.
func (b *BIOS) setFontVectors(vm videoMode, charH int) {
	off := uint16(offFont8Full)
	if vm.model != mmText {
		off = map[int]uint16{8: offFont8Full, 14: offFont14, 16: offFont16}[charH]
	}
	b.setVector(0x43, romSeg, off)
	b.setVector(0x1F, romSeg, offFont8Full+1024)
}

// setCursorShape is AH=01h: the BDA keeps the shape as asked (CGA-style
// scan lines of an 8-line cell), the CRTC gets it through cursor
// emulation.
func (b *BIOS) setCursorShape(start, end uint8) {
	b.setBDA16(bdaCursorShape, uint16(start)<<8|uint16(end))
	b.programCursorShape()
}

// programCursorShape writes the BDA's cursor shape to CR0A/CR0B. With
// cursor emulation on (0040:0087 bit 0 clear) a shape within an 8-line
// cell is scaled to the character height: the two-line underline cursor
// (start 6 or 7, end 7) becomes the two lines above the cell's last one,
// as the mode table has it, and other shapes scale line for line.
func (b *BIOS) programCursorShape() {
	w := b.bda16(bdaCursorShape)
	start, end := uint8(w>>8), uint8(w)
	s, e := emulateCursor(start, end, int(b.bda16(bdaCharHeight)), b.bda8(bdaVideoCtl)&vcNoCursorEmulation == 0)
	v := b.vga()
	v.crtc(crCursorStart, v.crtcIn(crCursorStart)&0xC0|s&0x3F)
	v.crtc(crCursorEnd, v.crtcIn(crCursorEnd)&0xE0|e&0x1F)
}

// emulateCursor scales a CGA cursor shape (bit 5 of start: cursor off) to
// an h-line cell.
func emulateCursor(start, end uint8, h int, emulate bool) (s, e uint8) {
	s, e = start&0x3F, end&0x1F
	if !emulate || h <= 8 || s&0x1F >= 8 || e >= 8 || start&0x20 != 0 {
		return s, e
	}
	if e == 7 && s >= 6 {
		return uint8(h - 3), uint8(h - 2)
	}
	return uint8(int(s) * h / 8), uint8(int(e)*h/8 + h/8 - 1)
}

func (b *BIOS) cursor(page uint8) (row, col int) {
	w := b.bda16(bdaCursorPos + 2*uint16(page&7))
	return int(w >> 8), int(w & 0xFF)
}

func (b *BIOS) setCursor(page uint8, row, col int) {
	b.setBDA16(bdaCursorPos+2*uint16(page&7), uint16(row)<<8|uint16(col))
	if page == b.bda8(bdaActivePage) {
		b.updateCursor(page)
	}
}

// updateCursor programs CR0E/CR0F with the cursor's address: in text
// modes the character cell counted from the start of video memory.
func (b *BIOS) updateCursor(page uint8) {
	_, vm, ok := b.mode()
	if !ok || vm.model != mmText {
		return
	}
	s := b.screen()
	row, col := b.cursor(page)
	pos := int(uint32(page)*s.pageSize/2) + row*s.cols + col
	v := b.vga()
	v.crtc(crCursorHigh, uint8(pos>>8))
	v.crtc(crCursorLow, uint8(pos))
}

// selectPage is AH=05h: the CRTC start address shows page p.
func (b *BIOS) selectPage(p uint8) {
	_, vm, ok := b.mode()
	s := b.screen()
	if !ok || int(p) >= vm.pagesOf(s.pageSize) {
		return
	}
	b.setBDA8(bdaActivePage, p)
	start := uint32(p) * s.pageSize
	b.setBDA16(bdaPageStart, uint16(start))
	a := start >> vm.addressShift()
	v := b.vga()
	v.crtc(crStartHigh, uint8(a>>8))
	v.crtc(crStartLow, uint8(a))
	b.updateCursor(p)
}

// int10 dispatches the video services.
func (b *BIOS) int10() {
	switch b.ah() {
	case 0x00:
		b.setVideoMode(b.al())
		switch b.al() &^ 0x80 { // AL on return: the mode byte as VGA BIOSes report it
		case 0x06:
			b.setAL(0x3F)
		case 0x00, 0x01, 0x02, 0x03, 0x07:
			b.setAL(0x30)
		default:
			b.setAL(0x20)
		}
	case 0x01:
		b.setCursorShape(b.ch(), b.cl())
	case 0x02:
		b.setCursor(b.bh(), int(b.dh()), int(b.dl()))
	case 0x03:
		row, col := b.cursor(b.bh())
		b.setCX(b.bda16(bdaCursorShape))
		b.setDX(uint16(row)<<8 | uint16(col))
		b.setAX(0)
	case 0x04: // light pen: the VGA has none, never triggered
		b.setAH(0)
	case 0x05:
		b.selectPage(b.al())
	case 0x06, 0x07:
		b.scroll(b.ah() == 0x06, int(b.al()), b.bh(), int(b.ch()), int(b.cl()), int(b.dh()), int(b.dl()))
	case 0x08:
		b.setAX(b.readCell(b.bh()))
	case 0x09, 0x0A:
		b.writeChars(b.bh(), b.al(), b.bl(), int(b.cx()), b.ah() == 0x09)
	case 0x0B:
		b.cgaPalette()
	case 0x0C:
		b.writePixel(b.bh(), int(b.cx()), int(b.dx()), b.al())
	case 0x0D:
		b.setAL(b.readPixel(b.bh(), int(b.cx()), int(b.dx())))
	case 0x0E:
		if b.teletype(b.al(), b.bl()) {
			b.bell()
		}
	case 0x0F:
		b.setAX(b.bda16(bdaColumns)<<8 | uint16(b.bda8(bdaVideoMode)|b.bda8(bdaVideoCtl)&vcKeepMemory))
		b.setBH(b.bda8(bdaActivePage))
	case 0x10:
		b.paletteService()
	case 0x11:
		b.fontService()
	case 0x12:
		b.configService()
	case 0x13:
		b.writeStringService()
	case 0x1A:
		b.displayCombination()
	case 0x1B:
		b.stateInfo()
	case 0x1C:
		b.saveRestoreState()
	}
}

// buffer is ES:reg as a linear address.
func (b *BIOS) buffer(reg int) uint32 { return linear(b.p.Seg(cpu.ES), b.p.Reg(reg)) }
