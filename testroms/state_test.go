package testroms

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/statetest"
	"pcemu/machine"
)

// Each program, run on the default machine, is saved every few
// milliseconds of virtual time; each state is restored into a new machine
// at once compared with the original field by field (statetest.Machines:
// every device, the BIOS's waits, the disks' writes), and both run on to
// the next state, where the original is saved again and the restored one
// must have arrived at the same digest. So the states are taken all
// through the programs' checks: mid-way through PIO data blocks and REP
// INSW (ide_ports), with interrupts pending (pit_pic), inside BIOS waits
// (bios_misc), with the VGA half programmed (vga_retrace), while the
// BIOS's bell holds its caller (bell).
func TestStateRoundTripPrograms(t *testing.T) {
	progs := append(append([]string(nil), Programs...), MousePrograms...)
	progs = append(progs, "vga_modex", "bell")
	for _, prog := range progs {
		t.Run(prog, func(t *testing.T) {
			t.Parallel()
			bin, err := Binary(prog)
			if err != nil {
				t.Fatal(err)
			}
			hd, fd := writeDisks(t, t.TempDir(), prog, bin)
			spec := mouseSteps[prog]
			a, err := machine.New(machine.Config{Model: cpu.Model80286, HardDisks: [4]string{hd}, Floppies: [2]string{fd},
				NoReboot: true, Snapshot: true, Mouse: spec.mouse})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			ctx := context.Background()
			states, midTransfer, repPending, inputs, beeping := 0, 0, 0, 0, 0
			var b *machine.Machine
			defer func() {
				if b != nil {
					b.Close()
				}
			}()
			next := time.Duration(0) // virtual time of the next state
			for a.Stopped() == machine.Running && a.Stats().VirtualTime < programTimeout {
				if now := a.Stats().VirtualTime; now >= next {
					if b != nil {
						if da, db := a.Digest(), b.Digest(); da != db {
							t.Fatalf("state %d: the machine restored from state %d is at\n%v\nthe original at\n%v", states, states-1, db, da)
						}
						b.Close()
					}
					s, err := a.Save()
					if err != nil {
						t.Fatal(err)
					}
					if b, err = machine.Restore(s, machine.Config{NoReboot: true}, true); err != nil {
						t.Fatalf("state %d: %v", states, err)
					}
					if diffs := statetest.Machines(a, b); len(diffs) > 0 {
						t.Fatalf("state %d at %v: the restored machine differs:\n%s", states, now, strings.Join(diffs, "\n"))
					}
					for _, c := range s.IDE.Channels {
						for _, d := range c.Devices {
							if d.Transfer.Phase != 0 {
								midTransfer++
							}
						}
					}
					if s.CPU.RepPending {
						repPending++
					}
					if s.Speaker.Data && len(s.BIOS.Waits) > 0 {
						beeping++ // bell.asm's speaker sounds only in the BIOS's beeps
					}
					states++
					// Irregular steps, fine at first (the short
					// programs), coarser later (the timer programs
					// run for seconds).
					step := 150*time.Microsecond + time.Duration(states*7919%37)*100*time.Microsecond
					if states > 60 {
						step *= 20
					}
					next = now + step
				}
				// Both run the same slices and get the same host input,
				// which the mouse programs ask for on the debug console.
				d := min(time.Millisecond, next-a.Stats().VirtualTime)
				for _, m := range []*machine.Machine{a, b} {
					if _, err := m.RunFor(ctx, d); err != nil {
						t.Fatal(err)
					}
				}
				for inputs < len(spec.steps) && strings.Contains(a.DebugOutput(), fmt.Sprintf("MOUSE %d\n", inputs+1)) {
					give(a, spec.steps[inputs])
					give(b, spec.steps[inputs])
					inputs++
				}
			}
			if b != nil {
				if da, db := a.Digest(), b.Digest(); da != db {
					t.Fatalf("at the end: restored %v, original %v", db, da)
				}
				if a.Stopped() != b.Stopped() || a.ExitStatus() != b.ExitStatus() || a.DebugOutput() != b.DebugOutput() {
					t.Errorf("the restored machine ended otherwise: %v %d, original %v %d", b.Stopped(), b.ExitStatus(), a.Stopped(), a.ExitStatus())
				}
			}
			if a.Stopped() != machine.ExitPort || a.ExitStatus() != 1 {
				t.Errorf("the program ended with %v, status %d:\n%s", a.Stopped(), a.ExitStatus(), a.DebugOutput())
			}
			t.Logf("%d states, %d mid-transfer, %d with a REP string instruction half done, %d during a beep", states, midTransfer, repPending, beeping)
			if prog == "ide_ports" && midTransfer == 0 {
				t.Error("no state was taken in the middle of a PIO transfer")
			}
			if prog == "bell" && beeping == 0 {
				t.Error("no state was taken while the BIOS's bell sounded")
			}
		})
	}
}
