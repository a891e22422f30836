package video

import (
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"io"
)

// The serializer and the attribute controller (IBM VGA Technical
// Reference, "Graphics Controller: Serializer", "Attribute Controller";
// FreeVGA "Graphics Mode Register" bits 6-5, "Attribute Mode Control").
// At every character clock the planes' four bytes at the CRTC's address
// become dots:
//
//   - text (AR10 bit 0 clear): plane 0 holds the character, plane 1 its
//     attribute; the character's line for the current row scan comes from
//     plane 2 in the character map the attribute's bit 3 picks (SR03); 8 or
//     9 dots (SR01 bit 0), the ninth a copy of the eighth for C0h-DFh when
//     AR10 bit 2 asks for it; cursor, underline and blink as the CRTC and
//     AR10 bit 3 say;
//   - planar (GR05 bits 6-5 = 00): dot i takes bit 7-i of each plane, plane
//     p giving bit p of its 4-bit colour;
//   - interleaved (GR05 bit 5, CGA 4-colour modes): two bits per dot, the
//     first four dots from plane 0 and the next four from plane 1, planes 2
//     and 3 adding the high bits;
//   - 256-colour (GR05 bit 6 with AR10 bit 6): each plane's byte is one
//     pixel, plane 0 first, sent to the DAC as an 8-bit index. The palette
//     registers are bypassed, as in QEMU's and DOSBox's VGA (the IBM
//     reference does not describe the path).
//
// 4-bit colours go through the plane enable register (AR12), the palette
// registers and the colour select register (AR14) to the DAC; the DAC's
// 6-bit values, after the PEL mask, are the picture's colours.

// Blink timing of the VGA: the cursor changes every 8 frames, blinking
// characters every 16 (IBM VGA Technical Reference: the cursor blinks at
// 1/16 and characters at 1/32 of the vertical frequency).
const (
	cursorBlinkFrames = 8
	charBlinkFrames   = 16
)

// Render draws the picture the adapter shows at frame number frame (which
// sets the cursor and blink phases; frame 0 shows both the cursor and the
// blinking characters) at its native resolution, see Size. It draws into
// dst when dst has that size, otherwise into a new image, and returns the
// image drawn; rendering into the same image every frame allocates
// nothing. This is the one renderer of the project: the window, the
// terminal, the screenshot key and --screendump all use it (ScreenImage
// scales its picture to the display aspect ratio).
func (a *Adapter) Render(dst *image.RGBA, frame uint64) *image.RGBA {
	l := a.layout()
	if dst == nil || dst.Rect.Dx() != l.width || dst.Rect.Dy() != l.height || dst.Rect.Min != (image.Point{}) {
		dst = image.NewRGBA(image.Rect(0, 0, l.width, l.height))
	}
	if !a.pictureOn() {
		for i := 0; i+3 < len(dst.Pix); i += 4 {
			*(*[4]uint8)(dst.Pix[i:]) = [4]uint8{0, 0, 0, 0xFF}
		}
		return dst
	}
	var lut [256]uint32
	if l.mode256 && !l.text {
		for i := range lut {
			lut[i] = a.rgba(uint8(i))
		}
	} else {
		for i := 0; i < 16; i++ {
			lut[i] = a.rgba(a.colourIndex(uint8(i)))
		}
	}
	var d dotter
	d.init(a, &l, frame)
	for w := l.walker(); ; {
		y, s, ok := w.next()
		if !ok {
			break
		}
		dots := d.line(s)
		row := dst.Pix[y*dst.Stride : y*dst.Stride+4*len(dots)]
		x := 0
		for ; x+8 <= len(dots); x += 8 {
			c, p := dots[x:x+8], row[4*x:4*x+32]
			binary.LittleEndian.PutUint32(p[0:], lut[c[0]])
			binary.LittleEndian.PutUint32(p[4:], lut[c[1]])
			binary.LittleEndian.PutUint32(p[8:], lut[c[2]])
			binary.LittleEndian.PutUint32(p[12:], lut[c[3]])
			binary.LittleEndian.PutUint32(p[16:], lut[c[4]])
			binary.LittleEndian.PutUint32(p[20:], lut[c[5]])
			binary.LittleEndian.PutUint32(p[24:], lut[c[6]])
			binary.LittleEndian.PutUint32(p[28:], lut[c[7]])
		}
		for ; x < len(dots); x++ {
			binary.LittleEndian.PutUint32(row[4*x:], lut[dots[x]])
		}
	}
	return dst
}

