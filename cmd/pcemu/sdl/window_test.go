//go:build !nosdl

package sdl

import (
	"bytes"
	"context"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/veandco/go-sdl2/sdl"

	"pcemu/cmd/pcemu/internal/displaytest"
	"pcemu/machine/keys"
	"pcemu/machine/video"
)

// colourTest fills the text screen with every colour pair and the whole
// character set, with the cursor switched off so that the picture does
// not depend on the blink phase.
func colourTest(a *video.Adapter) {
	displaytest.Attr(a, 0x10, displaytest.AttrRead(a, 0x10)&^0x08) // AR10 bit 3 off: bright backgrounds, no blink
	for i := 0; i < 80*25; i++ {
		a.Write8(uint32(0xB8000+2*i), uint8(i))
		a.Write8(uint32(0xB8000+2*i+1), uint8(i/8))
	}
	displaytest.CRTC(a, 0x0A, 0x20) // cursor off
}

// readFrame reads the picture's rectangle back from the renderer: what
// the window shows. Called on the window's thread between painting and
// presenting.
func (w *window) readFrame() (*image.RGBA, error) {
	dst := w.dstRect()
	img := image.NewRGBA(image.Rect(0, 0, int(dst.W), int(dst.H)))
	err := w.ren.ReadPixels(&dst, uint32(sdl.PIXELFORMAT_RGBA32), unsafe.Pointer(&img.Pix[0]), img.Stride)
	return img, err
}

// compareScaled checks that got is want scaled by nearest-neighbour
// sampling: every pixel of got has the colour of a pixel of want under it
// (or next to it, for the renderer's rounding of fractional positions),
// and nearly all have the colour of the pixel under their centre.
func compareScaled(t *testing.T, got, want *image.RGBA) {
	t.Helper()
	dw, dh := got.Rect.Dx(), got.Rect.Dy()
	sw, sh := want.Rect.Dx(), want.Rect.Dy()
	at := func(img *image.RGBA, x, y int) [4]uint8 {
		o := img.PixOffset(x, y)
		return [4]uint8(img.Pix[o : o+4])
	}
	bad, exact := 0, 0
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			g := at(got, x, y)
			if g == at(want, (2*x+1)*sw/(2*dw), (2*y+1)*sh/(2*dh)) {
				exact++
				continue
			}
			ok := false
			for sy := max(0, y*sh/dh-1); sy <= min(sh-1, (y+1)*sh/dh+1) && !ok; sy++ {
				for sx := max(0, x*sw/dw-1); sx <= min(sw-1, (x+1)*sw/dw+1); sx++ {
					if at(want, sx, sy) == g {
						ok = true
						break
					}
				}
			}
			if !ok {
				if bad < 5 {
					t.Errorf("pixel %d,%d is %v: no such colour under it in the rendered %dx%d image", x, y, g, sw, sh)
				}
				bad++
			}
		}
	}
	if bad > 0 || exact < dw*dh*9/10 {
		t.Errorf("%dx%d read back from the window: %d pixels wrong, %d of %d exactly sampled", dw, dh, bad, exact, dw*dh)
	}
}

// harness runs a window on the test's goroutine (locked to its thread, as
// SDL wants) while step runs on another goroutine and drives it. grab
// returns the window's picture at the next repaint that satisfies cond.
type harness struct {
	t    *testing.T
	w    *window
	reqs chan grabReq
}

type grabReq struct {
	cond  func(w *window) bool
	reply chan grabbed
}

type grabbed struct {
	img    *image.RGBA
	screen *image.RGBA // what the window rendered (its texture's content)
	dst    sdl.Rect
	title  string
	driver string // SDL's video driver
	err    error
}

