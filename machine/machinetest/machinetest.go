// Package machinetest boots a pcemu machine inside a Go test and drives it
// the way a user would: wait for text on the screen, type, move and click
// the mouse, read the screen, take a screenshot, read the debug console
// (port E9h) and the exit status.
// Failures are reported with t.Helper and show the screen.
//
//	m := machinetest.Boot(t, machine.Config{HardDisks: [4]string{img}, Snapshot: true})
//	m.WaitFor(`C:\>`, 60*time.Second)
//	m.Type("ver\r")
//	m.WaitFor("FreeDOS kernel", 10*time.Second)
//
// Durations are virtual time: a test gives the same result on a slow and a
// fast host. A host-time guard (HostTimeout) still ends a test that would
// otherwise spin for ever.
package machinetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pcemu/machine"
	"pcemu/machine/keys"
	"pcemu/machine/script"
)

// HostTimeout bounds the host time of any one wait, so that a broken
// machine fails the test instead of hanging the suite.
var HostTimeout = 5 * time.Minute

// poll is the virtual time between two looks at the screen.
const poll = 10 * time.Millisecond

// M is a machine under test.
type M struct {
	*machine.Machine
	t testing.TB
}

// Boot builds the machine described by cfg (deterministic unless
// cfg.RealTime) and closes it when the test ends.
func Boot(t testing.TB, cfg machine.Config) *M {
	t.Helper()
	m, err := machine.New(cfg)
	if err != nil {
		t.Fatalf("machine.New: %v", err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("closing the machine: %v", err)
		}
	})
	return &M{Machine: m, t: t}
}

// run runs for d of virtual time and reports whether the machine stopped.
func (m *M) run(ctx context.Context, d time.Duration) bool {
	m.t.Helper()
	reason, err := m.RunFor(ctx, d)
	if reason == machine.Failed {
		m.t.Fatalf("emulation error: %v\nscreen:\n%s", err, m.ScreenText())
	}
	if err != nil && reason == machine.Running {
		m.t.Fatalf("host timeout (%v) while running\nscreen:\n%s", HostTimeout, m.ScreenText())
	}
	return reason != machine.Running
}

// WaitFor runs the machine until text appears on the screen, failing the
// test after timeout of virtual time or if the machine stops first. It is
// the script step `wait "TEXT" TIMEOUT`, run by the script engine as
// pcemu's --script and --expect are.
func (m *M) WaitFor(text string, timeout time.Duration) {
	m.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), HostTimeout)
	defer cancel()
	if err := script.Wait("WaitFor", text, timeout).Run(ctx, m.Machine, script.Options{Poll: poll}); err != nil {
		m.t.Fatal(script.Report(err))
	}
}

// WaitPrompt runs the machine until the last non-empty line on the screen
// is prompt (a command has finished and DOS waits for the next), failing
// the test after timeout of virtual time.
func (m *M) WaitPrompt(prompt string, timeout time.Duration) {
	m.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), HostTimeout)
	defer cancel()
	for spent := time.Duration(0); spent < timeout; spent += poll {
		lines := strings.Split(strings.TrimRight(m.ScreenText(), "\n "), "\n")
		if strings.TrimSpace(lines[len(lines)-1]) == prompt {
			return
		}
		if m.run(ctx, poll) {
			m.t.Fatalf("the machine stopped (%v) before the prompt %q\nscreen:\n%s", m.Stopped(), prompt, m.ScreenText())
		}
	}
	m.t.Fatalf("the last line is not the prompt %q after %v (virtual)\nscreen:\n%s", prompt, timeout, m.ScreenText())
}

// Run lets d of virtual time pass (less if the machine stops).
func (m *M) Run(d time.Duration) {
	m.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), HostTimeout)
	defer cancel()
	m.run(ctx, d)
}

// Type types text through the keyboard controller (Enter is "\r") and runs
// the machine until the guest has taken every key.
func (m *M) Type(text string) {
	m.t.Helper()
	if err := m.TypeKeys(text); err != nil {
		m.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), HostTimeout)
	defer cancel()
	for m.KeysPending() {
		if m.run(ctx, poll) {
			m.t.Fatalf("the machine stopped (%v) while typing %q", m.Stopped(), text)
		}
	}
}

