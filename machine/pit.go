package machine

import (
	"fmt"
	"math"
)

// The Intel 8254 programmable interval timer (8253 compatible) at 40h-43h.
// Its three counters run from the PC's 1.193182 MHz clock (14.31818 MHz / 12).
// Channel 0's output is IRQ 0, channel 1 used to drive DRAM refresh, and
// channel 2 is gated by port 61h bit 0 and feeds the speaker.
//
// Nothing here ticks: a counter remembers the clock tick at which it was
// loaded, and its count and OUT level at any later tick follow from the
// mode's waveform (8254 datasheet, "Modes"). The run loop calls AdvanceTo to
// turn channel 0's rising edges into IRQ 0 and NextEvent to learn when the
// next one is due.

// PIT port numbers.
const (
	PortPIT0    = 0x40
	PortPIT1    = 0x41
	PortPIT2    = 0x42
	PortPITCtrl = 0x43
)

// PITHz is the input clock of the three counters.
const PITHz = 1193182

// pitTicks converts virtual ns to whole PIT clock ticks since power-on.
func pitTicks(ns int64) int64 {
	return ns/1e9*PITHz + ns%1e9*PITHz/1e9
}

// pitTime is the first virtual ns at which pitTicks reaches tick k.
func pitTime(k int64) int64 {
	q, r := k/PITHz, k%PITHz
	return q*1e9 + (r*1e9+PITHz-1)/PITHz
}

// pitChannel is one counter: the control word fields, the count register
// (CR) with its byte-access flip-flops, the output latch, and the counting
// element (CE) described by the tick it was loaded.
type pitChannel struct {
	modeBits uint8 // M2-M0 as written (6 and 7 are modes 2 and 3)
	mode     uint8 // effective mode 0-5
	bcd      bool
	rw       uint8 // 1 LSB only, 2 MSB only, 3 LSB then MSB

	cr        int   // count register, decoded: 1..modulus (0 written means the modulus)
	crLow     uint8 // LSB of a two-byte write in progress
	writeMSB  bool  // next write is the MSB
	readMSB   bool  // next read is the MSB
	latched   bool  // output latch holds a count (counter latch / read-back)
	latch     uint16
	statusOn  bool // read-back status latched
	status    uint8
	gate      bool
	loaded    bool  // a count has been written since the control word
	loadAt    int64 // NULL COUNT until this tick (CR not yet in the CE)
	irq       IRQLine
	lastTick  int64 // ticks processed by advance
	lastOut   bool  // output level last driven onto irq
	running   bool  // the CE counts from start
	start     int64 // tick at which the CE held val0 (periodic modes: a period start)
	val0      int   // count at start (modes 0, 1, 4, 5)
	n         int   // period (modes 2, 3)
	fired     bool  // modes 0/4: the terminal count passed before start
	heldCount int   // count while not running
	heldOut   bool  // OUT while not running
	pending   bool  // modes 2/3: a new count takes effect at switchAt
	pendN     int
	switchAt  int64
	pendFall  bool // mode 3: the switch is at a high-to-low boundary
}

func (c *pitChannel) modulus() int {
	if c.bcd {
		return 10000
	}
	return 65536
}

func mod(a, m int64) int64 {
	a %= m
	if a < 0 {
		a += m
	}
	return a
}

// half is the length of mode 3's high half-cycle: N/2, or (N+1)/2 for odd N.
func half(n int) int { return (n + 1) / 2 }

// eval returns the CE's count and OUT at tick t (t not before lastTick).
func (c *pitChannel) eval(t int64) (int, bool) {
	if !c.running || t < c.start {
		return c.heldCount, c.heldOut
	}
	k := t - c.start
	m := int64(c.modulus())
	switch c.mode {
	case 0, 1:
		// Out low while counting down, high from terminal count on; the
		// CE wraps and goes on counting.
		return int(mod(int64(c.val0)-k, m)), c.fired || k >= int64(c.val0)
	case 4, 5:
		// Out high, low for the one clock at terminal count.
		return int(mod(int64(c.val0)-k, m)), c.fired || k != int64(c.val0)
	case 2:
		// Count N..1, OUT low while the count is 1, reload at the next clock.
		n := int64(c.n)
		p := k % n
		return int(n - p), p != n-1
	default: // 3
		// Square wave: decrement by two, OUT high for the first (N+1)/2
		// clocks, low for the rest. Odd N loads N-1.
		n, h := int64(c.n), int64(half(c.n))
		p := k % n
		top := n &^ 1
		if p < h {
			return int(top - 2*p), true
		}
		return int(top - 2*(p-h)), false
	}
}

