//go:build !unix

package hostcpu

import "time"

// Time is 0 where the process's CPU time is not available.
func Time() time.Duration { return 0 }

// ThreadTime is 0 where a thread's CPU time is not available.
func ThreadTime() time.Duration { return 0 }
