//go:build linux

package term

import "syscall"

// Terminal ioctls of Linux (termios(3), ioctl_tty(2)).
const (
	ioctlGetTermios = syscall.TCGETS
	ioctlSetTermios = syscall.TCSETS
)
