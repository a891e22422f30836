package machine_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/shared"
	"pcemu/machine"
)

// Reverse execution (history.go) on FreeDOS booting: every step back is
// the state the run was in, interrupt entries included; reverse continue
// finds the last breakpoint and watchpoint hit; the memory budget holds.

type point struct {
	pos machine.Position
	d   machineDigest
}

func here(m *machine.Machine) point {
	return point{m.Position(), digest(m)}
}

// stepForward steps n times from where m is and returns the point before
// each step.
func stepForward(t *testing.T, m *machine.Machine, n int) []point {
	t.Helper()
	var ps []point
	for range n {
		ps = append(ps, here(m))
		if _, _, r, err := m.DebugStep(); r != machine.Running {
			t.Fatalf("step: %v %v", r, err)
		}
	}
	return ps
}

func TestReverseStepRetracesTheRun(t *testing.T) {
	// Where DOS's third timer interrupt after 20M instructions comes:
	// the BIOS's INT 08h handler at F000:FEA5, seen from a run of its own.
	ref := freeDOSMachine(t)
	runInstructions(t, ref, 20_000_000)
	ref.SetBreakpoints([]uint32{0xFFEA5})
	for range 3 {
		runToStop(t, ref)
	}
	irq := ref.Stats().Instructions

	m := freeDOSMachine(t)
	if err := m.StartHistory(64 << 20); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// With checkpoints on the way, to 1500 instructions before the IRQ,
	// then single steps across its entry and its handler.
	runInstructions(t, m, irq-1500)
	var entries int
	var ps []point
	for range 3000 {
		p := stepForward(t, m, 1)
		ps = append(ps, p...)
		if q := m.Position(); q.Instructions == p[0].pos.Instructions {
			entries++ // that step entered an interrupt
		}
	}
	if entries == 0 {
		t.Fatal("no interrupt entered in the steps")
	}
	end := here(m)
	for i := len(ps) - 1; i >= 0; i-- {
		if s, err := m.ReverseStep(ctx); err != nil || s.HistoryStart {
			t.Fatalf("reverse step %d: %v %v", len(ps)-i, s, err)
		}
		if got := here(m); got != ps[i] {
			t.Fatalf("%d steps back: %+v, the run was at %+v", len(ps)-i, got, ps[i])
		}
	}
	t.Logf("%d steps back, %d across interrupt entries", len(ps), entries)
	// Forward again: the same run.
	for i := range ps {
		if got := here(m); got != ps[i] {
			t.Fatalf("forward again, step %d: %+v, the run was at %+v", i, got, ps[i])
		}
		m.DebugStep()
	}
	if got := here(m); got != end {
		t.Fatalf("forward again: %+v, the run was at %+v", got, end)
	}
}

func TestReverseContinue(t *testing.T) {
	m := freeDOSMachine(t)
	if err := m.StartHistory(256 << 20); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// The timer's BIOS handler (INT 08h at F000:FEA5) as a breakpoint:
	// note where the run meets it, several checkpoints apart.
	m.SetBreakpoints([]uint32{0xFFEA5})
	var hits []point
	for len(hits) < 40 {
		s := runToStop(t, m)
		if !s.Breakpoint {
			t.Fatalf("stop %v", s)
		}
		hits = append(hits, here(m))
	}
	m.Pause()
	for i := len(hits) - 2; i >= len(hits)-6; i-- {
		s, err := m.ReverseContinue(ctx)
		if err != nil || !s.Breakpoint || s.Addr != 0xFFEA5 {
			t.Fatalf("reverse continue: %v %v", s, err)
		}
		if got := here(m); got != hits[i] {
			t.Fatalf("reverse continue to hit %d: %+v, the run met it at %+v", i, got, hits[i])
		}
	}
	// A write watchpoint on the tick count: going back stops before the
	// write, the old value in place; a step forward writes it.
	m.SetBreakpoints(nil)
	m.SetWatchpoints([]machine.Watchpoint{{Addr: 0x46C, Len: 2, Kind: machine.WatchWrite}})
	s, err := m.ReverseContinue(ctx)
	if err != nil || s.Watch != machine.WatchWrite || s.Addr&^1 != 0x46C {
		t.Fatalf("reverse continue to the watchpoint: %v %v", s, err)
	}
	tick := func() (v uint16) {
		m.Locked(func() { v = uint16(m.Mem.Peek8(0x46C)) | uint16(m.Mem.Peek8(0x46D))<<8 })
		return
	}
	old := tick()
	if st, hit, _, _ := m.DebugStep(); !hit || st.Watch != machine.WatchWrite || tick() == old {
		t.Fatalf("the step after the reverse watchpoint stop: %v hit %v, tick %d -> %d", st, hit, old, tick())
	}
	// Back to the start of the history: nothing before.
	m.SetWatchpoints(nil)
	s, err = m.ReverseContinue(ctx)
	start, _ := m.HistoryStart()
	if err != nil || !s.HistoryStart || m.Position() != start {
		t.Fatalf("reverse continue with nothing to meet: %v %v at %v, the start is %v", s, err, m.Position(), start)
	}
	if s, _ := m.ReverseStep(ctx); !s.HistoryStart || m.Position() != start {
		t.Fatalf("reverse step at the start: %v at %v", s, m.Position())
	}
}

