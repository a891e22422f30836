package machine

import (
	"math"
	"testing"
)

// fakeClock is a virtual clock the test moves by hand.
type fakeClock struct{ ns int64 }

func (c *fakeClock) Now() int64 { return c.ns }

// atTick moves the clock to the first ns of PIT tick k.
func (c *fakeClock) atTick(k int64) { c.ns = pitTime(k) }

// testLine records what a device does to its IRQ line.
type testLine struct {
	level  bool
	rises  int
	lowers int
}

func (l *testLine) Raise() {
	if !l.level {
		l.rises++
	}
	l.level = true
}

func (l *testLine) Lower() {
	if l.level {
		l.lowers++
	}
	l.level = false
}

var _ PortDevice = (*PIT)(nil)

func TestPITTickConversion(t *testing.T) {
	for _, k := range []int64{0, 1, 2, 1193181, 1193182, 1193183, 65536 * 1000, 1e12} {
		if got := pitTicks(pitTime(k)); got != k {
			t.Errorf("pitTicks(pitTime(%d)) = %d", k, got)
		}
		if k > 0 && pitTicks(pitTime(k)-1) != k-1 {
			t.Errorf("pitTime(%d) is not the first ns of the tick", k)
		}
	}
	if pitTicks(1e9) != PITHz {
		t.Error("one second is not PITHz ticks")
	}
}

// program writes a control word and a 16-bit count LSB first.
func program(p *PIT, ch int, cw uint8, count uint16) {
	p.Out8(PortPITCtrl, cw)
	p.Out8(uint16(PortPIT0+ch), uint8(count))
	p.Out8(uint16(PortPIT0+ch), uint8(count>>8))
}

func readCount(p *PIT, ch int) uint16 {
	p.Out8(PortPITCtrl, uint8(ch)<<6) // counter latch
	lo := p.In8(uint16(PortPIT0 + ch))
	hi := p.In8(uint16(PortPIT0 + ch))
	return uint16(hi)<<8 | uint16(lo)
}

func readStatus(p *PIT, ch int) uint8 {
	p.Out8(PortPITCtrl, 0xE0|2<<ch) // read-back: status only
	return p.In8(uint16(PortPIT0 + ch))
}

func TestPITMode2RateGenerator(t *testing.T) {
	clk := &fakeClock{}
	irq := &testLine{}
	p := NewPIT(clk, irq)
	program(p, 0, 0x34, 1193) // ch0, LSB/MSB, mode 2, binary: ~1 kHz
	// Loaded at tick 1; rising edges at 1 + m*1193.
	if ne := p.NextEvent(); ne != pitTime(1+1193) {
		t.Fatalf("NextEvent = %d, want %d", ne, pitTime(1+1193))
	}
	// Drive it the way the run loop does, in 100 us slices.
	for clk.ns = 0; clk.ns <= 100e6; clk.ns += 100e3 {
		p.AdvanceTo(clk.ns)
	}
	if irq.rises != 100 {
		t.Fatalf("%d IRQ 0 edges in 100 ms, want 100", irq.rises)
	}
	// The count at a known tick: 1 + 100*1193 + 500 is 500 into a period.
	clk.atTick(1 + 100*1193 + 500)
	if c := readCount(p, 0); c != 1193-500 {
		t.Fatalf("count = %d, want %d", c, 1193-500)
	}
	// OUT is low only while the count is 1.
	clk.atTick(1 + 101*1193 - 1)
	if readCount(p, 0) != 1 || readStatus(p, 0)&0x80 != 0 {
		t.Fatal("OUT not low at count 1")
	}
	clk.atTick(1 + 101*1193)
	if readCount(p, 0) != 1193 || readStatus(p, 0)&0x80 == 0 {
		t.Fatal("no reload with OUT high")
	}
}

