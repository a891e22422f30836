package cpu

// Self-modifying code: whatever the run loop caches of the instruction
// stream, a write to code must be seen by the next fetch of it. pcemu
// models no prefetch queue (as QEMU and DOSBox's cores do not): a byte
// written before the CPU decodes it runs, even within the 8086's six
// bytes (the 8088's four, the 286's six) ahead of IP, where a real CPU
// may already hold the old byte. These tests run long Run calls, so that
// the loop's own path (not Step) decides.

import (
	"testing"
	"unsafe"
)

func runUntilHalt(t *testing.T, c *CPU) {
	t.Helper()
	c.coldBlocks = coldBlocks // decoded blocks from the first instruction
	for i := 0; i < 100 && !c.Halted(); i++ {
		if _, err := c.Run(10000); err != nil {
			t.Fatal(err)
		}
	}
	if !c.Halted() {
		t.Fatalf("did not halt (CS:IP %04X:%04X)", c.Segs[CS], c.IP)
	}
}

func TestSelfModifyingCode(t *testing.T) {
	for _, m := range []Model{Model8086, Model80186, Model80286} {
		// A patched immediate: the loop runs MOV AX,1111h, patches its
		// immediate to 2222h and runs it again.
		//   0100 B8 11 11        mov ax, 1111h
		//   0103 41              inc cx
		//   0104 83 F9 02        cmp cx, 2
		//   0107 74 09           je done
		//   0109 2E C7 06 01 01 22 22  mov word [cs:0101h], 2222h
		//   0110 EB EE           jmp 0100h
		//   0112 F4              done: hlt
		c, _, _ := newTest(t, m, 0xB8, 0x11, 0x11, 0x41, 0x83, 0xF9, 0x02, 0x74, 0x09,
			0x2E, 0xC7, 0x06, 0x01, 0x01, 0x22, 0x22, 0xEB, 0xEE, 0xF4)
		runUntilHalt(t, c)
		if c.Regs[AX] != 0x2222 || c.Regs[CX] != 2 {
			t.Errorf("model %d, patched immediate: AX=%04X CX=%d, want 2222 2", m, c.Regs[AX], c.Regs[CX])
		}

		// A patched opcode right after the writing instruction (inside
		// any prefetch distance): the NOP at 0106 becomes INC AX.
		//   0100 2E C6 06 06 01 40   mov byte [cs:0106h], 40h
		//   0106 90                  nop -> inc ax
		//   0107 F4                  hlt
		c, _, _ = newTest(t, m, 0x2E, 0xC6, 0x06, 0x06, 0x01, 0x40, 0x90, 0xF4)
		runUntilHalt(t, c)
		if c.Regs[AX] != 1 {
			t.Errorf("model %d, patched next opcode: AX=%d, want 1", m, c.Regs[AX])
		}

		// The same four bytes ahead, after the decoder has passed over
		// them once: a loop whose second round finds INC AX in place of
		// the NOP three instructions on.
		//   0100 41                  inc cx
		//   0101 90                  nop (-> inc ax in round 2)
		//   0102 83 F9 02            cmp cx, 2
		//   0105 74 08               je 010Fh
		//   0107 2E C6 06 01 01 40   mov byte [cs:0101h], 40h
		//   010D EB F1               jmp 0100h
		//   010F F4                  hlt
		c, _, _ = newTest(t, m, 0x41, 0x90, 0x83, 0xF9, 0x02, 0x74, 0x08,
			0x2E, 0xC6, 0x06, 0x01, 0x01, 0x40, 0xEB, 0xF1, 0xF4)
		runUntilHalt(t, c)
		if c.Regs[AX] != 1 || c.Regs[CX] != 2 {
			t.Errorf("model %d, patched opcode in a loop: AX=%d CX=%d, want 1 2", m, c.Regs[AX], c.Regs[CX])
		}

		// Code written by REP MOVSB over code that has run: CALL 0200h
		// (MOV AL,'A'; RET), copy MOV AL,'B'; RET over it, CALL again.
		//   0100 E8 FD 00      call 0200h
		//   0103 88 C3         mov bl, al
		//   0105 BE 20 01      mov si, 0120h
		//   0108 BF 00 02      mov di, 0200h
		//   010B B9 03 00      mov cx, 3
		//   010E FC            cld
		//   010F F3 A4         rep movsb
		//   0111 E8 EC 00      call 0200h
		//   0114 F4            hlt
		//   0120 B0 42 C3      (source: mov al,'B'; ret)
		c, ram, _ := newTest(t, m, 0xE8, 0xFD, 0x00, 0x88, 0xC3, 0xBE, 0x20, 0x01,
			0xBF, 0x00, 0x02, 0xB9, 0x03, 0x00, 0xFC, 0xF3, 0xA4, 0xE8, 0xEC, 0x00, 0xF4)
		copy(ram[0x120:], []byte{0xB0, 'B', 0xC3})
		copy(ram[0x200:], []byte{0xB0, 'A', 0xC3})
		runUntilHalt(t, c)
		if uint8(c.Regs[BX]) != 'A' || uint8(c.Regs[AX]) != 'B' {
			t.Errorf("model %d, code from REP MOVSB: BL=%c AL=%c, want A then B", m, uint8(c.Regs[BX]), uint8(c.Regs[AX]))
		}
	}
}

