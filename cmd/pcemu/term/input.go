package term

import (
	"strconv"
	"unicode/utf8"

	"pcemu/internal/cp437"
	"pcemu/machine/keys"
)

// A terminal sends characters, not keys: each byte or escape sequence it
// sends becomes a complete keystroke here (the modifiers pressed, the key
// pressed and released, the modifiers released), in scancode set 1. The
// sequences are those of xterm and its descendants, which nearly every
// terminal emulator speaks (XTerm Control Sequences, "PC-Style Function
// Keys"), plus the Linux console's and rxvt's spellings of F1-F5.

// escapeByte is Ctrl+], the telnet-style escape key: it is not sent to
// the guest but waits for a command key (q quits, d sends Ctrl+Alt+Del,
// a second Ctrl+] or ] sends Ctrl+] itself).
const escapeByte = 0x1D

// command is what the user asked of the display itself.
type command int

const (
	cmdNone command = iota
	cmdQuit
)

func key(name string) keys.Key {
	k, ok := keys.Lookup(name)
	if !ok {
		panic("term: machine/keys has no key " + name)
	}
	return k
}

var (
	keyCtrl  = keys.LeftCtrl
	keyAlt   = keys.LeftAlt
	keyShift = keys.LeftShift
)

// keystroke is one key typed at the terminal.
type keystroke struct {
	combo   keys.Combo
	ch      rune // the plain character typed, if it was one (for the escape's commands)
	escape  bool // Ctrl+], the escape key
	altCode int  // a CP437 character above 7Fh, typed as Alt + keypad digits
	none    bool // a sequence the keyboard has no key for: consumed, nothing sent
	mouse   *mouseReport
}

// mouseReport is one of xterm's SGR (1006) mouse reports, ESC [ < b ; x ; y
// M (press, motion) or m (release): the button (0 left, 1 middle, 2
// right; 32 added for motion, 64 and up for the wheel) and the cell, from
// 1 (XTerm Control Sequences, "Mouse Tracking").
type mouseReport struct {
	button  int
	col     int // from 0
	row     int
	release bool
}

// strokes are the key transitions of the keystroke.
func (k keystroke) strokes() [][]byte {
	switch {
	case k.none:
		return nil
	case k.altCode > 0:
		// The BIOS composes the code typed on the keypad while Alt is
		// held and stores it when Alt is released.
		s := [][]byte{keyAlt.Make()}
		for _, d := range strconv.Itoa(k.altCode) {
			kp := key("kp" + string(d))
			s = append(s, kp.Make(), kp.Break())
		}
		return append(s, keyAlt.Break())
	}
	return k.combo.Strokes()
}

// withMods adds modifiers held around the key (Ctrl, Alt, Shift order).
func (k keystroke) withMods(ctrl, alt, shift bool) keystroke {
	var mods []keys.Key
	add := func(on bool, m keys.Key) {
		if !on {
			return
		}
		for _, have := range k.combo.Mods {
			if have == m {
				return
			}
		}
		mods = append(mods, m)
	}
	add(ctrl, keyCtrl)
	add(alt, keyAlt)
	add(shift, keyShift)
	k.combo.Mods = append(mods, k.combo.Mods...)
	k.ch = 0
	return k
}

func plain(name string) keystroke { return keystroke{combo: keys.Combo{Key: key(name)}} }

// decoder turns terminal input into key transitions.
type decoder struct {
	pend  []byte // an escape sequence or UTF-8 character cut by a read
	armed bool   // Ctrl+] seen: the next key is a command
}

// output is what one feed decoded.
type output struct {
	strokes [][]byte // key transitions, each for one SendScancodes call
	mice    []mouseReport
	cmd     command
	armed   bool // the escape key waits for its command
}