func TestPITMode3BIOSTick(t *testing.T) {
	clk := &fakeClock{}
	irq := &testLine{}
	p := NewPIT(clk, irq)
	program(p, 0, 0x36, 0) // the BIOS's 18.2 Hz: mode 3, count 0 = 65536
	// Run loop: jump from event to event for one virtual second.
	n := 0
	for {
		next := p.NextEvent()
		if next > 1e9 {
			break
		}
		clk.ns = next
		p.AdvanceTo(next)
		n++
	}
	if n != 18 || irq.rises != 18 {
		t.Fatalf("events %d, edges %d in 1 s; want 18", n, irq.rises)
	}
	// Half the period high, half low; the count goes down by two.
	base := int64(1 + 18*65536)
	clk.atTick(base + 100)
	if c := readCount(p, 0); c != uint16(65536-200) {
		t.Fatalf("count = %d, want %d", c, 65536-200)
	}
	if readStatus(p, 0)&0x80 == 0 {
		t.Fatal("OUT low in the first half")
	}
	clk.atTick(base + 32768 + 5)
	if readStatus(p, 0)&0x80 != 0 {
		t.Fatal("OUT high in the second half")
	}
	p.AdvanceTo(clk.ns)
	if irq.level {
		t.Fatal("IRQ 0 line not lowered with OUT")
	}
}

func TestPITMode3OddCount(t *testing.T) {
	clk := &fakeClock{}
	p := NewPIT(clk, nil)
	p.SetGate2(true)
	program(p, 2, 0xB6, 5) // ch2 mode 3 count 5: high 3 clocks, low 2
	want := []bool{true, true, true, false, false, true, true, true, false, false}
	for i, w := range want {
		clk.atTick(int64(1 + i))
		if got := p.Out2(); got != w {
			t.Fatalf("tick %d: OUT2 = %v, want %v", i, got, w)
		}
	}
}

func TestPITMode0OneShot(t *testing.T) {
	clk := &fakeClock{ns: 1e6}
	irq := &testLine{}
	p := NewPIT(clk, irq)
	t0 := pitTicks(clk.ns)
	p.Out8(PortPITCtrl, 0x30) // ch0 LSB/MSB mode 0
	if s := readStatus(p, 0); s != 0x70 {
		t.Fatalf("status after control word = %02x, want 70 (OUT low, null count)", s)
	}
	p.Out8(PortPIT0, 100)
	p.Out8(PortPIT0, 0)
	p.AdvanceTo(clk.ns)
	if irq.level {
		t.Fatal("IRQ 0 high after mode 0 count")
	}
	clk.atTick(t0 + 1)
	if s := readStatus(p, 0); s != 0x30 {
		t.Fatalf("status after load = %02x, want 30", s)
	}
	// OUT rises N+1 clocks after the count was written.
	if ne := p.NextEvent(); ne != pitTime(t0+101) {
		t.Fatalf("NextEvent = %d, want %d", ne, pitTime(t0+101))
	}
	clk.atTick(t0 + 100)
	p.AdvanceTo(clk.ns)
	if irq.rises != 0 || readCount(p, 0) != 1 {
		t.Fatal("mode 0 fired early")
	}
	clk.atTick(t0 + 101)
	p.AdvanceTo(clk.ns)
	if irq.rises != 1 || !irq.level {
		t.Fatal("mode 0 terminal count did not raise IRQ 0")
	}
	// The counter wraps and goes on; OUT stays high, no more edges.
	clk.atTick(t0 + 103)
	if c := readCount(p, 0); c != 0xFFFE {
		t.Fatalf("count after terminal count = %04x, want FFFE", c)
	}
	clk.ns += 1e9
	p.AdvanceTo(clk.ns)
	if irq.rises != 1 || p.NextEvent() != math.MaxInt64 {
		t.Fatal("mode 0 fired twice")
	}
	// Writing the first byte of a new count sets OUT low at once.
	p.Out8(PortPIT0, 10)
	if irq.level {
		t.Fatal("OUT not low after first byte in mode 0")
	}
	p.Out8(PortPIT0, 0)
	now := pitTicks(clk.ns)
	clk.atTick(now + 11)
	p.AdvanceTo(clk.ns)
	if irq.rises != 2 {
		t.Fatal("rearmed mode 0 did not fire")
	}
}

