package cpu

// Unit tests for what the SingleStepTests vectors do not cover: the
// interrupt line, shadows, HLT, REP resumption, single-step, bulk string
// I/O, Stop, A20 and the I/O callback contract.

import (
	"strings"
	"testing"
)

// testBus records port traffic and can run a hook on OUT (as the Go BIOS
// does).
type testBus struct {
	in16   []uint16 // values returned by In16, in order
	ins16  int      // In16 calls
	out16  []uint16
	onOut8 func(port uint16, v uint8)
}

func (b *testBus) Read8(uint32) uint8   { return 0xFF }
func (b *testBus) Write8(uint32, uint8) {}
func (b *testBus) In8(uint16) uint8     { return 0x5A }
func (b *testBus) Out8(port uint16, v uint8) {
	if b.onOut8 != nil {
		b.onOut8(port, v)
	}
}
func (b *testBus) In16(uint16) uint16 {
	b.ins16++
	if len(b.in16) == 0 {
		return 0xFFFF
	}
	v := b.in16[0]
	b.in16 = b.in16[1:]
	return v
}
func (b *testBus) Out16(_ uint16, v uint16) { b.out16 = append(b.out16, v) }

// pic answers INTA with a fixed vector and counts acknowledges.
type pic struct {
	vector uint8
	acks   int
}

func (p *pic) Acknowledge() uint8 { p.acks++; return p.vector }

// newTest makes a CPU with code at 0000:0100, SS:SP = 0000:1000 and an
// interrupt handler for every vector n at F000:n*4 (each an IRET).
func newTest(t *testing.T, model Model, code ...byte) (*CPU, []byte, *testBus) {
	t.Helper()
	ram := make([]byte, 0x200000)
	bus := &testBus{}
	c := New(model, ram, bus)
	for v := 0; v < 256; v++ {
		ram[v*4], ram[v*4+1] = byte(v*4), byte(v*4>>8)
		ram[v*4+2], ram[v*4+3] = 0x00, 0x90 // segment 9000
		ram[0x90000+v*4] = 0xCF             // IRET
	}
	copy(ram[0x100:], code)
	c.Segs = [4]uint16{0, 0, 0, 0}
	c.IP = 0x100
	c.Regs[SP] = 0x1000
	return c, ram, bus
}

func step(t *testing.T, c *CPU, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if err := c.Step(); err != nil {
			t.Fatal(err)
		}
	}
}

func stackWord(c *CPU, ram []byte, i int) uint16 {
	a := uint32(c.Segs[SS])<<4 + uint32(c.Regs[SP]) + uint32(2*i)
	return uint16(ram[a]) | uint16(ram[a+1])<<8
}

func TestINTRAcknowledge(t *testing.T) {
	c, ram, _ := newTest(t, Model8086, 0xFB, 0x90, 0x90, 0xEB, 0xFE) // STI; NOP; NOP; JMP $
	p := &pic{vector: 0x20}
	c.SetInterruptController(p)
	c.SetINTR(true)
	step(t, c, 1) // STI: the shadow holds the interrupt off
	if p.acks != 0 {
		t.Fatalf("interrupt taken right after STI")
	}
	step(t, c, 1) // NOP
	step(t, c, 1) // interrupt entry
	if p.acks != 1 {
		t.Fatalf("acknowledges = %d, want 1", p.acks)
	}
	if c.Segs[CS] != 0x9000 || c.IP != 0x80 {
		t.Fatalf("CS:IP = %04X:%04X, want 9000:0080", c.Segs[CS], c.IP)
	}
	if ip := stackWord(c, ram, 0); ip != 0x102 {
		t.Errorf("pushed IP = %04X, want 0102 (after the NOP)", ip)
	}
	if f := stackWord(c, ram, 2); f&FlagIF == 0 {
		t.Errorf("pushed FLAGS %04X without IF", f)
	}
	if c.Flags()&FlagIF != 0 {
		t.Errorf("IF still set in the handler")
	}
	// IF=0 in the handler: the still-asserted line is not taken again.
	c.SetINTR(false)
	step(t, c, 1) // IRET
	if c.IP != 0x102 || c.Flags()&FlagIF == 0 {
		t.Errorf("after IRET CS:IP=%04X:%04X flags=%04X", c.Segs[CS], c.IP, c.Flags())
	}
}

