package machine

import (
	"math"
	"testing"
)

func newMouseRig() *kbcRig {
	r := &kbcRig{clk: &fakeClock{}, irq1: &testLine{}, irq12: &testLine{}}
	r.k = NewKBC(KBCConfig{Clock: r.clk, IRQ1: r.irq1, IRQ12: r.irq12, Aux: NewPS2Mouse()})
	return r
}

// toMouse sends bytes to the mouse as a driver does: D4h, then the byte.
func (r *kbcRig) toMouse(b ...byte) {
	for _, v := range b {
		r.k.Out8(PortKBCStatus, 0xD4)
		r.k.Out8(PortKBCData, v)
	}
}

// readAux reads the next byte, which must come from the mouse.
func (r *kbcRig) readAux(t *testing.T) byte {
	t.Helper()
	for i := 0; i < 1000; i++ {
		if s := r.k.In8(PortKBCStatus); s&kbcStatOBF != 0 {
			if s&kbcStatAuxOBF == 0 {
				t.Fatalf("keyboard byte %02x where mouse data was expected", r.k.In8(PortKBCData))
			}
			return r.k.In8(PortKBCData)
		}
		r.clk.ns += 100e3
		r.k.AdvanceTo(r.clk.ns)
	}
	t.Fatal("no mouse byte")
	return 0
}

// mouseCmd sends bytes one at a time, each answered with an ACK, as
// drivers do (a new command aborts the answer to the last).
func (r *kbcRig) mouseCmd(t *testing.T, b ...byte) {
	t.Helper()
	for _, v := range b {
		r.toMouse(v)
		r.expectAux(t, 0xFA)
	}
}

func (r *kbcRig) expectAux(t *testing.T, want ...byte) {
	t.Helper()
	for i, w := range want {
		if got := r.readAux(t); got != w {
			t.Fatalf("mouse byte %d = %02x, want %02x (want % x)", i, got, w, want)
		}
	}
}

func TestPS2MouseCommands(t *testing.T) {
	r := newMouseRig()
	r.toMouse(0xFF)
	r.expectAux(t, 0xFA, 0xAA, 0x00)
	r.toMouse(0xF2)
	r.expectAux(t, 0xFA, 0x00)
	r.toMouse(0xE9) // defaults: stream, disabled, 1:1, 4 counts/mm, 100/s
	r.expectAux(t, 0xFA, 0x00, 0x02, 100)
	r.mouseCmd(t, 0xF3, 40, 0xE8, 3, 0xE7, 0xF4, 0xE9)
	r.expectAux(t, 0x30, 0x03, 40)
	r.mouseCmd(t, 0xF3)
	r.toMouse(41) // not a rate the mouse has
	r.expectAux(t, 0xFE)
	r.mouseCmd(t, 0xE8)
	r.toMouse(4)
	r.expectAux(t, 0xFE)
	r.mouseCmd(t, 0xF0, 0xE6, 0xE9) // remote mode, 1:1
	r.expectAux(t, 0x60, 0x03, 40)
	r.mouseCmd(t, 0xF6, 0xE9)
	r.expectAux(t, 0x00, 0x02, 100)
	r.toMouse(0xE9)
	r.expectAux(t, 0xFA)
	r.readAux(t)
	r.toMouse(0xFE) // resend: the last response again
	r.expectAux(t, 0xFA, 0x00, 0x02, 100)
	r.toMouse(0x12) // not a command
	r.expectAux(t, 0xFE)
	// Wrap mode echoes until ECh.
	r.mouseCmd(t, 0xEE)
	r.toMouse(0x55, 0xF4)
	r.expectAux(t, 0x55, 0xF4)
	r.mouseCmd(t, 0xEC, 0xE9)
	r.expectAux(t, 0x00, 0x02, 100)
	r.empty(t)
	if r.irq12.rises != 0 || r.irq1.rises != 0 {
		t.Fatal("IRQs raised with the command byte's interrupts off")
	}
}

func TestPS2MouseStreamPackets(t *testing.T) {
	r := newMouseRig()
	r.k.Out8(PortKBCStatus, 0x60)
	r.k.Out8(PortKBCData, kbcCmdTranslate|kbcCmdIRQ1|kbcCmdIRQ12|kbcCmdSYS)
	r.toMouse(0xF4)
	r.expectAux(t, 0xFA)
	if r.irq12.rises != 1 {
		t.Fatalf("IRQ 12 rises = %d after the ACK", r.irq12.rises)
	}
	aux := r.k.cfg.Aux
	aux.Move(5, -3) // right and up the screen
	r.expectAux(t, 0x08, 5, 3)
	aux.Move(-2, 7)
	aux.SetButtons(MouseLeft | MouseMiddle)
	r.expectAux(t, 0x08|0x10|0x20|MouseLeft|MouseMiddle, 0xFE, 0xF9)
	// Beyond the 9-bit counters: overflow bits, counts at their limits.
	aux.Move(300, -400)
	r.expectAux(t, 0x08|0x40|0x80|MouseLeft|MouseMiddle, 0xFF, 0xFF)
	aux.Move(-300, 0)
	r.expectAux(t, 0x08|0x40|0x10|MouseLeft|MouseMiddle, 0x00, 0x00)
	aux.SetButtons(0)
	r.expectAux(t, 0x08, 0, 0)
	if !aux.Reported() {
		t.Fatal("not Reported after every packet was read")
	}
	r.empty(t)
}

