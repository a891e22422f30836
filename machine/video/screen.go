package video

import "image"

// A VGA monitor shows every mode on the same 4:3 screen: 720x400 text,
// 640x350 EGA graphics and 320x200 alike fill it, with pixels that are not
// square. The picture Render draws has the mode's own pixel count; the
// screen size below is what the displays and --screendump show.

// ScreenSize is the size of the 4:3 screen a picture of w x h pixels is
// shown at: the width doubled while it is under 640 (320 and 360 dots),
// the height three quarters of that: 720x400 → 720x540, 640x350 and
// 320x200 → 640x480, 360x400 → 720x540.
func ScreenSize(w, h int) (sw, sh int) {
	if w <= 0 || h <= 0 {
		return 0, 0
	}
	sw = w
	for sw < 640 {
		sw *= 2
	}
	return sw, sw * 3 / 4
}

// ScreenImage scales a picture from Render to its ScreenSize, each screen
// pixel taking the colour of the picture pixel under its centre.
func ScreenImage(src *image.RGBA) *image.RGBA {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	sw, sh := ScreenSize(w, h)
	if sw == w && sh == h {
		return src
	}
	dst := image.NewRGBA(image.Rect(0, 0, sw, sh))
	xs := make([]int, sw)
	for x := range xs {
		xs[x] = 4 * ((2*x + 1) * w / (2 * sw))
	}
	for y := 0; y < sh; y++ {
		sy := (2*y + 1) * h / (2 * sh)
		s := src.Pix[sy*src.Stride:]
		d := dst.Pix[y*dst.Stride:]
		for x, o := range xs {
			copy(d[4*x:4*x+4], s[o:o+4])
		}
	}
	return dst
}

// Size is the size in pixels of the picture Render draws for the current
// registers: 720x400 for 80x25 text with 9x16 cells, 640x480 for mode
// 12h, 320x200 for modes 4, 0Dh and 13h.
func (a *Adapter) Size() (w, h int) {
	l := a.layout()
	return l.width, l.height
}
