package bios

import (
	"encoding/binary"
	"testing"

	"pcemu/cpu"
	"pcemu/ide"
)

// FuzzServices calls BIOS services with arbitrary registers and buffers:
// whatever a guest passes, the BIOS must not panic, and must return to the
// caller unless the service waits for an event by design.
func FuzzServices(f *testing.F) {
	seed := func(vec uint8, ax, bx, cx, dx uint16) []byte {
		b := make([]byte, 1+16+32)
		b[0] = vec
		binary.LittleEndian.PutUint16(b[1:], ax)
		binary.LittleEndian.PutUint16(b[3:], bx)
		binary.LittleEndian.PutUint16(b[5:], cx)
		binary.LittleEndian.PutUint16(b[7:], dx)
		b[17] = 0x10 // a DAP-sized first byte
		return b
	}
	for _, s := range [][]byte{
		seed(0x13, 0x0201, 0x1000, 0x0001, 0x0080),
		seed(0x13, 0x4200, 0, 0, 0x0080),
		seed(0x13, 0x4800, 0, 0, 0x0080),
		seed(0x13, 0x0800, 0, 0, 0x0000),
		seed(0x13, 0x0305, 0xFF00, 0xFFFF, 0xFF80),
		seed(0x13, 0x0512, 0, 0x4F01, 0x0100),
		seed(0x10, 0x0E41, 0, 0, 0),
		seed(0x10, 0x0601, 0x0700, 0x0000, 0xFFFF),
		seed(0x10, 0x1301, 0x0007, 0xFFFF, 0x1850),
		seed(0x10, 0x0013, 0, 0, 0),
		seed(0x10, 0x1112, 0, 0, 0),
		seed(0x10, 0x1B00, 0, 0, 0),
		seed(0x15, 0x8700, 0, 0x8000, 0),
		seed(0x15, 0x5307, 0x0001, 0x0003, 0),
		seed(0x16, 0x0500, 0, 0x1234, 0),
		seed(0x1A, 0x0300, 0, 0x9999, 0x9999),
		seed(0x14, 0x00FF, 0, 0, 0x0003),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 17 {
			return
		}
		vectors := []uint8{0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x1A}
		vec := vectors[int(data[0])%len(vectors)]
		r := func(i int) uint16 { return binary.LittleEndian.Uint16(data[1+2*i:]) }
		pc := newTestPC(t, testConfig{
			cfg:    Config{Model: cpu.Model80286, MemoryKB: 1024, Floppies: [2]FloppyImage{newFloppyImage(360 << 10)}},
			drives: [4]ide.Drive{diskWithBoot(20*16*63, smallGeom)},
		})
		pc.post()
		// The buffers the registers may point at hold the fuzz data.
		for _, at := range []uint32{0x800, 0x10000, 0x20000} {
			copy(pc.ram[at:], data[17:])
		}
		pc.callWaiting(vec, func(c *cpu.CPU) {
			c.Regs[cpu.AX], c.Regs[cpu.BX], c.Regs[cpu.CX], c.Regs[cpu.DX] = r(0), r(1), r(2), r(3)
			c.Regs[cpu.SI], c.Regs[cpu.DI], c.Regs[cpu.BP] = r(4)&0x0FFF|0x800, r(5), r(6)
			c.Segs[cpu.DS], c.Segs[cpu.ES] = 0, 0x1000|r(7)&0x1000
		}, func(int) { pc.pic.raise(0) }, 3)
	})
}
