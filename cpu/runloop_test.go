package cpu

// The run loop looks at events only when one is pending (CPU.stopAt), and
// not at all while INTR is held with IF=0. These tests run long Run calls
// so that the loop, not Step, decides when an interrupt is taken.

import "testing"

// oneShotPIC drops INTR when it is acknowledged, as an edge-triggered
// 8259A does for a single request.
type oneShotPIC struct {
	c    *CPU
	acks int
}

func (p *oneShotPIC) Acknowledge() uint8 {
	p.acks++
	p.c.SetINTR(false)
	return 0x20
}

func TestRunTakesINTRWhenPOPFSetsIF(t *testing.T) {
	// CLI; INC AX x4; MOV BX,0202h; PUSH BX; POPF; INC CX; JMP $
	c, ram, _ := newTest(t, Model8086,
		0xFA, 0x40, 0x40, 0x40, 0x40,
		0xBB, 0x02, 0x02, 0x53, 0x9D,
		0x41, 0xEB, 0xFE)
	p := &oneShotPIC{c: c}
	c.SetInterruptController(p)
	c.SetINTR(true)
	// CLI, 4 INC, MOV, PUSH, POPF, then the interrupt entry (not counted)
	// and the handler's IRET: nine instructions in one Run.
	c.Run(9)
	if p.acks != 1 || c.Regs[AX] != 4 || c.Regs[CX] != 0 || c.Segs[CS] != 0 || c.IP != 0x10A {
		t.Fatalf("acks=%d AX=%d CX=%d CS:IP=%04X:%04X, want the interrupt taken right after POPF and returned from",
			p.acks, c.Regs[AX], c.Regs[CX], c.Segs[CS], c.IP)
	}
	if ip := stackWord(c, ram, -3); ip != 0x10A {
		t.Errorf("pushed IP = %04X, want 010A (after POPF)", ip)
	}
}

func TestRunTakesINTRRaisedOrUnmaskedInCallback(t *testing.T) {
	for _, tc := range []struct {
		name string
		code []byte
		hook func(c *CPU)
	}{
		// STI; NOP; OUT 42h,AL (the device raises INTR); INC CX; JMP $
		{"SetINTR", []byte{0xFB, 0x90, 0xE6, 0x42, 0x41, 0xEB, 0xFE}, func(c *CPU) { c.SetINTR(true) }},
		// CLI; NOP; OUT 42h,AL (the Go BIOS sets IF with INTR held); INC CX; JMP $
		{"SetFlags", []byte{0xFA, 0x90, 0xE6, 0x42, 0x41, 0xEB, 0xFE}, func(c *CPU) { c.SetFlags(c.Flags() | FlagIF) }},
	} {
		c, ram, bus := newTest(t, Model8086, tc.code...)
		p := &oneShotPIC{c: c}
		c.SetInterruptController(p)
		if tc.name == "SetFlags" {
			c.SetINTR(true)
		}
		bus.onOut8 = func(uint16, uint8) { tc.hook(c) }
		c.Run(1000)
		if p.acks != 1 || c.Regs[CX] != 1 {
			t.Fatalf("%s: acks=%d CX=%d, want 1 and 1", tc.name, p.acks, c.Regs[CX])
		}
		// The handler's IRET returned to INC CX: the interrupt came right after the OUT.
		if ip := stackWord(c, ram, -3); ip != 0x104 {
			t.Errorf("%s: pushed IP = %04X, want 0104 (after the OUT)", tc.name, ip)
		}
	}
}

func TestRunStopsAtHLTAndStopInsideLongRun(t *testing.T) {
	c, _, bus := newTest(t, Model8086, 0x40, 0x40, 0xF4, 0x41, 0xE6, 0x42, 0x41, 0x41, 0xEB, 0xFE)
	if n, _ := c.Run(1000); n != 3 || !c.Halted() || c.Regs[AX] != 2 {
		t.Fatalf("Run = %d, halted=%v AX=%d; want 3 at the HLT", n, c.Halted(), c.Regs[AX])
	}
	bus.onOut8 = func(uint16, uint8) { c.Stop() }
	c.NMI() // wakes the HLT through the handler (an IRET)
	if n, _ := c.Run(1000); n != 3 || c.Regs[CX] != 1 {
		t.Fatalf("Run after NMI = %d, CX=%d; want 3 (IRET, INC CX, OUT) then the Stop", n, c.Regs[CX])
	}
}

// TestNestedRunInsideAnInstruction: a device that runs the CPU from inside
// an OUT (as a firmware written in Go may) leaves the CPU past what the
// nested run executed, and the outer run goes on from there, not from
// its own place in the block it was running.
//
//	0100 E6 80   out 80h, al   -> the bus runs one instruction: INC AX at 0102
//	0102 40      inc ax
//	0103 40      inc ax
//	0104 F4      hlt
func TestNestedRunInsideAnInstruction(t *testing.T) {
	c, _, bus := newTest(t, Model8086, 0xE6, 0x80, 0x40, 0x40, 0xF4)
	c.coldBlocks = coldBlocks // decoded blocks from the first instruction
	nested := false
	bus.onOut8 = func(port uint16, v uint8) {
		if port == 0x80 && !nested {
			nested = true
			if _, err := c.Run(1); err != nil {
				t.Fatal(err)
			}
		}
	}
	runUntilHalt(t, c)
	if c.Regs[AX] != 2 || c.IP != 0x105 {
		t.Errorf("AX=%04X IP=%04X, want 0002 0105 (each INC AX once)", c.Regs[AX], c.IP)
	}
}
