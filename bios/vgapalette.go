package bios

import "pcemu/cpu"

// Colours: INT 10h AH=0Bh (the CGA's colour select, kept at 0040:0066 and
// applied to the attribute controller as the VGA BIOS does) and AH=10h
// (palette registers, overscan, blink, DAC registers, colour paging, PEL
// mask, grey-scale summing; IBM VGA Technical Reference, "Set Palette
// Registers"; Ralf Brown's INT 10h AH=10h).

// irgbTo200 turns a CGA IRGB colour into the palette value that selects
// it in the 200-line DAC table (intensity in bit 4).
func irgbTo200(c uint8) uint8 { return c&7 | (c&8)<<1 }

// irgbToEGA turns a CGA IRGB colour into the rgbRGB palette value of the
// 350/400-line DAC table, brown for dark yellow as the text palette has it.
func irgbToEGA(c uint8) uint8 {
	switch {
	case c == 6:
		return 0x14
	case c&8 != 0:
		return c&7 | 0x38
	}
	return c & 7
}

// cgaPalette is AH=0Bh: BH=00h sets the background (the border in text
// modes) from BL bits 3-0 and the foreground intensity from bit 4; BH=01h
// picks the 320x200 palette: 0 green/red/brown, 1 cyan/magenta/white.
func (b *BIOS) cgaPalette() {
	_, vm, ok := b.mode()
	if !ok {
		return
	}
	v := b.bda8(bdaPalette)
	switch b.bh() {
	case 0x00:
		v = v&0xE0 | b.bl()&0x1F
	case 0x01:
		v = v&^0x20 | (b.bl()&1)<<5
	default:
		return
	}
	b.setBDA8(bdaPalette, v)
	io := b.vga()
	c := v & 0x0F
	colour := irgbToEGA(c)
	if vm.dac == dacCGA {
		colour = irgbTo200(c)
	}
	switch {
	case vm.model == mmText:
		io.attr(arOverscan, colour)
	case vm.model == mmCGA && vm.bpp == 2:
		io.attr(0, colour)
		io.attr(arOverscan, colour)
		for i := uint8(1); i <= 3; i++ {
			io.attr(i, 2*i|v>>5&1|v&0x10)
		}
	case vm.model == mmCGA:
		io.attr(1, colour)
	case vm.model == mmPlanar:
		io.attr(0, colour)
		io.attr(arOverscan, colour)
	}
}

// paletteService is AH=10h.
func (b *BIOS) paletteService() {
	io := b.vga()
	grey := b.bda8(bdaVGAFlags)&vfGreySum != 0
	switch b.al() {
	case 0x00: // palette register BL = BH
		io.attr(b.bl()&0x0F, b.bh())
	case 0x01: // overscan = BH
		io.attr(arOverscan, b.bh())
	case 0x02: // 16 palette registers and overscan from ES:DX
		src := b.buffer(cpu.DX)
		for i := uint32(0); i < 16; i++ {
			io.attr(uint8(i), b.rd8(src+i))
		}
		io.attr(arOverscan, b.rd8(src+16))
	case 0x03: // attribute bit 7: BL=0 bright background, BL=1 blink
		blink := b.bl() & 1
		io.attr(arModeControl, io.attrIn(arModeControl)&^0x08|blink<<3)
		b.setBDA8(bdaModeCtrl, b.bda8(bdaModeCtrl)&^0x20|blink<<5)
	case 0x07: // BH = palette register BL
		b.setBH(io.attrIn(b.bl() & 0x0F))
	case 0x08: // BH = overscan
		b.setBH(io.attrIn(arOverscan))
	case 0x09: // 16 palette registers and overscan to ES:DX
		dst := b.buffer(cpu.DX)
		for i := uint32(0); i < 16; i++ {
			b.wr8(dst+i, io.attrIn(uint8(i)))
		}
		b.wr8(dst+16, io.attrIn(arOverscan))
	case 0x10: // DAC register BX = DH red, CH green, CL blue
		c := [3]uint8{b.dh(), b.ch(), b.cl()}
		if grey {
			c = greyOf(c)
		}
		io.dacWrite(b.bl(), c[:])
	case 0x12: // CX DAC registers from BX, from ES:DX
		src := b.buffer(cpu.DX)
		n := int(b.cx())
		rgb := make([]uint8, 0, 3*n)
		for i := 0; i < n; i++ {
			c := [3]uint8{b.rd8(src), b.rd8(src + 1), b.rd8(src + 2)}
			src += 3
			if grey {
				c = greyOf(c)
			}
			rgb = append(rgb, c[:]...)
		}
		io.dacWrite(b.bl(), rgb)
	case 0x13: // colour paging
		b.colourPaging(io)
	case 0x15: // DH, CH, CL = DAC register BX
		c := io.dacRead(b.bl(), 1)
		b.setDH(c[0])
		b.setCH(c[1])
		b.setCL(c[2])
	case 0x17: // CX DAC registers from BX to ES:DX
		dst := b.buffer(cpu.DX)
		for i, c := range io.dacRead(b.bl(), int(b.cx())) {
			b.wr8(dst+uint32(i), c)
		}
	case 0x18: // PEL mask = BL
		b.bus.Out8(portPELMask, b.bl())
	case 0x19: // BL = PEL mask
		b.setBL(b.bus.In8(portPELMask))
	case 0x1A: // BL = paging mode, BH = colour page
		mc, cs := io.attrIn(arModeControl), io.attrIn(arColorSelect)
		mode := mc >> 7
		page := cs >> 2 & 3
		if mode == 1 {
			page = cs & 0x0F
		}
		b.setBL(mode)
		b.setBH(page)
	case 0x1B: // CX DAC registers from BX summed to grey
		first, n := b.bl(), int(b.cx())
		src := io.dacRead(first, n)
		for i := 0; i+2 < len(src); i += 3 {
			g := greyOf([3]uint8{src[i], src[i+1], src[i+2]})
			copy(src[i:], g[:])
		}
		io.dacWrite(first, src)
	}
}

// colourPaging is AX=1013h: the 256 DAC entries as 4 pages of 64 (AR10
// bit 7 clear: the page in AR14 bits 3-2) or 16 pages of 16 (bit 7 set:
// the page in AR14 bits 3-0). BL=00h selects the paging mode BH, BL=01h
// the page BH. Mode 13h uses the DAC whole and has no pages.
func (b *BIOS) colourPaging(io vgaIO) {
	if m, _, _ := b.mode(); m == 0x13 {
		return
	}
	mc := io.attrIn(arModeControl)
	switch b.bl() {
	case 0x00:
		io.attr(arModeControl, mc&0x7F|(b.bh()&1)<<7)
	case 0x01:
		page := (b.bh() & 3) << 2
		if mc&0x80 != 0 {
			page = b.bh() & 0x0F
		}
		io.attr(arColorSelect, page)
	}
}
