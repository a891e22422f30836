package main

import "syscall"

// umask is the process's file creation mask, read without changing it
// for longer than the two calls take.
func umask() uint32 {
	m := syscall.Umask(0)
	syscall.Umask(m)
	return uint32(m)
}
