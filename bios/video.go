package bios

import "pcemu/cpu"

// INT 10h: the video BIOS for the CGA/VGA-compatible adapter (IBM PC/AT
// Technical Reference "Video I/O"; Ralf Brown's INT 10h). Text and pixels
// go straight to video memory, the cursor and start address to the 6845
// CRTC registers, palettes to the CGA colour select and VGA DAC ports.

// videoMode describes a BIOS mode.
type videoMode struct {
	text         bool
	cols, rows   int
	seg          uint16
	pageSize     uint16
	pages        int
	bpp          int // graphics: bits per pixel (2: CGA 4-colour, 1: CGA 2-colour, 8: VGA 256-colour)
	width        int
	height       int
	crtc         uint16
	charHeight   int
	modeCtrlByte uint8 // CGA mode control register (3D8h) value
}

var videoModes = map[uint8]videoMode{
	0x00: {text: true, cols: 40, rows: 25, seg: 0xB800, pageSize: 0x0800, pages: 8, crtc: 0x3D4, charHeight: 16, modeCtrlByte: 0x2C},
	0x01: {text: true, cols: 40, rows: 25, seg: 0xB800, pageSize: 0x0800, pages: 8, crtc: 0x3D4, charHeight: 16, modeCtrlByte: 0x28},
	0x02: {text: true, cols: 80, rows: 25, seg: 0xB800, pageSize: 0x1000, pages: 8, crtc: 0x3D4, charHeight: 16, modeCtrlByte: 0x2D},
	0x03: {text: true, cols: 80, rows: 25, seg: 0xB800, pageSize: 0x1000, pages: 8, crtc: 0x3D4, charHeight: 16, modeCtrlByte: 0x29},
	0x04: {cols: 40, rows: 25, seg: 0xB800, pageSize: 0x4000, pages: 1, bpp: 2, width: 320, height: 200, crtc: 0x3D4, charHeight: 8, modeCtrlByte: 0x2A},
	0x05: {cols: 40, rows: 25, seg: 0xB800, pageSize: 0x4000, pages: 1, bpp: 2, width: 320, height: 200, crtc: 0x3D4, charHeight: 8, modeCtrlByte: 0x2E},
	0x06: {cols: 80, rows: 25, seg: 0xB800, pageSize: 0x4000, pages: 1, bpp: 1, width: 640, height: 200, crtc: 0x3D4, charHeight: 8, modeCtrlByte: 0x1E},
	0x07: {text: true, cols: 80, rows: 25, seg: 0xB000, pageSize: 0x1000, pages: 8, crtc: 0x3B4, charHeight: 14, modeCtrlByte: 0x29},
	0x13: {cols: 40, rows: 25, seg: 0xA000, pageSize: 0xFA00, pages: 1, bpp: 8, width: 320, height: 200, crtc: 0x3D4, charHeight: 8},
}

// mode returns the current mode from the BDA (mode 3 if it is unknown).
func (b *BIOS) mode() (uint8, videoMode) {
	m := b.bda8(bdaVideoMode) &^ 0x80
	vm, ok := videoModes[m]
	if !ok {
		return 0x03, videoModes[0x03]
	}
	if vm.text { // INT 10h AH=11h may have changed the rows (80x28, 80x50)
		if rows := int(b.bda8(bdaRows)) + 1; rows >= 12 && rows <= 60 {
			vm.rows = rows
		}
		if ps := b.bda16(bdaPageSize); ps >= uint16(vm.rows*vm.cols*2) {
			vm.pageSize = ps
			vm.pages = min(8, 0x8000/int(ps))
		}
	}
	return m, vm
}

func (b *BIOS) crtcRead(reg uint8) uint8 {
	port := b.bda16(bdaCRTCBase)
	if port == 0 {
		port = 0x3D4
	}
	b.bus.Out8(port, reg)
	return b.bus.In8(port + 1)
}

