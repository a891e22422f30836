package machine

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
)

// MouseType is the pointing device a machine has.
type MouseType int

const (
	MousePS2    MouseType = iota // on the 8042's auxiliary port, IRQ 12 (the default)
	MouseSerial                  // a Microsoft serial mouse (Logitech 3-button) on COM1, IRQ 4
	MouseNone
)

func (t MouseType) String() string {
	switch t {
	case MousePS2:
		return "ps2"
	case MouseSerial:
		return "serial"
	case MouseNone:
		return "none"
	}
	return fmt.Sprintf("MouseType(%d)", int(t))
}

// Host mouse input. Motion and buttons from a display, a script or a test
// queue in the machine (from any goroutine) and enter the attached mouse
// between run slices, at virtual times that depend only on the guest, so a
// deterministic run stays deterministic:
//
//   - motion goes in pieces of at most mouseStep counts per axis, the next
//     piece once the mouse has reported the last one, so that no report
//     overflows and drivers see the motion as it was made;
//   - a button change waits until everything before it has been
//     reported, so a click (down, then up) is never merged into one
//     report and a drag starts where the pointer was.
//
// A mouse whose reports go nowhere (PS/2 data reporting off, serial mouse
// unpowered) takes the input and drops it, as the real one would.

// mouseStep is the most motion handed to the mouse per report: it fits the
// serial mouse's 8-bit counts and, at the highest PS/2 resolution (twice
// the host's counts), the 9-bit ones.
const mouseStep = 64

// mouseQueueMax bounds the queue when the guest does not read its mouse.
const mouseQueueMax = 1024

// pointer is what the queue drives: either mouse.
type pointer interface {
	Move(dx, dy int)
	SetButtons(b uint8)
	Reported() bool
}

type mouseEvent struct {
	dx, dy  int
	step    int // motion: at most this many counts per report (0: mouseStep)
	buttons uint8
	button  bool // a button change (buttons is the new state), not motion
}

type mouseQueue struct {
	mu      sync.Mutex
	q       []mouseEvent
	buttons uint8 // the state after the last queued change
	next    int64 // virtual time the feeder looks next
}

// mouseRetry is how soon the feeder looks again when the mouse has not
// reported the last piece yet.
const mouseRetry = int64(time.Millisecond)

// MouseMotion queues relative motion from the host's pointing device: dx
// to the right, dy down, in counts at the PS/2 mouse's default resolution
// (4 counts/mm; the mouse scales them to the resolution the guest chose).
// Safe from any goroutine: it takes effect between two run slices.
func (m *Machine) MouseMotion(dx, dy int) {
	if dx == 0 && dy == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.input(Input{Kind: InputMouseMotion, DX: dx, DY: dy})
}

// motion queues relative motion, adding it to motion still queued.
func (q *mouseQueue) motion(dx, dy int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if n := len(q.q); n > 0 && !q.q[n-1].button && q.q[n-1].step == 0 {
		q.q[n-1].dx += dx // relative motion adds up
		q.q[n-1].dy += dy
		return
	}
	q.pushLocked(mouseEvent{dx: dx, dy: dy})
}

// MouseButton presses (down) or releases a button: MouseLeft, MouseRight
// or MouseMiddle. Safe from any goroutine.
func (m *Machine) MouseButton(button uint8, down bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.input(Input{Kind: InputMouseButton, Button: button, Down: down})
}

// button queues a button change (nothing if the button is already so).
func (q *mouseQueue) button(button uint8, down bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	b := q.buttons &^ button
	if down {
		b |= button
	}
	if b == q.buttons {
		return
	}
	q.buttons = b
	q.pushLocked(mouseEvent{buttons: b, button: true})
}

func (q *mouseQueue) push(e mouseEvent) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.pushLocked(e)
}

func (q *mouseQueue) pushLocked(e mouseEvent) {
	if len(q.q) < mouseQueueMax {
		q.q = append(q.q, e)
	}
}

// nextEvent is when the feeder acts next: never with nothing queued.
func (q *mouseQueue) nextEvent() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.q) == 0 {
		return math.MaxInt64
	}
	return q.next
}

// MousePending reports whether host mouse input has not all been reported
// to the guest yet.
func (m *Machine) MousePending() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.mouse.mu.Lock()
	n := len(m.mouse.q)
	m.mouse.mu.Unlock()
	if n > 0 {
		return true
	}
	p := m.pointer()
	return p != nil && !p.Reported()
}

// pointer is the attached mouse, or nil.
func (m *Machine) pointer() pointer {
	switch {
	case m.PS2Mouse != nil:
		return m.PS2Mouse
	case m.SerialMouse != nil:
		return m.SerialMouse
	}
	return nil
}

// feedMouse hands queued input to the mouse, at the feeder's own times
// (mouseQueue.next): what the mouse has reported now, then again
// mouseRetry later. Called with mu held.
func (m *Machine) feedMouse(now int64) {
	q := &m.mouse
	q.mu.Lock()
	defer q.mu.Unlock()
	p := m.pointer()
	if p == nil {
		q.q = q.q[:0]
		return
	}
	if len(q.q) == 0 || now < q.next {
		return
	}
	q.next = now + mouseRetry
	for len(q.q) > 0 && p.Reported() {
		e := &q.q[0]
		if e.button {
			p.SetButtons(e.buttons)
			q.q = q.q[1:]
			continue
		}
		step := mouseStep
		if e.step > 0 {
			step = e.step
		}
		dx, dy := min(max(e.dx, -step), step), min(max(e.dy, -step), step)
		p.Move(dx, dy)
		e.dx -= dx
		e.dy -= dy
		if e.dx == 0 && e.dy == 0 {
			q.q = q.q[1:]
		}
	}
	if len(q.q) == 0 {
		q.q = nil
	}
}

