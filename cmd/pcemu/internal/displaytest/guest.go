package displaytest

import (
	"fmt"

	"pcemu/bios"
	"pcemu/machine/video"
)

// The displays' tests put pictures on an adapter the way a guest would:
// a standard mode programmed through the ports as INT 10h AH=00h does,
// then pixels, text and registers written through memory and ports.

// SetMode programs standard mode mode into a, as INT 10h AH=00h does.
func SetMode(a *video.Adapter, mode uint8) {
	fonts := bios.Fonts{Font8x8: video.Font8x8(), Font8x14: video.Font8x14(), Font8x16: video.Font8x16()}
	if err := bios.SetVideoMode(a, mode, fonts); err != nil {
		panic(err) // the tests ask for standard modes only
	}
}

// Modes are the standard modes SetMode accepts.
var Modes = []uint8{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13}

// CRTC writes CRT controller register reg.
func CRTC(a *video.Adapter, reg, v uint8) {
	a.Out8(a.CRTCPort(), reg)
	a.Out8(a.CRTCPort()+1, v)
}

// SetCursor puts the text cursor at cell offset pos (CR0E/CR0F).
func SetCursor(a *video.Adapter, pos uint16) {
	CRTC(a, 0x0E, uint8(pos>>8))
	CRTC(a, 0x0F, uint8(pos))
}

// Attr writes attribute controller register reg, the picture left on.
func Attr(a *video.Adapter, reg, v uint8) {
	a.In8(a.CRTCPort() + 6)
	a.Out8(0x3C0, reg)
	a.Out8(0x3C0, v)
	a.Out8(0x3C0, 0x20)
}

// AttrRead reads attribute controller register reg.
func AttrRead(a *video.Adapter, reg uint8) uint8 {
	a.In8(a.CRTCPort() + 6)
	a.Out8(0x3C0, reg|0x20)
	v := a.In8(0x3C1)
	a.In8(a.CRTCPort() + 6)
	return v
}

// Plot sets pixel x, y of standard graphics mode mode to colour c through
// video memory: CGA banks in modes 4-6, the graphics controller's write
// mode 2 in the planar modes, one byte per pixel in mode 13h.
func Plot(a *video.Adapter, mode uint8, x, y int, c uint8) {
	switch mode {
	case 0x04, 0x05, 0x06:
		bpp := 2
		if mode == 0x06 {
			bpp = 1
		}
		ppb := 8 / bpp
		addr := uint32(0xB8000 + (y&1)*0x2000 + (y>>1)*80 + x/ppb)
		sh := uint(ppb-1-x%ppb) * uint(bpp)
		mask := uint8(1)<<bpp - 1
		a.Write8(addr, a.Read8(addr)&^(mask<<sh)|(c&mask)<<sh)
	case 0x13:
		a.Write8(uint32(0xA0000+y*320+x), c)
	case 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12:
		w := 640
		if mode == 0x0D {
			w = 320
		}
		addr := uint32(0xA0000 + y*w/8 + x/8)
		a.Out8(0x3CE, 0x05)
		a.Out8(0x3CF, 0x02) // write mode 2
		a.Out8(0x3CE, 0x08)
		a.Out8(0x3CF, 0x80>>(x&7)) // bit mask: this pixel
		a.Read8(addr)              // load the latches
		a.Write8(addr, c)
		a.Out8(0x3CF, 0xFF)
		a.Out8(0x3CE, 0x05)
		a.Out8(0x3CF, 0x00)
	default:
		panic(fmt.Sprintf("Plot in mode %02Xh", mode))
	}
}

// DrawChar draws character ch of the 8x8 font in cell col, row (8x8
// cells) of graphics mode mode in colour c on colour 0, as the BIOS does.
func DrawChar(a *video.Adapter, mode uint8, col, row int, ch byte, c uint8) {
	font := video.Font8x8()
	for y := 0; y < 8; y++ {
		for x := 0; x < 8; x++ {
			v := uint8(0)
			if font[int(ch)*8+y]&(0x80>>x) != 0 {
				v = c
			}
			Plot(a, mode, col*8+x, row*8+y, v)
		}
	}
}
