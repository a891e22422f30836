package bios

import (
	"bytes"
	"testing"

	"pcemu/cpu"
	"pcemu/ide"
)

func hdPC(t *testing.T, disks ...*memDisk) *testPC {
	t.Helper()
	var tc testConfig
	for i, d := range disks {
		tc.drives[i] = d
	}
	pc := newTestPC(t, tc)
	pc.ready()
	return pc
}

// regs is the register file for a call.
type regs struct{ ax, bx, cx, dx, si, di, ds, es uint16 }

func (pc *testPC) int13(r regs) {
	pc.t.Helper()
	pc.call(0x13, func(c *cpu.CPU) {
		c.Regs[cpu.AX], c.Regs[cpu.BX], c.Regs[cpu.CX], c.Regs[cpu.DX] = r.ax, r.bx, r.cx, r.dx
		c.Regs[cpu.SI], c.Regs[cpu.DI] = r.si, r.di
		c.Segs[cpu.DS], c.Segs[cpu.ES] = r.ds, r.es
	})
}

func (pc *testPC) expectStatus(what string, ah uint8) {
	pc.t.Helper()
	if pc.ah() != ah || pc.cf() != (ah != 0) {
		pc.t.Errorf("%s: AH=%02X CF=%v, want AH=%02X CF=%v", what, pc.ah(), pc.cf(), ah, ah != 0)
	}
}

func chs(c, s int) uint16 { return uint16(c&0xFF)<<8 | uint16(c>>2&0xC0) | uint16(s) }

var smallGeom = ide.Geometry{Cylinders: 20, Heads: 16, SectorsPerTrack: 63}

func TestInt13CHSRead(t *testing.T) {
	d := diskWithBoot(20*16*63, smallGeom)
	pc := hdPC(t, d)
	pc.int13(regs{ax: 0x0203, cx: chs(1, 5), dx: 0x0280, es: 0x1000, bx: 0x0010})
	pc.expectStatus("read", 0)
	if al := uint8(pc.cpu.Regs[cpu.AX]); al != 3 {
		t.Errorf("AL=%d sectors read, want 3", al)
	}
	lba := int64((1*16+2)*63 + 4)
	for i := int64(0); i < 3; i++ {
		got := pc.ram[0x10010+i*512 : 0x10010+(i+1)*512]
		if !bytes.Equal(got, pattern(lba+i)) {
			t.Fatalf("sector %d of the read is not LBA %d", i, lba+i)
		}
	}
	// The last sector of the disk, then one past it.
	pc.int13(regs{ax: 0x0201, cx: chs(19, 63), dx: 0x0F80, es: 0x1000})
	pc.expectStatus("read last sector", 0)
	if !bytes.Equal(pc.ram[0x10000:0x10200], pattern(20*16*63-1)) {
		t.Error("last sector content")
	}
	pc.int13(regs{ax: 0x0202, cx: chs(19, 63), dx: 0x0F80, es: 0x2000})
	pc.expectStatus("read across the end", 0x04)
	if al := uint8(pc.cpu.Regs[cpu.AX]); al != 1 || !bytes.Equal(pc.ram[0x20000:0x20200], pattern(20*16*63-1)) {
		t.Errorf("read across the end: AL=%d, want 1 with the last sector", al)
	}
}

