package machine_test

import (
	"context"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/shared"
	"pcemu/machine"
)

// Where the run loop cuts its slices changes nothing the guest can see:
// FreeDOS booted, typed at and running a command in slices of 1 ms, in
// irregular ones and in one piece, given the same keys at the same
// virtual times, is at the same digest at the same times. Replays rely on
// it: a recording made in a window (slices cut by the display and the host
// clock) is replayed headless.
func TestSlicingDoesNotMatter(t *testing.T) {
	img := shared.Path(t, "images/freedos-hd.vhd")
	type plan func(m *machine.Machine, d time.Duration)
	run := func(slices plan) []machine.Digest {
		m, err := machine.New(machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20, HardDisks: [4]string{img}, Snapshot: true})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		var ds []machine.Digest
		step := func(d time.Duration) {
			slices(m, d)
			ds = append(ds, m.Digest())
		}
		step(1500 * time.Millisecond) // booting
		step(1000 * time.Millisecond) // at the prompt, the timer ticking
		m.TypeKeys("dir /w\r")
		m.MouseMotion(5, 3)
		step(300 * time.Millisecond)
		m.SendScancodes([]byte{0x1D}) // Ctrl down
		m.SendScancodes([]byte{0x9D})
		step(700 * time.Millisecond)
		return ds
	}
	ctx := context.Background()
	whole := run(func(m *machine.Machine, d time.Duration) { m.RunFor(ctx, d) })
	for name, p := range map[string]plan{
		"1ms": func(m *machine.Machine, d time.Duration) {
			for end := m.Stats().VirtualTime + d; m.Stats().VirtualTime < end; {
				m.RunFor(ctx, min(time.Millisecond, end-m.Stats().VirtualTime))
			}
		},
		"irregular": func(m *machine.Machine, d time.Duration) {
			for i, end := 0, m.Stats().VirtualTime+d; m.Stats().VirtualTime < end; i++ {
				m.RunFor(ctx, min(time.Duration(i*7919%4999)*time.Microsecond+time.Microsecond, end-m.Stats().VirtualTime))
			}
		},
	} {
		got := run(p)
		for i := range whole {
			if got[i] != whole[i] {
				t.Errorf("%s: step %d: %v, in one piece %v", name, i, got[i], whole[i])
				break
			}
		}
	}
}
