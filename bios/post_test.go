package bios

import (
	"testing"

	"pcemu/cpu"
	"pcemu/ide"
)

// bootSector is a boot sector that stops the test CPU with interrupts off
// (CLI; OUT testDonePort, AL) and carries the 55AAh signature.
func bootSector() []byte {
	s := make([]byte, 512)
	s[0], s[1], s[2] = 0xFA, 0xE6, testDonePort
	s[510], s[511] = 0x55, 0xAA
	return s
}

func diskWithBoot(sectors int64, g ide.Geometry) *memDisk {
	d := newMemDisk(sectors*512, g)
	d.sectors[0] = bootSector()
	return d
}

func TestROMLayout(t *testing.T) {
	pc := newTestPC(t, testConfig{})
	rom := pc.bios.ROM()
	if len(rom) != 0x10000 {
		t.Fatalf("ROM is %d bytes", len(rom))
	}
	if got := rom[0xFFF0:0xFFF5]; string(got) != "\xEA\x5B\xE0\x00\xF0" {
		t.Errorf("reset vector % X, want JMP F000:E05B", got)
	}
	if got := string(rom[0xFFF5:0xFFFD]); got != romDate {
		t.Errorf("date %q", got)
	}
	if rom[0xFFFE] != 0xFC {
		t.Errorf("model byte %02X, want FC", rom[0xFFFE])
	}
	var sum byte
	for _, v := range rom {
		sum += v
	}
	if sum != 0 {
		t.Errorf("ROM checksum %02X, want 00", sum)
	}
	// Every fixed entry point starts with the OUT to the service port.
	for _, off := range []int{offInt10, offInt11, offInt12, offInt13, offInt14, offInt15, offInt16, offInt17, offInt1A, offInt08} {
		if rom[off] != 0xE6 || rom[off+1] != uint8(ServicePort) {
			t.Errorf("entry F000:%04X starts % X, want OUT %02Xh,AL", off, rom[off:off+2], ServicePort)
		}
	}
	if rom[offDummyIRET] != 0xCF {
		t.Errorf("F000:FF53 is %02X, want IRET", rom[offDummyIRET])
	}
	if got := rom[offConfigTable : offConfigTable+5]; string(got) != "\x08\x00\xFC\x01\x00" {
		t.Errorf("configuration table % X", got)
	}
	if rom[offDisketteTab+4] != 18 || rom[offDisketteTab+3] != 2 {
		t.Errorf("diskette parameter table % X", rom[offDisketteTab:offDisketteTab+11])
	}
}

func TestROMFonts(t *testing.T) {
	f8 := make([]byte, 2048)
	f14 := make([]byte, 14*256)
	f16 := make([]byte, 16*256)
	for i := range f8 {
		f8[i] = byte(i * 7)
	}
	for i := range f14 {
		f14[i] = byte(i * 3)
	}
	for i := range f16 {
		f16[i] = byte(i * 5)
	}
	pc := newTestPC(t, testConfig{cfg: Config{Font8x8: f8, Font8x14: f14, Font8x16: f16}})
	rom := pc.bios.ROM()
	if string(rom[offFont8Low:offFont8Low+1024]) != string(f8[:1024]) {
		t.Error("8x8 font (00h-7Fh) not at F000:FA6E")
	}
	if string(rom[offFont8Full:offFont8Full+2048]) != string(f8) {
		t.Error("full 8x8 font not in the ROM")
	}
	pc.ready()
	for _, c := range []struct {
		bh     uint8
		off    uint16
		height uint16
	}{{2, offFont14, 16}, {3, offFont8Full, 16}, {4, offFont8Full + 1024, 16}, {6, offFont16, 16}, {1, offFont8Full, 16}, {0, offFont8Full + 1024, 16}} {
		pc.call(0x10, func(c2 *cpu.CPU) { c2.Regs[cpu.AX] = 0x1130; c2.Regs[cpu.BX] = uint16(c.bh) << 8 })
		es, bp := pc.cpu.Segs[cpu.ES], pc.cpu.Regs[cpu.BP]
		if es != romSeg || bp != c.off || pc.cpu.Regs[cpu.CX] != c.height || uint8(pc.cpu.Regs[cpu.DX]) != 24 {
			t.Errorf("AX=1130h BH=%d: ES:BP=%04X:%04X CX=%d DL=%d, want F000:%04X, %d, 24", c.bh, es, bp, pc.cpu.Regs[cpu.CX], uint8(pc.cpu.Regs[cpu.DX]), c.off, c.height)
		}
	}
	if _, err := New(Config{MemoryKB: 640, Font8x8: make([]byte, 100)}, FromCPU(nil), pc); err == nil {
		t.Error("a short font was accepted")
	}
}

