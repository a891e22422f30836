package bios

import "pcemu/cpu"

// Characters, scrolling, the teletype and strings (INT 10h AH=06h-0Ah,
// 0Eh, 13h) in every mode: text modes write character/attribute pairs
// through the odd/even window, graphics modes draw the font's dots
// (vgapixel.go).

// cellAddr is the address of a text cell of a page.
func (b *BIOS) cellAddr(vm videoMode, s screen, page uint8, row, col int) uint32 {
	return uint32(vm.seg)<<4 + uint32(page)*s.pageSize + uint32((row*s.cols+col)*2)
}

// scroll is AH=06h (up) and AH=07h (down): the window top,left-bottom,right
// of the active page moves by n rows (n = 0 or beyond the window: clear
// it); the rows it leaves get blanks with attribute attr (in graphics
// modes: colour attr).
func (b *BIOS) scroll(up bool, n int, attr uint8, top, left, bottom, right int) {
	_, vm, ok := b.mode()
	if !ok {
		return
	}
	s := b.screen()
	bottom = min(bottom, s.rows-1)
	right = min(right, s.cols-1)
	if top > bottom || left > right {
		return
	}
	height := bottom - top + 1
	if n == 0 || n > height {
		n = height
	}
	page := b.bda8(bdaActivePage)
	var move func(dst, src int)
	var fill func(row int)
	if vm.model == mmText {
		move = func(dst, src int) {
			for col := left; col <= right; col++ {
				b.wr16(b.cellAddr(vm, s, page, dst, col), b.rd16(b.cellAddr(vm, s, page, src, col)))
			}
		}
		fill = func(row int) {
			for col := left; col <= right; col++ {
				b.wr16(b.cellAddr(vm, s, page, row, col), uint16(attr)<<8|' ')
			}
		}
	} else {
		g := b.graphics(vm, s, page)
		g.begin()
		defer g.end()
		move = func(dst, src int) { g.moveCells(dst, src, left, right) }
		fill = func(row int) { g.fillCells(row, left, right, attr) }
	}
	for i := 0; i < height; i++ {
		row, src := top+i, top+i+n
		if !up {
			row, src = bottom-i, bottom-i-n
		}
		if i < height-n {
			move(row, src)
		} else {
			fill(row)
		}
	}
}

// readCell is AH=08h: the character and attribute at the cursor of page
// page; in graphics modes the character whose glyph the dots show (AH=0).
func (b *BIOS) readCell(page uint8) uint16 {
	_, vm, ok := b.mode()
	if !ok {
		return 0
	}
	s := b.screen()
	row, col := b.cursor(page)
	if vm.model == mmText {
		return b.rd16(b.cellAddr(vm, s, page, row, col))
	}
	g := b.graphics(vm, s, page)
	return uint16(g.recognise(row, col))
}

// writeChars is AH=09h (with attribute) and AH=0Ah (character only): count
// copies from the cursor on; the cursor does not move.
func (b *BIOS) writeChars(page, ch, attr uint8, count int, withAttr bool) {
	_, vm, ok := b.mode()
	if !ok {
		return
	}
	row, col := b.cursor(page)
	b.putChars(vm, b.screen(), page, row, col, ch, attr, count, withAttr)
}

// putChars writes count copies of ch from row, col of page on, up to the
// end of the page (AH=09h/0Ah, the teletype, AH=13h): in text modes the
// character, and attr when withAttr; in graphics modes both draw in colour
// attr (bit 7: XOR onto the picture).
func (b *BIOS) putChars(vm videoMode, s screen, page uint8, row, col int, ch, attr uint8, count int, withAttr bool) {
	var g *gfx
	if vm.model != mmText {
		g = b.graphics(vm, s, page)
		g.begin()
		defer g.end()
	}
	for i := 0; i < count; i++ {
		pos := row*s.cols + col + i
		if pos >= s.rows*s.cols {
			break
		}
		r, c := pos/s.cols, pos%s.cols
		if g != nil {
			g.drawChar(r, c, ch, attr)
			continue
		}
		a := b.cellAddr(vm, s, page, r, c)
		b.wr8(a, ch)
		if withAttr {
			b.wr8(a+1, attr)
		}
	}
}

// teletype is AH=0Eh: write a character at the cursor of the active page
// and advance; BS, LF and CR act; the screen scrolls at the bottom, new
// text rows taking the attribute of the cell under the cursor (colour 0 in
// graphics modes). In graphics modes the character is drawn in colour
// color. BEL moves nothing and reports bell: the caller sounds it
// (beep.go) once its own work is done.
func (b *BIOS) teletype(ch, color uint8) (bell bool) {
	if ch == 0x07 {
		return true
	}
	_, vm, ok := b.mode()
	if !ok {
		return false
	}
	s := b.screen()
	page := b.bda8(bdaActivePage)
	row, col := b.cursor(page)
	switch ch {
	case 0x08:
		if col > 0 {
			col--
		}
	case 0x0A:
		row++
	case 0x0D:
		col = 0
	default:
		b.putChars(vm, s, page, row, col, ch, color, 1, false)
		col++
		if col >= s.cols {
			col = 0
			row++
		}
	}
	if row >= s.rows {
		attr := uint8(0)
		if vm.model == mmText {
			attr = b.rd8(b.cellAddr(vm, s, page, s.rows-1, col) + 1)
		}
		b.scroll(true, 1, attr, 0, 0, s.rows-1, s.cols-1)
		row = s.rows - 1
	}
	b.setCursor(page, row, col)
	return false
}

// writeString puts a Go string through the teletype (BIOS messages, which
// hold no BEL).
func (b *BIOS) writeString(s string) {
	for i := 0; i < len(s); i++ {
		b.teletype(s[i], 0x07)
	}
}

// writeStringService is AH=13h: CX characters from ES:BP at row DH,
// column DL of page BH; AL bit 0 moves the cursor, bit 1 means the string
// alternates characters and attributes (else BL is the attribute). A BEL
// in the string sounds the bell after the whole string is written (the
// IBM BIOS beeps where the BEL is; several BELs here give one beep).
func (b *BIOS) writeStringService() {
	_, vm, ok := b.mode()
	if !ok {
		return
	}
	s := b.screen()
	mode, page, attr := b.al(), b.bh(), b.bl()
	src := b.buffer(cpu.BP)
	saveRow, saveCol := b.cursor(page)
	row, col := int(b.dh()), int(b.dl())
	active := b.bda8(bdaActivePage)
	bell := false
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
				bell = b.teletype(ch, attr) || bell
				row, col = b.cursor(page)
			}
			continue
		}
		b.putChars(vm, s, page, row, col, ch, attr, 1, true)
		col++
		if col >= s.cols {
			col = 0
			row++
			if row >= s.rows {
				b.scroll(true, 1, attr, 0, 0, s.rows-1, s.cols-1)
				row = s.rows - 1
			}
		}
	}
	if mode&1 != 0 {
		b.setCursor(page, row, col)
	} else {
		b.setCursor(page, saveRow, saveCol)
	}
	if bell {
		b.bell()
	}
}
