package term

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"strconv"
	"unicode/utf8"

	"pcemu/bios"
	"pcemu/machine/video"
)

// ColorMode is how colours are sent to the terminal.
type ColorMode int

const (
	ColorAuto ColorMode = iota // true colour when $COLORTERM says so, else 16 colours
	Color16                    // the 16 ANSI colours (SGR 30-37, 90-97, 40-47, 100-107)
	ColorTrue                  // 24-bit colour (SGR 38;2 and 48;2) from the adapter's palette
)

// cell is one character position as the terminal shows it.
type cell struct {
	ch     rune
	fg, bg color.RGBA
	blink  bool
}

// frame is the picture to show: a grid of cells, the cursor and a note
// for the status line.
type frame struct {
	cols, rows int
	cells      []cell
	curRow     int
	curCol     int
	curOn      bool
	curBlock   bool // the guest's cursor covers more than the lower half of its cell
	note       string
	pixW, pixH int // graphics modes: the picture's size (0 in text modes)
}

// Graphics modes are shown as coarse blocks: each cell is the upper half
// block with the top half's colour as foreground and the bottom half's as
// background, so 80x25 cells show 80x50 blocks of the rendered picture.
// Characters drawn by the BIOS are shown as characters.
const (
	blockCols = 80
	blockRows = 25
	upperHalf = '▀'
)

// buildFrame turns an adapter snapshot into cells: text modes cell for
// cell, with the colours through the adapter's palette and the blink
// attribute as the terminal's blink; graphics modes as blocks of the one
// renderer's image.
func buildFrame(a *video.Adapter) frame {
	if !a.Geometry().Text {
		return blockFrame(a)
	}
	s := a.Text()
	pal := a.Palette()
	blink := a.BlinkEnabled()
	f := frame{cols: s.Cols, rows: s.Rows, cells: make([]cell, len(s.Cells)),
		curRow: s.CursorRow, curCol: s.CursorCol, curOn: s.CursorVisible}
	// DOS's insert mode and many editors show a block cursor for a
	// different state; the terminal's cursor takes the same shape.
	f.curBlock = s.CursorStart < s.CharHeight/2
	for i, c := range s.Cells {
		fg, bg := c.Attr&0x0F, c.Attr>>4
		on := false
		if blink {
			on, bg = bg&8 != 0, bg&7
		}
		f.cells[i] = cell{ch: c.Char, fg: pal[fg], bg: pal[bg], blink: on}
	}
	return f
}

func blockFrame(a *video.Adapter) frame {
	img := a.Render(nil, 0)
	w, h := img.Rect.Dx(), img.Rect.Dy()
	f := frame{cols: blockCols, rows: blockRows, cells: make([]cell, blockCols*blockRows),
		note: fmt.Sprintf("graphics %dx%d shown as blocks", w, h), pixW: w, pixH: h}
	for r := 0; r < blockRows; r++ {
		for c := 0; c < blockCols; c++ {
			x0, x1 := c*w/blockCols, (c+1)*w/blockCols
			top := commonColour(img, x0, x1, (2*r)*h/(2*blockRows), (2*r+1)*h/(2*blockRows))
			bot := commonColour(img, x0, x1, (2*r+1)*h/(2*blockRows), (2*r+2)*h/(2*blockRows))
			f.cells[r*blockCols+c] = cell{ch: upperHalf, fg: top, bg: bot}
		}
	}
	overlayText(a, img, &f)
	return f
}

// overlayText puts the characters the BIOS drew in a graphics mode (as
// the adapter recognises them in its 8x8 font) over the blocks, so that
// text stays readable: in a 40-column mode each character takes the first
// of its two cells. Its colours are the cell's own: the most common as
// background and another as foreground.
func overlayText(a *video.Adapter, img *image.RGBA, f *frame) {
	s := a.Text()
	if s.Rows != blockRows || s.Cols == 0 || blockCols%s.Cols != 0 {
		return
	}
	per := blockCols / s.Cols
	cw, ch := img.Rect.Dx()/s.Cols, img.Rect.Dy()/s.Rows
	for r := 0; r < s.Rows; r++ {
		for c := 0; c < s.Cols; c++ {
			cl := s.At(r, c)
			if !readable(cl.Code) {
				continue
			}
			char := cl.Char
			x0, y0 := c*cw, r*ch
			bg := commonColour(img, x0, x0+cw, y0, y0+ch)
			fg := bg
		find:
			for y := y0; y < y0+ch; y++ {
				for x := x0; x < x0+cw; x++ {
					o := img.PixOffset(x, y)
					if p := (color.RGBA{img.Pix[o], img.Pix[o+1], img.Pix[o+2], 0xFF}); p != bg {
						fg = p
						break find
					}
				}
			}
			i := r*blockCols + c*per
			f.cells[i] = cell{ch: char, fg: fg, bg: bg}
			for k := 1; k < per; k++ {
				f.cells[i+k] = cell{ch: ' ', fg: fg, bg: bg}
			}
		}
	}
}