func TestPITLatchAndAccessModes(t *testing.T) {
	clk := &fakeClock{}
	p := NewPIT(clk, nil)
	p.Out8(PortPITCtrl, 0x74) // ch1 LSB/MSB mode 2
	p.Out8(PortPIT1, 0x34)
	p.Out8(PortPIT1, 0x12) // 1234h
	clk.atTick(1 + 0x10)
	p.Out8(PortPITCtrl, 0x40) // latch ch1
	clk.atTick(1 + 0x200)
	p.Out8(PortPITCtrl, 0x40) // ignored: latch not yet read
	if lo := p.In8(PortPIT1); lo != 0x24 {
		t.Fatalf("latched LSB = %02x, want 24", lo)
	}
	if hi := p.In8(PortPIT1); hi != 0x12 {
		t.Fatalf("latched MSB = %02x, want 12", hi)
	}
	// Live read after the latch is consumed.
	if c := readCount(p, 1); c != 0x1234-0x200 {
		t.Fatalf("count = %04x", c)
	}
	// MSB-only access.
	p.Out8(PortPITCtrl, 0x64) // ch1 MSB only, mode 2
	p.Out8(PortPIT1, 0x10)    // 1000h
	base := pitTicks(clk.ns) + 1
	clk.atTick(base + 0x100)
	p.Out8(PortPITCtrl, 0x40)
	if hi := p.In8(PortPIT1); hi != 0x0F {
		t.Fatalf("MSB-only read = %02x, want 0F", hi)
	}
	// LSB-only access.
	p.Out8(PortPITCtrl, 0x54) // ch1 LSB only, mode 2
	p.Out8(PortPIT1, 0x80)
	base = pitTicks(clk.ns) + 1
	clk.atTick(base + 0x10)
	if lo := p.In8(PortPIT1); lo != 0x70 {
		t.Fatalf("LSB-only read = %02x, want 70", lo)
	}
	if p.In8(PortPITCtrl) != 0xFF {
		t.Fatal("control port readable")
	}
}

func TestPITReadBack(t *testing.T) {
	clk := &fakeClock{}
	p := NewPIT(clk, nil)
	program(p, 0, 0x34, 1000)
	program(p, 1, 0x74, 2000)
	clk.atTick(11)
	// Latch status and count of channels 0 and 1 at once.
	p.Out8(PortPITCtrl, 0xC6)
	clk.atTick(500)
	if s := p.In8(PortPIT0); s != 0xB4 {
		t.Fatalf("ch0 status = %02x, want B4", s)
	}
	lo, hi := p.In8(PortPIT0), p.In8(PortPIT0)
	if c := int(hi)<<8 | int(lo); c != 990 {
		t.Fatalf("ch0 latched count = %d, want 990", c)
	}
	if s := p.In8(PortPIT1); s != 0xB4 {
		t.Fatalf("ch1 status = %02x, want B4", s)
	}
	lo, hi = p.In8(PortPIT1), p.In8(PortPIT1)
	if c := int(hi)<<8 | int(lo); c != 1990 {
		t.Fatalf("ch1 latched count = %d, want 1990", c)
	}
	// Count-only read-back of channel 2 (never programmed: mode 3, no count).
	if s := readStatus(p, 2); s != 0xF6 {
		t.Fatalf("ch2 status = %02x, want F6", s)
	}
}

func TestPITBCD(t *testing.T) {
	clk := &fakeClock{}
	p := NewPIT(clk, nil)
	program(p, 1, 0x75, 0x1000) // BCD count 1000
	clk.atTick(1 + 1)
	if c := readCount(p, 1); c != 0x0999 {
		t.Fatalf("BCD count = %04x, want 0999", c)
	}
	clk.atTick(1 + 990)
	if c := readCount(p, 1); c != 0x0010 {
		t.Fatalf("BCD count = %04x, want 0010", c)
	}
	clk.atTick(1 + 1000)
	if c := readCount(p, 1); c != 0x1000 {
		t.Fatalf("BCD count after reload = %04x, want 1000", c)
	}
}

