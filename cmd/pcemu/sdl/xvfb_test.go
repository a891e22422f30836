//go:build !nosdl && linux

package sdl

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veandco/go-sdl2/sdl"

	"pcemu/cmd/pcemu/internal/displaytest"
	"pcemu/cpu"
	"pcemu/internal/shared"
	"pcemu/machine"
)

// startXvfb starts a virtual X server for the test (displaytest.StartXvfb).
func startXvfb(t *testing.T) { displaytest.StartXvfb(t) }

// TestFreeDOSInXWindow boots FreeDOS in a real X window (Xvfb), types "ver"
// as SDL key events, saves a screenshot with Ctrl+Alt+S and checks that it
// is what --screendump writes and what the window shows. With
// PCEMU_SCREENSHOT_OUT set, the screenshot is also copied there (this is
// how docs/screenshot-freedos.png is made).
func TestFreeDOSInXWindow(t *testing.T) {
	img := shared.Path(t, "images/freedos-hd.vhd")
	startXvfb(t)
	m, err := machine.New(machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20,
		HardDisks: [4]string{img}, Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	type result struct {
		reason machine.StopReason
		err    error
	}
	ran := make(chan result, 1)
	go func() {
		r, err := m.Run(ctx)
		ran <- result{r, err}
	}()

	dir := t.TempDir()
	var shot string
	runWindow(t, m, Options{Image: "freedos-hd.vhd", ScreenshotDir: dir}, func(h *harness) {
		if !displaytest.Eventually(2*time.Minute, func() bool { return strings.Contains(m.ScreenText(), `C:\>`) && !m.KeysPending() }) {
			t.Errorf("no C:\\> prompt; the screen:\n%s", m.ScreenText())
			return
		}
		typeText(t, "ver\r")
		ranVer := func() bool {
			_, out, ok := strings.Cut(m.ScreenText(), "C:\\>ver\n")
			return ok && strings.Contains(out, "FreeCom version") && strings.HasSuffix(strings.TrimSpace(out), `C:\>`)
		}
		if !displaytest.Eventually(time.Minute, ranVer) {
			t.Errorf("ver typed in the window did not run; the screen:\n%s", m.ScreenText())
			return
		}
		// Let the screen settle: no change for a while.
		var last uint64
		displaytest.Eventually(10*time.Second, func() bool {
			c := m.VideoChanges()
			same := c == last
			last = c
			time.Sleep(200 * time.Millisecond)
			return same && !m.KeysPending()
		})
		hostCombo(t, sdl.SCANCODE_S)
		if !displaytest.Eventually(10*time.Second, func() bool {
			found, _ := filepath.Glob(filepath.Join(dir, "pcemu-*.png"))
			if len(found) > 0 {
				shot = found[0]
			}
			return shot != ""
		}) {
			t.Error("Ctrl+Alt+S saved no screenshot")
			return
		}
		time.Sleep(200 * time.Millisecond) // the file is complete
		data, err := os.ReadFile(shot)
		if err != nil {
			t.Error(err)
			return
		}
		pic, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Errorf("screenshot %s: %v", shot, err)
			return
		}
		rgba, ok := pic.(*image.RGBA)
		if !ok {
			t.Errorf("screenshot decodes as %T", pic)
			return
		}
		// The screenshot is --screendump's image...
		want := m.Screenshot()
		if !bytes.Equal(rgba.Pix, want.Pix) || rgba.Rect != want.Rect {
			t.Error("the screenshot differs from machine.Screenshot")
		}
		// ...and what the X window shows, read back from it at a frame
		// whose cursor and blink phases are those of frame 0.
		g := h.grab(func(w *window) bool { return w.frame%32 < blinkFrames }, nil)
		if g.driver != "x11" {
			t.Errorf("SDL video driver %q, want x11", g.driver)
		}
		if g.dst.W != 720 || g.dst.H != 540 {
			t.Errorf("window picture %+v, want 720x540", g.dst)
		}
		compareScaled(t, g.img, rgba)
		if !strings.HasPrefix(g.title, "pcemu — freedos-hd.vhd") {
			t.Errorf("title %q", g.title)
		}
		if out := os.Getenv("PCEMU_SCREENSHOT_OUT"); out != "" {
			if err := os.WriteFile(out, data, 0o644); err != nil {
				t.Error(err)
			}
		}
		hostCombo(t, sdl.SCANCODE_Q)
	})
	select {
	case r := <-ran:
		if r.reason != machine.PowerOff {
			t.Errorf("the machine stopped with %v (%v), want power off from the window", r.reason, r.err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("closing the window did not stop the machine")
	}
	if err := m.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}
