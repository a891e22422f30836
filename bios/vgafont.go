package bios

import "pcemu/cpu"

// INT 10h AH=11h: the character generator (IBM VGA Technical Reference,
// "Character Generator Routines"; Ralf Brown's INT 10h AH=11h). Text-mode
// fonts live in plane 2 of the adapter, eight maps of 256 characters of 32
// bytes; a load writes the glyphs there through the ports (vgaIO.loadFont).
// The AL=1xh forms then fit the screen to the character height: the CRTC's
// maximum scan line, as many rows as the scan lines hold, the cursor, and
// the BDA. The AL=2xh forms set the font of graphics-mode text (INT 43h).

// fontService is AH=11h.
func (b *BIOS) fontService() {
	_, vm, ok := b.mode()
	if !ok {
		return
	}
	al := b.al()
	text := vm.model == mmText
	switch al {
	case 0x00, 0x10: // user font: CX glyphs of BH bytes from ES:BP, from DX, into map BL
		if !text {
			return
		}
		h := int(b.bh())
		if h == 0 || h > 32 {
			return
		}
		n := int(b.cx())
		src := b.buffer(cpu.BP)
		glyphs := make([]byte, n*h)
		for i := range glyphs {
			glyphs[i] = b.rd8(src + uint32(i))
		}
		b.vga().loadFont(b.entry(vm), b.bl()&7, int(b.dx()), n, glyphs, h)
		if al == 0x10 {
			b.fitToFont(h)
		}
	case 0x01, 0x02, 0x04, 0x11, 0x12, 0x14: // ROM 8x14, 8x8, 8x16 into map BL
		if !text {
			return
		}
		h := map[uint8]int{0x01: 14, 0x02: 8, 0x04: 16}[al&0x0F]
		b.vga().loadFont(b.entry(vm), b.bl()&7, 0, 256, b.romFont(h), h)
		if al >= 0x10 {
			b.fitToFont(h)
		}
	case 0x03: // character map select = BL
		b.vga().seq(srCharMap, b.bl())
	case 0x20: // INT 1Fh = ES:BP (8x8 graphics characters 80h-FFh)
		b.setVector(0x1F, b.p.Seg(cpu.ES), b.p.Reg(cpu.BP))
	case 0x21, 0x22, 0x23, 0x24: // INT 43h = user font (CX bytes per character) or a ROM font
		if text {
			return
		}
		seg, off, h := b.p.Seg(cpu.ES), b.p.Reg(cpu.BP), b.cx()
		switch al {
		case 0x22:
			seg, off, h = romSeg, offFont14, 14
		case 0x23:
			seg, off, h = romSeg, offFont8Full, 8
		case 0x24:
			seg, off, h = romSeg, offFont16, 16
		}
		rows := map[uint8]int{0: int(b.dl()), 1: 14, 2: 25, 3: 43}[b.bl()]
		if rows == 0 || h == 0 {
			return
		}
		b.setVector(0x43, seg, off)
		b.setBDA8(bdaRows, uint8(rows-1))
		b.setBDA16(bdaCharHeight, h)
	case 0x30:
		b.fontInfo()
	}
}

// fitToFont programs the CRTC for text cells of h scan lines after a font
// load (AX=1110h-1114h): the maximum scan line, the vertical display end
// cut to the last whole row of the mode's scan lines (200, 350 or 400, from
// its table entry), the cursor (the two lines above the cell's last), the
// underline on the last line in monochrome; and the BDA rows, character
// height and page size.
func (b *BIOS) fitToFont(h int) {
	io := b.vga()
	_, vm, _ := b.mode()
	e := b.entry(vm)
	lines := 1 + int(e.crtc[crVDisplayEnd]) | int(e.crtc[crOverflow]>>1&1)<<8 | int(e.crtc[crOverflow]>>6&1)<<9
	if e.crtc[crMaxScan]&0x80 != 0 {
		lines /= 2 // double scanned: the lines a cell counts
	}
	o := io.crtcIn(crOverflow)
	rows := lines / h
	vde := rows*h - 1
	if e.crtc[crMaxScan]&0x80 != 0 {
		vde = 2*rows*h - 1
	}
	io.crtc(crVRetraceEnd, io.crtcIn(crVRetraceEnd)&0x7F) // unlock CR07
	io.crtc(crMaxScan, io.crtcIn(crMaxScan)&0xE0|uint8(h-1))
	io.crtc(crVDisplayEnd, uint8(vde))
	io.crtc(crOverflow, o&^0x42|uint8(vde>>8&1)<<1|uint8(vde>>9&1)<<6)
	if io.crtcPort() == portCRTCMono {
		io.crtc(crUnderline, io.crtcIn(crUnderline)&0xE0|uint8(h-1))
	}
	cols := int(b.bda16(bdaColumns))
	b.setBDA8(bdaRows, uint8(rows-1))
	b.setBDA16(bdaCharHeight, uint16(h))
	b.setBDA16(bdaPageSize, uint16((cols*rows*2+0xFF)&^0xFF))
	b.setCursorShape(0x06, 0x07)
	page := b.bda8(bdaActivePage)
	if row, col := b.cursor(page); row >= rows { // keep the cursor on the screen
		b.setCursor(page, rows-1, col)
	}
}

// fontInfo is AX=1130h: ES:BP = the font BH names, CX = the current
// character height, DL = rows - 1.
func (b *BIOS) fontInfo() {
	var seg, off uint16 = romSeg, 0
	switch b.bh() {
	case 0x00: // INT 1Fh vector
		off, seg = b.rd16(0x1F*4), b.rd16(0x1F*4+2)
	case 0x01: // INT 43h vector
		off, seg = b.rd16(0x43*4), b.rd16(0x43*4+2)
	case 0x02:
		off = offFont14
	case 0x03: // 8x8, characters 00h-7Fh
		off = offFont8Full
	case 0x04: // 8x8, characters 80h-FFh
		off = offFont8Full + 1024
	case 0x05, 0x07: // 9x14 and 9x16 alternates: no glyph needs one in these fonts
		off = offAltFont
	case 0x06:
		off = offFont16
	default:
		return
	}
	b.p.SetSeg(cpu.ES, seg)
	b.p.SetReg(cpu.BP, off)
	b.setCX(b.bda16(bdaCharHeight))
	b.setDL(b.bda8(bdaRows))
}