// TestA20OffEndsBlock: code in the HMA that turns A20 off (here through an
// OUT whose device does it, as port 92h does) goes on with the bytes the
// wrapped address now reaches, not with the rest of its decoded block.
func TestA20OffEndsBlock(t *testing.T) {
	c, ram, bus := newTest(t, Model80286)
	c.coldBlocks = coldBlocks // blocks cached from the start
	c.SetA20(true)
	copy(ram[0x100000:], []byte{0xE6, 0x42, 0x40, 0xF4}) // OUT 42h,AL; INC AX; HLT
	copy(ram[0x000002:], []byte{0x41, 0xF4})             // INC CX; HLT (the wrapped bytes)
	bus.onOut8 = func(uint16, uint8) { c.SetA20(false) }
	c.Segs[CS], c.IP = 0xFFFF, 0x0010
	c.Regs[AX], c.Regs[CX] = 0, 0
	runUntilHalt(t, c)
	if c.Regs[AX] != 0 || c.Regs[CX] != 1 {
		t.Errorf("AX=%d CX=%d, want 0 and 1 (INC CX from the wrapped address)", c.Regs[AX], c.Regs[CX])
	}
}

// TestBlocksAtSegmentEnd runs the same bytes as the start of a segment
// (1FFE:0000) and as its last 32 bytes (1000:FFE0), where IP wraps to
// 1000:0000: the long block the first run caches must not serve the
// second (reached by a jump, and so through follow), which must go on at
// linear 10000h, not at 20000h.
func TestBlocksAtSegmentEnd(t *testing.T) {
	for _, m := range []Model{Model8086, Model80186, Model80286} {
		c, ram, _ := newTest(t, m)
		c.coldBlocks = coldBlocks
		for i := 0x1FFE0; i < 0x20040; i += 2 {
			ram[i], ram[i+1] = 0xFF, 0xC0 // INC AX (two bytes: blocks longer than 20h bytes)
		}
		ram[0x20040] = 0xF4 // HLT after the run from 1FFE:0000
		ram[0x10000] = 0x43 // INC BX where 1000:FFFF wraps to
		ram[0x10001] = 0xF4
		c.Segs[CS], c.IP = 0x1FFE, 0
		runUntilHalt(t, c)
		if c.Regs[AX] != 0x30 {
			t.Fatalf("model %d: from 1FFE:0000 AX=%04X, want 0030", m, c.Regs[AX])
		}
		c.Reset()
		c.events = 0
		c.Regs = [8]uint16{}
		c.Segs = [4]uint16{0, 0x1000, 0, 0}
		c.IP = 0x0100 // JMP FFE0h: the run goes on into the block there (follow)
		ram[0x10100], ram[0x10101], ram[0x10102] = 0xE9, 0xDD, 0xFE
		runUntilHalt(t, c)
		if c.Regs[AX] != 0x10 || c.Regs[BX] != 1 || c.Segs[CS] != 0x1000 || c.IP != 0x0002 {
			t.Errorf("model %d: from 1000:FFE0 AX=%04X BX=%04X CS:IP %04X:%04X, want 0010 0001 1000:0002",
				m, c.Regs[AX], c.Regs[BX], c.Segs[CS], c.IP)
		}
	}
}

