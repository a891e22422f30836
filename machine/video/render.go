package video

import (
	"image"
	"image/color"
	"image/png"
	"io"
)

// Blink timing of the VGA: the cursor changes every 8 frames, blinking
// characters every 16 (about 4.4 Hz and 2.2 Hz at 70 frames per second).
const (
	cursorBlinkFrames = 8
	charBlinkFrames   = 16
)

// Render draws the picture the adapter shows at frame number frame (which
// sets the cursor and blink phases; frame 0 shows both the cursor and the
// blinking characters) at the mode's native resolution, see Size. It draws
// into dst when dst has that size, otherwise into a new image, and returns
// the image drawn; rendering into the same image every frame allocates
// nothing. This is the one renderer of the project: the window, the
// screenshot key and --screendump all use it.
func (a *Adapter) Render(dst *image.RGBA, frame uint64) *image.RGBA {
	g := a.geometry()
	if dst == nil || dst.Rect.Dx() != g.width || dst.Rect.Dy() != g.height || dst.Rect.Min != (image.Point{}) {
		dst = image.NewRGBA(image.Rect(0, 0, g.width, g.height))
	}
	if !a.displayEnabled() {
		clear(dst.Pix)
		for i := 3; i < len(dst.Pix); i += 4 {
			dst.Pix[i] = 0xFF
		}
		return dst
	}
	switch g.kind {
	case kindText:
		a.renderText(dst, &g, frame)
	case kindVGA256:
		a.render256(dst, &g)
	default:
		a.renderCGA(dst, &g)
	}
	return dst
}

// WritePNG encodes the picture at frame number frame as a PNG image.
func (a *Adapter) WritePNG(w io.Writer, frame uint64) error {
	return png.Encode(w, a.Render(nil, frame))
}

// palette16 is the RGBA colour of each 4-bit colour number.
func (a *Adapter) palette16() (p [16][4]uint8) {
	for i := range p {
		p[i] = a.rgba(a.dacIndex(uint8(i)))
	}
	return p
}

func (a *Adapter) renderText(dst *image.RGBA, g *geometry, frame uint64) {
	pal := a.palette16()
	mem := a.vram[g.base : g.base+g.size]
	mask := g.size - 1
	mapA, mapB := a.charMaps()
	blinkMode := a.attr[arModeControl]&amBlink != 0
	blinkOn := frame/charBlinkFrames%2 == 0
	lineGfx := a.attr[arModeControl]&amLineGraphics != 0 && g.charW == 9
	underline := int(a.crtc[crUnderline] & 0x1F)

	curRow, curCol, curOK := a.CursorPos()
	cs, ce := a.CursorShape()
	cursorOn := curOK && cs&0x20 == 0 && frame/cursorBlinkFrames%2 == 0
	cStart, cEnd := int(cs&0x1F), int(ce&0x1F)

	for row := 0; row < g.rows; row++ {
		rowOff := g.start + row*g.stride
		for col := 0; col < g.cols; col++ {
			o := (rowOff + 2*col) & mask
			ch, at := mem[o], mem[(o+1)&mask]
			fg, bg := at&0x0F, at>>4
			if blinkMode {
				bg &= 7
				if at&0x80 != 0 && !blinkOn {
					fg = bg
				}
			}
			fgc, bgc := pal[fg], pal[bg]
			ul := (at & 0x77) == 0x01
			isCursor := cursorOn && row == curRow && col == curCol
			glyphOff := mapB
			if at&0x08 != 0 {
				glyphOff = mapA
			}
			glyph := a.fontRAM[glyphOff+int(ch)*32 : glyphOff+int(ch)*32+32]
			ninth := lineGfx && ch >= 0xC0 && ch <= 0xDF
			x0 := col * g.charW
			for y := 0; y < g.charH; y++ {
				var bits uint16 // 9 dots, leftmost in bit 8
				if y < 32 {
					b := glyph[y]
					bits = uint16(b) << 1
					if ninth {
						bits |= uint16(b & 1)
					}
				}
				if ul && y == underline || isCursor && y >= cStart && y <= cEnd {
					bits = 0x1FF
				}
				o := (row*g.charH+y)*dst.Stride + x0*4
				p := dst.Pix[o : o+g.charW*4]
				if g.charW == 8 {
					bits >>= 1
				}
				mask := uint16(1) << (g.charW - 1)
				for x := 0; x+4 <= len(p); x += 4 {
					if bits&mask != 0 {
						*(*[4]uint8)(p[x:]) = fgc
					} else {
						*(*[4]uint8)(p[x:]) = bgc
					}
					mask >>= 1
				}
			}
		}
	}
}

func (a *Adapter) renderCGA(dst *image.RGBA, g *geometry) {
	pal := a.palette16()
	mem := a.vram[g.base : g.base+g.size]
	mask := g.size - 1
	for y := 0; y < g.height; y++ {
		off := g.lineOffset(y)
		p := dst.Pix[y*dst.Stride:]
		if g.kind == kindCGA4 {
			for x := 0; x < g.width; x += 4 {
				b := mem[(off+x/4)&mask]
				for i := 0; i < 4; i++ {
					*(*[4]uint8)(p[(x+i)*4:]) = pal[b>>(6-2*i)&3]
				}
			}
			continue
		}
		for x := 0; x < g.width; x += 8 {
			b := mem[(off+x/8)&mask]
			for i := 0; i < 8; i++ {
				*(*[4]uint8)(p[(x+i)*4:]) = pal[b>>(7-i)&1]
			}
		}
	}
}

// render256 draws mode 13h: in the attribute controller's 8-bit mode each
// pixel's two nibbles pass through the palette registers and form the DAC
// index (the identity palette the BIOS loads makes it the byte itself).
func (a *Adapter) render256(dst *image.RGBA, g *geometry) {
	var lut [256][4]uint8
	for i := range lut {
		idx := (a.attr[i>>4]&0x0F)<<4 | a.attr[i&0x0F]&0x0F
		lut[i] = a.rgba(idx)
	}
	mem := a.vram[g.base : g.base+g.size]
	mask := g.size - 1
	for y := 0; y < g.height; y++ {
		off := g.lineOffset(y)
		p := dst.Pix[y*dst.Stride:]
		for x := 0; x < g.width; x++ {
			*(*[4]uint8)(p[x*4:]) = lut[mem[(off+x)&mask]]
		}
	}
}

// Palette is the colour each of the 16 text attribute colours (or CGA
// pixel values) shows as now, through the palette registers and the DAC.
// The terminal display uses it for true-colour output.
func (a *Adapter) Palette() [16]color.RGBA {
	var out [16]color.RGBA
	for i, c := range a.palette16() {
		out[i] = color.RGBA{c[0], c[1], c[2], c[3]}
	}
	return out
}

// BlinkEnabled reports whether attribute bit 7 means blink (AR10 bit 3)
// rather than a bright background.
func (a *Adapter) BlinkEnabled() bool { return a.attr[arModeControl]&amBlink != 0 }
