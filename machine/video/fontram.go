package video

// Plane 2 of the VGA holds the text-mode font: eight blocks of 256
// characters, 32 bytes per character whatever the cell height. The
// sequencer's character map select (SR03) picks the block for characters
// whose attribute bit 3 is set (map A) and clear (map B); with both maps
// equal, bit 3 is just intensity. A mode set loads the ROM font of the
// mode; INT 10h AH=11h and programs load others.

const fontPlaneSize = 0x10000

// fontBlockOffset is where block b starts in plane 2: blocks 0-3 at 16 KiB
// steps, 4-7 in the gaps between them (VGA numbering).
var fontBlockOffset = [8]int{0x0000, 0x4000, 0x8000, 0xC000, 0x2000, 0x6000, 0xA000, 0xE000}

// LoadFont copies glyphs of height lines each (len(glyphs)/height
// characters, starting at character first) into font block block, as INT
// 10h AX=1100h/1110h do. Lines beyond height are left as they were.
func (a *Adapter) LoadFont(block, first int, glyphs []byte, height int) {
	if block < 0 || block > 7 || height <= 0 || height > 32 || first < 0 {
		return
	}
	off := fontBlockOffset[block]
	for i := 0; (i+1)*height <= len(glyphs) && first+i < 256; i++ {
		copy(a.fontRAM[off+(first+i)*32:off+(first+i)*32+height], glyphs[i*height:(i+1)*height])
	}
	a.changes++
}

// LoadROMFont loads the built-in 8x8, 8x14 or 8x16 font (the nearest that
// is not taller than height) into block block (AX=1101h/1102h/1104h,
// 1111h/1112h/1114h).
func (a *Adapter) LoadROMFont(block, height int) {
	switch {
	case height >= 16:
		a.LoadFont(block, 0, font16, 16)
	case height >= 14:
		a.LoadFont(block, 0, font14, 14)
	default:
		a.LoadFont(block, 0, font8, 8)
	}
}

// FontGlyph returns the 32 font bytes of character c in block block.
func (a *Adapter) FontGlyph(block int, c uint8) []byte {
	off := fontBlockOffset[block&7] + int(c)*32
	return a.fontRAM[off : off+32 : off+32]
}

// charMaps are the plane 2 offsets of character maps A and B (SR03).
func (a *Adapter) charMaps() (mapA, mapB int) {
	s := a.seq[3]
	return fontBlockOffset[s>>2&3|s>>3&4], fontBlockOffset[s&3|s>>2&4]
}

// fontWriteAccess reports whether CPU writes go to plane 2: the sequence
// every font loader uses (map mask 04h, odd/even off in SR04) while a text
// mode is set.
func (a *Adapter) fontWriteAccess() bool {
	return a.seq[2]&0x0F == 0x04 && a.seq[4]&0x04 != 0 && a.attr[arModeControl]&amGraphics == 0
}

// fontReadAccess: read map select 2 with odd/even off in GR05.
func (a *Adapter) fontReadAccess() bool {
	return a.gc[4]&3 == 2 && a.gc[5]&0x10 == 0 && a.attr[arModeControl]&amGraphics == 0
}

// SetCharHeight programs the CRTC for text with character cells of h scan
// lines on the 400-line screen (what INT 10h AX=1111h/1112h/1114h do after
// loading the font): the maximum scan line, the vertical display end for
// as many whole rows as fit, the underline line and a two-line cursor at
// the bottom of the cell.
func (a *Adapter) SetCharHeight(h int) {
	if h < 1 || h > 32 {
		return
	}
	rows := 400 / h
	vde := rows*h - 1
	a.crtc[crMaxScanLine] = a.crtc[crMaxScanLine]&0xE0 | uint8(h-1)
	a.crtc[crVDisplayEnd] = uint8(vde)
	a.crtc[crOverflow] = a.crtc[crOverflow]&^0x42 | uint8(vde>>8&1)<<1 | uint8(vde>>9&1)<<6
	if !a.colourIO() {
		a.crtc[crUnderline] = a.crtc[crUnderline]&0xE0 | uint8(h-1)
	}
	start, end := max(h-3, 0), max(h-2, 0)
	if h <= 8 {
		start, end = h-2, h-1
	}
	a.SetCursorShape(uint8(start), uint8(end))
}