func runWindow(t *testing.T, m Machine, opt Options, step func(h *harness)) *window {
	t.Helper()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	w, err := open(m, opt)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer w.close()
	h := &harness{t: t, w: w, reqs: make(chan grabReq, 1)}
	var pending *grabReq
	w.painted = func() {
		if pending == nil {
			select {
			case r := <-h.reqs:
				pending = &r
			default:
				return
			}
		}
		if pending.cond != nil && !pending.cond(w) {
			return
		}
		img, err := w.readFrame()
		screen := image.NewRGBA(w.img.Rect)
		copy(screen.Pix, w.img.Pix)
		driver, _ := sdl.GetCurrentVideoDriver()
		pending.reply <- grabbed{img: img, screen: screen, dst: w.dstRect(), title: w.win.GetTitle(), driver: driver, err: err}
		pending = nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			// End the window whatever happened in step.
			pushQuit(t)
		}()
		step(h)
	}()
	if err := w.loop(ctx); err != nil {
		t.Errorf("loop: %v", err)
	}
	<-done
	return w
}

// grab asks for the next picture painted after the screen changed (the
// change makes the window repaint) for which cond holds.
func (h *harness) grab(cond func(w *window) bool, change func()) grabbed {
	h.t.Helper()
	r := grabReq{cond: cond, reply: make(chan grabbed, 1)}
	h.reqs <- r
	if change != nil {
		change()
	}
	select {
	case g := <-r.reply:
		if g.err != nil {
			h.t.Errorf("reading the window back: %v", g.err)
		}
		return g
	case <-time.After(30 * time.Second):
		h.t.Fatal("the window did not repaint")
	}
	return grabbed{}
}

// pushKey sends a host key event as SDL's event queue would deliver it.
func pushKey(t *testing.T, sc sdl.Scancode, down bool, repeat bool, mod sdl.Keymod) {
	t.Helper()
	e := &sdl.KeyboardEvent{Type: sdl.KEYUP, State: sdl.RELEASED,
		Keysym: sdl.Keysym{Scancode: sc, Mod: uint16(mod)}}
	if down {
		e.Type, e.State = sdl.KEYDOWN, sdl.PRESSED
	}
	if repeat {
		e.Repeat = 1
	}
	// go-sdl2 converts the event's pointer to SDL_Event, a larger union;
	// the event sits at the start of an allocation that large so that
	// the conversion stays inside it (-race turns on checkptr, which
	// would stop the test otherwise).
	b := &struct {
		e   sdl.KeyboardEvent
		pad [64]byte
	}{e: *e}
	if _, err := sdl.PushEvent(&b.e); err != nil {
		t.Errorf("PushEvent: %v", err)
	}
}

// pushQuit sends the event of the window's close button.
func pushQuit(t *testing.T) {
	b := &struct {
		e   sdl.QuitEvent
		pad [64]byte
	}{e: sdl.QuitEvent{Type: sdl.QUIT}}
	if _, err := sdl.PushEvent(&b.e); err != nil {
		t.Errorf("PushEvent: %v", err)
	}
}

// hostCombo presses Ctrl+Alt+key and lets go, as a user would.
func hostCombo(t *testing.T, sc sdl.Scancode) {
	const ctrlAlt = sdl.KMOD_LCTRL | sdl.KMOD_LALT
	pushKey(t, sdl.SCANCODE_LCTRL, true, false, sdl.KMOD_LCTRL)
	pushKey(t, sdl.SCANCODE_LALT, true, false, ctrlAlt)
	pushKey(t, sc, true, false, ctrlAlt)
	pushKey(t, sc, false, false, ctrlAlt)
	pushKey(t, sdl.SCANCODE_LALT, false, false, sdl.KMOD_LCTRL)
	pushKey(t, sdl.SCANCODE_LCTRL, false, false, 0)
}

