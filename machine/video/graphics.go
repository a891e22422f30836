package video

// Helpers for the video BIOS: pixels, 8x8 characters and window scrolling
// in whatever mode is set, with the memory layout of that mode (CGA banks,
// 2 or 1 bits per pixel, one byte per pixel). They do what INT 10h AH=06h,
// 07h, 09h, 0Ch and 0Dh do to video memory.

// SetPixel writes colour c at x, y of a graphics mode (INT 10h AH=0Ch). In
// the CGA modes bit 7 of c XORs the colour onto the screen. Points outside
// the picture and text modes are ignored.
func (a *Adapter) SetPixel(x, y int, c uint8) {
	g := a.geometry()
	if g.kind == kindText || x < 0 || y < 0 || x >= g.width || y >= g.height {
		return
	}
	mem := a.vram[g.base : g.base+g.size]
	mask := g.size - 1
	o := g.lineOffset(y)
	xor := c&0x80 != 0
	switch g.kind {
	case kindVGA256:
		mem[(o+x)&mask] = c
	case kindCGA4:
		i := (o + x/4) & mask
		shift := uint(6 - 2*(x&3))
		if xor {
			mem[i] ^= (c & 3) << shift
		} else {
			mem[i] = mem[i]&^(3<<shift) | (c&3)<<shift
		}
	default:
		i := (o + x/8) & mask
		shift := uint(7 - x&7)
		if xor {
			mem[i] ^= (c & 1) << shift
		} else {
			mem[i] = mem[i]&^(1<<shift) | (c&1)<<shift
		}
	}
	a.changes++
}

// Pixel reads the colour at x, y of a graphics mode (INT 10h AH=0Dh); 0
// outside the picture and in text modes.
func (a *Adapter) Pixel(x, y int) uint8 {
	g := a.geometry()
	if g.kind == kindText || x < 0 || y < 0 || x >= g.width || y >= g.height {
		return 0
	}
	return a.pixel(&g, x, y)
}

// DrawGlyph draws an 8x8 glyph (8 bytes, one per line, from Font8x8 or a
// font the guest installed at INT 43h) into character cell col, row of a
// graphics mode, as INT 10h AH=09h does there: set dots in colour c, clear
// dots in colour 0; with bit 7 of c in the CGA modes the dots are XORed on.
func (a *Adapter) DrawGlyph(col, row int, glyph []byte, c uint8) {
	g := a.geometry()
	if g.kind == kindText || len(glyph) < 8 {
		return
	}
	xor := c&0x80 != 0 && g.kind != kindVGA256
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			on := glyph[y]&(0x80>>x) != 0
			switch {
			case xor && on:
				a.SetPixel(col*8+x, row*8+y, c)
			case xor:
			case on:
				a.SetPixel(col*8+x, row*8+y, c)
			default:
				a.SetPixel(col*8+x, row*8+y, 0)
			}
		}
	}
}

// GlyphAt recognises the character drawn in cell col, row of a graphics
// mode with the 8x8 font (INT 10h AH=08h there): its code and the colour
// of its dots. ok is false for a cell that holds no character of the font.
func (a *Adapter) GlyphAt(col, row int) (code, colour uint8, ok bool) {
	g := a.geometry()
	if g.kind == kindText {
		return 0, 0, false
	}
	var bits [8]uint8
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			if p := a.Pixel(col*8+x, row*8+y); p != 0 {
				bits[y] |= 0x80 >> x
				colour = p
			}
		}
	}
	code, ok = glyphIndex8x8[bits]
	return code, colour, ok
}

// Scroll moves the window of character cells from top, left to bottom,
// right (inclusive) up by lines (down when lines is negative) and fills the
// vacated lines, as INT 10h AH=06h/07h do; lines 0 clears the window. In
// text modes the filling is blanks with attribute attr on display page
// page; in graphics modes a cell is 8x8 dots and the filling is colour attr.
func (a *Adapter) Scroll(page, top, left, bottom, right, lines int, attr uint8) {
	g := a.geometry()
	right = min(right, g.cols-1)
	bottom = min(bottom, g.rows-1)
	left, top = max(left, 0), max(top, 0)
	if left > right || top > bottom {
		return
	}
	height := bottom - top + 1
	if lines >= height || -lines >= height {
		lines = 0
	}
	// copyRow moves one cell row's worth of the window; fillRow blanks it.
	var copyRow func(dst, src int)
	var fillRow func(r int)
	if g.kind == kindText {
		mem := a.vram[g.base : g.base+g.size]
		mask := g.size - 1
		base := page * a.PageSize()
		cell := func(r, c int) int { return (base + r*g.stride + 2*c) & mask }
		copyRow = func(dst, src int) {
			for c := left; c <= right; c++ {
				d, s := cell(dst, c), cell(src, c)
				mem[d], mem[d+1] = mem[s], mem[s+1]
			}
		}
		fillRow = func(r int) {
			for c := left; c <= right; c++ {
				d := cell(r, c)
				mem[d], mem[d+1] = ' ', attr
			}
		}
	} else {
		copyRow = func(dst, src int) {
			for y := 0; y < 8; y++ {
				for x := left * 8; x < (right+1)*8; x++ {
					a.SetPixel(x, dst*8+y, a.Pixel(x, src*8+y)&0x7F)
				}
			}
		}
		fillRow = func(r int) {
			for y := 0; y < 8; y++ {
				for x := left * 8; x < (right+1)*8; x++ {
					a.SetPixel(x, r*8+y, attr&0x7F)
				}
			}
		}
	}
	switch {
	case lines == 0:
		for r := top; r <= bottom; r++ {
			fillRow(r)
		}
	case lines > 0:
		for r := top; r <= bottom-lines; r++ {
			copyRow(r, r+lines)
		}
		for r := bottom - lines + 1; r <= bottom; r++ {
			fillRow(r)
		}
	default:
		n := -lines
		for r := bottom; r >= top+n; r-- {
			copyRow(r, r-n)
		}
		for r := top; r < top+n; r++ {
			fillRow(r)
		}
	}
	a.changes++
}

// ScreenSize is the size of the 4:3 screen a picture of w x h pixels fills
// (a VGA monitor stretches every mode to 4:3): 720x400 → 720x540,
// 320x200 → 320x240, 360x400 → 533x400. Displays scale to it.
func ScreenSize(w, h int) (sw, sh int) {
	if w*3 >= h*4 {
		return w, w * 3 / 4
	}
	return h * 4 / 3, h
}