// textLines is the number of scan lines a text mode displays: 350 on the
// monochrome mode, 400 on the colour ones (VGA).
func textLines(m uint8) int {
	if m == 0x07 {
		return 350
	}
	return 400
}

// fontService is AH=11h. The adapter draws text with its own fonts, so a
// "load" only chooses the character height: 8x14, 8x8 or 8x16 cells, and
// with them 28, 50 or 25 rows (AL=01h/02h/04h and the 11h/12h/14h forms
// that recalculate the rows). AL=20h-24h set the graphics font vectors.
func (b *BIOS) fontService(m uint8, vm videoMode) {
	al := b.al()
	height := 0
	switch al {
	case 0x01, 0x11:
		height = 14
	case 0x02, 0x12:
		height = 8
	case 0x04, 0x14:
		height = 16
	case 0x00, 0x10: // user font: only its height matters here
		if h := int(b.bh()); h == 8 || h == 14 || h == 16 {
			height = h
		}
	case 0x20: // INT 1Fh = ES:BP
		b.setVector(0x1F, b.p.Seg(cpu.ES), b.p.Reg(cpu.BP))
	case 0x21, 0x22, 0x23, 0x24: // INT 43h = user font or a ROM font
		seg, off := b.p.Seg(cpu.ES), b.p.Reg(cpu.BP)
		h := b.cx()
		switch al {
		case 0x22:
			seg, off, h = romSeg, offFont14, 14
		case 0x23:
			seg, off, h = romSeg, offFont8Full, 8
		case 0x24:
			seg, off, h = romSeg, offFont16, 16
		}
		b.setVector(0x43, seg, off)
		if !vm.text {
			rows := map[uint8]int{0: int(b.dl()), 1: 14, 2: 25, 3: 43}[b.bl()]
			if rows > 0 {
				b.setBDA8(bdaRows, uint8(rows-1))
			}
			b.setBDA16(bdaCharHeight, h)
		}
	case 0x30:
		b.fontInfo()
	}
	if height == 0 || !vm.text {
		return
	}
	rows := textLines(m) / height
	b.crtcWrite(0x09, b.crtcRead(0x09)&0xE0|uint8(height-1))
	b.setBDA8(bdaRows, uint8(rows-1))
	b.setBDA16(bdaCharHeight, uint16(height))
	b.setBDA16(bdaPageSize, uint16((vm.cols*rows*2+0xFF)&^0xFF))
	b.setCursorShape(0x06, 0x07)
	page := b.bda8(bdaActivePage)
	if row, col := b.cursor(page); row >= rows { // keep the cursor on the screen
		b.setCursor(page, rows-1, col)
	}
}

func (b *BIOS) crtcWrite(reg, v uint8) {
	port := b.bda16(bdaCRTCBase)
	if port == 0 {
		port = 0x3D4
	}
	b.bus.Out8(port, reg)
	b.bus.Out8(port+1, v)
}

