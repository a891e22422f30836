package video

// The CGA's mode control (3D8h) and colour select (3D9h) registers, and
// the MDA's mode control at 3B8h. A VGA keeps them for old software; here
// they act on the VGA registers that produce the same picture.

// CGA mode control bits.
const (
	cgaText80   = 0x01
	cgaGraphics = 0x02
	cgaBW       = 0x04 // colour burst off: mode 5's cyan/red/white palette
	cgaEnable   = 0x08 // video signal on
	cgaHiRes    = 0x10 // 640-dot graphics
	cgaBlink    = 0x20 // attribute bit 7 blinks
)

// cgaModeWrite stores the register and applies the bits that have a VGA
// meaning: video enable, blink, and the mode 5 palette.
func (a *Adapter) cgaModeWrite(v uint8) {
	a.cgaMode = v
	if v&cgaBlink != 0 {
		a.attr[arModeControl] |= amBlink
	} else {
		a.attr[arModeControl] &^= amBlink
	}
	a.applyCGAColor()
}

func (a *Adapter) cgaColorWrite(v uint8) {
	a.cgaColor = v
	a.applyCGAColor()
}

// irgbToPalette turns a CGA IRGB colour into the attribute palette value
// that selects it in the 200-line DAC table (intensity in bit 4).
func irgbToPalette(c uint8) uint8 { return c&7 | (c&8)<<1 }

// irgbToEGA turns a CGA IRGB colour into the EGA rgbRGB value of the
// 400-line DAC table (as text mode's palette registers hold them).
func irgbToEGA(c uint8) uint8 {
	switch {
	case c == 6:
		return 0x14 // brown: the CGA monitor halves green
	case c&8 != 0:
		return c&7 | 0x38
	}
	return c & 7
}

// applyCGAColor loads the attribute palette from the CGA colour select
// register, as a VGA BIOS does for INT 10h AH=0Bh: in the 4-colour modes
// bits 3-0 are the background, bit 5 picks green/red/brown or
// cyan/magenta/white (cyan/red/white with colour burst off) and bit 4
// brightens them; in 640x200 bits 3-0 are the foreground; in text modes
// bits 3-0 are the border.
func (a *Adapter) applyCGAColor() {
	v := a.cgaColor
	switch a.kind() {
	case kindCGA4:
		a.attr[0] = irgbToPalette(v & 0x0F)
		fg := [3]uint8{2, 4, 6}
		switch {
		case a.cgaMode&cgaBW != 0:
			fg = [3]uint8{3, 4, 7}
		case v&0x20 != 0:
			fg = [3]uint8{3, 5, 7}
		}
		for i, c := range fg {
			a.attr[1+i] = c | v&0x10
		}
	case kindCGA2:
		a.attr[1] = irgbToPalette(v & 0x0F)
	default:
		a.attr[arOverscan] = irgbToEGA(v & 0x0F)
	}
}
