//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package term

import "syscall"

// Terminal ioctls of the BSDs and macOS (termios(4)).
const (
	ioctlGetTermios = syscall.TIOCGETA
	ioctlSetTermios = syscall.TIOCSETA
)