// setVideoMode is AH=00h. Bit 7 of the mode keeps video memory.
func (b *BIOS) setVideoMode(m uint8) {
	keep := m&0x80 != 0
	m &^= 0x80
	vm, ok := videoModes[m]
	if !ok {
		return
	}
	if b.cfg.Display != nil && !b.cfg.Display.SetMode(m|mode80(keep)) {
		return
	}
	b.setBDA8(bdaVideoMode, m)
	b.setBDA16(bdaColumns, uint16(vm.cols))
	b.setBDA16(bdaPageSize, vm.pageSize)
	b.setBDA16(bdaPageStart, 0)
	for p := uint16(0); p < 8; p++ {
		b.setBDA16(bdaCursorPos+2*p, 0)
	}
	b.setBDA8(bdaActivePage, 0)
	b.setBDA16(bdaCRTCBase, vm.crtc)
	b.setBDA8(bdaModeCtrl, vm.modeCtrlByte)
	pal := uint8(0x30)
	if m == 0x06 {
		pal = 0x3F
	}
	b.setBDA8(bdaPalette, pal)
	b.setBDA8(bdaRows, uint8(vm.rows-1))
	b.setBDA16(bdaCharHeight, uint16(vm.charHeight))
	b.setBDA8(bdaVideoCtl, 0x60|b.bda8(bdaVideoCtl)&0x80)
	b.setBDA8(bdaVideoSwitch, 0x09)
	b.setBDA8(bdaVGAFlags, 0x11)
	b.setBDA16(bdaEquipment, b.bda16(bdaEquipment)&^0x30|b.equipVideo(m))
	if m <= 0x07 && m != 0x07 {
		b.bus.Out8(0x3D8, vm.modeCtrlByte)
		b.bus.Out8(0x3D9, pal)
	}
	b.crtcWrite(0x0C, 0)
	b.crtcWrite(0x0D, 0)
	if !keep {
		fill := uint16(0)
		if vm.text {
			fill = 0x0720
		}
		base := linear(vm.seg, 0)
		size := uint32(0x8000)
		if m == 0x13 {
			size = 0x10000
		}
		for a := uint32(0); a < size; a += 2 {
			b.wr16(base+a, fill)
		}
	}
	if vm.text {
		b.setCursorShape(0x06, 0x07)
		if m == 0x07 {
			b.setCursorShape(0x0B, 0x0C)
		}
	}
	b.updateCursor(0)
}

func mode80(keep bool) uint8 {
	if keep {
		return 0x80
	}
	return 0
}

func (b *BIOS) equipVideo(m uint8) uint16 {
	switch m {
	case 0x07:
		return 3 << 4
	case 0x00, 0x01:
		return 1 << 4
	}
	return 2 << 4
}

