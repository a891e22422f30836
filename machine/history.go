package machine

import (
	"context"
	"errors"
	"fmt"
	"math"

	"pcemu/cpu"
)

// Reverse execution: the run's past, kept as machine states taken every so
// many instructions (checkpoints, in memory, at most a budget of bytes),
// and reached by loading the last checkpoint before the point wanted and
// executing forward to it exactly. The machine is deterministic: from the
// same state with the same inputs it runs the same instructions, whatever
// the slices it is cut into (TestDebugStopsKeepTheRun, the states'
// tests), so a checkpoint and re-execution give back any past point.
//
// Inputs from the host (keys, mouse, serial, real time's catch-up jumps:
// input.go) are not a function of the machine: the history keeps those of
// the session, with the instant they came at, and gives them back while
// it executes the past again and, after going back, while the run goes
// forward over the recorded stretch (host input is ignored meanwhile, as
// in any replay, and real time's catch-up too) until the run is back
// where it had gone live: from there on it is live again. A debugger's
// write to memory or registers in the past makes another future: the
// checkpoints and the logged inputs after it go (debugwrite.go). A
// recorder set before the history (--record) still gets every input, a
// jump into the past as the loading of the state there, and a debugger's
// write as the loading of the state it made.
//
// A point of the run is a Position: the instructions executed and the
// interrupts entered between instructions (IRQs, NMI, the single-step
// trap; an INT n or an exception belongs to its instruction). One step of
// the CPU (Step, gdb's stepi) moves exactly one of the two on by one, so
// that stepping back is always to a point the run went through: back
// across an IRQ's entry is the interrupted instruction's boundary, with
// the IRQ still pending.
//
// Reverse continuing looks for the last breakpoint or watchpoint hit
// before the present: it executes each interval between checkpoints again
// with them set, from the latest interval back, noting the positions of
// the hits, and goes to the last one found. A watchpoint's hit is the
// point before the step that touched the watched bytes (as gdb shows a
// watchpoint met going backwards: the old value, the instruction that
// changes it next); a breakpoint's is its own.

// Position is a point of the run (see above). Entries are counted from
// when the history began.
type Position struct {
	Instructions uint64
	Entries      uint64
}

// Before reports whether p comes before q in the run.
func (p Position) Before(q Position) bool {
	return p.Instructions < q.Instructions || p.Instructions == q.Instructions && p.Entries < q.Entries
}

func (p Position) String() string {
	return fmt.Sprintf("instruction %d + %d interrupt entries", p.Instructions, p.Entries)
}

// DefaultHistoryInterval is the instructions between checkpoints: a
// checkpoint costs about as much host time as 100000 instructions (it
// copies memory and compares it with the last one), so every 5 million
// keeps the run within a few percent of its speed, and a step back
// executes at most as many again (tens of milliseconds).
const DefaultHistoryInterval = 5_000_000

// ErrNoHistory: reverse execution without StartHistory.
var ErrNoHistory = errors.New("machine: no history is kept (reverse execution is off)")

// history is the run's past.
type history struct {
	budget   int64  // bytes the checkpoints may take
	interval uint64 // instructions between checkpoints
	cps      []*checkpoint
	fine     []*checkpoint // stepping points (below)
	size     int64         // bytes the checkpoints and stepping points take

	entries    uint64 // interrupts entered between instructions (Position.Entries)
	entryInstr uint64 // Instructions at the last of them; noEntry: none at this count
	removeHook func()

	replay *replay // while executing the past again
	capAt  uint64  // while executing to a count: the slices end there

	inPlace bool   // a disk the guest writes in place (disk.Disk.WritesInPlace)
	written uint64 // the guest's disk writes (writeHash.count) at the last checkpoint

	inputs   []loggedInput // the session's inputs from the host, in order
	outer    Recorder      // the recorder set before the history, if any
	playing  *histPlayer   // the logged inputs being given back, or nil
	frontier Instant       // the furthest the run has gone live
}

// loggedInput is an input and when it came.
type loggedInput struct {
	at Instant
	in Input
}

const noEntry = math.MaxUint64

// replay is a re-execution in progress: breakpoint and watchpoint hits are
// noted (record) or passed over, never delivered as stops.
type replay struct {
	record bool
	hits   []hit
}

// hit is a breakpoint or watchpoint met during a replay.
type hit struct {
	pos  Position // where reverse continuing stops for it
	stop DebugStop
}

