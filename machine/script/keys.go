package script

import (
	"fmt"
	"strings"
)

// This file translates key names and text to the scancodes a PC keyboard
// sends in scancode set 1 (the XT set, which the 8042 of an AT also hands the
// system after translation), US layout. A make code is sent when a key goes
// down and the same code with bit 7 set when it comes up; the keys the
// 101-key keyboard added (gray cursor keys, right Ctrl/Alt, keypad / and
// Enter) are prefixed by E0h. Reference: IBM PS/2 Hardware Interface
// Technical Reference, "Keyboard and Auxiliary Device Controller",
// scan code set 1 table.

// Key is one physical key: its set-1 make code and whether the 101-key
// keyboard sends it with the E0h prefix.
type Key struct {
	Code     byte
	Extended bool
}

// Make returns the bytes the keyboard sends when the key is pressed.
func (k Key) Make() []byte {
	switch k {
	case keyPrintScreen:
		// The gray Print Screen key sends a fake left Shift first.
		return []byte{0xE0, 0x2A, 0xE0, 0x37}
	case keyPause:
		// Pause sends an E1h sequence of a fake Ctrl+NumLock make and
		// break, and nothing on release.
		return []byte{0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5}
	}
	if k.Extended {
		return []byte{0xE0, k.Code}
	}
	return []byte{k.Code}
}

// Break returns the bytes the keyboard sends when the key is released.
func (k Key) Break() []byte {
	switch k {
	case keyPrintScreen:
		return []byte{0xE0, 0xB7, 0xE0, 0xAA}
	case keyPause:
		return nil
	}
	if k.Extended {
		return []byte{0xE0, k.Code | 0x80}
	}
	return []byte{k.Code | 0x80}
}

// keyPrintScreen and keyPause have multi-byte sequences of their own; their
// Code values are only identities for Make and Break.
var (
	keyPrintScreen = Key{0x37, true}
	keyPause       = Key{0x45, true}
)

// Modifier keys as they appear in combinations such as Ctrl-Alt-Del.
var (
	KeyLeftShift = Key{0x2A, false}
	KeyLeftCtrl  = Key{0x1D, false}
	KeyLeftAlt   = Key{0x38, false}
)