// setCursorShape stores the shape in the BDA and programs the CRTC cursor
// start/end registers, scaling CGA-style 8-line shapes to the character
// height (the VGA BIOS's cursor emulation).
func (b *BIOS) setCursorShape(start, end uint8) {
	b.setBDA16(bdaCursorShape, uint16(start)<<8|uint16(end))
	h := uint8(b.bda16(bdaCharHeight))
	s, e := start&0x1F, end&0x1F
	if h > 8 && s < 8 && e < 8 && start&0x60 == 0 {
		if e == 7 && s >= 6 { // the underline cursor sits on the last lines
			s, e = h-3, h-2
		} else {
			s, e = s*h/8, e*h/8+h/8-1
		}
	}
	b.crtcWrite(0x0A, start&0x60|s)
	b.crtcWrite(0x0B, e)
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

// updateCursor programs CRTC registers 0Eh/0Fh with the cursor's address
// in character cells from the start of video memory.
func (b *BIOS) updateCursor(page uint8) {
	_, vm := b.mode()
	row, col := b.cursor(page)
	pos := int(b.bda16(bdaPageStart))/2 + row*vm.cols + col
	b.crtcWrite(0x0E, uint8(pos>>8))
	b.crtcWrite(0x0F, uint8(pos))
}

// cellAddr is the address of a text cell of a page.
func (b *BIOS) cellAddr(vm videoMode, page uint8, row, col int) uint32 {
	return linear(vm.seg, 0) + uint32(page)*uint32(vm.pageSize) + uint32((row*vm.cols+col)*2)
}

// int10 dispatches the video services.
func (b *BIOS) int10() {
	m, vm := b.mode()
	switch b.ah() {
	case 0x00:
		b.setVideoMode(b.al())
		switch b.al() &^ 0x80 { // AL on return: mode byte as the VGA BIOS reports it
		case 0x06:
			b.setAL(0x3F)
		case 0x04, 0x05, 0x13:
			b.setAL(0x20)
		default:
			b.setAL(0x30)
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
	case 0x04: // light pen: not triggered
		b.setAH(0)
	case 0x05: // active page
		p := b.al()
		if int(p) >= vm.pages {
			return
		}
		b.setBDA8(bdaActivePage, p)
		start := uint16(p) * vm.pageSize
		b.setBDA16(bdaPageStart, start)
		b.crtcWrite(0x0C, uint8(start/2>>8))
		b.crtcWrite(0x0D, uint8(start/2))
		b.updateCursor(p)
	case 0x06, 0x07:
		b.scroll(vm, b.ah() == 0x06, int(b.al()), b.bh(), int(b.ch()), int(b.cl()), int(b.dh()), int(b.dl()))
	case 0x08:
		b.setAX(b.readCell(m, vm, b.bh()))
	case 0x09, 0x0A:
		b.writeChars(m, vm, b.bh(), b.al(), b.bl(), int(b.cx()), b.ah() == 0x09)
	case 0x0B:
		b.cgaPalette()
	case 0x0C:
		if !vm.text {
			b.writePixel(vm, int(b.cx()), int(b.dx()), b.al())
		}
	case 0x0D:
		if !vm.text {
			b.setAL(b.readPixel(vm, int(b.cx()), int(b.dx())))
		}
	case 0x0E:
		b.teletype(b.al(), b.bl())
	case 0x0F:
		b.setAX(uint16(vm.cols)<<8 | uint16(b.bda8(bdaVideoMode)))
		b.setBH(b.bda8(bdaActivePage))
	case 0x10:
		b.vgaPalette()
	case 0x11:
		b.fontService(m, vm)
	case 0x12:
		switch bl := b.bl(); {
		case bl == 0x10: // EGA/VGA information: colour, 256 KiB, switches
			b.setBX(0x0003)
			b.setCX(0x0009)
		case bl >= 0x30 && bl <= 0x36: // scan lines, palette loading, enables, summing, cursor emulation
			b.setAL(0x12) // "function supported"; the adapter keeps its settings
		}
	case 0x1B:
		b.stateInfo(m, vm)
	case 0x13:
		b.writeStringService(m, vm)
	case 0x1A: // display combination: VGA with colour display
		if b.al() == 0x00 {
			b.setAL(0x1A)
			b.setBX(0x0008)
		}
	}
}

// scroll moves a window up (or down) by n lines, filling with attr; n=0
// clears it.
func (b *BIOS) scroll(vm videoMode, up bool, n int, attr uint8, top, left, bottom, right int) {
	bottom = min(bottom, vm.rows-1)
	right = min(right, vm.cols-1)
	if top > bottom || left > right {
		return
	}
	height := bottom - top + 1
	if n == 0 || n > height {
		n = height
	}
	if !vm.text {
		b.scrollGraphics(vm, up, n, attr, top, left, bottom, right)
		return
	}
	page := b.bda8(bdaActivePage)
	blank := uint16(attr)<<8 | ' '
	for i := 0; i < height; i++ {
		row := top + i
		if !up {
			row = bottom - i
		}
		src := row + n
		if !up {
			src = row - n
		}
		for col := left; col <= right; col++ {
			dst := b.cellAddr(vm, page, row, col)
			if i < height-n {
				b.wr16(dst, b.rd16(b.cellAddr(vm, page, src, col)))
			} else {
				b.wr16(dst, blank)
			}
		}
	}
}

// scrollGraphics scrolls character rows (8 pixel lines each) of a graphics
// mode a byte at a time; new lines get colour attr in mode 13h and the
// background (0) in the CGA modes.
func (b *BIOS) scrollGraphics(vm videoMode, up bool, n int, attr uint8, top, left, bottom, right int) {
	bytesPerCell := vm.bpp // 8 pixels: 1 byte (1 bpp), 2 bytes (2 bpp), 8 bytes (8 bpp)
	lineAddr := func(y int) uint32 {
		a, _, _ := pixelAddr(vm, 0, y)
		return a + uint32(left*bytesPerCell)
	}
	width := uint32((right - left + 1) * bytesPerCell)
	fill := uint8(0)
	if vm.bpp == 8 {
		fill = attr
	}
	height := bottom - top + 1
	for i := 0; i < height; i++ {
		row := top + i
		if !up {
			row = bottom - i
		}
		src := row + n
		if !up {
			src = row - n
		}
		for y := 0; y < 8; y++ {
			dst := lineAddr(row*8 + y)
			if i < height-n {
				from := lineAddr(src*8 + y)
				for x := uint32(0); x < width; x++ {
					b.wr8(dst+x, b.rd8(from+x))
				}
				continue
			}
			for x := uint32(0); x < width; x++ {
				b.wr8(dst+x, fill)
			}
		}
	}
}

// pixelAddr returns the byte and bit shift of a pixel.
func pixelAddr(vm videoMode, x, y int) (uint32, uint, uint8) {
	base := linear(vm.seg, 0)
	switch vm.bpp {
	case 8:
		return base + uint32(y*320+x), 0, 0xFF
	case 2:
		return base + uint32((y&1)*0x2000+(y>>1)*80+x/4), uint(3-x%4) * 2, 0x03
	default:
		return base + uint32((y&1)*0x2000+(y>>1)*80+x/8), uint(7 - x%8), 0x01
	}
}

// writePixel is AH=0Ch: bit 7 of the colour XORs in the CGA modes.
func (b *BIOS) writePixel(vm videoMode, x, y int, c uint8) {
	if x < 0 || y < 0 || x >= vm.width || y >= vm.height {
		return
	}
	a, sh, mask := pixelAddr(vm, x, y)
	if vm.bpp == 8 {
		b.wr8(a, c)
		return
	}
	v := b.rd8(a)
	if c&0x80 != 0 {
		v ^= (c & mask) << sh
	} else {
		v = v&^(mask<<sh) | (c&mask)<<sh
	}
	b.wr8(a, v)
}

func (b *BIOS) readPixel(vm videoMode, x, y int) uint8 {
	if x < 0 || y < 0 || x >= vm.width || y >= vm.height {
		return 0
	}
	a, sh, mask := pixelAddr(vm, x, y)
	return b.rd8(a) >> sh & mask
}

// glyph8 returns the 8x8 glyph of a character as the ROM holds it.
func (b *BIOS) glyph8(c uint8) []byte {
	o := offFont8Full + int(c)*8
	return b.rom[o : o+8]
}

// readCell is AH=08h: the character and attribute at the cursor; in
// graphics modes the character whose glyph matches the pixels (AH=0).
func (b *BIOS) readCell(m uint8, vm videoMode, page uint8) uint16 {
	row, col := b.cursor(page)
	if vm.text {
		return b.rd16(b.cellAddr(vm, page, row, col))
	}
	var cell [8]byte
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			if b.readPixel(vm, col*8+x, row*8+y) != 0 {
				cell[y] |= 0x80 >> x
			}
		}
	}
	for c := 0; c < 256; c++ {
		if string(b.glyph8(uint8(c))) == string(cell[:]) {
			return uint16(c)
		}
	}
	return 0
}

