package bios

import (
	"testing"

	"pcemu/cpu"
)

func kbdPC(t *testing.T) *testPC {
	t.Helper()
	pc := newTestPC(t, testConfig{})
	pc.ready()
	return pc
}

// readKey types the scancodes and returns INT 16h fn's AX.
func (pc *testPC) readKey(fn uint8, sc ...uint8) uint16 {
	pc.t.Helper()
	pc.typeScancodes(sc...)
	if !pc.callWaiting(0x16, func(c *cpu.CPU) { c.Regs[cpu.AX] = uint16(fn) << 8 }, func(int) {}, 0) {
		pc.t.Fatalf("INT 16h AH=%02Xh did not return after scancodes % X", fn, sc)
	}
	return pc.cpu.Regs[cpu.AX]
}

func TestKeyTranslation(t *testing.T) {
	cases := []struct {
		name string
		fn   uint8
		sc   []uint8
		want uint16
	}{
		{"a", 0x00, []uint8{0x1E, 0x9E}, 0x1E61},
		{"Shift-a", 0x00, []uint8{0x2A, 0x1E, 0x9E, 0xAA}, 0x1E41},
		{"Ctrl-C", 0x00, []uint8{0x1D, 0x2E, 0xAE, 0x9D}, 0x2E03},
		{"Alt-X", 0x00, []uint8{0x38, 0x2D, 0xAD, 0xB8}, 0x2D00},
		{"Enter", 0x00, []uint8{0x1C, 0x9C}, 0x1C0D},
		{"Esc", 0x00, []uint8{0x01, 0x81}, 0x011B},
		{"Backspace", 0x00, []uint8{0x0E, 0x8E}, 0x0E08},
		{"Shift-1", 0x00, []uint8{0x36, 0x02, 0x82, 0xB6}, 0x0221},
		{"backslash", 0x00, []uint8{0x2B, 0xAB}, 0x2B5C},
		{"F1", 0x00, []uint8{0x3B, 0xBB}, 0x3B00},
		{"Shift-F10", 0x00, []uint8{0x2A, 0x44, 0xC4, 0xAA}, 0x5D00},
		{"Alt-F1", 0x00, []uint8{0x38, 0x3B, 0xBB, 0xB8}, 0x6800},
		{"F12 extended", 0x10, []uint8{0x58, 0xD8}, 0x8600},
		{"grey Up, extended", 0x10, []uint8{0xE0, 0x48, 0xE0, 0xC8}, 0x48E0},
		{"grey Up, standard", 0x00, []uint8{0xE0, 0x48, 0xE0, 0xC8}, 0x4800},
		{"keypad Up", 0x00, []uint8{0x48, 0xC8}, 0x4800},
		{"grey Enter, standard", 0x00, []uint8{0xE0, 0x1C, 0xE0, 0x9C}, 0x1C0D},
		{"grey Enter, extended", 0x10, []uint8{0xE0, 0x1C, 0xE0, 0x9C}, 0xE00D},
		{"grey /, standard", 0x00, []uint8{0xE0, 0x35, 0xE0, 0xB5}, 0x352F},
		{"Ctrl-Right", 0x00, []uint8{0x1D, 0xE0, 0x4D, 0xE0, 0xCD, 0x9D}, 0x7400},
		{"grey Del with fake shift", 0x10, []uint8{0xE0, 0x2A, 0xE0, 0x53, 0xE0, 0xD3, 0xE0, 0xAA}, 0x53E0},
		{"Alt-Backspace extended", 0x10, []uint8{0x38, 0x0E, 0x8E, 0xB8}, 0x0E00},
		{"Alt keypad 65", 0x00, []uint8{0x38, 0x4D, 0xCD, 0x4C, 0xCC, 0xB8}, 0x0041},
		{"Ctrl-2 (NUL)", 0x00, []uint8{0x1D, 0x03, 0x83, 0x9D}, 0x0300},
	}
	for _, c := range cases {
		pc := kbdPC(t)
		if got := pc.readKey(c.fn, c.sc...); got != c.want {
			t.Errorf("%s: AX=%04X, want %04X", c.name, got, c.want)
		}
	}
}

