package keys

import (
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