// checkpoint is a machine state at a position; its memory pages are
// shared with the state saved before it where they are equal (Save does
// that), and so is its video state here.
type checkpoint struct {
	pos        Position
	at         Instant
	inputs     int // the logged inputs before it
	entryInstr uint64
	st         *State
	size       int64 // bytes of its own (pages and video not shared with the one before)
	afterWrite bool  // taken after a write to a disk written in place
}

// StartHistory begins keeping the run's past for reverse execution,
// within budget bytes of memory (the oldest checkpoints go first), with a
// checkpoint now and one every DefaultHistoryInterval instructions. It
// fails when the machine cannot be saved (a drive that is not a disk of
// package disk).
func (m *Machine) StartHistory(budget int64) error {
	return m.StartHistoryEvery(budget, DefaultHistoryInterval)
}

// StartHistoryEvery is StartHistory with a checkpoint every interval
// instructions.
func (m *Machine) StartHistoryEvery(budget int64, interval uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.hist != nil {
		return nil
	}
	if interval == 0 {
		return errors.New("machine: a history needs an interval between checkpoints")
	}
	if m.player != nil {
		return errors.New("machine: no reverse execution while a recorded run is replayed")
	}
	h := &history{budget: budget, interval: interval, entryInstr: noEntry, outer: m.recorder, written: m.writes.count}
	for _, d := range append(m.hd[:], m.fd[:]...) {
		h.inPlace = h.inPlace || d != nil && d.WritesInPlace()
	}
	if h.inPlace {
		m.writes.onWrite = func() {
			// The slice ends after the writing instruction, for a
			// checkpoint there, when one is due (historyAfterSlice).
			if h.replay == nil && len(h.cps) > 0 && h.writeDue(m.CPU.Instructions) {
				m.CPU.Stop()
			}
		}
	}
	m.hist = h
	m.recorder = histRecorder{h}
	h.removeHook = m.addInterruptHook(h.interrupt(m.CPU))
	if err := m.checkpoint(); err != nil {
		m.stopHistory()
		return err
	}
	return nil
}

// StopHistory forgets the past.
func (m *Machine) StopHistory() {
	m.mu.Lock()
	remove := m.stopHistory()
	m.mu.Unlock()
	if remove != nil {
		remove()
	}
}

func (m *Machine) stopHistory() (removeHook func()) {
	h := m.hist
	if h == nil {
		return nil
	}
	removeHook = h.removeHook
	m.writes.onWrite = nil
	if _, ok := m.recorder.(histRecorder); ok {
		m.recorder = h.outer
	}
	m.live()
	m.hist = nil
	return removeHook
}

// histRecorder is the machine's recorder while a history is kept: it
// logs the live inputs and tells the recorder before it what it must know.
type histRecorder struct{ h *history }

func (r histRecorder) Input(at Instant, in Input) {
	h := r.h
	if h.replay != nil {
		return // executing the past again: its inputs are logged already
	}
	if h.playing == nil {
		h.live(at, in)
	}
	if h.outer != nil {
		h.outer.Input(at, in)
	}
}

func (r histRecorder) Boundary(at Instant, digest func() Digest) {
	if h := r.h; h.replay == nil && h.outer != nil {
		h.outer.Boundary(at, digest)
	}
}

// live logs an input from the host; the checkpoints after its instant
// (the run went back, and then the host did something else) go.
func (h *history) live(at Instant, in Input) {
	h.dropFine()
	for len(h.cps) > 1 && before(at, h.cps[len(h.cps)-1].at) {
		h.size -= h.cps[len(h.cps)-1].size
		h.cps = h.cps[:len(h.cps)-1]
	}
	h.inputs = append(h.inputs, loggedInput{at, in})
	h.frontier = at
}

// before reports whether instant a comes before b in a run.
func before(a, b Instant) bool {
	return a.Instructions < b.Instructions || a.Instructions == b.Instructions && a.Time < b.Time
}

// histPlayer gives the logged inputs back from one of them on.
type histPlayer struct {
	h    *history
	next int
}

func (p *histPlayer) Next() (Instant, string, bool) {
	if p.next >= len(p.h.inputs) {
		return Instant{}, "", false
	}
	l := &p.h.inputs[p.next]
	return l.at, l.in.Kind.String(), true
}

func (p *histPlayer) Play(Instant, func() Digest) (*Input, error) {
	in := p.h.inputs[p.next].in
	p.next++
	return &in, nil
}

