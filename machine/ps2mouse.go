package machine

import (
	"fmt"
	"math"
)

// The IBM PS/2 mouse on the 8042's auxiliary port (IBM PS/2 Hardware
// Interface Technical Reference, "Pointing Device"; the same command set is
// summarised in Adam Chapweske's "The PS/2 Mouse Interface" and on the
// OSDev wiki, "PS/2 Mouse").
//
// The mouse counts motion in its two 9-bit counters and, in stream mode
// with data reporting on, sends a 3-byte packet at most once per sample
// period when something changed:
//
//	byte 0: Y overflow, X overflow, Y sign, X sign, 1, middle, right, left
//	byte 1: X movement (low 8 bits of the 9-bit two's complement count)
//	byte 2: Y movement (positive is away from the user: up)
//
// It sends nothing while the controller inhibits its clock (the output
// buffer is full, or the auxiliary port is disabled) and no new packet
// before the last one has gone out, so motion keeps adding up in the
// counters meanwhile. A command from the host aborts a transmission in
// progress and is answered with FAh (ACK) before any data.
//
// Host motion arrives in counts at the default resolution of 4 counts/mm;
// the mouse scales it to the resolution the guest set (E8h).

// Mouse buttons, as the packets of both mice and the host input name them.
const (
	MouseLeft   = 1 << 0
	MouseRight  = 1 << 1
	MouseMiddle = 1 << 2
)

// PS/2 mouse responses.
const (
	ps2ACK    = 0xFA
	ps2Resend = 0xFE
	ps2BATOK  = 0xAA
	ps2ID     = 0x00 // a standard PS/2 mouse (no wheel)
)

// ps2Rates are the sample rates the mouse accepts (F3h), in reports/s.
var ps2Rates = []uint8{10, 20, 40, 60, 80, 100, 200}

// ps2Scale21 is the 2:1 scaling of small movements (IBM's table: counts of
// 0-5 become 0, 1, 1, 3, 6, 9; larger counts are doubled).
var ps2Scale21 = [6]int{0, 1, 1, 3, 6, 9}

// PS2Mouse is the mouse. Its state is plain fields: the controller drives
// it and asks it for bytes; it never sees the ports.
type PS2Mouse struct {
	out    []byte // bytes for the controller, first first
	last   []byte // the last packet or response, for FEh (resend)
	expect uint8  // command waiting for its parameter byte (F3h, E8h)

	reporting bool  // F4h/F5h
	remote    bool  // F0h remote mode / EAh stream mode
	wrap      bool  // EEh/ECh
	scale21   bool  // E7h/E6h
	rate      uint8 // reports per second
	res       uint8 // 0-3: 1, 2, 4, 8 counts/mm

	buttons  uint8 // pressed now
	reported uint8 // as in the last packet
	fineX    int   // motion not yet reported, in counts at 8 counts/mm (see Move)
	fineY    int
	dirty    bool  // motion or buttons to report
	nextAt   int64 // stream mode: earliest time of the next packet
}

// NewPS2Mouse returns a mouse in its power-on state (after its basic
// assurance test): stream mode, reporting off, 100 reports/s, 4 counts/mm,
// 1:1 scaling. The AAh 00h of its power-up test are not sent: they would
// reach the controller before the BIOS flushes it, and every driver resets
// the mouse (FFh) before using it anyway.
func NewPS2Mouse() *PS2Mouse {
	m := &PS2Mouse{}
	m.defaults()
	return m
}

func (m *PS2Mouse) defaults() {
	m.rate, m.res, m.scale21 = 100, 2, false
	m.reporting, m.remote = false, false
	m.clearCounters()
}

func (m *PS2Mouse) clearCounters() {
	m.fineX, m.fineY = 0, 0
	m.reported = m.buttons
	m.dirty = false
}

func (m *PS2Mouse) respond(b ...byte) {
	m.out = append(m.out, b...)
	m.last = append(m.last[:0], b...)
}

