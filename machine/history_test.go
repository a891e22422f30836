package machine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/shared"
	"pcemu/machine"
	"pcemu/machine/script"
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

// A disk written in place (no -snapshot): the history keeps a checkpoint
// right after the guest's write, so the run after it can be stepped back
// through; going back to before the write is refused, saying why, and the
// machine stays where it was.
func TestReverseOverAWriteInPlace(t *testing.T) {
	code := []byte{
		0x0E, 0x07, // 7C00 push cs; pop es
		0xB8, 0x01, 0x03, // 7C02 mov ax, 0301h: write one sector
		0xB9, 0x02, 0x00, // 7C05 mov cx, 2: cylinder 0, sector 2
		0xBA, 0x80, 0x00, // 7C08 mov dx, 80h: head 0, the first hard disk
		0xBB, 0x00, 0x7C, // 7C0B mov bx, 7C00h
		0xCD, 0x13, // 7C0E int 13h
		0x90, 0x90, // 7C10 nop; nop
		0xEB, 0xFE, // 7C12 jmp $
	}
	img := make([]byte, 1<<20)
	copy(img, code)
	img[510], img[511] = 0x55, 0xAA
	path := filepath.Join(t.TempDir(), "inplace.img")
	if err := os.WriteFile(path, img, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := machine.New(machine.Config{Model: cpu.Model80286, HardDisks: [4]string{"raw:" + path}})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.StartHistory(64 << 20); err != nil {
		t.Fatal(err)
	}
	m.SetBreakpoints([]uint32{0x7C12})
	if s := runToStop(t, m); !s.Breakpoint {
		t.Fatalf("stop %v", s)
	}
	m.SetBreakpoints(nil)
	ctx := context.Background()
	// Back over the two NOPs and the BIOS's return: after the write.
	for range 3 {
		if s, err := m.ReverseStep(ctx); err != nil || s.HistoryStart {
			t.Fatalf("a step back after the write: %v %v at %v", s, err, m.Position())
		}
	}
	// Further back, to before the write: refused, the machine unmoved.
	at := m.Position()
	var err2 error
	for range 200 {
		if _, err2 = m.ReverseStep(ctx); err2 != nil {
			break
		}
		at = m.Position()
	}
	if err2 == nil || !strings.Contains(err2.Error(), "in place") || !strings.Contains(err2.Error(), "-snapshot") {
		t.Fatalf("going back to before the write: %v", err2)
	}
	if m.Position() != at {
		t.Errorf("a refused step back moved the machine from %v to %v", at, m.Position())
	}
	var ip uint16
	m.Locked(func() { ip = m.CPU.IP })
	if s, err := m.ReverseContinue(ctx); err == nil || !strings.Contains(err.Error(), "in place") {
		t.Errorf("reverse continue to before the write: %v %v", s, err)
	}
	m.Locked(func() {
		if m.CPU.IP != ip {
			t.Errorf("a refused reverse continue moved IP from %04X to %04X", ip, m.CPU.IP)
		}
	})
}

// BenchmarkReverse boots FreeDOS to its prompt as BenchmarkFreeDOSBoot
// does, with a history kept as gdb's session keeps it (a checkpoint every
// DefaultHistoryInterval instructions, a 256 MiB budget), and reports the
// boot's host time (ms/boot, beside BenchmarkFreeDOSBoot's without a
// history: the checkpoints' cost), the memory the checkpoints take at the
// prompt (MB-checkpoints), and the host time of a reverse-stepi there: the
// first (a checkpoint loaded and up to an interval executed again) and
// the nine after it (from the stepping points the first kept).
func BenchmarkReverse(b *testing.B) {
	img := shared.Path(b, "images/freedos-hd.vhd")
	ctx := context.Background()
	var boot, first, next time.Duration
	var mem int64
	for b.Loop() {
		m, err := machine.New(machine.Config{Model: cpu.Model80286, HardDisks: [4]string{img}, Snapshot: true})
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		if err := m.StartHistory(256 << 20); err != nil {
			b.Fatal(err)
		}
		if err := script.Wait("boot", `C:\>`, script.Forever).Run(ctx, m, script.Options{}); err != nil {
			b.Fatal(err)
		}
		boot += time.Since(t0)
		mem += m.HistoryMemory()
		m.Pause()
		for i := range 10 {
			t0 := time.Now()
			if s, err := m.ReverseStep(ctx); err != nil || s.HistoryStart {
				b.Fatalf("reverse step: %v %v", s, err)
			}
			if i == 0 {
				first += time.Since(t0)
			} else {
				next += time.Since(t0)
			}
		}
		m.Close()
	}
	n := float64(b.N)
	b.ReportMetric(float64(boot.Milliseconds())/n, "ms/boot")
	b.ReportMetric(float64(mem)/n/1e6, "MB-checkpoints")
	b.ReportMetric(first.Seconds()*1e3/n, "ms/first-step")
	b.ReportMetric(next.Seconds()*1e3/n/9, "ms/next-step")
}

// A state loaded while the history is kept (the monitor's loadvm) has a
// past of its own, and may have an instruction count the history has
// passed: the history starts again where it was loaded.
func TestLoadStartsTheHistoryAgain(t *testing.T) {
	img := shared.Path(t, "images/freedos-hd.vhd")
	m, err := machine.New(machine.Config{Model: cpu.Model80286, HardDisks: [4]string{img}, Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.StartHistoryEvery(64<<20, 1000); err != nil {
		t.Fatal(err)
	}
	stepForward(t, m, 2000)
	s, err := m.Save()
	if err != nil {
		t.Fatal(err)
	}
	stepForward(t, m, 3000)
	if err := m.Load(s); err != nil {
		t.Fatal(err)
	}
	loaded := here(m)
	if start, _ := m.HistoryStart(); start != loaded.pos {
		t.Fatalf("after a load the history starts at %v, the machine is at %v", start, loaded.pos)
	}
	stepForward(t, m, 10)
	ctx := context.Background()
	for range 10 {
		if st, err := m.ReverseStep(ctx); err != nil || st.HistoryStart {
			t.Fatalf("a step back after the load: %v %v", st, err)
		}
	}
	if got := here(m); got != loaded {
		t.Errorf("back to the load: %+v, it was %+v", got, loaded)
	}
	if st, err := m.ReverseStep(ctx); err != nil || !st.HistoryStart || here(m) != loaded {
		t.Errorf("a step back from the load: %v %v at %v", st, err, m.Position())
	}
}
