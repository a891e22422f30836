package machine

import (
	"fmt"

	"pcemu/cpu"
)

// Debugging a guest: breakpoints, watchpoints, the stops they cause and
// the debugger's single step, for the gdb stub (machine/gdbstub) and the
// monitor. Addresses are physical (segment*16 + offset after the A20
// mask), as gdb's are for a real-mode target under QEMU.
//
// Breakpoints cost nothing while none is set, and nothing per instruction
// while some are: the CPU ends its decoded blocks at them (cpu/debug.go).
// Watching memory sends every guest access through Memory's Read8 and
// Write8, where the watched ranges are checked: the CPU's accesses
// (cpu.CPU.WatchMemory: no RAM fast path, no bulk runs, a look at events
// after every instruction), the BIOS's Go code (bios.BIOS.RAMThroughBus)
// and so the disk path, which the BIOS and the CPU's string I/O carry
// byte by byte while watching. A watchpoint slows the machine down while it
// is set; removing the last one restores every fast path.
//
// A breakpoint or watchpoint hit pauses the run loop (as Pause does) and
// is delivered on DebugStops; Resume goes on from there.

// WatchKind is what accesses a watchpoint catches, and what access hit
// one.
type WatchKind uint8

const (
	WatchWrite WatchKind = 1 << iota // a write (gdb's Z2)
	WatchRead                        // a read (Z3)
)

// WatchAccess is either access (gdb's Z4).
const WatchAccess = WatchWrite | WatchRead

// Watchpoint watches Len bytes from physical address Addr.
type Watchpoint struct {
	Addr, Len uint32
	Kind      WatchKind
}

// DebugStop is why the run loop paused itself: a breakpoint (CS:IP is at
// Addr and that instruction has not run) or a watched byte at Addr read or
// written (Watch) by the instruction that ran last; a REP string
// instruction stops after the iteration that touched it, IP on the
// instruction.
type DebugStop struct {
	Breakpoint bool
	Watch      WatchKind
	Addr       uint32
	// HistoryStart: reverse execution reached the start of the history
	// (history.go) and stands there.
	HistoryStart bool
}

func (s DebugStop) String() string {
	switch {
	case s.Breakpoint:
		return fmt.Sprintf("breakpoint at %05Xh", s.Addr)
	case s.Watch == WatchRead:
		return fmt.Sprintf("watchpoint: read of %05Xh", s.Addr)
	case s.Watch == WatchWrite:
		return fmt.Sprintf("watchpoint: write to %05Xh", s.Addr)
	case s.HistoryStart:
		return "the start of the history"
	}
	return "no stop"
}

// debugState is the machine's side of debugging; nil until a debugger
// sets something.
type debugState struct {
	breaks []uint32
	watch  watchSet
	stops  chan DebugStop // the last stop the run loop made, for the debugger

	at []*atCall // AtInstruction's calls to come

	intHooks []*intHook // AddInterruptHook's
}

// intHook is one AddInterruptHook.
type intHook struct {
	f func(vec uint8, kind cpu.InterruptKind)
}

// watchSet holds the watchpoints and the first hit since the last run.
type watchSet struct {
	list      []Watchpoint
	lo, hi    uint32 // every watched byte is in [lo, hi)
	hit       DebugStop
	hitBefore Position // the run's position before the step that hit
	hasHit    bool
	stop      func()          // the CPU's Stop: the run returns after this instruction
	before    func() Position // the position before the step in progress
}

// access is Memory's check of one guest access.
func (w *watchSet) access(addr uint32, kind WatchKind) {
	if addr < w.lo || addr >= w.hi {
		return
	}
	for _, p := range w.list {
		if p.Kind&kind != 0 && addr-p.Addr < p.Len {
			if !w.hasHit {
				w.hit, w.hasHit = DebugStop{Watch: kind, Addr: addr}, true
				w.hitBefore = w.before()
			}
			w.stop()
			return
		}
	}
}

func (m *Machine) debug() *debugState {
	if m.dbg == nil {
		m.dbg = &debugState{stops: make(chan DebugStop, 1)}
		m.dbg.watch.stop = m.CPU.Stop
		m.dbg.watch.before = m.watchBefore
	}
	return m.dbg
}

