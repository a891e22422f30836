//go:build !nosdl

package sdl

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veandco/go-sdl2/sdl"

	"pcemu/cmd/pcemu/internal/displaytest"
	"pcemu/machine/video"
)

// pushEvent puts an event on SDL's queue at the start of an allocation as
// large as SDL_Event (see pushKey).
func pushEvent[E any](t *testing.T, e E) {
	t.Helper()
	b := &struct {
		e   E
		pad [64]byte
	}{e: e}
	if _, err := sdl.PushEvent(any(&b.e).(sdl.Event)); err != nil {
		t.Fatalf("PushEvent: %v", err)
	}
}

func pushButton(t *testing.T, button uint8, down bool) {
	e := sdl.MouseButtonEvent{Type: sdl.MOUSEBUTTONUP, Button: button, State: sdl.RELEASED}
	if down {
		e.Type, e.State = sdl.MOUSEBUTTONDOWN, sdl.PRESSED
	}
	pushEvent(t, e)
}

// A click captures the pointer (the click itself is not the guest's);
// then motion and buttons go to the guest's mouse until Ctrl+Alt+G; the
// title says how to capture and how to release.
func TestMouseCapture(t *testing.T) {
	t.Setenv("SDL_VIDEODRIVER", "dummy")
	f := displaytest.New()
	runWindow(t, f, Options{}, func(h *harness) {
		g := h.grab(nil, func() { f.Edit(colourTest) })
		if !strings.Contains(g.title, "click to capture the mouse") {
			t.Errorf("title %q does not say how to capture the mouse", g.title)
		}
		pushEvent(t, sdl.MouseMotionEvent{Type: sdl.MOUSEMOTION, XRel: 9, YRel: 9}) // not captured: the host's
		pushButton(t, sdl.BUTTON_LEFT, true)
		pushButton(t, sdl.BUTTON_LEFT, false)
		// Turning relative mode on drops the motion queued before it, as
		// it should: wait for the capture.
		g = h.grab(func(w *window) bool { return w.captured }, func() { f.Edit(func(a *video.Adapter) { a.Write8(0xB8000, 'L') }) })
		if !strings.Contains(g.title, "Ctrl+Alt+G releases the mouse") {
			t.Errorf("captured: title %q", g.title)
		}
		pushEvent(t, sdl.MouseMotionEvent{Type: sdl.MOUSEMOTION, XRel: 5, YRel: -3})
		pushButton(t, sdl.BUTTON_RIGHT, true)
		pushButton(t, sdl.BUTTON_RIGHT, false)
		pushButton(t, sdl.BUTTON_MIDDLE, true)
		const want = "by 5 -3 | down 2 | up 2 | down 4"
		if !displaytest.Eventually(10*time.Second, func() bool { return f.Mouse() == want }) {
			t.Fatalf("mouse input %q, want %q", f.Mouse(), want)
		}
		hostCombo(t, sdl.SCANCODE_G)
		pushEvent(t, sdl.MouseMotionEvent{Type: sdl.MOUSEMOTION, XRel: 7, YRel: 7})
		pushButton(t, sdl.BUTTON_MIDDLE, false) // released: the host's again
		g = h.grab(func(w *window) bool { return !w.captured }, func() { f.Edit(func(a *video.Adapter) { a.Write8(0xB8000, 'N') }) })
		if !strings.Contains(g.title, "click to capture") {
			t.Errorf("released: title %q", g.title)
		}
		if f.Mouse() != want {
			t.Errorf("input after Ctrl+Alt+G reached the guest: %q", f.Mouse())
		}
		if f.Strokes() != "1D | 38 | B8 | 9D" {
			t.Errorf("keys %q: G of Ctrl+Alt+G reached the guest", f.Strokes())
		}
	})
}

// tone is a Sound of a known ramp of samples, counting what it gave.
type tone struct {
	mu   sync.Mutex
	next int16
	rate int
}

func (s *tone) Read(p []int16) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range p {
		s.next = s.next%1000 + 1
		p[i] = s.next * 7
	}
	return len(p)
}

// The window plays the speaker through SDL's audio: on the disk driver,
// which writes what the device plays to a file, the samples from the
// machine arrive in order.
func TestAudioDisk(t *testing.T) {
	t.Setenv("SDL_VIDEODRIVER", "dummy")
	t.Setenv("SDL_AUDIODRIVER", "disk")
	out := filepath.Join(t.TempDir(), "sdlaudio.raw")
	t.Setenv("SDL_DISKAUDIOFILE", out)
	t.Setenv("SDL_DISKAUDIODELAY", "5")
	f := displaytest.New()
	src := &tone{}
	w := runWindow(t, f, Options{Audio: func(rate int) Sound { src.rate = rate; return src }}, func(h *harness) {
		time.Sleep(500 * time.Millisecond)
	})
	if w.audioRate == 0 || src.rate != w.audioRate {
		t.Fatalf("audio device rate %d, Sound asked for %d", w.audioRate, src.rate)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 2000 {
		t.Fatalf("the device wrote %d bytes", len(b))
	}
	// After any silence at the start, the ramp 7, 14, ... 7000, 7, ...
	s := make([]int16, len(b)/2)
	for i := range s {
		s[i] = int16(uint16(b[2*i]) | uint16(b[2*i+1])<<8)
	}
	i := 0
	for i < len(s) && s[i] == 0 {
		i++
	}
	n := 0
	for want := int16(7); i < len(s) && s[i] != 0; i, n = i+1, n+1 {
		if s[i] != want {
			t.Fatalf("sample %d is %d, want %d", i, s[i], want)
		}
		want = want%7000 + 7
	}
	if n < 1000 {
		t.Errorf("only %d samples of the ramp played", n)
	}
}
