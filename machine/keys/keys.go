// Package keys is the PC keyboard as the system sees it: the keys of the
// 101/102-key keyboard by name, the bytes each sends in scancode set 1 when
// pressed and released, and the keys that type a character on the US
// layout. The script language, the machine's TypeKeys and the displays all
// take their scancodes from here.
package keys

import (
	"fmt"
	"strings"
)

// A key sends its codes in scancode set 1 (the XT set, which the 8042 of
// an AT also hands the system after translation). A make code is sent when
// a key goes down and the same code with bit 7 set when it comes up; the
// keys the 101-key keyboard added (gray cursor keys, right Ctrl/Alt, keypad
// / and Enter) are prefixed by E0h. Reference: IBM PS/2 Hardware Interface
// Technical Reference, "Keyboard and Auxiliary Device Controller", scan
// code set 1 table.

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

// Held is which modifier keys (either side) are down when a key is pressed.
type Held struct{ Ctrl, Alt, Shift bool }

// CodesWith returns the bytes the key sends when pressed and when released
// while the held modifiers are down. Only Print Screen and Pause depend on
// them (IBM PS/2 Technical Reference, notes to the scan code set 1 table):
// Alt+Print Screen is the SysRq key, 54h; with Ctrl or Shift down Print
// Screen sends E0 37 without its fake Shift; Ctrl+Pause is Break, E0 46
// E0 C6, all on the press. Pause sends nothing on release.
func (k Key) CodesWith(h Held) (press, release []byte) {
	switch k {
	case keyPrintScreen:
		switch {
		case h.Alt:
			sysRq := Key{0x54, false}
			return sysRq.Make(), sysRq.Break()
		case h.Ctrl || h.Shift:
			return []byte{0xE0, 0x37}, []byte{0xE0, 0xB7}
		}
	case keyPause:
		if h.Ctrl {
			return []byte{0xE0, 0x46, 0xE0, 0xC6}, nil
		}
	}
	return k.Make(), k.Break()
}

// keyPrintScreen and keyPause have multi-byte sequences of their own; their
// Code values are only identities for Make and Break.
var (
	keyPrintScreen = Key{0x37, true}
	keyPause       = Key{0x45, true}
)

// Modifier keys as they appear in combinations such as Ctrl-Alt-Del.
var (
	LeftShift = Key{0x2A, false}
	LeftCtrl  = Key{0x1D, false}
	LeftAlt   = Key{0x38, false}
)

