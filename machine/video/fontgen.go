package video

// The shade, line-drawing and block characters B0h-DFh, generated for each
// cell height so that lines run through the middle of the cell and meet
// the lines of the neighbouring cells (C0h-DFh continue into the ninth
// column in 9-dot text modes).

// Line weights of the four arms of a box-drawing character.
const (
	none   = 0
	single = 1
	double = 2
)

// boxArms lists B3h-DAh as the weights of their up, down, left and right
// arms, in code order: the structure of the character set itself.
var boxArms = [0xDA - 0xB3 + 1][4]uint8{
	{1, 1, 0, 0}, // B3 │
	{1, 1, 1, 0}, // B4 ┤
	{1, 1, 2, 0}, // B5 ╡
	{2, 2, 1, 0}, // B6 ╢
	{0, 2, 1, 0}, // B7 ╖
	{0, 1, 2, 0}, // B8 ╕
	{2, 2, 2, 0}, // B9 ╣
	{2, 2, 0, 0}, // BA ║
	{0, 2, 2, 0}, // BB ╗
	{2, 0, 2, 0}, // BC ╝
	{2, 0, 1, 0}, // BD ╜
	{1, 0, 2, 0}, // BE ╛
	{0, 1, 1, 0}, // BF ┐
	{1, 0, 0, 1}, // C0 └
	{1, 0, 1, 1}, // C1 ┴
	{0, 1, 1, 1}, // C2 ┬
	{1, 1, 0, 1}, // C3 ├
	{0, 0, 1, 1}, // C4 ─
	{1, 1, 1, 1}, // C5 ┼
	{1, 1, 0, 2}, // C6 ╞
	{2, 2, 0, 1}, // C7 ╟
	{2, 0, 0, 2}, // C8 ╚
	{0, 2, 0, 2}, // C9 ╔
	{2, 0, 2, 2}, // CA ╩
	{0, 2, 2, 2}, // CB ╦
	{2, 2, 0, 2}, // CC ╠
	{0, 0, 2, 2}, // CD ═
	{2, 2, 2, 2}, // CE ╬
	{1, 0, 2, 2}, // CF ╧
	{2, 0, 1, 1}, // D0 ╨
	{0, 1, 2, 2}, // D1 ╤
	{0, 2, 1, 1}, // D2 ╥
	{2, 0, 0, 1}, // D3 ╙
	{1, 0, 0, 2}, // D4 ╘
	{0, 1, 0, 2}, // D5 ╒
	{0, 2, 0, 1}, // D6 ╓
	{2, 2, 1, 1}, // D7 ╫
	{1, 1, 2, 2}, // D8 ╪
	{1, 0, 1, 0}, // D9 ┘
	{0, 1, 0, 1}, // DA ┌
}

// generatedGlyph returns the h-line glyph of c if c is generated.
func generatedGlyph(c uint8, h int) ([]byte, bool) {
	switch {
	case c >= 0xB0 && c <= 0xB2:
		return shadeGlyph(c-0xB0, h), true
	case c >= 0xB3 && c <= 0xDA:
		a := boxArms[c-0xB3]
		return boxGlyph(a[0], a[1], a[2], a[3], h), true
	case c >= 0xDB && c <= 0xDF:
		return blockGlyph(c, h), true
	}
	return nil, false
}

// shadeGlyph is ░ (level 0, a quarter of the dots), ▒ (half) or ▓ (three
// quarters), in patterns that tile seamlessly across cells.
func shadeGlyph(level uint8, h int) []byte {
	g := make([]byte, h)
	for y := range g {
		switch level {
		case 0:
			g[y] = [2]uint8{0x88, 0x22}[y&1]
		case 1:
			g[y] = [2]uint8{0xAA, 0x55}[y&1]
		default:
			g[y] = [2]uint8{0xBB, 0xEE}[y&1]
		}
	}
	return g
}

