package video

// CRT controller registers (VGA numbering, CR00-CR18).
const (
	crHTotal        = 0x00
	crHDisplayEnd   = 0x01
	crVTotal        = 0x06
	crOverflow      = 0x07
	crMaxScanLine   = 0x09
	crCursorStart   = 0x0A
	crCursorEnd     = 0x0B
	crStartHigh     = 0x0C
	crStartLow      = 0x0D
	crCursorHigh    = 0x0E
	crCursorLow     = 0x0F
	crVRetraceStart = 0x10
	crVRetraceEnd   = 0x11
	crVDisplayEnd   = 0x12
	crOffset        = 0x13
	crUnderline     = 0x14
	crModeControl   = 0x17
)

func (a *Adapter) crtcRead() uint8 {
	if int(a.crtcIndex) < len(a.crtc) {
		return a.crtc[a.crtcIndex]
	}
	return 0xFF
}

// crtcWrite honours the protect bit (CR11 bit 7): CR00-CR07 are read-only
// while it is set, except the line compare bit 4 of CR07.
func (a *Adapter) crtcWrite(v uint8) {
	i := a.crtcIndex
	if int(i) >= len(a.crtc) {
		return
	}
	if a.crtc[crVRetraceEnd]&0x80 != 0 && i <= crOverflow {
		if i == crOverflow {
			a.crtc[i] = a.crtc[i]&^0x10 | v&0x10
		}
		return
	}
	a.crtc[i] = v
}

// StartAddress is the CRTC start address (CR0C:CR0D), in the CRTC's own
// units: character cells in text modes.
func (a *Adapter) StartAddress() uint16 {
	return uint16(a.crtc[crStartHigh])<<8 | uint16(a.crtc[crStartLow])
}

// SetStartAddress programs CR0C/CR0D (the BIOS's select active page).
func (a *Adapter) SetStartAddress(v uint16) {
	a.crtc[crStartHigh] = uint8(v >> 8)
	a.crtc[crStartLow] = uint8(v)
	a.changes++
}

// CursorAddress is the cursor location (CR0E:CR0F) in character cells from
// the start of video memory.
func (a *Adapter) CursorAddress() uint16 {
	return uint16(a.crtc[crCursorHigh])<<8 | uint16(a.crtc[crCursorLow])
}

// SetCursorAddress programs CR0E/CR0F.
func (a *Adapter) SetCursorAddress(v uint16) {
	a.crtc[crCursorHigh] = uint8(v >> 8)
	a.crtc[crCursorLow] = uint8(v)
	a.changes++
}

// CursorShape returns CR0A and CR0B as the hardware holds them: start scan
// line in bits 4-0 with bit 5 the cursor-off bit, end scan line in bits 4-0.
func (a *Adapter) CursorShape() (start, end uint8) {
	return a.crtc[crCursorStart], a.crtc[crCursorEnd]
}

// SetCursorShape programs CR0A/CR0B with raw register values; the BIOS
// scales INT 10h AH=01h's CGA-style values to the character height first.
func (a *Adapter) SetCursorShape(start, end uint8) {
	a.crtc[crCursorStart] = a.crtc[crCursorStart]&0xC0 | start&0x3F
	a.crtc[crCursorEnd] = a.crtc[crCursorEnd]&0xE0 | end&0x1F
	a.changes++
}

// CursorPos is the cursor's row and column relative to the displayed
// start address, from the CRTC, in the current text geometry. ok is false
// when the cursor lies outside the visible page.
func (a *Adapter) CursorPos() (row, col int, ok bool) {
	g := a.geometry()
	if g.cols == 0 {
		return 0, 0, false
	}
	rel := int(a.CursorAddress()) - int(a.StartAddress())
	if rel < 0 {
		return 0, 0, false
	}
	stride := g.stride / 2
	if stride <= 0 {
		return 0, 0, false
	}
	row, col = rel/stride, rel%stride
	return row, col, row < g.rows && col < g.cols
}

// verticalDisplayEnd is the number of scan lines displayed (CR12 with its
// overflow bits 8 and 9 in CR07 bits 1 and 6).
func (a *Adapter) verticalDisplayEnd() int {
	o := a.crtc[crOverflow]
	v := int(a.crtc[crVDisplayEnd]) | int(o>>1&1)<<8 | int(o>>6&1)<<9
	return v + 1
}

func (a *Adapter) verticalTotal() int {
	o := a.crtc[crOverflow]
	return (int(a.crtc[crVTotal]) | int(o&1)<<8 | int(o>>5&1)<<9) + 2
}

func (a *Adapter) verticalRetraceStart() int {
	o := a.crtc[crOverflow]
	return int(a.crtc[crVRetraceStart]) | int(o>>2&1)<<8 | int(o>>7&1)<<9
}