// rising counts OUT's rising edges in the ticks (a, b] of the running CE
// (edges caused by reprogramming are seen by advance comparing levels).
func (c *pitChannel) rising(a, b int64) int64 {
	if !c.running || b <= a {
		return 0
	}
	at := func(x int64) int64 { // edges in [start, x]
		if x < c.start {
			return 0
		}
		k := x - c.start
		switch c.mode {
		case 0, 1:
			if !c.fired && k >= int64(c.val0) {
				return 1
			}
		case 4, 5:
			if !c.fired && k >= int64(c.val0)+1 {
				return 1
			}
		case 2, 3:
			if c.n < 2 {
				return 0 // count 1 is illegal in these modes; OUT does not toggle
			}
			return k / int64(c.n)
		}
		return 0
	}
	return at(b) - at(a)
}

// nextChange returns the first tick after t at which OUT of the running CE
// changes level, or -1 (a count switch of modes 2/3, c.switchAt, is the
// caller's to look at).
func (c *pitChannel) nextChange(t int64) int64 {
	if !c.running {
		return -1
	}
	if t < c.start {
		return c.start // the held level gives way to the mode's waveform
	}
	k := t - c.start
	switch c.mode {
	case 0, 1:
		if !c.fired && k < int64(c.val0) {
			return c.start + int64(c.val0) // terminal count: OUT goes high
		}
	case 4, 5:
		if !c.fired && k < int64(c.val0) {
			return c.start + int64(c.val0) // the one low clock
		}
		if !c.fired && k == int64(c.val0) {
			return t + 1
		}
	case 2:
		if c.n >= 2 {
			n := int64(c.n)
			if p := k % n; p < n-1 {
				return t + n - 1 - p
			}
			return t + 1
		}
	case 3:
		if c.n >= 2 {
			n, h := int64(c.n), int64(half(c.n))
			p := k % n
			if p < h {
				return t + h - p
			}
			return t + n - p
		}
	}
	return -1
}

// nextRise returns the first tick after t with a rising edge, or -1.
func (c *pitChannel) nextRise(t int64) int64 {
	var r int64 = -1
	if c.running {
		switch c.mode {
		case 0, 1:
			if !c.fired {
				r = c.start + int64(c.val0)
			}
		case 4, 5:
			if !c.fired {
				r = c.start + int64(c.val0) + 1
			}
		case 2, 3:
			if c.n >= 2 {
				n := int64(c.n)
				if t < c.start {
					r = c.start + n
				} else {
					r = c.start + ((t-c.start)/n+1)*n
				}
			}
		}
		if r <= t {
			r = -1
		}
	}
	if c.pending && (r < 0 || c.switchAt < r) {
		r = c.switchAt // the new count's waveform is known once switched
	}
	return r
}

// applyPending puts a count written during modes 2/3 into the CE at the
// end of the current period or half-cycle (datasheet, Mode 2 and Mode 3).
func (c *pitChannel) applyPending() {
	c.pending = false
	c.n = c.pendN
	c.start = c.switchAt
	if c.pendFall {
		c.start -= int64(half(c.n))
	}
}

// advance brings the channel to tick t and drives its IRQ line. A rising
// edge since the last call is passed on even if OUT is low again by now:
// the line then stays high until the next call, so that the CPU, which
// could not look at INTR in the middle of the slice, sees the request.
func (c *pitChannel) advance(t int64) {
	if t < c.lastTick {
		t = c.lastTick
	}
	edge := false
	if c.pending && c.switchAt <= t {
		edge = c.rising(c.lastTick, c.switchAt) > 0
		c.lastTick = c.switchAt
		c.applyPending()
	}
	if c.rising(c.lastTick, t) > 0 {
		edge = true
	}
	c.lastTick = t
	_, out := c.eval(t)
	c.drive(edge, out)
}

