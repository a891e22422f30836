//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package term

import (
	"errors"
	"fmt"
	"io"

	"golang.org/x/sys/unix"
	terminal "golang.org/x/term"
)

// tty is a terminal put into raw mode, with the settings to restore.
type tty struct {
	fd    int
	saved *terminal.State
}

// makeRaw puts the terminal at fd into raw mode as cfmakeraw(3) does
// (golang.org/x/term): no echo, no line editing, no signals from Ctrl+C or
// Ctrl+Z (they are keys for the guest), no CR/NL translation, 8-bit
// characters.
func makeRaw(fd int) (*tty, error) {
	if !terminal.IsTerminal(fd) {
		return nil, errors.New("not a terminal")
	}
	saved, err := terminal.MakeRaw(fd)
	if err != nil {
		return nil, fmt.Errorf("raw mode: %w", err)
	}
	return &tty{fd: fd, saved: saved}, nil
}

// restore puts back the settings makeRaw found.
func (t *tty) restore() error {
	return terminal.Restore(t.fd, t.saved)
}

// termSize returns the terminal's rows and columns.
func termSize(fd int) (rows, cols int, err error) {
	cols, rows, err = terminal.GetSize(fd)
	return rows, cols, err
}

// idleWait is how long readTTY waits for input before it reports none, so
// that a lone ESC is taken as the Esc key and the reader notices that the
// display has closed.
const idleWait = 100 // ms

// readTTY returns what the terminal has, or 0 bytes when nothing arrived
// within idleWait: poll(2), then a read of what is there. A terminal that
// hangs up (the SSH session ended) is io.EOF.
func readTTY(fd int, p []byte) (int, error) {
	fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		n, err := unix.Poll(fds, idleWait)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, nil
		}
		break
	}
	if fds[0].Revents&unix.POLLIN == 0 { // POLLHUP, POLLERR, POLLNVAL
		return 0, io.EOF
	}
	for {
		n, err := unix.Read(fd, p)
		switch {
		case err == unix.EINTR:
			continue
		case err == unix.EAGAIN: // someone made it non-blocking: nothing yet
			return 0, nil
		case err == nil && n == 0:
			return 0, io.EOF
		}
		return n, err
	}
}