// SetBreakpoints replaces the breakpoints with addrs (physical addresses
// of instructions' first bytes).
func (m *Machine) SetBreakpoints(addrs []uint32) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.debug()
	d.breaks = append(d.breaks[:0], addrs...)
	m.CPU.SetBreakpoints(d.breaks)
}

// SetWatchpoints replaces the watchpoints with ws.
func (m *Machine) SetWatchpoints(ws []Watchpoint) error {
	for _, w := range ws {
		switch {
		case w.Len == 0:
			return fmt.Errorf("watchpoint at %05Xh: no bytes to watch", w.Addr)
		case w.Kind == 0 || w.Kind&^WatchAccess != 0:
			return fmt.Errorf("watchpoint at %05Xh: unknown kind %d", w.Addr, w.Kind)
		case uint64(w.Addr)+uint64(w.Len) > AddressLimit286:
			return fmt.Errorf("watchpoint at %05Xh+%d: beyond the 16 MiB the PC addresses", w.Addr, w.Len)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.debug()
	w := &d.watch
	w.list = append(w.list[:0], ws...)
	w.lo, w.hi = 0, 0
	for i, p := range ws {
		if i == 0 || p.Addr < w.lo {
			w.lo = p.Addr
		}
		w.hi = max(w.hi, p.Addr+p.Len)
	}
	on := len(ws) > 0
	m.Mem.watch = nil
	if on {
		m.Mem.watch = w
	}
	m.CPU.WatchMemory(on)
	m.BIOS.RAMThroughBus(on)
	return nil
}

// DebugStops delivers the stops the run loop makes at breakpoints and
// watchpoints (the machine is paused when one arrives; only the latest is
// kept until read).
func (m *Machine) DebugStops() <-chan DebugStop {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.debug().stops
}

// watchBefore is the position before the step in progress, for a watched
// access: the instruction running has been counted; an access by an
// interrupt's entry (its pushes) comes with no instruction since that
// entry was counted.
func (m *Machine) watchBefore() Position {
	p := m.position()
	if m.hist != nil && m.hist.entryInstr == p.Instructions && p.Entries > 0 {
		p.Entries--
	} else if p.Instructions > 0 {
		p.Instructions--
	}
	return p
}

// takeDebugStop returns the breakpoint or watchpoint the last CPU run
// stopped at, clearing it. Called with mu held, with m.dbg set.
func (m *Machine) takeDebugStop() (DebugStop, bool) {
	w := &m.dbg.watch
	switch {
	case w.hasHit:
		w.hasHit = false
		return w.hit, true
	case m.CPU.StoppedAtBreakpoint():
		return DebugStop{Breakpoint: true, Addr: m.CPU.Linear(m.CPU.Segs[cpu.CS], m.CPU.IP)}, true
	}
	return DebugStop{}, false
}

// debugStopped is the run loop's look after a slice: a breakpoint or
// watchpoint hit pauses the machine and is delivered to the debugger.
// Called with mu held, with m.dbg set.
func (m *Machine) debugStopped() {
	before := m.dbg.watch.hitBefore
	s, ok := m.takeDebugStop()
	if !ok || m.stop != Running {
		return
	}
	if m.hist != nil && m.hist.replay != nil {
		m.replayStopped(s, before) // history.go: executing the past again
		return
	}
	if !m.paused {
		m.paused = true
		m.wake = make(chan struct{})
	}
	select {
	case <-m.dbg.stops: // an older stop nobody read
	default:
	}
	m.dbg.stops <- s
}

// DebugStep executes one instruction (one iteration of a REP string
// instruction), or enters one pending interrupt, as Step does, even when
// CS:IP is at a breakpoint (a debugger's stepi). A halted CPU lets virtual
// time pass to the next device event and waits again, up to a second of
// virtual time, until an interrupt wakes it. It reports a watchpoint the
// step hit.
func (m *Machine) DebugStep() (DebugStop, bool, StopReason, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.debug()
	start := m.Clock.Now()
	for {
		if m.stop != Running {
			return DebugStop{}, false, m.stop, m.err
		}
		m.CPU.StepOffBreakpoint()
		was := m.CPU.Instructions
		if err := m.CPU.Step(); err != nil {
			m.fail(err)
			return DebugStop{}, false, m.stop, m.err
		}
		halted := m.CPU.Halted()
		if halted {
			m.Clock.Skip(m.nextEvent(m.Clock.Now() + maxSlice))
		}
		m.atReached()
		m.catchUp()
		if m.hist != nil && m.hist.replay == nil {
			m.historyAfterSlice(true)
		}
		if s, ok := m.takeDebugStop(); ok && !s.Breakpoint {
			return s, true, m.stop, m.err
		}
		if !halted || m.CPU.Instructions != was || m.Clock.Now()-start >= int64(1e9) {
			return DebugStop{}, false, m.stop, m.err
		}
	}
}

// AtInstruction has the run loop call f when the instruction count
// reaches n: exactly at that boundary, before an interrupt pending there
// is entered (a tracer starting at a count, a debugger going to a point of
// the run). f runs on the run loop's goroutine with the machine locked,
// so it uses the parts directly. When the count is n already, f runs now;
// past n, never. The function returned cancels the call if it has not
// been made.
func (m *Machine) AtInstruction(n uint64, f func()) (cancel func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.debug()
	switch c := m.CPU.Instructions; {
	case c == n:
		f()
		return func() {}
	case c > n:
		return func() {}
	}
	a := &atCall{n: n, f: f}
	d.at = append(d.at, a)
	return func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		a.f = nil
	}
}

// atCall is one AtInstruction.
type atCall struct {
	n uint64
	f func() // nil once made or cancelled
}

// atLimit caps a slice's instructions at the next AtInstruction count.
// Called with mu held.
func (m *Machine) atLimit(n int64) int64 {
	if h := m.hist; h != nil && h.capAt > m.CPU.Instructions {
		n = min(n, int64(h.capAt-m.CPU.Instructions))
	}
	if d := m.dbg; d != nil {
		for _, a := range d.at {
			if a.f != nil {
				n = min(n, int64(a.n-m.CPU.Instructions))
			}
		}
	}
	return n
}

// atReached makes the AtInstruction calls due when a slice ended. Called
// with mu held, after the CPU ran.
func (m *Machine) atReached() {
	d := m.dbg
	if len(d.at) == 0 {
		return
	}
	now := m.CPU.Instructions
	keep := d.at[:0]
	for _, a := range d.at {
		switch {
		case a.f == nil:
		case a.n == now:
			f := a.f
			a.f = nil
			f()
		case a.n > now:
			keep = append(keep, a)
		}
	}
	clear(d.at[len(keep):])
	d.at = keep
}

// AddInterruptHook has f called whenever the CPU enters an interrupt, as
// cpu.CPU.SetInterruptHook says (a tracer, the reverse-execution history:
// the CPU has one hook, the machine shares it). f runs on the run loop's
// goroutine with the machine locked. The function returned removes it.
func (m *Machine) AddInterruptHook(f func(vec uint8, kind cpu.InterruptKind)) (remove func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.addInterruptHook(f)
}

// addInterruptHook is AddInterruptHook with mu held; remove takes mu.
func (m *Machine) addInterruptHook(f func(vec uint8, kind cpu.InterruptKind)) (remove func()) {
	d := m.debug()
	h := &intHook{f}
	d.intHooks = append(d.intHooks, h)
	m.CPU.SetInterruptHook(m.interrupted)
	return func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.removeInterruptHook(h)
	}
}

func (m *Machine) removeInterruptHook(h *intHook) {
	d := m.dbg
	for i, x := range d.intHooks {
		if x == h {
			d.intHooks = append(d.intHooks[:i], d.intHooks[i+1:]...)
			break
		}
	}
	if len(d.intHooks) == 0 {
		m.CPU.SetInterruptHook(nil)
	}
}

// interrupted is the CPU's interrupt hook while any is added.
func (m *Machine) interrupted(vec uint8, kind cpu.InterruptKind) {
	for _, h := range m.dbg.intHooks {
		h.f(vec, kind)
	}
}
