package bios

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"pcemu/cpu"
)

type memFloppy struct {
	data     []byte
	readOnly bool
}

func newFloppyImage(size int) *memFloppy {
	f := &memFloppy{data: make([]byte, size)}
	for lba := 0; lba < size/512; lba++ {
		copy(f.data[lba*512:], pattern(int64(lba)))
	}
	return f
}

func (f *memFloppy) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(f.data)) {
		return 0, io.EOF
	}
	return copy(p, f.data[off:]), nil
}

func (f *memFloppy) WriteAt(p []byte, off int64) (int, error) {
	if f.readOnly {
		return 0, errors.New("read-only image")
	}
	return copy(f.data[off:], p), nil
}

func (f *memFloppy) Size() int64 { return int64(len(f.data)) }

func floppyPC(t *testing.T, order string, a, b FloppyImage, disks ...*memDisk) *testPC {
	t.Helper()
	tc := testConfig{cfg: Config{Floppies: [2]FloppyImage{a, b}, BootOrder: order}}
	for i, d := range disks {
		tc.drives[i] = d
	}
	pc := newTestPC(t, tc)
	pc.ready()
	return pc
}

func TestFloppyGeometries(t *testing.T) {
	for _, c := range []struct {
		size      int
		cyl, h, s int
		driveType uint8
	}{
		{360 << 10, 40, 2, 9, 1},
		{720 << 10, 80, 2, 9, 3},
		{1200 << 10, 80, 2, 15, 2},
		{1440 << 10, 80, 2, 18, 4},
	} {
		pc := floppyPC(t, "c", newFloppyImage(c.size), nil)
		pc.int13(regs{ax: 0x0800, dx: 0x0000})
		r := pc.cpu.Regs
		if pc.cf() || uint8(r[cpu.BX]) != c.driveType || r[cpu.CX] != chs(c.cyl-1, c.s) || r[cpu.DX] != uint16(c.h-1)<<8|1 ||
			pc.cpu.Segs[cpu.ES] != romSeg || r[cpu.DI] != offDisketteTab {
			t.Errorf("%dK AH=08h: CF=%v BL=%d CX=%04X DX=%04X ES:DI=%04X:%04X", c.size>>10, pc.cf(), uint8(r[cpu.BX]), r[cpu.CX], r[cpu.DX], pc.cpu.Segs[cpu.ES], r[cpu.DI])
		}
		// The last sector of the disk.
		pc.int13(regs{ax: 0x0201, cx: chs(c.cyl-1, c.s), dx: uint16(c.h-1) << 8, es: 0x1000})
		pc.expectStatus("read last sector", 0)
		if !bytes.Equal(pc.ram[0x10000:0x10200], pattern(int64(c.cyl*c.h*c.s-1))) {
			t.Errorf("%dK: last sector content", c.size>>10)
		}
		if eq := uint16(pc.ram[0x410]) | uint16(pc.ram[0x411])<<8; eq&0xC1 != 0x01 {
			t.Errorf("equipment word %04X, want one diskette drive", eq)
		}
	}
	var img memFloppy
	img.data = make([]byte, 1000)
	if _, err := New(Config{MemoryKB: 640, Floppies: [2]FloppyImage{&img}}, FromCPU(nil), &testPC{}); err == nil {
		t.Error("an image of 1000 bytes was accepted")
	}
}

