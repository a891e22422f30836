package machine_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/disk"
	"pcemu/ide"
	"pcemu/machine"
	"pcemu/machine/demo"
)

func demoMachine(t *testing.T, realTime bool) *machine.Machine {
	t.Helper()
	boot, _ := disk.NewMem("mem", demo.BootDiskSize, demo.Image)
	scratch, _ := disk.NewMem("mem", demo.ScratchSize, nil)
	m, err := machine.New(machine.Config{Model: cpu.Model80286, Drives: [4]ide.Drive{boot, scratch}, RealTime: realTime})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// Pause and Resume from another goroutine while Run runs (the monitor's
// stop and cont; run with -race): no instruction while paused, the run
// goes on after Resume, PowerOff and the context still end a paused run,
// and real-time pacing does not catch up on the pause.
func TestPauseWhileRunning(t *testing.T) {
	m := demoMachine(t, true)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan machine.StopReason, 1)
	go func() {
		r, _ := m.Run(ctx)
		done <- r
	}()
	count := func() uint64 { return m.Stats().Instructions }
	for deadline := time.Now().Add(30 * time.Second); count() < 1000; time.Sleep(time.Millisecond) {
		select {
		case r := <-done:
			t.Fatalf("Run returned %v (%v) after %d instructions", r, m.Err(), count())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d instructions ran", count())
		}
	}
	m.Pause()
	if !m.Paused() {
		t.Fatal("Paused() is false after Pause")
	}
	n, vt := count(), m.Stats().VirtualTime
	time.Sleep(300 * time.Millisecond)
	_ = m.ScreenText() // the display's calls go on
	_ = m.VideoSnapshot()
	if c := count(); c != n {
		t.Errorf("%d instructions ran while paused", c-n)
	}
	m.Resume()
	resumed := time.Now()
	for count() == n {
		time.Sleep(time.Millisecond)
	}
	m.Pause()
	// The run goes on in real time until the second Pause, which a busy
	// host may make late: virtual time may advance by the host time since
	// Resume, but not by the 300 ms of the pause besides.
	ran := time.Since(resumed)
	if d := m.Stats().VirtualTime - vt; d > ran+150*time.Millisecond {
		t.Errorf("virtual time jumped %v over a pause of 300 ms and %v of running", d, ran)
	}
	m.PowerOff()
	select {
	case r := <-done:
		if r != machine.PowerOff {
			t.Errorf("Run returned %v, want power off", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("PowerOff did not end a paused run")
	}

	// A paused run ends with its context.
	m2 := demoMachine(t, false)
	m2.Pause()
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancel2()
	}()
	if r, err := m2.Run(ctx2); r != machine.Running || err == nil {
		t.Errorf("a paused run whose context ends: %v, %v", r, err)
	}
	if m2.Stats().Instructions != 0 {
		t.Error("a machine paused before its run executed instructions")
	}
}

// A deterministic run paused and resumed executes the same instructions as
// one never paused.
func TestPauseKeepsDeterminism(t *testing.T) {
	state := func(pause bool) [8]uint16 {
		m := demoMachine(t, false)
		ctx := context.Background()
		for i := 0; i < 50; i++ {
			if pause && i%7 == 0 {
				m.Pause()
				m.Resume()
			}
			m.RunFor(ctx, time.Millisecond)
		}
		var r [8]uint16
		m.Locked(func() { r = m.CPU.Regs })
		return r
	}
	if a, b := state(false), state(true); a != b {
		t.Errorf("registers differ after pauses: %04X vs %04X", a, b)
	}
}

// SystemReset restarts the CPU at the reset vector, between slices; with
// NoReboot it ends the run.
func TestSystemReset(t *testing.T) {
	m := demoMachine(t, false)
	m.RunFor(context.Background(), 50*time.Millisecond)
	m.SystemReset()
	m.Locked(func() {
		if cs, ip := m.CPU.Segs[cpu.CS], m.CPU.IP; cs != 0xF000 || ip != 0xFFF0 {
			t.Errorf("after SystemReset CS:IP = %04X:%04X", cs, ip)
		}
	})
	boot, _ := disk.NewMem("mem", demo.BootDiskSize, demo.Image)
	m2, err := machine.New(machine.Config{Model: cpu.Model80286, Drives: [4]ide.Drive{boot}, NoReboot: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	m2.SystemReset()
	if r, _ := m2.RunFor(context.Background(), time.Millisecond); r != machine.Reset {
		t.Errorf("SystemReset with NoReboot: %v, want reset", r)
	}
}

// Peek8 reads the video window without changing the adapter (a read of
// VGA memory loads the latches; the monitor's must not).
func TestPeekChangesNothing(t *testing.T) {
	m := demoMachine(t, false)
	m.RunFor(context.Background(), 100*time.Millisecond)
	m.Locked(func() {
		m.Mem.Write8(0xB8000, 0x11)
		m.Mem.Write8(0xB8002, 0x22)
		m.Mem.Read8(0xB8000) // the guest's last read
	})
	before := m.VideoSnapshot()
	var got [2]uint8
	m.Locked(func() { got[0], got[1] = m.Mem.Peek8(0xB8002), m.Mem.Peek8(0xB8000) })
	if got != [2]uint8{0x22, 0x11} {
		t.Errorf("Peek8 read %02X", got)
	}
	if after := m.VideoSnapshot(); !reflect.DeepEqual(before, after) {
		t.Error("Peek8 changed the video adapter")
	}
}