func TestPITNewCountAtPeriodEnd(t *testing.T) {
	clk := &fakeClock{}
	irq := &testLine{}
	p := NewPIT(clk, irq)
	program(p, 0, 0x34, 1000)
	clk.atTick(1 + 300)
	p.Out8(PortPIT0, 100) // new count 100 mid-period
	p.Out8(PortPIT0, 0)
	if s := readStatus(p, 0); s&0x40 == 0 {
		t.Fatal("null count not set for a pending count")
	}
	if ne := p.NextEvent(); ne != pitTime(1+1000) {
		t.Fatalf("current period cut short: next %d want %d", ne, pitTime(1+1000))
	}
	clk.atTick(1 + 1000 + 50)
	p.AdvanceTo(clk.ns)
	if irq.rises != 1 || readCount(p, 0) != 50 {
		t.Fatal("new count not in effect after the period")
	}
	if ne := p.NextEvent(); ne != pitTime(1+1100) {
		t.Fatalf("next edge %d, want %d", ne, pitTime(1+1100))
	}
}

func TestPITChannel2Gate(t *testing.T) {
	clk := &fakeClock{}
	p := NewPIT(clk, nil)
	program(p, 2, 0xB6, 100) // mode 3, gate low: not counting
	clk.atTick(500)
	if !p.Out2() || readCount(p, 2) == 50 {
		t.Fatal("gated-off channel 2 counting")
	}
	p.SetGate2(true) // counting starts at the next clock
	clk.atTick(501 + 50)
	if p.Out2() {
		t.Fatal("OUT2 high in the low half")
	}
	p.SetGate2(false) // OUT goes high at once
	if !p.Out2() {
		t.Fatal("gate low did not force OUT2 high")
	}
	// Mode 0 pauses while the gate is low.
	program(p, 2, 0xB0, 100)
	clk.atTick(1000)
	p.SetGate2(true)
	clk.atTick(1001 + 40)
	p.SetGate2(false)
	clk.atTick(5000)
	if c := readCount(p, 2); c != 60 {
		t.Fatalf("paused count = %d, want 60", c)
	}
	p.SetGate2(true)
	clk.atTick(5001 + 59)
	if p.Out2() {
		t.Fatal("OUT2 high before terminal count")
	}
	clk.atTick(5001 + 60)
	if !p.Out2() {
		t.Fatal("OUT2 low at terminal count")
	}
}

func TestPITGateTriggeredModes(t *testing.T) {
	clk := &fakeClock{}
	p := NewPIT(clk, nil)
	// Mode 1: one-shot of N clocks from the gate's rising edge.
	program(p, 2, 0xB2, 10)
	clk.atTick(100)
	if !p.Out2() {
		t.Fatal("mode 1 OUT low before trigger")
	}
	p.SetGate2(true)
	clk.atTick(101)
	if p.Out2() {
		t.Fatal("mode 1 OUT high after trigger")
	}
	clk.atTick(111)
	if !p.Out2() {
		t.Fatal("mode 1 OUT low after N clocks")
	}
	// Mode 5: strobe one clock long N clocks after the trigger.
	p.SetGate2(false)
	program(p, 2, 0xBA, 10)
	clk.atTick(200)
	p.SetGate2(true)
	for k := int64(201); k < 215; k++ {
		clk.atTick(k)
		if got, want := p.Out2(), k != 211; got != want {
			t.Fatalf("mode 5 tick %d: OUT2 = %v", k-201, got)
		}
	}
	// Mode 4: software strobe.
	program(p, 2, 0xB8, 3)
	base := pitTicks(clk.ns) + 1
	clk.atTick(base + 3)
	if p.Out2() {
		t.Fatal("mode 4 no strobe")
	}
	clk.atTick(base + 4)
	if !p.Out2() {
		t.Fatal("mode 4 strobe too long")
	}
}

