package machine

import "testing"

// The PIC is the CPU's cpu.InterruptController (not imported here so that
// these tests do not depend on the CPU package building).
var _ interface{ Acknowledge() uint8 } = (*PIC)(nil)
var _ PortDevice = (*PIC)(nil)

// newATPIC programs the pair the way the AT BIOS does: ICW1 11h (edge,
// cascade, ICW4), ICW2 08h/70h, ICW3 04h/02h, ICW4 01h (8086 mode).
func newATPIC(t *testing.T) (*PIC, *[]bool) {
	t.Helper()
	var edges []bool
	p := NewPIC(func(l bool) { edges = append(edges, l) })
	for _, w := range [][2]uint16{
		{0x20, 0x11}, {0x21, 0x08}, {0x21, 0x04}, {0x21, 0x01},
		{0xA0, 0x11}, {0xA1, 0x70}, {0xA1, 0x02}, {0xA1, 0x01},
	} {
		p.Out8(w[0], uint8(w[1]))
	}
	if p.IMR() != 0 {
		t.Fatalf("IMR after init = %04x, want 0", p.IMR())
	}
	return p, &edges
}

func TestPICPowerOnMasked(t *testing.T) {
	var calls int
	p := NewPIC(func(bool) { calls++ })
	p.Line(0).Raise()
	if p.Pending() || calls != 0 {
		t.Fatal("masked power-on PIC asserted INTR")
	}
	if p.In8(0x21) != 0xFF || p.In8(0xA1) != 0xFF {
		t.Fatal("power-on IMR not FFh")
	}
}

func TestPICVectorsAndEOI(t *testing.T) {
	p, edges := newATPIC(t)
	p.Line(0).Raise()
	if !p.Pending() || len(*edges) != 1 || !(*edges)[0] {
		t.Fatalf("IRQ 0 did not raise INTR: %v", *edges)
	}
	if p.In8(0x20) != 0x01 {
		t.Fatalf("IRR = %02x, want 01", p.In8(0x20))
	}
	if v := p.Acknowledge(); v != 0x08 {
		t.Fatalf("vector = %02x, want 08", v)
	}
	if p.Pending() {
		t.Fatal("INTR still asserted after INTA")
	}
	p.Out8(0x20, 0x0B) // OCW3: read ISR
	if p.In8(0x20) != 0x01 {
		t.Fatalf("ISR = %02x, want 01", p.In8(0x20))
	}
	// A lower-priority request waits for EOI.
	p.Line(1).Raise()
	if p.Pending() {
		t.Fatal("IRQ 1 delivered while IRQ 0 in service")
	}
	p.Out8(0x20, 0x20) // non-specific EOI
	if !p.Pending() {
		t.Fatal("IRQ 1 not delivered after EOI")
	}
	if v := p.Acknowledge(); v != 0x09 {
		t.Fatalf("vector = %02x, want 09", v)
	}
	// A higher-priority request nests.
	p.Line(0).Lower()
	p.Line(0).Raise()
	if !p.Pending() {
		t.Fatal("IRQ 0 did not preempt IRQ 1")
	}
	if v := p.Acknowledge(); v != 0x08 {
		t.Fatalf("vector = %02x, want 08", v)
	}
	if p.ISR() != 0x03 {
		t.Fatalf("ISR = %04x, want 0003", p.ISR())
	}
	p.Out8(0x20, 0x20) // clears the highest: IRQ 0
	if p.ISR() != 0x02 {
		t.Fatalf("ISR = %04x after EOI, want 0002", p.ISR())
	}
	p.Out8(0x20, 0x61) // specific EOI for IRQ 1
	if p.ISR() != 0 {
		t.Fatalf("ISR = %04x after specific EOI, want 0", p.ISR())
	}
	p.Out8(0x20, 0x0A) // OCW3: back to IRR
	if p.In8(0x20) != 0 {
		t.Fatalf("IRR = %02x, want 0", p.In8(0x20))
	}
}

func TestPICEdgeTriggered(t *testing.T) {
	p, _ := newATPIC(t)
	p.Line(3).Raise()
	p.Acknowledge()
	p.Out8(0x20, 0x20)
	// Still high: no new request without a new rising edge.
	p.Line(3).Raise()
	if p.Pending() {
		t.Fatal("level held high re-requested in edge mode")
	}
	// A new edge requests; a request withdrawn before INTA is gone.
	p.Line(3).Lower()
	p.Line(3).Raise()
	if !p.Pending() {
		t.Fatal("edge not seen")
	}
	p.Line(3).Lower()
	if p.Pending() || p.IRR() != 0 {
		t.Fatal("withdrawn request still pending")
	}
	p.Line(3).Raise()
	if v := p.Acknowledge(); v != 0x0B {
		t.Fatalf("vector = %02x, want 0B", v)
	}
	// Lowering after INTA does not touch the ISR.
	p.Line(3).Lower()
	if p.ISR() != 0x08 {
		t.Fatalf("ISR = %04x", p.ISR())
	}
}

