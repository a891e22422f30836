package video

// How the CRT controller walks display memory (IBM VGA Technical
// Reference, "CRT Controller Registers"; FreeVGA "CRTC Registers" and
// "Display Generation"). For every scan line the CRTC has a memory address
// counter (MA) and a row scan counter:
//
//   - the first character row starts at the start address (CR0C:CR0D) plus
//     the byte panning (CR08 bits 6-5), on the preset row scan (CR08 4-0);
//   - the row scan counter counts scan lines up to the maximum scan line
//     (CR09 4-0), then MA moves on by twice the offset register (CR13) —
//     with double scanning (CR09 bit 7) every line is shown twice;
//   - on the scan line after the one equal to the line compare register
//     (CR18, CR07 bit 4, CR09 bit 6) MA and the row scan restart at zero:
//     the split screen, and pixel panning stops there when AR10 bit 5 is set;
//   - along a line MA advances once per character clock (every second or
//     fourth one with CR17 bit 3 or CR14 bit 5), and the address the planes
//     see is MA in byte mode (CR17 bit 6), MA shifted left once with MA13
//     or MA15 (CR17 bit 5) in bit 0 in word mode, and shifted left twice
//     with MA12 and MA13 in bits 0-1 in doubleword mode (CR14 bit 6);
//   - with CR17 bit 0 (bit 1) clear, row scan bit 0 (bit 1) replaces
//     address bit 13 (14): the interleaved banks of CGA and Hercules
//     graphics.

// layout is the picture as the registers define it.
type layout struct {
	text       bool // the character generator is on (AR10 bit 0 clear)
	mode256    bool // 8-bit colour: two 4-bit dots per pixel (AR10 bit 6)
	chars      int  // character clocks displayed per line (CR01 + 1)
	dots       int  // dots per character clock: 9 or 8 (SR01 bit 0); text only
	width      int  // pixels per line of the picture
	lines      int  // scan lines displayed (vertical display end)
	step       int  // scan lines per line of the picture
	height     int  // lines of the picture
	maxScan    int  // CR09 bits 4-0
	double     bool // CR09 bit 7
	pitch      int  // MA increment per character row: CR13 * 2
	start      int  // MA of the first row: start address + byte panning
	preset     int  // first row's row scan
	compare    int  // line compare
	shift      uint // address mode: 0 byte, 1 word, 2 doubleword
	wrapBit    uint // word mode: MA bit that becomes address bit 0
	subst      int  // CR17 bits 1-0 inverted: row scan bits that replace address bits 13/14
	countShift uint // character clocks per MA step: 1, 2 or 4 (a shift of 0, 1, 2)
}

// maxLines bounds the scan lines and dots a picture may have, whatever the
// registers say (the 10-bit vertical and 8-bit horizontal counters allow
// 1024 lines of 256 characters).
const maxLines = 1024

func (a *Adapter) layout() layout {
	l := layout{
		text:    a.attr[arModeControl]&amGraphics == 0,
		mode256: a.attr[arModeControl]&am8Bit != 0,
		chars:   int(a.crtc[crHDisplayEnd]) + 1,
		dots:    8,
		lines:   min(a.vDisplayEnd(), maxLines),
		maxScan: a.maxScanLine(),
		double:  a.doubleScan(),
		pitch:   int(a.crtc[crOffset]) * 2,
		start:   a.startAddress() + int(a.crtc[crPresetRowScan]>>5&3),
		preset:  int(a.crtc[crPresetRowScan] & 0x1F),
		compare: a.lineCompare(),
		subst:   int(^a.crtc[crModeControl] & 3),
	}
	switch {
	case a.crtc[crUnderline]&cmUnderlineDword != 0:
		l.shift = 2
	case a.crtc[crModeControl]&cmByteMode == 0:
		l.shift = 1
		l.wrapBit = 13
		if a.crtc[crModeControl]&cmAddressWrap != 0 {
			l.wrapBit = 15
		}
	}
	switch {
	case a.crtc[crUnderline]&cmCountBy4 != 0:
		l.countShift = 2
	case a.crtc[crModeControl]&cmCountBy2 != 0:
		l.countShift = 1
	}
	if l.text && a.seq[srClocking]&smDots8 == 0 {
		l.dots = 9
	}
	l.width = l.chars * l.dots
	if !l.text && l.mode256 {
		l.width /= 2
	}
	// Scan lines that repeat the same memory are one line of the picture:
	// double scanning, and in graphics modes the scan lines of a character
	// row when no row scan bit takes part in the address.
	l.step = 1
	if l.double {
		l.step = 2
	}
	if !l.text && l.subst == 0 {
		l.step *= l.maxScan + 1
	}
	l.height = (l.lines + l.step - 1) / l.step
	return l
}

// address is the plane offset the CRTC reads for memory address counter
// ma on row scan rs.
func (l *layout) address(ma, rs int) int {
	var addr int
	switch l.shift {
	case 0:
		addr = ma
	case 1:
		addr = ma<<1 | ma>>l.wrapBit&1
	default:
		addr = ma<<2 | ma>>12&3
	}
	if l.subst&1 != 0 {
		addr = addr&^(1<<13) | (rs&1)<<13
	}
	if l.subst&2 != 0 {
		addr = addr&^(1<<14) | (rs>>1&1)<<14
	}
	return addr & planeMask
}

// scanLine is where one scan line of the picture reads memory.
type scanLine struct {
	ma    int  // memory address counter at the start of the line
	row   int  // row scan counter
	split bool // below the line compare: pixel panning may be off
}

// walker runs the CRTC's counters over the scan lines of a frame and
// stops at the first scan line of every line of the picture.
type walker struct {
	l        *layout
	line     int // next scan line
	rowStart int // MA of the current character row
	rs       int // row scan counter
	split    bool
}

func (l *layout) walker() walker {
	return walker{l: l, rowStart: l.start, rs: l.preset}
}

// next returns the next line of the picture and where it reads memory.
func (w *walker) next() (y int, s scanLine, ok bool) {
	l := w.l
	for w.line < l.lines {
		line := w.line
		w.line++
		if line%l.step == 0 {
			y, s, ok = line/l.step, scanLine{w.rowStart, w.rs, w.split}, true
		}
		switch {
		case line == l.compare:
			w.rowStart, w.rs, w.split = 0, 0, true
		case l.double && line&1 == 0:
		case w.rs >= l.maxScan:
			w.rs = 0
			w.rowStart += l.pitch
		default:
			w.rs++
		}
		if ok {
			return y, s, true
		}
	}
	return 0, scanLine{}, false
}
