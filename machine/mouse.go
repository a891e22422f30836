package machine

import (
	"fmt"
	"sync"
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
	buttons uint8
	button  bool // a button change (buttons is the new state), not motion
}

type mouseQueue struct {
	mu      sync.Mutex
	q       []mouseEvent
	buttons uint8 // the state after the last queued change
}

// MouseMotion queues relative motion: dx counts to the right, dy down.
// Safe from any goroutine.
func (m *Machine) MouseMotion(dx, dy int) {
	if dx == 0 && dy == 0 {
		return
	}
	q := &m.mouse
	q.mu.Lock()
	defer q.mu.Unlock()
	if n := len(q.q); n > 0 && !q.q[n-1].button {
		q.q[n-1].dx += dx // relative motion adds up
		q.q[n-1].dy += dy
		return
	}
	q.push(mouseEvent{dx: dx, dy: dy})
}

// MouseButton presses (down) or releases a button: MouseLeft, MouseRight
// or MouseMiddle. Safe from any goroutine.
func (m *Machine) MouseButton(button uint8, down bool) {
	q := &m.mouse
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
	q.push(mouseEvent{buttons: b, button: true})
}

func (q *mouseQueue) push(e mouseEvent) {
	if len(q.q) < mouseQueueMax {
		q.q = append(q.q, e)
	}
}

// MousePending reports whether host mouse input has not all been reported
// to the guest yet.
func (m *Machine) MousePending() bool {
	m.mouse.mu.Lock()
	n := len(m.mouse.q)
	m.mouse.mu.Unlock()
	if n > 0 {
		return true
	}
	m.mu.Lock()
	defer m.mu.Unlock()
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

// feedMouse hands queued input to the mouse. Called by the run loop with
// mu held.
func (m *Machine) feedMouse() {
	q := &m.mouse
	q.mu.Lock()
	defer q.mu.Unlock()
	p := m.pointer()
	if p == nil {
		q.q = q.q[:0]
		return
	}
	for len(q.q) > 0 && p.Reported() {
		e := &q.q[0]
		if e.button {
			p.SetButtons(e.buttons)
			q.q = q.q[1:]
			continue
		}
		dx, dy := min(max(e.dx, -mouseStep), mouseStep), min(max(e.dy, -mouseStep), mouseStep)
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
