// Package displaytest holds the test double the SDL and terminal displays
// are tested against: a screen, a keyboard and a mouse without a PC behind
// them.
package displaytest

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"time"

	"pcemu/machine"
	"pcemu/machine/video"
)

// Machine is a screen and a keyboard without a PC behind them, safe for a
// display's goroutine and the test's. It implements the Machine interfaces
// of both displays.
type Machine struct {
	mu      sync.Mutex
	a       *video.Adapter
	codes   [][]byte
	mouse   []string
	instr   uint64
	powered bool
}

// New returns a powered-on machine with a blank text screen: mode 3.
func New() *Machine {
	a := video.New(nil)
	SetMode(a, 0x03)
	return &Machine{a: a, powered: true}
}

// VideoSnapshot returns a copy of the adapter.
func (f *Machine) VideoSnapshot() *video.Adapter {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := *f.a
	return &c
}

// VideoSnapshotInto copies the adapter into dst (a new one when nil).
func (f *Machine) VideoSnapshotInto(dst *video.Adapter) *video.Adapter {
	if dst == nil {
		dst = new(video.Adapter)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	*dst = *f.a
	return dst
}

// VideoChanges returns the adapter's change counter.
func (f *Machine) VideoChanges() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.a.Changes()
}

// SendScancodes records one key transition.
func (f *Machine) SendScancodes(b []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.codes = append(f.codes, append([]byte(nil), b...))
}

// MouseMotion records motion as "by DX DY".
func (f *Machine) MouseMotion(dx, dy int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mouse = append(f.mouse, fmt.Sprintf("by %d %d", dx, dy))
}

// MouseMoveTo records an absolute move as "to X Y".
func (f *Machine) MouseMoveTo(x, y int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mouse = append(f.mouse, fmt.Sprintf("to %d %d", x, y))
	return nil
}

// MouseWalk records slow motion as "walk DX DY".
func (f *Machine) MouseWalk(dx, dy int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.mouse = append(f.mouse, fmt.Sprintf("walk %d %d", dx, dy))
}

// MouseButton records a button change as "down B" or "up B".
func (f *Machine) MouseButton(b uint8, down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	verb := "up"
	if down {
		verb = "down"
	}
	f.mouse = append(f.mouse, fmt.Sprintf("%s %d", verb, b))
}

// Mouse returns the mouse input so far, joined by " | ".
func (f *Machine) Mouse() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var b bytes.Buffer
	for i, s := range f.mouse {
		if i > 0 {
			b.WriteString(" | ")
		}
		b.WriteString(s)
	}
	return b.String()
}

// Stats counts five million instructions more at each call.
func (f *Machine) Stats() machine.Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.instr += 5_000_000
	return machine.Stats{Instructions: f.instr}
}

// Screendump writes the screen as a PNG file.
func (f *Machine) Screendump(path string) error {
	var buf bytes.Buffer
	if err := f.VideoSnapshot().WritePNG(&buf, 0); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// PowerOff records that the display powered the machine off.
func (f *Machine) PowerOff() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.powered = false
}

// Powered reports whether the machine is still on.
func (f *Machine) Powered() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.powered
}

// Strokes returns the key transitions sent so far, as HexStrokes.
func (f *Machine) Strokes() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return HexStrokes(f.codes)
}

// ClearStrokes forgets the key transitions sent so far.
func (f *Machine) ClearStrokes() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.codes = nil
}

// Edit calls fn with the adapter, as the machine's goroutine would change it.
func (f *Machine) Edit(fn func(a *video.Adapter)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f.a)
}

// HexStrokes formats key transitions as "1E | 9E | 2A ..." for comparison.
func HexStrokes(s [][]byte) string {
	var b bytes.Buffer
	for i, st := range s {
		if i > 0 {
			b.WriteString(" | ")
		}
		fmt.Fprintf(&b, "% X", st)
	}
	return b.String()
}

// Eventually polls cond every 10 ms for up to d of host time and reports
// whether it became true.
func Eventually(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}