// play makes the run follow the logged inputs from the n-th on. Called
// with mu held.
func (m *Machine) playFrom(n int) {
	h := m.hist
	h.playing = &histPlayer{h: h, next: n}
	m.player = h.playing
	m.Clock.noCatchUp = true
	m.liveWhenPlayed()
}

// liveWhenPlayed ends the giving back when every logged input has been
// given and the run has come back to where it had gone live (up to there
// nothing from the host may count, not even real time's catch-up): the
// host's input counts again. Called with mu held; while live it moves the
// frontier on.
func (m *Machine) liveWhenPlayed() {
	h := m.hist
	now := m.instant()
	if h.playing != nil && h.playing.next >= len(h.inputs) && !before(now, h.frontier) {
		m.live()
	}
	if h.playing == nil && before(h.frontier, now) {
		h.frontier = now
	}
}

// live ends the giving back of logged inputs. Called with mu held.
func (m *Machine) live() {
	h := m.hist
	if h.playing != nil && m.player == Player(h.playing) {
		m.player = nil
		m.Clock.noCatchUp = false
	}
	h.playing = nil
}

// interrupt counts the entries between instructions.
func (h *history) interrupt(c *cpu.CPU) func(uint8, cpu.InterruptKind) {
	return func(_ uint8, kind cpu.InterruptKind) {
		switch kind {
		case cpu.IntExternal, cpu.IntNMI, cpu.IntTrap:
			h.entries++
			h.entryInstr = c.Instructions
		}
	}
}

// Position is where the run is now, in the history's terms (Entries are 0
// without a history).
func (m *Machine) Position() Position {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.position()
}

func (m *Machine) position() Position {
	p := Position{Instructions: m.CPU.Instructions}
	if m.hist != nil {
		p.Entries = m.hist.entries
	}
	return p
}

// stepBefore is the position before the last step: the boundary before an
// interrupt entered at this count, or before the last instruction.
func (m *Machine) stepBefore() Position {
	p := m.position()
	if m.hist.entryInstr == p.Instructions && p.Entries > 0 {
		p.Entries--
	} else if p.Instructions > 0 {
		p.Instructions--
	}
	return p
}

// HistoryStart is the earliest position the history holds.
func (m *Machine) HistoryStart() (Position, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.hist == nil || len(m.hist.cps) == 0 {
		return Position{}, ErrNoHistory
	}
	return m.hist.cps[0].pos, nil
}

// checkpoint saves the machine at its position as the history's latest
// checkpoint. Called with mu held.
func (m *Machine) checkpoint() error {
	h := m.hist
	var prev *checkpoint
	if n := len(h.cps); n > 0 {
		prev = h.cps[n-1]
	}
	cp, err := m.snapshot(prev)
	if err != nil {
		return err
	}
	h.cps = append(h.cps, cp)
	h.size += cp.size
	// Over budget, the oldest go; the pages the first shared with the
	// next are then the next's. The stepping points go with them (they
	// share pages too).
	for h.size > h.budget && len(h.cps) > 1 {
		h.dropFine()
		first, next := h.cps[0], h.cps[1]
		old := next.size
		next.size = next.ownSize(nil)
		h.size += next.size - old - first.size
		h.cps[0] = nil
		h.cps = h.cps[1:]
	}
	return nil
}

// snapshot saves the machine at its position, its pages shared with prev
// where equal. Called with mu held.
func (m *Machine) snapshot(prev *checkpoint) (*checkpoint, error) {
	h := m.hist
	s, err := m.save()
	if err != nil {
		return nil, fmt.Errorf("reverse execution: %w", err)
	}
	cp := &checkpoint{pos: m.position(), at: m.instant(), inputs: len(h.inputs), entryInstr: h.entryInstr, st: s}
	if h.playing != nil {
		cp.inputs = h.playing.next
	}
	if prev != nil && *prev.st.Video == *s.Video {
		s.Video = prev.st.Video // shared: states never change
	}
	cp.size = cp.ownSize(prev)
	return cp, nil
}

// Stepping points: going back to a point far from the checkpoint before
// it, the history keeps a few more states on the way (at a quarter, half
// and three quarters), so that the next step back, and the next, start
// nearer: stepping back n times costs the interval once and then little
// each. They are few (maxFine), share their pages with the checkpoint
// they came from, and go when the history changes.
const (
	maxFine = 24
	fineMin = 20000 // instructions: nearer than this, execution is cheaper than a state
)

// addFine keeps a stepping point. Called with mu held.
func (h *history) addFine(cp *checkpoint) {
	if len(h.fine) == maxFine {
		h.size -= h.fine[0].size
		h.fine = append(h.fine[:0], h.fine[1:]...)
	}
	h.fine = append(h.fine, cp)
	h.size += cp.size
}

