package bios

import "fmt"

// The video BIOS reaches the adapter only as a program would: through the
// VGA's I/O ports and its memory window (IBM VGA Technical Reference,
// "Programming Considerations"; Ferraro ch. 5). vgaIO is that path.

// VideoBus is the video adapter as the BIOS reaches it: its I/O ports and
// the memory window A0000h-BFFFFh. A cpu.Bus is one; so is the adapter
// itself, for programming it without a PC around it (SetVideoMode).
type VideoBus interface {
	In8(port uint16) uint8
	Out8(port uint16, v uint8)
	Read8(addr uint32) uint8
	Write8(addr uint32, v uint8)
}

// VGA ports.
const (
	portAttr      = 0x3C0
	portAttrRead  = 0x3C1
	portMisc      = 0x3C2
	portVideoOn   = 0x3C3
	portSeq       = 0x3C4
	portPELMask   = 0x3C6
	portDACRead   = 0x3C7
	portDACWrite  = 0x3C8
	portDACData   = 0x3C9
	portMiscRead  = 0x3CC
	portGC        = 0x3CE
	portCRTCColor = 0x3D4
	portCRTCMono  = 0x3B4
)

// Register indexes the BIOS uses by name.
const (
	srReset, srClocking, srMapMask, srCharMap, srMemory = 0, 1, 2, 3, 4

	gcSetReset, gcEnableSR, gcRotate, gcReadMap, gcMode, gcMisc, gcBitMask = 0, 1, 3, 4, 5, 6, 8

	crMaxScan, crCursorStart, crCursorEnd, crStartHigh, crStartLow = 0x09, 0x0A, 0x0B, 0x0C, 0x0D
	crCursorHigh, crCursorLow, crVRetraceEnd, crVDisplayEnd        = 0x0E, 0x0F, 0x11, 0x12
	crOverflow, crUnderline                                        = 0x07, 0x14

	arModeControl, arOverscan, arColorSelect = 0x10, 0x11, 0x14
	attrPAS                                  = 0x20 // palette address source: the picture shows
)

type vgaIO struct{ bus VideoBus }

// crtcPort is the CRT controller index port the misc output register
// selects (bit 0): 3D4h or 3B4h.
func (v vgaIO) crtcPort() uint16 {
	if v.bus.In8(portMiscRead)&1 != 0 {
		return portCRTCColor
	}
	return portCRTCMono
}

func (v vgaIO) seq(i, x uint8) { v.bus.Out8(portSeq, i); v.bus.Out8(portSeq+1, x) }
func (v vgaIO) gc(i, x uint8)  { v.bus.Out8(portGC, i); v.bus.Out8(portGC+1, x) }
func (v vgaIO) seqIn(i uint8) uint8 {
	v.bus.Out8(portSeq, i)
	return v.bus.In8(portSeq + 1)
}
func (v vgaIO) gcIn(i uint8) uint8 {
	v.bus.Out8(portGC, i)
	return v.bus.In8(portGC + 1)
}

func (v vgaIO) crtc(i, x uint8) {
	p := v.crtcPort()
	v.bus.Out8(p, i)
	v.bus.Out8(p+1, x)
}

func (v vgaIO) crtcIn(i uint8) uint8 {
	p := v.crtcPort()
	v.bus.Out8(p, i)
	return v.bus.In8(p + 1)
}

// resetFlipFlop reads input status 1, which puts the attribute
// controller's 3C0h flip-flop back to "index".
func (v vgaIO) resetFlipFlop() { v.bus.In8(v.crtcPort() + 6) }

// attr writes attribute register i, leaving the palette address source on
// so that the picture stays (the BIOS's palette functions do so too).
func (v vgaIO) attr(i, x uint8) {
	v.resetFlipFlop()
	v.bus.Out8(portAttr, i)
	v.bus.Out8(portAttr, x)
	v.bus.Out8(portAttr, attrPAS)
}

func (v vgaIO) attrIn(i uint8) uint8 {
	v.resetFlipFlop()
	v.bus.Out8(portAttr, i)
	x := v.bus.In8(portAttrRead)
	v.resetFlipFlop()
	v.bus.Out8(portAttr, attrPAS)
	return x
}

// dacWrite loads count entries from first with 6-bit R, G, B triples.
func (v vgaIO) dacWrite(first uint8, rgb []uint8) {
	v.bus.Out8(portDACWrite, first)
	for _, c := range rgb {
		v.bus.Out8(portDACData, c)
	}
}

// dacRead reads n entries from first as R, G, B triples.
func (v vgaIO) dacRead(first uint8, n int) []uint8 {
	v.bus.Out8(portDACRead, first)
	out := make([]uint8, 3*n)
	for i := range out {
		out[i] = v.bus.In8(portDACData)
	}
	return out
}

