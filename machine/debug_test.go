package machine_test

import (
	"context"
	"hash/crc32"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/shared"
	"pcemu/machine"
)

// runToStop runs m until the run loop pauses at a debug stop and returns
// it.
func runToStop(t *testing.T, m *machine.Machine) machine.DebugStop {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	stops := m.DebugStops()
	m.Resume() // from the last stop, if any
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.Run(ctx)
	}()
	defer func() {
		cancel()
		<-done
	}()
	select {
	case s := <-stops:
		if !m.Paused() {
			t.Fatal("the machine is not paused at a debug stop")
		}
		return s
	case <-done:
		t.Fatalf("the run ended (%v) without a stop", m.Stopped())
	case <-ctx.Done():
		t.Fatal("no stop within a minute")
	}
	return machine.DebugStop{}
}

func csip(m *machine.Machine) (cs, ip uint16, lin uint32) {
	m.Locked(func() {
		cs, ip = m.CPU.Segs[cpu.CS], m.CPU.IP
		lin = m.CPU.Linear(cs, ip)
	})
	return
}

func TestBreakpointAtBootSector(t *testing.T) {
	m := demoMachine(t, false)
	m.SetBreakpoints([]uint32{0x7C00})
	s := runToStop(t, m)
	if _, _, lin := csip(m); !s.Breakpoint || s.Addr != 0x7C00 || lin != 0x7C00 {
		t.Fatalf("stop %v at %05X, want the breakpoint at 07C00", s, lin)
	}
	var sig uint16
	m.Locked(func() { sig = uint16(m.Mem.Peek8(0x7DFE)) | uint16(m.Mem.Peek8(0x7DFF))<<8 })
	if sig != 0xAA55 {
		t.Fatalf("boot sector signature %04X at the breakpoint", sig)
	}
	// A step runs the instruction at the breakpoint.
	at := m.Stats().Instructions
	if _, hit, _, err := m.DebugStep(); hit || err != nil {
		t.Fatalf("step: hit %v, %v", hit, err)
	}
	if n := m.Stats().Instructions; n != at+1 {
		t.Fatalf("step from the breakpoint ran %d instructions", n-at)
	}
}

// The BIOS's Go code loads the boot sector (INT 13h through the IDE
// ports): a write watchpoint on its signature stops right after the OUT
// that entered the service, with the byte written.
func TestWatchpointBIOSDiskRead(t *testing.T) {
	m := demoMachine(t, false)
	if err := m.SetWatchpoints([]machine.Watchpoint{{Addr: 0x7DFE, Len: 2, Kind: machine.WatchWrite}}); err != nil {
		t.Fatal(err)
	}
	s := runToStop(t, m)
	cs, _, _ := csip(m)
	var b uint8
	m.Locked(func() { b = m.Mem.Peek8(0x7DFE) })
	if s.Watch != machine.WatchWrite || s.Addr != 0x7DFE || cs != 0xF000 || b != 0x55 {
		t.Fatalf("stop %v in segment %04X with %02X at 7DFE; want a write to 7DFE from the BIOS (F000) leaving 55", s, cs, b)
	}
}

// The BIOS's keyboard service reads the BDA's buffer head (0040:001A) in
// Go for a guest polling INT 16h: a read watchpoint sees it.
func TestWatchpointBIOSRead(t *testing.T) {
	m := demoMachine(t, false)
	if err := m.SetWatchpoints([]machine.Watchpoint{{Addr: 0x41A, Len: 2, Kind: machine.WatchRead}}); err != nil {
		t.Fatal(err)
	}
	s := runToStop(t, m)
	if cs, _, _ := csip(m); s.Watch != machine.WatchRead || s.Addr&^1 != 0x41A || cs != 0xF000 {
		t.Fatalf("stop %v in segment %04X; want a read of 41A from the BIOS (F000)", s, cs)
	}
}

// Stopping at breakpoints and watchpoints, stepping and resuming changes
// nothing the guest does: the run ends in the same state as one never
// stopped (the machine is deterministic at any instruction boundary, which
// reverse execution relies on).
func TestDebugStopsKeepTheRun(t *testing.T) {
	const n = 4_000_000
	ref := freeDOSMachine(t)
	runInstructions(t, ref, n)

	m := freeDOSMachine(t)
	m.SetBreakpoints([]uint32{0x7C00, 0x600, 0x7C3E})
	stops := 0
	for m.Stats().Instructions < n/2 {
		runToStop(t, m)
		stops++
		m.DebugStep()
		if stops == 3 {
			m.SetBreakpoints(nil)
			m.SetWatchpoints([]machine.Watchpoint{{Addr: 0x46C, Len: 4, Kind: machine.WatchWrite}, {Addr: 0x7C0B, Len: 2, Kind: machine.WatchAccess}})
		}
		if stops > 1000 {
			break
		}
	}
	m.SetBreakpoints(nil)
	m.SetWatchpoints(nil)
	m.Resume()
	runInstructions(t, m, n)
	if a, b := digest(ref), digest(m); a != b {
		t.Fatalf("after %d debug stops the run differs: %+v, undisturbed %+v", stops, b, a)
	}
	t.Logf("%d debug stops in the first %d instructions", stops, n/2)
}

func freeDOSMachine(t *testing.T) *machine.Machine {
	t.Helper()
	img := shared.Path(t, "images/freedos-hd.vhd")
	m, err := machine.New(machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20, HardDisks: [4]string{img}, Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// runInstructions runs m until it has executed exactly n instructions.
func runInstructions(t *testing.T, m *machine.Machine, n uint64) {
	t.Helper()
	for m.Stats().Instructions < n {
		if r := m.Stopped(); r != machine.Running {
			t.Fatalf("the machine stopped (%v) after %d instructions", r, m.Stats().Instructions)
		}
		var left uint64
		m.Locked(func() { left = n - m.CPU.Instructions })
		if left > 1000 {
			m.RunFor(context.Background(), time.Duration(left/2)*machine.DefaultNsPerInstruction)
			continue
		}
		if _, _, r, err := m.DebugStep(); r != machine.Running {
			t.Fatalf("stopped: %v %v", r, err)
		}
	}
}

type machineDigest struct {
	Instructions uint64
	Regs         [8]uint16
	Segs         [4]uint16
	IP, Flags    uint16
	RAM          uint32
	Screen       string
	Now          time.Duration
}

func digest(m *machine.Machine) machineDigest {
	var d machineDigest
	m.Locked(func() {
		c := m.CPU
		d = machineDigest{c.Instructions, c.Regs, c.Segs, c.IP, c.Flags(), crc32.ChecksumIEEE(m.Mem.RAM), "", 0}
	})
	d.Screen = m.ScreenText()
	d.Now = m.Stats().VirtualTime
	return d
}
