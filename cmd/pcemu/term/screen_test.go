package term

import (
	"image/color"
	"strings"
	"testing"

	"pcemu/cmd/pcemu/internal/displaytest"
	"pcemu/internal/cp437"
	"pcemu/machine/video"
)

// putText writes s at row, col of the mode-3 screen with attribute attr,
// through the adapter's memory as a program would.
func putText(a *video.Adapter, row, col int, s string, attr uint8) {
	for i, r := range []rune(s) {
		code, ok := cp437.Encode(r)
		if !ok {
			code = '?'
		}
		addr := uint32(0xB8000 + (row*80+col+i)*2)
		a.Write8(addr, code)
		a.Write8(addr+1, attr)
	}
}

// mode3 returns an adapter in 80x25 text mode, as the BIOS leaves it.
func mode3() *video.Adapter {
	a := video.New(nil)
	displaytest.SetMode(a, 0x03)
	return a
}

func paint(p *painter, v *vt, a *video.Adapter, status string) string {
	p.draw(buildFrame(a), status)
	out := p.buf.String()
	v.Write(p.buf.Bytes())
	p.buf.Reset()
	return out
}

func TestPainterText(t *testing.T) {
	a := mode3()
	putText(a, 0, 0, "C:\\>dir", 0x07)
	putText(a, 3, 10, "yellow on blue", 0x1E)
	putText(a, 24, 70, "last line!", 0x4F) // the bottom-right corner
	// The full character set, CP437 to Unicode.
	for c := 0; c < 256; c++ {
		a.Write8(uint32(0xB8000+(10+c/64)*160+(c%64)*2), uint8(c))
		a.Write8(uint32(0xB8000+(10+c/64)*160+(c%64)*2+1), 0x07)
	}
	displaytest.SetCursor(a, 0*80+7)

	v := newVT(26, 80)
	p := &painter{color: Color16, termRows: 26, termCols: 80}
	p.invalidate()
	paint(p, v, a, " pcemu status ")
	if got, want := v.text(25), a.Text().String(); got != want {
		t.Fatalf("terminal shows\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(v.line(25), "pcemu status") {
		t.Errorf("status line %q", v.line(25))
	}
	if r, c, on := v.cursor(); r != 0 || c != 7 || !on {
		t.Errorf("cursor at %d,%d on=%v, want 0,7 on", r, c, on)
	}
	if v.fg[3][10] != 93 {
		t.Errorf("yellow foreground is SGR %d, want 93", v.fg[3][10])
	}
	for c := 0; c < 256; c++ {
		got, want := v.grid[10+c/64][c%64], cp437.Table[c]
		if got != want {
			t.Errorf("CP437 %02X shown as %q, want %q", c, got, want)
		}
	}

	// One changed cell sends one position, one rendition and one character.
	putText(a, 5, 5, "X", 0x07)
	out := paint(p, v, a, " pcemu status ")
	if strings.Count(out, "X") != 1 || strings.Count(out, "H") > 2 || len(out) > 40 {
		t.Errorf("one changed cell sent %q", out)
	}
	if v.line(5) != "     X" {
		t.Errorf("row 5 is %q", v.line(5))
	}
	// Nothing changed: nothing is sent (the cursor is where it was).
	if out := paint(p, v, a, " pcemu status "); out != "" {
		t.Errorf("an unchanged screen sent %q", out)
	}
	// DOS's underline cursor is the terminal's underline; a block cursor
	// (insert mode) its block.
	if !strings.Contains(v.output(), "\x1b[3 q") {
		t.Error("the underline cursor shape was not set")
	}
	displaytest.CRTC(a, 0x0A, 0)
	displaytest.CRTC(a, 0x0B, 15)
	if out := paint(p, v, a, " pcemu status "); out != "\x1b[1 q" {
		t.Errorf("block cursor sent %q", out)
	}
	// The hidden cursor (CR0A bit 5) is hidden on the terminal.
	displaytest.CRTC(a, 0x0A, 0x20)
	paint(p, v, a, " pcemu status ")
	if _, _, on := v.cursor(); on {
		t.Error("cursor still shown after the guest switched it off")
	}
}

func TestPainterColours(t *testing.T) {
	a := mode3()
	putText(a, 0, 0, "B", 0x8F) // blinking bright white on black
	f := buildFrame(a)
	if c := f.cells[0]; !c.blink || c.fg != (color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}) || c.bg != (color.RGBA{0, 0, 0, 0xFF}) {
		t.Errorf("blinking cell %+v", c)
	}
	p := &painter{color: ColorTrue, termRows: 25, termCols: 80}
	p.draw(f, "")
	if !strings.Contains(p.buf.String(), "\x1b[0;38;2;255;255;255;48;2;0;0;0;5m") {
		t.Errorf("true colour blink rendition missing from %q", p.buf.String()[:200])
	}
	// The 16 text colours map to the 16 ANSI colours, PC BGR order to
	// ANSI RGB order.
	want := [16]int{0, 4, 2, 6, 1, 5, 3, 7, 8, 12, 10, 14, 9, 13, 11, 15}
	for i, c := range a.Palette() {
		if got := ansi16(c); got != want[i] {
			t.Errorf("colour %d is ANSI %d, want %d", i, got, want[i])
		}
	}
}