func TestFloppyServices(t *testing.T) {
	img := newFloppyImage(1440 << 10)
	pc := floppyPC(t, "c", img, nil)
	c := pc.cpu

	// Multi-sector read across the head boundary: sectors 17-18 of head 0
	// and 1 of head 1.
	pc.int13(regs{ax: 0x0203, cx: chs(5, 17), dx: 0x0000, es: 0x1000})
	pc.expectStatus("read", 0)
	base := int64(5 * 2 * 18)
	for i := int64(0); i < 3; i++ {
		if !bytes.Equal(pc.ram[0x10000+i*512:0x10000+(i+1)*512], pattern(base+16+i)) {
			t.Errorf("sector %d of the read", i)
		}
	}
	// Write.
	for i := 0; i < 512; i++ {
		pc.ram[0x20000+i] = byte(i ^ 0x5A)
	}
	pc.int13(regs{ax: 0x0301, cx: chs(79, 18), dx: 0x0100, es: 0x2000})
	pc.expectStatus("write", 0)
	if !bytes.Equal(img.data[len(img.data)-512:], pc.ram[0x20000:0x20200]) {
		t.Error("write did not reach the image")
	}
	// A buffer across a 64 KiB physical boundary: DMA boundary error.
	pc.int13(regs{ax: 0x0202, cx: chs(0, 1), dx: 0x0000, es: 0x2FF0, bx: 0x0000})
	pc.expectStatus("read across 64K", 0x09)
	// Bad addresses, absent drive B:.
	pc.int13(regs{ax: 0x0201, cx: chs(80, 1), dx: 0x0000, es: 0x1000})
	pc.expectStatus("cylinder 80", 0x01)
	pc.int13(regs{ax: 0x0201, cx: chs(0, 19), dx: 0x0000, es: 0x1000})
	pc.expectStatus("sector 19", 0x01)
	pc.int13(regs{ax: 0x0203, cx: chs(79, 18), dx: 0x0100, es: 0x1000})
	pc.expectStatus("read off the end of the diskette", 0x04)
	if al := uint8(pc.cpu.Regs[cpu.AX]); al != 1 {
		t.Errorf("read off the end: AL=%d, want 1", al)
	}
	pc.int13(regs{ax: 0x0201, cx: chs(0, 1), dx: 0x0001, es: 0x1000})
	pc.expectStatus("drive B: absent", 0x80)
	if pc.ram[0x441] != 0x80 {
		t.Errorf("BDA diskette status %02X, want 80", pc.ram[0x441])
	}
	pc.int13(regs{ax: 0x0100, dx: 0x0000})
	pc.expectStatus("AH=01h", 0x80)
	// Drive type and change line.
	pc.int13(regs{ax: 0x1500, dx: 0x0000})
	if pc.ah() != 0x02 || pc.cf() {
		t.Errorf("AH=15h A: AH=%02X CF=%v, want 02", pc.ah(), pc.cf())
	}
	pc.int13(regs{ax: 0x1500, dx: 0x0001})
	if pc.ah() != 0x00 || pc.cf() {
		t.Errorf("AH=15h B: AH=%02X CF=%v, want 00", pc.ah(), pc.cf())
	}
	pc.int13(regs{ax: 0x1600, dx: 0x0000})
	pc.expectStatus("AH=16h", 0)
	pc.int13(regs{ax: 0x1600, dx: 0x0001})
	pc.expectStatus("AH=16h absent", 0x80)
	pc.int13(regs{ax: 0x0800, dx: 0x0001})
	if pc.cf() || c.Regs[cpu.BX] != 0 || c.Regs[cpu.CX] != 0 || uint8(c.Regs[cpu.DX]) != 1 {
		t.Errorf("AH=08h absent B: CF=%v BX=%04X CX=%04X DL=%d", pc.cf(), c.Regs[cpu.BX], c.Regs[cpu.CX], uint8(c.Regs[cpu.DX]))
	}
	// Format track 3 head 1: the sectors get the fill byte F6h.
	for s := 0; s < 18; s++ {
		copy(pc.ram[0x3000+4*s:], []byte{3, 1, byte(s + 1), 2})
	}
	pc.int13(regs{ax: 0x0512, cx: chs(3, 1), dx: 0x0100, es: 0x0300})
	pc.expectStatus("format", 0)
	off := (3*2 + 1) * 18 * 512
	if img.data[off] != 0xF6 || img.data[off+18*512-1] != 0xF6 || img.data[off+18*512] == 0xF6 {
		t.Error("format did not fill exactly the track")
	}
	// A read-only image refuses writes with "write protected".
	img.readOnly = true
	pc.int13(regs{ax: 0x0301, cx: chs(0, 1), dx: 0x0000, es: 0x2000})
	pc.expectStatus("write-protected", 0x03)
	// Reset.
	pc.int13(regs{ax: 0x0000, dx: 0x0000})
	pc.expectStatus("reset", 0)
}

func TestBootOrder(t *testing.T) {
	boot := newFloppyImage(1440 << 10)
	copy(boot.data, bootSector())
	hd := diskWithBoot(20*16*63, smallGeom)

	// "ac": the diskette first.
	pc := floppyPC(t, "ac", boot, nil, hd)
	if pc.cpu.Segs[cpu.CS] != 0 || pc.cpu.IP != 0x7C03 || uint8(pc.cpu.Regs[cpu.DX]) != 0x00 {
		t.Errorf("boot order ac: at %04X:%04X DL=%02X", pc.cpu.Segs[cpu.CS], pc.cpu.IP, uint8(pc.cpu.Regs[cpu.DX]))
	}
	// "ca": the hard disk.
	pc = floppyPC(t, "ca", boot, nil, hd)
	if uint8(pc.cpu.Regs[cpu.DX]) != 0x80 || pc.cpu.IP != 0x7C03 {
		t.Errorf("boot order ca: DL=%02X at %04X", uint8(pc.cpu.Regs[cpu.DX]), pc.cpu.IP)
	}
	// A hard disk without the signature is skipped; the diskette boots.
	blank := newMemDisk(20*16*63*512, smallGeom)
	pc = floppyPC(t, "ca", boot, nil, blank)
	if uint8(pc.cpu.Regs[cpu.DX]) != 0x00 || pc.cpu.IP != 0x7C03 {
		t.Errorf("unsigned hard disk: DL=%02X at %04X", uint8(pc.cpu.Regs[cpu.DX]), pc.cpu.IP)
	}
	// Nothing bootable: INT 18h tells the machine and the screen.
	pc = floppyPC(t, "c", boot, nil, blank)
	if pc.noBoot != NoBootMessage {
		t.Fatalf("NoBoot got %q", pc.noBoot)
	}
	if !bytes.Contains(pc.screenText(), []byte("No bootable device")) {
		t.Errorf("screen does not show the message:\n%s", pc.screenText())
	}
}

// screenText returns the text the adapter shows.
func (pc *testPC) screenText() []byte {
	return []byte(pc.vga.Text().String())
}