// WaitStop runs until the machine stops (exit port, power-off, reset with
// NoReboot) within timeout of virtual time and returns the exit status.
func (m *M) WaitStop(timeout time.Duration) (machine.StopReason, int) {
	m.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), HostTimeout)
	defer cancel()
	for spent := time.Duration(0); spent < timeout; spent += poll {
		if m.run(ctx, poll) {
			return m.Stopped(), m.ExitStatus()
		}
	}
	m.t.Fatalf("the machine did not stop within %v (virtual)\nscreen:\n%s\ndebug console:\n%s", timeout, m.ScreenText(), m.DebugOutput())
	return machine.Running, 0
}

// Screenshot writes the screen as a PNG to path.
func (m *M) Screenshot(path string) {
	m.t.Helper()
	if err := m.Screendump(path); err != nil {
		m.t.Fatal(err)
	}
}

// ScreenContains fails the test unless text is on the screen now.
func (m *M) ScreenContains(text string) {
	m.t.Helper()
	if !strings.Contains(m.ScreenText(), text) {
		m.t.Fatalf("%q is not on the screen:\n%s", text, m.ScreenText())
	}
}

// Image returns a path to a copy of the file at src in the test's
// temporary folder, for tests that write to an image.
func Image(t testing.TB, src string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// Key presses and releases a key or combination by name, as the script
// language names them ("F1", "Esc", "Ctrl-C", "Ctrl-Alt-Del"), and runs
// the machine until the guest has taken the scancodes.
func (m *M) Key(name string) {
	m.t.Helper()
	c, err := keys.ParseCombo(name)
	if err != nil {
		m.t.Fatal(err)
	}
	for _, stroke := range c.Strokes() {
		m.SendScancodes(stroke)
	}
	ctx, cancel := context.WithTimeout(context.Background(), HostTimeout)
	defer cancel()
	for m.KeysPending() {
		if m.run(ctx, poll) {
			return // the key may well have stopped the machine (Ctrl-Alt-Del with NoReboot)
		}
	}
}

// mouse runs the one-step script "mouse ARGS" (the script language's mouse
// step: queue the input, run until the mouse has reported it).
func (m *M) mouse(args string) {
	m.t.Helper()
	sc, err := script.Parse("mouse", "mouse "+args)
	if err != nil {
		m.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), HostTimeout)
	defer cancel()
	if err := sc.Run(ctx, m.Machine, script.Options{Poll: poll}); err != nil {
		m.t.Fatal(script.Report(err))
	}
}

// MouseMove puts the mouse pointer on column x, row y (from 0) in text
// modes, on pixel x, y in graphics modes: the script step `mouse move X Y`
// (machine.MouseMoveTo says how, and its limits).
func (m *M) MouseMove(x, y int) {
	m.t.Helper()
	m.mouse(fmt.Sprintf("move %d %d", x, y))
}

// MouseBy moves the mouse by dx, dy counts (right, down): `mouse by DX DY`.
func (m *M) MouseBy(dx, dy int) {
	m.t.Helper()
	m.mouse(fmt.Sprintf("by %d %d", dx, dy))
}

// MouseClick presses and releases a button, "left", "right" or "middle":
// `mouse click BUTTON`.
func (m *M) MouseClick(button string) {
	m.t.Helper()
	m.mouse("click " + button)
}

// MouseDown presses a button: `mouse down BUTTON`.
func (m *M) MouseDown(button string) {
	m.t.Helper()
	m.mouse("down " + button)
}

// MouseUp releases a button: `mouse up BUTTON`.
func (m *M) MouseUp(button string) {
	m.t.Helper()
	m.mouse("up " + button)
}

// Save returns the machine's state (machine.State), in memory: Load makes
// any number of machines from it, so that one machine booted once serves
// many tests.
//
//	booted := machinetest.Boot(t, cfg)
//	booted.WaitPrompt(`C:\>`, time.Minute)
//	s := booted.Save()
//	m := machinetest.Load(t, s) // a fork, in a millisecond or two
func (m *M) Save() *machine.State {
	m.t.Helper()
	s, err := m.Machine.Save()
	if err != nil {
		m.t.Fatalf("saving the machine's state: %v", err)
	}
	return s
}

// Load builds a machine in state s (saved by M.Save or read from a state
// file), with the guest's disk writes kept in memory, and closes it when
// the test ends. Many machines loaded from one state run independently,
// in parallel if the test likes.
func Load(t testing.TB, s *machine.State) *M {
	t.Helper()
	m, err := machine.Restore(s, machine.Config{}, true)
	if err != nil {
		t.Fatalf("loading a machine state: %v", err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("closing the machine: %v", err)
		}
	})
	return &M{Machine: m, t: t}
}