func (h *history) dropFine() {
	for _, f := range h.fine {
		h.size -= f.size
	}
	h.fine = nil
}

// nearest is the checkpoint or stepping point latest at or before target.
func (h *history) nearest(target Position) *checkpoint {
	var best *checkpoint
	for _, list := range [][]*checkpoint{h.cps, h.fine} {
		for _, c := range list {
			if !target.Before(c.pos) && (best == nil || best.pos.Before(c.pos)) {
				best = c
			}
		}
	}
	return best
}

// ownSize is the bytes cp holds that before does not (before nil: all):
// its pages not shared, its video state if not shared, and the rest.
func (cp *checkpoint) ownSize(before *checkpoint) int64 {
	n := int64(4096) // the devices, the CPU, the record itself
	count := func(ps, bs *PagedMemory) {
		for i, p := range ps.Pages {
			if len(p) > 0 && (bs == nil || i >= len(bs.Pages) || len(bs.Pages[i]) == 0 || &bs.Pages[i][0] != &p[0]) {
				n += int64(len(p))
			}
		}
	}
	var br, bh *PagedMemory
	if before != nil {
		br, bh = &before.st.RAM, &before.st.High
	}
	count(&cp.st.RAM, br)
	count(&cp.st.High, bh)
	if before == nil || before.st.Video != cp.st.Video {
		n += int64(len(cp.st.Video.VRAM) * 4)
	}
	return n
}

// Disks written in place: a checkpoint saved before the guest wrote such
// a disk can no longer be loaded (the image has changed under it: disk's
// LoadState), so neither can any point after it up to the next
// checkpoint. After such a write the history takes a checkpoint right
// after the writing instruction (the slice ends there), unless the last
// checkpoint is one taken so and nearer than interval/writeSpacing
// instructions (a guest writing all the time would otherwise spend its run
// saving states): then at the end of the first slice past that, or when a
// debugger's step or stop comes first. Going back is refused to before the
// write, and, in a run of writes, to the instructions between a write and
// the checkpoint after it.
const writeSpacing = 50

// writeDue says whether a checkpoint after a write may be taken at
// instruction count n (above): the first after a checkpoint of the
// interval, then spaced.
func (h *history) writeDue(n uint64) bool {
	last := h.cps[len(h.cps)-1]
	return !last.afterWrite || n >= last.pos.Instructions+h.interval/writeSpacing
}

// historyAfterSlice is the run loop's look after a slice (and the
// debugger's after a step): a checkpoint when the run has gone an
// interval past the last one, or after a write to a disk written in
// place (above). Called with mu held.
func (m *Machine) historyAfterSlice(step bool) {
	h := m.hist
	if h.replay != nil || m.stop != Running || len(h.cps) == 0 {
		return
	}
	m.liveWhenPlayed()
	last := h.cps[len(h.cps)-1]
	due := m.CPU.Instructions >= last.pos.Instructions+h.interval
	if h.inPlace && m.writes.count != h.written && last.pos.Before(m.position()) &&
		(step || m.paused || h.writeDue(m.CPU.Instructions)) {
		due = true
	}
	if due {
		afterWrite := m.writes.count != h.written
		h.written = m.writes.count
		if err := m.checkpoint(); err != nil {
			m.fail(err)
			return
		}
		h.cps[len(h.cps)-1].afterWrite = afterWrite
	}
}

// historyDiverged is the history's part of a debugger's write
// (debugwrite.go): the machine was changed where it stands, so the run's
// future from here is another; the checkpoints from here on go (all of
// them when the ROM changed, which they do not hold, or a state was
// loaded: Load), and one is taken now, which the past up to here does not
// lead to. Called with mu held.
func (m *Machine) historyDiverged(all bool) error {
	h := m.hist
	now := m.position()
	h.dropFine()
	for len(h.cps) > 0 && (all || !h.cps[len(h.cps)-1].pos.Before(now)) {
		h.size -= h.cps[len(h.cps)-1].size
		h.cps = h.cps[:len(h.cps)-1]
	}
	if h.playing != nil {
		// The logged inputs still to come belong to the other future.
		h.inputs = h.inputs[:h.playing.next]
		m.live()
	}
	return m.checkpoint()
}

