//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package term

import (
	"fmt"
	"syscall"
	"time"
	"unsafe"
)

// tty is a terminal put into raw mode, with the settings to restore.
type tty struct {
	fd    int
	saved syscall.Termios
}

func ioctl(fd int, req uint, arg unsafe.Pointer) error {
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), uintptr(req), uintptr(arg)); e != 0 {
		return e
	}
	return nil
}

func getTermios(fd int) (syscall.Termios, error) {
	var t syscall.Termios
	err := ioctl(fd, ioctlGetTermios, unsafe.Pointer(&t))
	return t, err
}

func setTermios(fd int, t *syscall.Termios) error {
	return ioctl(fd, ioctlSetTermios, unsafe.Pointer(t))
}

// makeRaw puts the terminal at fd into raw mode as cfmakeraw(3) does: no
// echo, no line editing, no signals from Ctrl+C or Ctrl+Z (they are keys
// for the guest), no CR/NL translation, 8-bit characters. Reads return
// what has arrived, or nothing after a tenth of a second (VMIN 0, VTIME
// 1), so the reader can notice that the display has closed.
func makeRaw(fd int) (*tty, error) {
	saved, err := getTermios(fd)
	if err != nil {
		return nil, fmt.Errorf("not a terminal: %w", err)
	}
	raw := saved
	raw.Iflag &^= syscall.IGNBRK | syscall.BRKINT | syscall.PARMRK | syscall.ISTRIP |
		syscall.INLCR | syscall.IGNCR | syscall.ICRNL | syscall.IXON
	raw.Oflag &^= syscall.OPOST
	raw.Lflag &^= syscall.ECHO | syscall.ECHONL | syscall.ICANON | syscall.ISIG | syscall.IEXTEN
	raw.Cflag &^= syscall.CSIZE | syscall.PARENB
	raw.Cflag |= syscall.CS8
	raw.Cc[syscall.VMIN] = 0
	raw.Cc[syscall.VTIME] = 1
	if err := setTermios(fd, &raw); err != nil {
		return nil, fmt.Errorf("raw mode: %w", err)
	}
	return &tty{fd: fd, saved: saved}, nil
}

// restore puts back the settings makeRaw found.
func (t *tty) restore() error {
	return setTermios(t.fd, &t.saved)
}

// winsize is struct winsize of ioctl_tty(2).
type winsize struct {
	Row, Col, Xpixel, Ypixel uint16
}

// termSize returns the terminal's rows and columns.
func termSize(fd int) (rows, cols int, err error) {
	var ws winsize
	if err := ioctl(fd, syscall.TIOCGWINSZ, unsafe.Pointer(&ws)); err != nil {
		return 0, 0, err
	}
	return int(ws.Row), int(ws.Col), nil
}

// readTTY reads what the terminal has, returning 0 bytes after the VTIME
// wait when there is nothing. The descriptor is in blocking mode (os.File's
// Fd sets it so); should something have made it non-blocking, an empty
// read waits as VTIME would.
func readTTY(fd int, p []byte) (int, error) {
	for {
		n, err := syscall.Read(fd, p)
		switch err {
		case syscall.EINTR:
			continue
		case syscall.EAGAIN:
			time.Sleep(100 * time.Millisecond)
			return 0, nil
		}
		return n, err
	}
}
