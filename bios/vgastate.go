package bios

import "pcemu/cpu"

// INT 10h AH=1Ch: save and restore the video state (IBM VGA Technical
// Reference, "Save/Restore Video State"; Ralf Brown's INT 10h AH=1Ch). CX
// says which parts: bit 0 the adapter's registers and latches, bit 1 the
// BIOS data, bit 2 the DAC. The buffer starts with the offsets of the
// parts saved (0 for a part not saved); the layout of each part is this
// BIOS's own, for its own restore.

const (
	stateHeader   = 0x20 // words at 0, 2, 4: offsets of the three parts
	stateHardware = 69   // see saveHardware
	stateBIOSData = 30 + 7 + 4 + 16
	stateDAC      = 3 + 768

	// latchAddr is where the latches go through memory: the last byte of
	// each plane, beyond the picture of every standard mode (the IBM BIOS
	// uses display memory the same way).
	latchAddr = 0xAFFFF
)

// saveRestoreState is AH=1Ch.
func (b *BIOS) saveRestoreState() {
	parts := b.cx() & 7
	switch b.al() {
	case 0x00: // BX = buffer size in 64-byte blocks
		n := stateHeader
		for i, size := range []int{stateHardware, stateBIOSData, stateDAC} {
			if parts&(1<<i) != 0 {
				n += size
			}
		}
		b.setBX(uint16((n + 63) / 64))
	case 0x01:
		buf := b.buffer(cpu.BX)
		off := uint32(stateHeader)
		for i := uint32(0); i < stateHeader; i++ {
			b.wr8(buf+i, 0)
		}
		for i, part := range []struct {
			size int
			save func(uint32)
		}{{stateHardware, b.saveHardware}, {stateBIOSData, b.saveBIOSData}, {stateDAC, b.saveDAC}} {
			if parts&(1<<i) == 0 {
				continue
			}
			b.wr16(buf+uint32(2*i), uint16(off))
			part.save(buf + off)
			off += uint32(part.size)
		}
	case 0x02:
		buf := b.buffer(cpu.BX)
		for i, restore := range []func(uint32){b.restoreHardware, b.restoreBIOSData, b.restoreDAC} {
			if off := b.rd16(buf + uint32(2*i)); parts&(1<<i) != 0 && off != 0 {
				restore(buf + uint32(off))
			}
		}
	default:
		return
	}
	b.setAL(0x1C)
}

// saveHardware stores the adapter's registers: the four index registers
// and the attribute index (with PAS), feature control, SR01-SR04, misc
// output, CR00-CR18, AR00-AR14, GR00-GR08 and the four latches (69
// bytes). The latches are written to latchAddr with write mode 1 and read
// back plane by plane; the last of those reads reloads them.
func (b *BIOS) saveHardware(dst uint32) {
	io := b.vga()
	bus := b.bus
	crtc := io.crtcPort()
	idx := []uint8{bus.In8(portSeq), bus.In8(crtc), bus.In8(portGC), bus.In8(portAttr), bus.In8(0x3CA)}
	var regs []uint8
	regs = append(regs, idx...)
	for i := uint8(1); i <= 4; i++ {
		regs = append(regs, io.seqIn(i))
	}
	regs = append(regs, bus.In8(portMiscRead))
	for i := uint8(0); i < 25; i++ {
		regs = append(regs, io.crtcIn(i))
	}
	pas := idx[3] & attrPAS
	for i := uint8(0); i < 21; i++ {
		io.resetFlipFlop()
		bus.Out8(portAttr, i|pas)
		regs = append(regs, bus.In8(portAttrRead))
	}
	gc := make([]uint8, 9)
	for i := range gc {
		gc[i] = io.gcIn(uint8(i))
	}
	regs = append(regs, gc...)
	// The latches, through plane memory at latchAddr.
	mapMask, memMode := io.seqIn(srMapMask), io.seqIn(srMemory)
	io.seq(srMapMask, 0x0F)
	io.seq(srMemory, 0x06)
	io.gc(gcMode, 0x01)
	io.gc(gcMisc, 0x05)
	b.wr8(latchAddr, 0)
	io.gc(gcMode, 0x00)
	for p := uint8(0); p < 4; p++ {
		io.gc(gcReadMap, p)
		regs = append(regs, b.rd8(latchAddr))
	}
	io.seq(srMapMask, mapMask)
	io.seq(srMemory, memMode)
	for i, x := range gc {
		io.gc(uint8(i), x)
	}
	io.resetFlipFlop()
	bus.Out8(portAttr, idx[3])
	bus.Out8(portSeq, idx[0])
	bus.Out8(crtc, idx[1])
	bus.Out8(portGC, idx[2])
	for i, x := range regs {
		b.wr8(dst+uint32(i), x)
	}
}

