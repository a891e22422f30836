//go:build linux

package term

import (
	"context"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"pcemu/cmd/pcemu/internal/displaytest"
	"pcemu/cpu"
	"pcemu/internal/shared"
	"pcemu/machine"
	"pcemu/machine/video"
)

// screenOf copies what the master side receives into a vt.
func screenOf(master *os.File, rows, cols int) *vt {
	v := newVT(rows, cols)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			v.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	return v
}

// ptyRun is FreeDOS (-snapshot) running with the terminal display on a
// pseudo-terminal, as pcemu runs in an SSH session.
type ptyRun struct {
	m           *machine.Machine
	v           *vt // what the terminal shows
	displayDone chan error
	wg          sync.WaitGroup // both goroutines; reason and runErr are set once it is done
	reason      machine.StopReason
	runErr      error
}

// startFreeDOSOnPTY boots FreeDOS and runs the display on slave, the
// machine and the display in goroutines of their own that the test's
// cleanup ends (before the machine is closed).
func startFreeDOSOnPTY(t *testing.T, master, slave *os.File) *ptyRun {
	t.Helper()
	img := shared.Path(t, "images/freedos-hd.vhd")
	m, err := machine.New(machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20,
		HardDisks: [4]string{img}, Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	r := &ptyRun{m: m, v: screenOf(master, 30, 100), displayDone: make(chan error, 1)}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	r.wg.Add(2)
	go func() {
		defer r.wg.Done()
		r.reason, r.runErr = m.Run(ctx)
	}()
	go func() {
		defer r.wg.Done()
		r.displayDone <- Run(ctx, m, Options{In: slave, Out: slave, Image: "freedos-hd.vhd", Color: Color16})
	}()
	t.Cleanup(func() {
		cancel()
		r.wg.Wait()
	})
	return r
}

// TestFreeDOSThroughPTY boots FreeDOS and uses it through a pseudo-terminal
// as a user in an SSH session would: the prompt appears on the terminal,
// "ver" typed at the terminal runs, its output is on the terminal and on
// the machine's screen alike, Ctrl+] q powers the machine off and the
// terminal gets its settings back.
func TestFreeDOSThroughPTY(t *testing.T) {
	master, slave := displaytest.OpenPTY(t, 30, 100)
	before, err := displaytest.Termios(slave)
	if err != nil {
		t.Fatal(err)
	}
	r := startFreeDOSOnPTY(t, master, slave)
	m, v := r.m, r.v

	if !displaytest.Eventually(2*time.Minute, func() bool { return v.contains(`C:\>`) }) {
		t.Fatalf("no C:\\> on the terminal; it shows\n%s\nthe machine shows\n%s", v.text(30), m.ScreenText())
	}
	if _, err := master.Write([]byte("ver\r")); err != nil {
		t.Fatal(err)
	}
	// ver's output is FreeCom's version line, after the command line
	// and before the next prompt.
	ranVer := func(screen string) bool {
		_, out, ok := strings.Cut(screen, "C:\\>ver\n")
		return ok && strings.Contains(out, "FreeCom version") && strings.Contains(out, "C:\\>")
	}
	if !displaytest.Eventually(time.Minute, func() bool { return ranVer(v.text(25)) }) {
		t.Fatalf("ver's output did not reach the terminal:\n%s\nthe machine shows\n%s", v.text(30), m.ScreenText())
	}
	// Once the machine has finished, the terminal shows its screen
	// exactly, with the cursor where the guest's is.
	same := displaytest.Eventually(time.Minute, func() bool {
		s := m.VideoSnapshot().Text()
		r, c, on := v.cursor()
		return !m.KeysPending() && v.text(25) == s.String() &&
			r == s.CursorRow && c == s.CursorCol && on == s.CursorVisible
	})
	if !same {
		r, c, on := v.cursor()
		s := m.VideoSnapshot().Text()
		t.Fatalf("terminal\n%s\ncursor %d,%d %v; machine\n%s\ncursor %d,%d %v", v.text(25), r, c, on,
			s.String(), s.CursorRow, s.CursorCol, s.CursorVisible)
	}
	if !ranVer(m.ScreenText()) {
		t.Errorf("the machine's screen lacks ver's output:\n%s", m.ScreenText())
	}
	if !strings.Contains(v.line(25), "freedos-hd.vhd") || !strings.Contains(v.line(25), "Ctrl+]") {
		t.Errorf("status line %q", v.line(25))
	}

	// Ctrl+] q quits: the machine is powered off and the terminal restored.
	if _, err := master.Write([]byte("\x1dq")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-r.displayDone:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Ctrl+] q did not end the display")
	}
	r.wg.Wait()
	if r.reason != machine.PowerOff {
		t.Errorf("machine stopped with %v (%v), want power off", r.reason, r.runErr)
	}
	after, err := displaytest.Termios(slave)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("terminal settings not restored:\nbefore %+v\nafter  %+v", before, after)
	}
	if !displaytest.Eventually(5*time.Second, func() bool { return strings.HasSuffix(v.output(), "\x1b[?1049l") }) {
		t.Errorf("the terminal was not given back its screen; output ends %q", tail(v.output(), 40))
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// TestSignalRestoresTerminal sends the process SIGHUP, as closing an SSH
// session does, while the display runs: Run returns and the terminal has
// its settings back.
func TestSignalRestoresTerminal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			master, slave := displaytest.OpenPTY(t, 25, 80)
			before, err := displaytest.Termios(slave)
			if err != nil {
				t.Fatal(err)
			}
			v := screenOf(master, 25, 80)
			f := displaytest.New()
			done := make(chan error, 1)
			go func() { done <- Run(context.Background(), f, Options{In: slave, Out: slave}) }()
			if !displaytest.Eventually(10*time.Second, func() bool { return strings.Contains(v.output(), "\x1b[?1049h") }) {
				t.Fatal("the display did not start")
			}
			// Keys typed before the signal still reach the machine.
			master.Write([]byte("\x1b[A"))
			if !displaytest.Eventually(10*time.Second, func() bool { return f.Strokes() == "E0 48 | E0 C8" }) {
				t.Fatalf("Up arrow sent %s", f.Strokes())
			}
			syscall.Kill(os.Getpid(), sig)
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("%v did not end the display", sig)
			}
			after, _ := displaytest.Termios(slave)
			if after != before {
				t.Errorf("terminal settings not restored after %v", sig)
			}
			if !f.Powered() {
				t.Error("a signal powered the machine off; that is the caller's decision")
			}
		})
	}
}

