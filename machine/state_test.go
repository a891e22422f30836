package machine_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/shared"
	"pcemu/internal/statetest"
	"pcemu/machine"
	"pcemu/machine/machinetest"
)

// sameMachine fails the test where b, restored from a state saved from a
// at this point, differs from a.
func sameMachine(t *testing.T, what string, a, b *machine.Machine) {
	t.Helper()
	if diffs := statetest.Machines(a, b); len(diffs) > 0 {
		t.Errorf("%s: the restored machine differs:\n%s", what, strings.Join(diffs, "\n"))
	}
}

// fork saves m and restores the state into a new machine, whose guest
// writes stay in memory.
func fork(t *testing.T, m *machine.Machine) *machine.Machine {
	t.Helper()
	s, err := m.Save()
	if err != nil {
		t.Fatalf("Save: %v", err)
	}
	f, err := machine.Restore(s, machine.Config{}, true)
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func runFor(t *testing.T, m *machine.Machine, d time.Duration) {
	t.Helper()
	if r, err := m.RunFor(context.Background(), d); r == machine.Failed {
		t.Fatalf("run: %v", err)
	}
}

// runSame runs a and b, the one restored from the other's state, for d
// and fails the test if they went different ways.
func runSame(t *testing.T, what string, a, b *machine.Machine, d time.Duration) {
	t.Helper()
	runFor(t, a, d)
	runFor(t, b, d)
	if da, db := a.Digest(), b.Digest(); da != db {
		t.Fatalf("%s: after %v the original is at\n%v\nthe restored machine at\n%v\nscreens:\n%s\n---\n%s", what, d, da, db, a.ScreenText(), b.ScreenText())
	}
	if a.ScreenText() != b.ScreenText() {
		t.Fatalf("%s: screens differ", what)
	}
	if sa, sb := a.CPU.State(), b.CPU.State(); sa != sb {
		t.Fatalf("%s: CPU state %+v, restored %+v", what, sa, sb)
	}
}

// A FreeDOS machine saved while it boots (disk reads, timer interrupts
// pending), while keys are being typed and in the middle of a command that
// writes a file goes on, restored, exactly as the machine it was saved
// from: the same instructions, registers, memory, screen and disk writes.
func TestStateExactFreeDOS(t *testing.T) {
	img := shared.Path(t, "images/freedos-hd.vhd")
	a := machinetest.Boot(t, machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20, HardDisks: [4]string{img}, Snapshot: true})

	// Boot, with a state every 150 ms of virtual time, each checked at
	// once and after running on; at least one with the timer's IRQ 0
	// requested and not yet taken.
	timerPending := false
	for i := 0; i < 12; i++ {
		runFor(t, a.Machine, 150*time.Millisecond)
		b := fork(t, a.Machine)
		sameMachine(t, "booting", a.Machine, b)
		runSame(t, "booting", a.Machine, b, 40*time.Millisecond)
	}
	// A state with IRQ 0 pending: step to where the PIT raised it, before
	// the CPU takes it.
	for tries := 0; !timerPending && tries < 2_000_000; tries++ {
		if r, err := a.Step(); r == machine.Failed {
			t.Fatal(err)
		}
		if a.PIC.IRR()&1 != 0 {
			timerPending = true
			b := fork(t, a.Machine)
			sameMachine(t, "IRQ 0 pending", a.Machine, b)
			runSame(t, "IRQ 0 pending", a.Machine, b, 100*time.Millisecond)
		}
	}
	if !timerPending {
		t.Error("no state was saved with the timer interrupt pending")
	}
	a.WaitPrompt(`C:\>`, 60*time.Second)

	// Keys typed and not yet all taken by the guest.
	if err := a.TypeKeys("echo states>st.txt\r"); err != nil {
		t.Fatal(err)
	}
	midKey := 0
	for a.KeysPending() {
		runFor(t, a.Machine, 3*time.Millisecond)
		if a.KBC.Pending() > 0 || a.KeysPending() {
			midKey++
			b := fork(t, a.Machine)
			sameMachine(t, "typing", a.Machine, b)
			runSame(t, "typing", a.Machine, b, 7*time.Millisecond)
		}
	}
	if midKey == 0 {
		t.Error("no state was saved with keys pending")
	}
	// The command writes the file; the forks write theirs alike.
	b := fork(t, a.Machine)
	a.WaitPrompt(`C:\>`, 10*time.Second)
	runFor(t, b, a.Stats().VirtualTime-b.Stats().VirtualTime)
	if da, db := a.Digest(), b.Digest(); da != db {
		t.Fatalf("after the command: %v, restored %v", da, db)
	}
	if a.Stats().SectorsWritten == 0 {
		t.Error("the command wrote nothing to the disk")
	}
	if ra, rb := readDisk(t, a.Machine), readDisk(t, b); !bytes.Equal(ra, rb) {
		t.Error("the disks' contents differ")
	}
}

// readDisk reads the whole of the primary master through the IDE
// controller's drive.
func readDisk(t *testing.T, m *machine.Machine) []byte {
	t.Helper()
	var out []byte
	m.Locked(func() {
		d := m.IDE.Primary.Drive(0)
		out = make([]byte, d.Size())
		if _, err := d.ReadAt(out, 0); err != nil {
			t.Fatal(err)
		}
	})
	return out
}

// States saved one after another share the memory pages that did not
// change between them (a debugger's periodic checkpoints cost what the
// guest wrote), and zero pages cost nothing; each still restores exactly.
func TestCheckpointsShareMemory(t *testing.T) {
	img := shared.Path(t, "images/freedos-hd.vhd")
	m := machinetest.Boot(t, machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20, HardDisks: [4]string{img}, Snapshot: true})
	m.WaitPrompt(`C:\>`, time.Minute)
	var states []*machine.State
	for range 5 {
		states = append(states, m.Save())
		m.Run(20 * time.Millisecond)
	}
	last := states[len(states)-1]
	own, zero := 0, 0
	for i, p := range last.RAM.Pages {
		switch {
		case len(p) == 0:
			zero++
		case &p[0] != &states[len(states)-2].RAM.Pages[i][0]:
			own++
		}
	}
	for _, p := range last.High.Pages {
		if len(p) == 0 {
			zero++
		}
	}
	t.Logf("the last of %d checkpoints has %d pages of its own, %d zero pages, of %d", len(states), own, zero, len(last.RAM.Pages)+len(last.High.Pages))
	if own > len(last.RAM.Pages)/4 {
		t.Errorf("%d of %d conventional memory pages copied again after 20 ms at the prompt", own, len(last.RAM.Pages))
	}
	if zero < len(last.High.Pages)/2 {
		t.Errorf("only %d zero pages: extended memory is mostly unused at the prompt", zero)
	}
	for i, s := range states {
		f := machinetest.Load(t, s)
		if f.Digest().RAM != machinetest.Load(t, states[i]).Digest().RAM {
			t.Fatal("two machines from one state differ")
		}
	}
	m.Load(states[1])
	b := machinetest.Load(t, states[1])
	sameMachine(t, "back to checkpoint 1", m.Machine, b.Machine)
}