func (c *pitChannel) drive(edge, out bool) {
	if edge {
		if c.irq != nil {
			if c.lastOut {
				c.irq.Lower()
			}
			c.irq.Raise()
		}
		c.lastOut = true
		return
	}
	if out != c.lastOut {
		if c.irq != nil {
			if out {
				c.irq.Raise()
			} else {
				c.irq.Lower()
			}
		}
		c.lastOut = out
	}
}

// hold stops the CE at tick t, keeping its count and OUT.
func (c *pitChannel) hold(t int64) {
	cnt, out := c.eval(t)
	if c.running && t >= c.start {
		k := t - c.start
		switch c.mode {
		case 0, 1:
			c.fired = c.fired || k >= int64(c.val0)
		case 4, 5:
			c.fired = c.fired || k >= int64(c.val0)
		}
	}
	c.running = false
	c.pending = false
	c.heldCount, c.heldOut = cnt, out
}

// run starts the CE counting from val0 (or with period n) at tick t+1: the
// 8254 loads the CR into the CE on the next clock pulse.
func (c *pitChannel) run(t int64, val0 int) {
	c.running = true
	c.pending = false
	c.start = t + 1
	c.val0 = val0
	c.n = val0
	c.loadAt = t + 1
}

// control handles a control word for this channel (RW != 00): new mode,
// OUT to its initial level, NULL COUNT set, waiting for a count.
func (c *pitChannel) control(t int64, v uint8) {
	cnt, _ := c.eval(t)
	c.rw = v >> 4 & 3
	c.modeBits = v >> 1 & 7
	c.mode = c.modeBits
	if c.mode > 5 {
		c.mode -= 4
	}
	c.bcd = v&1 != 0
	c.running, c.pending, c.loaded, c.fired = false, false, false, false
	c.heldCount = cnt
	c.heldOut = c.mode != 0
	c.writeMSB, c.readMSB = false, false
	c.latched, c.statusOn = false, false
	c.loadAt = math.MaxInt64
}

// write stores a byte of the count (datasheet, "Write Operations").
func (c *pitChannel) write(t int64, v uint8) {
	switch c.rw {
	case 1:
		c.load(t, int(v))
	case 2:
		c.load(t, int(v)<<8)
	case 3:
		if !c.writeMSB {
			c.crLow = v
			c.writeMSB = true
			if c.mode == 0 {
				// Mode 0: writing the first byte stops counting and sets
				// OUT low at once.
				c.hold(t)
				c.heldOut = false
			}
			return
		}
		c.writeMSB = false
		c.load(t, int(v)<<8|int(c.crLow))
	}
}

// load takes a complete count written at tick t.
func (c *pitChannel) load(t int64, raw int) {
	if c.bcd {
		raw = int(fromBCD16(uint16(raw)))
	}
	if raw == 0 {
		raw = c.modulus()
	}
	c.cr = raw
	first := !c.loaded
	c.loaded = true
	switch c.mode {
	case 0, 4:
		// A new count restarts the count at the next clock (OUT low in
		// mode 0); with the gate low it waits.
		c.fired = false
		c.heldOut = c.mode == 4
		if c.gate {
			c.run(t, raw)
		} else {
			c.running = false
			c.heldCount = raw
			c.loadAt = math.MaxInt64
		}
	case 1, 5:
		// Used at the next gate trigger.
		if first {
			c.loadAt = math.MaxInt64
		}
	case 2, 3:
		switch {
		case c.running && t >= c.start:
			// Counting: the new count starts with the next period
			// (mode 2) or half-cycle (mode 3).
			k := t - c.start
			n := int64(c.n)
			p := k % n
			c.pending, c.pendN, c.pendFall = true, raw, false
			if c.mode == 3 && p < int64(half(c.n)) {
				c.switchAt = t - p + int64(half(c.n))
				c.pendFall = true
			} else {
				c.switchAt = t - p + n
			}
			c.loadAt = c.switchAt
		case c.running:
			// Written again before the first load: replace it.
			c.val0, c.n = raw, raw
		case c.gate:
			c.run(t, raw)
		default:
			c.loadAt = math.MaxInt64
		}
	}
}