// restoreHardware loads what saveHardware stored.
func (b *BIOS) restoreHardware(src uint32) {
	io := b.vga()
	bus := b.bus
	r := make([]uint8, stateHardware)
	for i := range r {
		r[i] = b.rd8(src + uint32(i))
	}
	idx, seq, misc, crtc, attr, gc, latch := r[0:5], r[5:9], r[9], r[10:35], r[35:56], r[56:65], r[65:69]
	io.seq(srReset, 0x01)
	for i, x := range seq {
		io.seq(uint8(1+i), x)
	}
	bus.Out8(portMisc, misc)
	io.seq(srReset, 0x03)
	bus.Out8(io.crtcPort()+6, idx[4]) // feature control
	io.crtc(0x11, crtc[0x11]&0x7F)
	for i, x := range crtc {
		if i != 0x11 {
			io.crtc(uint8(i), x)
		}
	}
	io.crtc(0x11, crtc[0x11])
	// The latches: each plane's byte at latchAddr, then a read loads them.
	io.seq(srMapMask, 0x0F)
	io.seq(srMemory, 0x06)
	for i, x := range []uint8{0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0xFF} {
		io.gc(uint8(i), x)
	}
	for p, x := range latch {
		io.seq(srMapMask, 1<<p)
		b.wr8(latchAddr, x)
	}
	b.rd8(latchAddr)
	io.seq(srMapMask, seq[srMapMask-1])
	io.seq(srMemory, seq[srMemory-1])
	for i, x := range gc {
		io.gc(uint8(i), x)
	}
	io.resetFlipFlop()
	for i, x := range attr {
		bus.Out8(portAttr, uint8(i))
		bus.Out8(portAttr, x)
	}
	bus.Out8(portAttr, idx[3])
	crtcIdx := io.crtcPort()
	bus.Out8(portSeq, idx[0])
	bus.Out8(crtcIdx, idx[1])
	bus.Out8(portGC, idx[2])
}

// biosDataState lists what saveBIOSData keeps: the video bytes of the
// BDA and the vectors of the video BIOS's tables and fonts.
var biosDataState = []struct{ addr, n uint32 }{
	{0x449, 30}, {0x484, 7}, {0x4A8, 4}, {0x05 * 4, 4}, {0x1D * 4, 4}, {0x1F * 4, 4}, {0x43 * 4, 4},
}

func (b *BIOS) saveBIOSData(dst uint32) {
	for _, r := range biosDataState {
		for i := uint32(0); i < r.n; i++ {
			b.wr8(dst, b.rd8(r.addr+i))
			dst++
		}
	}
}

func (b *BIOS) restoreBIOSData(src uint32) {
	for _, r := range biosDataState {
		for i := uint32(0); i < r.n; i++ {
			b.wr8(r.addr+i, b.rd8(src))
			src++
		}
	}
}

// saveDAC stores the DAC state (3C7h), its write index, the PEL mask and
// the 256 colours.
func (b *BIOS) saveDAC(dst uint32) {
	io := b.vga()
	state, index := b.bus.In8(portDACRead), b.bus.In8(portDACWrite)
	b.wr8(dst, state)
	b.wr8(dst+1, index)
	b.wr8(dst+2, b.bus.In8(portPELMask))
	for i, c := range io.dacRead(0, 256) {
		b.wr8(dst+3+uint32(i), c)
	}
	if state&3 == 3 {
		b.bus.Out8(portDACRead, index)
	} else {
		b.bus.Out8(portDACWrite, index)
	}
}

func (b *BIOS) restoreDAC(src uint32) {
	io := b.vga()
	rgb := make([]uint8, 768)
	for i := range rgb {
		rgb[i] = b.rd8(src + 3 + uint32(i))
	}
	io.dacWrite(0, rgb)
	b.bus.Out8(portPELMask, b.rd8(src+2))
	if state, index := b.rd8(src), b.rd8(src+1); state&3 == 3 {
		b.bus.Out8(portDACRead, index)
	} else {
		b.bus.Out8(portDACWrite, index)
	}
}