// writeChars is AH=09h (with attribute) and AH=0Ah (character only):
// count copies from the cursor on, the cursor does not move.
func (b *BIOS) writeChars(m uint8, vm videoMode, page, ch, attr uint8, count int, withAttr bool) {
	row, col := b.cursor(page)
	if !vm.text {
		page = 0
	}
	for i := 0; i < count; i++ {
		pos := row*vm.cols + col + i
		if pos >= vm.rows*vm.cols {
			break
		}
		r, c := pos/vm.cols, pos%vm.cols
		if vm.text {
			a := b.cellAddr(vm, page, r, c)
			b.wr8(a, ch)
			if withAttr {
				b.wr8(a+1, attr)
			}
			continue
		}
		b.drawGlyph(vm, r, c, ch, attr)
	}
}

// drawGlyph draws an 8x8 character in a graphics mode in colour attr (the
// background pixels get colour 0; bit 7 XORs in the CGA modes).
func (b *BIOS) drawGlyph(vm videoMode, row, col int, ch, attr uint8) {
	g := b.glyph8(ch)
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			on := g[y]&(0x80>>x) != 0
			c := uint8(0)
			if on {
				c = attr
			} else if attr&0x80 != 0 && vm.bpp != 8 {
				continue // XOR with 0 leaves the pixel alone
			}
			b.writePixel(vm, col*8+x, row*8+y, c)
		}
	}
}

