package bios

// The DAC colours a mode set loads (IBM VGA BIOS; the values are those of
// the IBM displays each table stands for, computed from how the table
// encodes a colour rather than listed): 64 entries for the 16-colour
// modes, whose palette registers select among them, and 256 for mode 13h.
// The entries a table does not define are black.

// dacColours returns the 256 entries of table t as 6-bit R, G, B triples,
// summed to grey when grey is set (INT 10h AH=12h BL=33h).
func dacColours(t dacTable, grey bool) []uint8 {
	var p [256][3]uint8
	switch t {
	case dacMono:
		for i := 0; i < 64; i++ {
			p[i] = monoColour(i)
		}
	case dacCGA:
		for i := 0; i < 64; i++ {
			p[i] = cgaColour(i)
		}
	case dacEGA:
		for i := 0; i < 64; i++ {
			p[i] = egaColour(i)
		}
	case dac256:
		p = vga256()
	}
	out := make([]uint8, 0, 768)
	for _, c := range p {
		if grey {
			c = greyOf(c)
		}
		out = append(out, c[0], c[1], c[2])
	}
	return out
}

// greyOf is the grey of the same brightness: 30% red, 59% green and 11%
// blue, the weights of the IBM BIOS's grey-scale summing (NTSC luminance).
func greyOf(c [3]uint8) [3]uint8 {
	y := uint8((30*int(c[0]) + 59*int(c[1]) + 11*int(c[2]) + 50) / 100)
	return [3]uint8{y, y, y}
}

// egaColour is the 64-colour table of 350/400-line modes: the palette
// value is rgbRGB, a capital bit adding 2/3 of full scale and a small one
// 1/3 (EGA, IBM Technical Reference).
func egaColour(i int) [3]uint8 {
	c := func(hi, lo int) uint8 { return uint8(0x2A*(i>>hi&1) + 0x15*(i>>lo&1)) }
	return [3]uint8{c(2, 5), c(1, 4), c(0, 3)}
}

// cgaColour is the 200-line table: bits 2-0 RGB at 2/3, bit 4 intensity
// adding 1/3 to all three, and dark yellow turned brown as the IBM colour
// monitor does. Bits 3 and 5 are ignored.
func cgaColour(i int) [3]uint8 {
	irgb := i&7 | (i>>4&1)<<3
	return cgaIRGB(irgb)
}

// cgaIRGB is one of the 16 CGA colours as 6-bit DAC values.
func cgaIRGB(irgb int) [3]uint8 {
	r := uint8(0x2A * (irgb >> 2 & 1))
	g := uint8(0x2A * (irgb >> 1 & 1))
	b := uint8(0x2A * (irgb & 1))
	if irgb&8 != 0 {
		r, g, b = r+0x15, g+0x15, b+0x15
	} else if irgb == 6 {
		g = 0x15
	}
	return [3]uint8{r, g, b}
}

// monoColour is the monochrome table: palette bit 3 is video, bit 4
// intensity; both together give full white.
func monoColour(i int) [3]uint8 {
	v := [4]uint8{0, 0x2A, 0x2A, 0x3F}[i>>3&3]
	return [3]uint8{v, v, v}
}

// vga256 is the default 256-colour palette of mode 13h: the 16 CGA
// colours, 16 grey steps, then nine rings of 24 hues (three brightnesses,
// each at three saturations), then 8 black entries.
func vga256() [256][3]uint8 {
	var p [256][3]uint8
	for i := 0; i < 16; i++ {
		p[i] = cgaIRGB(i)
	}
	greys := [16]uint8{0, 5, 8, 11, 14, 17, 20, 24, 28, 32, 36, 40, 45, 50, 56, 63}
	for i, v := range greys {
		p[16+i] = [3]uint8{v, v, v}
	}
	// Each ring walks blue → magenta → red → yellow → green → cyan → blue,
	// one channel ramping through five levels while the others are held.
	rings := [9][5]uint8{
		{0x00, 0x10, 0x1F, 0x2F, 0x3F}, {0x1F, 0x27, 0x2F, 0x37, 0x3F}, {0x2D, 0x31, 0x36, 0x3A, 0x3F},
		{0x00, 0x07, 0x0E, 0x15, 0x1C}, {0x0E, 0x11, 0x15, 0x18, 0x1C}, {0x14, 0x16, 0x18, 0x1A, 0x1C},
		{0x00, 0x04, 0x08, 0x0C, 0x10}, {0x08, 0x0A, 0x0C, 0x0E, 0x10}, {0x0B, 0x0C, 0x0D, 0x0F, 0x10},
	}
	hues := [24][3]int{
		{0, 0, 4}, {1, 0, 4}, {2, 0, 4}, {3, 0, 4}, {4, 0, 4}, {4, 0, 3}, {4, 0, 2}, {4, 0, 1},
		{4, 0, 0}, {4, 1, 0}, {4, 2, 0}, {4, 3, 0}, {4, 4, 0}, {3, 4, 0}, {2, 4, 0}, {1, 4, 0},
		{0, 4, 0}, {0, 4, 1}, {0, 4, 2}, {0, 4, 3}, {0, 4, 4}, {0, 3, 4}, {0, 2, 4}, {0, 1, 4},
	}
	n := 32
	for _, lv := range rings {
		for _, h := range hues {
			p[n] = [3]uint8{lv[h[0]], lv[h[1]], lv[h[2]]}
			n++
		}
	}
	return p
}