func TestKeyLocks(t *testing.T) {
	pc := kbdPC(t)
	// Caps Lock: letters upper case, Shift inverts, digits unaffected.
	pc.typeScancodes(0x3A, 0xBA)
	if got := pc.readKey(0x00, 0x1E, 0x9E); got != 0x1E41 {
		t.Errorf("Caps Lock a: %04X", got)
	}
	if got := pc.readKey(0x00, 0x2A, 0x1E, 0x9E, 0xAA); got != 0x1E61 {
		t.Errorf("Caps Lock Shift-a: %04X", got)
	}
	if got := pc.readKey(0x00, 0x02, 0x82); got != 0x0231 {
		t.Errorf("Caps Lock 1: %04X", got)
	}
	if pc.ram[0x417]&kfCaps == 0 {
		t.Errorf("shift flags %02X lack Caps Lock", pc.ram[0x417])
	}
	// Num Lock: the keypad types digits; Shift gives the cursor keys back.
	pc.typeScancodes(0x45, 0xC5)
	if got := pc.readKey(0x00, 0x4F, 0xCF); got != 0x4F31 {
		t.Errorf("Num Lock keypad 1: %04X", got)
	}
	if got := pc.readKey(0x00, 0x2A, 0x4F, 0xCF, 0xAA); got != 0x4F00 {
		t.Errorf("Num Lock Shift-keypad 1: %04X", got)
	}
	// Insert toggles the insert state.
	pc.typeScancodes(0xE0, 0x52, 0xE0, 0xD2)
	pc.settle()
	if pc.ram[0x417]&kfInsert == 0 {
		t.Errorf("Insert did not toggle: %02X", pc.ram[0x417])
	}
	// AH=02h and AH=12h with Left Shift and Right Ctrl held.
	pc.typeScancodes(0x2A, 0xE0, 0x1D)
	pc.settle()
	pc.call(0x16, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0200 })
	if al := uint8(pc.cpu.Regs[cpu.AX]); al != kfInsert|kfNum|kfCaps|kfCtrl|kfLShift {
		t.Errorf("AH=02h: %02X", al)
	}
	pc.call(0x16, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x1200 })
	if ah := pc.ah(); ah != 0x04 {
		t.Errorf("AH=12h: AH=%02X, want 04 (right Ctrl)", ah)
	}
}

func TestKeyBufferServices(t *testing.T) {
	pc := kbdPC(t)
	// AH=01h: nothing there.
	pc.call(0x16, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0100 })
	if pc.cpu.Flags()&cpu.FlagZF == 0 {
		t.Error("AH=01h with an empty buffer: ZF clear")
	}
	// AH=05h stores, AH=01h peeks without removing, AH=00h removes.
	pc.call(0x16, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0500; c.Regs[cpu.CX] = 0x1234 })
	if uint8(pc.cpu.Regs[cpu.AX]) != 0 {
		t.Error("AH=05h failed on an empty buffer")
	}
	for i := 0; i < 2; i++ {
		pc.call(0x16, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0100 })
		if pc.cpu.Flags()&cpu.FlagZF != 0 || pc.cpu.Regs[cpu.AX] != 0x1234 {
			t.Errorf("AH=01h: ZF set or AX=%04X", pc.cpu.Regs[cpu.AX])
		}
	}
	if got := pc.readKey(0x00); got != 0x1234 {
		t.Errorf("AH=00h after AH=05h: %04X", got)
	}
	// The buffer holds 15 keys.
	for i := 0; i < 16; i++ {
		pc.call(0x16, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0500; c.Regs[cpu.CX] = uint16(0x1000 + i) })
		full := uint8(pc.cpu.Regs[cpu.AX]) == 1
		if full != (i == 15) {
			t.Errorf("AH=05h key %d: full=%v", i, full)
		}
	}
	for i := 0; i < 15; i++ {
		if got := pc.readKey(0x10); got != uint16(0x1000+i) {
			t.Errorf("key %d: %04X", i, got)
		}
	}
	// AH=01h hides (and drops) extended-only keys; AH=11h shows them.
	pc.typeScancodes(0x57, 0xD7)
	pc.settle()
	pc.call(0x16, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x1100 })
	if pc.cpu.Flags()&cpu.FlagZF != 0 || pc.cpu.Regs[cpu.AX] != 0x8500 {
		t.Errorf("AH=11h F11: AX=%04X", pc.cpu.Regs[cpu.AX])
	}
	pc.call(0x16, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0100 })
	if pc.cpu.Flags()&cpu.FlagZF == 0 {
		t.Errorf("AH=01h F11: visible as %04X", pc.cpu.Regs[cpu.AX])
	}
	// AH=00h waits with interrupts on until a key arrives.
	rounds := 0
	ok := pc.callWaiting(0x16, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0 }, func(r int) {
		rounds++
		if r == 3 {
			pc.typeScancodes(0x30, 0xB0)
		} else {
			pc.pic.raise(0) // timer ticks meanwhile
		}
	}, 10)
	if !ok || pc.cpu.Regs[cpu.AX] != 0x3062 || rounds != 4 {
		t.Errorf("waiting AH=00h: returned %v AX=%04X after %d rounds", ok, pc.cpu.Regs[cpu.AX], rounds)
	}
}

