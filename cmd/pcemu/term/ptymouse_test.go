//go:build linux

package term

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pcemu/cmd/pcemu/internal/displaytest"
)

// TestFreeDOSMouseThroughPTY clicks through FreeDOS EDIT's menu from a
// terminal as a user would: the display turns on xterm's SGR mouse
// reporting, CuteMouse drives the PS/2 mouse, and a click reported by the
// terminal on EDIT's "File" opens the menu (drawn on the terminal down to
// its last item), a click on "Exit" leaves EDIT. Leaving the display turns the
// reporting off again.
func TestFreeDOSMouseThroughPTY(t *testing.T) {
	master, slave := displaytest.OpenPTY(t, 30, 100)
	r := startFreeDOSOnPTY(t, master, slave)
	m, v := r.m, r.v
	send := func(s string) {
		t.Helper()
		if _, err := master.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	waitFor := func(text string, d time.Duration) {
		t.Helper()
		if !displaytest.Eventually(d, func() bool { return v.contains(text) }) {
			t.Fatalf("%q is not on the terminal; it shows\n%s\nthe machine shows\n%s", text, v.text(30), m.ScreenText())
		}
	}
	// click presses and releases the left button on the cell (0-based)
	// where text starts on the terminal, in xterm's SGR encoding (1-based).
	click := func(text string) {
		t.Helper()
		for row := 0; row < 25; row++ {
			line := v.line(row)
			if i := strings.Index(line, text); i >= 0 {
				col := len([]rune(line[:i])) // box-drawing characters are more than a byte
				send(fmt.Sprintf("\x1b[<0;%d;%dM\x1b[<0;%d;%dm", col+2, row+1, col+2, row+1))
				return
			}
		}
		t.Fatalf("%q is not on the terminal:\n%s", text, v.text(25))
	}

	waitFor(`C:\>`, 2*time.Minute)
	if !strings.Contains(v.output(), "\x1b[?1000h\x1b[?1003h\x1b[?1006h") {
		t.Error("the display did not turn on SGR mouse reporting")
	}
	send("ctmouse\r")
	waitFor("Installed at PS/2 port", time.Minute)
	send("edit\r")
	waitFor("File  Edit  Search", time.Minute)
	click("File")
	waitFor("Exit             Alt+X", time.Minute) // the menu, drawn to its last line
	click("Exit")
	if !displaytest.Eventually(time.Minute, func() bool { return !v.contains("Search") && v.contains(`C:\>`) }) {
		t.Fatalf("EDIT did not leave after File, Exit; the terminal shows\n%s", v.text(30))
	}

	send("\x1dq")
	select {
	case err := <-r.displayDone:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Ctrl+] q did not end the display")
	}
	if !displaytest.Eventually(5*time.Second, func() bool { return strings.Contains(v.output(), "\x1b[?1006l\x1b[?1003l\x1b[?1000l") }) {
		t.Errorf("the display did not turn mouse reporting off; output ends %q", tail(v.output(), 80))
	}
}