func TestPainterSmallTerminal(t *testing.T) {
	a := mode3()
	putText(a, 0, 0, strings.Repeat("0123456789", 8), 0x07)
	putText(a, 20, 0, "below", 0x07)
	v := newVT(10, 40)
	p := &painter{color: Color16, termRows: 10, termCols: 40}
	p.invalidate()
	paint(p, v, a, "status")
	if got := v.line(0); got != strings.Repeat("0123456789", 4) {
		t.Errorf("clipped first row %q", got)
	}
	if strings.Contains(v.output(), "below") || strings.Contains(v.output(), "status") {
		t.Error("rows beyond the terminal were drawn")
	}
}

func TestPainterGraphicsBlocks(t *testing.T) {
	a := video.New(nil)
	displaytest.SetMode(a, 0x13)
	// A red rectangle in the top-left quarter: 160x100 pixels are 40x25
	// blocks, that is 40 columns and 12.5 rows of half blocks.
	for y := 0; y < 100; y++ {
		for x := 0; x < 160; x++ {
			displaytest.Plot(a, 0x13, x, y, 4)
		}
	}
	f := buildFrame(a)
	if f.cols != 80 || f.rows != 25 || !strings.Contains(f.note, "320x200") {
		t.Fatalf("graphics frame %dx%d, note %q", f.cols, f.rows, f.note)
	}
	red := a.Palette()[4]
	black := color.RGBA{0, 0, 0, 0xFF}
	for _, c := range []struct {
		row, col int
		fg, bg   color.RGBA
	}{
		{0, 0, red, red}, {11, 39, red, red}, {12, 39, red, black}, {12, 40, black, black}, {24, 79, black, black},
	} {
		got := f.cells[c.row*80+c.col]
		if got.ch != upperHalf || got.fg != c.fg || got.bg != c.bg {
			t.Errorf("block %d,%d = %+v, want fg %v bg %v", c.row, c.col, got, c.fg, c.bg)
		}
	}
	if f.curOn {
		t.Error("cursor shown in a graphics mode")
	}
}

// A word changed in a line goes out as text, not as one cursor move per
// character run.
func TestPainterBridgesSmallGaps(t *testing.T) {
	a := mode3()
	v := newVT(26, 80)
	p := &painter{color: Color16, termRows: 26, termCols: 80}
	p.invalidate()
	paint(p, v, a, "")
	putText(a, 3, 0, "FreeCom version 0.85a", 0x07)
	out := paint(p, v, a, "")
	if n := strings.Count(out, "H"); n > 2 { // the row's start and the cursor
		t.Errorf("%d cursor moves for one line: %q", n, out)
	}
	if v.line(3) != "FreeCom version 0.85a" {
		t.Errorf("row 3 is %q", v.line(3))
	}
}

// Text the BIOS draws in a graphics mode stays readable: the characters
// replace the blocks of their cells.
func TestPainterGraphicsText(t *testing.T) {
	for _, c := range []struct {
		mode uint8
		want string // row 2 of the terminal
	}{
		{4, "    H i !"}, // 40 columns: each character in the first of its two cells
		{6, "  Hi!"},
		{0x13, "    H i !"},
	} {
		a := video.New(nil)
		displaytest.SetMode(a, c.mode)
		for i, ch := range "Hi!" {
			displaytest.DrawChar(a, c.mode, 2+i, 2, byte(ch), 3)
		}
		v := newVT(26, 80)
		p := &painter{color: Color16, termRows: 26, termCols: 80}
		p.invalidate()
		paint(p, v, a, "")
		if got := strings.TrimRight(strings.ReplaceAll(v.line(2), "▀", " "), " "); got != c.want {
			t.Errorf("mode %02Xh: row 2 is %q, want %q", c.mode, got, c.want)
		}
		if got := v.line(0); strings.Trim(got, "▀") != "" {
			t.Errorf("mode %02Xh: an empty row shows %q", c.mode, got)
		}
	}
}
