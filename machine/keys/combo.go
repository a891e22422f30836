package keys

import (
	"fmt"
	"strings"
)

// Combo is a key pressed while zero or more modifier keys are held down.
type Combo struct {
	Mods []Key
	Key  Key
}

// ParseCombo parses a key combination such as "F1", "Ctrl-C", "Alt-X",
// "Shift-Tab" or "Ctrl-Alt-Del": modifiers (Ctrl, Alt, Shift, and their
// right-hand variants RCtrl, RAlt, RShift) joined to a key name by '-' or
// '+'. A lone "-" or "+" is the key itself, as is a trailing one ("Ctrl--").
func ParseCombo(s string) (Combo, error) {
	var c Combo
	rest := s
	for {
		i := strings.IndexAny(rest, "-+")
		if i <= 0 || i == len(rest)-1 {
			break
		}
		mod, ok := Lookup(rest[:i])
		if !ok || !isModifier(mod) {
			return Combo{}, fmt.Errorf("%q in key %q is not a modifier (Ctrl, Alt or Shift)", rest[:i], s)
		}
		c.Mods = append(c.Mods, mod)
		rest = rest[i+1:]
	}
	k, ok := Lookup(rest)
	if !ok {
		return Combo{}, fmt.Errorf("unknown key %q in %q", rest, s)
	}
	c.Key = k
	return c, nil
}

func isModifier(k Key) bool {
	switch k {
	case LeftShift, LeftCtrl, LeftAlt, Key{0x36, false}, Key{0x1D, true}, Key{0x38, true}:
		return true
	}
	return false
}

// Strokes returns the scancode groups of the combination in the order a
// typist produces them: each modifier down, the key down, the key up, the
// modifiers up in reverse order. Each group is what one key transition
// sends.
func (c Combo) Strokes() [][]byte {
	var s [][]byte
	for _, m := range c.Mods {
		s = append(s, m.Make())
	}
	s = append(s, c.Key.Make())
	if b := c.Key.Break(); b != nil {
		s = append(s, b)
	}
	for i := len(c.Mods) - 1; i >= 0; i-- {
		s = append(s, c.Mods[i].Break())
	}
	return s
}

// Scancodes returns all bytes of Strokes concatenated.
func (c Combo) Scancodes() []byte {
	var b []byte
	for _, s := range c.Strokes() {
		b = append(b, s...)
	}
	return b
}

// shifted maps each character typed with Shift on a US keyboard to the key
// that carries it.
var shifted = map[rune]string{
	'!': "1", '@': "2", '#': "3", '$': "4", '%': "5", '^': "6", '&': "7", '*': "8", '(': "9", ')': "0",
	'_': "-", '+': "=", '{': "[", '}': "]", '|': "\\", ':': ";", '"': "'", '~': "`",
	'<': ",", '>': ".", '?': "/",
}

// CharCombo returns the keys that type the character r on a US keyboard
// with Caps Lock off: 'a' is the A key, 'A' is Shift-A, '\r' and '\n' are
// Enter, '\t' Tab, '\b' Backspace, 0x1B Esc.
func CharCombo(r rune) (Combo, bool) {
	switch r {
	case '\r', '\n':
		return Combo{Key: keyNames["enter"]}, true
	case '\t':
		return Combo{Key: keyNames["tab"]}, true
	case '\b':
		return Combo{Key: keyNames["backspace"]}, true
	case 0x1B:
		return Combo{Key: keyNames["esc"]}, true
	case ' ':
		return Combo{Key: keyNames["space"]}, true
	}
	if r >= 'A' && r <= 'Z' {
		return Combo{Mods: []Key{LeftShift}, Key: keyNames[string(r+'a'-'A')]}, true
	}
	if n, ok := shifted[r]; ok {
		return Combo{Mods: []Key{LeftShift}, Key: keyNames[n]}, true
	}
	if r < 0x80 && r > ' ' {
		if k, ok := keyNames[string(r)]; ok {
			return Combo{Key: k}, true
		}
	}
	return Combo{}, false
}