// teletype is AH=0Eh: write a character at the cursor of the active page
// and advance; BEL, BS, LF and CR act; the screen scrolls at the bottom
// with the attribute of the cell under the cursor.
func (b *BIOS) teletype(ch, color uint8) {
	_, vm := b.mode()
	page := b.bda8(bdaActivePage)
	row, col := b.cursor(page)
	switch ch {
	case 0x07: // bell: no speaker model
		return
	case 0x08:
		if col > 0 {
			col--
		}
	case 0x0A:
		row++
	case 0x0D:
		col = 0
	default:
		if vm.text {
			b.wr8(b.cellAddr(vm, page, row, col), ch)
		} else {
			b.drawGlyph(vm, row, col, ch, color)
		}
		col++
		if col >= vm.cols {
			col = 0
			row++
		}
	}
	if row >= vm.rows {
		attr := uint8(0)
		if vm.text {
			attr = b.rd8(b.cellAddr(vm, page, vm.rows-1, col) + 1)
		}
		b.scroll(vm, true, 1, attr, 0, 0, vm.rows-1, vm.cols-1)
		row = vm.rows - 1
	}
	b.setCursor(page, row, col)
}

// writeString puts a Go string through the teletype (BIOS messages).
func (b *BIOS) writeString(s string) {
	for i := 0; i < len(s); i++ {
		b.teletype(s[i], 0x07)
	}
}

// writeStringService is AH=13h: CX characters from ES:BP at DH/DL of page
// BH; AL bit 0 moves the cursor, bit 1 means the string alternates
// characters and attributes (else BL is the attribute).
func (b *BIOS) writeStringService(m uint8, vm videoMode) {
	mode, page, attr := b.al(), b.bh(), b.bl()
	src := linear(b.p.Seg(cpu.ES), b.p.Reg(cpu.BP))
	saveRow, saveCol := b.cursor(page)
	row, col := int(b.dh()), int(b.dl())
	active := b.bda8(bdaActivePage)
	for i := 0; i < int(b.cx()); i++ {
		ch := b.rd8(src)
		src++
		if mode&2 != 0 {
			attr = b.rd8(src)
			src++
		}
		switch ch {
		case 0x07, 0x08, 0x0A, 0x0D: // control characters act as in the teletype
			b.setCursor(page, row, col)
			if page == active {
				b.teletype(ch, attr)
				row, col = b.cursor(page)
			}
			continue
		}
		if vm.text {
			a := b.cellAddr(vm, page, row, col)
			b.wr8(a, ch)
			b.wr8(a+1, attr)
		} else {
			b.drawGlyph(vm, row, col, ch, attr)
		}
		col++
		if col >= vm.cols {
			col = 0
			row++
			if row >= vm.rows {
				b.scroll(vm, true, 1, attr, 0, 0, vm.rows-1, vm.cols-1)
				row = vm.rows - 1
			}
		}
	}
	if mode&1 != 0 {
		b.setCursor(page, row, col)
	} else {
		b.setCursor(page, saveRow, saveCol)
	}
}