func TestInt13CHSErrors(t *testing.T) {
	pc := hdPC(t, diskWithBoot(20*16*63, smallGeom))
	cases := []struct {
		name string
		r    regs
		ah   uint8
	}{
		{"count 0", regs{ax: 0x0200, cx: chs(0, 1), dx: 0x0080}, 0x01},
		{"count 129", regs{ax: 0x0281, cx: chs(0, 1), dx: 0x0080}, 0x01},
		{"sector 0", regs{ax: 0x0201, cx: chs(0, 0), dx: 0x0080}, 0x01},
		{"sector 64", regs{ax: 0x0201, cx: chs(0, 64), dx: 0x0080}, 0x01},
		{"head 16", regs{ax: 0x0201, cx: chs(0, 1), dx: 0x1080}, 0x01},
		{"cylinder 20", regs{ax: 0x0201, cx: chs(20, 1), dx: 0x0080}, 0x01},
		{"no drive 81h", regs{ax: 0x0201, cx: chs(0, 1), dx: 0x0081}, 0x01},
		{"unknown function", regs{ax: 0x3000, dx: 0x0080}, 0x01},
	}
	for _, c := range cases {
		pc.int13(c.r)
		pc.expectStatus(c.name, c.ah)
		// AH=01h returns the last status.
		pc.int13(regs{ax: 0x0100, dx: 0x0080})
		if pc.ah() != c.ah || pc.cf() != (c.ah != 0) {
			t.Errorf("%s: AH=01h reports %02X CF=%v", c.name, pc.ah(), pc.cf())
		}
	}
	pc.ports[0x3F6] = nil
	for _, fn := range []uint16{0x0000, 0x0D00, 0x1000, 0x1100, 0x0900} {
		pc.int13(regs{ax: fn, dx: 0x0080})
		pc.expectStatus("function "+string(rune('0'+fn>>12))+string(rune('0'+fn>>8&15)), 0)
	}
	// The resets (00h, 0Dh) pulse SRST in the device control register, and
	// the drive works afterwards.
	if got := pc.ports[0x3F6]; string(got) != "\x04\x00\x04\x00" {
		t.Errorf("device control writes % X, want 04 00 04 00", got)
	}
	pc.int13(regs{ax: 0x0201, cx: chs(0, 1), dx: 0x0080, es: 0x2000})
	pc.expectStatus("read after resets", 0)
	pc.int13(regs{ax: 0x0C00, cx: chs(19, 1), dx: 0x0F80})
	pc.expectStatus("seek", 0)
	pc.int13(regs{ax: 0x0C00, cx: chs(20, 1), dx: 0x0080})
	pc.expectStatus("seek beyond", 0x01)
}

func TestInt13WriteAndVerify(t *testing.T) {
	d := diskWithBoot(20*16*63, smallGeom)
	pc := hdPC(t, d)
	for i := 0; i < 1024; i++ {
		pc.ram[0x20000+i] = byte(i*13 + 1)
	}
	pc.int13(regs{ax: 0x0302, cx: chs(2, 1), dx: 0x0180, es: 0x2000})
	pc.expectStatus("write", 0)
	lba := int64((2*16 + 1) * 63)
	if !bytes.Equal(d.sector(lba), pc.ram[0x20000:0x20200]) || !bytes.Equal(d.sector(lba+1), pc.ram[0x20200:0x20400]) {
		t.Error("written sectors differ on the disk")
	}
	pc.int13(regs{ax: 0x0402, cx: chs(2, 1), dx: 0x0180, es: 0x3000})
	pc.expectStatus("verify", 0)
	if pc.ram[0x30000] != 0 {
		t.Error("verify moved data")
	}
	d.readOnly = true
	pc.int13(regs{ax: 0x0301, cx: chs(2, 1), dx: 0x0180, es: 0x2000})
	pc.expectStatus("write to a read-only disk", 0x03)
	if al := uint8(pc.cpu.Regs[cpu.AX]); al != 0 {
		t.Errorf("AL=%d after a failed write, want 0", al)
	}
}