func TestShadowAfterMovSSAndPopSS(t *testing.T) {
	for _, tc := range []struct {
		name string
		code []byte
		next uint16
	}{
		{"MOV SS", []byte{0x8E, 0xD0, 0x90, 0x90}, 0x103}, // MOV SS,AX; NOP
		{"POP SS", []byte{0x17, 0x90, 0x90}, 0x102},       // POP SS; NOP
	} {
		c, ram, _ := newTest(t, Model8086, tc.code...)
		c.SetFlags(FlagIF)
		p := &pic{vector: 0x21}
		c.SetInterruptController(p)
		c.Regs[AX] = 0
		step(t, c, 1) // the SS load
		c.SetINTR(true)
		step(t, c, 1) // the NOP: no interrupt between the two
		if p.acks != 0 {
			t.Fatalf("%s: interrupt taken inside the shadow", tc.name)
		}
		step(t, c, 1)
		if p.acks != 1 || stackWord(c, ram, 0) != tc.next {
			t.Errorf("%s: acks=%d pushed IP=%04X, want 1 and %04X", tc.name, p.acks, stackWord(c, ram, 0), tc.next)
		}
	}
}

func TestHLTWakeUp(t *testing.T) {
	c, _, _ := newTest(t, Model8086, 0xFB, 0xF4, 0x90, 0xEB, 0xFE) // STI; HLT; NOP; JMP $
	p := &pic{vector: 0x08}
	c.SetInterruptController(p)
	n, err := c.Run(1000)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Halted() || n != 2 {
		t.Fatalf("Run = %d, halted %v; want 2 and halted", n, c.Halted())
	}
	if n, _ := c.Run(1000); n != 0 {
		t.Fatalf("Run while halted executed %d instructions", n)
	}
	c.SetINTR(true)
	step(t, c, 1) // interrupt entry
	if c.Halted() || p.acks != 1 || c.Segs[CS] != 0x9000 {
		t.Fatalf("halted=%v acks=%d CS=%04X after INTR", c.Halted(), p.acks, c.Segs[CS])
	}
	c.SetINTR(false)
	step(t, c, 1) // IRET back to after HLT
	if c.IP != 0x102 {
		t.Errorf("IP after the handler = %04X, want 0102", c.IP)
	}

	// NMI wakes the CPU even with IF=0.
	c2, _, _ := newTest(t, Model8086, 0xFA, 0xF4, 0x90) // CLI; HLT
	c2.Run(10)
	if !c2.Halted() {
		t.Fatal("not halted")
	}
	c2.SetINTR(true) // masked: stays halted
	if n, _ := c2.Run(10); n != 0 || !c2.Halted() {
		t.Fatalf("masked INTR woke the CPU")
	}
	c2.NMI()
	step(t, c2, 1)
	if c2.Halted() || c2.Segs[CS] != 0x9000 || c2.IP != 2*4 {
		t.Errorf("NMI: halted=%v CS:IP=%04X:%04X", c2.Halted(), c2.Segs[CS], c2.IP)
	}
}