// setGate handles a GATE level change at tick t (datasheet, "Gate").
func (c *pitChannel) setGate(t int64, high bool) {
	if high == c.gate {
		return
	}
	c.gate = high
	switch c.mode {
	case 0, 4:
		if !high {
			if c.running {
				c.hold(t)
			}
		} else if c.loaded && !c.running {
			fired := c.fired
			val := c.heldCount
			if val == 0 && !fired {
				val = c.modulus()
			}
			c.run(t, val)
			c.fired = fired
		}
	case 1, 5:
		if high && c.loaded {
			// Trigger: OUT low (mode 1) and count from the CR.
			c.run(t, c.cr)
			c.fired = false
			c.heldOut = c.mode == 5
		}
	case 2, 3:
		if !high {
			// OUT goes high at once and counting stops.
			c.hold(t)
			c.heldOut = true
		} else if c.loaded {
			// Reload the CR at the next clock.
			c.run(t, c.cr)
		}
	}
}

func (c *pitChannel) nullCount(t int64) bool { return t < c.loadAt }

// read returns the next byte of the latched status, latched count, or live
// count (datasheet, "Read Operations").
func (c *pitChannel) read(t int64) uint8 {
	if c.statusOn {
		c.statusOn = false
		return c.status
	}
	var v uint16
	if c.latched {
		v = c.latch
	} else {
		cnt, _ := c.eval(t)
		v = c.encode(cnt)
	}
	switch c.rw {
	case 1:
		c.latched = false
		return uint8(v)
	case 2:
		c.latched = false
		return uint8(v >> 8)
	}
	if !c.readMSB {
		c.readMSB = true
		return uint8(v)
	}
	c.readMSB = false
	c.latched = false
	return uint8(v >> 8)
}

func (c *pitChannel) encode(cnt int) uint16 {
	if c.bcd {
		return toBCD16(uint16(cnt % 10000))
	}
	return uint16(cnt)
}

func (c *pitChannel) latchCount(t int64) {
	if c.latched {
		return // a second latch before the first is read is ignored
	}
	cnt, _ := c.eval(t)
	c.latch = c.encode(cnt)
	c.latched = true
}

func (c *pitChannel) latchStatus(t int64) {
	if c.statusOn {
		return
	}
	_, out := c.eval(t)
	s := c.rw<<4 | c.modeBits<<1
	if c.bcd {
		s |= 1
	}
	if out {
		s |= 0x80
	}
	if c.nullCount(t) {
		s |= 0x40
	}
	c.status = s
	c.statusOn = true
}

func fromBCD16(v uint16) uint16 {
	return (v>>12&15)*1000 + (v>>8&15)*100 + (v>>4&15)*10 + v&15
}

func toBCD16(v uint16) uint16 {
	return (v/1000%10)<<12 | (v/100%10)<<8 | (v/10%10)<<4 | v%10
}

// PIT is the 8254 with the PC's wiring. It implements PortDevice for
// 40h-43h and Timed for the run loop.
type PIT struct {
	clk Clock
	ch  [3]pitChannel

	// ch2Sync, when set, is called before channel 2 is changed, or
	// advanced past a count switch, so that the speaker renders its
	// output up to then with the state as it was.
	ch2Sync func()
}

func (p *PIT) sync2() {
	if p.ch2Sync != nil {
		p.ch2Sync()
	}
}

// sync2Read is sync2 for a read of channel 2: reading changes nothing
// the speaker sees unless the advance applies a pending count (modes
// 2/3), so the frequent reads of port 61h (BIOS delays poll it) cost
// nothing more.
func (p *PIT) sync2Read() {
	if p.ch[2].pending {
		p.sync2()
	}
}

