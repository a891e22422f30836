package machine

import (
	"math"
	"testing"
)

var _ PortDevice = (*KBC)(nil)

type kbcRig struct {
	clk    *fakeClock
	irq1   *testLine
	irq12  *testLine
	a20    []bool
	resets int
	k      *KBC
}

func newKBCRig() *kbcRig {
	r := &kbcRig{clk: &fakeClock{}, irq1: &testLine{}, irq12: &testLine{}}
	r.k = NewKBC(KBCConfig{
		Clock: r.clk, IRQ1: r.irq1, IRQ12: r.irq12,
		A20:   func(on bool) { r.a20 = append(r.a20, on) },
		Reset: func() { r.resets++ },
	})
	return r
}

// read waits (in virtual time, as a polling BIOS loop does) for the output
// buffer and reads it.
func (r *kbcRig) read(t *testing.T) byte {
	t.Helper()
	for i := 0; i < 100; i++ {
		if r.k.In8(PortKBCStatus)&kbcStatOBF != 0 {
			return r.k.In8(PortKBCData)
		}
		r.clk.ns += 100e3
	}
	t.Fatal("output buffer stayed empty")
	return 0
}

func (r *kbcRig) expect(t *testing.T, want ...byte) {
	t.Helper()
	for _, w := range want {
		if got := r.read(t); got != w {
			t.Fatalf("read %02x, want %02x", got, w)
		}
	}
}

func (r *kbcRig) empty(t *testing.T) {
	t.Helper()
	r.clk.ns += 10e6
	if s := r.k.In8(PortKBCStatus); s&kbcStatOBF != 0 {
		t.Fatalf("unexpected byte %02x in the output buffer", r.k.In8(PortKBCData))
	}
}

func TestKBCSelfTestAndCommandByte(t *testing.T) {
	r := newKBCRig()
	if s := r.k.In8(PortKBCStatus); s != kbcStatUnlock {
		t.Fatalf("power-on status = %02x, want 10", s)
	}
	r.k.Out8(PortKBCStatus, 0xAA)
	if s := r.k.In8(PortKBCStatus); s&(kbcStatOBF|kbcStatSYS|kbcStatA2) != kbcStatOBF|kbcStatSYS|kbcStatA2 {
		t.Fatalf("status after AAh = %02x", s)
	}
	r.expect(t, 0x55)
	r.k.Out8(PortKBCStatus, 0xAB)
	r.expect(t, 0x00)
	r.k.Out8(PortKBCStatus, 0xA9)
	r.expect(t, 0x00)
	r.k.Out8(PortKBCStatus, 0x20)
	r.expect(t, 0x41)
	r.k.Out8(PortKBCStatus, 0x60)
	r.k.Out8(PortKBCData, 0x61)
	if s := r.k.In8(PortKBCStatus); s&kbcStatA2 != 0 {
		t.Fatal("A2 still set after a data write")
	}
	r.k.Out8(PortKBCStatus, 0x20)
	r.expect(t, 0x61)
	// Command byte bit 2 is the system flag.
	r.k.Out8(PortKBCStatus, 0x60)
	r.k.Out8(PortKBCData, 0x45)
	if r.k.In8(PortKBCStatus)&kbcStatSYS == 0 {
		t.Fatal("SYS not set from the command byte")
	}
	// Other controller RAM bytes.
	r.k.Out8(PortKBCStatus, 0x65)
	r.k.Out8(PortKBCData, 0x5A)
	r.k.Out8(PortKBCStatus, 0x25)
	r.expect(t, 0x5A)
	r.k.Out8(PortKBCStatus, 0xC0)
	r.expect(t, kbcInputPort)
	r.k.Out8(PortKBCStatus, 0xAC)
	for i := 0; i < 19; i++ {
		r.read(t)
	}
	r.empty(t)
	if r.irq1.rises == 0 {
		t.Fatal("controller responses raised no IRQ 1 with IRQ 1 enabled")
	}
}

