package term

import (
	"testing"

	"pcemu/cmd/pcemu/internal/displaytest"
)

func TestDecodeKeys(t *testing.T) {
	for _, c := range []struct {
		name string
		in   string
		want string
	}{
		{"letter", "a", "1E | 9E"},
		{"capital", "A", "2A | 1E | 9E | AA"},
		{"digit", "7", "08 | 88"},
		{"punctuation", ";", "27 | A7"},
		{"shifted punctuation", ":", "2A | 27 | A7 | AA"},
		{"backslash", "\\", "2B | AB"},
		{"space", " ", "39 | B9"},
		{"enter", "\r", "1C | 9C"},
		{"newline is Enter", "\n", "1C | 9C"},
		{"backspace DEL", "\x7f", "0E | 8E"},
		{"backspace ^H", "\x08", "0E | 8E"},
		{"tab", "\t", "0F | 8F"},
		{"back tab", "\x1b[Z", "2A | 0F | 8F | AA"},
		{"ctrl+c", "\x03", "1D | 2E | AE | 9D"},
		{"ctrl+z", "\x1a", "1D | 2C | AC | 9D"},
		{"ctrl+@", "\x00", "1D | 03 | 83 | 9D"},
		{"ctrl+backslash", "\x1c", "1D | 2B | AB | 9D"},
		{"alt+x", "\x1bx", "38 | 2D | AD | B8"},
		{"alt+X", "\x1bX", "38 | 2A | 2D | AD | AA | B8"},
		{"alt+ctrl+c", "\x1b\x03", "38 | 1D | 2E | AE | 9D | B8"},
		{"up", "\x1b[A", "E0 48 | E0 C8"},
		{"down", "\x1b[B", "E0 50 | E0 D0"},
		{"right", "\x1b[C", "E0 4D | E0 CD"},
		{"left", "\x1b[D", "E0 4B | E0 CB"},
		{"up application mode", "\x1bOA", "E0 48 | E0 C8"},
		{"home", "\x1b[H", "E0 47 | E0 C7"},
		{"end", "\x1b[F", "E0 4F | E0 CF"},
		{"home vt", "\x1b[1~", "E0 47 | E0 C7"},
		{"insert", "\x1b[2~", "E0 52 | E0 D2"},
		{"delete", "\x1b[3~", "E0 53 | E0 D3"},
		{"page up", "\x1b[5~", "E0 49 | E0 C9"},
		{"page down", "\x1b[6~", "E0 51 | E0 D1"},
		{"F1", "\x1bOP", "3B | BB"},
		{"F2", "\x1bOQ", "3C | BC"},
		{"F3", "\x1bOR", "3D | BD"},
		{"F4", "\x1bOS", "3E | BE"},
		{"F1 rxvt", "\x1b[11~", "3B | BB"},
		{"F1 linux console", "\x1b[[A", "3B | BB"},
		{"F5 linux console", "\x1b[[E", "3F | BF"},
		{"F5", "\x1b[15~", "3F | BF"},
		{"F6", "\x1b[17~", "40 | C0"},
		{"F7", "\x1b[18~", "41 | C1"},
		{"F8", "\x1b[19~", "42 | C2"},
		{"F9", "\x1b[20~", "43 | C3"},
		{"F10", "\x1b[21~", "44 | C4"},
		{"F11", "\x1b[23~", "57 | D7"},
		{"F12", "\x1b[24~", "58 | D8"},
		{"ctrl+up", "\x1b[1;5A", "1D | E0 48 | E0 C8 | 9D"},
		{"shift+F1", "\x1b[1;2P", "2A | 3B | BB | AA"},
		{"alt+F4", "\x1b[1;3S", "38 | 3E | BE | B8"},
		{"ctrl+alt+delete", "\x1b[3;7~", "1D | 38 | E0 53 | E0 D3 | B8 | 9D"},
		{"alt+up as ESC ESC", "\x1b\x1b[A", "38 | E0 48 | E0 C8 | B8"},
		{"keypad enter", "\x1bOM", "E0 1C | E0 9C"},
		{"CP437 é as Alt+130", "é", "38 | 4F | CF | 51 | D1 | 52 | D2 | B8"},
		{"CP437 ═ as Alt+205", "═", "38 | 50 | D0 | 52 | D2 | 4C | CC | B8"},
		{"no key for a CJK character", "漢", ""},
		{"two keys", "hi", "23 | A3 | 17 | 97"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var d decoder
			o := d.feed([]byte(c.in), true)
			if got := displaytest.HexStrokes(o.strokes); got != c.want {
				t.Errorf("%q: got %s, want %s", c.in, got, c.want)
			}
			if o.cmd != cmdNone {
				t.Errorf("%q: command %v", c.in, o.cmd)
			}
		})
	}
}