// readable reports whether a character recognised in a graphics mode is
// shown as itself: letters, digits, punctuation and the accented letters
// and symbols. Spaces, shades, blocks and box lines are left to the
// blocks, which draw them as well and do not mistake a picture's solid
// areas for text.
func readable(code uint8) bool {
	return code > 0x20 && code < 0x7F || code >= 0x80 && code < 0xB0 || code >= 0xE0 && code < 0xFF
}

// commonColour is the colour most pixels of the rectangle have: it keeps
// thin lines and text strokes in their own colour where an average would
// blur them into a colour the picture does not have.
func commonColour(img *image.RGBA, x0, x1, y0, y1 int) color.RGBA {
	x1, y1 = max(x1, x0+1), max(y1, y0+1)
	var cols [16]color.RGBA
	var counts [16]int
	n := 0
	best := 0
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			o := img.PixOffset(x, y)
			c := color.RGBA{img.Pix[o], img.Pix[o+1], img.Pix[o+2], 0xFF}
			i := 0
			for i < n && cols[i] != c {
				i++
			}
			if i == n {
				if n == len(cols) {
					continue
				}
				cols[n] = c
				n++
			}
			counts[i]++
			if counts[i] > counts[best] {
				best = i
			}
		}
	}
	return cols[best]
}

// vgaText16 are the 16 colours of the default text palette, the
// references for the 16-colour terminal.
var vgaText16 = func() (p [16]color.RGBA) {
	a := video.New(nil)
	if err := bios.SetVideoMode(a, 0x03, bios.Fonts{}); err != nil {
		panic(err) // mode 3 is in the BIOS's table
	}
	return a.Palette()
}()

// ansi16 is the ANSI colour number (0-7, +8 bright) nearest to c. ANSI
// numbers colours with red in bit 0 and blue in bit 2, the PC the other
// way round.
func ansi16(c color.RGBA) int {
	best, bestD := 0, -1
	for i, p := range vgaText16 {
		dr, dg, db := int(c.R)-int(p.R), int(c.G)-int(p.G), int(c.B)-int(p.B)
		if d := dr*dr + dg*dg + db*db; bestD < 0 || d < bestD {
			best, bestD = i, d
		}
	}
	return best&1<<2 | best&2 | best&4>>2 | best&8
}

// painter keeps what the terminal shows and sends only the changes.
type painter struct {
	color      ColorMode
	termRows   int // terminal size
	termCols   int
	shown      frame  // what the terminal shows (cells nil: unknown)
	statusText string // the status line it shows
	curShown   bool   // the cursor is switched on
	curKnown   bool
	curBlock   bool // the cursor shape set (block or underline)
	shapeKnown bool
	row, col   int // where the terminal's cursor is (-1: unknown)
	sgr        cell
	sgrKnown   bool
	buf        bytes.Buffer
}

// invalidate forgets what the terminal shows, for a full redraw (after a
// resize or at the start).
func (p *painter) invalidate() {
	p.shown = frame{}
	p.statusText = ""
	p.curKnown = false
	p.shapeKnown = false
	p.sgrKnown = false
	p.row, p.col = -1, -1
	p.buf.WriteString("\x1b[0m\x1b[2J")
}

