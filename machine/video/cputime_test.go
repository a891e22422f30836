//go:build unix

package video_test

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's user and system time. The benchmarks report
// it per frame beside the wall time: on a shared, loaded machine the wall
// time counts the time the benchmark waited for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds the cpu-ms/op metric for a benchmark loop that started
// at start.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(b.N)/1e6, "cpu-ms/op")
}
