package video

// The graphics controller (3CEh index, 3CFh data): the data path between
// the CPU and the planes (IBM VGA Technical Reference, "Graphics
// Controller Registers"; FreeVGA "Graphics Registers", "VGA/SVGA Video
// Programming: Accessing the VGA Display Memory"; Ferraro ch. 4).
const (
	gcSetReset     = 0x00 // GR00: the value each plane gets in set/reset
	gcEnableSR     = 0x01 // GR01: planes whose data comes from set/reset (write mode 0)
	gcColorCompare = 0x02 // GR02: the colour read mode 1 looks for
	gcRotate       = 0x03 // GR03: bits 2-0 rotate count, bits 4-3 logical function
	gcReadMap      = 0x04 // GR04: the plane read mode 0 returns
	gcMode         = 0x05 // GR05: write mode, read mode, odd/even, shift register mode
	gcMisc         = 0x06 // GR06: graphics/text, chain odd/even, memory map
	gcDontCare     = 0x07 // GR07: planes that take part in colour compare
	gcBitMask      = 0x08 // GR08: bits that come from the data rather than the latches
	gcRegs         = 9
)

// Graphics mode (GR05) bits.
const (
	gmWriteMode  = 0x03
	gmReadMode1  = 0x08 // colour compare
	gmOddEven    = 0x10 // odd/even read addressing
	gmInterleave = 0x20 // shift register interleave: CGA 4-colour pixels
	gmShift256   = 0x40 // 256-colour shift: whole bytes per pixel
)

// Miscellaneous (GR06) bits.
const gmGraphics = 0x01 // graphics mode: the character generator is off

// spread repeats a byte in the four plane positions of a vram word.
func spread(b uint8) uint32 { return uint32(b) * 0x01010101 }

// writeData is the value the four planes would take for a CPU write of v:
// write mode 0 rotates v and substitutes set/reset for the enabled planes,
// mode 2 takes plane p's value from bit p of v, mode 3 uses set/reset
// masked by the rotated v; modes 0, 2 and 3 then apply the logical
// function with the latches and keep the latched bits the bit mask
// protects. Mode 1 writes the latches as they are (a fast copy).
func (a *Adapter) writeData(v uint8) uint32 {
	mode := a.gc[gcMode] & gmWriteMode
	if mode == 1 {
		return a.latch
	}
	n := a.gc[gcRotate] & 7
	rot := v>>n | v<<(8-n)
	mask := a.gc[gcBitMask]
	var d uint32
	switch mode {
	case 0:
		esr := expandPlanes[a.gc[gcEnableSR]&0x0F]
		d = spread(rot)&^esr | expandPlanes[a.gc[gcSetReset]&0x0F]&esr
	case 2:
		d = expandPlanes[v&0x0F]
	case 3:
		d = expandPlanes[a.gc[gcSetReset]&0x0F]
		mask &= rot
	}
	switch a.gc[gcRotate] >> 3 & 3 {
	case 1:
		d &= a.latch
	case 2:
		d |= a.latch
	case 3:
		d ^= a.latch
	}
	m := spread(mask)
	return d&m | a.latch&^m
}

// readData is what a CPU read returns once the latches are loaded: in read
// mode 0 the byte of the selected plane; in read mode 1 a bit set for each
// of the eight pixels whose colour, in the planes the colour don't care
// register names, equals the colour compare register.
func (a *Adapter) readData(plane uint32) uint8 {
	if a.gc[gcMode]&gmReadMode1 == 0 {
		return uint8(a.latch >> (8 * plane))
	}
	x := (a.latch ^ expandPlanes[a.gc[gcColorCompare]&0x0F]) & expandPlanes[a.gc[gcDontCare]&0x0F]
	return ^uint8(x | x>>8 | x>>16 | x>>24)
}