func TestDecodeSplitSequences(t *testing.T) {
	var d decoder
	// An escape sequence cut by a read waits for its end.
	if o := d.feed([]byte("\x1b["), false); len(o.strokes) != 0 {
		t.Fatalf("half a sequence sent %s", displaytest.HexStrokes(o.strokes))
	}
	if o := d.feed([]byte("A"), false); displaytest.HexStrokes(o.strokes) != "E0 48 | E0 C8" {
		t.Errorf("completed sequence: %s", displaytest.HexStrokes(o.strokes))
	}
	// A lone ESC is held until the terminal goes quiet, then it is Esc.
	if o := d.feed([]byte("\x1b"), false); len(o.strokes) != 0 {
		t.Fatalf("lone ESC sent at once: %s", displaytest.HexStrokes(o.strokes))
	}
	if o := d.feed(nil, true); displaytest.HexStrokes(o.strokes) != "01 | 81" {
		t.Errorf("ESC after the pause: %s", displaytest.HexStrokes(o.strokes))
	}
	// A UTF-8 character cut in two.
	b := []byte("é")
	if o := d.feed(b[:1], false); len(o.strokes) != 0 {
		t.Fatalf("half a character sent")
	}
	if o := d.feed(b[1:], false); len(o.strokes) != 8 {
		t.Errorf("é: %s", displaytest.HexStrokes(o.strokes))
	}
}

func TestEscapeKey(t *testing.T) {
	var d decoder
	o := d.feed([]byte{escapeByte}, false)
	if len(o.strokes) != 0 || !o.armed {
		t.Fatalf("Ctrl+] sent %s, armed %v", displaytest.HexStrokes(o.strokes), o.armed)
	}
	o = d.feed([]byte("d"), false)
	if got, want := displaytest.HexStrokes(o.strokes), "1D | 38 | E0 53 | E0 D3 | B8 | 9D"; got != want || o.armed {
		t.Errorf("Ctrl+] d: %s, want Ctrl+Alt+Del %s (armed %v)", got, want, o.armed)
	}
	o = d.feed([]byte{escapeByte, escapeByte}, false)
	if got, want := displaytest.HexStrokes(o.strokes), "1D | 1B | 9B | 9D"; got != want {
		t.Errorf("Ctrl+] Ctrl+]: %s, want Ctrl+] %s", got, want)
	}
	o = d.feed([]byte{escapeByte, 'x'}, false)
	if got, want := displaytest.HexStrokes(o.strokes), "2D | AD"; got != want || o.armed {
		t.Errorf("Ctrl+] x: %s, want x typed %s", got, want)
	}
	o = d.feed([]byte("ab\x1dqcd"), false)
	if o.cmd != cmdQuit || displaytest.HexStrokes(o.strokes) != "1E | 9E | 30 | B0" {
		t.Errorf("Ctrl+] q: command %v, strokes %s", o.cmd, displaytest.HexStrokes(o.strokes))
	}
}

// FuzzDecode checks that no input makes the decoder panic or hold more
// than the start of one sequence.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"a", "\x1b[1;5A", "\x1b", "\x1bO", "\x1b[[", "é", "\x1d", "\x1b\x1b\x1b", "\x1b[99999999999~"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var d decoder
		d.feed(b, false)
		if len(d.pend) > len(b) {
			t.Fatalf("pending %d bytes from %d", len(d.pend), len(b))
		}
		d.feed(nil, true)
		if len(d.pend) != 0 {
			t.Fatalf("flush left %q", d.pend)
		}
	})
}

// xterm's SGR mouse reports become the guest's pointer motion and
// buttons: the first report aims the pointer at the cell, later ones walk
// it by the mickeys between cells (8 across, 16 down a text cell).
func TestMouseReports(t *testing.T) {
	d := &decoder{}
	o := d.feed([]byte("\x1b[<0;11;6M\x1b[<32;13;6Mx\x1b[<0;13;6m\x1b[<2;13;7M\x1b[<2;13;7m\x1b[<64;1;1M\x1b[<0;200;1M"), false)
	if got := displaytest.HexStrokes(o.strokes); got != "2D | AD" {
		t.Errorf("keys among the mouse reports: %s", got)
	}
	if len(o.mice) != 7 {
		t.Fatalf("%d mouse reports, want 7: %+v", len(o.mice), o.mice)
	}
	f := displaytest.New()
	p := &pointer{m: f}
	text := frame{cols: 80, rows: 25}
	for _, r := range o.mice {
		p.report(text, r)
	}
	want := "to 10 5 | down 1 | walk 16 0 | up 1 | walk 0 16 | down 2 | up 2"
	if got := f.Mouse(); got != want {
		t.Errorf("text mode: %s, want %s", got, want)
	}
	// Mode 13h shown as 80x25 blocks: a cell is 4x8 pixels, 8 mickeys
	// across (320-pixel modes count every pixel twice) and 16 down.
	f = displaytest.New()
	p = &pointer{m: f}
	gfx := frame{cols: 80, rows: 25, pixW: 320, pixH: 200}
	p.report(gfx, mouseReport{button: 32, col: 40, row: 12})
	p.report(gfx, mouseReport{button: 32, col: 41, row: 13})
	if got, want := f.Mouse(), "to 160 100 | walk 8 16"; got != want {
		t.Errorf("mode 13h: %s, want %s", got, want)
	}
}
