package cpu

import (
	"testing"
)

// The debugger's hooks (debug.go): breakpoints exact with the block cache,
// watched memory exact through string instructions and bulk runs, and the
// instruction and interrupt hooks.

// countLoop is a loop of four instructions at 0105h, run 1000h times:
//
//	0100 B9 00 10   mov cx, 1000h
//	0103 31 C0      xor ax, ax
//	0105 40         inc ax
//	0106 01 C3      add bx, ax
//	0108 43         inc bx
//	0109 E2 FA      loop 0105h
//	010B F4         hlt
var countLoop = []byte{0xB9, 0x00, 0x10, 0x31, 0xC0, 0x40, 0x01, 0xC3, 0x43, 0xE2, 0xFA, 0xF4}

// stepUntil single-steps c until IP is ip with at least min instructions
// run, and returns the count.
func stepUntil(t *testing.T, c *CPU, ip uint16, min uint64) uint64 {
	t.Helper()
	for i := 0; i < 1e6; i++ {
		if c.IP == ip && c.Instructions >= min {
			return c.Instructions
		}
		if err := c.Step(); err != nil {
			t.Fatal(err)
		}
	}
	t.Fatalf("IP never reached %04X", ip)
	return 0
}

func TestBreakpointInsideCachedBlock(t *testing.T) {
	for _, m := range []Model{Model8086, Model80186, Model80286} {
		c, _, _ := newTest(t, m, countLoop...)
		ref, _, _ := newTest(t, m, countLoop...)
		// Long enough for the cache to exist and hold the loop's block.
		if _, err := c.Run(5000); err != nil {
			t.Fatal(err)
		}
		if c.blocks == nil {
			t.Fatal("the block cache was not made")
		}
		c.SetBreakpoints([]uint32{0x108}) // the third instruction of the loop's block
		want := stepUntil(t, ref, 0x108, 5000)
		for round := 0; round < 3; round++ {
			n, err := c.Run(1 << 20)
			if err != nil {
				t.Fatal(err)
			}
			if !c.StoppedAtBreakpoint() || c.IP != 0x108 || c.Instructions != want {
				t.Fatalf("model %d round %d: stopped=%v at %04X after %d instructions (ran %d), want the breakpoint at 0108 after %d",
					m, round, c.StoppedAtBreakpoint(), c.IP, c.Instructions, n, want)
			}
			if c.Regs != ref.Regs || c.Flags() != ref.Flags() {
				t.Fatalf("model %d: registers %04X flags %04X, stepping gives %04X %04X", m, c.Regs, c.Flags(), ref.Regs, ref.Flags())
			}
			// Without stepping off, the CPU stays where it is.
			if n, _ := c.Run(100); n != 0 || !c.StoppedAtBreakpoint() {
				t.Fatalf("ran %d instructions past a breakpoint it did not step off", n)
			}
			c.StepOffBreakpoint()
			if err := ref.Step(); err != nil {
				t.Fatal(err)
			}
			want = stepUntil(t, ref, 0x108, ref.Instructions)
		}
		// Removing it lets the loop run to its end.
		c.SetBreakpoints(nil)
		c.Run(1 << 20)
		if !c.Halted() || c.StoppedAtBreakpoint() {
			t.Fatalf("model %d: did not run to HLT without breakpoints", m)
		}
	}
}

func TestBreakpointAtSelfLoop(t *testing.T) {
	// 0100 41      inc cx
	// 0101 EB FE   jmp 0101h (a block that jumps to its own start)
	c, _, _ := newTest(t, Model80286, 0x41, 0xEB, 0xFE)
	c.Run(3000)
	c.SetBreakpoints([]uint32{0x101})
	c.Run(100)
	at := c.Instructions
	for i := 0; i < 3; i++ {
		c.StepOffBreakpoint()
		n, _ := c.Run(100)
		if n != 1 || !c.StoppedAtBreakpoint() || c.Instructions != at+uint64(i+1) {
			t.Fatalf("step %d off the breakpoint at JMP $: ran %d (stopped %v), want 1 and a stop", i, n, c.StoppedAtBreakpoint())
		}
	}
}

func TestBreakpointRepNotBetweenIterations(t *testing.T) {
	// 0100 B9 40 00   mov cx, 40h
	// 0103 F3 AA      rep stosb   (ES:DI = 0000:2000)
	// 0105 F4         hlt
	c, _, _ := newTest(t, Model80286, 0xB9, 0x40, 0x00, 0xF3, 0xAA, 0xF4)
	c.Regs[DI] = 0x2000
	c.SetBreakpoints([]uint32{0x103})
	c.Run(100)
	if !c.StoppedAtBreakpoint() || c.IP != 0x103 || c.Regs[CX] != 0x40 {
		t.Fatalf("not stopped before REP STOSB: %04X CX=%04X", c.IP, c.Regs[CX])
	}
	c.StepOffBreakpoint()
	// Short runs end between iterations; resuming there is no new
	// instruction and must not stop.
	for i := 0; i < 100 && !c.Halted(); i++ {
		c.Run(7)
		if c.StoppedAtBreakpoint() {
			t.Fatalf("stopped again inside REP STOSB at CX=%04X", c.Regs[CX])
		}
	}
	if !c.Halted() || c.Regs[CX] != 0 {
		t.Fatalf("REP STOSB did not complete: CX=%04X", c.Regs[CX])
	}
}