// The checkpoints stay within the budget: the oldest go.
func TestHistoryBudget(t *testing.T) {
	img := shared.Path(t, "images/freedos-hd.vhd")
	m, err := machine.New(machine.Config{Model: cpu.Model80286, HardDisks: [4]string{img}, Snapshot: true}) // 640K
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	const budget = 3 << 19
	if err := m.StartHistoryEvery(budget, 500_000); err != nil {
		t.Fatal(err)
	}
	runInstructions(t, m, 25_000_000)
	start, _ := m.HistoryStart()
	used := m.HistoryMemory()
	if used > budget || start.Instructions == 0 {
		t.Fatalf("history: %d bytes for a budget of %d, starting at %v", used, budget, start)
	}
	t.Logf("%d bytes, from %v", used, start)
	if _, err := m.ReverseStep(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// runUntilText runs m until text is on the screen.
func runUntilText(t *testing.T, m *machine.Machine, text string) {
	t.Helper()
	for i := 0; !strings.Contains(m.ScreenText(), text); i++ {
		if i > 3000 {
			t.Fatalf("no %q on the screen:\n%s", text, m.ScreenText())
		}
		if r, err := m.RunFor(context.Background(), 10*time.Millisecond); r != machine.Running {
			t.Fatalf("stopped: %v %v", r, err)
		}
	}
}

// Keys typed during the session are given back when the past is executed
// again: going back before them and forward again is the same run (in
// real time too: the catch-up jumps are given back, and none is made up
// to where the run had been), and keys typed meanwhile are ignored; from
// there on the host's keys count again. A debugger's write in the past
// makes another future: the run is live there.
func TestReverseReplaysInput(t *testing.T) {
	for _, realTime := range []bool{false, true} {
		img := shared.Path(t, "images/freedos-hd.vhd")
		m, err := machine.New(machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20, HardDisks: [4]string{img}, Snapshot: true, RealTime: realTime})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		if err := m.StartHistoryEvery(256<<20, 2_000_000); err != nil {
			t.Fatal(err)
		}
		runUntilText(t, m, `C:\>`)
		typedAt := m.Position()
		m.TypeKeys("ver\r")
		runUntilText(t, m, "FreeDOS kernel")
		m.RunFor(context.Background(), 200*time.Millisecond)
		end := here(m)
		screen := m.ScreenText()
		ctx := context.Background()
		// Back to before the keys (the history's start), then forward
		// again with keys typed meanwhile: they are ignored.
		m.Pause()
		for m.Position() != (machine.Position{}) && typedAt.Before(m.Position()) {
			if s, err := m.ReverseContinue(ctx); err != nil || !s.HistoryStart {
				t.Fatalf("reverse continue: %v %v", s, err)
			}
		}
		m.Resume()
		m.TypeKeys("dir\r")
		runInstructions(t, m, end.pos.Instructions)
		if got := here(m); got != end || m.ScreenText() != screen {
			got.d.Screen, end.d.Screen = "", ""
			t.Fatalf("realtime %v: forward again after going back: %+v, the run was %+v; screen:\n%s", realTime, got, end, m.ScreenText())
		}
		// Now live: a key here is the host's, and later ones too.
		m.TypeKeys("dir\r")
		runUntilText(t, m, "bytes free")
		// Back before the keys again, a write there: live at once.
		m.Pause()
		if s, err := m.ReverseContinue(ctx); err != nil || !s.HistoryStart {
			t.Fatalf("reverse continue: %v %v", s, err)
		}
		var b byte
		m.Locked(func() { b = m.Mem.Peek8(0x500) })
		if err := m.DebugWriteMemory(0x500, []byte{^b}); err != nil {
			t.Fatal(err)
		}
		m.Resume()
		runUntilText(t, m, `C:\>`)
		m.TypeKeys("echo new\r")
		runUntilText(t, m, "\nnew\n")
		m.StopHistory()
	}
}