// TestWindowDummy drives the window on SDL's dummy video driver: keys in,
// scancodes out; the picture read back from the renderer is the one
// renderer's image, scaled to 4:3, in text mode and in mode 13h; the
// screenshot key writes the renderer's PNG; the title shows the speed;
// closing the window powers the machine off.
func TestWindowDummy(t *testing.T) {
	t.Setenv("SDL_VIDEODRIVER", "dummy")
	f := displaytest.New()
	f.Edit(colourTest)
	dir := t.TempDir()
	w := runWindow(t, f, Options{Image: "test.vhd", ScreenshotDir: dir, Scale: 1}, func(h *harness) {
		// Keys: a letter, a gray arrow with typematic repeat, keypad
		// Enter, right Ctrl; each break only once.
		pushKey(t, sdl.SCANCODE_A, true, false, 0)
		pushKey(t, sdl.SCANCODE_A, false, false, 0)
		pushKey(t, sdl.SCANCODE_UP, true, false, 0)
		pushKey(t, sdl.SCANCODE_UP, true, true, 0)
		pushKey(t, sdl.SCANCODE_UP, false, false, 0)
		pushKey(t, sdl.SCANCODE_KP_ENTER, true, false, 0)
		pushKey(t, sdl.SCANCODE_KP_ENTER, false, false, 0)
		pushKey(t, sdl.SCANCODE_RCTRL, true, false, sdl.KMOD_RCTRL)
		pushKey(t, sdl.SCANCODE_RCTRL, false, false, 0)
		want := "1E | 9E | E0 48 | E0 48 | E0 C8 | E0 1C | E0 9C | E0 1D | E0 9D"
		if !displaytest.Eventually(10*time.Second, func() bool { return f.Strokes() == want }) {
			t.Errorf("keys sent %s, want %s", f.Strokes(), want)
		}

		// Ctrl+Alt+R releases keys still held (here Shift), and its R
		// does not reach the guest.
		f.ClearStrokes()
		pushKey(t, sdl.SCANCODE_LSHIFT, true, false, sdl.KMOD_LSHIFT)
		hostCombo(t, sdl.SCANCODE_R)
		pushKey(t, sdl.SCANCODE_LSHIFT, false, false, 0)
		// A marker key after the combination shows when all is handled.
		pushKey(t, sdl.SCANCODE_SPACE, true, false, 0)
		if !displaytest.Eventually(10*time.Second, func() bool { return strings.HasSuffix(f.Strokes(), "39") }) {
			t.Errorf("Ctrl+Alt+R: %s", f.Strokes())
		}
		if got, want := f.Strokes(), "2A | 1D | 38 | 9D | AA | B8 | 39"; got != want {
			t.Errorf("Shift, Ctrl+Alt+R sent %s, want %s (the breaks of all three, in scancode order, and nothing more)", got, want)
		}

		// The text screen read back: the renderer's image at 720x540.
		g := h.grab(nil, func() { f.Edit(func(a *video.Adapter) { a.Write8(0xB8000, 'X') }) })
		if g.driver != "dummy" {
			t.Errorf("SDL video driver %q, want dummy", g.driver)
		}
		if g.dst.W != 720 || g.dst.H != 540 {
			t.Errorf("text mode shown at %dx%d, want 720x540", g.dst.W, g.dst.H)
		}
		want0 := f.VideoSnapshot().Render(nil, 0)
		if g.screen.Rect.Dx() != 720 || g.screen.Rect.Dy() != 400 {
			t.Errorf("texture %v, want 720x400", g.screen.Rect)
		}
		compareScaled(t, g.img, want0)

		// Mode 13h with the DAC's colours: 320x200 at 2x of 320x240.
		g = h.grab(func(w *window) bool { return w.tw == 320 }, func() {
			f.Edit(func(a *video.Adapter) {
				displaytest.SetMode(a, 0x13)
				for y := 0; y < 200; y++ {
					for x := 0; x < 320; x++ {
						displaytest.Plot(a, 0x13, x, y, uint8(x/20+16*(y/13)))
					}
				}
			})
		})
		if g.dst.W != 640 || g.dst.H != 480 || g.dst.X != 40 || g.dst.Y != 30 {
			t.Errorf("mode 13h shown at %+v, want 640x480 centred in 720x540", g.dst)
		}
		compareScaled(t, g.img, f.VideoSnapshot().Render(nil, 0))

		// Ctrl+Alt+S: the screenshot is the renderer's PNG.
		hostCombo(t, sdl.SCANCODE_S)
		var shot string
		if !displaytest.Eventually(10*time.Second, func() bool {
			m, _ := filepath.Glob(filepath.Join(dir, "pcemu-*.png"))
			if len(m) > 0 {
				shot = m[0]
			}
			return shot != ""
		}) {
			t.Fatal("Ctrl+Alt+S saved no screenshot")
		}
		time.Sleep(100 * time.Millisecond)
		data, err := os.ReadFile(shot)
		if err != nil {
			t.Fatal(err)
		}
		var png0 bytes.Buffer
		f.VideoSnapshot().WritePNG(&png0, 0)
		if !bytes.Equal(data, png0.Bytes()) {
			t.Errorf("screenshot %s differs from the renderer's PNG", shot)
		}

		// The title shows the emulated speed after a second.
		time.Sleep(1100 * time.Millisecond)
		g = h.grab(nil, func() { f.Edit(func(a *video.Adapter) { displaytest.Plot(a, 0x13, 0, 0, 1) }) })
		if !strings.HasPrefix(g.title, "pcemu — test.vhd — ") || !strings.Contains(g.title, " MIPS — ") {
			t.Errorf("title %q", g.title)
		}
	})
	_ = w
	if f.Powered() {
		t.Error("closing the window did not power the machine off")
	}
}

