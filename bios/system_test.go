package bios

import (
	"testing"

	"pcemu/cpu"
)

func TestTimerTicks(t *testing.T) {
	pc := newTestPC(t, testConfig{})
	pc.ready()
	// INT 1Ch hook: inc word [cs:06F0h]; iret.
	copy(pc.ram[0x740:], []byte{0x2E, 0xFF, 0x06, 0xF0, 0x06, 0xCF})
	pc.ram[0x1C*4], pc.ram[0x1C*4+1], pc.ram[0x1C*4+2], pc.ram[0x1C*4+3] = 0x40, 0x07, 0, 0
	pc.call(0x1A, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0100; c.Regs[cpu.CX] = 0x0018; c.Regs[cpu.DX] = 0x00AE })
	eois := pc.pic.eois[0]
	for i := 0; i < 3; i++ {
		pc.pic.raise(0)
		pc.settle()
	}
	if hook := int(pc.ram[0x6F0]) | int(pc.ram[0x6F1])<<8; hook != 3 {
		t.Errorf("INT 1Ch called %d times, want 3", hook)
	}
	if pc.pic.eois[0]-eois != 3 {
		t.Errorf("%d EOIs for 3 ticks", pc.pic.eois[0]-eois)
	}
	// 1800AEh + 3 ticks: past midnight (1800B0h ticks a day) to 1.
	pc.call(0x1A, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0000 })
	r := pc.cpu.Regs
	if r[cpu.CX] != 0 || r[cpu.DX] != 1 || uint8(r[cpu.AX]) != 1 {
		t.Errorf("after midnight: CX:DX=%04X:%04X AL=%d, want 0000:0001 AL=1", r[cpu.CX], r[cpu.DX], uint8(r[cpu.AX]))
	}
	pc.call(0x1A, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0000 })
	if uint8(pc.cpu.Regs[cpu.AX]) != 0 {
		t.Error("the midnight flag was not cleared by reading")
	}
}

func TestRTC(t *testing.T) {
	pc := newTestPC(t, testConfig{})
	pc.ready()
	pc.call(0x1A, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0200 })
	if r := pc.cpu.Regs; pc.cf() || r[cpu.CX] != 0x1234 || r[cpu.DX]>>8 != 0x56 {
		t.Errorf("AH=02h: CF=%v CX=%04X DH=%02X", pc.cf(), r[cpu.CX], r[cpu.DX]>>8)
	}
	pc.call(0x1A, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0400 })
	if r := pc.cpu.Regs; pc.cf() || r[cpu.CX] != 0x2026 || r[cpu.DX] != 0x1125 {
		t.Errorf("AH=04h: CF=%v CX=%04X DX=%04X", pc.cf(), r[cpu.CX], r[cpu.DX])
	}
	pc.call(0x1A, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0300; c.Regs[cpu.CX] = 0x2359; c.Regs[cpu.DX] = 0x5800 })
	if pc.cmos[4] != 0x23 || pc.cmos[2] != 0x59 || pc.cmos[0] != 0x58 || pc.cmos[0x0B]&0x80 != 0 {
		t.Errorf("AH=03h: CMOS %02X:%02X:%02X status B %02X", pc.cmos[4], pc.cmos[2], pc.cmos[0], pc.cmos[0x0B])
	}
	pc.call(0x1A, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0500; c.Regs[cpu.CX] = 0x1999; c.Regs[cpu.DX] = 0x1231 })
	if pc.cmos[0x32] != 0x19 || pc.cmos[9] != 0x99 || pc.cmos[8] != 0x12 || pc.cmos[7] != 0x31 {
		t.Errorf("AH=05h: CMOS % X", []uint8{pc.cmos[0x32], pc.cmos[9], pc.cmos[8], pc.cmos[7]})
	}
	// An RTC stuck in its update cycle: CF set.
	pc.cmos[0x0A] = 0x80
	pc.call(0x1A, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0200 })
	if !pc.cf() {
		t.Error("AH=02h during an endless update: CF clear")
	}
}

func TestEquipmentAndMemory(t *testing.T) {
	pc := newTestPC(t, testConfig{cfg: Config{Model: cpu.Model80286, MemoryKB: 4096, BootOrder: "c", Floppies: [2]FloppyImage{newFloppyImage(1440 << 10), newFloppyImage(720 << 10)}}})
	pc.ready()
	pc.call(0x11, nil)
	if ax := pc.cpu.Regs[cpu.AX]; ax != 0x0261 {
		t.Errorf("INT 11h AX=%04X, want 0261 (2 diskettes, 80x25 colour, 1 COM)", ax)
	}
	pc.call(0x12, nil)
	if ax := pc.cpu.Regs[cpu.AX]; ax != 639 {
		t.Errorf("INT 12h AX=%d, want 639", ax)
	}
	pc.call(0x15, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x8800 })
	if ax := pc.cpu.Regs[cpu.AX]; pc.cf() || ax != 3072 {
		t.Errorf("INT 15h AH=88h: CF=%v AX=%d, want 3072", pc.cf(), ax)
	}
	pc.call(0x15, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0xC000 })
	if pc.cf() || pc.cpu.Segs[cpu.ES] != romSeg || pc.cpu.Regs[cpu.BX] != offConfigTable || pc.ah() != 0 {
		t.Errorf("INT 15h AH=C0h: CF=%v ES:BX=%04X:%04X", pc.cf(), pc.cpu.Segs[cpu.ES], pc.cpu.Regs[cpu.BX])
	}
	pc.call(0x15, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0xC100 })
	if pc.cf() || pc.cpu.Segs[cpu.ES] != 0x9FC0 {
		t.Errorf("INT 15h AH=C1h: ES=%04X", pc.cpu.Segs[cpu.ES])
	}
	pc.call(0x15, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0xE820 })
	if !pc.cf() || pc.ah() != 0x86 {
		t.Errorf("INT 15h unsupported: CF=%v AH=%02X", pc.cf(), pc.ah())
	}
	// INT 17h: no printer.
	pc.call(0x17, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0200 })
	if pc.ah() != 0x09 {
		t.Errorf("INT 17h AH=%02X", pc.ah())
	}
}

