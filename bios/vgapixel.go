package bios

// Pixels and characters in the graphics modes (INT 10h AH=0Ch, 0Dh and
// the graphics side of 06h-0Ah, 0Eh, 13h), each in its mode's memory
// layout (IBM VGA Technical Reference, "Graphics Controller"; Ferraro ch.
// 4 and 5):
//
//   - CGA modes 4-6: two banks (even lines at B800:0000, odd at B800:2000),
//     2 or 1 bits per pixel, written a byte at a time through the odd/even
//     window as a CGA BIOS does; colour bit 7 XORs;
//   - planar modes 0Dh-12h: one bit per pixel in each plane. A pixel is
//     written with write mode 2 (the colour's bit p goes to plane p) and
//     the bit mask selecting it, after a read that loads the latches so
//     that the other seven pixels of the byte keep their colours; colour
//     bit 7 selects the XOR logical function. It is read plane by plane
//     with the read map select. Scrolling copies bytes through the latches
//     in write mode 1;
//   - mode 13h: one byte per pixel through chain-4.
//
// Characters are drawn from the font INT 43h points to, as many lines as
// the BDA's character height; in modes 4-6 characters 80h-FFh come from
// INT 1Fh, as on the CGA.

// gfx draws on one page of a graphics mode.
type gfx struct {
	b    *BIOS
	vm   videoMode
	s    screen
	e    *paramEntry
	base uint32 // address of the page
	bpl  int    // bytes per pixel line
}

func (b *BIOS) graphics(vm videoMode, s screen, page uint8) *gfx {
	g := &gfx{b: b, vm: vm, s: s, e: b.entry(vm), base: uint32(vm.seg) << 4}
	switch vm.model {
	case mmCGA:
		g.bpl = vm.width * vm.bpp / 8
	case mmPlanar:
		g.bpl = vm.width / 8
		g.base += uint32(page) * s.pageSize
	default:
		g.bpl = vm.width
	}
	return g
}

// begin sets the graphics controller for drawing in a planar mode: all
// planes enabled, no set/reset, no rotation or logical function, read mode
// 0, write mode 2. end puts back the mode's table values.
func (g *gfx) begin() {
	if g.vm.model != mmPlanar {
		return
	}
	v := g.b.vga()
	v.seq(srMapMask, 0x0F)
	v.gc(gcEnableSR, 0)
	v.gc(gcRotate, 0)
	v.gc(gcMode, 0x02)
	v.gc(gcBitMask, 0xFF)
}

func (g *gfx) end() {
	if g.vm.model != mmPlanar {
		return
	}
	v := g.b.vga()
	v.seq(srMapMask, g.e.seq[srMapMask-1])
	for _, r := range []uint8{gcEnableSR, gcRotate, gcReadMap, gcMode, gcBitMask} {
		v.gc(r, g.e.gc[r])
	}
}

// lineAddr is the address of pixel line y.
func (g *gfx) lineAddr(y int) uint32 {
	if g.vm.model == mmCGA {
		return g.base + uint32(y&1)*0x2000 + uint32((y>>1)*g.bpl)
	}
	return g.base + uint32(y*g.bpl)
}

// cellBytes is the bytes one 8-dot character cell takes on a pixel line.
func (g *gfx) cellBytes() int {
	switch g.vm.model {
	case mmCGA:
		return g.vm.bpp
	case mmPacked:
		return 8
	}
	return 1
}

func (g *gfx) inside(x, y int) bool {
	return x >= 0 && y >= 0 && x < g.vm.width && y < g.vm.height
}

// setPixel writes colour c at x, y; bit 7 of c XORs it onto the picture
// (not in mode 13h). Call between begin and end.
func (g *gfx) setPixel(x, y int, c uint8) {
	if !g.inside(x, y) {
		return
	}
	b := g.b
	switch g.vm.model {
	case mmPacked:
		b.wr8(g.lineAddr(y)+uint32(x), c)
	case mmPlanar:
		a := g.lineAddr(y) + uint32(x/8)
		v := b.vga()
		v.gc(gcBitMask, 0x80>>(x&7))
		if c&0x80 != 0 {
			v.gc(gcRotate, 0x18) // XOR with the latches
		}
		b.rd8(a) // load the latches
		b.wr8(a, c&0x0F)
		if c&0x80 != 0 {
			v.gc(gcRotate, 0)
		}
	default:
		ppb := 8 / g.vm.bpp
		a := g.lineAddr(y) + uint32(x/ppb)
		mask := uint8(1)<<g.vm.bpp - 1
		sh := uint(ppb-1-x%ppb) * uint(g.vm.bpp)
		old := b.rd8(a)
		if c&0x80 != 0 {
			b.wr8(a, old^(c&mask)<<sh)
		} else {
			b.wr8(a, old&^(mask<<sh)|(c&mask)<<sh)
		}
	}
}

// pixel reads the colour at x, y.
func (g *gfx) pixel(x, y int) uint8 {
	if !g.inside(x, y) {
		return 0
	}
	b := g.b
	switch g.vm.model {
	case mmPacked:
		return b.rd8(g.lineAddr(y) + uint32(x))
	case mmPlanar:
		a := g.lineAddr(y) + uint32(x/8)
		v := b.vga()
		mode := v.gcIn(gcMode)
		v.gc(gcMode, mode&^0x08) // read mode 0
		var c uint8
		for p := 3; p >= 0; p-- {
			v.gc(gcReadMap, uint8(p))
			c = c<<1 | b.rd8(a)>>(7-x%8)&1
		}
		v.gc(gcReadMap, g.e.gc[gcReadMap])
		v.gc(gcMode, mode)
		return c
	default:
		ppb := 8 / g.vm.bpp
		a := g.lineAddr(y) + uint32(x/ppb)
		mask := uint8(1)<<g.vm.bpp - 1
		return b.rd8(a) >> (uint(ppb-1-x%ppb) * uint(g.vm.bpp)) & mask
	}
}