func TestBreakpointUncachedCode(t *testing.T) {
	// Code at the very end of a segment is decoded one instruction at a
	// time (blockAt's decodeOne); a breakpoint there still stops.
	c, ram, _ := newTest(t, Model8086)
	copy(ram[0xFFFE:], []byte{0x90, 0x90}) // 0000:FFFE nop; nop (wraps to 0000:0000)
	c.IP = 0xFFFE
	c.SetBreakpoints([]uint32{0xFFFF})
	c.Run(10)
	if !c.StoppedAtBreakpoint() || c.IP != 0xFFFF || c.Instructions != 1 {
		t.Fatalf("stopped %v at %04X after %d", c.StoppedAtBreakpoint(), c.IP, c.Instructions)
	}
}

// watchBus serves RAM and a video window to a CPU watching memory, and
// stops it when a watched byte is written.
type watchBus struct {
	testBus
	c       *CPU
	ram     []byte
	video   [0x10000]byte // A0000h-AFFFFh
	watch   uint32        // the watched byte
	hits    int
	hitAt   uint64 // Instructions at the first hit
	bulkIns int    // InsBulk calls
	bulkMem int    // StoreBulk/MoveBulk calls
	port    uint16 // the port In16 reads: a counter
	next    uint16
}

func (b *watchBus) Read8(a uint32) uint8 {
	if a >= 0xA0000 && a < 0xB0000 {
		return b.video[a-0xA0000]
	}
	return b.ram[a]
}
func (b *watchBus) Write8(a uint32, v uint8) {
	if a == b.watch {
		if b.hits == 0 {
			b.hitAt = b.c.Instructions
		}
		b.hits++
		b.c.Stop()
	}
	if a >= 0xA0000 && a < 0xB0000 {
		b.video[a-0xA0000] = v
		return
	}
	b.ram[a] = v
}
func (b *watchBus) CodeBytes(a uint32) []byte {
	if a < 0xA0000 {
		return b.ram[a:0xA0000]
	}
	return nil
}
func (b *watchBus) In16(uint16) uint16 { b.next++; return b.next }
func (b *watchBus) InsBulk(port uint16, width int, dst []byte) int {
	b.bulkIns++
	for i := 0; i+1 < len(dst); i += 2 {
		b.next++
		dst[i], dst[i+1] = byte(b.next), byte(b.next>>8)
	}
	return len(dst) &^ 1
}
func (b *watchBus) OutsBulk(uint16, int, []byte) int { return 0 }
func (b *watchBus) StoreBulk(dst uint32, v []byte, count int) int {
	b.bulkMem++
	return 0
}
func (b *watchBus) MoveBulk(dst, src uint32, width, count int) int { b.bulkMem++; return 0 }

func newWatchTest(t *testing.T, code ...byte) (*CPU, *watchBus) {
	t.Helper()
	ram := make([]byte, 0xA0000)
	b := &watchBus{ram: ram}
	c := New(Model80286, ram, b)
	b.c = c
	copy(ram[0x100:], code)
	c.Segs = [4]uint16{}
	c.IP, c.Regs[SP] = 0x100, 0x1000
	return c, b
}

