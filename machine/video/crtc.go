package video

// The CRT controller (3D4h/3D5h, or 3B4h/3B5h with the monochrome I/O
// address; IBM VGA Technical Reference, "CRT Controller Registers";
// FreeVGA "CRTC Registers").
const (
	crHTotal         = 0x00
	crHDisplayEnd    = 0x01
	crHBlankStart    = 0x02
	crHBlankEnd      = 0x03
	crHRetraceStart  = 0x04
	crHRetraceEnd    = 0x05
	crVTotal         = 0x06
	crOverflow       = 0x07
	crPresetRowScan  = 0x08 // bits 4-0 preset row scan, 6-5 byte panning
	crMaxScanLine    = 0x09 // bits 4-0 maximum scan line, 5 VBS bit 9, 6 line compare bit 9, 7 double scan
	crCursorStart    = 0x0A // bits 4-0, bit 5 cursor off
	crCursorEnd      = 0x0B // bits 4-0, 6-5 cursor skew
	crStartHigh      = 0x0C
	crStartLow       = 0x0D
	crCursorHigh     = 0x0E
	crCursorLow      = 0x0F
	crVRetraceStart  = 0x10
	crVRetraceEnd    = 0x11 // bits 3-0 retrace end, bit 7 protect CR00-CR07
	crVDisplayEnd    = 0x12
	crOffset         = 0x13 // the row pitch: words (byte mode) or doublewords
	crUnderline      = 0x14 // bits 4-0 underline scan line, 5 count by 4, 6 doubleword mode
	crVBlankStart    = 0x15
	crVBlankEnd      = 0x16
	crModeControl    = 0x17
	crLineCompare    = 0x18
	crtcRegs         = 0x19
	crtcIndexBits    = 0x1F
	cmProtect        = 0x80 // CR11 bit 7
	cmUnderlineDword = 0x40 // CR14 bit 6
	cmCountBy4       = 0x20 // CR14 bit 5
)

// Mode control (CR17) bits.
const (
	cmCGA         = 0x01 // 0: row scan bit 0 replaces address bit 13 (CGA banks)
	cmHercules    = 0x02 // 0: row scan bit 1 replaces address bit 14 (Hercules banks)
	cmCountBy2    = 0x08 // the address counter advances every second character clock
	cmAddressWrap = 0x20 // word mode: address bit 15 (1) or 13 (0) becomes bit 0
	cmByteMode    = 0x40 // 1: byte addressing, 0: word addressing
	cmEnable      = 0x80 // horizontal and vertical retrace enabled
)

func (a *Adapter) crtcRead() uint8 {
	if int(a.crtcIndex) < crtcRegs {
		return a.crtc[a.crtcIndex]
	}
	return 0xFF
}

// crtcWrite honours the protect bit (CR11 bit 7): CR00-CR07 are read-only
// while it is set, except the line compare bit 4 of CR07.
func (a *Adapter) crtcWrite(v uint8) {
	i := a.crtcIndex
	if int(i) >= crtcRegs {
		return
	}
	if a.crtc[crVRetraceEnd]&cmProtect != 0 && i <= crOverflow {
		if i == crOverflow {
			a.crtc[i] = a.crtc[i]&^0x10 | v&0x10
		}
		return
	}
	a.crtc[i] = v
}

// overflow assembles a 10-bit vertical value from its low byte and its
// bits 8 and 9 in CR07 (and CR09).
func (a *Adapter) overflow(low uint8, bit8, bit9 uint) int {
	o := a.crtc[crOverflow]
	return int(low) | int(o>>bit8&1)<<8 | int(o>>bit9&1)<<9
}

// vDisplayEnd is the number of scan lines displayed (CR12 + 1, with bits
// 8 and 9 in CR07 bits 1 and 6).
func (a *Adapter) vDisplayEnd() int { return a.overflow(a.crtc[crVDisplayEnd], 1, 6) + 1 }

// vTotal is the number of scan lines in a frame (CR06 + 2, bits 8 and 9
// in CR07 bits 0 and 5).
func (a *Adapter) vTotal() int { return a.overflow(a.crtc[crVTotal], 0, 5) + 2 }

// vRetraceStart is the scan line vertical retrace starts on (CR10, bits 8
// and 9 in CR07 bits 2 and 7).
func (a *Adapter) vRetraceStart() int { return a.overflow(a.crtc[crVRetraceStart], 2, 7) }

// lineCompare is the scan line on which the address counter restarts at
// zero, the split screen (CR18, bit 8 in CR07 bit 4, bit 9 in CR09 bit 6).
func (a *Adapter) lineCompare() int {
	return int(a.crtc[crLineCompare]) | int(a.crtc[crOverflow]>>4&1)<<8 | int(a.crtc[crMaxScanLine]>>6&1)<<9
}

// startAddress is CR0C:CR0D, in character clocks of the address counter.
func (a *Adapter) startAddress() int {
	return int(a.crtc[crStartHigh])<<8 | int(a.crtc[crStartLow])
}

// cursorAddress is CR0E:CR0F, compared with the address counter.
func (a *Adapter) cursorAddress() int {
	return int(a.crtc[crCursorHigh])<<8 | int(a.crtc[crCursorLow])
}

// maxScanLine is the number of scan lines of a character row, minus one.
func (a *Adapter) maxScanLine() int { return int(a.crtc[crMaxScanLine] & 0x1F) }

// doubleScan is CR09 bit 7: every scan line is shown twice.
func (a *Adapter) doubleScan() bool { return a.crtc[crMaxScanLine]&0x80 != 0 }
