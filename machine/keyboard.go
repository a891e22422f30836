package machine

import (
	"fmt"
	"math"
	"sync"
	"time"

	"pcemu/machine/keys"
)

// Typing into the machine. Text becomes key transitions of scancode set 1
// (US layout, IBM PS/2 Technical Reference, "Keyboard Scan Code Set 1"),
// which queue in the machine and enter the keyboard controller one byte
// at a time, each when the controller's output buffer is free: a key
// every keyInterval of virtual time, and not while the BIOS type-ahead
// buffer is full, so that pasted text is not lost the way fast typing on
// a busy PC would lose it.

// keyInterval is the virtual time between two key transitions: about the
// pace of a fast typist's keystrokes on a typematic keyboard.
const keyInterval = int64(5 * time.Millisecond)

// keyRetry is how soon the feeder looks again when the keyboard or the
// type-ahead buffer is not ready for the next transition.
const keyRetry = int64(time.Millisecond)

// textScancodes returns the key transitions that type text: for each
// character its make and break codes, wrapped in Shift for shifted ones
// (keys.CharCombo).
func textScancodes(text string) ([][]byte, error) {
	var strokes [][]byte
	for i, r := range text {
		c, ok := keys.CharCombo(r)
		if !ok {
			return nil, fmt.Errorf("type: character %q at offset %d has no key on a US keyboard", r, i)
		}
		strokes = append(strokes, c.Strokes()...)
	}
	return strokes, nil
}

// BIOS data area words of the keyboard buffer (IBM PC/AT Technical
// Reference, BIOS listing: BUFFER_HEAD, BUFFER_TAIL, BUFFER_START, _END).
const (
	bdaKbdHead  = 0x41A
	bdaKbdTail  = 0x41C
	bdaKbdStart = 0x480
	bdaKbdEnd   = 0x482
)

// typeAheadFull reports whether the BIOS keyboard buffer cannot take
// another character (the tail is one slot behind the head).
func (m *Machine) typeAheadFull() bool {
	ram := m.Mem.RAM
	if len(ram) < 0x500 {
		return false
	}
	w := func(a int) int { return int(ram[a]) | int(ram[a+1])<<8 }
	head, tail, start, end := w(bdaKbdHead), w(bdaKbdTail), w(bdaKbdStart), w(bdaKbdEnd)
	if start == 0 || end <= start {
		start, end = 0x1E, 0x3E // the BDA has not been set up: the default buffer
	}
	next := tail + 2
	if next >= end {
		next = start
	}
	return next == head
}

// keyQueue holds key transitions from the host that the keyboard has not
// been given yet.
type keyQueue struct {
	mu   sync.Mutex
	q    []keyTransition
	next int64 // virtual time the feeder looks next (and the next transition may be sent)
}

func (k *keyQueue) push(t keyTransition) {
	k.mu.Lock()
	k.q = append(k.q, t)
	k.mu.Unlock()
}

// nextEvent is when the feeder acts next: never with nothing queued.
func (k *keyQueue) nextEvent() int64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.q) == 0 {
		return math.MaxInt64
	}
	return k.next
}

// keyTransition is one key going down or up. Typed text waits while the
// BIOS type-ahead buffer is full (like a paste that keeps pace with the
// reader); key events from a display never wait for it, because a program
// with its own keyboard handler may never empty that buffer.
type keyTransition struct {
	codes []byte
	typed bool
}

// SendScancodes queues one key transition: a make or break code of scancode
// set 1 with its prefixes (E0h ...). Safe from any goroutine: it takes
// effect between two run slices (input.go).
func (m *Machine) SendScancodes(codes []byte) {
	if len(codes) == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.input(Input{Kind: InputKey, Bytes: codes})
}

// TypeKeys types text on a US keyboard: printable ASCII, "\r" or "\n" for
// Enter, "\t", "\b" and "\x1b" (Esc). Shifted characters are typed with the
// left Shift key. Safe from any goroutine; the keys reach the guest as the
// machine runs.
func (m *Machine) TypeKeys(text string) error {
	strokes, err := textScancodes(text)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range strokes {
		m.input(Input{Kind: InputKey, Bytes: k, Typed: true})
	}
	return nil
}

// KeysPending reports whether typed keys have not all been read by the
// guest yet.
func (m *Machine) KeysPending() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.keys.mu.Lock()
	n := len(m.keys.q)
	m.keys.mu.Unlock()
	return n > 0 || m.KBC.Pending() > 0
}

// feedKeys hands the next key transition to the keyboard once it has sent
// the previous one, keyInterval after it, and, for typed text, while the
// BIOS type-ahead buffer has room; when they are not ready it looks again
// keyRetry later. It acts only at its own times (keyQueue.next), never
// because a slice ended. Called with mu held.
func (m *Machine) feedKeys(now int64) {
	k := &m.keys
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.q) == 0 || now < k.next {
		return
	}
	if m.KBC.Pending() > 0 || k.q[0].typed && m.typeAheadFull() {
		k.next = now + keyRetry
		return
	}
	m.KBC.KeyScancodes(k.q[0].codes...)
	k.q[0] = keyTransition{}
	k.q = k.q[1:]
	k.next = now + keyInterval
}