func TestInt13Parameters(t *testing.T) {
	small := diskWithBoot(20*16*63, smallGeom)
	big := newMemDisk(4000*16*63*512, ide.Geometry{Cylinders: 4000, Heads: 16, SectorsPerTrack: 63})
	pc := hdPC(t, small, big)
	pc.int13(regs{ax: 0x0800, dx: 0x0080})
	pc.expectStatus("AH=08h", 0)
	c := pc.cpu
	if c.Regs[cpu.CX] != chs(19, 63) || c.Regs[cpu.DX] != 0x0F02 {
		t.Errorf("AH=08h drive 80h: CX=%04X DX=%04X, want %04X 0F02", c.Regs[cpu.CX], c.Regs[cpu.DX], chs(19, 63))
	}
	// 4000 cylinders: bit-shift translation to 1000 x 64 x 63.
	pc.int13(regs{ax: 0x0800, dx: 0x0081})
	if c.Regs[cpu.CX] != chs(999, 63) || c.Regs[cpu.DX] != 0x3F02 {
		t.Errorf("AH=08h drive 81h: CX=%04X DX=%04X, want %04X 3F02", c.Regs[cpu.CX], c.Regs[cpu.DX], chs(999, 63))
	}
	// The translated CHS addresses the LBA the geometry says.
	pc.int13(regs{ax: 0x0201, cx: chs(700, 10), dx: 0x2581, es: 0x1000})
	pc.expectStatus("translated read", 0)
	if want := int64((700*64+0x25)*63 + 9); !bytes.Equal(pc.ram[0x10000:0x10200], pattern(want)) {
		t.Errorf("translated read did not return LBA %d", want)
	}
	// INT 46h: the translated FDPT.
	seg := uint16(pc.ram[0x46*4+2]) | uint16(pc.ram[0x46*4+3])<<8
	off := uint16(pc.ram[0x46*4]) | uint16(pc.ram[0x46*4+1])<<8
	tab := pc.ram[linear(seg, off) : linear(seg, off)+16]
	var sum byte
	for _, v := range tab {
		sum += v
	}
	if tab[0] != 0xE8 || tab[1] != 0x03 || tab[2] != 64 || tab[3] != 0xA0 || tab[9] != 0xA0 || tab[10] != 0x0F || tab[11] != 16 || tab[14] != 63 || sum != 0 {
		t.Errorf("INT 46h table % X (sum %02X)", tab, sum)
	}
	// AH=15h: fixed disk with its CHS-addressable sector count.
	pc.int13(regs{ax: 0x1500, dx: 0x0081})
	if n := uint32(c.Regs[cpu.CX])<<16 | uint32(c.Regs[cpu.DX]); pc.ah() != 3 || pc.cf() || n != 1000*64*63 {
		t.Errorf("AH=15h: AH=%02X CF=%v sectors %d", pc.ah(), pc.cf(), n)
	}
	pc.int13(regs{ax: 0x1500, dx: 0x0082})
	if pc.ah() != 0 || pc.cf() {
		t.Errorf("AH=15h absent drive: AH=%02X CF=%v, want 00 clear", pc.ah(), pc.cf())
	}
	pc.int13(regs{ax: 0x0800, dx: 0x0082})
	if !pc.cf() || uint8(c.Regs[cpu.DX]) != 2 {
		t.Errorf("AH=08h absent drive: CF=%v DL=%d", pc.cf(), uint8(c.Regs[cpu.DX]))
	}
	if pc.ram[0x475] != 2 {
		t.Errorf("BDA hard disk count %d, want 2", pc.ram[0x475])
	}
}

func TestTranslate(t *testing.T) {
	for _, c := range []struct{ c, h, s, lc, lh, ls int }{
		{1024, 16, 63, 1024, 16, 63},
		{1025, 16, 63, 512, 32, 63},
		{2048, 16, 63, 1024, 32, 63},
		{4096, 16, 63, 1024, 64, 63},
		{8192, 16, 63, 1024, 128, 63},
		{16383, 16, 63, 1024, 240, 63},
		{2000, 15, 63, 1000, 30, 63},
	} {
		lc, lh, ls := Translate(c.c, c.h, c.s)
		if lc != c.lc || lh != c.lh || ls != c.ls {
			t.Errorf("Translate(%d/%d/%d) = %d/%d/%d, want %d/%d/%d", c.c, c.h, c.s, lc, lh, ls, c.lc, c.lh, c.ls)
		}
	}
}