// cgaPalette is AH=0Bh: BH=0 background/border colour, BH=1 palette.
func (b *BIOS) cgaPalette() {
	v := b.bda8(bdaPalette)
	switch b.bh() {
	case 0x00:
		v = v&0xE0 | b.bl()&0x1F
	case 0x01:
		v = v&^0x20 | (b.bl()&1)<<5
	default:
		return
	}
	b.setBDA8(bdaPalette, v)
	b.bus.Out8(0x3D9, v)
}

// vgaPalette is AH=10h: attribute controller palette and DAC registers.
func (b *BIOS) vgaPalette() {
	attrWrite := func(reg, v uint8) {
		b.bus.In8(0x3DA) // reset the attribute controller's flip-flop
		b.bus.Out8(0x3C0, reg)
		b.bus.Out8(0x3C0, v)
		b.bus.Out8(0x3C0, 0x20) // palette address source on: display enabled
	}
	switch b.al() {
	case 0x00: // one palette register
		attrWrite(b.bl()&0x0F, b.bh())
	case 0x01: // overscan
		attrWrite(0x11, b.bh())
	case 0x02: // all 16 palette registers and overscan from ES:DX
		src := linear(b.p.Seg(cpu.ES), b.dx())
		for i := uint32(0); i < 16; i++ {
			attrWrite(uint8(i), b.rd8(src+i))
		}
		attrWrite(0x11, b.rd8(src+16))
	case 0x03: // blink (BL=1) or intensity (BL=0) for attribute bit 7
		mc := b.bda8(bdaModeCtrl)&^0x20 | (b.bl()&1)<<5
		b.setBDA8(bdaModeCtrl, mc)
		b.bus.Out8(0x3D8, mc)
		attrWrite(0x10, 0x0C|(b.bl()&1)<<3)
	case 0x10: // one DAC register: BX index, DH red, CH green, CL blue
		b.bus.Out8(0x3C8, b.bl())
		b.bus.Out8(0x3C9, b.dh())
		b.bus.Out8(0x3C9, b.ch())
		b.bus.Out8(0x3C9, b.cl())
	case 0x12: // block of DAC registers from ES:DX
		src := linear(b.p.Seg(cpu.ES), b.dx())
		b.bus.Out8(0x3C8, b.bl())
		for i := uint32(0); i < uint32(b.cx())*3; i++ {
			b.bus.Out8(0x3C9, b.rd8(src+i))
		}
	case 0x07: // read one palette register
		b.setBH(b.attrRead(b.bl() & 0x0F))
	case 0x08: // read overscan
		b.setBH(b.attrRead(0x11))
	case 0x09: // read all palette registers and overscan to ES:DX
		dst := linear(b.p.Seg(cpu.ES), b.dx())
		for i := uint32(0); i < 16; i++ {
			b.wr8(dst+i, b.attrRead(uint8(i)))
		}
		b.wr8(dst+16, b.attrRead(0x11))
	case 0x15: // read one DAC register
		b.bus.Out8(0x3C7, b.bl())
		b.setDH(b.bus.In8(0x3C9))
		b.setCH(b.bus.In8(0x3C9))
		b.setCL(b.bus.In8(0x3C9))
	case 0x17: // read a block of DAC registers to ES:DX
		dst := linear(b.p.Seg(cpu.ES), b.dx())
		b.bus.Out8(0x3C7, b.bl())
		for i := uint32(0); i < uint32(b.cx())*3; i++ {
			b.wr8(dst+i, b.bus.In8(0x3C9))
		}
	}
}