func TestKeySpecials(t *testing.T) {
	// Ctrl-Alt-Del reboots through the machine's reset.
	pc := kbdPC(t)
	pc.typeScancodes(0x1D, 0x38, 0x53)
	pc.callWaiting(0x16, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0000 }, func(int) {}, 0)
	if pc.resets != 1 {
		t.Errorf("Ctrl-Alt-Del: %d resets", pc.resets)
	}
	// Without a machine reset, the BIOS restarts at the reset entry with
	// the warm boot flag.
	pc.bios.cfg.Reset = nil
	pc.typeScancodes(0x9D, 0xB8, 0xD3, 0x1D, 0x38, 0x53)
	pc.callWaiting(0x16, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0000 }, func(int) {}, 0)
	if pc.noBoot = ""; pc.ram[0x472] != 0x34 || pc.ram[0x473] != 0x12 {
		t.Errorf("warm boot flag %02X%02X", pc.ram[0x473], pc.ram[0x472])
	}
	// Ctrl-Break: INT 1Bh is called, the buffer holds 0000h.
	pc = kbdPC(t)
	copy(pc.ram[0x700:], []byte{0x2E, 0xC6, 0x06, 0xFF, 0x06, 0x01, 0xCF}) // mov byte [cs:6FFh],1; iret
	pc.ram[0x1B*4], pc.ram[0x1B*4+1], pc.ram[0x1B*4+2], pc.ram[0x1B*4+3] = 0x00, 0x07, 0, 0
	pc.typeScancodes(0x1D, 0xE0, 0x46, 0xE0, 0xC6, 0x9D)
	pc.settle()
	if pc.ram[0x6FF] != 1 || pc.ram[0x471]&0x80 == 0 {
		t.Errorf("Ctrl-Break: INT 1Bh flag %d, BDA break %02X", pc.ram[0x6FF], pc.ram[0x471])
	}
	if got := pc.readKey(0x00); got != 0x0000 {
		t.Errorf("Ctrl-Break key %04X, want 0000", got)
	}
	// INT 15h AH=4Fh can swallow a key: a hook that clears CF for 'a'.
	pc = kbdPC(t)
	hook := []byte{0x3C, 0x1E, 0x75, 0x04, 0xF8, 0xCA, 0x02, 0x00, 0xF9, 0xCA, 0x02, 0x00}
	copy(pc.ram[0x720:], hook)
	pc.ram[0x15*4], pc.ram[0x15*4+1], pc.ram[0x15*4+2], pc.ram[0x15*4+3] = 0x20, 0x07, 0, 0
	if got := pc.readKey(0x00, 0x1E, 0x9E, 0x30, 0xB0); got != 0x3062 {
		t.Errorf("with the intercept hook: %04X, want 3062 (b)", got)
	}
	// Every IRQ 1 ends with an EOI and the keyboard re-enabled.
	if pc.kbc.disabled || pc.pic.isr[0] != 0 {
		t.Errorf("after INT 09h: keyboard disabled %v, ISR %02X", pc.kbc.disabled, pc.pic.isr[0])
	}
	// Pause holds INT 09h until the next key, which is then dropped.
	pc = kbdPC(t)
	pc.typeScancodes(0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5)
	rounds := 0
	ok := pc.callWaiting(0x16, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0000 }, func(r int) {
		rounds++
		if r == 2 {
			pc.typeScancodes(0x1E, 0x9E, 0x30, 0xB0)
		}
	}, 5)
	if !ok || rounds != 3 || pc.cpu.Regs[cpu.AX] != 0x3062 {
		t.Errorf("Pause: returned %v after %d rounds with AX=%04X, want 3 rounds and 3062", ok, rounds, pc.cpu.Regs[cpu.AX])
	}
}
