package machine

import (
	"bytes"
	"errors"
	"testing"
)

var _ PortDevice = (*UART)(nil)

const com1 = PortCOM1

func newCOM1() (*UART, *fakeClock, *testLine, *bytes.Buffer) {
	clk := &fakeClock{}
	irq := &testLine{}
	var out bytes.Buffer
	u := NewUART(clk, irq, &out)
	// INT 14h AH=00h style setup: 9600 8N1.
	u.Out8(com1+uartLCR, 0x83)
	u.Out8(com1+uartRBR, 0x0C)
	u.Out8(com1+uartIER, 0x00)
	u.Out8(com1+uartLCR, 0x03)
	return u, clk, irq, &out
}

func TestUARTRegisters(t *testing.T) {
	u, _, _, _ := newCOM1()
	u.Out8(com1+uartLCR, 0x80)
	if u.In8(com1+uartRBR) != 0x0C || u.In8(com1+uartIER) != 0 {
		t.Fatal("divisor latch read-back")
	}
	u.Out8(com1+uartRBR, 0x01) // 115200
	u.Out8(com1+uartLCR, 0x1B) // 8 bits, even parity, DLAB off
	if u.In8(com1+uartLCR) != 0x1B {
		t.Fatal("LCR read-back")
	}
	if got := u.charNs(); got != int64(11*16*1e9)/uartClockHz {
		t.Fatalf("character time %d ns", got)
	}
	u.Out8(com1+uartSCR, 0xA5)
	if u.In8(com1+uartSCR) != 0xA5 {
		t.Fatal("scratch register")
	}
	if u.In8(com1+uartIIR) != uartIIRNone {
		t.Fatal("IIR at reset")
	}
	if lsr := u.In8(com1 + uartLSR); lsr != 0x60 {
		t.Fatalf("LSR = %02x, want 60", lsr)
	}
	if msr := u.In8(com1 + uartMSR); msr != 0xB0 {
		t.Fatalf("MSR = %02x, want B0 (DCD DSR CTS)", msr)
	}
	u.Out8(com1+uartMCR, 0xFF)
	if u.In8(com1+uartMCR) != 0x1F {
		t.Fatal("MCR keeps 5 bits")
	}
}

