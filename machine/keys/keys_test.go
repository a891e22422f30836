package keys

import (
	"fmt"
	"strings"
	"testing"
)

func TestAllPrintableASCIIHasAKey(t *testing.T) {
	for r := rune(' '); r < 0x7F; r++ {
		c, ok := CharCombo(r)
		if !ok {
			t.Errorf("no key for %q", r)
			continue
		}
		// Letters and digits land where the set-1 table puts them.
		if r >= 'a' && r <= 'z' {
			rows := map[rune]byte{'q': 0x10, 'a': 0x1E, 'z': 0x2C, 'p': 0x19, 'l': 0x26, 'm': 0x32}
			if want, ok := rows[r]; ok && c.Key.Code != want {
				t.Errorf("%q: code %02X want %02X", r, c.Key.Code, want)
			}
		}
		shift := len(c.Mods) == 1 && c.Mods[0] == LeftShift
		wantShift := (r >= 'A' && r <= 'Z') || strings.ContainsRune(`!@#$%^&*()_+{}|:"~<>?`, r)
		if shift != wantShift {
			t.Errorf("%q: shift %v, want %v", r, shift, wantShift)
		}
	}
	if _, ok := CharCombo('é'); ok {
		t.Error("é should have no key on the US keyboard")
	}
}

// Every key's name looks up the key again, and no two keys share a
// scancode.
func TestKeyNamesRoundTrip(t *testing.T) {
	seen := map[Key]bool{}
	for _, k := range set1 {
		if seen[k.key] {
			t.Errorf("key % X listed twice", k.key.Make())
		}
		seen[k.key] = true
		got, ok := Lookup(k.key.Name())
		if !ok || got != k.key {
			t.Errorf("Lookup(%q) = %v, %v; want %v", k.key.Name(), got, ok, k.key)
		}
		if mk, br := k.key.Make(), k.key.Break(); k.key != keyPause && k.key != keyPrintScreen && (len(mk) != len(br) || br[len(br)-1] != mk[len(mk)-1]|0x80) {
			t.Errorf("%s: make % X, break % X", k.key.Name(), mk, br)
		}
	}
	if (Key{0x59, false}).Name() != "59" || (Key{0x60, true}).Name() != "E060" {
		t.Error("unnamed keys are shown by their scancode")
	}
}

// Print Screen and Pause send other codes with modifiers held; every other
// key does not care.
func TestCodesWith(t *testing.T) {
	key := func(name string) Key {
		k, ok := Lookup(name)
		if !ok {
			t.Fatalf("no key %q", name)
		}
		return k
	}
	for _, tc := range []struct {
		key     string
		held    Held
		mk, brk string
	}{
		{"PrintScreen", Held{}, "E0 2A E0 37", "E0 B7 E0 AA"},
		{"PrintScreen", Held{Alt: true}, "54", "D4"},
		{"PrintScreen", Held{Alt: true, Ctrl: true}, "54", "D4"},
		{"PrintScreen", Held{Shift: true}, "E0 37", "E0 B7"},
		{"PrintScreen", Held{Ctrl: true}, "E0 37", "E0 B7"},
		{"Pause", Held{}, "E1 1D 45 E1 9D C5", ""},
		{"Pause", Held{Shift: true}, "E1 1D 45 E1 9D C5", ""},
		{"Pause", Held{Ctrl: true}, "E0 46 E0 C6", ""},
		{"A", Held{Ctrl: true, Alt: true, Shift: true}, "1E", "9E"},
		{"Del", Held{Ctrl: true, Alt: true}, "E0 53", "E0 D3"},
	} {
		mk, brk := key(tc.key).CodesWith(tc.held)
		if got, want := fmt.Sprintf("% X|% X", mk, brk), tc.mk+"|"+tc.brk; got != want {
			t.Errorf("%s with %+v: % X, want %s", tc.key, tc.held, got, want)
		}
	}
}

// QEMU's key names (QKeyCode in its qapi/ui.json, as its sendkey command
// takes them) for the keys of a PC keyboard all name a key.
func TestQEMUKeyNames(t *testing.T) {
	names := "shift shift_r alt alt_r ctrl ctrl_r menu esc 1 2 3 4 5 6 7 8 9 0 minus equal backspace tab " +
		"q w e r t y u i o p bracket_left bracket_right ret a s d f g h j k l semicolon apostrophe " +
		"grave_accent backslash z x c v b n m comma dot slash asterisk spc caps_lock " +
		"f1 f2 f3 f4 f5 f6 f7 f8 f9 f10 f11 f12 num_lock scroll_lock kp_divide kp_multiply kp_subtract " +
		"kp_add kp_enter kp_decimal sysrq kp_0 kp_1 kp_2 kp_3 kp_4 kp_5 kp_6 kp_7 kp_8 kp_9 less " +
		"home pgup pgdn end left up down right insert delete print pause meta_l meta_r compose"
	for _, n := range strings.Fields(names) {
		if _, ok := Lookup(n); !ok {
			t.Errorf("QEMU key %q has no key", n)
		}
	}
	for qemu, ours := range map[string]string{"ret": "Enter", "spc": "Space", "kp_add": "KP+", "shift_r": "RShift",
		"less": "NonUSBackslash", "meta_l": "LWin", "print": "PrintScreen", "dot": ".", "asterisk": "KP*"} {
		if a, _ := Lookup(qemu); a.Name() != ours {
			t.Errorf("QEMU key %q is %s, want %s", qemu, a.Name(), ours)
		}
	}
}