// rgbaBytes is DAC entry i (after the PEL mask) as R, G, B, A bytes.
func (a *Adapter) rgbaBytes(i uint8) [4]uint8 {
	c := a.rgba(i)
	return [4]uint8{uint8(c), uint8(c >> 8), uint8(c >> 16), 0xFF}
}

// dotter turns scan lines into colour numbers: 4-bit colours before the
// attribute controller's palette, or 8-bit DAC indexes in 256-colour mode.
type dotter struct {
	a   *Adapter
	l   *layout
	buf [maxDots]uint8
	pan int // dots skipped at the start of a line (horizontal pixel panning)

	// text
	mapA, mapB     int
	blinkMode      bool
	blinkOff       bool
	lineGfx        bool
	underline      int
	cursor         int // MA of the cursor cell, -1 when not shown
	cStart, cEnd   int
	interleave     bool
	shift256       bool
	panSplitsReset bool
}

// maxDots is the longest line the dotter builds: 257 character clocks of
// 9 dots (256 displayed and one for panning), and slack for 8-byte stores.
const maxDots = 257*9 + 16

func (d *dotter) init(a *Adapter, l *layout, frame uint64) {
	d.a, d.l = a, l
	gm := a.gc[gcMode]
	d.interleave = gm&gmInterleave != 0 && gm&gmShift256 == 0
	d.shift256 = gm&gmShift256 != 0
	d.panSplitsReset = a.attr[arModeControl]&amPanCompat != 0
	pan := int(a.attr[arPanning] & 0x0F)
	switch {
	case l.text && l.dots == 9:
		// 9-dot text: 8 means no shift, 0-7 shift by 1-8 dots.
		if pan <= 8 {
			d.pan = (pan + 1) % 9
		}
	case !l.text && l.mode256:
		d.pan = pan & 7 >> 1
	case pan < 8:
		d.pan = pan
	}
	if l.text {
		d.mapA, d.mapB = a.charMaps()
		d.blinkMode = a.attr[arModeControl]&amBlink != 0
		d.blinkOff = frame/charBlinkFrames%2 == 1
		d.lineGfx = a.attr[arModeControl]&amLineGraphics != 0 && l.dots == 9
		d.underline = int(a.crtc[crUnderline] & 0x1F)
		d.cursor = -1
		cs, ce := a.crtc[crCursorStart], a.crtc[crCursorEnd]
		if cs&0x20 == 0 && frame/cursorBlinkFrames%2 == 0 {
			// The cursor skew (CR0B bits 6-5) delays it by 0-3 characters.
			d.cursor = a.cursorAddress() + int(ce>>5&3)
			d.cStart, d.cEnd = int(cs&0x1F), int(ce&0x1F)
		}
	}
}

// line returns the colour numbers of one scan line, panning applied; the
// slice holds at least l.width dots.
func (d *dotter) line(s scanLine) []uint8 {
	l, vram := d.l, &d.a.vram
	buf := d.buf[:]
	chars := l.chars + 1 // one more for the dots panning brings in
	ma, rs, cs := s.ma, s.row, l.countShift
	switch {
	case l.text:
		for c := 0; c < chars; c++ {
			m := ma + c>>cs
			d.textChar(buf[c*l.dots:], vram[l.address(m, rs)], s, m)
		}
	case d.shift256:
		for c := 0; c < chars; c++ {
			binary.LittleEndian.PutUint32(buf[c*4:], vram[l.address(ma+c>>cs, rs)])
		}
	case d.interleave:
		for c := 0; c < chars; c++ {
			w := vram[l.address(ma+c>>cs, rs)]
			lo := cgaLanes[uint8(w)] | cgaLanes[uint8(w>>16)]<<2
			hi := cgaLanes[uint8(w>>8)] | cgaLanes[uint8(w>>24)]<<2
			binary.LittleEndian.PutUint64(buf[c*8:], uint64(lo)|uint64(hi)<<32)
		}
	default:
		for c := 0; c < chars; c++ {
			w := vram[l.address(ma+c>>cs, rs)]
			binary.LittleEndian.PutUint64(buf[c*8:], planarLanes[uint8(w)]|planarLanes[uint8(w>>8)]<<1|
				planarLanes[uint8(w>>16)]<<2|planarLanes[uint8(w>>24)]<<3)
		}
	}
	if !l.text && d.shift256 && !l.mode256 {
		// 256-colour shifting without the attribute controller's 8-bit
		// mode: each byte's two nibbles are dots of their own.
		for c := chars*4 - 1; c >= 0; c-- {
			v := buf[c]
			buf[2*c], buf[2*c+1] = v>>4, v&0x0F
		}
	}
	if !l.text && !d.shift256 && l.mode256 {
		// 8-bit mode over a 4-bit shifter: pairs of dots form a byte.
		for c := 0; c < chars*4; c++ {
			buf[c] = buf[2*c]<<4 | buf[2*c+1]
		}
	}
	pan := d.pan
	if s.split && d.panSplitsReset {
		pan = 0
	}
	return buf[pan : pan+l.width]
}