func TestKBCA20AndReset(t *testing.T) {
	r := newKBCRig()
	if r.k.A20() {
		t.Fatal("A20 on at power-on")
	}
	// The HIMEM sequence: D1h, then DFh to the data port.
	r.k.Out8(PortKBCStatus, 0xD1)
	r.k.Out8(PortKBCData, 0xDF)
	if !r.k.A20() || len(r.a20) != 1 || !r.a20[0] {
		t.Fatalf("A20 not enabled: %v", r.a20)
	}
	r.k.Out8(PortKBCStatus, 0xD0)
	if v := r.read(t); v&0x03 != 0x03 {
		t.Fatalf("output port = %02x", v)
	}
	r.k.Out8(PortKBCStatus, 0xD1)
	r.k.Out8(PortKBCData, 0xDD)
	if r.k.A20() || r.a20[len(r.a20)-1] {
		t.Fatal("A20 not disabled")
	}
	r.k.Out8(PortKBCStatus, 0xDF)
	if !r.k.A20() {
		t.Fatal("DFh did not enable A20")
	}
	r.k.Out8(PortKBCStatus, 0xDD)
	if r.k.A20() {
		t.Fatal("DDh did not disable A20")
	}
	if r.resets != 0 {
		t.Fatal("spurious reset")
	}
	r.k.Out8(PortKBCStatus, 0xFE) // pulse reset
	if r.resets != 1 {
		t.Fatal("FEh did not reset")
	}
	r.k.Out8(PortKBCStatus, 0xFF) // pulse nothing
	if r.resets != 1 {
		t.Fatal("FFh reset")
	}
	r.k.Out8(PortKBCStatus, 0xD1)
	r.k.Out8(PortKBCData, 0xDC) // bit 0 clear: reset
	if r.resets != 2 {
		t.Fatal("output port bit 0 clear did not reset")
	}
	// The system flag survives (a warm start); the controller is not reset.
	r.k.Out8(PortKBCStatus, 0xAA)
	r.expect(t, 0x55)
	r.k.Out8(PortKBCStatus, 0xFE)
	if r.k.In8(PortKBCStatus)&kbcStatSYS == 0 {
		t.Fatal("SYS lost over a CPU reset")
	}
}

func TestKBCKeyboardReset(t *testing.T) {
	r := newKBCRig()
	r.k.Out8(PortKBCData, 0xFF)
	r.expect(t, kbdACK, kbdBATOK)
	r.empty(t)
	if r.irq1.rises != 2 {
		t.Fatalf("%d IRQ 1 edges, want one per byte", r.irq1.rises)
	}
}

func TestKBCKeyboardCommands(t *testing.T) {
	r := newKBCRig()
	r.k.Out8(PortKBCData, 0xED)
	r.expect(t, kbdACK)
	r.k.Out8(PortKBCData, 0x07)
	r.expect(t, kbdACK)
	if r.k.LEDs() != 7 {
		t.Fatal("LEDs not set")
	}
	r.k.Out8(PortKBCData, 0xF3)
	r.expect(t, kbdACK)
	r.k.Out8(PortKBCData, 0x00)
	r.expect(t, kbdACK)
	r.k.Out8(PortKBCData, 0xEE)
	r.expect(t, kbdEcho)
	r.k.Out8(PortKBCData, 0xF2)
	r.expect(t, kbdACK, 0xAB, 0x41)
	r.k.Out8(PortKBCData, 0xF0)
	r.expect(t, kbdACK)
	r.k.Out8(PortKBCData, 0x00)
	r.expect(t, kbdACK, 0x41) // set 2, translated
	// Without translation the ID is the keyboard's own.
	r.k.Out8(PortKBCStatus, 0x60)
	r.k.Out8(PortKBCData, 0x01)
	r.k.Out8(PortKBCData, 0xF2)
	r.expect(t, kbdACK, 0xAB, 0x83)
	r.k.Out8(PortKBCData, 0xF0)
	r.expect(t, kbdACK)
	r.k.Out8(PortKBCData, 0x09)
	r.expect(t, kbdResend)
	r.k.Out8(PortKBCData, 0x12) // not a command
	r.expect(t, kbdResend)
	r.k.Out8(PortKBCData, 0xFE) // resend the last byte
	r.expect(t, kbdResend)
	r.k.Out8(PortKBCData, 0xF4)
	r.expect(t, kbdACK)
	r.empty(t)
	// A command while a parameter is expected is a command.
	r.k.Out8(PortKBCData, 0xED)
	r.expect(t, kbdACK)
	r.k.Out8(PortKBCData, 0xEE)
	r.expect(t, kbdEcho)
}