func TestPICLevelTriggered(t *testing.T) {
	p := NewPIC(nil)
	p.Out8(0x20, 0x19) // LTIM, cascade, ICW4
	p.Out8(0x21, 0x20)
	p.Out8(0x21, 0x04)
	p.Out8(0x21, 0x01)
	p.Out8(0x21, 0x00)
	p.Line(5).Raise()
	if v := p.Acknowledge(); v != 0x25 {
		t.Fatalf("vector = %02x, want 25", v)
	}
	p.Out8(0x20, 0x20)
	if !p.Pending() {
		t.Fatal("level still high must request again after EOI")
	}
	p.Line(5).Lower()
	if p.Pending() {
		t.Fatal("request not withdrawn with the level")
	}
}

func TestPICMask(t *testing.T) {
	p, _ := newATPIC(t)
	p.Out8(0x21, 0x01) // mask IRQ 0
	p.Line(0).Raise()
	if p.Pending() {
		t.Fatal("masked IRQ 0 delivered")
	}
	if p.In8(0x20)&1 == 0 {
		t.Fatal("masked request not visible in IRR")
	}
	p.Out8(0x21, 0x00)
	if !p.Pending() || p.Acknowledge() != 0x08 {
		t.Fatal("unmasked IRQ 0 not delivered")
	}
	if p.In8(0x21) != 0 {
		t.Fatal("IMR read-back")
	}
}

func TestPICCascade(t *testing.T) {
	p, _ := newATPIC(t)
	p.Line(14).Raise()
	if !p.Pending() {
		t.Fatal("IRQ 14 did not reach INTR")
	}
	if v := p.Acknowledge(); v != 0x76 {
		t.Fatalf("vector = %02x, want 76", v)
	}
	if p.ISR() != 0x4004 {
		t.Fatalf("ISR = %04x, want 4004 (slave IR6 + master IR2)", p.ISR())
	}
	// IRQ 8 beats IRQ 14 on the slave, but the master's IR2 is in service
	// and (without SFNM) blocks any further request on IR2.
	p.Line(8).Raise()
	if p.Pending() {
		t.Fatal("slave request passed the master's in-service IR2 (not SFNM)")
	}
	// IRQ 1 has a higher priority than IR2 on the master.
	p.Line(1).Raise()
	if !p.Pending() || p.Acknowledge() != 0x09 {
		t.Fatal("IRQ 1 did not preempt the cascade")
	}
	p.Out8(0x20, 0x20) // EOI IRQ 1
	p.Out8(0xA0, 0x20) // slave EOI (IRQ 14)
	p.Out8(0x20, 0x20) // master EOI (IR2)
	if !p.Pending() {
		t.Fatal("IRQ 8 not delivered after EOIs")
	}
	if v := p.Acknowledge(); v != 0x70 {
		t.Fatalf("vector = %02x, want 70", v)
	}
	// ISA IRQ2 pin is IRQ 9.
	p.Out8(0xA0, 0x20)
	p.Out8(0x20, 0x20)
	p.Line(2).Raise()
	if v := p.Acknowledge(); v != 0x71 {
		t.Fatalf("Line(2) vector = %02x, want 71", v)
	}
}

func TestPICSpurious(t *testing.T) {
	p, _ := newATPIC(t)
	// Master: a request masked after INTR was asserted gives IR7's vector
	// without setting ISR.
	p.Line(4).Raise()
	if !p.Pending() {
		t.Fatal("no INTR")
	}
	p.Out8(0x21, 0x10)
	if v := p.Acknowledge(); v != 0x0F {
		t.Fatalf("spurious vector = %02x, want 0F", v)
	}
	if p.ISR() != 0 {
		t.Fatalf("spurious IRQ 7 set ISR %04x", p.ISR())
	}
	// Slave: IRQ 15 spurious leaves the master's IR2 in service.
	p.chip[0].irr |= 1 << cascadeIR // the slave's INT was seen high...
	p.chip[1].irr = 0               // ...and withdrawn before INTA
	if v := p.Acknowledge(); v != 0x77 {
		t.Fatalf("spurious slave vector = %02x, want 77", v)
	}
	if p.ISR() != 0x0004 {
		t.Fatalf("ISR = %04x, want 0004", p.ISR())
	}
}

func TestPICAutoEOI(t *testing.T) {
	p := NewPIC(nil)
	p.Out8(0x20, 0x11)
	p.Out8(0x21, 0x08)
	p.Out8(0x21, 0x04)
	p.Out8(0x21, 0x03) // 8086 mode, AEOI
	p.Line(0).Raise()
	p.Line(1).Raise()
	if p.Acknowledge() != 0x08 {
		t.Fatal("first vector")
	}
	if p.ISR() != 0 {
		t.Fatal("AEOI left ISR set")
	}
	if !p.Pending() || p.Acknowledge() != 0x09 {
		t.Fatal("IRQ 1 not delivered without EOI in AEOI mode")
	}
}