// fontInfo is AX=1130h: ES:BP = the font BH names, CX = bytes per
// character, DL = rows - 1.
func (b *BIOS) fontInfo() {
	var seg, off uint16
	height := b.bda16(bdaCharHeight)
	switch b.bh() {
	case 0x00: // INT 1Fh vector
		off, seg = b.rd16(0x1F*4), b.rd16(0x1F*4+2)
	case 0x01: // INT 43h vector
		off, seg = b.rd16(0x43*4), b.rd16(0x43*4+2)
	case 0x02, 0x05: // 8x14 (and its 9x14 alternate: none, same glyphs)
		seg, off = romSeg, offFont14
	case 0x03: // 8x8, characters 00h-7Fh
		seg, off = romSeg, offFont8Full
	case 0x04: // 8x8, characters 80h-FFh
		seg, off = romSeg, offFont8Full+1024
	case 0x06, 0x07: // 8x16
		seg, off = romSeg, offFont16
	default:
		return
	}
	b.p.SetSeg(cpu.ES, seg)
	b.p.SetReg(cpu.BP, off)
	b.setCX(height)
	b.setDL(b.bda8(bdaRows))
}

// attrRead reads an attribute controller register (index on 3C0h, data on
// 3C1h), leaving the palette address source on.
func (b *BIOS) attrRead(reg uint8) uint8 {
	b.bus.In8(0x3DA)
	b.bus.Out8(0x3C0, reg)
	v := b.bus.In8(0x3C1)
	b.bus.In8(0x3DA)
	b.bus.Out8(0x3C0, 0x20)
	return v
}

// staticFunctionality is the VGA BIOS's static functionality table that
// AH=1Bh points to (Ralf Brown's Table 00039): modes 00h-07h and 13h,
// 200/350/400 scan lines, 8 character blocks... as far as this adapter goes.
var staticFunctionality = [16]byte{
	0xFF, // modes 00h-07h
	0x00, // modes 08h-0Fh
	0x08, // mode 13h
	0, 0, 0, 0,
	0x07, // 200, 350, 400 scan lines
	0x02, // character blocks available in text modes
	0x08, // maximum active character blocks
	0xE3, // palette, DAC, summing, cursor emulation, video enable
	0x0C, // DCC, palette controls
	0, 0, 0, 0,
}

// stateInfo is AH=1Bh with BX=0: the 64-byte dynamic state table at ES:DI.
func (b *BIOS) stateInfo(m uint8, vm videoMode) {
	if b.bx() != 0 {
		return
	}
	dst := linear(b.p.Seg(cpu.ES), b.p.Reg(cpu.DI))
	for i := uint32(0); i < 64; i++ {
		b.wr8(dst+i, 0)
	}
	b.wr16(dst, offStaticFunc)
	b.wr16(dst+2, romSeg)
	b.wr8(dst+4, m)
	b.wr16(dst+5, uint16(vm.cols))
	b.wr16(dst+7, b.bda16(bdaPageSize))
	b.wr16(dst+9, b.bda16(bdaPageStart))
	for p := uint32(0); p < 8; p++ {
		b.wr16(dst+0x0B+2*p, b.bda16(bdaCursorPos+2*uint16(p)))
	}
	b.wr16(dst+0x1B, b.bda16(bdaCursorShape))
	b.wr8(dst+0x1D, b.bda8(bdaActivePage))
	b.wr16(dst+0x1E, b.bda16(bdaCRTCBase))
	b.wr8(dst+0x20, b.bda8(bdaModeCtrl))
	b.wr8(dst+0x21, b.bda8(bdaPalette))
	b.wr8(dst+0x22, uint8(vm.rows))
	b.wr16(dst+0x23, b.bda16(bdaCharHeight))
	b.wr8(dst+0x25, 0x08) // active display: VGA colour
	colors := uint16(16)
	switch vm.bpp {
	case 8:
		colors = 256
	case 2:
		colors = 4
	case 1:
		colors = 2
	}
	b.wr16(dst+0x27, colors)
	b.wr8(dst+0x29, uint8(vm.pages))
	scan := uint8(2) // 400 lines
	if !vm.text && vm.bpp != 8 || m == 0x13 {
		scan = 0 // 200 (double-scanned)
	}
	b.wr8(dst+0x2A, scan)
	b.wr8(dst+0x2D, b.bda8(bdaModeCtrl)&0x20) // bit 5: blinking enabled
	b.setAL(0x1B)
}