// NewPIT returns a PIT whose channel 0 output drives irq0. Until the BIOS
// programs it, every channel is in mode 3 with no count: OUT high, idle.
func NewPIT(clk Clock, irq0 IRQLine) *PIT {
	p := &PIT{clk: clk}
	p.ch[0].irq = irq0
	p.Reset()
	return p
}

// Reset restores the power-on state (the channel 2 gate keeps its level:
// it belongs to port 61h).
func (p *PIT) Reset() {
	t := pitTicks(p.clk.Now())
	for i := range p.ch {
		c := &p.ch[i]
		irq, gate := c.irq, c.gate
		*c = pitChannel{irq: irq, gate: gate, lastTick: t}
		c.control(t, 0x36) // RW=3, mode 3, binary
		c.lastOut = true
	}
	p.ch[0].gate, p.ch[1].gate = true, true // GATE0 and GATE1 are tied high
}

func (p *PIT) now() int64 { return pitTicks(p.clk.Now()) }

// In8 reads a counter (40h-42h); the control port reads as FFh.
func (p *PIT) In8(port uint16) uint8 {
	i := int(port & 3)
	if i == 3 {
		return 0xFF
	}
	if i == 2 {
		p.sync2Read()
	}
	t := p.now()
	c := &p.ch[i]
	c.advance(t)
	return c.read(t)
}

// Out8 writes a count (40h-42h) or a control word (43h).
func (p *PIT) Out8(port uint16, v uint8) {
	if port&3 >= 2 {
		p.sync2() // channel 2, or a control word that may select it
	}
	t := p.now()
	i := int(port & 3)
	if i < 3 {
		c := &p.ch[i]
		c.advance(t)
		c.write(t, v)
		c.advance(t)
		return
	}
	sc := int(v >> 6)
	if sc == 3 {
		// Read-back command: bit 5 clear latches counts, bit 4 clear
		// latches status, bits 1-3 select counters 0-2.
		for i := range p.ch {
			if v&(2<<i) == 0 {
				continue
			}
			c := &p.ch[i]
			c.advance(t)
			if v&0x10 == 0 {
				c.latchStatus(t)
			}
			if v&0x20 == 0 {
				c.latchCount(t)
			}
		}
		return
	}
	c := &p.ch[sc]
	c.advance(t)
	if v&0x30 == 0 {
		c.latchCount(t) // counter latch command
		return
	}
	c.control(t, v)
	c.advance(t)
}

// AdvanceTo raises IRQ 0 for channel 0's rising edges up to now (several
// expiries in one call latch one request, as they would in the PIC).
func (p *PIT) AdvanceTo(now int64) {
	p.ch[0].advance(pitTicks(now))
}

// NextEvent returns the virtual time of channel 0's next rising edge, or
// math.MaxInt64 when its output will not rise without reprogramming.
func (p *PIT) NextEvent() int64 {
	c := &p.ch[0]
	k := c.nextRise(c.lastTick)
	if k < 0 {
		return math.MaxInt64
	}
	return pitTime(k)
}

// SetGate2 drives channel 2's GATE (port 61h bit 0).
func (p *PIT) SetGate2(high bool) {
	p.sync2()
	t := p.now()
	c := &p.ch[2]
	c.advance(t)
	c.setGate(t, high)
	c.advance(t)
}

// Gate2 reports channel 2's GATE level.
func (p *PIT) Gate2() bool { return p.ch[2].gate }

// Out2 reports channel 2's OUT level now (port 61h bit 5).
func (p *PIT) Out2() bool {
	p.sync2Read()
	t := p.now()
	c := &p.ch[2]
	c.advance(t)
	_, out := c.eval(t)
	return out
}

// Out0 reports channel 0's OUT level now.
func (p *PIT) Out0() bool {
	t := p.now()
	c := &p.ch[0]
	c.advance(t)
	_, out := c.eval(max(t, c.lastTick))
	return out
}

// PITState is the timer's state for a machine state (state.go): each
// channel's programming, latches and counting element, as times in PIT
// ticks since power-on.
type PITState struct {
	Channels [3]PITChannelState
}