func TestKBCKeyDelivery(t *testing.T) {
	r := newKBCRig()
	if r.k.NextEvent() != math.MaxInt64 {
		t.Fatal("event with nothing queued")
	}
	r.k.KeyScancodes(0x1E, 0x9E) // 'a' pressed and released
	if r.k.NextEvent() > r.clk.ns {
		t.Fatal("idle link delays the first byte")
	}
	r.k.AdvanceTo(r.clk.ns)
	if !r.irq1.level || r.irq1.rises != 1 {
		t.Fatal("no IRQ 1 for a key")
	}
	if r.k.NextEvent() != math.MaxInt64 {
		t.Fatal("event while the output buffer is full")
	}
	if b := r.k.In8(PortKBCData); b != 0x1E {
		t.Fatalf("scancode %02x, want 1E", b)
	}
	if r.irq1.level {
		t.Fatal("IRQ 1 not lowered by the read")
	}
	// A second read in the same handler sees the same byte.
	if b := r.k.In8(PortKBCData); b != 0x1E {
		t.Fatalf("second read %02x, want 1E", b)
	}
	next := r.k.NextEvent()
	if next != r.clk.ns+kbdByteNs {
		t.Fatalf("next byte at %d, want %d", next, r.clk.ns+kbdByteNs)
	}
	r.clk.ns = next
	r.k.AdvanceTo(next)
	if r.irq1.rises != 2 || r.k.In8(PortKBCData) != 0x9E {
		t.Fatal("break code not delivered with IRQ 1")
	}
}

func TestKBCDisableKeyboard(t *testing.T) {
	r := newKBCRig()
	r.k.Out8(PortKBCStatus, 0xAD)
	r.k.KeyScancodes(0x1C)
	r.k.AdvanceTo(r.clk.ns)
	r.empty(t)
	r.k.Out8(PortKBCStatus, 0xAE)
	r.expect(t, 0x1C)
	// IRQ 1 disabled in the command byte: OBF without an interrupt.
	r.k.Out8(PortKBCStatus, 0x60)
	r.k.Out8(PortKBCData, 0x40)
	rises := r.irq1.rises
	r.k.KeyScancodes(0x9C)
	r.expect(t, 0x9C)
	if r.irq1.rises != rises {
		t.Fatal("IRQ 1 with the interrupt disabled")
	}
	// Keyboard scanning disabled (F5h): keys are lost.
	r.k.Out8(PortKBCData, 0xF5)
	r.expect(t, kbdACK)
	r.k.KeyScancodes(0x10)
	r.empty(t)
	r.k.Out8(PortKBCData, 0xF4)
	r.expect(t, kbdACK)
	r.k.KeyScancodes(0x11)
	r.expect(t, 0x11)
}

func TestKBCWriteOutputBuffers(t *testing.T) {
	r := newKBCRig()
	r.k.Out8(PortKBCStatus, 0x60)
	r.k.Out8(PortKBCData, 0x43) // IRQ 1 and 12 enabled
	r.k.Out8(PortKBCStatus, 0xD2)
	r.k.Out8(PortKBCData, 0x3B)
	if s := r.k.In8(PortKBCStatus); s&(kbcStatOBF|kbcStatAuxOBF) != kbcStatOBF || !r.irq1.level {
		t.Fatalf("D2h: status %02x", s)
	}
	r.expect(t, 0x3B)
	r.k.Out8(PortKBCStatus, 0xD3)
	r.k.Out8(PortKBCData, 0x08)
	if s := r.k.In8(PortKBCStatus); s&(kbcStatOBF|kbcStatAuxOBF) != kbcStatOBF|kbcStatAuxOBF || !r.irq12.level {
		t.Fatalf("D3h: status %02x", s)
	}
	r.expect(t, 0x08)
	if r.irq12.level {
		t.Fatal("IRQ 12 not lowered")
	}
	// No mouse: a byte for it times out.
	r.k.Out8(PortKBCStatus, 0xD4)
	r.k.Out8(PortKBCData, 0xFF)
	if s := r.k.In8(PortKBCStatus); s&kbcStatTimeout == 0 {
		t.Fatalf("D4h: status %02x, want time-out", s)
	}
	r.empty(t)
	r.k.Out8(PortKBCStatus, 0xA7)
	r.k.Out8(PortKBCStatus, 0x20)
	r.expect(t, 0x63)
	r.k.Out8(PortKBCStatus, 0xA8)
	r.k.Out8(PortKBCStatus, 0x20)
	r.expect(t, 0x43)
}

func TestKBCPollInputPort(t *testing.T) {
	r := newKBCRig()
	r.k.Out8(PortKBCStatus, 0xC2)
	if s := r.k.In8(PortKBCStatus); s&0xF0 != kbcInputPort&0xF0 {
		t.Fatalf("C2h status %02x", s)
	}
	r.k.Out8(PortKBCStatus, 0xC1)
	if s := r.k.In8(PortKBCStatus); s&0xF0 != kbcInputPort&0x0F<<4 {
		t.Fatalf("C1h status %02x", s)
	}
	r.k.Out8(PortKBCStatus, 0xAE)
	if s := r.k.In8(PortKBCStatus); s&0xF0 != kbcStatUnlock {
		t.Fatalf("status after poll ended %02x", s)
	}
}

