package video

// kind is how the attribute controller and graphics controller turn memory
// into pixels.
type kind int

const (
	kindText   kind = iota // character/attribute pairs through a font
	kindCGA4               // 2 bits per pixel, CGA interleaved (modes 4, 5)
	kindCGA2               // 1 bit per pixel, CGA interleaved (mode 6)
	kindVGA256             // 1 byte per pixel through the DAC (mode 13h)
)

// kind reads the picture's format from the registers: AR10 bit 0 text or
// graphics, AR10 bit 6 the 256-colour path, GR05 bit 5 the CGA 2-bit shift.
func (a *Adapter) kind() kind {
	switch {
	case a.attr[arModeControl]&amGraphics == 0:
		return kindText
	case a.attr[arModeControl]&am8Bit != 0:
		return kindVGA256
	case a.gc[5]&0x20 != 0:
		return kindCGA4
	}
	return kindCGA2
}

// geometry is the displayed picture as the CRTC scans it.
type geometry struct {
	kind       kind
	width      int  // pixels per line of the image
	height     int  // distinct lines of the image
	cols, rows int  // text cells (text modes) or 8x8 cells (graphics)
	charW      int  // dots per character clock in text modes: 8 or 9
	charH      int  // scan lines per character row
	stride     int  // bytes from one character row (or pixel row) to the next
	start      int  // byte offset of the first displayed byte in the window
	base       int  // offset of the memory window in vram
	size       int  // size of the window: offsets wrap at it
	interleave bool // CGA banks: odd scan lines from offset 2000h
	scans      int  // scan lines per CRTC character row (CR09)
}

// displayMemory is where the CRTC reads the picture from, as an offset into
// vram and a size at which addresses wrap. On a VGA the CRTC scans the
// planes whatever window the CPU sees; in this linear model each kind of
// picture has its home: monochrome text at B0000h, colour text and CGA
// graphics at B8000h (32 KiB), mode 13h at A0000h (64 KiB).
func (a *Adapter) displayMemory(k kind) (base, size int) {
	switch {
	case k == kindVGA256:
		return 0, 0x10000
	case k == kindText && !a.colourIO():
		return 0x10000, 0x8000
	}
	return 0x18000, 0x8000
}

// addressUnit is how many bytes one CRTC address step covers: CR14 bit 6
// double-word mode (mode 13h), CR17 bit 6 byte mode, else word mode.
func (a *Adapter) addressUnit() int {
	switch {
	case a.crtc[crUnderline]&0x40 != 0:
		return 4
	case a.crtc[crModeControl]&0x40 != 0:
		return 1
	}
	return 2
}

func (a *Adapter) geometry() geometry {
	g := geometry{
		kind:  a.kind(),
		scans: int(a.crtc[crMaxScanLine]&0x1F) + 1,
	}
	g.base, g.size = a.displayMemory(g.kind)
	unit := a.addressUnit()
	g.stride = int(a.crtc[crOffset]) * 2 * unit
	g.start = int(a.StartAddress()) * unit
	chars := int(a.crtc[crHDisplayEnd]) + 1
	lines := a.verticalDisplayEnd()
	scans := g.scans
	if a.crtc[crMaxScanLine]&0x80 != 0 { // double scanning
		lines /= 2
	}
	switch g.kind {
	case kindText:
		g.charW = 9
		if a.seq[1]&1 != 0 {
			g.charW = 8
		}
		g.charH = scans
		g.cols = chars
		g.rows = lines / scans
		g.width = g.cols * g.charW
		g.height = g.rows * g.charH
		return g
	case kindVGA256:
		g.width = chars * 4
	default:
		g.width = chars * 8
	}
	// CR17 bit 0 clear: scan line bit 0 of each character row becomes
	// address bit 13, the CGA's two banks; otherwise a row's scan lines
	// repeat the same memory.
	g.interleave = a.crtc[crModeControl]&1 == 0
	if g.interleave {
		g.height = lines
	} else {
		g.height = lines / scans
	}
	g.charW, g.charH = 8, 8
	g.cols, g.rows = g.width/8, g.height/8
	return g
}

// lineOffset is the window offset of pixel row y in a graphics mode.
func (g *geometry) lineOffset(y int) int {
	if !g.interleave {
		return g.start + y*g.stride
	}
	row, scan := y/g.scans, y%g.scans
	return g.start + row*g.stride + (scan&1)*0x2000
}

// Size is the size in pixels of the image Render produces for the current
// registers: 720x400 for 80x25 text (9x16 cells), 360x400 for 40x25,
// 320x200 for modes 4, 5 and 13h, 640x200 for mode 6. The picture is meant
// to fill a 4:3 screen, whatever its pixel count.
func (a *Adapter) Size() (w, h int) {
	g := a.geometry()
	return g.width, g.height
}
