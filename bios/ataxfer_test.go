package bios

import (
	"bytes"
	"testing"

	"pcemu/cpu"
	"pcemu/ide"
)

// flatDisk is an ide.Drive held in one byte slice: its reads and writes
// allocate nothing, so an allocation counted around an INT 13h call is the
// BIOS's (or the CPU's, or the controller's).
type flatDisk struct {
	data []byte
	geom ide.Geometry
}

func newFlatDisk(sectors int64, g ide.Geometry) *flatDisk {
	d := &flatDisk{data: make([]byte, sectors*512), geom: g}
	for lba := int64(0); lba < sectors; lba++ {
		copy(d.data[lba*512:], pattern(lba))
	}
	return d
}

func (d *flatDisk) ReadAt(p []byte, off int64) (int, error)  { return copy(p, d.data[off:]), nil }
func (d *flatDisk) WriteAt(p []byte, off int64) (int, error) { return copy(d.data[off:], p), nil }
func (d *flatDisk) Size() int64                              { return int64(len(d.data)) }
func (d *flatDisk) ReadOnly() bool                           { return false }
func (d *flatDisk) Flush() error                             { return nil }
func (d *flatDisk) Geometry() ide.Geometry                   { return d.geom }

// TestInt13AllocatesNothing runs INT 13h transfers on a ready drive through
// the ROM stub, the CPU and the IDE controller and counts the allocations
// per call: none, for the CHS and extended reads, writes and verifies, and
// for a buffer that wraps its segment (moved a word at a time).
func TestInt13AllocatesNothing(t *testing.T) {
	const sectors = 20 * 16 * 63
	d := newFlatDisk(sectors, smallGeom)
	pc := newTestPC(t, testConfig{drives: [4]ide.Drive{d}})
	pc.ready()
	src := bytes.Repeat([]byte("pcemu INT 13h write path "), 64*512/25+1)[:64*512]
	copy(pc.ram[0x30000:], src)

	for _, c := range []struct {
		name  string
		r     regs
		dap   func()
		check func() bool
	}{
		{"AH=42h read 64 sectors", regs{ax: 0x4200, dx: 0x0080, si: 0x800},
			func() { pc.dap(0x10, 64, 0x2000, 0, 1000, 0) },
			func() bool { return bytes.Equal(pc.ram[0x20000:0x28000], d.data[1000*512:1064*512]) }},
		{"AH=43h write 64 sectors", regs{ax: 0x4300, dx: 0x0080, si: 0x800},
			func() { pc.dap(0x10, 64, 0x3000, 0, 2000, 0) },
			func() bool { return bytes.Equal(d.data[2000*512:2064*512], src) }},
		{"AH=44h verify 64 sectors", regs{ax: 0x4400, dx: 0x0080, si: 0x800},
			func() { pc.dap(0x10, 64, 0x2000, 0, 3000, 0) },
			func() bool { return pc.dapCount() == 64 }},
		{"AH=42h read to a flat address", regs{ax: 0x4200, dx: 0x0080, si: 0x800},
			func() { pc.dap(0x18, 16, 0xFFFF, 0xFFFF, 500, 0x48000) },
			func() bool { return bytes.Equal(pc.ram[0x48000:0x4A000], d.data[500*512:516*512]) }},
		{"AH=02h read 64 sectors", regs{ax: 0x0240, cx: chs(2, 1), dx: 0x0180, es: 0x5000},
			nil,
			func() bool { return bytes.Equal(pc.ram[0x50000:0x58000], d.data[(2*16+1)*63*512:][:64*512]) }},
		{"AH=03h write 64 sectors", regs{ax: 0x0340, cx: chs(5, 1), dx: 0x0080, es: 0x3000},
			nil,
			func() bool { return bytes.Equal(d.data[5*16*63*512:][:64*512], src) }},
		{"AH=02h read wrapping the segment", regs{ax: 0x0202, cx: chs(0, 3), dx: 0x0080, es: 0x6000, bx: 0xFF00},
			nil,
			func() bool {
				return bytes.Equal(pc.ram[0x6FF00:0x70000], d.data[2*512:2*512+256]) &&
					bytes.Equal(pc.ram[0x60000:0x60300], d.data[2*512+256:4*512])
			}},
	} {
		call := func() {
			if c.dap != nil {
				c.dap()
			}
			pc.int13(c.r)
		}
		call() // the first call may make the transfer's continuation
		clear(pc.ram[0x20000:0x28000])
		clear(pc.ram[0x48000:0x4A000])
		clear(pc.ram[0x50000:0x58000])
		clear(pc.ram[0x60000:0x70000])
		if n := testing.AllocsPerRun(20, call); n != 0 {
			t.Errorf("%s: %v allocations per call, want 0", c.name, n)
		}
		pc.expectStatus(c.name, 0)
		if !c.check() {
			t.Errorf("%s: wrong data", c.name)
		}
	}
}