func TestWatchStringInstructions(t *testing.T) {
	for _, tc := range []struct {
		name  string
		code  []byte
		es    uint16
		watch uint32 // watched linear address
		iter  int    // the iteration (from 1) that writes it
		width int
	}{
		// mov cx, 100h; rep stosb; hlt  (ES:DI = 0000:2000)
		{"rep stosb to RAM", []byte{0xB9, 0x00, 0x01, 0xF3, 0xAA, 0xF4}, 0, 0x2000 + 0x37, 0x38, 1},
		// mov cx, 100h; rep insw; hlt  (the IDE path's bulk run)
		{"rep insw to RAM", []byte{0xB9, 0x00, 0x01, 0xF3, 0x6D, 0xF4}, 0, 0x2000 + 0x81, 0x41, 2},
		// mov cx, 100h; rep stosw; hlt into the video window (ES = A000h)
		{"rep stosw to video memory", []byte{0xB9, 0x00, 0x01, 0xF3, 0xAB, 0xF4}, 0xA000, 0xA2000 + 0x10, 9, 2},
		// mov cx, 100h; rep movsb; hlt from DS:SI = 0000:0000
		{"rep movsb to video memory", []byte{0xB9, 0x00, 0x01, 0xF3, 0xA4, 0xF4}, 0xA000, 0xA2000 + 0xFE, 0xFF, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, b := newWatchTest(t, tc.code...)
			c.Segs[ES], c.Regs[DI] = tc.es, 0x2000
			b.watch = tc.watch
			c.WatchMemory(true)
			n, err := c.Run(1 << 20)
			if err != nil {
				t.Fatal(err)
			}
			// mov cx is one instruction, each iteration another.
			if b.hits != 1 || n != 1+tc.iter || c.Regs[CX] != uint16(0x100-tc.iter) ||
				c.Regs[DI] != uint16(0x2000+tc.iter*tc.width) {
				t.Fatalf("hits %d, stopped after %d instructions with CX=%04X DI=%04X; want 1 hit, %d, CX=%04X DI=%04X",
					b.hits, n, c.Regs[CX], c.Regs[DI], 1+tc.iter, 0x100-tc.iter, 0x2000+tc.iter*tc.width)
			}
			if c.IP != 0x103 {
				t.Fatalf("IP %04X after the hit, want 0103 (the REP instruction, to resume)", c.IP)
			}
			if b.bulkIns+b.bulkMem != 0 {
				t.Fatalf("a bulk run was offered while watching (%d, %d)", b.bulkIns, b.bulkMem)
			}
			// Resuming completes the instruction exactly.
			c.Run(1 << 20)
			if !c.Halted() || c.Regs[CX] != 0 || c.Regs[DI] != uint16(0x2000+0x100*tc.width) {
				t.Fatalf("resumed: halted %v CX=%04X DI=%04X", c.Halted(), c.Regs[CX], c.Regs[DI])
			}
			c.WatchMemory(false)
			if c.ramEnd != 0xA0000 {
				t.Fatalf("ramEnd %X after watching ends", c.ramEnd)
			}
		})
	}
}

func TestWatchInsideBlock(t *testing.T) {
	// A store in the middle of a straight run stops right after itself.
	//   0100 40              inc ax
	//   0101 A3 00 30        mov [3000h], ax
	//   0104 40              inc ax
	//   0105 40              inc ax
	//   0106 EB F8           jmp 0100h
	c, b := newWatchTest(t, 0x40, 0xA3, 0x00, 0x30, 0x40, 0x40, 0xEB, 0xF8)
	c.Run(4000) // the loop's block cached
	b.watch = 0x3001
	c.WatchMemory(true)
	c.Run(1 << 20)
	if b.hits != 1 || c.IP != 0x104 {
		t.Fatalf("hits %d, stopped at %04X; want one, at 0104", b.hits, c.IP)
	}
}

func TestInstructionHook(t *testing.T) {
	c, _, _ := newTest(t, Model80286, countLoop...)
	ref, _, _ := newTest(t, Model80286, countLoop...)
	var calls uint64
	var lastIP uint16 = 0xFFFF
	ips := map[uint16]int{}
	c.SetInstructionHook(func() {
		calls++
		lastIP = c.IP
		ips[c.IP]++
	})
	c.Run(1 << 20)
	ref.Run(1 << 20)
	if c.Regs != ref.Regs || c.Instructions != ref.Instructions || !c.Halted() {
		t.Fatalf("with the hook: %04X after %d; without: %04X after %d", c.Regs, c.Instructions, ref.Regs, ref.Instructions)
	}
	if calls != c.Instructions || lastIP != 0x10B || ips[0x105] != 0x1000 {
		t.Fatalf("hook called %d times (last at %04X, %d at the loop), want once per instruction (%d)", calls, lastIP, ips[0x105], c.Instructions)
	}
	c.SetInstructionHook(nil)
	if c.events&evDebug != 0 {
		t.Fatal("evDebug still raised")
	}
}

func TestInterruptHook(t *testing.T) {
	// int 21h; mov bl, 0; div bl (divide error; the 8086 returns past
	// it); sti; hlt, then an IRQ.
	c, _, _ := newTest(t, Model8086, 0xCD, 0x21, 0xB3, 0x00, 0xF6, 0xF3, 0xFB, 0xF4, 0xF4)
	type ev struct {
		vec  uint8
		kind InterruptKind
	}
	var got []ev
	c.SetInterruptHook(func(v uint8, k InterruptKind) { got = append(got, ev{v, k}) })
	p := &pic{vector: 0x08}
	c.SetInterruptController(p)
	c.Run(20) // to the HLT after STI
	c.SetINTR(true)
	c.Step()
	want := []ev{{0x21, IntSoftware}, {0, IntException}, {0x08, IntExternal}}
	if len(got) != len(want) {
		t.Fatalf("interrupts %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("interrupts %v, want %v", got, want)
		}
	}
}
