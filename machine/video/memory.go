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
	return a.readAt(addr - start)
}

// Peek8 is what Read8 returns at addr, without loading the latches: for
// a monitor or debugger looking at video memory, which must not change
// what the guest's next write mode 1 copy stores.
func (a *Adapter) Peek8(addr uint32) uint8 {
	latch := a.latch
	v := a.Read8(addr)
	a.latch = latch
	return v
}

// Write8 is a CPU write of video memory at a linear address: the graphics
// controller combines the byte with the latches and the planes enabled
// for it take the result. Writes outside the mapped window are lost.
func (a *Adapter) Write8(addr uint32, v uint8) {
	start, end := a.window()
	if addr < start || addr >= end {
		return
	}
	a.writeAt(addr-start, v)
	a.changes++
}

// readAt is a read at offset off of the window.
func (a *Adapter) readAt(off uint32) uint8 {
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

// writeAt is a write at offset off of the window.
func (a *Adapter) writeAt(off uint32, v uint8) {
	planes := a.writePlanes(&off)
	if planes == 0 {
		return
	}
	m := expandPlanes[planes]
	p := &a.vram[off&planeMask]
	*p = *p&^m | a.writeData(v)&m
}

// writePlanes is the set of planes a write at window offset *off reaches,
// and turns *off into the plane address.
func (a *Adapter) writePlanes(off *uint32) uint32 {
	planes := uint32(a.seq[srMapMask] & 0x0F)
	switch {
	case a.seq[srMemory]&smChain4 != 0:
		planes &= 1 << (*off & 3)
		*off = chain4(*off)
	case a.seq[srMemory]&smOddEven == 0:
		planes &= 0x5 << (*off & 1)
		*off &^= 1
	}
	return planes
}

// bulkSpan is how many elements of w bytes from linear address addr lie
// wholly in the mapped window (at most count), and the window offset of
// the first.
func (a *Adapter) bulkSpan(addr uint32, w, count int) (off uint32, n int) {
	start, end := a.window()
	if addr < start || addr >= end {
		return 0, 0
	}
	return addr - start, min(count, int(end-addr)/w)
}

// StoreBulk is REP STOS into the window: count elements from linear
// address addr upward, each the bytes of v, with the effect of that many
// Write8 calls. With no read among them the latches stay as they are, so
// each distinct byte is combined with them once. It returns the elements
// written: those wholly inside the mapped window.
func (a *Adapter) StoreBulk(addr uint32, v []byte, count int) int {
	w := len(v)
	off, n := a.bulkSpan(addr, w, count)
	if n <= 0 || w < 1 || w > 2 {
		return 0
	}
	data := [2]uint32{a.writeData(v[0]), a.writeData(v[w-1])}
	if a.seq[srMemory]&(smChain4|smOddEven) == smOddEven {
		// Planar: every byte to the planes the map mask enables.
		m := expandPlanes[a.seq[srMapMask]&0x0F]
		for i := 0; i < n*w; i++ {
			p := &a.vram[(off+uint32(i))&planeMask]
			*p = *p&^m | data[i&(w-1)]&m
		}
	} else {
		for i := 0; i < n*w; i++ {
			o := off + uint32(i)
			if planes := a.writePlanes(&o); planes != 0 {
				m := expandPlanes[planes]
				p := &a.vram[o&planeMask]
				*p = *p&^m | data[i&(w-1)]&m
			}
		}
	}
	a.changes++
	return n
}

// MoveBulk is REP MOVS within the window: count elements of w bytes from
// linear address src to dst, each read (loading the latches) and then
// written, byte after byte as the CPU does, with the effect of the Read8
// and Write8 calls. It returns the elements moved: those whose source and
// destination lie wholly in the mapped window.
func (a *Adapter) MoveBulk(dst, src uint32, w, count int) int {
	doff, n := a.bulkSpan(dst, w, count)
	soff, ns := a.bulkSpan(src, w, count)
	n = min(n, ns)
	if n <= 0 || w < 1 || w > 2 {
		return 0
	}
	planar := a.seq[srMemory]&(smChain4|smOddEven) == smOddEven && a.gc[gcMode]&gmOddEven == 0
	switch {
	case w == 1 && planar && a.gc[gcMode]&gmWriteMode == 1:
		// The latch copy of write mode 1 (scrolling, page copies): each
		// byte's four planes, read into the latches, written through the
		// map mask.
		m := expandPlanes[a.seq[srMapMask]&0x0F]
		for i := uint32(0); i < uint32(n); i++ {
			a.latch = a.vram[(soff+i)&planeMask]
			p := &a.vram[(doff+i)&planeMask]
			*p = *p&^m | a.latch&m
		}
	case w == 1:
		for i := uint32(0); i < uint32(n); i++ {
			a.writeAt(doff+i, a.readAt(soff+i))
		}
	default:
		for i := uint32(0); i < uint32(2*n); i += 2 {
			lo, hi := a.readAt(soff+i), a.readAt(soff+i+1)
			a.writeAt(doff+i, lo)
			a.writeAt(doff+i+1, hi)
		}
	}
	a.changes++
	return n
}

// WriteBulk writes the bytes of src to the window from linear address addr
// upward, with the effect of that many Write8 calls (REP MOVS from RAM).
// With no read among them the latches stay as they are, so a long run
// combines each of the 256 byte values with them once, beforehand. It
// returns the bytes written, those inside the mapped window.
func (a *Adapter) WriteBulk(addr uint32, src []byte) int {
	off, n := a.bulkSpan(addr, 1, len(src))
	if n <= 0 {
		return 0
	}
	if n < 512 {
		for i := 0; i < n; i++ {
			a.writeAt(off+uint32(i), src[i])
		}
		a.changes++
		return n
	}
	var data [256]uint32
	for v := range data {
		data[v] = a.writeData(uint8(v))
	}
	if a.seq[srMemory]&(smChain4|smOddEven) == smOddEven {
		m := expandPlanes[a.seq[srMapMask]&0x0F]
		for i, v := range src[:n] {
			p := &a.vram[(off+uint32(i))&planeMask]
			*p = *p&^m | data[v]&m
		}
	} else {
		for i, v := range src[:n] {
			o := off + uint32(i)
			if planes := a.writePlanes(&o); planes != 0 {
				m := expandPlanes[planes]
				p := &a.vram[o&planeMask]
				*p = *p&^m | data[v]&m
			}
		}
	}
	a.changes++
	return n
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