// feed decodes p after what was pending. With flush false, an incomplete
// sequence at the end waits for the next read; with flush true (the
// terminal sent nothing more for a while) it is taken as it stands, so a
// lone ESC is the Esc key.
func (d *decoder) feed(p []byte, flush bool) output {
	var out output
	buf := append(d.pend, p...)
	d.pend = nil
	for len(buf) > 0 {
		ks, n, ok := next(buf, flush)
		if !ok {
			d.pend = append([]byte(nil), buf...)
			break
		}
		buf = buf[n:]
		if d.armed {
			d.armed = false
			switch {
			case ks.ch == 'q' || ks.ch == 'Q':
				out.cmd = cmdQuit
				return out
			case ks.ch == 'd' || ks.ch == 'D':
				cad := keys.Combo{Mods: []keys.Key{keyCtrl, keyAlt}, Key: key("del")}
				out.strokes = append(out.strokes, cad.Strokes()...)
				continue
			case ks.escape || ks.ch == ']':
				ks = keystroke{combo: keys.Combo{Mods: []keys.Key{keyCtrl}, Key: key("]")}}
			}
			// Any other key cancels the escape and is typed.
		} else if ks.escape {
			d.armed = true
			continue
		}
		if ks.mouse != nil {
			out.mice = append(out.mice, *ks.mouse)
			continue
		}
		out.strokes = append(out.strokes, ks.strokes()...)
	}
	out.armed = d.armed
	return out
}

// next decodes the keystroke at the start of p and how many bytes it
// took; ok is false when p ends inside a sequence and flush is false.
func next(p []byte, flush bool) (ks keystroke, n int, ok bool) {
	b := p[0]
	switch {
	case b == 0x1B:
		if len(p) == 1 {
			if !flush {
				return ks, 0, false
			}
			return plain("esc"), 1, true
		}
		switch p[1] {
		case '[':
			return csi(p, flush)
		case 'O':
			return ss3(p, flush)
		}
		// ESC before a key is how terminals send Alt (meta sends
		// escape): Alt+x, Alt+Ctrl+x, and ESC ESC [A for Alt+Up.
		inner, m, ok := next(p[1:], flush)
		if !ok {
			return ks, 0, false
		}
		if inner.escape || inner.altCode > 0 {
			return keystroke{none: true}, 1 + m, true
		}
		return inner.withMods(false, true, false), 1 + m, true
	case b < 0x20 || b == 0x7F:
		return control(b), 1, true
	case b < 0x80:
		c, found := keys.CharCombo(rune(b))
		if !found {
			return keystroke{none: true}, 1, true
		}
		return keystroke{combo: c, ch: rune(b)}, 1, true
	}
	if !utf8.FullRune(p) && !flush {
		return ks, 0, false
	}
	r, size := utf8.DecodeRune(p)
	if code, found := cp437.Encode(r); found && code >= 0x80 {
		return keystroke{altCode: int(code), ch: r}, size, true
	}
	return keystroke{none: true}, size, true
}

// control decodes the C0 control bytes: Enter, Tab, Backspace (DEL and
// ^H), and Ctrl with a letter or one of @ \ ] ^ _.
func control(b byte) keystroke {
	switch b {
	case '\r', '\n':
		return plain("enter")
	case '\t':
		return plain("tab")
	case 0x7F, 0x08:
		return plain("backspace")
	case escapeByte:
		return keystroke{escape: true}
	case 0x00: // Ctrl+@ and Ctrl+Space: the key with @ on it
		return plain("2").withMods(true, false, false)
	case 0x1C:
		return plain("\\").withMods(true, false, false)
	case 0x1E:
		return plain("6").withMods(true, false, false)
	case 0x1F:
		return plain("-").withMods(true, false, false)
	}
	return plain(string(rune('a'+b-1))).withMods(true, false, false)
}

// csiFinal maps the final byte of ESC [ ... sequences without a number
// (or with 1 and modifiers: ESC [ 1 ; 5 A) to keys.
var csiFinal = map[byte]string{
	'A': "up", 'B': "down", 'C': "right", 'D': "left", 'H': "home", 'F': "end", 'E': "kp5",
	'P': "f1", 'Q': "f2", 'R': "f3", 'S': "f4",
}

// csiTilde maps the number of ESC [ n ~ sequences to keys.
var csiTilde = map[int]string{
	1: "home", 2: "insert", 3: "delete", 4: "end", 5: "pgup", 6: "pgdn", 7: "home", 8: "end",
	11: "f1", 12: "f2", 13: "f3", 14: "f4", 15: "f5", 17: "f6", 18: "f7", 19: "f8",
	20: "f9", 21: "f10", 23: "f11", 24: "f12",
}