// TestInt13NestedTransfer calls INT 13h from the timer hook (INT 1Ch)
// while another INT 13h call waits for its busy drive in the ROM. The
// nested call, on the other channel, gets its own transfer state: both
// calls complete with their own data.
func TestInt13NestedTransfer(t *testing.T) {
	pc := newTestPC(t, testConfig{drives: [4]ide.Drive{
		diskWithBoot(20*16*63, smallGeom), nil, diskWithBoot(20*16*63, smallGeom),
	}})
	pc.ready()
	// INT 1Ch: read C0/H0/S6 (LBA 5) of drive 81h to 3000:0000, keep AX
	// and the flags at 0000:0900, once.
	hook := []byte{
		0x2E, 0x80, 0x3E, 0x10, 0x09, 0x00, // CMP BYTE CS:[0910h], 0
		0x75, 0x2C, //                         JNZ done
		0x2E, 0xC6, 0x06, 0x10, 0x09, 0x01, // MOV BYTE CS:[0910h], 1
		0x50, 0x53, 0x51, 0x52, 0x06, //       PUSH AX BX CX DX ES
		0xB8, 0x01, 0x02, //                   MOV AX, 0201h
		0xB9, 0x06, 0x00, //                   MOV CX, 0006h
		0xBA, 0x81, 0x00, //                   MOV DX, 0081h
		0xBB, 0x00, 0x30, //                   MOV BX, 3000h
		0x8E, 0xC3, //                         MOV ES, BX
		0x31, 0xDB, //                         XOR BX, BX
		0xCD, 0x13, //                         INT 13h
		0x9C,                   //             PUSHF
		0x2E, 0xA3, 0x00, 0x09, //             MOV CS:[0900h], AX
		0x2E, 0x8F, 0x06, 0x02, 0x09, //       POP WORD CS:[0902h]
		0x07, 0x5A, 0x59, 0x5B, 0x58, //       POP ES DX CX BX AX
		0xCF, //                               done: IRET
	}
	copy(pc.ram[0x700:], hook)
	pc.ram[0x910] = 0
	pc.ram[0x1C*4], pc.ram[0x1C*4+1], pc.ram[0x1C*4+2], pc.ram[0x1C*4+3] = 0x00, 0x07, 0, 0

	pc.busyAfterCommand = 100 // the primary channel only
	pc.pic.raise(0)
	pc.int13(regs{ax: 0x0204, cx: chs(0, 1), dx: 0x0080, es: 0x2000})
	pc.expectStatus("outer read", 0)
	if al := uint8(pc.cpu.Regs[cpu.AX]); al != 4 {
		t.Errorf("outer read: AL=%d, want 4", al)
	}
	if pc.ram[0x910] != 1 {
		t.Fatal("the timer hook did not run during the wait")
	}
	if ax, fl := uint16(pc.ram[0x900])|uint16(pc.ram[0x901])<<8, pc.ram[0x902]; ax != 0x0001 || uint16(fl)&cpu.FlagCF != 0 {
		t.Errorf("nested read: AX=%04X flags=%02X, want AX=0001 and CF clear", ax, fl)
	}
	if !bytes.Equal(pc.ram[0x30000:0x30200], pattern(5)) {
		t.Error("nested read: wrong data")
	}
	if !bytes.Equal(pc.ram[0x20000:0x20200], bootSector()) {
		t.Error("outer read: sector 0 wrong")
	}
	for i := int64(1); i < 4; i++ {
		if !bytes.Equal(pc.ram[0x20000+i*512:0x20000+(i+1)*512], pattern(i)) {
			t.Errorf("outer read: sector %d wrong", i)
		}
	}
}
