//go:build !nosdl

package sdl

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/shared"
	"pcemu/machine"

	"github.com/veandco/go-sdl2/sdl"
)

// motionCounter is a machine that counts the host motion the window gives
// it, so that a test knows when an event it pushed has arrived.
type motionCounter struct {
	*machine.Machine
	motions atomic.Int32
}

func (c *motionCounter) MouseMotion(dx, dy int) {
	c.Machine.MouseMotion(dx, dy)
	c.motions.Add(1)
}

// A FreeDOS user clicks through EDIT's menu in the window: a click
// captures the pointer, host motion drives CuteMouse's PS/2 mouse (first
// far up and left into the corner, then in steps the driver does not
// accelerate, each reported before the next), and clicks on File and then
// on Exit leave EDIT.
func TestFreeDOSEditClickInWindow(t *testing.T) {
	t.Setenv("SDL_VIDEODRIVER", "dummy")
	img := shared.Path(t, "images/freedos-hd.vhd")
	m, err := machine.New(machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20, HardDisks: [4]string{img}, Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ran := make(chan machine.StopReason, 1)
	go func() {
		r, _ := m.Run(context.Background())
		ran <- r
	}()
	c := &motionCounter{Machine: m}
	runWindow(t, c, Options{}, func(h *harness) {
		// move pushes one motion event and waits until the guest's
		// mouse has reported it.
		move := func(dx, dy int) {
			t.Helper()
			n := c.motions.Load()
			pushEvent(t, sdl.MouseMotionEvent{Type: sdl.MOUSEMOTION, XRel: int32(dx), YRel: int32(dy)})
			for end := time.Now().Add(30 * time.Second); c.motions.Load() == n || m.MousePending(); time.Sleep(time.Millisecond) {
				if time.Now().After(end) {
					t.Fatalf("motion %d,%d not reported to the guest", dx, dy)
				}
			}
		}
		// walk moves by dx, dy mickeys (even) in host steps of one
		// count: CuteMouse sets the PS/2 mouse to 8 counts/mm (INT 15h
		// C203h BH=3), twice the host's 4, so a host count is 2
		// mickeys, which it does not accelerate.
		walk := func(dx, dy int) {
			t.Helper()
			for dx, dy = dx/2, dy/2; dx != 0 || dy != 0; {
				sx, sy := max(-1, min(1, dx)), max(-1, min(1, dy))
				move(sx, sy)
				dx, dy = dx-sx, dy-sy
			}
		}
		// mickeys is the centre of a text cell as the driver counts it:
		// 8 per 8-pixel column, 16 per 8-pixel row.
		mickeys := func(col, row int) (int, int) { return col*8 + 4, 2 * (row*8 + 4) }
		click := func() {
			pushButton(t, sdl.BUTTON_LEFT, true)
			pushButton(t, sdl.BUTTON_LEFT, false)
		}
		find := func(text string) (col, row int) {
			t.Helper()
			for row, line := range strings.Split(m.ScreenText(), "\n") {
				if i := strings.Index(line, text); i >= 0 {
					return len([]rune(line[:i])), row
				}
			}
			t.Fatalf("%q is not on the screen:\n%s", text, m.ScreenText())
			return 0, 0
		}

		waitScreen(t, m, `C:\>`, time.Minute)
		typeText(t, "ctmouse\r")
		waitScreen(t, m, "Installed at PS/2 port", 30*time.Second)
		typeText(t, "edit\r")
		waitScreen(t, m, "File  Edit  Search", 30*time.Second)
		click() // captures the pointer; not the guest's
		if g := h.grab(func(w *window) bool { return w.captured }, nil); !strings.Contains(g.title, "Ctrl+Alt+G") {
			t.Errorf("captured: title %q", g.title)
		}
		for range 12 {
			move(-64, -64) // into the top-left corner, however the driver accelerates
		}
		col, row := find("File")
		x, y := mickeys(col+1, row)
		walk(x, y)
		click()
		waitScreen(t, m, "Exit             Alt+X", 30*time.Second)
		col, row = find("Exit")
		x2, y2 := mickeys(col+1, row)
		walk(x2-x, y2-y)
		click()
		for end := time.Now().Add(30 * time.Second); strings.Contains(m.ScreenText(), "FreeDOS Edit"); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(end) {
				t.Fatalf("EDIT is still on the screen after clicks on File and Exit:\n%s", m.ScreenText())
			}
		}
		waitScreen(t, m, `C:\>`, 30*time.Second)
	})
	if r := <-ran; r != machine.PowerOff {
		t.Errorf("the machine ended with %v, want power off at the window's close", r)
	}
}