// Command takes a byte the host sent through the controller (D4h).
func (m *PS2Mouse) Command(v uint8) {
	if m.wrap && v != 0xEC && v != 0xFF {
		m.out = append(m.out, v) // wrap mode echoes everything else
		return
	}
	m.out = m.out[:0] // a command aborts the transmission in progress
	if e := m.expect; e != 0 {
		m.expect = 0
		switch e {
		case 0xF3: // sample rate
			for _, r := range ps2Rates {
				if v == r {
					m.rate = v
					m.clearCounters()
					m.respond(ps2ACK)
					return
				}
			}
		case 0xE8: // resolution
			if v <= 3 {
				m.res = v
				m.clearCounters()
				m.respond(ps2ACK)
				return
			}
		}
		m.respond(ps2Resend) // not a valid parameter
		return
	}
	switch v {
	case 0xFF: // reset and basic assurance test
		m.wrap = false
		m.defaults()
		m.respond(ps2ACK, ps2BATOK, ps2ID)
	case 0xFE: // resend the last packet or response
		m.out = append(m.out, m.last...)
	case 0xF6: // set defaults
		m.defaults()
		m.respond(ps2ACK)
	case 0xF5: // disable data reporting
		m.reporting = false
		m.clearCounters()
		m.respond(ps2ACK)
	case 0xF4: // enable data reporting
		m.reporting = true
		m.clearCounters()
		m.respond(ps2ACK)
	case 0xF3, 0xE8: // parameter follows
		m.expect = v
		m.respond(ps2ACK)
	case 0xF2: // get device ID
		m.respond(ps2ACK, ps2ID)
	case 0xF0: // remote mode
		m.remote = true
		m.clearCounters()
		m.respond(ps2ACK)
	case 0xEE: // wrap mode
		m.wrap = true
		m.clearCounters()
		m.respond(ps2ACK)
	case 0xEC: // leave wrap mode
		m.wrap = false
		m.clearCounters()
		m.respond(ps2ACK)
	case 0xEB: // read data: a packet, in either mode
		p := m.packet()
		m.respond(ps2ACK, p[0], p[1], p[2])
	case 0xEA: // stream mode
		m.remote = false
		m.clearCounters()
		m.respond(ps2ACK)
	case 0xE9: // status request
		var s uint8
		if m.remote {
			s |= 0x40
		}
		if m.reporting {
			s |= 0x20
		}
		if m.scale21 {
			s |= 0x10
		}
		s |= m.buttons&MouseLeft<<2 | m.buttons&MouseMiddle>>1 | m.buttons&MouseRight>>1
		m.respond(ps2ACK, s, m.res, m.rate)
	case 0xE7:
		m.scale21 = true
		m.respond(ps2ACK)
	case 0xE6:
		m.scale21 = false
		m.respond(ps2ACK)
	default:
		m.respond(ps2Resend)
	}
}

// Move adds host motion: dx to the right, dy down the screen, in counts at
// 4 counts/mm. Motion beyond what the 9-bit counters hold by the next
// packet sets that packet's overflow bit.
func (m *PS2Mouse) Move(dx, dy int) {
	if m.wrap {
		return
	}
	// fine units are counts at 8 counts/mm: two per host count.
	m.fineX += 2 * dx
	m.fineY += 2 * dy
	m.dirty = m.dirty || dx != 0 || dy != 0
}

// SetButtons sets the buttons held (MouseLeft | MouseRight | MouseMiddle).
func (m *PS2Mouse) SetButtons(b uint8) {
	m.buttons = b & 7
	m.dirty = m.dirty || m.buttons != m.reported
}

// Reported reports whether everything the host did has been sent (or
// cannot be: data reporting off, remote mode waiting for a read).
func (m *PS2Mouse) Reported() bool {
	if m.wrap || m.remote || !m.reporting {
		return true
	}
	return !m.dirty && len(m.out) == 0
}

// counts takes the whole counts at the current resolution out of a fine
// accumulator, leaving the remainder.
func (m *PS2Mouse) counts(fine *int) int {
	div := 1 << (3 - m.res)
	c := *fine / div // toward zero: the remainder keeps its sign
	*fine -= c * div
	return c
}

