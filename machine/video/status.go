package video

// Input status register 1 (3DAh, 3BAh in monochrome): bit 0 is set while
// the display is not drawing (horizontal or vertical blanking), bit 3
// during vertical retrace. Software polls it to time palette changes and
// page flips, so both bits follow the beam from the CRTC's timing registers
// and the dot clock chosen in the misc output register.

const (
	stDisplayDisabled = 0x01
	stVRetrace        = 0x08
)

// dotClockHz is the pixel clock selected by misc output bits 3-2.
func (a *Adapter) dotClockHz() int64 {
	if (a.misc>>2)&3 == 1 {
		return 28322000
	}
	return 25175000
}

// charWidth is 8 or 9 dots (SR01 bit 0), doubled when the dot clock is
// divided by two (SR01 bit 3, the 40-column and 320-pixel modes).
func (a *Adapter) charClockDots() int64 {
	w := int64(9)
	if a.seq[1]&1 != 0 {
		w = 8
	}
	if a.seq[1]&8 != 0 {
		w *= 2
	}
	return w
}

// lineNs is the duration of one scan line.
func (a *Adapter) lineNs() int64 {
	chars := int64(a.crtc[crHTotal]) + 5
	ns := chars * a.charClockDots() * 1e9 / a.dotClockHz()
	if ns <= 0 {
		ns = 31778
	}
	return ns
}

// frameNs is the duration of one frame (about 14.3 ms: 70 Hz).
func (a *Adapter) frameNs() int64 {
	return a.lineNs() * int64(a.verticalTotal())
}

// now is the virtual time used for beam position. A clock that stands
// still between two polls is nudged forward by a microsecond, so a polling
// loop always sees the bits change.
func (a *Adapter) now() int64 {
	if a.clock == nil {
		a.pollBias += 1000
		return a.pollBias
	}
	t := a.clock.Now()
	if t == a.lastNow {
		a.pollBias += 1000
	}
	a.lastNow = t
	return t + a.pollBias
}

func (a *Adapter) inputStatus1() uint8 {
	a.attrFlipFlop = false // reading 3DAh resets the attribute flip-flop
	t := a.now()
	ln := a.lineNs()
	line := int((t / ln) % int64(a.verticalTotal()))
	inLine := t % ln
	active := ln * (int64(a.crtc[crHDisplayEnd]) + 1) / (int64(a.crtc[crHTotal]) + 5)
	var v uint8
	if line >= a.verticalDisplayEnd() || inLine >= active {
		v |= stDisplayDisabled
	}
	vrs := a.verticalRetraceStart()
	// Retrace ends when the line counter's low four bits match CR11 3-0.
	d := (int(a.crtc[crVRetraceEnd]&0x0F) - vrs) & 0x0F
	if d == 0 {
		d = 16
	}
	vre := vrs + d
	if line >= vrs && line < vre {
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
