package cpu

// Hooks for debuggers and tracers (see the package comment). None of them
// costs the run loop anything while unset:
//
//   - Breakpoints live where blocks are looked up, on the cache-miss path
//     only. While any is set, a decoded block ends before an instruction
//     at a breakpoint address, and a block that starts at one is never
//     cached: every entry at that address misses and is checked there.
//     Changing the set drops the decoded blocks (FlushCode), so no block
//     decoded before runs across a new breakpoint.
//   - WatchMemory sends every data access through the Bus (the RAM fast
//     paths see an empty RAM slice) and keeps an event pending, so that
//     the loop runs one instruction per block and looks at events after
//     each: a Bus that watches addresses calls Stop and the CPU stops
//     right after the instruction (the REP iteration) that touched one,
//     as the 80386's data breakpoints do (a trap after the access). Bulk
//     runs (BulkPortIO, BulkMemory) are never offered then, so a watched
//     byte moved by REP INSW or REP STOSB is seen element by element.
//   - The instruction hook is called at every instruction boundary, before
//     the instruction runs, through the same pending event.
//   - The interrupt hook is called as an interrupt is entered, before
//     anything is pushed.

// InterruptKind says what made the CPU enter an interrupt.
type InterruptKind uint8

const (
	IntSoftware  InterruptKind = iota // INT n, INT 3, INTO (and Interrupt, firmware written in Go)
	IntExternal                       // the INTR line, vector from the interrupt controller (an IRQ)
	IntNMI                            // the NMI line
	IntException                      // raised by an instruction: divide error, BOUND, invalid opcode, overrun, IDT limit
	IntTrap                           // the single-step trap (TF), taken between instructions
)

func (k InterruptKind) String() string {
	switch k {
	case IntSoftware:
		return "software"
	case IntExternal:
		return "external"
	case IntNMI:
		return "NMI"
	case IntException:
		return "exception"
	case IntTrap:
		return "trap"
	}
	return "InterruptKind(?)"
}

// debugState is what the hooks need; nil until one is set.
type debugState struct {
	breaks map[uint32]struct{} // linear addresses (after the A20 mask)
	hit    bool                // the last Run or Step stopped at a breakpoint
	skip   bool                // run the instruction at skipLin once (stepping off a breakpoint)
	// skipLin and skipAt say which entry of the block at a breakpoint
	// runs: the one at this address with this instruction count.
	skipLin uint32
	skipAt  uint64

	watch  bool
	onInst func()
	onInt  func(vec uint8, kind InterruptKind)
}

// evDebug (in CPU.events) stays raised while watched memory or an
// instruction hook needs the run loop to look at every boundary.
const evDebug uint16 = 1 << 9

func (c *CPU) debug() *debugState {
	if c.dbg == nil {
		c.dbg = &debugState{}
	}
	return c.dbg
}

// SetBreakpoints makes Run and Step stop before executing an instruction
// whose first byte (its first prefix) is at one of the linear addresses
// (segment*16 + offset after the A20 mask: the physical address, as gdb's
// breakpoints in real mode name it). An empty set removes them all.
// StoppedAtBreakpoint tells a stop at one from other returns.
func (c *CPU) SetBreakpoints(addrs []uint32) {
	d := c.debug()
	if len(addrs) == 0 {
		d.breaks = nil
	} else {
		d.breaks = make(map[uint32]struct{}, len(addrs))
		for _, a := range addrs {
			d.breaks[a] = struct{}{}
		}
	}
	c.FlushCode()
}

// StoppedAtBreakpoint reports whether the last Run or Step returned
// because CS:IP reached a breakpoint (the instruction there has not run).
func (c *CPU) StoppedAtBreakpoint() bool { return c.dbg != nil && c.dbg.hit }

// StepOffBreakpoint lets the instruction at the current CS:IP run once
// although a breakpoint is set there: a debugger continuing from the
// breakpoint it stopped at. It applies to the next instruction executed
// if that is this one (an interrupt entered first leaves the breakpoint
// armed for when the handler returns).
func (c *CPU) StepOffBreakpoint() {
	d := c.debug()
	d.skip, d.skipLin, d.skipAt = true, c.Linear(c.Segs[CS], c.IP), c.Instructions
}

// breakAt is the breakpoint check of a block entry at linear address lin
// (blockAt, on its miss paths). It returns the empty block that stops the
// run (raising Stop), or nil when the code there runs. A REP instruction
// resumed between iterations has started already: it does not stop again.
func (c *CPU) breakAt(lin uint32) *block {
	d := c.dbg
	if _, ok := d.breaks[lin]; !ok || c.repPending {
		return nil
	}
	if d.skip && d.skipLin == lin && d.skipAt == c.Instructions {
		// One instruction, then the loop looks again: a block that jumps
		// back to its own start would otherwise rerun without a lookup.
		d.skip = false
		c.stopAt = 0
		return nil
	}
	d.hit = true
	c.raise(evStop)
	return &stopBlock
}

// stopBlock runs no instruction: its kEnd leaves IP where it is.
var stopBlock = block{code: &inst{kind: kEnd}}

// breaksIn reports whether a breakpoint is set at linear address lin;
// fillBlock ends a block before such an instruction.
func (c *CPU) breaksIn(lin uint32) bool {
	_, ok := c.dbg.breaks[lin]
	return ok
}

// WatchMemory, when on, sends every data access of the CPU through the
// Bus and makes the CPU stop after any instruction during which the Bus
// called Stop (see the top of this file). Instruction fetches still read
// plain memory directly (CodeMemory). Off restores the fast paths.
func (c *CPU) WatchMemory(on bool) {
	c.debug().watch = on
	c.setRAMEnd()
	c.syncDebugEvent()
}

// SetInstructionHook sets f to be called at every instruction boundary
// before the instruction runs (after any interrupt is entered), with the
// registers as the instruction will find them; nil removes it. f may call
// Stop to end the run after that instruction.
func (c *CPU) SetInstructionHook(f func()) {
	c.debug().onInst = f
	c.syncDebugEvent()
}

// SetInterruptHook sets f to be called whenever the CPU enters an
// interrupt, with its vector and kind, before it pushes anything: the
// registers are those the interrupted code or the INT instruction left
// (for INT n, IP is past the instruction). nil removes it.
func (c *CPU) SetInterruptHook(f func(vec uint8, kind InterruptKind)) {
	c.debug().onInt = f
}

func (c *CPU) syncDebugEvent() {
	if c.dbg.watch || c.dbg.onInst != nil {
		c.raise(evDebug)
	} else {
		c.events &^= evDebug
	}
}

// InstructionIP is the IP of the instruction being executed, for a device
// or a tracer called from inside it (an I/O port access, an interrupt an
// instruction raises): IP itself already points past it then.
func (c *CPU) InstructionIP() uint16 { return c.opStart }