// dap writes a disk address packet at 0000:0800.
func (pc *testPC) dap(size uint8, count uint16, seg, off uint16, lba uint64, flat uint64) {
	p := pc.ram[0x800:]
	clear(p[:0x18])
	p[0] = size
	p[2], p[3] = byte(count), byte(count>>8)
	p[4], p[5], p[6], p[7] = byte(off), byte(off>>8), byte(seg), byte(seg>>8)
	for i := 0; i < 8; i++ {
		p[8+i] = byte(lba >> (8 * i))
		p[16+i] = byte(flat >> (8 * i))
	}
}

func (pc *testPC) dapCount() uint16 { return uint16(pc.ram[0x802]) | uint16(pc.ram[0x803])<<8 }

func TestInt13Extensions(t *testing.T) {
	const sectors = 20 * 16 * 63
	d := diskWithBoot(sectors, smallGeom)
	pc := hdPC(t, d)
	c := pc.cpu

	pc.int13(regs{ax: 0x4100, bx: 0x55AA, dx: 0x0080})
	if pc.cf() || c.Regs[cpu.BX] != 0xAA55 || pc.ah() != 0x21 || c.Regs[cpu.CX] != 0x0001 {
		t.Errorf("AH=41h: CF=%v BX=%04X AH=%02X CX=%04X", pc.cf(), c.Regs[cpu.BX], pc.ah(), c.Regs[cpu.CX])
	}
	pc.int13(regs{ax: 0x4100, bx: 0x1234, dx: 0x0080})
	pc.expectStatus("AH=41h without 55AAh", 0x01)
	pc.int13(regs{ax: 0x4100, bx: 0x55AA, dx: 0x0000})
	if !pc.cf() {
		t.Error("AH=41h on a diskette drive reports extensions")
	}

	pc.dap(0x10, 3, 0x2000, 0x0100, 1000, 0)
	pc.int13(regs{ax: 0x4200, dx: 0x0080, si: 0x800})
	pc.expectStatus("AH=42h", 0)
	for i := int64(0); i < 3; i++ {
		if !bytes.Equal(pc.ram[0x20100+i*512:0x20100+(i+1)*512], pattern(1000+i)) {
			t.Errorf("AH=42h sector %d", i)
		}
	}
	if pc.dapCount() != 3 {
		t.Errorf("DAP count %d after success, want 3", pc.dapCount())
	}

	// Flat 64-bit buffer address (segment:offset FFFF:FFFF).
	pc.dap(0x18, 1, 0xFFFF, 0xFFFF, 77, 0x40000)
	pc.int13(regs{ax: 0x4200, dx: 0x0080, si: 0x800})
	pc.expectStatus("AH=42h flat", 0)
	if !bytes.Equal(pc.ram[0x40000:0x40200], pattern(77)) {
		t.Error("AH=42h flat address: data not at 40000h")
	}
	pc.dap(0x10, 1, 0xFFFF, 0xFFFF, 77, 0x40000)
	pc.int13(regs{ax: 0x4200, dx: 0x0080, si: 0x800})
	pc.expectStatus("AH=42h flat in a 16-byte packet", 0x01)

	// Across the end: the last sector moves, the count is written back
	// as 1 with status 04h; starting past the end is a parameter error.
	pc.dap(0x10, 2, 0x2000, 0, sectors-1, 0)
	pc.int13(regs{ax: 0x4200, dx: 0x0080, si: 0x800})
	pc.expectStatus("AH=42h across the end", 0x04)
	if pc.dapCount() != 1 || !bytes.Equal(pc.ram[0x20000:0x20200], pattern(sectors-1)) {
		t.Errorf("DAP count %d after failure, want 1 and the last sector", pc.dapCount())
	}
	pc.dap(0x10, 1, 0x2000, 0, sectors, 0)
	pc.int13(regs{ax: 0x4200, dx: 0x0080, si: 0x800})
	pc.expectStatus("AH=42h past the end", 0x01)
	if pc.dapCount() != 0 {
		t.Errorf("DAP count %d after a refused request, want 0", pc.dapCount())
	}
	pc.dap(0x10, 0x80, 0x2000, 0, 0, 0)
	pc.int13(regs{ax: 0x4200, dx: 0x0080, si: 0x800})
	pc.expectStatus("AH=42h 128 blocks", 0x01)
	pc.dap(0x0F, 1, 0x2000, 0, 0, 0)
	pc.int13(regs{ax: 0x4200, dx: 0x0080, si: 0x800})
	pc.expectStatus("AH=42h short packet", 0x01)

	// Write, then verify and seek.
	for i := 0; i < 512; i++ {
		pc.ram[0x50000+i] = byte(255 - i)
	}
	pc.dap(0x10, 1, 0x5000, 0, sectors-1, 0)
	pc.int13(regs{ax: 0x4300, dx: 0x0080, si: 0x800})
	pc.expectStatus("AH=43h", 0)
	if !bytes.Equal(d.sector(sectors-1), pc.ram[0x50000:0x50200]) {
		t.Error("AH=43h did not write the last sector")
	}
	pc.int13(regs{ax: 0x4400, dx: 0x0080, si: 0x800})
	pc.expectStatus("AH=44h", 0)
	pc.dap(0x10, 0, 0, 0, sectors-1, 0)
	pc.int13(regs{ax: 0x4700, dx: 0x0080, si: 0x800})
	pc.expectStatus("AH=47h", 0)
	pc.dap(0x10, 0, 0, 0, sectors, 0)
	pc.int13(regs{ax: 0x4700, dx: 0x0080, si: 0x800})
	pc.expectStatus("AH=47h beyond", 0x01)

	// A write that fails on a read-only disk returns the count moved (0).
	d.readOnly = true
	pc.dap(0x10, 2, 0x5000, 0, 10, 0)
	pc.int13(regs{ax: 0x4300, dx: 0x0080, si: 0x800})
	pc.expectStatus("AH=43h read-only", 0x03)
	if pc.dapCount() != 0 {
		t.Errorf("DAP count %d after a refused write", pc.dapCount())
	}

	// AH=48h.
	buf := pc.ram[0x900:]
	clear(buf[:0x42])
	buf[0] = 0x1E
	pc.int13(regs{ax: 0x4800, dx: 0x0080, si: 0x900})
	pc.expectStatus("AH=48h", 0)
	le := func(o, n int) uint64 {
		var v uint64
		for i := n - 1; i >= 0; i-- {
			v = v<<8 | uint64(buf[o+i])
		}
		return v
	}
	if le(0, 2) != 0x1E || le(2, 2) != 2 || le(4, 4) != 20 || le(8, 4) != 16 || le(12, 4) != 63 || le(16, 8) != sectors || le(24, 2) != 512 || le(26, 4) != 0xFFFFFFFF {
		t.Errorf("AH=48h buffer % X", buf[:0x1E])
	}
	buf[0], buf[1] = 0x10, 0
	pc.int13(regs{ax: 0x4800, dx: 0x0080, si: 0x900})
	pc.expectStatus("AH=48h small buffer", 0x01)
}