func TestPOSTBootsHardDisk(t *testing.T) {
	pc := newTestPC(t, testConfig{drives: [4]ide.Drive{diskWithBoot(20*16*63, ide.Geometry{Cylinders: 20, Heads: 16, SectorsPerTrack: 63})}})
	pc.post()
	c := pc.cpu
	if c.Segs[cpu.CS] != 0 || c.IP != 0x7C03 {
		t.Fatalf("after POST the CPU is at %04X:%04X, want the boot sector's end at 0000:7C03", c.Segs[cpu.CS], c.IP)
	}
	if dl := uint8(c.Regs[cpu.DX]); dl != 0x80 {
		t.Errorf("DL=%02X at boot, want 80", dl)
	}
	bda16 := func(off uint32) uint16 { return uint16(pc.ram[0x400+off]) | uint16(pc.ram[0x401+off])<<8 }
	checks := []struct {
		name string
		off  uint32
		want uint16
	}{
		{"COM1", 0x00, 0x3F8},
		{"COM2", 0x02, 0},
		{"LPT1", 0x08, 0},
		{"EBDA segment", 0x0E, 0x9FC0},
		{"equipment", 0x10, 0x0220},
		{"memory KiB", 0x13, 639},
		{"keyboard head", 0x1A, 0x1E},
		{"keyboard tail", 0x1C, 0x1E},
		{"keyboard start", 0x80, 0x1E},
		{"keyboard end", 0x82, 0x3E},
		{"video mode", 0x49, 0x03 | uint16(pc.ram[0x44A])<<8},
		{"columns", 0x4A, 80},
		{"page size", 0x4C, 0x1000},
		{"CRTC base", 0x63, 0x3D4},
		{"hard disks", 0x75, uint16(pc.ram[0x476])<<8 | 1},
		{"rows-1", 0x84, 24 | uint16(pc.ram[0x485])<<8},
	}
	for _, ck := range checks {
		if got := bda16(ck.off); got != ck.want {
			t.Errorf("BDA %s (0040:%04X) = %04X, want %04X", ck.name, ck.off, got, ck.want)
		}
	}
	// Ticks start at the RTC's 12:34:56.
	ticks := uint32(bda16(0x6C)) | uint32(bda16(0x6E))<<16
	if want := uint32(45296 * ticksPerDay / 86400); ticks != want {
		t.Errorf("tick count %d, want %d (12:34:56)", ticks, want)
	}
	vec := func(v int) (uint16, uint16) {
		a := v * 4
		return uint16(pc.ram[a+2]) | uint16(pc.ram[a+3])<<8, uint16(pc.ram[a]) | uint16(pc.ram[a+1])<<8
	}
	for v, off := range map[int]uint16{0x10: offInt10, 0x13: offInt13, 0x16: offInt16, 0x19: offInt19, 0x1A: offInt1A, 0x08: offInt08, 0x09: offInt09, 0x1E: offDisketteTab, 0x00: offDummyIRET, 0x1C: offDummyIRET} {
		if seg, o := vec(v); seg != romSeg || o != off {
			t.Errorf("vector %02Xh = %04X:%04X, want F000:%04X", v, seg, o, off)
		}
	}
	if seg, off := vec(0x60); seg != 0 || off != 0 {
		t.Errorf("user vector 60h = %04X:%04X, want 0", seg, off)
	}
	// INT 41h: the drive's parameter table in the EBDA.
	seg, off := vec(0x41)
	fdpt := pc.ram[linear(seg, off):]
	if seg != 0x9FC0 || fdpt[0] != 20 || fdpt[1] != 0 || fdpt[2] != 16 || fdpt[14] != 63 || fdpt[8] != 0x08 {
		t.Errorf("INT 41h at %04X:%04X: % X", seg, off, fdpt[:16])
	}
	// PICs programmed for vectors 08h and 70h, PIT channel 0 for 18.2 Hz.
	if !pc.pic.initDone[0] || !pc.pic.initDone[1] || pc.pic.base[0] != 0x08 || pc.pic.base[1] != 0x70 {
		t.Errorf("PIC bases %02X/%02X (initialised %v)", pc.pic.base[0], pc.pic.base[1], pc.pic.initDone)
	}
	if pc.pic.imr[0]&0x03 != 0 || pc.pic.imr[1]&0x40 != 0 {
		t.Errorf("PIC masks %02X/%02X leave the timer, keyboard or IRQ 14 masked", pc.pic.imr[0], pc.pic.imr[1])
	}
	if got := pc.ports[0x43]; len(got) != 1 || got[0] != 0x36 {
		t.Errorf("PIT control writes % X, want 36", got)
	}
	if got := pc.ports[0x40]; len(got) != 2 || got[0] != 0 || got[1] != 0 {
		t.Errorf("PIT channel 0 reload % X, want 00 00", got)
	}
	if got := pc.ports[0x80]; string(got) != "\x01\x10\x20\x30\x40" {
		t.Errorf("POST codes % X", got)
	}
	if pc.kbc.cmdByte != 0x45 || pc.kbc.disabled {
		t.Errorf("8042 command byte %02X, disabled %v", pc.kbc.cmdByte, pc.kbc.disabled)
	}
	// The screen is cleared to grey-on-black blanks, cursor at 0,0.
	s := pc.vga.Text()
	if c := s.At(0, 0); c.Code != ' ' || c.Attr != 0x07 || !s.CursorVisible || s.CursorRow != 0 || s.CursorCol != 0 {
		t.Errorf("screen not cleared: cell %+v, cursor %d,%d visible %v", c, s.CursorRow, s.CursorCol, s.CursorVisible)
	}
}