// blockGlyph is █ ▄ ▌ ▐ ▀.
func blockGlyph(c uint8, h int) []byte {
	g := make([]byte, h)
	for y := range g {
		top := y < h/2
		switch c {
		case 0xDB:
			g[y] = 0xFF
		case 0xDC:
			if !top {
				g[y] = 0xFF
			}
		case 0xDD:
			g[y] = 0xF0
		case 0xDE:
			g[y] = 0x0F
		case 0xDF:
			if top {
				g[y] = 0xFF
			}
		}
	}
	return g
}

// boxGlyph draws a line-drawing character from its arms. Vertical lines are
// two dots wide (columns 3-4; a double line is columns 1-2 and 5-6);
// horizontal lines are one scan line thick in the 8-line font and two in
// the taller ones, centred (a double line has a gap of one thickness).
//
// Each arm runs from its edge across the perpendicular lines to their far
// side; a single arm that meets a double line passing straight through
// stops at that line's near wall (╢, ╟, ╤, ╧). A double arm is a corridor:
// its walls are drawn and its inside, from the edge to the centre, is kept
// clear of other double walls, which opens the corners of ╔ ╬ ╠.
func boxGlyph(up, down, left, right uint8, h int) []byte {
	t := 1
	if h > 8 {
		t = 2
	}
	c := h/2 - 1 // first scan line of a single horizontal line
	var singleBits, doubleBits, clearBits [16]uint8
	hline := func(dst *[16]uint8, y0, y1, x0, x1 int) {
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				dst[y] |= 0x80 >> x
			}
		}
	}

	vert := max(up, down)
	horiz := max(left, right)
	vThrough := up == double && down == double
	hThrough := left == double && right == double

	// Vertical extent of the horizontal lines, and horizontal extent of
	// the vertical ones.
	hTop, hBottom := c, c+t-1
	if horiz == double {
		hTop, hBottom = c-t, c+2*t-1
	}
	vLeft, vRight := 3, 4
	if vert == double {
		vLeft, vRight = 1, 6
	}

	vArm := func(w uint8, y0, y1 int) {
		if w == single {
			hline(&singleBits, y0, y1, 3, 4)
			return
		}
		hline(&doubleBits, y0, y1, 1, 2)
		hline(&doubleBits, y0, y1, 5, 6)
	}
	hArm := func(w uint8, x0, x1 int) {
		if w == single {
			hline(&singleBits, c, c+t-1, x0, x1)
			return
		}
		hline(&doubleBits, c-t, c-1, x0, x1)
		hline(&doubleBits, c+t, c+2*t-1, x0, x1)
	}

	if up != none {
		end := h - 1
		switch {
		case horiz == none:
		case up == single && hThrough:
			end = c - 1 // near wall of the double line
		default:
			end = hBottom
		}
		vArm(up, 0, end)
		if up == double {
			hline(&clearBits, 0, c+t-1, 3, 4)
		}
	}
	if down != none {
		start := 0
		switch {
		case horiz == none:
		case down == single && hThrough:
			start = c + t
		default:
			start = hTop
		}
		vArm(down, start, h-1)
		if down == double {
			hline(&clearBits, c, h-1, 3, 4)
		}
	}
	if left != none {
		end := 7
		switch {
		case vert == none:
		case left == single && vThrough:
			end = 2
		default:
			end = vRight
		}
		hArm(left, 0, end)
		if left == double {
			hline(&clearBits, c, c+t-1, 0, 4)
		}
	}
	if right != none {
		start := 0
		switch {
		case vert == none:
		case right == single && vThrough:
			start = 5
		default:
			start = vLeft
		}
		hArm(right, start, 7)
		if right == double {
			hline(&clearBits, c, c+t-1, 3, 7)
		}
	}

	g := make([]byte, h)
	for y := range g {
		g[y] = singleBits[y] | doubleBits[y]&^clearBits[y]
	}
	return g
}
