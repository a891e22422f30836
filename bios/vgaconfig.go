package bios

import "pcemu/cpu"

// The video subsystem's configuration and state: INT 10h AH=12h
// (alternate select), 1Ah (display combination), 1Bh (functionality and
// state), 1Ch (save and restore the video state), the ROM tables they
// point to, and the video part of POST (Ralf Brown's Interrupt List,
// INT 10h AH=12h/1Ah/1Bh/1Ch and tables 00039, 00040; IBM VGA Technical
// Reference, "Video BIOS").

// Display combination codes (AH=1Ah).
const (
	dccNone     = 0x00
	dccMDA      = 0x01
	dccCGA      = 0x02
	dccEGA      = 0x04
	dccEGAMono  = 0x05
	dccVGAMono  = 0x07
	dccVGAColor = 0x08
)

// dccTable holds the display combinations a VGA can be part of, each as
// (active, alternate); 0040:008A is the index of the current one.
var dccTable = [][2]uint8{
	{dccNone, dccNone},
	{dccVGAColor, dccNone}, {dccVGAMono, dccNone},
	{dccVGAColor, dccMDA}, {dccVGAMono, dccCGA},
	{dccMDA, dccVGAColor}, {dccCGA, dccVGAMono},
	{dccEGA, dccNone}, {dccEGAMono, dccNone},
}

// dccVGAColourIndex is the power-on combination: the VGA with a colour
// display, alone.
const dccVGAColourIndex = 1

// staticFunctionality is the table AH=1Bh points to (Ralf Brown's Table
// 00040): the modes, scan lines and features this video BIOS supports.
var staticFunctionality = [16]byte{
	0xFF, // modes 00h-07h
	0xE0, // modes 0Dh, 0Eh, 0Fh
	0x0F, // modes 10h-13h
	0, 0, 0, 0,
	0x07, // text scan lines: 200, 350, 400
	0x08, // character maps in text modes
	0x02, // maps active at once (512 characters)
	0xFF, // all modes on all displays, grey summing, font loading, default palette
	//       loading control, cursor emulation, EGA palette, DAC, colour paging
	0x0E, // save/restore state (1Ch), blink/intensity control, DCC (no light pen)
	0, 0,
	0x00, // save pointer table functions: none beyond the parameter table
	0,
}

