package cp437

import "testing"

// Every code but the two shown as spaces (00h, FFh) is a character of its
// own, and Encode gives it back.
func TestRoundTrip(t *testing.T) {
	seen := map[rune]int{}
	for c, r := range Table {
		if c == 0x00 || c == 0xFF {
			continue
		}
		if d, dup := seen[r]; dup {
			t.Errorf("%02X and %02X are both %q", d, c, r)
		}
		seen[r] = c
		if got, ok := Encode(r); !ok || int(got) != c {
			t.Errorf("Encode(%q) = %02X, %v; want %02X", r, got, ok, c)
		}
	}
	if c, ok := Encode(' '); !ok || c != 0x20 {
		t.Errorf("Encode(' ') = %02X, %v; want 20", c, ok)
	}
	if _, ok := Encode('€'); ok {
		t.Error("Encode('€') found a code; code page 437 has no euro sign")
	}
}