// TestNotATerminal: a display on something that is not a terminal fails
// with an error that says so, and changes nothing.
func TestNotATerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	err = Run(context.Background(), displaytest.New(), Options{In: f, Out: f})
	if err == nil || !strings.Contains(err.Error(), "not a terminal") {
		t.Errorf("Run on a file: %v", err)
	}
	if st, _ := f.Stat(); st.Size() != 0 {
		t.Errorf("%d bytes written to a file that is not a terminal", st.Size())
	}
}

// TestResize: after the terminal grows (SIGWINCH), the whole screen and
// the status line are drawn for the new size.
func TestResize(t *testing.T) {
	master, slave := displaytest.OpenPTY(t, 10, 40)
	v := screenOf(master, 30, 100)
	f := displaytest.New()
	f.Edit(func(a *video.Adapter) {
		putText(a, 0, 0, strings.Repeat("abcdefghij", 8), 0x07)
		putText(a, 24, 0, "bottom", 0x07)
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, f, Options{In: slave, Out: slave}) }()
	if !displaytest.Eventually(10*time.Second, func() bool { return v.line(0) == strings.Repeat("abcdefghij", 4) }) {
		t.Fatalf("40-column terminal shows %q", v.line(0))
	}
	if v.contains("bottom") {
		t.Fatal("row 24 drawn on a 10-row terminal")
	}
	if err := displaytest.SetPTYSize(master, 26, 80); err != nil {
		t.Fatal(err)
	}
	syscall.Kill(os.Getpid(), syscall.SIGWINCH)
	if !displaytest.Eventually(10*time.Second, func() bool {
		return v.line(0) == strings.Repeat("abcdefghij", 8) && v.line(24) == "bottom" && strings.Contains(v.line(25), "Ctrl+]")
	}) {
		t.Errorf("after the resize the terminal shows\n%s", v.text(26))
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}
