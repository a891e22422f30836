package video

// The attribute controller (3C0h index/data write, 3C1h data read; IBM
// VGA Technical Reference, "Attribute Controller Registers"; FreeVGA
// "Attribute Controller Registers"). One port takes both the index and the
// data: a flip-flop alternates between them on every write and is put back
// to "index" by reading input status 1 (3BAh/3DAh).
const (
	arPalette     = 0x00 // AR00-AR0F: the 16 palette registers, 6 bits each
	arModeControl = 0x10
	arOverscan    = 0x11
	arPlaneEnable = 0x12 // bits 3-0: colour planes that reach the palette
	arPanning     = 0x13 // horizontal pixel panning
	arColorSelect = 0x14 // bits 3-2: DAC index bits 7-6; bits 1-0: bits 5-4 (with AR10 bit 7)
	attrRegs      = 0x15
	attrPAS       = 0x20 // palette address source, in the index register
)

// Attribute mode control (AR10) bits.
const (
	amGraphics     = 0x01 // 1: graphics, 0: text through the character generator
	amMono         = 0x02 // monochrome display attributes
	amLineGraphics = 0x04 // the 9th dot of C0h-DFh repeats the 8th
	amBlink        = 0x08 // attribute bit 7 blinks instead of brightening the background
	amPanCompat    = 0x20 // a line compare resets pixel panning below the split
	am8Bit         = 0x40 // two 4-bit dots form one 8-bit colour (256-colour mode)
	amP54S         = 0x80 // DAC index bits 5-4 come from AR14 bits 1-0
)

// attrWrite handles 3C0h: an index (with the palette address source in
// bit 5), then the data, alternating. The palette registers are written
// whatever PAS is: the IBM reference leaves such writes undefined on some
// VGAs and performing on others, and software expects them to take.
func (a *Adapter) attrWrite(v uint8) {
	if !a.attrFlipFlop {
		a.attrIndex = v & 0x3F
		a.attrFlipFlop = true
		return
	}
	a.attrFlipFlop = false
	switch i := a.attrIndex & 0x1F; {
	case i <= 0x0F:
		a.attr[i] = v & 0x3F
	case i < attrRegs:
		a.attr[i] = v
	}
}

func (a *Adapter) attrRead() uint8 {
	if i := a.attrIndex & 0x1F; i < attrRegs {
		return a.attr[i]
	}
	return 0xFF
}

// colourIndex maps a 4-bit dot colour through the plane enable register,
// the palette register and the colour select register to an 8-bit DAC
// index: palette bits 5-0, or bits 3-0 with AR14 bits 1-0 above them when
// AR10 bit 7 is set, and AR14 bits 3-2 as bits 7-6.
func (a *Adapter) colourIndex(c uint8) uint8 {
	p := a.attr[c&a.attr[arPlaneEnable]&0x0F]
	cs := a.attr[arColorSelect]
	if a.attr[arModeControl]&amP54S != 0 {
		p = p&0x0F | (cs&3)<<4
	}
	return p&0x3F | (cs&0x0C)<<4
}

// pictureOn is false while the palette address source (bit 5 of the
// attribute index) is 0 or the sequencer's screen-off bit is set: the VGA
// then sends black instead of the picture.
func (a *Adapter) pictureOn() bool {
	return a.attrIndex&attrPAS != 0 && a.seq[srClocking]&smScreenOff == 0
}