// TestRewriteSameBytes patches an opcode ahead of IP within one block with
// the byte already there (the block may go on, as for FreeDOS's intr(),
// which writes its INT number before every call) and then with another
// (the block must end so that the new one runs): a loop of two rounds.
//
//	0100 B0 40              mov al, 40h          round 1: INC AX (as it is)
//	0102 83 F9 01           cmp cx, 1
//	0105 75 02              jne 0109
//	0107 B0 43              mov al, 43h          round 2: INC BX
//	0109 2E A2 0F 01        mov [cs:010Fh], al
//	010D 90                 nop
//	010E 90                 nop
//	010F 40                 inc ax (patched)
//	0110 41                 inc cx
//	0111 83 F9 02           cmp cx, 2
//	0114 75 EA              jne 0100
//	0116 F4                 hlt
func TestRewriteSameBytes(t *testing.T) {
	for _, m := range []Model{Model8086, Model80186, Model80286} {
		c, _, _ := newTest(t, m, 0xB0, 0x40, 0x83, 0xF9, 0x01, 0x75, 0x02, 0xB0, 0x43,
			0x2E, 0xA2, 0x0F, 0x01, 0x90, 0x90, 0x40, 0x41, 0x83, 0xF9, 0x02, 0x75, 0xEA, 0xF4)
		runUntilHalt(t, c)
		if c.Regs[AX] != 0x43 || c.Regs[BX] != 1 || c.Regs[CX] != 2 {
			t.Errorf("model %d: AX=%04X BX=%04X CX=%04X, want 0043 0001 0002", m, c.Regs[AX], c.Regs[BX], c.Regs[CX])
		}
	}
}

// romBusCode is a bus with 64 KiB of RAM in the CPU's slice and a ROM
// at F0000h that the CPU reads code from directly (CodeMemory); the test
// changes the ROM's bytes behind the CPU's back, as a machine state load
// or shadowing would.
type romBusCode struct {
	testBus
	rom [0x10000]byte
}

func (b *romBusCode) Read8(a uint32) uint8 {
	if a >= 0xF0000 && a < 0x100000 {
		return b.rom[a-0xF0000]
	}
	return 0xFF
}

func (b *romBusCode) CodeBytes(a uint32) []byte {
	if a >= 0xF0000 && a < 0x100000 {
		return b.rom[a-0xF0000:]
	}
	return nil
}

// TestCodeMemoryBlocksSeeChanges: a block of code outside the RAM slice
// (CodeMemory) is cached and entered straight from the block before it
// (runBlock's follow); when the memory it was decoded from changes, the
// next entry runs the new bytes.
func TestCodeMemoryBlocksSeeChanges(t *testing.T) {
	for _, m := range []Model{Model8086, Model80186, Model80286} {
		bus := &romBusCode{}
		ram := make([]byte, 0x10000)
		c := New(m, ram, bus)
		//   0000:0100 9A 00 00 00 F0   call far F000:0000
		//   0000:0105 49               dec cx
		//   0000:0106 75 F8            jnz 0100h
		//   0000:0108 F4               hlt
		//   F000:0000 40               inc ax (then 43: inc bx)
		//   F000:0001 CB               retf
		copy(ram[0x100:], []byte{0x9A, 0x00, 0x00, 0x00, 0xF0, 0x49, 0x75, 0xF8, 0xF4})
		copy(bus.rom[:], []byte{0x40, 0xCB})
		run := func() {
			c.Segs = [4]uint16{0, 0, 0, 0}
			c.IP, c.Regs[SP], c.Regs[CX] = 0x100, 0x1000, 3
			c.events &^= evHalted
			runUntilHalt(t, c)
		}
		run()
		bus.rom[0] = 0x43
		run()
		if c.Regs[AX] != 3 || c.Regs[BX] != 3 {
			t.Errorf("model %d: AX=%d BX=%d, want 3 and 3 (INC AX three times, then INC BX)", m, c.Regs[AX], c.Regs[BX])
		}
	}
}

// TestBlockRefillKeepsItsRoom: decoding a block again where one was
// (the cache's entry reused) takes no new memory once the entry has room
// for it, so a program that keeps displacing its own blocks allocates
// nothing per instruction.
func TestBlockRefillKeepsItsRoom(t *testing.T) {
	c, ram, _ := newTest(t, Model80286)
	for i := range maxBlockBytes {
		ram[0x100+i] = 0x40 // INC AX: a full block
	}
	var b block
	src := unsafe.Pointer(&ram[0x100])
	c.fillBlock(&b, 0x100, src, maxBlockInsts, maxBlockBytes)
	if b.n != maxBlockInsts {
		t.Fatalf("block of %d instructions, want %d", b.n, maxBlockInsts)
	}
	if a := testing.AllocsPerRun(100, func() {
		c.fillBlock(&b, 0x100, src, maxBlockInsts, maxBlockBytes)
		c.fillBlock(&b, 0x100, src, 3, maxBlockBytes)
	}); a != 0 {
		t.Errorf("%v allocations per refill, want 0", a)
	}
}