// writeVideoTables puts the video BIOS's tables in the ROM: the video
// parameter table, the save pointer tables, the DCC table, the (empty)
// alternate glyph tables and the static functionality table.
func writeVideoTables(a *asm) {
	a.org(offVideoParamTable)
	for i := range videoParamTable {
		e := videoParamTable[i].encode()
		a.db(e[:]...)
	}
	a.org(offSavePointer)
	a.dw(offVideoParamTable, romSeg) // video parameter table
	a.dw(0, 0, 0, 0, 0, 0)           // dynamic save area, alphanumeric and graphics font overrides: none
	a.dw(offSecondarySave, romSeg)   // secondary save pointer table
	a.dw(0, 0, 0, 0)
	a.org(offSecondarySave)
	a.dw(0x1A)                // its length
	a.dw(offDCCTable, romSeg) // display combination code table
	a.dw(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	a.org(offDCCTable)
	a.db(uint8(len(dccTable)), 1, dccVGAColor, 0)
	for _, e := range dccTable {
		a.db(e[0], e[1])
	}
	a.org(offAltFont)
	a.db(0)
	a.org(offStaticFunc)
	a.db(staticFunctionality[:]...)
}

// videoPOST initialises the video BIOS's data and sets mode 3.
func (b *BIOS) videoPOST() {
	b.bus.Out8(portVideoOn, 1)
	b.setBDA8(bdaVideoCtl, vcMemory256K)
	b.setBDA8(bdaVideoSwitch, vgaFeatureBits)
	b.setBDA8(bdaVGAFlags, vfActive|vfLines400)
	b.setBDA8(bdaDCCIndex, dccVGAColourIndex)
	b.setBDA16(bdaSavePointer, offSavePointer)
	b.setBDA16(bdaSavePointer+2, romSeg)
	b.setVideoMode(0x03)
}

const bdaDCCIndex = 0x8A

// configService is AH=12h, by BL.
func (b *BIOS) configService() {
	io := b.vga()
	al := b.al()
	done := func() { b.setAL(0x12) } // "function supported"
	switch b.bl() {
	case 0x10: // BH colour (0) or mono (1) I/O, BL memory (3: 256K), CH feature bits, CL switches
		mono := uint8(0)
		if io.crtcPort() == portCRTCMono {
			mono = 1
		}
		b.setBH(mono)
		b.setBL(3)
		sw := b.bda8(bdaVideoSwitch)
		b.setCH(sw >> 4)
		b.setCL(sw & 0x0F)
	case 0x20: // alternate print screen: this PC's INT 05h has no printer and no row limit to lift
		b.setVector(0x05, romSeg, offInt05)
		done()
	case 0x30: // text scan lines for the next mode set: 200, 350, 400
		if al > 2 {
			b.setAL(0)
			return
		}
		f := b.bda8(bdaVGAFlags) &^ vfLinesMask
		f |= [3]uint8{vfLines200, 0, vfLines400}[al]
		b.setBDA8(bdaVGAFlags, f)
		done()
	case 0x31: // default palette loading on mode set: 0 on, 1 off
		b.setBDA8(bdaVGAFlags, b.bda8(bdaVGAFlags)&^vfNoPaletteLd|(al&1)<<3)
		done()
	case 0x32: // CPU access to the adapter's memory and ports: 0 on, 1 off
		io.bus.Out8(portVideoOn, ^al&1)
		done()
	case 0x33: // grey-scale summing: 0 on, 1 off
		f := b.bda8(bdaVGAFlags) &^ vfGreySum
		if al&1 == 0 {
			f |= vfGreySum
		}
		b.setBDA8(bdaVGAFlags, f)
		done()
	case 0x34: // cursor emulation: 0 on, 1 off; the cursor is shown the new way at once
		b.setBDA8(bdaVideoCtl, b.bda8(bdaVideoCtl)&^vcNoCursorEmulation|al&1)
		if _, vm, ok := b.mode(); ok && vm.model == mmText {
			b.programCursorShape()
		}
		done()
	case 0x35: // display switching between this adapter and another
		b.displaySwitch(al)
	case 0x36: // refresh: 0 on, 1 off (the sequencer's screen-off bit)
		io.seq(srClocking, io.seqIn(srClocking)&^0x20|(al&1)<<5)
		done()
	}
}

// displaySwitch is AX=1235h with this VGA the only adapter: AL=00h and
// 02h save its state at ES:DX (the 1Ch hardware layout, within the 128
// bytes the caller provides) and switch it off; AL=01h and 03h switch it
// on, 03h restoring the state from ES:DX.
func (b *BIOS) displaySwitch(al uint8) {
	if al > 3 {
		b.setAL(0)
		return
	}
	buf := b.buffer(cpu.DX)
	ctl := b.bda8(bdaVideoCtl)
	switch al {
	case 0x00, 0x02:
		b.saveHardware(buf)
		b.bus.Out8(portVideoOn, 0)
		ctl |= vcInactive
	case 0x01, 0x03:
		b.bus.Out8(portVideoOn, 1)
		if al == 0x03 {
			b.restoreHardware(buf)
		}
		ctl &^= vcInactive
	}
	b.setBDA8(bdaVideoCtl, ctl)
	b.setAL(0x12)
}

// displayCombination is AH=1Ah: AL=00h reads the display combination
// (BL active, BH alternate), AL=01h sets it when the table has it.
func (b *BIOS) displayCombination() {
	switch b.al() {
	case 0x00:
		i := int(b.bda8(bdaDCCIndex))
		if i >= len(dccTable) {
			i = 0
		}
		b.setBL(dccTable[i][0])
		b.setBH(dccTable[i][1])
	case 0x01:
		for i, e := range dccTable {
			if e == [2]uint8{b.bl(), b.bh()} {
				b.setBDA8(bdaDCCIndex, uint8(i))
			}
		}
	default:
		return
	}
	b.setAL(0x1A)
}

// stateInfo is AH=1Bh with BX=0: the 64-byte dynamic state table at ES:DI
// (Ralf Brown's Table 00039), from the BDA and the adapter's registers.
func (b *BIOS) stateInfo() {
	if b.bx() != 0 {
		return
	}
	m, vm, _ := b.mode()
	s := b.screen()
	io := b.vga()
	dst := b.buffer(cpu.DI)
	for i := uint32(0); i < 64; i++ {
		b.wr8(dst+i, 0)
	}
	b.wr16(dst, offStaticFunc)
	b.wr16(dst+2, romSeg)
	b.wr8(dst+0x04, m)
	b.wr16(dst+0x05, uint16(s.cols))
	b.wr16(dst+0x07, uint16(s.pageSize))
	b.wr16(dst+0x09, b.bda16(bdaPageStart))
	for p := uint32(0); p < 8; p++ {
		b.wr16(dst+0x0B+2*p, b.bda16(bdaCursorPos+2*uint16(p)))
	}
	b.wr16(dst+0x1B, b.bda16(bdaCursorShape))
	b.wr8(dst+0x1D, b.bda8(bdaActivePage))
	b.wr16(dst+0x1E, b.bda16(bdaCRTCBase))
	b.wr8(dst+0x20, b.bda8(bdaModeCtrl))
	b.wr8(dst+0x21, b.bda8(bdaPalette))
	b.wr8(dst+0x22, uint8(s.rows))
	b.wr16(dst+0x23, uint16(s.charH))
	i := int(b.bda8(bdaDCCIndex))
	if i < len(dccTable) {
		b.wr8(dst+0x25, dccTable[i][0])
		b.wr8(dst+0x26, dccTable[i][1])
	}
	b.wr16(dst+0x27, uint16(vm.colours))
	b.wr8(dst+0x29, uint8(vm.pagesOf(s.pageSize)))
	// Scan lines as the monitor shows them (the 200-line modes are double
	// scanned to 400), except that 200-line text counts as 200.
	lines := int(io.crtcIn(crVDisplayEnd)) + 1
	o := io.crtcIn(crOverflow)
	lines += int(o>>1&1)<<8 | int(o>>6&1)<<9
	scan := map[int]uint8{350: 1, 400: 2, 480: 3}[lines]
	if vm.model == mmText && b.scanLines() == lines200 {
		scan = 0
	}
	b.wr8(dst+0x2A, scan)
	sel := io.seqIn(srCharMap)
	b.wr8(dst+0x2B, sel>>2&3|sel>>3&4) // map A: characters with attribute bit 3 set
	b.wr8(dst+0x2C, sel&3|sel>>2&4)    // map B
	var st uint8 = 0x01                // all modes on all displays
	flags := b.bda8(bdaVGAFlags)
	st |= flags & (vfGreySum | vfMonoDisplay | vfNoPaletteLd)
	if b.bda8(bdaVideoCtl)&vcNoCursorEmulation == 0 {
		st |= 0x10
	}
	if io.attrIn(arModeControl)&0x08 != 0 {
		st |= 0x20
	}
	b.wr8(dst+0x2D, st)
	b.wr8(dst+0x31, 3) // 256 KiB
	b.setAL(0x1B)
}