// PITChannelState is one counter of the 8254.
type PITChannelState struct {
	ModeBits, Mode uint8
	BCD            bool
	RW             uint8
	CR             int64
	CRLow          uint8
	WriteMSB       bool
	ReadMSB        bool
	Latched        bool
	Latch          uint16
	StatusOn       bool
	Status         uint8
	Gate           bool
	Loaded         bool
	LoadAt         int64
	LastTick       int64
	LastOut        bool
	Running        bool
	Start          int64
	Val0           int64
	N              int64
	Fired          bool
	HeldCount      int64
	HeldOut        bool
	Pending        bool
	PendN          int64
	SwitchAt       int64
	PendFall       bool
}

// State returns the timer's state.
func (p *PIT) State() PITState {
	var s PITState
	for i := range p.ch {
		c := &p.ch[i]
		s.Channels[i] = PITChannelState{
			ModeBits: c.modeBits, Mode: c.mode, BCD: c.bcd, RW: c.rw,
			CR: int64(c.cr), CRLow: c.crLow, WriteMSB: c.writeMSB, ReadMSB: c.readMSB,
			Latched: c.latched, Latch: c.latch, StatusOn: c.statusOn, Status: c.status,
			Gate: c.gate, Loaded: c.loaded, LoadAt: c.loadAt,
			LastTick: c.lastTick, LastOut: c.lastOut, Running: c.running, Start: c.start,
			Val0: int64(c.val0), N: int64(c.n), Fired: c.fired, HeldCount: int64(c.heldCount), HeldOut: c.heldOut,
			Pending: c.pending, PendN: int64(c.pendN), SwitchAt: c.switchAt, PendFall: c.pendFall,
		}
	}
	return s
}

// SetState puts the timer in state s. The IRQ 0 line's level is the
// PIC's state (its input level) and is restored with it.
func (p *PIT) SetState(s PITState) error {
	for i, c := range s.Channels {
		field := func(name string, v int64, lo, hi int64) error {
			if v < lo || v > hi {
				return fmt.Errorf("PIT: Channels[%d].%s %d is outside %d-%d", i, name, v, lo, hi)
			}
			return nil
		}
		for _, e := range []error{
			field("ModeBits", int64(c.ModeBits), 0, 7),
			field("Mode", int64(c.Mode), 0, 5),
			field("RW", int64(c.RW), 0, 3),
			field("CR", c.CR, 0, 0x10000),
			field("Val0", c.Val0, 0, 0x10000),
			field("N", c.N, 0, 0x10000),
			field("HeldCount", c.HeldCount, 0, 0x10000),
			field("PendN", c.PendN, 0, 0x10000),
		} {
			if e != nil {
				return e
			}
		}
		if c.Running && (c.Mode == 2 || c.Mode == 3) && c.N < 1 || c.Pending && c.PendN < 1 {
			return fmt.Errorf("PIT: Channels[%d]: a periodic count (N %d, PendN %d) of 0", i, c.N, c.PendN)
		}
	}
	for i, c := range s.Channels {
		d := &p.ch[i]
		d.modeBits, d.mode, d.bcd, d.rw = c.ModeBits, c.Mode, c.BCD, c.RW
		d.cr, d.crLow, d.writeMSB, d.readMSB = int(c.CR), c.CRLow, c.WriteMSB, c.ReadMSB
		d.latched, d.latch, d.statusOn, d.status = c.Latched, c.Latch, c.StatusOn, c.Status
		d.gate, d.loaded, d.loadAt = c.Gate, c.Loaded, c.LoadAt
		d.lastTick, d.lastOut, d.running, d.start = c.LastTick, c.LastOut, c.Running, c.Start
		d.val0, d.n, d.fired, d.heldCount, d.heldOut = int(c.Val0), int(c.N), c.Fired, int(c.HeldCount), c.HeldOut
		d.pending, d.pendN, d.switchAt, d.pendFall = c.Pending, int(c.PendN), c.SwitchAt, c.PendFall
	}
	return nil
}