func TestREPInterruptedAndResumed(t *testing.T) {
	// ES: REP MOVSB is not what we test; CS-override source: CS: REP MOVSB.
	c, ram, _ := newTest(t, Model8086, 0x2E, 0xF3, 0xA4, 0x90) // CS: REP MOVSB; NOP
	copy(ram[0x100+0x40:], "0123456789")
	c.Regs[SI] = 0x140
	c.Segs[DS] = 0x1234 // would be wrong: the override makes the source CS
	c.Segs[ES] = 0x2000
	c.Regs[DI] = 0
	c.Regs[CX] = 10
	c.SetFlags(FlagIF)
	p := &pic{vector: 0x30}
	c.SetInterruptController(p)
	step(t, c, 3)
	if c.Regs[CX] != 7 || c.IP != 0x100 {
		t.Fatalf("after 3 iterations CX=%d IP=%04X, want 7 and 0100 (prefix start)", c.Regs[CX], c.IP)
	}
	c.SetINTR(true)
	step(t, c, 1) // interrupt between iterations
	if p.acks != 1 || stackWord(c, ram, 0) != 0x100 {
		t.Fatalf("acks=%d pushed IP=%04X, want 1 and 0100", p.acks, stackWord(c, ram, 0))
	}
	c.SetINTR(false)
	step(t, c, 1) // IRET
	for i := 0; i < 7; i++ {
		step(t, c, 1)
	}
	if c.Regs[CX] != 0 || c.IP != 0x103 {
		t.Fatalf("CX=%d IP=%04X, want 0 and 0103", c.Regs[CX], c.IP)
	}
	if got := string(ram[0x20000:0x2000A]); got != "0123456789" {
		t.Errorf("copied %q", got)
	}
	if c.Instructions != 11 { // interrupt entry is not an instruction
		t.Errorf("Instructions = %d, want 11 (10 iterations and the IRET)", c.Instructions)
	}
}

func TestTrapFlag(t *testing.T) {
	c, ram, _ := newTest(t, Model8086, 0x40, 0x41) // INC AX; INC CX
	c.SetFlags(FlagTF)
	step(t, c, 1) // INC AX
	step(t, c, 1) // trap entry
	if c.Segs[CS] != 0x9000 || c.IP != 4 {
		t.Fatalf("CS:IP = %04X:%04X, want 9000:0004 (INT 1)", c.Segs[CS], c.IP)
	}
	if stackWord(c, ram, 0) != 0x101 || stackWord(c, ram, 2)&FlagTF == 0 {
		t.Errorf("pushed IP=%04X flags=%04X", stackWord(c, ram, 0), stackWord(c, ram, 2))
	}
	if c.Flags()&FlagTF != 0 {
		t.Error("TF set inside the handler")
	}
	step(t, c, 1) // IRET (TF restored; the trap comes after the next instruction)
	step(t, c, 1) // INC CX
	if c.Regs[CX] != 1 {
		t.Fatal("INC CX not executed")
	}
	step(t, c, 1)
	if c.IP != 4 || stackWord(c, ram, 0) != 0x102 {
		t.Errorf("second trap: IP=%04X pushed %04X", c.IP, stackWord(c, ram, 0))
	}
}

// bulkBus is a testBus with BulkPortIO.
type bulkBus struct {
	testBus
	data    []byte // device bytes to hand out / received
	limit   int    // max bytes per bulk call (0 = no bulk path)
	calls   int
	written []byte
}

func (b *bulkBus) InsBulk(port uint16, width int, dst []byte) int {
	if b.limit == 0 {
		return 0
	}
	b.calls++
	n := len(dst)
	if n > b.limit {
		n = b.limit
	}
	copy(dst[:n], b.data)
	b.data = b.data[n:]
	return n
}

func (b *bulkBus) OutsBulk(port uint16, width int, src []byte) int {
	if b.limit == 0 {
		return 0
	}
	b.calls++
	n := len(src)
	if n > b.limit {
		n = b.limit
	}
	b.written = append(b.written, src[:n]...)
	return n
}

func newBulk(t *testing.T, limit int, code ...byte) (*CPU, []byte, *bulkBus) {
	ram := make([]byte, 0x100000)
	bus := &bulkBus{limit: limit}
	c := New(Model80186, ram, bus)
	copy(ram[0x100:], code)
	c.Segs = [4]uint16{0x2000, 0, 0, 0x3000}
	c.IP = 0x100
	c.Regs[SP] = 0x1000
	c.Regs[DX] = 0x1F0
	return c, ram, bus
}

