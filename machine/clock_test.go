package machine

import (
	"testing"
	"time"
)

func TestVirtualClockDeterministic(t *testing.T) {
	var instr uint64 = 1000
	c := NewVirtualClock(&instr, 50, false)
	if c.Now() != 0 {
		t.Fatalf("Now at start = %d", c.Now())
	}
	instr += 10
	if c.Now() != 500 {
		t.Errorf("10 instructions at 50 ns: Now = %d", c.Now())
	}
	if n := c.InstructionsUntil(1000); n != 10 {
		t.Errorf("InstructionsUntil(1000) = %d, want 10", n)
	}
	if n := c.InstructionsUntil(1001); n != 11 {
		t.Errorf("InstructionsUntil(1001) = %d, want 11 (round up)", n)
	}
	if n := c.InstructionsUntil(100); n != 1 {
		t.Errorf("InstructionsUntil(past) = %d, want 1", n)
	}
	c.Skip(1_000_000)
	if c.Now() != 1_000_000 {
		t.Errorf("after Skip: %d", c.Now())
	}
	instr++
	if c.Now() != 1_000_050 {
		t.Errorf("after Skip and 1 instruction: %d", c.Now())
	}
	c.Skip(5) // never backward
	if c.Now() != 1_000_050 {
		t.Errorf("Skip went backward: %d", c.Now())
	}
	c.Pace() // deterministic: no effect
	if c.Now() != 1_000_050 || c.RealTime() {
		t.Error("Pace changed a deterministic clock")
	}
	if d := NewVirtualClock(&instr, 0, false); d.nsPerInstruction != DefaultNsPerInstruction {
		t.Error("default rate")
	}
}

func TestVirtualClockRealTime(t *testing.T) {
	var instr uint64
	host := time.Unix(100, 0)
	c := NewVirtualClock(&instr, 10, true)
	c.hostStart = host
	var slept time.Duration
	c.sleep = func(d time.Duration) { slept += d; host = host.Add(d) }
	c.hostNow = func() time.Time { return host }

	// Emulation ahead of the host by 5 ms: sleep until the host catches up.
	instr = 500_000
	c.Pace()
	if slept != 5*time.Millisecond {
		t.Errorf("slept %v, want 5ms", slept)
	}
	// Host 100 ms ahead (a slow host): virtual time jumps to host time.
	host = host.Add(100 * time.Millisecond)
	c.Pace()
	if want := int64(105 * time.Millisecond); c.Now() != want {
		t.Errorf("after catch-up Now = %d, want %d", c.Now(), want)
	}
	// Small lags are carried, not corrected.
	host = host.Add(2 * time.Millisecond)
	before := c.Now()
	c.Pace()
	if c.Now() != before {
		t.Error("a 2 ms lag must not make virtual time jump")
	}
}