// program writes a parameter table entry to the adapter in the order a VGA
// BIOS does: the sequencer held in synchronous reset while the clocking
// and misc output change, the CRTC unlocked (CR11 bit 7) and loaded, the
// graphics controller, the attribute controller (AR14 zero), and finally
// the palette address source set so that the picture shows.
func (v vgaIO) program(e *paramEntry) {
	v.seq(srReset, 0x01)
	for i, x := range e.seq {
		v.seq(uint8(1+i), x)
	}
	v.bus.Out8(portMisc, e.misc)
	v.seq(srReset, 0x03)
	v.crtc(crVRetraceEnd, v.crtcIn(crVRetraceEnd)&0x7F)
	for i, x := range e.crtc {
		v.crtc(uint8(i), x)
	}
	for i, x := range e.gc {
		v.gc(uint8(i), x)
	}
	v.resetFlipFlop()
	for i, x := range e.attr {
		v.bus.Out8(portAttr, uint8(i))
		v.bus.Out8(portAttr, x)
	}
	v.bus.Out8(portAttr, arColorSelect)
	v.bus.Out8(portAttr, 0)
	v.bus.Out8(portAttr, attrPAS)
}

// planeAccess opens plane 2 (the character generator's fonts) to the CPU
// at A0000h, sequentially addressed, as IBM's font loaders do; closeFonts
// gives the memory back to the mode in entry e.
func (v vgaIO) openFonts() {
	v.seq(srMapMask, 0x04)
	v.seq(srMemory, 0x07)
	v.gc(gcReadMap, 0x02)
	v.gc(gcMode, 0x00)
	v.gc(gcMisc, 0x04)
}

func (v vgaIO) closeFonts(e *paramEntry) {
	v.seq(srMapMask, e.seq[srMapMask-1])
	v.seq(srMemory, e.seq[srMemory-1])
	v.gc(gcReadMap, e.gc[gcReadMap])
	v.gc(gcMode, e.gc[gcMode])
	v.gc(gcMisc, e.gc[gcMisc])
}

// fontMapOffset is where character map n (0-7) starts in plane 2 (IBM
// VGA: "Character Map Select Register"): maps 0-3 at 16 KiB steps, 4-7 in
// the gaps between them. Each character has 32 bytes there.
func fontMapOffset(n uint8) uint32 {
	return [8]uint32{0x0000, 0x4000, 0x8000, 0xC000, 0x2000, 0x6000, 0xA000, 0xE000}[n&7]
}

// loadFont writes count glyphs of height bytes from glyphs, starting at
// character first, into character map block of plane 2 (INT 10h AH=11h).
func (v vgaIO) loadFont(e *paramEntry, block uint8, first, count int, glyphs []byte, height int) {
	v.openFonts()
	base := 0xA0000 + fontMapOffset(block)
	for i := 0; i < count && first+i < 256 && (i+1)*height <= len(glyphs); i++ {
		a := base + uint32(first+i)*32
		for y := 0; y < height; y++ {
			v.bus.Write8(a+uint32(y), glyphs[i*height+y])
		}
	}
	v.closeFonts(e)
}

// clear blanks a mode's memory as AH=00h does: blanks with attribute 07h
// in the 32 KiB of a text mode, zeros in every plane of the graphics
// window.
func (v vgaIO) clear(vm videoMode) {
	base := uint32(vm.seg) << 4
	switch vm.model {
	case mmText:
		for a := base; a < base+0x8000; a += 2 {
			v.bus.Write8(a, ' ')
			v.bus.Write8(a+1, 0x07)
		}
	case mmCGA:
		for a := base; a < base+0x8000; a++ {
			v.bus.Write8(a, 0)
		}
	default:
		// The planar and chain-4 entries leave the map mask at 0Fh and
		// write mode 0 with the bit mask at FFh: one write per address.
		for a := base; a < base+0x10000; a++ {
			v.bus.Write8(a, 0)
		}
	}
}

// Fonts are the ROM fonts (8, 14 and 16 bytes per character for 256
// characters) a mode set loads into the character generator.
type Fonts struct{ Font8x8, Font8x14, Font8x16 []byte }

// font returns the ROM font of a cell height (8, 14 or 16).
func (f Fonts) font(h int) []byte {
	switch h {
	case 14:
		return f.Font8x14
	case 16:
		return f.Font8x16
	}
	return f.Font8x8
}

// SetVideoMode programs standard mode mode (00h-07h, 0Dh-13h) into an
// adapter through its ports and memory, with the DAC colours and the
// character generator's font, and clears its memory (unless bit 7 of mode
// is set) — what INT 10h AH=00h does to the adapter, without a BIOS data
// area. Text modes take the 400-line form. For tools and tests that need a
// standard screen on an adapter without a PC around it.
func SetVideoMode(bus VideoBus, mode uint8, fonts Fonts) error {
	vm, ok := videoModes[mode&0x7F]
	if !ok {
		return fmt.Errorf("bios: video mode %02Xh is not a standard VGA mode", mode&0x7F)
	}
	v := vgaIO{bus}
	e := &videoParamTable[vm.param[lines400]]
	v.program(e)
	v.dacWrite(0, dacColours(vm.dac, false))
	v.bus.Out8(portPELMask, 0xFF)
	if vm.model == mmText {
		v.loadFont(e, 0, 0, 256, fonts.font(int(e.charH)), int(e.charH))
	}
	if mode&0x80 == 0 {
		v.clear(vm)
	}
	return nil
}