// textChar draws one character's dots for row scan s.row into dst.
func (d *dotter) textChar(dst []uint8, w uint32, s scanLine, ma int) {
	ch, at := uint8(w), uint8(w>>8)
	fg, bg := at&0x0F, at>>4
	if d.blinkMode {
		bg &= 7
		if at&0x80 != 0 && d.blinkOff {
			fg = bg
		}
	}
	font := d.mapB
	if at&0x08 != 0 {
		font = d.mapA
	}
	var bits uint8
	if s.row < 32 {
		bits = d.a.Plane(2, font+int(ch)*32+s.row)
	}
	solid := s.row == d.underline && at&0x77 == 0x01 ||
		ma == d.cursor && s.row >= d.cStart && s.row <= d.cEnd
	if solid {
		bits = 0xFF
	}
	bgRep := uint64(bg) * 0x0101010101010101
	fgRep := uint64(fg) * 0x0101010101010101
	binary.LittleEndian.PutUint64(dst, bgRep^(bgRep^fgRep)&byteLanes[bits])
	if d.l.dots == 9 {
		dst[8] = bg
		if solid || bits&1 != 0 && d.lineGfx && ch >= 0xC0 && ch <= 0xDF {
			dst[8] = fg
		}
	}
}

// byteLanes[b] has byte i all ones where bit 7-i of b is set.
var byteLanes = func() (t [256]uint64) {
	for b := range t {
		for i := 0; i < 8; i++ {
			if b&(0x80>>i) != 0 {
				t[b] |= 0xFF << (8 * i)
			}
		}
	}
	return t
}()

// planarLanes[b] has byte i equal to bit 7-i of b.
var planarLanes = func() (t [256]uint64) {
	for b := range t {
		t[b] = byteLanes[b] & 0x0101010101010101
	}
	return t
}()

// cgaLanes[b] has byte i equal to bits 7-2i and 6-2i of b.
var cgaLanes = func() (t [256]uint32) {
	for b := range t {
		for i := 0; i < 4; i++ {
			t[b] |= uint32(b>>(6-2*i)&3) << (8 * i)
		}
	}
	return t
}()

// WritePNG encodes the picture at frame number frame as a PNG image at the
// display aspect ratio (ScreenImage).
func (a *Adapter) WritePNG(w io.Writer, frame uint64) error {
	return png.Encode(w, ScreenImage(a.Render(nil, frame)))
}

// Palette is the colour each of the 16 text attribute colours shows as
// now, through the palette registers and the DAC. The terminal display
// uses it for true-colour output.
func (a *Adapter) Palette() [16]color.RGBA {
	var out [16]color.RGBA
	for i := range out {
		c := a.rgbaBytes(a.colourIndex(uint8(i)))
		out[i] = color.RGBA{c[0], c[1], c[2], c[3]}
	}
	return out
}

// BlinkEnabled reports whether attribute bit 7 means blink (AR10 bit 3)
// rather than a bright background.
func (a *Adapter) BlinkEnabled() bool { return a.attr[arModeControl]&amBlink != 0 }
