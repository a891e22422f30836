package video

// The sequencer (3C4h index, 3C5h data; FreeVGA "Sequencer Registers",
// IBM VGA Technical Reference "Sequencer Registers").
const (
	srReset     = 0x00 // bits 1-0: synchronous and asynchronous reset (0 = in reset)
	srClocking  = 0x01 // clocking mode
	srMapMask   = 0x02 // planes the CPU writes
	srCharMap   = 0x03 // character map select
	srMemory    = 0x04 // memory mode
	seqRegs     = 5
	seqIndexBit = 0x07 // the index register decodes three bits
)

// Clocking mode (SR01) bits.
const (
	smDots8     = 0x01 // 8-dot character clocks (else 9)
	smShiftLoad = 0x04 // load the serializers every second character clock
	smDotClock2 = 0x08 // dot clock divided by two (320- and 360-dot modes)
	smShift4    = 0x10 // load the serializers every fourth character clock
	smScreenOff = 0x20 // blank the screen, give the CPU all memory cycles
)

// Memory mode (SR04) bits.
const (
	smExtended = 0x02 // more than 64 KiB: needed for the character map select
	smOddEven  = 0x04 // 1: sequential addressing; 0: odd/even (even addresses planes 0/2, odd 1/3)
	smChain4   = 0x08 // the two low address bits select the plane
)

// charMaps are the offsets in plane 2 of character maps A and B (SR03):
// map A (bits 5, 3-2) serves characters whose attribute bit 3 is set, map
// B (bits 4, 1-0) the others. Maps 0-3 start at 16 KiB steps, 4-7 in the
// gaps between them (IBM VGA: "Character Map Select Register").
func (a *Adapter) charMaps() (mapA, mapB int) {
	s := a.seq[srCharMap]
	return FontMapOffset(int(s>>2&3 | s>>3&4)), FontMapOffset(int(s&3 | s>>2&4))
}

// FontMapOffset is where character map n (0-7) starts in plane 2; each
// character takes 32 bytes there, whatever the cell height.
func FontMapOffset(n int) int {
	return [8]int{0x0000, 0x4000, 0x8000, 0xC000, 0x2000, 0x6000, 0xA000, 0xE000}[n&7]
}