// With RAMThroughBus every access of the firmware to guest RAM goes
// through the bus (what a debugger's watchpoints rely on): POST, the video
// and disk services and the bootstrap run on a RAM the bus serves, and
// the RAM slice the BIOS was given is never touched.
func TestRAMThroughBus(t *testing.T) {
	pc := newTestPC(t, testConfig{throughBus: true, drives: [4]ide.Drive{diskWithBoot(20*16*63, ide.Geometry{Cylinders: 20, Heads: 16, SectorsPerTrack: 63})}})
	pc.post()
	if c := pc.cpu; c.Segs[cpu.CS] != 0 || c.IP != 0x7C03 {
		t.Fatalf("after POST the CPU is at %04X:%04X, want the boot sector's end at 0000:7C03", c.Segs[cpu.CS], c.IP)
	}
	if got := pc.busRAM[0x7C00:0x7C03]; string(got) != string(bootSector()[:3]) {
		t.Errorf("boot sector in the bus's RAM: % X", got)
	}
	if eq := uint16(pc.busRAM[0x410]) | uint16(pc.busRAM[0x411])<<8; eq != 0x0220 {
		t.Errorf("equipment word %04X in the bus's RAM", eq)
	}
	pc.call(0x16, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0100 }) // keyboard status: reads the BDA's buffer
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0E41 }) // teletype: writes the cursor position
	for i, v := range pc.ram {
		if v != 0 {
			t.Fatalf("the BIOS wrote %02X to its RAM slice at %05X", v, i)
		}
	}
}

