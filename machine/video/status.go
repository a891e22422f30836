package video

// Input status registers (IBM VGA Technical Reference, "Input Status
// Register One"; FreeVGA "External Registers"). Status 1 (3DAh, 3BAh in
// monochrome) has bit 0 set while the beam is not drawing (horizontal or
// vertical blanking) and bit 3 during vertical retrace. Software polls it
// to time palette changes and page flips, so both bits follow the beam
// position computed from the virtual clock and the timing the CRTC
// registers and the dot clock define: 449 lines of 800 dots at 28.322 MHz
// for the 400-line modes (70 Hz), 525 lines at 25.175 MHz for the 480-line
// ones (60 Hz).

const (
	stDisplayOff = 0x01
	stVRetrace   = 0x08

	is0SwitchSense = 0x10 // input status 0 bit 4: a colour display is attached
)

// dotClockHz is the pixel clock misc output bits 3-2 select: 25.175 MHz
// (640/320-dot modes) or 28.322 MHz (720/360-dot modes).
func (a *Adapter) dotClockHz() int64 {
	if a.misc>>2&3 == 1 {
		return 28322000
	}
	return 25175000
}

// charClockDots is the dots per character clock: 8 or 9 (SR01 bit 0),
// twice that with the dot clock divided by two (SR01 bit 3).
func (a *Adapter) charClockDots() int64 {
	w := int64(9)
	if a.seq[srClocking]&smDots8 != 0 {
		w = 8
	}
	if a.seq[srClocking]&smDotClock2 != 0 {
		w *= 2
	}
	return w
}

// hTotal is the number of character clocks in a scan line (CR00 + 5).
func (a *Adapter) hTotal() int64 { return int64(a.crtc[crHTotal]) + 5 }

// lineNs is the duration of one scan line.
func (a *Adapter) lineNs() int64 {
	return max(a.hTotal()*a.charClockDots()*1e9/a.dotClockHz(), 1000)
}

// frameNs is the duration of one frame.
func (a *Adapter) frameNs() int64 { return a.lineNs() * int64(a.vTotal()) }

// now is the virtual time the beam position follows. Without a clock the
// adapter keeps its own, one microsecond further at every status read, so
// that a polling loop still sees the bits change.
func (a *Adapter) now() int64 {
	if a.clock == nil {
		a.ownTime += 1000
		return a.ownTime
	}
	return a.clock.Now()
}

func (a *Adapter) inputStatus0() uint8 { return is0SwitchSense }

// inputStatus1 reads status 1 and, as a side effect the attribute
// controller depends on, resets the 3C0h flip-flop to "index".
func (a *Adapter) inputStatus1() uint8 {
	a.attrFlipFlop = false
	t := a.now()
	ln := a.lineNs()
	line := int(t / ln % int64(a.vTotal()))
	inLine := t % ln
	active := ln * (int64(a.crtc[crHDisplayEnd]) + 1) / a.hTotal()
	var v uint8
	if line >= a.vDisplayEnd() || inLine >= active {
		v |= stDisplayOff
	}
	// Retrace ends on the first line after its start whose low four bits
	// equal CR11 bits 3-0.
	vrs := a.vRetraceStart()
	d := (int(a.crtc[crVRetraceEnd]&0x0F) - vrs) & 0x0F
	if d == 0 {
		d = 16
	}
	if line >= vrs && line < vrs+d {
		v |= stVRetrace
	}
	return v
}

// Frame is the number of frames the beam has drawn by the adapter's clock
// (0 without a clock). Displays pass it to Render for the blink phases.
func (a *Adapter) Frame() uint64 {
	if a.clock == nil {
		return 0
	}
	return uint64(a.clock.Now() / a.frameNs())
}