func TestKBCTypeAhead(t *testing.T) {
	r := newKBCRig()
	var text []byte
	for i := 0; i < 50; i++ {
		text = append(text, byte(0x10+i%20), byte(0x90+i%20))
	}
	r.k.KeyScancodes(text...)
	// An INT 09h handler: one byte per interrupt.
	var got []byte
	for i := 0; i < 10000 && len(got) < len(text); i++ {
		if next := r.k.NextEvent(); next != math.MaxInt64 {
			r.clk.ns = max(r.clk.ns, next)
		}
		r.k.AdvanceTo(r.clk.ns)
		if r.irq1.level {
			got = append(got, r.k.In8(PortKBCData))
		}
	}
	if string(got) != string(text) {
		t.Fatalf("got % x", got)
	}
	if r.k.Pending() != 0 {
		t.Fatal("bytes left")
	}
}

func TestKBCUntranslatedSet2(t *testing.T) {
	r := newKBCRig()
	r.k.Out8(PortKBCStatus, 0x60)
	r.k.Out8(PortKBCData, 0x01) // translation off
	// 'a', then Right Ctrl, pressed and released.
	r.k.KeyScancodes(0x1E, 0x9E, 0xE0, 0x1D, 0xE0, 0x9D)
	r.expect(t, 0x1C, 0xF0, 0x1C, 0xE0, 0x14, 0xE0, 0xF0, 0x14)
	// Set 1 selected on the keyboard: sent as is.
	r.k.Out8(PortKBCData, 0xF0)
	r.expect(t, kbdACK)
	r.k.Out8(PortKBCData, 0x01)
	r.expect(t, kbdACK)
	r.k.KeyScancodes(0x1E, 0x9E)
	r.expect(t, 0x1E, 0x9E)
	// Set 3 is not offered: the read-back still shows set 1.
	r.k.Out8(PortKBCData, 0xF0)
	r.expect(t, kbdACK)
	r.k.Out8(PortKBCData, 0x03)
	r.expect(t, kbdACK)
	r.k.Out8(PortKBCData, 0xF0)
	r.expect(t, kbdACK)
	r.k.Out8(PortKBCData, 0x00)
	r.expect(t, kbdACK, 0x01)
	r.empty(t)
}

// TestSet2CodesDistinct checks the set 1 to set 2 table for typos that
// would give two keys the same code.
func TestSet2CodesDistinct(t *testing.T) {
	seen := map[byte]int{}
	for c, v := range set2Codes {
		if v == 0 {
			continue
		}
		if p, ok := seen[v]; ok {
			t.Errorf("set 1 codes %02x and %02x both map to %02x", p, c, v)
		}
		seen[v] = c
	}
	if len(seen) < 88 {
		t.Errorf("only %d keys", len(seen))
	}
}

// A program that polls the 8042 with interrupts off leaves no stale IRQ 1
// behind: reading port 60h withdraws the request at the PIC.
func TestKBCPolledWithInterruptsOff(t *testing.T) {
	clk := &fakeClock{}
	pic, _ := newATPIC(t)
	k := NewKBC(KBCConfig{Clock: clk, IRQ1: pic.Line(1)})
	k.KeyScancodes(0x1C)
	k.AdvanceTo(clk.ns)
	if !pic.Pending() {
		t.Fatal("no INTR for a key")
	}
	if k.In8(PortKBCStatus)&kbcStatOBF == 0 || k.In8(PortKBCData) != 0x1C {
		t.Fatal("poll")
	}
	if pic.Pending() {
		t.Fatal("stale IRQ 1 after the byte was read")
	}
}

// TestKBCRandomGuest sends arbitrary commands and data: no panic, no hang,
// and NextEvent never asks for a time in the past once advanced.
func TestKBCRandomGuest(t *testing.T) {
	r := newKBCRig()
	rng := uint32(7)
	next := func() uint32 { rng = rng*1664525 + 1013904223; return rng >> 8 }
	for i := 0; i < 100000; i++ {
		r.clk.ns += int64(next() % 300000)
		switch next() % 6 {
		case 0:
			r.k.Out8(PortKBCStatus, uint8(next()))
		case 1:
			r.k.Out8(PortKBCData, uint8(next()))
		case 2:
			r.k.In8(PortKBCData)
		case 3:
			r.k.In8(PortKBCStatus)
		case 4:
			r.k.KeyScancodes(uint8(next()))
		default:
			r.k.AdvanceTo(r.clk.ns)
			if ne := r.k.NextEvent(); ne <= r.clk.ns && ne != math.MaxInt64 {
				t.Fatalf("step %d: NextEvent %d not after now %d", i, ne, r.clk.ns)
			}
		}
	}
}