func TestShutdownResume(t *testing.T) {
	pc := newTestPC(t, testConfig{cfg: Config{Model: cpu.Model80286}})
	pc.ready()
	// A 286 program leaving protected mode: shutdown code 0Ah, resume
	// address in 0040:0067.
	copy(pc.ram[0x467:], []byte{0x34, 0x12, 0x00, 0x01}) // 0100:1234
	pc.cmos[0x0F] = 0x0A
	pc.ram[0x2234], pc.ram[0x2235] = 0xE6, testDonePort
	pc.post()
	if pc.cpu.Segs[cpu.CS] != 0x0100 || pc.cpu.IP != 0x1236 || pc.cmos[0x0F] != 0 {
		t.Errorf("shutdown 0Ah: CPU at %04X:%04X, CMOS 0Fh %02X", pc.cpu.Segs[cpu.CS], pc.cpu.IP, pc.cmos[0x0F])
	}
	if pc.ram[0x475] != 0 || pc.ram[0x449] != 3 {
		t.Error("shutdown resume touched the BDA")
	}
}

func TestInt19FromSoftware(t *testing.T) {
	pc := newTestPC(t, testConfig{drives: [4]ide.Drive{diskWithBoot(20*16*63, smallGeom)}})
	pc.post()
	// The booted program calls INT 19h: the boot order starts again.
	pc.ram[0x7C00] = 0x90
	copy(pc.ram[callAt:], []byte{0xCD, 0x19})
	pc.cpu.Segs[cpu.CS], pc.cpu.IP = 0, callAt
	pc.ram[0x7DFE] = 0 // the signature is read again from the disk
	pc.run(1_000_000)
	if pc.cpu.Segs[cpu.CS] != 0 || pc.cpu.IP != 0x7C03 || uint8(pc.cpu.Regs[cpu.DX]) != 0x80 {
		t.Errorf("INT 19h: CPU at %04X:%04X DL=%02X", pc.cpu.Segs[cpu.CS], pc.cpu.IP, uint8(pc.cpu.Regs[cpu.DX]))
	}
}

func TestSpuriousIRQ1(t *testing.T) {
	pc := newTestPC(t, testConfig{})
	pc.ready()
	pc.kbc.data, pc.kbc.full = 0x1E, false // a stale byte, output buffer empty
	pc.pic.raise(1)
	pc.settle()
	pc.call(0x16, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0100 })
	if pc.cpu.Flags()&cpu.FlagZF == 0 {
		t.Errorf("a spurious IRQ 1 stored key %04X", pc.cpu.Regs[cpu.AX])
	}
	if pc.pic.isr[0] != 0 || pc.kbc.disabled {
		t.Errorf("after a spurious IRQ 1: ISR %02X, keyboard disabled %v", pc.pic.isr[0], pc.kbc.disabled)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	pc := &testPC{}
	p := FromCPU(cpu.New(cpu.Model8086, nil, pc))
	for name, c := range map[string]struct {
		cfg Config
		p   Processor
		bus cpu.Bus
	}{
		"no processor":    {Config{MemoryKB: 640}, nil, pc},
		"no bus":          {Config{MemoryKB: 640}, p, nil},
		"32 KiB":          {Config{MemoryKB: 32}, p, pc},
		"boot order d":    {Config{MemoryKB: 640, BootOrder: "cd"}, p, pc},
		"short 8x16 font": {Config{MemoryKB: 640, Font8x16: make([]byte, 4095)}, p, pc},
	} {
		if _, err := New(c.cfg, c.p, c.bus); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := New(Config{MemoryKB: 640, BootOrder: "ac"}, p, pc); err != nil {
		t.Errorf("a good config: %v", err)
	}
}