// draw brings the terminal up to date with f and the status text, writing
// the escape sequences into p.buf.
func (p *painter) draw(f frame, status string) {
	full := p.shown.cells == nil || p.shown.cols != f.cols || p.shown.rows != f.rows
	if full && p.shown.cells != nil {
		p.invalidate()
	}
	rows, cols := min(f.rows, p.termRows), min(f.cols, p.termCols)
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			i := r*f.cols + c
			if !full && p.shown.cells[i] == f.cells[i] {
				continue
			}
			p.bridge(f.cells[r*f.cols:r*f.cols+c], r, c)
			p.moveTo(r, c)
			p.setSGR(f.cells[i])
			p.buf.WriteRune(f.cells[i].ch)
			p.col++
			if p.col >= p.termCols {
				p.row, p.col = -1, -1 // no auto-wrap: the cursor stays in the last column
			}
		}
	}
	p.shown = f
	p.shown.cells = append([]cell(nil), f.cells...)

	// The status line goes under the picture when the terminal has room.
	if f.rows < p.termRows && status != p.statusText {
		p.moveTo(f.rows, 0)
		p.buf.WriteString("\x1b[0;7m")
		p.sgrKnown = false
		line := status
		if n := utf8.RuneCountInString(line); n > p.termCols {
			line = string([]rune(line)[:p.termCols])
		}
		p.buf.WriteString(line)
		p.buf.WriteString("\x1b[0m\x1b[K")
		p.row, p.col = -1, -1
		p.statusText = status
	}

	on := f.curOn && f.curRow < p.termRows && f.curCol < p.termCols
	if on {
		p.moveTo(f.curRow, f.curCol)
	}
	if on && (!p.shapeKnown || f.curBlock != p.curBlock) {
		// DECSCUSR: 1 blinking block, 3 blinking underline, as a VGA
		// cursor blinks.
		if f.curBlock {
			p.buf.WriteString("\x1b[1 q")
		} else {
			p.buf.WriteString("\x1b[3 q")
		}
		p.curBlock, p.shapeKnown = f.curBlock, true
	}
	if !p.curKnown || on != p.curShown {
		if on {
			p.buf.WriteString("\x1b[?25h")
		} else {
			p.buf.WriteString("\x1b[?25l")
		}
		p.curShown, p.curKnown = on, true
	}
}

// bridge rewrites a few unchanged cells before column c of row r when
// that is shorter than moving the cursor over them: a word changed on a
// line of text then goes out as the words and spaces themselves.
func (p *painter) bridge(row []cell, r, c int) {
	const maxGap = 4 // a cursor position costs 6 to 8 bytes
	if p.row != r || p.col >= c || c-p.col > maxGap || !p.sgrKnown {
		return
	}
	for _, g := range row[p.col:c] {
		if g.fg != p.sgr.fg || g.bg != p.sgr.bg || g.blink != p.sgr.blink {
			return
		}
	}
	for _, g := range row[p.col:c] {
		p.buf.WriteRune(g.ch)
	}
	p.col = c
}

func (p *painter) moveTo(r, c int) {
	if p.row == r && p.col == c {
		return
	}
	p.buf.WriteString("\x1b[")
	p.buf.WriteString(strconv.Itoa(r + 1))
	p.buf.WriteByte(';')
	p.buf.WriteString(strconv.Itoa(c + 1))
	p.buf.WriteByte('H')
	p.row, p.col = r, c
}

// setSGR selects the cell's colours and blink, starting from a reset so
// that nothing of the previous cell's rendition lingers.
func (p *painter) setSGR(c cell) {
	if p.sgrKnown && p.sgr.fg == c.fg && p.sgr.bg == c.bg && p.sgr.blink == c.blink {
		return
	}
	b := &p.buf
	b.WriteString("\x1b[0")
	if p.color == ColorTrue {
		fmt.Fprintf(b, ";38;2;%d;%d;%d;48;2;%d;%d;%d", c.fg.R, c.fg.G, c.fg.B, c.bg.R, c.bg.G, c.bg.B)
	} else {
		fg, bg := ansi16(c.fg), ansi16(c.bg)
		if fg >= 8 {
			fmt.Fprintf(b, ";%d", 90+fg-8)
		} else {
			fmt.Fprintf(b, ";%d", 30+fg)
		}
		if bg >= 8 {
			fmt.Fprintf(b, ";%d", 100+bg-8)
		} else {
			fmt.Fprintf(b, ";%d", 40+bg)
		}
	}
	if c.blink {
		b.WriteString(";5")
	}
	b.WriteByte('m')
	p.sgr, p.sgrKnown = c, true
}