// ReverseStep goes back one step (one instruction, or one interrupt
// entered between instructions) and reports the stop; at the start of
// the history it stays and reports HistoryStart. The machine must be
// paused.
func (m *Machine) ReverseStep(ctx context.Context) (DebugStop, error) {
	m.mu.Lock()
	if m.hist == nil {
		m.mu.Unlock()
		return DebugStop{}, ErrNoHistory
	}
	now := m.position()
	start := m.hist.cps[0].pos
	if !start.Before(now) {
		m.mu.Unlock()
		return DebugStop{HistoryStart: true}, nil
	}
	target := m.stepBefore()
	if target.Before(start) {
		target = start
	}
	from := m.instant()
	m.mu.Unlock()
	if err := m.goTo(ctx, target); err != nil {
		return DebugStop{}, err
	}
	return DebugStop{}, m.afterJump(from)
}

// afterJump is the end of a reverse operation: the recorder is told, and
// with nothing left to give back the run is live.
func (m *Machine) afterJump(from Instant) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.liveWhenPlayed()
	return m.jumped(from)
}

// ReverseContinue goes back to the last breakpoint or watchpoint hit
// before the present and reports it, or to the start of the history
// (HistoryStart) when there is none. ctx ends a long search (Ctrl-C):
// the machine is then where the search stood.
func (m *Machine) ReverseContinue(ctx context.Context) (DebugStop, error) {
	m.mu.Lock()
	if m.hist == nil {
		m.mu.Unlock()
		return DebugStop{}, ErrNoHistory
	}
	h := m.hist
	end := m.position()
	from := m.instant()
	m.mu.Unlock()
	// From the interval holding the present back to the first.
	for i := len(h.cps) - 1; i >= 0; i-- {
		m.mu.Lock()
		if m.hist != h || i >= len(h.cps) {
			m.mu.Unlock()
			return DebugStop{}, errors.New("machine: the history changed during reverse continue")
		}
		cp := h.cps[i]
		m.mu.Unlock()
		if !cp.pos.Before(end) {
			continue
		}
		hits, err := m.scan(ctx, cp, end)
		if err != nil {
			return DebugStop{}, err
		}
		if len(hits) > 0 {
			last := hits[len(hits)-1]
			if err := m.goTo(ctx, last.pos); err != nil {
				return DebugStop{}, err
			}
			return last.stop, m.afterJump(from)
		}
		end = cp.pos
	}
	m.mu.Lock()
	start := h.cps[0].pos
	m.mu.Unlock()
	if err := m.goTo(ctx, start); err != nil {
		return DebugStop{}, err
	}
	return DebugStop{HistoryStart: true}, m.afterJump(from)
}

// scan executes from cp to end with the breakpoints and watchpoints set
// and returns the hits strictly before end.
func (m *Machine) scan(ctx context.Context, cp *checkpoint, end Position) ([]hit, error) {
	m.mu.Lock()
	if err := m.loadCheckpoint(cp); err != nil {
		m.mu.Unlock()
		return nil, err
	}
	r := &replay{record: true}
	m.hist.replay = r
	m.mu.Unlock()
	err := m.runTo(ctx, end)
	m.mu.Lock()
	m.hist.replay = nil
	m.mu.Unlock()
	var hits []hit
	for _, x := range r.hits {
		if x.pos.Before(end) {
			hits = append(hits, x)
		}
	}
	return hits, err
}

// goTo puts the machine at position target of the past: from the
// latest checkpoint or stepping point at or before it (or from where it
// stands, when that is nearer), by execution forward, breakpoints and
// watchpoints passed over; far from it, stepping points are kept on the
// way.
func (m *Machine) goTo(ctx context.Context, target Position) error {
	m.mu.Lock()
	h := m.hist
	cp := h.nearest(target)
	if cp == nil {
		m.mu.Unlock()
		return fmt.Errorf("machine: %v is before the history's start", target)
	}
	now := m.position()
	if now.Before(cp.pos) || target.Before(now) {
		if err := m.loadCheckpoint(cp); err != nil {
			m.mu.Unlock()
			return err
		}
	} else {
		cp = nil // on from here
	}
	// Forward without stopping: no watched memory on the way (it only
	// slows the run), breakpoints passed over.
	watches := append([]Watchpoint(nil), m.dbg.watch.list...)
	h.replay = &replay{}
	base := m.CPU.Instructions
	m.mu.Unlock()
	if len(watches) > 0 {
		m.SetWatchpoints(nil)
	}
	err := m.goForward(ctx, cp, base, target)
	if len(watches) > 0 {
		m.SetWatchpoints(watches)
	}
	m.mu.Lock()
	h.replay = nil
	m.mu.Unlock()
	return err
}