// reverse maps set-1 keys back to SDL scancodes, for typing through the
// window.
func sdlScancode(k keys.Key) (sdl.Scancode, bool) {
	if k == keys.LeftShift {
		return sdl.SCANCODE_LSHIFT, true
	}
	for sc, key := range keymap {
		if key == k && sc != sdl.SCANCODE_NONUSHASH {
			return sc, true
		}
	}
	return 0, false
}

// typeText presses and releases the keys of text as SDL key events.
func typeText(t *testing.T, text string) {
	t.Helper()
	for _, r := range text {
		c, ok := keys.CharCombo(r)
		if !ok {
			t.Fatalf("no key for %q", r)
		}
		var scs []sdl.Scancode
		for _, k := range append(append([]keys.Key(nil), c.Mods...), c.Key) {
			sc, ok := sdlScancode(k)
			if !ok {
				t.Fatalf("no SDL scancode for %v", k)
			}
			scs = append(scs, sc)
		}
		for _, sc := range scs {
			pushKey(t, sc, true, false, 0)
		}
		for i := len(scs) - 1; i >= 0; i-- {
			pushKey(t, scs[i], false, false, 0)
		}
	}
}

// TestRun runs the package's entry point as main does: closing the window
// powers the machine off and Run returns; cancelling the context (the
// machine stopped by itself) returns without powering off.
func TestRun(t *testing.T) {
	t.Setenv("SDL_VIDEODRIVER", "dummy")
	f := displaytest.New()
	go func() {
		time.Sleep(300 * time.Millisecond)
		pushQuit(t)
	}()
	if err := Run(context.Background(), f, Options{Image: "x.img"}); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if f.Powered() {
		t.Error("closing the window left the machine on")
	}

	f = displaytest.New()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := Run(ctx, f, Options{}); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !f.Powered() {
		t.Error("the end of the context powered the machine off")
	}
}

// TestNoDisplay: when SDL cannot open a display, Run says so and suggests
// the terminal display.
func TestNoDisplay(t *testing.T) {
	t.Setenv("SDL_VIDEODRIVER", "no-such-driver")
	err := Run(context.Background(), displaytest.New(), Options{})
	if err == nil || !strings.Contains(err.Error(), "SDL window") || !strings.Contains(err.Error(), "-display term") {
		t.Errorf("Run without a display: %v", err)
	}
}

