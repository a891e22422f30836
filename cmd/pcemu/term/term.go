//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

// Package term shows the machine in the terminal it runs in, for SSH
// sessions and hosts without a desktop (pcemu -display term).
//
// The text modes are drawn cell for cell with ANSI colours (24-bit from the
// adapter's palette when $COLORTERM says the terminal has them, else the
// 16 ANSI colours), CP437 shown as the Unicode characters it stands for,
// the blink attribute as the terminal's blink and the guest's cursor as the
// terminal's own (in its place, and as a block or an underline as the
// guest shapes it). Only the cells that changed are sent. Graphics modes are
// shown as coarse blocks (two blocks per character cell, 80x50 for the
// whole screen) of the one renderer's picture, with a note in the status
// line under the screen.
//
// The terminal is put in raw mode; every key the terminal can send becomes
// set-1 scancodes for the keyboard controller: letters, digits and
// punctuation (with Shift as a US keyboard has it), Enter, Backspace, Tab,
// Esc, the cursor and editing keys, F1-F12, Ctrl and Alt combinations, and
// CP437 characters typed as Alt+keypad codes. The escape key is Ctrl+], as
// in telnet, followed by:
//
//	q          quit: power the machine off
//	d          send Ctrl+Alt+Del
//	Ctrl+] or ]  send Ctrl+] itself
//
// The terminal's settings and screen are restored when Run returns, also
// when it returns because of SIGINT, SIGTERM or SIGHUP.
package term

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"pcemu/machine/video"
	"strings"
	"sync"
	"syscall"
	"time"
)

// refreshEvery is how often the display looks for a changed screen.
const refreshEvery = 30 * time.Millisecond

// Run shows m in the terminal until ctx is done (the caller cancels it when
// the machine stops), the user quits with Ctrl+] q (which powers the
// machine off with m.PowerOff), or a SIGINT, SIGTERM or SIGHUP arrives. It
// may run on any goroutine; the machine runs on another. The terminal is
// restored before Run returns.
func Run(ctx context.Context, m Machine, opt Options) (err error) {
	in, out := opt.In, opt.Out
	if in == nil {
		in = os.Stdin
	}
	if out == nil {
		out = os.Stdout
	}
	inFd, outFd := int(in.Fd()), int(out.Fd())
	rows, cols, err := termSize(outFd)
	if err != nil {
		return fmt.Errorf("-display term: %s is not a terminal: %v", out.Name(), err)
	}
	t, err := makeRaw(inFd)
	if err != nil {
		return fmt.Errorf("-display term: %s: %v", in.Name(), err)
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGWINCH)

	// The alternate screen keeps the shell's screen for afterwards; auto
	// wrap is off so that the last column can be written.
	// Mouse reporting: presses, releases and motion (1003) in the SGR
	// encoding (1006), which has no limit on the coordinates.
	const enter = "\x1b[?1049h\x1b[?7l\x1b[0m\x1b[2J\x1b[?1000h\x1b[?1003h\x1b[?1006h"
	const leave = "\x1b[?1006l\x1b[?1003l\x1b[?1000l\x1b[0m\x1b[?7h\x1b[0 q\x1b[?25h\x1b[?1049l"
	if _, err := io.WriteString(out, enter); err != nil {
		signal.Stop(sigs)
		t.restore()
		return fmt.Errorf("-display term: %v", err)
	}

	done := make(chan struct{})
	input := make(chan []byte)
	var wg sync.WaitGroup
	wg.Add(1)
	go readInput(inFd, input, done, &wg)
	defer func() {
		close(done)
		wg.Wait() // the reader takes no more bytes from the terminal
		signal.Stop(sigs)
		_, werr := io.WriteString(out, leave)
		rerr := t.restore()
		if err == nil {
			err = errors.Join(werr, rerr)
		}
	}()

	p := &painter{color: opt.Color, termRows: rows, termCols: cols}
	if p.color == ColorAuto {
		p.color = Color16
		if ct := strings.ToLower(os.Getenv("COLORTERM")); ct == "truecolor" || ct == "24bit" {
			p.color = ColorTrue
		}
	}
	p.invalidate()
	d := &decoder{}
	ptr := &pointer{m: m}
	var (
		f        frame
		snap     *video.Adapter // the adapter copied from the machine, reused
		have     bool
		changes  uint64
		status   = statusLine(opt.Image, "", false)
		armed    bool
		tick     = time.NewTicker(refreshEvery)
		redrawTo = func() error {
			if p.buf.Len() == 0 {
				return nil
			}
			_, err := out.Write(p.buf.Bytes())
			p.buf.Reset()
			return err
		}
	)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case s := <-sigs:
			if s != syscall.SIGWINCH {
				return nil
			}
			if r, c, err := termSize(outFd); err == nil {
				p.termRows, p.termCols = r, c
			}
			p.invalidate()
			if have {
				p.draw(f, status)
			}
		case b := <-input:
			o := d.feed(b, len(b) == 0)
			for _, s := range o.strokes {
				m.SendScancodes(s)
			}
			for _, r := range o.mice {
				if have {
					ptr.report(f, r)
				}
			}
			if o.cmd == cmdQuit {
				m.PowerOff()
				return nil
			}
			if o.armed != armed {
				armed = o.armed
				status = statusLine(opt.Image, f.note, armed)
				if have {
					p.draw(f, status)
				}
			}
		case <-tick.C:
			if c := m.VideoChanges(); !have || c != changes {
				snap = m.VideoSnapshotInto(snap)
				f, have, changes = buildFrame(snap), true, c
				status = statusLine(opt.Image, f.note, armed)
				p.draw(f, status)
			}
		}
		if err := redrawTo(); err != nil {
			return fmt.Errorf("-display term: %v", err)
		}
	}
}

// statusLine is the line under the screen: the image, the escape key's
// help and the graphics-mode note.
func statusLine(image, note string, armed bool) string {
	s := " pcemu"
	if image != "" {
		s += " — " + image
	}
	if armed {
		return s + " — Ctrl+] pressed: q quit, d Ctrl+Alt+Del, ] send Ctrl+], other keys cancel "
	}
	s += " — Ctrl+] q: quit, Ctrl+] d: Ctrl+Alt+Del"
	if note != "" {
		s += " — " + note
	}
	return s + " "
}

// readInput passes what the terminal sends to input, and an empty slice
// when a tenth of a second passed without input (so that a lone ESC is
// taken as the Esc key), until done is closed or the terminal is gone.
func readInput(fd int, input chan<- []byte, done <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	buf := make([]byte, 256)
	idle := false
	for {
		select {
		case <-done:
			return
		default:
		}
		n, err := readTTY(fd, buf)
		if err != nil {
			return
		}
		if n == 0 {
			if idle {
				continue // one flush after the last input is enough
			}
			idle = true
		} else {
			idle = false
		}
		select {
		case input <- append([]byte(nil), buf[:n]...):
		case <-done:
			return
		}
	}
}