// csi decodes ESC [ params final.
func csi(p []byte, flush bool) (keystroke, int, bool) {
	// The Linux console's F1-F5: ESC [ [ A-E.
	if len(p) >= 3 && p[2] == '[' {
		if len(p) < 4 {
			if !flush {
				return keystroke{}, 0, false
			}
			return keystroke{none: true}, len(p), true
		}
		if p[3] >= 'A' && p[3] <= 'E' {
			return plain("f" + string(rune('1'+p[3]-'A'))), 4, true
		}
		return keystroke{none: true}, 4, true
	}
	i := 2
	for i < len(p) && p[i] >= 0x20 && p[i] <= 0x3F {
		i++
	}
	if i == len(p) {
		if !flush {
			return keystroke{}, 0, false
		}
		return keystroke{none: true}, len(p), true
	}
	final, n := p[i], i+1
	if final < 0x40 || final > 0x7E {
		return keystroke{none: true}, i, true // not a sequence: drop the ESC [ ...
	}
	if p[2] == '<' && (final == 'M' || final == 'm') {
		v := splitParams(string(p[3:i]))
		if len(v) != 3 || v[1] < 1 || v[2] < 1 {
			return keystroke{none: true}, n, true
		}
		return keystroke{mouse: &mouseReport{button: v[0], col: v[1] - 1, row: v[2] - 1, release: final == 'm'}}, n, true
	}
	params := splitParams(string(p[2:i]))
	var ks keystroke
	switch {
	case final == '~' && len(params) > 0:
		name, found := csiTilde[params[0]]
		if !found {
			return keystroke{none: true}, n, true
		}
		ks = plain(name)
	case final == 'Z': // Shift+Tab (back tab)
		return plain("tab").withMods(false, false, true), n, true
	default:
		name, found := csiFinal[final]
		if !found {
			return keystroke{none: true}, n, true
		}
		ks = plain(name)
	}
	if len(params) >= 2 {
		ks = withModParam(ks, params[1])
	}
	return ks, n, true
}

// withModParam applies xterm's modifier parameter: 1 + (1 Shift, 2 Alt,
// 4 Ctrl, 8 Meta as Alt).
func withModParam(ks keystroke, m int) keystroke {
	if m < 2 {
		return ks
	}
	m--
	return ks.withMods(m&4 != 0, m&(2|8) != 0, m&1 != 0)
}

// splitParams parses "1;5" into [1 5]; an empty field is 0.
func splitParams(s string) []int {
	if s == "" {
		return nil
	}
	var out []int
	v := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			v = v*10 + int(c-'0')
			if v > 1<<16 {
				v = 1 << 16
			}
		case c == ';' || c == ':':
			out = append(out, v)
			v = 0
		}
	}
	return append(out, v)
}

// ss3Final maps ESC O x (application cursor and keypad modes) to keys.
var ss3Final = map[byte]string{
	'A': "up", 'B': "down", 'C': "right", 'D': "left", 'H': "home", 'F': "end",
	'P': "f1", 'Q': "f2", 'R': "f3", 'S': "f4", 'M': "kpenter",
	'j': "kp*", 'k': "kp+", 'm': "kp-", 'n': "kp.", 'o': "kp/",
	'p': "kp0", 'q': "kp1", 'r': "kp2", 's': "kp3", 't': "kp4", 'u': "kp5", 'v': "kp6",
	'w': "kp7", 'x': "kp8", 'y': "kp9",
}

// ss3 decodes ESC O x, and ESC O m x with an xterm modifier digit.
func ss3(p []byte, flush bool) (keystroke, int, bool) {
	i, mod := 2, 0
	if i < len(p) && p[i] >= '1' && p[i] <= '9' {
		mod = int(p[i] - '0')
		i++
	}
	if i >= len(p) {
		if !flush {
			return keystroke{}, 0, false
		}
		return plain("o").withMods(false, true, true), 2, true // Alt+Shift+O, typed alone
	}
	name, found := ss3Final[p[i]]
	if !found {
		return keystroke{none: true}, i + 1, true
	}
	return withModParam(plain(name), mod), i + 1, true
}