func TestPS2MouseSampleRatePacesPackets(t *testing.T) {
	r := newMouseRig()
	r.mouseCmd(t, 0xF3, 20, 0xF4) // 20 reports/s: 50 ms apart
	aux := r.k.cfg.Aux
	first := r.clk.ns // the packet is built at the next port access
	aux.Move(1, 0)
	r.expectAux(t, 0x08, 1, 0)
	aux.Move(1, 0)
	if got := r.k.NextEvent(); got != first+50e6 {
		t.Fatalf("next packet due at %d, want %d", got, first+50e6)
	}
	r.k.AdvanceTo(first + 50e6 - 1)
	if r.k.In8(PortKBCStatus)&kbcStatOBF != 0 {
		t.Fatal("packet before the sample period ended")
	}
	aux.Move(2, 0) // adds up with the waiting motion
	r.clk.ns = first + 50e6
	r.expectAux(t, 0x08, 3, 0)
}

func TestPS2MouseResolutionAndScaling(t *testing.T) {
	r := newMouseRig()
	aux := r.k.cfg.Aux
	r.mouseCmd(t, 0xE8, 3, 0xF4) // 8 counts/mm: twice the host's counts
	aux.Move(10, 0)
	r.expectAux(t, 0x08, 20, 0)
	r.mouseCmd(t, 0xE8, 0) // 1 count/mm: a quarter; the remainder is kept
	aux.Move(3, 0)
	r.clk.ns += 20e6
	r.expectAux(t, 0x08, 0, 0)
	aux.Move(1, 0)
	r.clk.ns += 20e6
	r.expectAux(t, 0x08, 1, 0)
	r.mouseCmd(t, 0xE8, 2, 0xE7) // 2:1 scaling of small moves
	for _, c := range []struct{ in, out int }{{1, 1}, {2, 1}, {3, 3}, {4, 6}, {5, 9}, {6, 12}, {-4, -6}} {
		aux.Move(c.in, 0)
		r.clk.ns += 20e6
		b := [3]byte{r.readAux(t), r.readAux(t), r.readAux(t)}
		if int(int8(b[1])) != c.out {
			t.Errorf("2:1 scaling of %d = %d, want %d", c.in, int8(b[1]), c.out)
		}
	}
}

func TestPS2MouseRemoteMode(t *testing.T) {
	r := newMouseRig()
	aux := r.k.cfg.Aux
	r.toMouse(0xF0)
	r.expectAux(t, 0xFA)
	aux.Move(4, 4)
	aux.SetButtons(MouseRight)
	r.empty(t)
	r.toMouse(0xEB)
	r.expectAux(t, 0xFA, 0x08|0x20|MouseRight, 4, 0xFC)
	r.toMouse(0xEB)
	r.expectAux(t, 0xFA, 0x08|MouseRight, 0, 0)
}

func TestPS2MouseInhibitedClock(t *testing.T) {
	r := newMouseRig()
	aux := r.k.cfg.Aux
	r.mouseCmd(t, 0xF4)
	r.k.Out8(PortKBCStatus, 0xA7) // disable the auxiliary port
	aux.Move(1, 1)
	r.clk.ns += 50e6
	r.k.AdvanceTo(r.clk.ns)
	r.empty(t)
	if r.k.NextEvent() != math.MaxInt64 {
		t.Fatal("an event is due with the mouse clock inhibited")
	}
	aux.Move(1, 1) // the mouse built its packet before: this is the next one
	r.k.Out8(PortKBCStatus, 0xA8)
	r.expectAux(t, 0x08|0x20, 1, 0xFF)
	r.expectAux(t, 0x08|0x20, 1, 0xFF)
	// Keyboard bytes go first when both are ready.
	r.k.KeyScancodes(0x1E)
	aux.Move(1, 0)
	r.clk.ns += 20e6
	if r.k.In8(PortKBCStatus)&kbcStatAuxOBF != 0 {
		t.Fatal("the mouse's byte went before the keyboard's")
	}
	r.expect(t, 0x1E)
	r.expectAux(t, 0x08, 1, 0)
}

func TestKBCEmptyAuxPortTimesOut(t *testing.T) {
	r := newKBCRig()
	r.k.Out8(PortKBCStatus, 0xD4)
	r.k.Out8(PortKBCData, 0xFF)
	if r.k.In8(PortKBCStatus)&kbcStatTimeout == 0 {
		t.Fatal("no time-out writing to an empty mouse port")
	}
	r.empty(t)
}

// EAh returns from remote to stream mode and F5h stops the reports (IBM
// PS/2 Hardware Interface Technical Reference, "Pointing Device": Set
// Stream Mode, Disable): the status byte says which, and motion becomes a
// packet only when streaming and enabled.
func TestPS2MouseStreamModeAndDisable(t *testing.T) {
	r := newMouseRig()
	aux := r.k.cfg.Aux
	quiet := func() {
		t.Helper()
		r.clk.ns += 50e6
		r.k.AdvanceTo(r.clk.ns)
		r.empty(t)
	}
	r.mouseCmd(t, 0xF0, 0xF4) // remote mode, reporting on
	aux.Move(3, 0)
	quiet() // remote: nothing unasked
	r.mouseCmd(t, 0xEA, 0xE9)
	r.expectAux(t, 0x20, 0x02, 100) // stream, enabled
	aux.Move(2, 0)
	r.expectAux(t, 0x08, 2, 0) // the remote-mode motion was cleared by EAh
	r.mouseCmd(t, 0xF5, 0xE9)
	r.expectAux(t, 0x00, 0x02, 100) // stream, disabled
	aux.Move(1, 1)
	quiet()
	r.mouseCmd(t, 0xF4)
	aux.Move(0, 1)
	r.expectAux(t, 0x08|0x20, 0, 0xFF) // F5h/F4h cleared the motion before
}
