//go:build unix

// Package hostcpu measures the host CPU time the process has used, for
// benchmarks on a shared machine: wall time counts the time a benchmark
// waited for a core, CPU time only what it ran.
package hostcpu

import (
	"syscall"
	"time"
	"unsafe"
)

// Time is the process's user and system CPU time so far (0 when the
// system cannot say).
func Time() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ThreadTime is the CPU time of the calling OS thread (a goroutine locked
// to it with runtime.LockOSThread measures itself), 0 when the system
// cannot say.
func ThreadTime() time.Duration {
	var ts syscall.Timespec
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID (POSIX)
	if _, _, e := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}