func TestUARTTransmit(t *testing.T) {
	u, _, _, out := newCOM1()
	for _, b := range []byte("Hello\r\n") {
		for u.In8(com1+uartLSR)&uartLSRTHRE == 0 {
		}
		u.Out8(com1+uartRBR, b)
	}
	if out.String() != "Hello\r\n" {
		t.Fatalf("sink got %q", out.String())
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestUARTSinkError(t *testing.T) {
	u := NewUART(&fakeClock{}, nil, failWriter{})
	u.Out8(com1, 'x')
	u.Out8(com1, 'y')
	if u.Err() == nil || u.Err().Error() != "disk full" {
		t.Fatalf("Err() = %v", u.Err())
	}
}

func TestUARTLoopback(t *testing.T) {
	u, _, irq, out := newCOM1()
	u.Out8(com1+uartIER, 0x01)
	u.Out8(com1+uartMCR, uartMCRLoop|uartMCROUT2|uartMCRRTS)
	if msr := u.In8(com1 + uartMSR); msr&0xF0 != uartMSRCTS|uartMSRDCD {
		t.Fatalf("loopback MSR = %02x", msr)
	}
	u.Out8(com1+uartRBR, 0x55)
	if out.Len() != 0 {
		t.Fatal("loopback byte reached the sink")
	}
	if u.In8(com1+uartLSR)&uartLSRDR == 0 {
		t.Fatal("no data ready in loopback")
	}
	if u.In8(com1+uartIIR) != uartIIRRDA {
		t.Fatal("IIR does not report received data")
	}
	if irq.level {
		t.Fatal("IRQ 4 reached the PIC in loopback (OUT2 is disconnected)")
	}
	if b := u.In8(com1 + uartRBR); b != 0x55 {
		t.Fatalf("read back %02x", b)
	}
	// Modem lines follow MCR, with delta bits.
	u.Out8(com1+uartMCR, uartMCRLoop|uartMCRDTR|uartMCROUT1)
	msr := u.In8(com1 + uartMSR)
	if msr&0xF0 != uartMSRDSR|uartMSRRI || msr&0x0F != 0x0B {
		t.Fatalf("MSR = %02x, want 6B", msr)
	}
	u.Out8(com1+uartMCR, uartMCRLoop)
	if msr := u.In8(com1 + uartMSR); msr != 0x06 {
		t.Fatalf("MSR = %02x, want 06 (DDSR, TERI)", msr)
	}
	// Overrun: a second byte with the RBR full.
	u.Out8(com1+uartRBR, 1)
	u.Out8(com1+uartRBR, 2)
	if lsr := u.In8(com1 + uartLSR); lsr != 0x63 {
		t.Fatalf("LSR = %02x, want 63", lsr)
	}
	if lsr := u.In8(com1 + uartLSR); lsr != 0x61 {
		t.Fatalf("OE not cleared by reading LSR: %02x", lsr)
	}
	if b := u.In8(com1 + uartRBR); b != 2 {
		t.Fatalf("16450 mode keeps the newest byte, got %d", b)
	}
	// Leaving loopback restores the real inputs.
	u.Out8(com1+uartMCR, uartMCROUT2)
	if msr := u.In8(com1 + uartMSR); msr&0xF0 != 0xB0 {
		t.Fatalf("MSR after loopback = %02x", msr)
	}
}

func TestUARTReceiveInterrupt(t *testing.T) {
	u, clk, irq, _ := newCOM1()
	u.Out8(com1+uartIER, uartIERRDA)
	u.Receive('A')
	u.AdvanceTo(clk.ns)
	if irq.level {
		t.Fatal("IRQ 4 without OUT2")
	}
	u.Out8(com1+uartMCR, uartMCROUT2|uartMCRDTR|uartMCRRTS)
	if !irq.level || irq.rises != 1 {
		t.Fatal("no IRQ 4 for received data")
	}
	if u.In8(com1+uartIIR) != uartIIRRDA {
		t.Fatal("IIR")
	}
	if u.In8(com1+uartRBR) != 'A' || irq.level {
		t.Fatal("reading RBR did not clear the interrupt")
	}
	if u.In8(com1+uartIIR) != uartIIRNone {
		t.Fatal("IIR after read")
	}
}

func TestUARTTHREInterrupt(t *testing.T) {
	u, _, irq, out := newCOM1()
	u.Out8(com1+uartMCR, uartMCROUT2)
	u.Out8(com1+uartIER, uartIERTHRE)
	if !irq.level || u.In8(com1+uartIIR) != uartIIRTHRE {
		t.Fatal("enabling ETBEI with THR empty did not interrupt")
	}
	if irq.level || u.In8(com1+uartIIR) != uartIIRNone {
		t.Fatal("reading IIR did not clear THRE")
	}
	// An interrupt-driven transmitter: one byte per interrupt.
	msg := []byte("OK")
	u.Out8(com1+uartRBR, msg[0])
	if irq.rises != 2 {
		t.Fatalf("THR write gave %d edges", irq.rises)
	}
	if u.In8(com1+uartIIR) == uartIIRTHRE {
		u.Out8(com1+uartRBR, msg[1])
	}
	if irq.rises != 3 || out.String() != "OK" {
		t.Fatalf("edges %d, sink %q", irq.rises, out.String())
	}
}

func TestUARTPriorities(t *testing.T) {
	u, _, _, _ := newCOM1()
	u.Out8(com1+uartIER, 0x0F)
	u.Out8(com1+uartMCR, uartMCRLoop)
	u.Out8(com1+uartMCR, uartMCRLoop|uartMCRRTS) // modem status change
	u.Out8(com1+uartRBR, 1)
	u.Out8(com1+uartRBR, 2) // overrun
	for _, want := range []uint8{uartIIRRLS, uartIIRRDA, uartIIRTHRE, uartIIRMS, uartIIRNone} {
		got := u.In8(com1 + uartIIR)
		if got != want {
			t.Fatalf("IIR = %02x, want %02x", got, want)
		}
		switch got {
		case uartIIRRLS:
			u.In8(com1 + uartLSR)
		case uartIIRRDA:
			u.In8(com1 + uartRBR)
		case uartIIRMS:
			u.In8(com1 + uartMSR)
		}
	}
}

func TestUARTFIFO(t *testing.T) {
	u, clk, irq, _ := newCOM1()
	u.Out8(com1+uartIIR, 0xC7) // FIFO on, clear both, trigger 14
	if u.In8(com1+uartIIR) != uartIIRFIFO|uartIIRNone {
		t.Fatal("IIR FIFO bits")
	}
	u.Out8(com1+uartMCR, uartMCROUT2)
	u.Out8(com1+uartIER, uartIERRDA)
	char := u.charNs()
	// Host input arrives one character time apart.
	u.Receive([]byte("0123456789abcdefghij")...)
	u.AdvanceTo(clk.ns)
	if n := len(u.rx); n != 1 {
		t.Fatalf("%d bytes arrived at once", n)
	}
	clk.ns += 2 * char
	u.AdvanceTo(clk.ns)
	if n := len(u.rx); n != 3 || irq.level {
		t.Fatalf("%d bytes, irq %v", n, irq.level)
	}
	// Below the trigger: the time-out interrupt after four character times
	// without input or reads. Stop the input to see it.
	u.inbox = nil
	next := u.NextEvent()
	if next != 2*char+4*char {
		t.Fatalf("time-out due at %d, want %d", next, 6*char)
	}
	clk.ns = next
	u.AdvanceTo(next)
	if !irq.level || u.In8(com1+uartIIR) != uartIIRFIFO|uartIIRTimeout {
		t.Fatal("no character time-out interrupt")
	}
	for u.In8(com1+uartLSR)&uartLSRDR != 0 {
		u.In8(com1 + uartRBR)
	}
	if irq.level {
		t.Fatal("time-out not cleared by emptying the FIFO")
	}
	// At the trigger level: received data available.
	u.Receive([]byte("ABCDEFGHIJKLMNOPQRST")...)
	for i := 0; i < 100 && !irq.level; i++ {
		clk.ns = u.NextEvent()
		u.AdvanceTo(clk.ns)
	}
	if len(u.rx) != 14 || u.In8(com1+uartIIR) != uartIIRFIFO|uartIIRRDA {
		t.Fatalf("RDA at %d bytes", len(u.rx))
	}
	// The FIFO fills to 16 and the rest waits: no overrun.
	clk.ns += 100 * char
	u.AdvanceTo(clk.ns)
	var got []byte
	for u.In8(com1+uartLSR)&uartLSRDR != 0 {
		got = append(got, u.In8(com1+uartRBR))
	}
	if string(got) != "ABCDEFGHIJKLMNOP" {
		t.Fatalf("FIFO held %q", got)
	}
	for i := 0; i < 100 && len(got) < 20; i++ {
		clk.ns += char
		u.AdvanceTo(clk.ns)
		for u.In8(com1+uartLSR)&uartLSRDR != 0 {
			got = append(got, u.In8(com1+uartRBR))
		}
	}
	if string(got) != "ABCDEFGHIJKLMNOPQRST" {
		t.Fatalf("received %q", got)
	}
	// Disabling the FIFO clears it; IIR bits 7-6 go.
	u.Receive('x')
	clk.ns += char
	u.AdvanceTo(clk.ns)
	u.Out8(com1+uartIIR, 0x00)
	if u.In8(com1+uartLSR)&uartLSRDR != 0 || u.In8(com1+uartIIR)&uartIIRFIFO != 0 {
		t.Fatal("FIFO not cleared/disabled")
	}
}

// TestUARTRandomGuest writes arbitrary values to every register with host
// input arriving: no panic, and NextEvent stays in the future.
func TestUARTRandomGuest(t *testing.T) {
	u, clk, _, _ := newCOM1()
	rng := uint32(5)
	next := func() uint32 { rng = rng*1664525 + 1013904223; return rng >> 8 }
	for i := 0; i < 100000; i++ {
		clk.ns += int64(next() % 2_000_000)
		switch next() % 5 {
		case 0:
			u.Out8(com1+uint16(next()%8), uint8(next()))
		case 1:
			u.In8(com1 + uint16(next()%8))
		case 2:
			u.Receive(uint8(next()))
		default:
			u.AdvanceTo(clk.ns)
			if ne := u.NextEvent(); ne <= clk.ns {
				t.Fatalf("step %d: NextEvent %d not after now %d", i, ne, clk.ns)
			}
		}
	}
}