// packet builds a packet from the counters and clears them.
func (m *PS2Mouse) packet() [3]byte {
	dx, dy := m.counts(&m.fineX), -m.counts(&m.fineY)
	if m.scale21 && !m.remote {
		dx, dy = scale21(dx), scale21(dy)
	}
	b0 := uint8(0x08) | m.buttons
	if dx < 0 {
		b0 |= 0x10
	}
	if dy < 0 {
		b0 |= 0x20
	}
	if dx < -256 || dx > 255 {
		b0 |= 0x40
		dx = clampCount(dx)
	}
	if dy < -256 || dy > 255 {
		b0 |= 0x80
		dy = clampCount(dy)
	}
	m.reported = m.buttons
	m.dirty = false
	return [3]byte{b0, uint8(dx), uint8(dy)}
}

func scale21(c int) int {
	a := max(c, -c)
	if a < len(ps2Scale21) {
		a = ps2Scale21[a]
	} else {
		a *= 2
	}
	if c < 0 {
		return -a
	}
	return a
}

// clampCount limits an overflowed count to what the 9-bit counter holds.
func clampCount(c int) int { return min(max(c, -256), 255) }

// advance makes the stream-mode packet due by now, if the last one has
// gone out and something changed.
func (m *PS2Mouse) advance(now int64) {
	if !m.reporting || m.remote || m.wrap || !m.dirty || len(m.out) > 0 || now < m.nextAt {
		return
	}
	p := m.packet()
	m.out = append(m.out, p[:]...)
	m.last = append(m.last[:0], p[:]...)
	m.nextAt = now + int64(1e9)/int64(m.rate)
}

// nextEvent is when the next stream packet falls due, or math.MaxInt64.
func (m *PS2Mouse) nextEvent() int64 {
	if !m.reporting || m.remote || m.wrap || !m.dirty || len(m.out) > 0 {
		return math.MaxInt64
	}
	return m.nextAt
}

// pending is the next byte for the controller.
func (m *PS2Mouse) pending() (byte, bool) {
	if len(m.out) == 0 {
		return 0, false
	}
	return m.out[0], true
}

// sent drops the byte the controller took.
func (m *PS2Mouse) sent() {
	m.out = m.out[1:]
	if len(m.out) == 0 {
		m.out = m.out[:0:0]
	}
}

// PS2MouseState is the mouse's state for a machine state (state.go): its
// settings, the bytes it has for the controller, and the motion and
// buttons not yet reported.
type PS2MouseState struct {
	Out       []byte
	Last      []byte
	Expect    uint8
	Reporting bool
	Remote    bool
	Wrap      bool
	Scale21   bool
	Rate      uint8
	Res       uint8
	Buttons   uint8
	Reported  uint8
	FineX     int64
	FineY     int64
	Dirty     bool
	NextAt    int64
}

// State returns the mouse's state.
func (m *PS2Mouse) State() PS2MouseState {
	return PS2MouseState{
		Out: append([]byte(nil), m.out...), Last: append([]byte(nil), m.last...), Expect: m.expect,
		Reporting: m.reporting, Remote: m.remote, Wrap: m.wrap, Scale21: m.scale21, Rate: m.rate, Res: m.res,
		Buttons: m.buttons, Reported: m.reported, FineX: int64(m.fineX), FineY: int64(m.fineY), Dirty: m.dirty, NextAt: m.nextAt,
	}
}

// SetState puts the mouse in state s.
func (m *PS2Mouse) SetState(s PS2MouseState) error {
	if s.Res > 3 {
		return fmt.Errorf("PS/2 mouse: Res %d is not a resolution (0-3)", s.Res)
	}
	*m = PS2Mouse{
		out: append([]byte(nil), s.Out...), last: append([]byte(nil), s.Last...), expect: s.Expect,
		reporting: s.Reporting, remote: s.Remote, wrap: s.Wrap, scale21: s.Scale21, rate: s.Rate, res: s.Res,
		buttons: s.Buttons, reported: s.Reported, fineX: int(s.FineX), fineY: int(s.FineY), dirty: s.Dirty, nextAt: s.NextAt,
	}
	return nil
}
