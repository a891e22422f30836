package video

// Attribute controller registers (AR00-AR14).
const (
	arPalette     = 0x00 // AR00-AR0F: the 16-entry palette, 6 bits each
	arModeControl = 0x10
	arOverscan    = 0x11
	arPlaneEnable = 0x12
	arPanning     = 0x13
	arColorSelect = 0x14
)

// Attribute mode control (AR10) bits.
const (
	amGraphics     = 0x01 // 1: graphics, 0: text
	amMono         = 0x02 // monochrome emulation
	amLineGraphics = 0x04 // 9th column of C0h-DFh repeats the 8th
	amBlink        = 0x08 // attribute bit 7 blinks instead of brightening the background
	amP54S         = 0x80 // palette bits 5-4 come from AR14
	am8Bit         = 0x40 // 256-colour: two nibbles form one DAC index
)

// attrWrite handles 3C0h: one write loads the index (with the palette
// address source in bit 5), the next one the data, alternating. Reading
// the input status register puts the flip-flop back to "index".
func (a *Adapter) attrWrite(v uint8) {
	if !a.attrFlipFlop {
		a.attrIndex = v & 0x3F
		a.attrFlipFlop = true
		return
	}
	a.attrFlipFlop = false
	i := a.attrIndex & 0x1F
	switch {
	case i <= 0x0F:
		a.attr[i] = v & 0x3F
	case int(i) < len(a.attr):
		a.attr[i] = v
	}
}

func (a *Adapter) attrRead() uint8 {
	i := a.attrIndex & 0x1F
	if int(i) < len(a.attr) {
		return a.attr[i]
	}
	return 0xFF
}

// AttrReg and SetAttrReg give the BIOS (INT 10h AH=10h) direct access to
// the attribute registers without disturbing the 3C0h flip-flop.
func (a *Adapter) AttrReg(i uint8) uint8 {
	if int(i) < len(a.attr) {
		return a.attr[i]
	}
	return 0xFF
}

// SetAttrReg writes attribute register i (palette entries keep 6 bits).
func (a *Adapter) SetAttrReg(i, v uint8) {
	if int(i) >= len(a.attr) {
		return
	}
	if i <= 0x0F {
		v &= 0x3F
	}
	a.attr[i] = v
	a.changes++
}

// displayEnabled is false while the palette address source (bit 5 of the
// attribute index) is 0: the VGA then blanks the picture so the palette can
// be loaded.
func (a *Adapter) displayEnabled() bool {
	return a.attrIndex&0x20 != 0 && a.seq[1]&0x20 == 0 && a.cgaMode&0x08 != 0
}

// dacIndex maps a 4-bit colour through the palette registers and the colour
// select register to an index into the DAC (VGA attribute controller).
func (a *Adapter) dacIndex(c uint8) uint8 {
	c &= a.attr[arPlaneEnable] & 0x0F
	p := a.attr[c]
	cs := a.attr[arColorSelect]
	if a.attr[arModeControl]&amP54S != 0 {
		p = p&0x0F | (cs&3)<<4
	}
	return p&0x3F | (cs&0x0C)<<4
}