// glyph returns the font lines of character ch.
func (g *gfx) glyph(ch uint8) []byte {
	h := g.s.charH
	vec, c := uint32(0x43), int(ch)
	if g.vm.model == mmCGA && ch >= 0x80 {
		vec, c = 0x1F, int(ch)-0x80
	}
	off, seg := g.b.rd16(vec*4), g.b.rd16(vec*4+2)
	out := make([]byte, h)
	for i := range out {
		out[i] = g.b.rd8(linear(seg, off+uint16(c*h+i)))
	}
	return out
}

// drawChar draws character ch in cell row, col in colour c: set dots in
// c, clear dots in colour 0; with bit 7 of c (not in mode 13h) the set
// dots are XORed on and the others left alone. Call between begin and end.
func (g *gfx) drawChar(row, col int, ch, c uint8) {
	if col < 0 || col >= g.s.cols || row < 0 || row >= g.s.rows {
		return
	}
	b := g.b
	xor := c&0x80 != 0 && g.vm.model != mmPacked
	for y, bits := range g.glyph(ch) {
		a := g.lineAddr(row*g.s.charH+y) + uint32(col*g.cellBytes())
		switch g.vm.model {
		case mmPlanar:
			v := b.vga()
			if xor {
				v.gc(gcRotate, 0x18)
			}
			v.gc(gcBitMask, bits)
			b.rd8(a)
			b.wr8(a, c&0x0F)
			if xor {
				v.gc(gcRotate, 0)
				continue
			}
			v.gc(gcBitMask, ^bits)
			b.rd8(a)
			b.wr8(a, 0)
		default:
			for x := 0; x < 8; x++ {
				switch on := bits&(0x80>>x) != 0; {
				case on:
					g.setPixel(col*8+x, row*g.s.charH+y, c)
				case !xor:
					g.setPixel(col*8+x, row*g.s.charH+y, 0)
				}
			}
		}
	}
	if g.vm.model == mmPlanar {
		b.vga().gc(gcBitMask, 0xFF)
	}
}

// recognise finds the character whose glyph the dots of cell row, col
// show (lit dots are those of a colour other than 0); 0 when none does.
func (g *gfx) recognise(row, col int) uint8 {
	h := g.s.charH
	cell := make([]byte, h)
	for y := 0; y < h; y++ {
		for x := 0; x < 8; x++ {
			if g.pixel(col*8+x, row*h+y) != 0 {
				cell[y] |= 0x80 >> x
			}
		}
	}
	for c := 0; c < 256; c++ {
		if string(g.glyph(uint8(c))) == string(cell) {
			return uint8(c)
		}
	}
	return 0
}

// moveCells copies the cells left..right of character row src to row dst:
// in planar modes through the latches (write mode 1), which carries all
// four planes with one read and one write per byte.
func (g *gfx) moveCells(dst, src, left, right int) {
	b := g.b
	n := uint32((right - left + 1) * g.cellBytes())
	if g.vm.model == mmPlanar {
		b.vga().gc(gcMode, 0x01)
		defer b.vga().gc(gcMode, 0x02)
	}
	for y := 0; y < g.s.charH; y++ {
		d := g.lineAddr(dst*g.s.charH+y) + uint32(left*g.cellBytes())
		s := g.lineAddr(src*g.s.charH+y) + uint32(left*g.cellBytes())
		for i := uint32(0); i < n; i++ {
			b.wr8(d+i, b.rd8(s+i))
		}
	}
}

// fillCells paints the cells left..right of character row row in colour c.
func (g *gfx) fillCells(row, left, right int, c uint8) {
	b := g.b
	fill := c
	switch g.vm.model {
	case mmCGA:
		if g.vm.bpp == 2 {
			fill = (c & 3) * 0x55
		} else {
			fill = (c & 1) * 0xFF
		}
	case mmPlanar:
		fill = c & 0x0F // write mode 2 with the bit mask at FFh
	}
	n := uint32((right - left + 1) * g.cellBytes())
	for y := 0; y < g.s.charH; y++ {
		d := g.lineAddr(row*g.s.charH+y) + uint32(left*g.cellBytes())
		for i := uint32(0); i < n; i++ {
			b.wr8(d+i, fill)
		}
	}
}

// writePixel is AH=0Ch: colour c at column x, row y of page page.
func (b *BIOS) writePixel(page uint8, x, y int, c uint8) {
	_, vm, ok := b.mode()
	if !ok || vm.model == mmText {
		return
	}
	g := b.graphics(vm, b.screen(), page)
	g.begin()
	g.setPixel(x, y, c)
	g.end()
}

// readPixel is AH=0Dh.
func (b *BIOS) readPixel(page uint8, x, y int) uint8 {
	_, vm, ok := b.mode()
	if !ok || vm.model == mmText {
		return 0
	}
	g := b.graphics(vm, b.screen(), page)
	return g.pixel(x, y)
}