func runToIP(t *testing.T, c *CPU, ip uint16) {
	t.Helper()
	for i := 0; i < 100000 && c.IP != ip; i++ {
		step(t, c, 1)
	}
	if c.IP != ip {
		t.Fatalf("did not reach IP %04X", ip)
	}
}

func TestBulkINSW(t *testing.T) {
	sector := make([]byte, 512)
	for i := range sector {
		sector[i] = byte(i * 7)
	}
	// Forward, whole run in one call.
	c, ram, bus := newBulk(t, 1<<20, 0xF3, 0x6D, 0x90) // REP INSW; NOP
	bus.data = append([]byte(nil), sector...)
	c.Regs[CX] = 256
	c.Regs[DI] = 0x10
	step(t, c, 1)
	if bus.calls != 1 || c.Regs[CX] != 0 || c.Regs[DI] != 0x210 || c.IP != 0x102 {
		t.Fatalf("calls=%d CX=%d DI=%04X IP=%04X", bus.calls, c.Regs[CX], c.Regs[DI], c.IP)
	}
	if string(ram[0x20010:0x20210]) != string(sector) {
		t.Error("forward data differs")
	}
	if c.Instructions != 256 {
		t.Errorf("Instructions = %d, want 256", c.Instructions)
	}

	// Backward (DF=1): element i goes to DI - 2i.
	c, ram, bus = newBulk(t, 1<<20, 0xF3, 0x6D, 0x90)
	bus.data = append([]byte(nil), sector[:8]...)
	c.SetFlags(FlagDF)
	c.Regs[CX] = 4
	c.Regs[DI] = 0x100
	step(t, c, 1)
	want := []byte{sector[6], sector[7], sector[4], sector[5], sector[2], sector[3], sector[0], sector[1]}
	if got := ram[0x200FA:0x20102]; string(got) != string(want) || c.Regs[DI] != 0xF8 {
		t.Errorf("backward: % X DI=%04X, want % X and 00F8", got, c.Regs[DI], want)
	}

	// A run stops at the segment end; the rest is a second run from 0.
	c, _, bus = newBulk(t, 1<<20, 0xF3, 0x6D, 0x90)
	bus.data = append([]byte(nil), sector...)
	c.Regs[CX] = 16
	c.Regs[DI] = 0xFFF0
	runToIP(t, c, 0x102)
	if bus.calls != 2 || bus.ins16 != 0 || c.Regs[DI] != 0x0010 || c.Regs[CX] != 0 {
		t.Errorf("wrap: bulk calls=%d In16 calls=%d DI=%04X, want 2, 0, 0010", bus.calls, bus.ins16, c.Regs[DI])
	}
	// A word straddling the segment end cannot go in bulk.
	c, _, bus = newBulk(t, 1<<20, 0xF3, 0x6D, 0x90)
	bus.data = append([]byte(nil), sector...)
	bus.in16 = []uint16{0xBEEF}
	c.Regs[CX] = 3
	c.Regs[DI] = 0xFFFF
	runToIP(t, c, 0x102)
	if bus.ins16 != 1 || bus.calls != 1 || c.Regs[DI] != 0x0005 {
		t.Errorf("straddle: In16 calls=%d bulk calls=%d DI=%04X", bus.ins16, bus.calls, c.Regs[DI])
	}

	// Fallback: no bulk path for the port.
	c, ram, bus = newBulk(t, 0, 0xF3, 0x6D, 0x90)
	bus.in16 = []uint16{0x1111, 0x2222, 0x3333}
	c.Regs[CX] = 3
	runToIP(t, c, 0x102)
	if bus.ins16 != 3 || ram[0x20000] != 0x11 || ram[0x20005] != 0x33 {
		t.Errorf("fallback: In16 calls=%d", bus.ins16)
	}

	// Partial bulk: the device takes 4 bytes, the rest is element by element.
	c, _, bus = newBulk(t, 4, 0xF3, 0x6D, 0x90)
	bus.data = append([]byte(nil), sector...)
	c.Regs[CX] = 5
	runToIP(t, c, 0x102)
	if c.Regs[CX] != 0 || c.Regs[DI] != 10 {
		t.Errorf("partial: CX=%d DI=%04X", c.Regs[CX], c.Regs[DI])
	}
}