// set1 lists the keys of the 101-key keyboard in scancode order with
// their names; the first name is the one Name returns.
var set1 = []struct {
	key   Key
	names string
}{
	{Key{0x01, false}, "Esc Escape"},
	{Key{0x02, false}, "1"}, {Key{0x03, false}, "2"}, {Key{0x04, false}, "3"}, {Key{0x05, false}, "4"},
	{Key{0x06, false}, "5"}, {Key{0x07, false}, "6"}, {Key{0x08, false}, "7"}, {Key{0x09, false}, "8"},
	{Key{0x0A, false}, "9"}, {Key{0x0B, false}, "0"},
	{Key{0x0C, false}, "- Minus"},
	{Key{0x0D, false}, "= Equals Equal"},
	{Key{0x0E, false}, "Backspace BS"},
	{Key{0x0F, false}, "Tab"},
	{Key{0x10, false}, "Q"}, {Key{0x11, false}, "W"}, {Key{0x12, false}, "E"}, {Key{0x13, false}, "R"},
	{Key{0x14, false}, "T"}, {Key{0x15, false}, "Y"}, {Key{0x16, false}, "U"}, {Key{0x17, false}, "I"},
	{Key{0x18, false}, "O"}, {Key{0x19, false}, "P"},
	{Key{0x1A, false}, "[ Bracket_Left"},
	{Key{0x1B, false}, "] Bracket_Right"},
	{Key{0x1C, false}, "Enter Return Ret"},
	{Key{0x1D, false}, "Ctrl LCtrl Control"},
	{Key{0x1E, false}, "A"}, {Key{0x1F, false}, "S"}, {Key{0x20, false}, "D"}, {Key{0x21, false}, "F"},
	{Key{0x22, false}, "G"}, {Key{0x23, false}, "H"}, {Key{0x24, false}, "J"}, {Key{0x25, false}, "K"},
	{Key{0x26, false}, "L"},
	{Key{0x27, false}, "; Semicolon"},
	{Key{0x28, false}, "' Apostrophe"},
	{Key{0x29, false}, "` Grave_Accent"},
	{Key{0x2A, false}, "Shift LShift"},
	{Key{0x2B, false}, "\\ Backslash"},
	{Key{0x2C, false}, "Z"}, {Key{0x2D, false}, "X"}, {Key{0x2E, false}, "C"}, {Key{0x2F, false}, "V"},
	{Key{0x30, false}, "B"}, {Key{0x31, false}, "N"}, {Key{0x32, false}, "M"},
	{Key{0x33, false}, ", Comma"},
	{Key{0x34, false}, ". Period Dot"},
	{Key{0x35, false}, "/ Slash"},
	{Key{0x36, false}, "RShift Shift_R"},
	{Key{0x37, false}, "KP* KPMultiply KP_Multiply Asterisk"},
	{Key{0x38, false}, "Alt LAlt"},
	{Key{0x39, false}, "Space Spc"},
	{Key{0x3A, false}, "CapsLock Caps_Lock"},
	{Key{0x3B, false}, "F1"}, {Key{0x3C, false}, "F2"}, {Key{0x3D, false}, "F3"}, {Key{0x3E, false}, "F4"},
	{Key{0x3F, false}, "F5"}, {Key{0x40, false}, "F6"}, {Key{0x41, false}, "F7"}, {Key{0x42, false}, "F8"},
	{Key{0x43, false}, "F9"}, {Key{0x44, false}, "F10"},
	{Key{0x45, false}, "NumLock Num_Lock"},
	{Key{0x46, false}, "ScrollLock Scroll_Lock"},
	{Key{0x47, false}, "KP7 KP_7"}, {Key{0x48, false}, "KP8 KP_8"}, {Key{0x49, false}, "KP9 KP_9"},
	{Key{0x4A, false}, "KP- KPMinus KP_Subtract"},
	{Key{0x4B, false}, "KP4 KP_4"}, {Key{0x4C, false}, "KP5 KP_5"}, {Key{0x4D, false}, "KP6 KP_6"},
	{Key{0x4E, false}, "KP+ KPPlus KP_Add"},
	{Key{0x4F, false}, "KP1 KP_1"}, {Key{0x50, false}, "KP2 KP_2"}, {Key{0x51, false}, "KP3 KP_3"},
	{Key{0x52, false}, "KP0 KP_0"},
	{Key{0x53, false}, "KP. KPDel KPPeriod KP_Decimal"},
	{Key{0x54, false}, "SysRq"},
	// The 102nd key of ISO keyboards, between left Shift and Z.
	{Key{0x56, false}, "NonUSBackslash 102nd Less"},
	{Key{0x57, false}, "F11"}, {Key{0x58, false}, "F12"},
	// 101-key additions, sent with the E0h prefix.
	{Key{0x1C, true}, "KPEnter KP_Enter"},
	{Key{0x1D, true}, "RCtrl Ctrl_R"},
	{Key{0x35, true}, "KP/ KPDivide KP_Divide"},
	{keyPrintScreen, "PrintScreen PrtSc Print"},
	{Key{0x38, true}, "RAlt AltGr Alt_R"},
	{keyPause, "Pause Break"},
	{Key{0x47, true}, "Home"},
	{Key{0x48, true}, "Up"},
	{Key{0x49, true}, "PgUp PageUp"},
	{Key{0x4B, true}, "Left"},
	{Key{0x4D, true}, "Right"},
	{Key{0x4F, true}, "End"},
	{Key{0x50, true}, "Down"},
	{Key{0x51, true}, "PgDn PageDown"},
	{Key{0x52, true}, "Ins Insert"},
	{Key{0x53, true}, "Del Delete"},
	{Key{0x5B, true}, "LWin Meta_L"},
	{Key{0x5C, true}, "RWin Meta_R"},
	{Key{0x5D, true}, "Menu Compose"},
}

// keyNames maps each key name, in lower case, to its key.
var keyNames = map[string]Key{}

// keyName is the first name of each key.
var keyName = map[Key]string{}

func init() {
	for _, k := range set1 {
		names := strings.Fields(k.names)
		keyName[k.key] = names[0]
		for _, n := range names {
			keyNames[strings.ToLower(n)] = k.key
		}
	}
}

// Name returns the key's name as Lookup takes it ("F1", "Up", "KP5").
func (k Key) Name() string {
	if n, ok := keyName[k]; ok {
		return n
	}
	if k.Extended {
		return fmt.Sprintf("E0%02X", k.Code)
	}
	return fmt.Sprintf("%02X", k.Code)
}

// Lookup returns the key with the given name (case-insensitive): letters
// and digits ("a", "7"), punctuation ("[", ";"), F1-F12, Esc, Enter, Tab,
// Backspace, Space, the modifiers (Shift, Ctrl, Alt, and RShift, RCtrl,
// RAlt), the cursor block (Up, Down, Left, Right, Home, End, PgUp, PgDn,
// Ins, Del), the keypad (KP0-KP9, KP., KP+, KP-, KP*, KP/, KPEnter),
// CapsLock, NumLock, ScrollLock, PrintScreen, SysRq, Pause, LWin, RWin,
// Menu and the ISO keyboard's 102nd key (NonUSBackslash). QEMU's key names
// (its sendkey and QKeyCode spellings: ret, spc, shift_r, kp_add,
// bracket_left, grave_accent, less, meta_l, ...) name the same keys.
func Lookup(name string) (Key, bool) {
	k, ok := keyNames[strings.ToLower(name)]
	return k, ok
}