func TestPICRotation(t *testing.T) {
	p, _ := newATPIC(t)
	p.Out8(0x20, 0xC4) // set priority: IR4 lowest, so IR5 highest
	p.Line(0).Raise()
	p.Line(6).Raise()
	if v := p.Acknowledge(); v != 0x0E {
		t.Fatalf("vector = %02x, want 0E (IR6 beats IR0 after rotation)", v)
	}
	p.Out8(0x20, 0xA0) // rotate on non-specific EOI: IR6 becomes lowest
	if v := p.Acknowledge(); v != 0x08 {
		t.Fatalf("vector = %02x, want 08", v)
	}
	p.Out8(0x20, 0xE0) // rotate on specific EOI IR0
	if p.chip[0].lowest != 0 || p.ISR() != 0 {
		t.Fatal("specific rotate")
	}
}

func TestPICSpecialMask(t *testing.T) {
	p, _ := newATPIC(t)
	p.Line(0).Raise()
	p.Acknowledge() // IR0 in service
	p.Line(5).Raise()
	if p.Pending() {
		t.Fatal("IR5 passed IR0 in service")
	}
	p.Out8(0x21, 0x01) // mask IR0
	p.Out8(0x20, 0x68) // OCW3: set special mask mode
	if !p.Pending() || p.Acknowledge() != 0x0D {
		t.Fatal("special mask mode did not enable lower priority")
	}
	p.Out8(0x20, 0x48) // reset special mask mode
	if p.chip[0].specialMask {
		t.Fatal("SMM not reset")
	}
}

func TestPICPoll(t *testing.T) {
	p, _ := newATPIC(t)
	p.Out8(0x20, 0x0C) // OCW3 poll
	if v := p.In8(0x20); v != 0 {
		t.Fatalf("poll with nothing pending = %02x", v)
	}
	p.Line(3).Raise()
	p.Out8(0x20, 0x0C)
	if v := p.In8(0x20); v != 0x83 {
		t.Fatalf("poll = %02x, want 83", v)
	}
	if p.ISR() != 0x08 {
		t.Fatalf("poll did not set ISR: %04x", p.ISR())
	}
	// After a poll the even port reads IRR again.
	if p.In8(0x20) != 0 {
		t.Fatal("second read still polling")
	}
}

func TestPICReinitResetsEdgeSense(t *testing.T) {
	p, _ := newATPIC(t)
	p.Out8(0x21, 0xFF)
	p.Line(0).Raise()
	for _, w := range [][2]uint8{{0x20, 0x11}, {0x21, 0x08}, {0x21, 0x04}, {0x21, 0x01}} {
		p.Out8(uint16(w[0]), w[1])
	}
	if p.Pending() {
		t.Fatal("request from before ICW1 survived")
	}
	p.Line(0).Lower()
	p.Line(0).Raise()
	if !p.Pending() {
		t.Fatal("new edge after init not seen")
	}
}

// TestPICRandomGuest writes arbitrary bytes to the PIC ports and toggles
// lines: no panic, and INTR always agrees with what Acknowledge finds.
func TestPICRandomGuest(t *testing.T) {
	var intr bool
	p := NewPIC(func(l bool) { intr = l })
	rng := uint32(99)
	next := func() uint32 { rng = rng*1664525 + 1013904223; return rng >> 8 }
	ports := []uint16{0x20, 0x21, 0xA0, 0xA1}
	for i := 0; i < 200000; i++ {
		switch next() % 5 {
		case 0:
			p.Out8(ports[next()%4], uint8(next()))
		case 1:
			p.In8(ports[next()%4])
		case 2:
			p.SetIRQ(int(next()%16), next()%2 == 0)
		case 3:
			if intr != p.Pending() {
				t.Fatal("INTR callback out of step with Pending")
			}
			if intr {
				p.Acknowledge()
			}
		default:
			p.Out8(ports[2*(next()%2)], 0x20)
		}
	}
}

// BenchmarkPICInterrupt is one interrupt through the PIC: request, INTA,
// EOI, line down.
func BenchmarkPICInterrupt(b *testing.B) {
	p := NewPIC(nil)
	for _, w := range [][2]uint8{{0x20, 0x11}, {0x21, 0x08}, {0x21, 0x04}, {0x21, 0x01}} {
		p.Out8(uint16(w[0]), w[1])
	}
	l := p.Line(0)
	for b.Loop() {
		l.Raise()
		p.Acknowledge()
		p.Out8(0x20, 0x20)
		l.Lower()
	}
}
