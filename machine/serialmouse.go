package machine

import "math"

// The Microsoft serial mouse with Logitech's third-button extension, on
// COM1 (QEMU's -serial msmouse). The protocol (Microsoft Mouse Programmer's
// Reference, "Serial mouse data format"; Logitech's "M3" extension as
// described in MAME's hlemouse and the Linux mouse(4) page):
//
//   - The mouse draws its power from RTS and DTR. When both are asserted
//     after either was dropped it resets and identifies itself: "M" for a
//     Microsoft mouse, followed by "3" for the Logitech 3-button one.
//   - It talks at 1200 baud, 7 data bits, no parity, 1 stop bit: one
//     character every 9/1200 s (7.5 ms).
//   - A report is three characters; bit 6 marks the first:
//     1 L R Y7 Y6 X7 X6, then 0 X5-X0, then 0 Y5-Y0, with X and Y the
//     8-bit two's complement motion since the last report (Y down).
//   - The Logitech mouse adds a fourth character, 20h, to every report
//     while the middle button is down, and 00h to the report in which it
//     is released.
//
// The protocol has no overflow bits: motion beyond -128..127 is carried
// into the next report. Characters go to the UART's receiver at the
// mouse's own pace whatever the UART's divisor (a mismatched divisor is
// not modelled as garbled characters).

// serialMouseCharNs is one 7N1 character at 1200 baud: start, 7 data and
// stop bits.
const serialMouseCharNs = 9 * int64(1e9) / 1200

// SerialMouse is the mouse. It implements SerialDevice for the UART and
// Timed for the run loop.
type SerialMouse struct {
	uart *UART

	powered bool
	out     []byte // characters still to send
	startAt int64  // time the first of them started (it arrives a character time later)
	freeAt  int64  // time the line became free after the last character

	dx, dy   int // motion not yet reported (right, down)
	buttons  uint8
	reported uint8
	dirty    bool
}

// NewSerialMouse returns a mouse plugged into u.
func NewSerialMouse(u *UART) *SerialMouse {
	m := &SerialMouse{uart: u}
	u.Attach(m)
	return m
}

// ModemControl powers the mouse from DTR and RTS; power coming on resets
// it, and it identifies itself.
func (m *SerialMouse) ModemControl(dtr, rts bool, now int64) {
	on := dtr && rts
	if on == m.powered {
		return
	}
	m.powered = on
	m.out = m.out[:0]
	m.dx, m.dy, m.reported, m.dirty = 0, 0, m.buttons, false
	if on {
		m.out = append(m.out, 'M', '3')
		m.startAt, m.freeAt = now, now
	}
}

// Move adds host motion: dx to the right, dy down, in counts.
func (m *SerialMouse) Move(dx, dy int) {
	if !m.powered {
		return
	}
	m.dx += dx
	m.dy += dy
	m.dirty = m.dirty || dx != 0 || dy != 0
}

// SetButtons sets the buttons held (MouseLeft | MouseRight | MouseMiddle).
func (m *SerialMouse) SetButtons(b uint8) {
	m.buttons = b & 7
	m.dirty = m.powered && (m.dirty || m.buttons != m.reported)
}

// Reported reports whether everything the host did has been sent (or
// cannot be: the mouse is off).
func (m *SerialMouse) Reported() bool { return !m.powered || !m.dirty && len(m.out) == 0 }

// report queues a report of the motion and buttons.
func (m *SerialMouse) report() {
	dx, dy := min(max(m.dx, -128), 127), min(max(m.dy, -128), 127)
	m.dx -= dx
	m.dy -= dy
	b := m.buttons
	b0 := byte(0x40) | byte(dy>>6&3)<<2 | byte(dx>>6&3)
	if b&MouseLeft != 0 {
		b0 |= 0x20
	}
	if b&MouseRight != 0 {
		b0 |= 0x10
	}
	m.out = append(m.out, b0, byte(dx&0x3F), byte(dy&0x3F))
	if b&MouseMiddle != 0 || m.reported&MouseMiddle != 0 {
		m.out = append(m.out, byte(b&MouseMiddle)<<3) // 20h while held, 00h at release
	}
	m.reported = b
	m.dirty = m.dx != 0 || m.dy != 0
}

// AdvanceTo puts the characters whose transmission has ended by now on
// the line, and starts a report when the line is free and something changed.
func (m *SerialMouse) AdvanceTo(now int64) {
	for m.powered {
		if len(m.out) == 0 {
			if !m.dirty {
				return
			}
			m.report()
			m.startAt = max(m.freeAt, now)
		}
		end := m.startAt + serialMouseCharNs
		if end > now {
			return
		}
		m.uart.LineIn(m.out[0], end)
		m.out = m.out[1:]
		m.startAt, m.freeAt = end, end // characters follow back to back
	}
}

// NextEvent is when the character being sent arrives (or a report due
// now starts), or math.MaxInt64.
func (m *SerialMouse) NextEvent() int64 {
	switch {
	case !m.powered || len(m.out) == 0 && !m.dirty:
		return math.MaxInt64
	case len(m.out) == 0:
		return m.uart.clk.Now()
	}
	return m.startAt + serialMouseCharNs
}

// SerialMouseState is the serial mouse's state for a machine state
// (state.go): power, the characters on their way, and the motion and
// buttons not yet reported.
type SerialMouseState struct {
	Powered  bool
	Out      []byte
	StartAt  int64
	FreeAt   int64
	DX, DY   int64
	Buttons  uint8
	Reported uint8
	Dirty    bool
}

// State returns the mouse's state.
func (m *SerialMouse) State() SerialMouseState {
	return SerialMouseState{
		Powered: m.powered, Out: append([]byte(nil), m.out...), StartAt: m.startAt, FreeAt: m.freeAt,
		DX: int64(m.dx), DY: int64(m.dy), Buttons: m.buttons, Reported: m.reported, Dirty: m.dirty,
	}
}

// SetState puts the mouse in state s; it stays plugged into its UART.
func (m *SerialMouse) SetState(s SerialMouseState) error {
	m.powered, m.out, m.startAt, m.freeAt = s.Powered, append([]byte(nil), s.Out...), s.StartAt, s.FreeAt
	m.dx, m.dy, m.buttons, m.reported, m.dirty = int(s.DX), int(s.DY), s.Buttons, s.Reported, s.Dirty
	return nil
}
