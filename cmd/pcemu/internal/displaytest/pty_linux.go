package displaytest

import (
	"fmt"
	"os"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// OpenPTY opens a pseudo-terminal pair of rows x cols the way openpty(3)
// does: the multiplexer /dev/ptmx gives the master, TIOCSPTLCK unlocks the
// slave and TIOCGPTN names it (pts(4)). The master stays in Go's poller,
// so closing it ends a blocked read. Both close when the test ends; a
// system without pseudo-terminals skips the test.
func OpenPTY(t testing.TB, rows, cols int) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	var n int
	var ierr error
	rc, err := master.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	rc.Control(func(fd uintptr) {
		if ierr = unix.IoctlSetPointerInt(int(fd), unix.TIOCSPTLCK, 0); ierr != nil {
			return
		}
		n, ierr = unix.IoctlGetInt(int(fd), unix.TIOCGPTN)
	})
	if ierr == nil {
		ierr = SetPTYSize(master, rows, cols)
	}
	if ierr != nil {
		master.Close()
		t.Fatalf("pty ioctl: %v", ierr)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		slave.Close()
		master.Close()
	})
	return master, slave
}

// SetPTYSize sets the terminal size the slave side reports (TIOCSWINSZ),
// as a terminal emulator does when its window is resized.
func SetPTYSize(master *os.File, rows, cols int) error {
	rc, err := master.SyscallConn()
	if err != nil {
		return err
	}
	var ierr error
	rc.Control(func(fd uintptr) {
		ierr = unix.IoctlSetWinsize(int(fd), unix.TIOCSWINSZ, &unix.Winsize{Row: uint16(rows), Col: uint16(cols)})
	})
	return ierr
}

// Termios returns the terminal settings of f (TCGETS), for tests that
// check a display gives them back.
func Termios(f *os.File) (unix.Termios, error) {
	t, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	if err != nil {
		return unix.Termios{}, err
	}
	return *t, nil
}