// goForward is goTo's execution: stepping points at a quarter, half and
// three quarters of the way when it is long (from a state, prev, that
// they share pages with), then the target.
func (m *Machine) goForward(ctx context.Context, prev *checkpoint, base uint64, target Position) error {
	if d := target.Instructions - base; prev != nil && d >= fineMin {
		for k := uint64(1); k <= 3; k++ {
			at := base + d*k/4
			if err := m.runTo(ctx, Position{Instructions: at, Entries: math.MaxUint64}); err != nil {
				return err
			}
			m.mu.Lock()
			cp, err := m.snapshot(prev)
			if err == nil {
				m.hist.addFine(cp)
				prev = cp
			}
			m.mu.Unlock()
			if err != nil {
				return err
			}
		}
	}
	return m.runTo(ctx, target)
}

// loadCheckpoint puts the machine in cp's state. Called with mu held.
func (m *Machine) loadCheckpoint(cp *checkpoint) error {
	h := m.hist
	if err := m.load(cp.st); err != nil {
		return fmt.Errorf("reverse execution: loading the checkpoint at %v: %w", cp.pos, err)
	}
	h.entries, h.entryInstr = cp.pos.Entries, cp.entryInstr
	h.written = m.writes.count // re-executed writes are no new ones
	m.playFrom(cp.inputs)
	return nil
}

// jumped tells the recorder before the history (--record) that the run
// went back from instant from to where it stands: for the recording, the
// state here was loaded there.
func (m *Machine) jumped(from Instant) error {
	h := m.hist
	if h.outer == nil {
		return nil
	}
	s, err := m.save()
	if err != nil {
		return err
	}
	h.outer.Input(from, Input{Kind: InputLoad, State: s})
	return nil
}

// ErrReplayDiverged: executing the past again did not pass where the run
// went (which the machine's determinism rules out; an input from the host
// the history did not see would do it).
var ErrReplayDiverged = errors.New("machine: re-execution did not follow the run")

// runTo executes forward to target, slice by slice with the lock taken
// for each (so that the display and PowerOff get their turn), the slices
// ending at target's instruction count; the interrupts entered there are
// then taken one at a time. Entries MaxUint64 stands for the boundary
// where the count is first reached.
func (m *Machine) runTo(ctx context.Context, target Position) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		m.mu.Lock()
		h := m.hist
		pos := m.position()
		switch {
		case m.stop != Running:
			m.mu.Unlock()
			return fmt.Errorf("machine: stopped (%v) while executing the past again", m.stop)
		case pos == target, target.Entries == math.MaxUint64 && pos.Instructions == target.Instructions:
			m.mu.Unlock()
			return nil
		case target.Before(pos):
			m.mu.Unlock()
			return fmt.Errorf("%w: at %v, past %v", ErrReplayDiverged, pos, target)
		case pos.Instructions < target.Instructions:
			h.capAt = target.Instructions
			m.slice(math.MaxInt64)
			h.capAt = 0
		default: // at the count: the entries there
			before := h.entries
			m.entryStep()
			if h.entries == before && m.CPU.Instructions == pos.Instructions && !m.CPU.Halted() {
				m.mu.Unlock()
				return fmt.Errorf("%w: no interrupt to enter at %v", ErrReplayDiverged, pos)
			}
		}
		m.mu.Unlock()
	}
}

// entryStep enters the interrupt pending at this boundary, letting virtual
// time pass while the CPU is halted. Called with mu held.
func (m *Machine) entryStep() {
	if err := m.CPU.Step(); err != nil {
		m.fail(err)
		return
	}
	if m.CPU.Halted() {
		m.Clock.Skip(m.nextEvent(m.Clock.Now() + maxSlice))
	}
	m.catchUp()
}

// replayStopped notes a breakpoint or watchpoint hit met while executing
// the past (before: the position before the step that touched a watched
// byte) and lets the run go on. Called with mu held.
func (m *Machine) replayStopped(s DebugStop, before Position) {
	r := m.hist.replay
	pos := before
	if s.Breakpoint {
		pos = m.position()
		m.CPU.StepOffBreakpoint()
	}
	if r.record {
		r.hits = append(r.hits, hit{pos: pos, stop: s})
	}
}

// HistoryMemory is the memory the history's checkpoints take, in bytes
// (0 without a history).
func (m *Machine) HistoryMemory() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.hist == nil {
		return 0
	}
	return m.hist.size
}