func TestBulkOUTSW(t *testing.T) {
	c, ram, bus := newBulk(t, 1<<20, 0x26, 0xF3, 0x6F, 0x90) // ES: REP OUTSW
	copy(ram[0x20000:], "ABCDEFGH")
	c.Regs[CX] = 4
	c.Regs[SI] = 0
	step(t, c, 1)
	if string(bus.written) != "ABCDEFGH" || c.Regs[SI] != 8 || c.IP != 0x103 {
		t.Errorf("wrote %q SI=%04X IP=%04X", bus.written, c.Regs[SI], c.IP)
	}
	// Fallback to Out16.
	c, ram, bus = newBulk(t, 0, 0xF3, 0x6F, 0x90)
	copy(ram[0x30000:], "\x01\x02\x03\x04")
	c.Regs[CX] = 2
	runToIP(t, c, 0x102)
	if len(bus.out16) != 2 || bus.out16[0] != 0x0201 || bus.out16[1] != 0x0403 {
		t.Errorf("Out16 calls %04X", bus.out16)
	}
}

func TestStopFromCallback(t *testing.T) {
	c, _, bus := newTest(t, Model8086, 0xE6, 0x80, 0x40, 0x40, 0xEB, 0xFE) // OUT 80h,AL; INC AX; INC AX; JMP $
	bus.onOut8 = func(port uint16, v uint8) { c.Stop() }
	n, err := c.Run(100)
	if err != nil || n != 1 || c.IP != 0x102 {
		t.Fatalf("Run = %d, %v; IP=%04X; want 1 and 0102", n, err, c.IP)
	}
	if n, _ := c.Run(3); n != 3 || c.Regs[AX] != 2 {
		t.Errorf("Run after Stop = %d, AX=%d", n, c.Regs[AX])
	}
	for _, n := range []int{0, -1} {
		if got, err := c.Run(n); got != 0 || err != nil {
			t.Errorf("Run(%d) = %d, %v", n, got, err)
		}
	}
}

// The Go BIOS is entered from OUT imm8,AL and changes registers, IP and
// flags from inside the callback; the CPU must see those changes.
func TestCallbackChangesState(t *testing.T) {
	c, _, bus := newTest(t, Model8086, 0xE6, 0x42, 0x90, 0x90, 0xF4, 0x40) // OUT 42h,AL; NOP; NOP; HLT; INC AX
	bus.onOut8 = func(port uint16, v uint8) {
		if c.IP != 0x102 {
			t.Errorf("IP inside the callback = %04X, want 0102 (past the OUT)", c.IP)
		}
		c.Regs[AX] = 0x1234
		c.SetFlags(c.Flags() | FlagCF)
		c.IP = 0x105 // skip to INC AX
	}
	step(t, c, 2)
	if c.Regs[AX] != 0x1235 || c.Flags()&FlagCF == 0 {
		t.Errorf("AX=%04X flags=%04X, want 1235 with CF", c.Regs[AX], c.Flags())
	}
}

func TestA20(t *testing.T) {
	c, ram, _ := newTest(t, Model80286, 0xA0, 0x10, 0x00) // MOV AL,[0010]
	ram[0x000000] = 0x11
	ram[0x100000] = 0x22
	c.Segs[DS] = 0xFFFF
	step(t, c, 1)
	if al := uint8(c.Regs[AX]); al != 0x11 {
		t.Errorf("A20 off after reset: AL=%02X, want 11 (wrap)", al)
	}
	c.SetA20(true)
	c.IP = 0x100
	step(t, c, 1)
	if al := uint8(c.Regs[AX]); al != 0x22 {
		t.Errorf("A20 on: AL=%02X, want 22 (HMA)", al)
	}
	c.SetA20(false)
	c.IP = 0x100
	step(t, c, 1)
	if al := uint8(c.Regs[AX]); al != 0x11 {
		t.Errorf("A20 off again: AL=%02X, want 11", al)
	}
	// The 8086 always wraps.
	c8, ram8, _ := newTest(t, Model8086, 0xA0, 0x10, 0x00)
	ram8[0] = 0x33
	ram8[0x100000] = 0x44
	c8.SetA20(true)
	c8.Segs[DS] = 0xFFFF
	step(t, c8, 1)
	if al := uint8(c8.Regs[AX]); al != 0x33 {
		t.Errorf("8086: AL=%02X, want 33", al)
	}
}