// ParseMouseButton reads a button's name: left, right or middle.
func ParseMouseButton(name string) (uint8, error) {
	switch strings.ToLower(name) {
	case "left":
		return MouseLeft, nil
	case "right":
		return MouseRight, nil
	case "middle":
		return MouseMiddle, nil
	}
	return 0, fmt.Errorf("mouse button %q: choose left, right or middle", name)
}

// MouseClick presses and releases a button (two reports).
func (m *Machine) MouseClick(button uint8) {
	m.MouseButton(button, true)
	m.MouseButton(button, false)
}

// Absolute moves with a relative mouse. A mouse only reports motion, and
// the driver turns it into a pointer position by its own rules, so
// MouseMoveTo aims through what Microsoft-compatible drivers (MOUSE.COM,
// CuteMouse) do by default:
//
//   - the pointer lives on a virtual screen 640 pixels wide (a 320-pixel
//     mode counts every pixel twice) and as high as the mode (text: 8
//     virtual pixels per row, 80 columns of 8 or 40 of 16);
//   - the mickey ratio is 8 mickeys per 8 pixels across and 16 per 8 down,
//     with one mickey per count the mouse reports;
//   - the pointer stops at the screen's edges.
//
// So the move is first far up and to the left, which puts the pointer in
// the top-left corner whatever it did with the motion, then, in reports of
// at most moveStep counts (too slow for drivers' acceleration), the counts
// that lead to the target: the middle of a text cell, or the pixel in a
// graphics mode. The limits: a driver with another mickey ratio, virtual
// screen or acceleration for slow motion (changed with INT 33h functions
// 0Fh, 13h, 1Ah), or a program that confines or moves the pointer itself,
// puts it elsewhere; a PS/2 resolution of 8 counts/mm moves in steps of
// two mickeys.
const (
	moveStep   = 2    // counts per report of the aimed motion
	moveCorner = 2048 // counts to the corner, beyond the largest screen's 640 and 2*480 mickeys
)

// MouseMoveTo queues motion that puts a driver's pointer on column x, row
// y (from 0) in text modes, or on pixel x, y in graphics modes. It fails
// when the position is not on the screen. Safe from any goroutine.
func (m *Machine) MouseMoveTo(x, y int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	g := m.Video.Geometry()
	text := g.Text
	var w, h, vx, vy int
	if text {
		w, h = g.Cols, g.Rows
	} else {
		w, h = g.Width, g.Height
	}
	unitsPerCount := m.unitsPerCount()
	if x < 0 || y < 0 || x >= w || y >= h {
		what := "pixel"
		if text {
			what = "cell"
		}
		return fmt.Errorf("mouse move %d %d: no such %s on the %dx%d screen", x, y, what, w, h)
	}
	if text {
		cw := 640 / w
		vx, vy = x*cw+cw/2, y*8+4
	} else {
		vx, vy = x*640/w, y
	}
	mickeysX, mickeysY := vx, 2*vy
	units := func(mickeys int) int { return int(math.Round(float64(mickeys) * unitsPerCount)) }
	m.input(Input{Kind: InputMouseMoves, DX: -units(moveCorner), DY: -units(moveCorner), Step: mouseStep})
	m.input(Input{Kind: InputMouseMoves, DX: units(mickeysX), DY: units(mickeysY), Step: max(1, units(moveStep))})
	return nil
}

// MouseWalk queues motion of dx, dy counts like MouseBy, in the slow
// reports of MouseMoveTo's aimed motion (at most moveStep counts each), which
// drivers do not accelerate: a pointer that follows an absolute position
// the host knows (the terminal's mouse reports) arrives where it should.
// Safe from any goroutine.
func (m *Machine) MouseWalk(dx, dy int) {
	if dx == 0 && dy == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	u := m.unitsPerCount()
	units := func(c int) int { return int(math.Round(float64(c) * u)) }
	m.input(Input{Kind: InputMouseMoves, DX: units(dx), DY: units(dy), Step: max(1, units(moveStep))})
}

// unitsPerCount is the host motion (MouseMotion's unit) that makes the
// attached mouse report one count. Called with mu held.
func (m *Machine) unitsPerCount() float64 {
	if m.PS2Mouse != nil {
		return 4 / float64(int(1)<<m.PS2Mouse.res)
	}
	return 1
}

// MouseBy queues motion of dx, dy counts (right, down) as the mouse
// reports them to the guest (mickeys, to a driver), whatever resolution
// the guest set. Safe from any goroutine.
func (m *Machine) MouseBy(dx, dy int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	u := m.unitsPerCount()
	if dx, dy := int(math.Round(float64(dx)*u)), int(math.Round(float64(dy)*u)); dx != 0 || dy != 0 {
		m.input(Input{Kind: InputMouseMotion, DX: dx, DY: dy})
	}
}