// TestFocusLost: keys held when the window loses the keyboard focus are
// released in the guest, since their releases go to another window.
func TestFocusLost(t *testing.T) {
	t.Setenv("SDL_VIDEODRIVER", "dummy")
	f := displaytest.New()
	runWindow(t, f, Options{}, func(h *harness) {
		pushKey(t, sdl.SCANCODE_LALT, true, false, sdl.KMOD_LALT)
		b := &struct {
			e   sdl.WindowEvent
			pad [64]byte
		}{e: sdl.WindowEvent{Type: sdl.WINDOWEVENT, Event: sdl.WINDOWEVENT_FOCUS_LOST}}
		if _, err := sdl.PushEvent(&b.e); err != nil {
			t.Fatal(err)
		}
		pushKey(t, sdl.SCANCODE_LALT, false, false, 0)
		pushKey(t, sdl.SCANCODE_SPACE, true, false, 0)
		if !displaytest.Eventually(10*time.Second, func() bool { return strings.HasSuffix(f.Strokes(), "39") }) {
			t.Fatalf("keys: %s", f.Strokes())
		}
		if got, want := f.Strokes(), "38 | B8 | 39"; got != want {
			t.Errorf("Alt held across a focus loss: %s, want %s", got, want)
		}
	})
}

// TestAllModes shows every mode the adapter has in the window: each is
// the renderer's image at the 4:3 screen size times the largest integer
// that fits the 1440x1080 window.
func TestAllModes(t *testing.T) {
	t.Setenv("SDL_VIDEODRIVER", "dummy")
	f := displaytest.New()
	runWindow(t, f, Options{Scale: 2}, func(h *harness) {
		for _, mode := range displaytest.Modes {
			var changes atomic.Uint64 // the picture's change count, set under the fake machine's lock
			g := h.grab(func(w *window) bool { return w.changes == changes.Load() }, func() {
				f.Edit(func(a *video.Adapter) {
					displaytest.SetMode(a, mode)
					if a.Geometry().Text {
						colourTest(a)
					} else {
						w, hgt := a.Size()
						for y := 0; y < hgt; y++ {
							for x := 0; x < w; x++ {
								displaytest.Plot(a, mode, x, y, uint8((x/7+y/5)%256))
							}
						}
					}
					changes.Store(a.Changes())
				})
			})
			want := f.VideoSnapshot().Render(nil, 0)
			sw, sh := video.ScreenSize(want.Rect.Dx(), want.Rect.Dy())
			k := min(1440/sw, 1080/sh)
			if int(g.dst.W) != k*sw || int(g.dst.H) != k*sh {
				t.Errorf("mode %02Xh (%v) shown at %dx%d, want %dx%d", mode, want.Rect.Size(), g.dst.W, g.dst.H, k*sw, k*sh)
			}
			compareScaled(t, g.img, want)
		}
	})
}

// TestBlink: with nothing written to the screen, the window still redraws
// when the cursor's blink phase turns, and the two pictures are the
// renderer's for those phases.
func TestBlink(t *testing.T) {
	t.Setenv("SDL_VIDEODRIVER", "dummy")
	f := displaytest.New()
	f.Edit(func(a *video.Adapter) {
		for i, c := range "C:\\>" {
			a.Write8(uint32(0xB8000+2*i), uint8(c))
		}
		displaytest.SetCursor(a, 4)
	})
	runWindow(t, f, Options{Scale: 1}, func(h *harness) {
		changes := f.VideoChanges()
		on := h.grab(func(w *window) bool { return w.frame/blinkFrames%2 == 0 }, nil)
		off := h.grab(func(w *window) bool { return w.frame/blinkFrames%2 == 1 }, nil)
		if f.VideoChanges() != changes {
			t.Fatal("the screen changed")
		}
		snap := f.VideoSnapshot()
		compareScaled(t, on.img, snap.Render(nil, 0))
		compareScaled(t, off.img, snap.Render(nil, blinkFrames))
		if bytes.Equal(on.img.Pix, off.img.Pix) {
			t.Error("the cursor does not blink")
		}
	})
}