// keyNames maps each key name, in lower case, to its key. Several spellings
// are accepted for the same key.
var keyNames = map[string]Key{
	"esc": {0x01, false}, "escape": {0x01, false},
	"1": {0x02, false}, "2": {0x03, false}, "3": {0x04, false}, "4": {0x05, false}, "5": {0x06, false},
	"6": {0x07, false}, "7": {0x08, false}, "8": {0x09, false}, "9": {0x0A, false}, "0": {0x0B, false},
	"minus": {0x0C, false}, "-": {0x0C, false}, "equals": {0x0D, false}, "=": {0x0D, false},
	"backspace": {0x0E, false}, "bs": {0x0E, false},
	"tab": {0x0F, false},
	"q":   {0x10, false}, "w": {0x11, false}, "e": {0x12, false}, "r": {0x13, false}, "t": {0x14, false},
	"y": {0x15, false}, "u": {0x16, false}, "i": {0x17, false}, "o": {0x18, false}, "p": {0x19, false},
	"[": {0x1A, false}, "]": {0x1B, false},
	"enter": {0x1C, false}, "return": {0x1C, false},
	"ctrl": {0x1D, false}, "lctrl": {0x1D, false},
	"a": {0x1E, false}, "s": {0x1F, false}, "d": {0x20, false}, "f": {0x21, false}, "g": {0x22, false},
	"h": {0x23, false}, "j": {0x24, false}, "k": {0x25, false}, "l": {0x26, false},
	";": {0x27, false}, "'": {0x28, false}, "`": {0x29, false},
	"shift": {0x2A, false}, "lshift": {0x2A, false},
	"\\": {0x2B, false}, "backslash": {0x2B, false},
	"z": {0x2C, false}, "x": {0x2D, false}, "c": {0x2E, false}, "v": {0x2F, false}, "b": {0x30, false},
	"n": {0x31, false}, "m": {0x32, false},
	",": {0x33, false}, "comma": {0x33, false}, ".": {0x34, false}, "period": {0x34, false},
	"/": {0x35, false}, "slash": {0x35, false},
	"rshift": {0x36, false},
	"kp*":    {0x37, false}, "kpmultiply": {0x37, false},
	"alt": {0x38, false}, "lalt": {0x38, false},
	"space":    {0x39, false},
	"capslock": {0x3A, false},
	"f1":       {0x3B, false}, "f2": {0x3C, false}, "f3": {0x3D, false}, "f4": {0x3E, false}, "f5": {0x3F, false},
	"f6": {0x40, false}, "f7": {0x41, false}, "f8": {0x42, false}, "f9": {0x43, false}, "f10": {0x44, false},
	"numlock": {0x45, false}, "scrolllock": {0x46, false},
	"kp7": {0x47, false}, "kp8": {0x48, false}, "kp9": {0x49, false}, "kp-": {0x4A, false}, "kpminus": {0x4A, false},
	"kp4": {0x4B, false}, "kp5": {0x4C, false}, "kp6": {0x4D, false}, "kp+": {0x4E, false}, "kpplus": {0x4E, false},
	"kp1": {0x4F, false}, "kp2": {0x50, false}, "kp3": {0x51, false}, "kp0": {0x52, false},
	"kp.": {0x53, false}, "kpdel": {0x53, false}, "kpperiod": {0x53, false},
	"sysrq": {0x54, false},
	"f11":   {0x57, false}, "f12": {0x58, false},
	// 101-key additions, sent with the E0h prefix.
	"kpenter": {0x1C, true},
	"rctrl":   {0x1D, true},
	"kp/":     {0x35, true}, "kpdivide": {0x35, true},
	"printscreen": keyPrintScreen, "prtsc": keyPrintScreen,
	"ralt": {0x38, true}, "altgr": {0x38, true},
	"pause": keyPause, "break": keyPause,
	"home": {0x47, true}, "up": {0x48, true}, "pgup": {0x49, true}, "pageup": {0x49, true},
	"left": {0x4B, true}, "right": {0x4D, true},
	"end": {0x4F, true}, "down": {0x50, true}, "pgdn": {0x51, true}, "pagedown": {0x51, true},
	"ins": {0x52, true}, "insert": {0x52, true}, "del": {0x53, true}, "delete": {0x53, true},
	"lwin": {0x5B, true}, "rwin": {0x5C, true}, "menu": {0x5D, true},
}

// LookupKey returns the key with the given name (case-insensitive): letters
// and digits ("a", "7"), punctuation ("[", ";"), F1-F12, Esc, Enter, Tab,
// Backspace, Space, the modifiers (Shift, Ctrl, Alt, and RShift, RCtrl,
// RAlt), the cursor block (Up, Down, Left, Right, Home, End, PgUp, PgDn,
// Ins, Del), the keypad (KP0-KP9, KP., KP+, KP-, KP*, KP/, KPEnter),
// CapsLock, NumLock, ScrollLock, PrintScreen, SysRq, Pause.
func LookupKey(name string) (Key, bool) {
	k, ok := keyNames[strings.ToLower(name)]
	return k, ok
}

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
		mod, ok := LookupKey(rest[:i])
		if !ok || !isModifier(mod) {
			return Combo{}, fmt.Errorf("%q in key %q is not a modifier (Ctrl, Alt or Shift)", rest[:i], s)
		}
		c.Mods = append(c.Mods, mod)
		rest = rest[i+1:]
	}
	k, ok := LookupKey(rest)
	if !ok {
		return Combo{}, fmt.Errorf("unknown key %q in %q", rest, s)
	}
	c.Key = k
	return c, nil
}

func isModifier(k Key) bool {
	switch k {
	case KeyLeftShift, KeyLeftCtrl, KeyLeftAlt, Key{0x36, false}, Key{0x1D, true}, Key{0x38, true}:
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
		return Combo{Mods: []Key{KeyLeftShift}, Key: keyNames[string(r+'a'-'A')]}, true
	}
	if n, ok := shifted[r]; ok {
		return Combo{Mods: []Key{KeyLeftShift}, Key: keyNames[n]}, true
	}
	if r < 0x80 && r > ' ' {
		if k, ok := keyNames[string(r)]; ok {
			return Combo{Key: k}, true
		}
	}
	return Combo{}, false
}