func TestResetVectors(t *testing.T) {
	for _, tc := range []struct {
		m       Model
		cs, ip  uint16
		flagsHi uint16
	}{{Model8086, 0xFFFF, 0, 0xF000}, {Model80186, 0xFFFF, 0, 0xF000}, {Model80286, 0xF000, 0xFFF0, 0}} {
		c := New(tc.m, make([]byte, 0x1000), &testBus{})
		if c.Segs[CS] != tc.cs || c.IP != tc.ip || c.Flags() != tc.flagsHi|2 || c.Model() != tc.m {
			t.Errorf("model %d: reset %04X:%04X flags %04X", tc.m, c.Segs[CS], c.IP, c.Flags())
		}
	}
}

func TestUndefinedOpcode186(t *testing.T) {
	c, ram, _ := newTest(t, Model80186, 0x0F, 0x0B) // 0F on the 186: #UD
	step(t, c, 1)
	if c.IP != 6*4 || stackWord(c, ram, 0) != 0x100 {
		t.Errorf("IP=%04X pushed %04X, want INT 6 with the faulting IP", c.IP, stackWord(c, ram, 0))
	}
	// The 8086 runs 0F as POP CS.
	c, _, _ = newTest(t, Model8086, 0x0F)
	ram86 := c.ram
	ram86[0x1000], ram86[0x1001] = 0x34, 0x12
	step(t, c, 1)
	if c.Segs[CS] != 0x1234 {
		t.Errorf("8086 POP CS: CS=%04X", c.Segs[CS])
	}
}

func TestProtectedModeIsAnError(t *testing.T) {
	c, _, _ := newTest(t, Model80286, 0xB8, 0x01, 0x00, 0x0F, 0x01, 0xF0) // MOV AX,1; LMSW AX
	step(t, c, 1)
	err := c.Step()
	if err == nil || !strings.Contains(err.Error(), "LMSW") || !strings.Contains(err.Error(), "0000:0103") {
		t.Fatalf("err = %v, want an LMSW error at 0000:0103", err)
	}
	if _, err := c.Run(10); err == nil {
		t.Fatal("Run after the error did not report it again")
	}
	// SMSW reads the upper bits as ones.
	c, _, _ = newTest(t, Model80286, 0x0F, 0x01, 0xE0) // SMSW AX
	step(t, c, 1)
	if c.Regs[AX] != 0xFFF0 {
		t.Errorf("SMSW = %04X, want FFF0", c.Regs[AX])
	}
}

func TestInterruptMethod(t *testing.T) {
	c, ram, _ := newTest(t, Model8086)
	c.SetFlags(FlagIF | FlagCF)
	c.Interrupt(0x13)
	if c.Segs[CS] != 0x9000 || c.IP != 0x13*4 || c.Flags()&FlagIF != 0 {
		t.Errorf("CS:IP=%04X:%04X flags=%04X", c.Segs[CS], c.IP, c.Flags())
	}
	if stackWord(c, ram, 0) != 0x100 || stackWord(c, ram, 1) != 0 || stackWord(c, ram, 2)&(FlagIF|FlagCF) != FlagIF|FlagCF {
		t.Errorf("frame %04X %04X %04X", stackWord(c, ram, 0), stackWord(c, ram, 1), stackWord(c, ram, 2))
	}
}