func TestPITMode4IRQ(t *testing.T) {
	clk := &fakeClock{}
	irq := &testLine{}
	p := NewPIT(clk, irq)
	program(p, 0, 0x38, 50)
	p.AdvanceTo(clk.ns)
	rises := irq.rises
	if ne := p.NextEvent(); ne != pitTime(1+51) {
		t.Fatalf("NextEvent %d, want %d", ne, pitTime(1+51))
	}
	clk.ns = 1e9
	p.AdvanceTo(clk.ns)
	if irq.rises != rises+1 {
		t.Fatal("mode 4 strobe lost in a long slice")
	}
}

// TestPITThroughPIC is the BIOS timer path: PIT channel 0 in mode 3 at
// 18.2 Hz into IRQ 0 of the AT-programmed PIC, an INT 08h handler that
// sends EOI, over ten virtual seconds of run-loop slices.
func TestPITThroughPIC(t *testing.T) {
	clk := &fakeClock{}
	pic, _ := newATPIC(t)
	pit := NewPIT(clk, pic.Line(0))
	program(pit, 0, 0x36, 0)
	ticks := 0
	for clk.ns < 10e9 {
		clk.ns = min(clk.ns+1e6, pit.NextEvent()) // 1 ms slices at most
		pit.AdvanceTo(clk.ns)
		if pic.Pending() {
			if v := pic.Acknowledge(); v != 0x08 {
				t.Fatalf("vector %02x", v)
			}
			ticks++
			pic.Out8(PortPIC1Cmd, 0x20)
		}
	}
	// 10 s * 1193182 / 65536 = 182.06 ticks.
	if ticks != 182 {
		t.Fatalf("%d timer interrupts in 10 s, want 182", ticks)
	}
}

// A rising edge inside a long slice whose end falls in the low half of the
// square wave still reaches the CPU: the line stays high until the next
// AdvanceTo.
func TestPITPulseKeptForOneSlice(t *testing.T) {
	clk := &fakeClock{}
	pic, _ := newATPIC(t)
	p := NewPIT(clk, pic.Line(0))
	program(p, 0, 0x36, 1000)
	clk.atTick(1 + 1000 + 700) // edge at 1001, low from 1501
	p.AdvanceTo(clk.ns)
	if !pic.Pending() {
		t.Fatal("edge lost in a long slice")
	}
	clk.atTick(1 + 1000 + 800)
	p.AdvanceTo(clk.ns)
	if pic.Pending() {
		t.Fatal("request not withdrawn with OUT low (interrupts were off)")
	}
}

// TestPITRandomProgramming drives the PIT with arbitrary guest writes and
// reads: no panic, and NextEvent is always in the future.
func TestPITRandomProgramming(t *testing.T) {
	clk := &fakeClock{}
	irq := &testLine{}
	p := NewPIT(clk, irq)
	rng := uint32(12345)
	next := func() uint32 { rng = rng*1664525 + 1013904223; return rng >> 8 }
	for i := 0; i < 200000; i++ {
		clk.ns += int64(next() % 20000)
		switch next() % 6 {
		case 0:
			p.Out8(PortPITCtrl, uint8(next()))
		case 1:
			p.Out8(uint16(PortPIT0+next()%3), uint8(next()))
		case 2:
			p.In8(uint16(PortPIT0 + next()%4))
		case 3:
			p.SetGate2(next()%2 == 0)
		case 4:
			p.Out2()
		default:
			p.AdvanceTo(clk.ns)
			if ne := p.NextEvent(); ne <= clk.ns {
				t.Fatalf("step %d: NextEvent %d not after now %d", i, ne, clk.ns)
			}
		}
	}
}

// BenchmarkPITSlice is the PIT's cost per run-loop slice (NextEvent and
// AdvanceTo) with the BIOS's 18.2 Hz tick into the PIC.
func BenchmarkPITSlice(b *testing.B) {
	clk := &fakeClock{}
	pic := NewPIC(nil)
	p := NewPIT(clk, pic.Line(0))
	program(p, 0, 0x36, 0)
	for b.Loop() {
		clk.ns = min(clk.ns+1e6, p.NextEvent())
		p.AdvanceTo(clk.ns)
	}
}
