package video

// Display memory and the CPU's window onto it. The IBM VGA has 256 KiB in
// four 64 KiB planes (maps 0-3). A CPU access goes through the graphics
// controller's memory map decode (GR06 bits 3-2), then the sequencer's
// memory mode picks the planes (IBM VGA Technical Reference, "Memory
// Mode Register", "Miscellaneous Register"; FreeVGA "Sequencer Memory Mode"):
//
//   - chain-4 (SR04 bit 3, mode 13h): address bits 1-0 select the plane,
//     and address bits 15-14 take their place in the plane address, so
//     four consecutive bytes share one address in the four planes — the
//     address the CRTC's doubleword mode generates (MA13-MA12 on memory
//     address bits 1-0, FreeVGA "CRTC Mode Control Register");
//   - odd/even (SR04 bit 2 clear, text and CGA modes): even addresses
//     reach planes 0 and 2, odd ones planes 1 and 3, at the address with
//     bit 0 zero; reads pick the plane pair with GR04 bit 1 and the plane
//     with address bit 0 (GR05 bit 4);
//   - planar: every plane at the same address, writes to the planes the
//     map mask (SR02) enables, reads from the read map select (GR04).

const (
	planeSize = 0x10000
	planeMask = planeSize - 1
)

// window is the linear range GR06 bits 3-2 map the planes to: A0000h for
// 128 KiB, A0000h or B0000h or B8000h for 64/32/32 KiB. Nothing is mapped
// while the misc output register's RAM enable (bit 1) or the video
// subsystem enable (3C3h bit 0) is off.
func (a *Adapter) window() (start, end uint32) {
	if a.misc&miscRAMEnable == 0 || a.enable&1 == 0 {
		return 0, 0
	}
	switch a.gc[gcMisc] >> 2 & 3 {
	case 0:
		return 0xA0000, 0xC0000
	case 1:
		return 0xA0000, 0xB0000
	case 2:
		return 0xB0000, 0xB8000
	}
	return 0xB8000, 0xC0000
}

// Window is the part of A0000h-BFFFFh the CPU currently reaches.
func (a *Adapter) Window() (start, end uint32) { return a.window() }

// Read8 is a CPU read of video memory at a linear address: it loads the
// four latches and returns what the read mode makes of them. Addresses
// outside the mapped window are not decoded and read as an open bus (FFh).
func (a *Adapter) Read8(addr uint32) uint8 {
	start, end := a.window()
	if addr < start || addr >= end {
		return 0xFF
	}
	off := addr - start
	var plane uint32
	switch {
	case a.seq[srMemory]&smChain4 != 0:
		plane, off = off&3, chain4(off)
	case a.gc[gcMode]&gmOddEven != 0:
		plane, off = uint32(a.gc[gcReadMap]&2)|off&1, off&^1
	default:
		plane = uint32(a.gc[gcReadMap] & 3)
	}
	a.latch = a.vram[off&planeMask]
	return a.readData(plane)
}

// Write8 is a CPU write of video memory at a linear address: the graphics
// controller combines the byte with the latches and the planes enabled
// for it take the result. Writes outside the mapped window are lost.
func (a *Adapter) Write8(addr uint32, v uint8) {
	start, end := a.window()
	if addr < start || addr >= end {
		return
	}
	off := addr - start
	planes := uint32(a.seq[srMapMask] & 0x0F)
	switch {
	case a.seq[srMemory]&smChain4 != 0:
		planes &= 1 << (off & 3)
		off = chain4(off)
	case a.seq[srMemory]&smOddEven == 0:
		planes &= 0x5 << (off & 1)
		off &^= 1
	}
	if planes == 0 {
		return
	}
	m := expandPlanes[planes]
	p := &a.vram[off&planeMask]
	*p = *p&^m | a.writeData(v)&m
	a.changes++
}

// chain4 is the plane address of CPU offset off in chain-4 mode.
func chain4(off uint32) uint32 { return off&^3 | off>>14&3 }

// Plane returns byte off of plane p (0-3) as the memory holds it, without
// touching the latches: for tests and tools.
func (a *Adapter) Plane(p int, off int) uint8 {
	return uint8(a.vram[off&planeMask] >> (8 * (p & 3)))
}

// expandPlanes turns a 4-bit plane set into a mask of the bytes of those
// planes in a vram word.
var expandPlanes = func() (t [16]uint32) {
	for i := range t {
		for p := 0; p < 4; p++ {
			if i&(1<<p) != 0 {
				t[i] |= 0xFF << (8 * p)
			}
		}
	}
	return t
}()