func TestInt13LBA48(t *testing.T) {
	const sectors = 300 << 21 // 300 GiB
	d := newMemDisk(sectors*512, ide.Geometry{Cylinders: 16383, Heads: 16, SectorsPerTrack: 63})
	d.sectors[0] = bootSector()
	pc := hdPC(t, d)
	for _, lba := range []uint64{0x0FFFFFFF - 1, 0x10000005, sectors - 1} {
		pc.dap(0x10, 2, 0x2000, 0, lba, 0)
		if lba == sectors-1 {
			pc.dap(0x10, 1, 0x2000, 0, lba, 0)
		}
		pc.int13(regs{ax: 0x4200, dx: 0x0080, si: 0x800})
		pc.expectStatus("AH=42h LBA48", 0)
		if !bytes.Equal(pc.ram[0x20000:0x20200], pattern(int64(lba))) {
			t.Errorf("LBA %X: wrong data", lba)
		}
	}
	pc.dap(0x10, 1, 0x2000, 0, sectors, 0)
	pc.int13(regs{ax: 0x4200, dx: 0x0080, si: 0x800})
	pc.expectStatus("AH=42h past the end", 0x01)
	buf := pc.ram[0x900:]
	buf[0], buf[1] = 0x1A, 0
	pc.int13(regs{ax: 0x4800, dx: 0x0080, si: 0x900})
	if buf[2]&2 != 0 || buf[4] != 0xFF || buf[5] != 0x3F {
		t.Errorf("AH=48h on a large disk: flags %02X, cylinders % X", buf[2], buf[4:8])
	}
	// AH=08h reports the translated maximum.
	pc.int13(regs{ax: 0x0800, dx: 0x0080})
	if pc.cpu.Regs[cpu.CX] != chs(1023, 63) || pc.cpu.Regs[cpu.DX]>>8 != 239 {
		t.Errorf("AH=08h: CX=%04X DX=%04X", pc.cpu.Regs[cpu.CX], pc.cpu.Regs[cpu.DX])
	}
}

