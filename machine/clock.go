package machine

import "time"

// VirtualClock is the machine's time base. Virtual time is derived from the
// CPU's instruction counter: every executed instruction is worth
// NsPerInstruction nanoseconds, so a device reading Now() in the middle of a
// run slice (a guest polling the PIT counter) sees time move. The run loop
// moves the base when the CPU halts (Skip to the next device event) and, in
// real-time mode, to keep virtual time within reach of the host clock.
type VirtualClock struct {
	instructions     *uint64 // the CPU's counter
	baseNs           int64
	baseInstr        uint64
	nsPerInstruction int64

	realTime  bool
	noCatchUp bool // a replay: virtual time never jumps to the host's (the recording's jumps are replayed)
	hostStart time.Time
	sleep     func(time.Duration) // time.Sleep; replaced in tests
	hostNow   func() time.Time
}

// DefaultNsPerInstruction makes the emulated CPU run at 10 million
// instructions per virtual second, about a 25 MHz 386: fast enough for DOS
// software that calibrates delay loops, and cheap for the host when the
// guest busy-waits for the BIOS tick or a key (DOS idles by polling), since
// a virtual second then costs only 10 million instructions.
const DefaultNsPerInstruction = 100

// NewVirtualClock makes a clock counting instructions at *instructions.
func NewVirtualClock(instructions *uint64, nsPerInstruction int64, realTime bool) *VirtualClock {
	if nsPerInstruction <= 0 {
		nsPerInstruction = DefaultNsPerInstruction
	}
	c := &VirtualClock{
		instructions:     instructions,
		baseInstr:        *instructions,
		nsPerInstruction: nsPerInstruction,
		realTime:         realTime,
		sleep:            time.Sleep,
		hostNow:          time.Now,
	}
	c.hostStart = c.hostNow()
	return c
}

// Now returns virtual nanoseconds since power-on.
func (c *VirtualClock) Now() int64 {
	return c.baseNs + int64(*c.instructions-c.baseInstr)*c.nsPerInstruction
}

// InstructionsUntil returns how many instructions run before virtual time
// reaches t (at least 1).
func (c *VirtualClock) InstructionsUntil(t int64) int64 {
	d := t - c.Now()
	if d <= 0 {
		return 1
	}
	return (d + c.nsPerInstruction - 1) / c.nsPerInstruction
}

// Skip moves virtual time forward to t without executing instructions (the
// CPU is halted waiting for an interrupt). Time never goes backward.
func (c *VirtualClock) Skip(t int64) {
	if now := c.Now(); t > now {
		c.baseNs = t
		c.baseInstr = *c.instructions
	}
}

// Pace ties virtual time to the host clock in real-time mode: when the
// emulation is ahead it sleeps until the host catches up; when it is behind
// (the host is slower than the guest's nominal speed, or was busy) virtual
// time jumps forward so that the guest's clocks keep real time. Without
// real-time mode it does nothing: the run is a pure function of its inputs.
func (c *VirtualClock) Pace() {
	d, to := c.pace()
	if to != 0 {
		c.Skip(to)
	}
	if d > 0 {
		c.sleep(d)
	}
}

// pace is Pace without its effects: how long to sleep when the emulation
// is ahead (0: not ahead), and the virtual time to jump to when it is more
// than a frame behind (0: none). The run loop calls it with the machine's
// mutex held and makes the jump an input (machine.go), so that a recorded
// run and its replay do the same at the jump; it sleeps after letting go.
func (c *VirtualClock) pace() (sleep time.Duration, catchUp int64) {
	if !c.realTime {
		return 0, 0
	}
	host := c.hostNow().Sub(c.hostStart).Nanoseconds()
	switch now := c.Now(); {
	case now > host+int64(time.Millisecond):
		return time.Duration(now - host), 0
	case now < host-int64(20*time.Millisecond) && !c.noCatchUp:
		// More than a frame behind: catch up rather than run the
		// guest in slow motion.
		return 0, host
	}
	return 0, 0
}

// RealTime reports whether the clock is paced to the host.
func (c *VirtualClock) RealTime() bool { return c.realTime }