func TestInt15Wait(t *testing.T) {
	pc := newTestPC(t, testConfig{})
	pc.bios.cfg.Now = func() int64 { return int64(pc.cpu.Instructions) * 100_000 } // 100 µs per instruction
	pc.ready()
	start := pc.cpu.Instructions
	rounds := 0
	ok := pc.callWaiting(0x15, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x8600; c.Regs[cpu.CX] = 0; c.Regs[cpu.DX] = 50_000 }, func(int) {
		rounds++
		pc.pic.raise(0)
	}, 100)
	if !ok || pc.cf() {
		t.Fatalf("AH=86h: returned %v CF=%v", ok, pc.cf())
	}
	if n := pc.cpu.Instructions - start; n < 500 || rounds == 0 {
		t.Errorf("AH=86h of 50 ms returned after %d instructions (%d ticks), want at least 500", n, rounds)
	}
	if pc.ram[0x4A0] != 0 {
		t.Error("wait flag left set")
	}
}

func TestAPMPowerOff(t *testing.T) {
	pc := newTestPC(t, testConfig{})
	pc.ready()
	pc.call(0x15, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x5300; c.Regs[cpu.BX] = 0 })
	if r := pc.cpu.Regs; pc.cf() || r[cpu.AX] != 0x0102 || r[cpu.BX] != 0x504D {
		t.Fatalf("APM check: CF=%v AX=%04X BX=%04X", pc.cf(), r[cpu.AX], r[cpu.BX])
	}
	for _, ax := range []uint16{0x5301, 0x5308} {
		pc.call(0x15, func(c *cpu.CPU) { c.Regs[cpu.AX] = ax; c.Regs[cpu.BX] = 1; c.Regs[cpu.CX] = 1 })
		if pc.cf() {
			t.Errorf("APM %04X: CF set, AH=%02X", ax, pc.ah())
		}
	}
	pc.call(0x15, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x530E; c.Regs[cpu.BX] = 0; c.Regs[cpu.CX] = 0x0102 })
	if pc.cf() || pc.cpu.Regs[cpu.AX] != 0x0102 {
		t.Errorf("APM driver version: AX=%04X", pc.cpu.Regs[cpu.AX])
	}
	pc.call(0x15, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x5302; c.Regs[cpu.BX] = 0 })
	if !pc.cf() {
		t.Error("APM protected-mode connect succeeded")
	}
	pc.callWaiting(0x15, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x5307; c.Regs[cpu.BX] = 1; c.Regs[cpu.CX] = 3 }, func(int) {}, 0)
	if pc.poweredOff != 1 {
		t.Errorf("APM set power state off: PowerOff called %d times", pc.poweredOff)
	}
}

func TestSerial(t *testing.T) {
	pc := newTestPC(t, testConfig{})
	pc.ready()
	pc.call(0x14, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x00E3; c.Regs[cpu.DX] = 0 }) // 9600 8N1
	if got := pc.ports[0x3FB]; len(got) != 2 || got[0] != 0x80 || got[1] != 0x03 {
		t.Errorf("LCR writes % X, want 80 03", got)
	}
	if pc.ports[0x3F9] == nil || pc.ports[0x3F9][0] != 0 {
		t.Errorf("divisor high % X", pc.ports[0x3F9])
	}
	pc.call(0x14, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0141; c.Regs[cpu.DX] = 0 })
	if len(pc.uartTx) != 1 || pc.uartTx[0] != 'A' || pc.ah()&0x80 != 0 {
		t.Errorf("send: line got %q, AH=%02X", pc.uartTx, pc.ah())
	}
	pc.uartRx = []byte{'z'}
	pc.call(0x14, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0200; c.Regs[cpu.DX] = 0 })
	if uint8(pc.cpu.Regs[cpu.AX]) != 'z' || pc.ah()&0x80 != 0 {
		t.Errorf("receive: AX=%04X", pc.cpu.Regs[cpu.AX])
	}
	pc.call(0x14, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0300; c.Regs[cpu.DX] = 1 })
	if pc.ah() != 0x80 {
		t.Errorf("COM2 (absent): AH=%02X, want 80", pc.ah())
	}
}