func TestInt13MediumError(t *testing.T) {
	d := diskWithBoot(20*16*63, smallGeom)
	pc := hdPC(t, d)
	d.bad = map[int64]bool{502: true}
	// AH=42h of 4 blocks from 500: two move, then UNC (status 10h), and
	// the packet's count says 2.
	pc.dap(0x10, 4, 0x2000, 0, 500, 0)
	pc.int13(regs{ax: 0x4200, dx: 0x0080, si: 0x800})
	pc.expectStatus("AH=42h over a bad sector", 0x10)
	if pc.dapCount() != 2 {
		t.Errorf("DAP count %d, want 2", pc.dapCount())
	}
	if !bytes.Equal(pc.ram[0x20200:0x20400], pattern(501)) {
		t.Error("the good sector before the bad one was not delivered")
	}
	// The same with CHS: AL = sectors transferred.
	pc.int13(regs{ax: 0x0205, cx: chs(0, 60), dx: 0x0780, es: 0x2000}) // LBA 7*63+59 = 500
	pc.expectStatus("AH=02h over a bad sector", 0x10)
	if al := uint8(pc.cpu.Regs[cpu.AX]); al != 2 {
		t.Errorf("AL=%d, want 2", al)
	}
	// The drive still works afterwards.
	pc.int13(regs{ax: 0x0201, cx: chs(0, 1), dx: 0x0080, es: 0x2000})
	pc.expectStatus("read after the error", 0)
}

func TestInt13WaitsForBusyDrive(t *testing.T) {
	d := diskWithBoot(20*16*63, smallGeom)
	pc := newTestPC(t, testConfig{drives: [4]ide.Drive{d}})
	pc.busyAfterCommand = 100 // IDENTIFY at POST waits too
	pc.post()
	if pc.cpu.IP != 0x7C03 {
		t.Fatalf("POST with a slow drive: CPU at %04X:%04X", pc.cpu.Segs[cpu.CS], pc.cpu.IP)
	}
	// The wait runs in the ROM with interrupts open: a timer tick pending
	// at the call is serviced during the read.
	pc.pic.raise(0)
	ticks := pc.ram[0x46C]
	pc.int13(regs{ax: 0x0204, cx: chs(0, 1), dx: 0x0080, es: 0x2000})
	pc.expectStatus("read from a slow drive", 0)
	if !bytes.Equal(pc.ram[0x20600:0x20800], pattern(3)) {
		t.Error("data of the slow read")
	}
	if pc.ram[0x46C] != ticks+1 {
		t.Error("the timer interrupt did not run while the BIOS waited for the drive")
	}
	// A drive that never becomes ready: status 80h (timeout) eventually.
	pc.busyAfterCommand = 1 << 30
	pc.int13(regs{ax: 0x0201, cx: chs(0, 1), dx: 0x0080, es: 0x2000})
	if !pc.cf() || (pc.ah() != 0x80 && pc.ah() != 0xAA) {
		t.Errorf("hung drive: AH=%02X CF=%v", pc.ah(), pc.cf())
	}
}
