package machine

import "testing"

func TestSystemControl(t *testing.T) {
	clk := &fakeClock{}
	p := NewPIT(clk, nil)
	var a20 []bool
	resets := 0
	s := NewSystemControl(clk, p, func(on bool) { a20 = append(a20, on) }, func() { resets++ })
	var _ PortDevice = s
	// Refresh toggle.
	b0 := s.In8(PortSysCtlB) & 0x10
	clk.ns += refreshNs
	if s.In8(PortSysCtlB)&0x10 == b0 {
		t.Fatal("refresh bit did not toggle")
	}
	// Channel 2 one-shot through the gate, read on bit 5: the BIOS's delay
	// and speaker sequences.
	p.Out8(PortPITCtrl, 0xB0) // ch2 mode 0
	p.Out8(PortPIT2, 100)
	p.Out8(PortPIT2, 0)
	s.Out8(PortSysCtlB, 0x01) // gate on, speaker off
	if !p.Gate2() || s.In8(PortSysCtlB)&0x0F != 0x01 {
		t.Fatal("gate 2 not set from port 61h")
	}
	start := pitTicks(clk.ns)
	clk.atTick(start + 100)
	if s.In8(PortSysCtlB)&0x20 != 0 {
		t.Fatal("OUT2 high early")
	}
	clk.atTick(start + 101)
	if s.In8(PortSysCtlB)&0x20 == 0 {
		t.Fatal("OUT2 low after terminal count")
	}
	if s.Speaker() {
		t.Fatal("speaker on with data bit clear")
	}
	s.Out8(PortSysCtlB, 0x03)
	if !s.Speaker() {
		t.Fatal("speaker off")
	}
	// A20: port 92h OR the keyboard controller.
	s.Out8(PortSysCtlA, 0x02)
	if !s.A20() || !a20[len(a20)-1] || s.In8(PortSysCtlA) != 0x02 {
		t.Fatal("fast A20 on")
	}
	s.SetKBCA20(true)
	s.Out8(PortSysCtlA, 0x00)
	if !s.A20() {
		t.Fatal("KBC A20 lost when 92h cleared")
	}
	s.SetKBCA20(false)
	if s.A20() || a20[len(a20)-1] {
		t.Fatal("A20 still on")
	}
	s.Out8(PortSysCtlA, 0x01)
	if resets != 1 || s.In8(PortSysCtlA)&1 != 0 {
		t.Fatal("fast reset")
	}
	// The KBC's callback wires into the combined gate.
	k := NewKBC(KBCConfig{Clock: clk, A20: s.SetKBCA20})
	k.Out8(PortKBCStatus, 0xDF)
	if !s.A20() {
		t.Fatal("KBC A20 not combined")
	}
}
