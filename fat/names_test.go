package fat

import (
	"os"
	"path/filepath"
	"testing"
)

// Short names made from long names agree with mtools (which follows
// Windows): the same 8.3 name, NT case flags and need for long-name
// entries, name by name in the order the names are added to a directory.
func TestShortNamesLikeMtools(t *testing.T) {
	names := []string{
		"README.TXT", "Long File Name.txt", "Long File Names.txt", "Mixed.Txt",
		"My.Long.File.Name.txt", "UPPER.txt", "lower.TXT", "a+b.txt", "a..b", "a[1].c",
		"abcdefgh.txtx", "verylongname", "verylongnamf", "verylongnamg", "x.y.z",
		"  spaced  .txt", ".bashrc", "tilde~1.txt", "ok_name", "A B", "1234567890.12345",
	}
	for i := range 12 { // tails past ~9 shorten the base further
		names = append(names, "collision test "+string(rune('a'+i)))
	}
	img := mkfs(t, 12, 1440)
	src := t.TempDir()
	for _, n := range names {
		p := filepath.Join(src, n)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		run(t, "mcopy", "-i", img, "--", p, "::/")
	}
	fsys, _ := openImage(t, img, false)
	list, err := fsys.List("")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != len(names) {
		t.Fatalf("%d entries for %d names", len(list), len(names))
	}
	var seen [][11]byte
	taken := func(s [11]byte) bool {
		for _, x := range seen {
			if x == s {
				return true
			}
		}
		return false
	}
	for i, e := range list {
		if e.Name() != names[i] {
			t.Errorf("entry %d is %q, want %q", i, e.Name(), names[i])
			continue
		}
		short, ntres, long, ok := ShortName(names[i], nil, taken)
		if !ok || short != e.Raw.Name || ntres != e.Raw.NTRes || long != (e.LongName != "") {
			t.Errorf("%q: ShortName gives %q ntres %02x long %v; mtools wrote %q ntres %02x long %v",
				names[i], short[:], ntres, long, e.Raw.Name[:], e.Raw.NTRes, e.LongName != "")
		}
		seen = append(seen, e.Raw.Name)
	}
}

func TestChecksumAndLongEntries(t *testing.T) {
	// The [FAT] example: the checksum of a short name is an 8-bit rotate
	// right and add over its 11 bytes.
	var n [11]byte
	copy(n[:], "README  TXT")
	var sum uint8
	for _, c := range n {
		sum = ((sum & 1) << 7) + (sum >> 1) + c
	}
	if Checksum(n) != sum {
		t.Fatalf("Checksum %02x, want %02x", Checksum(n), sum)
	}
	// 26 characters fill two entries exactly: no NUL, no padding.
	ls := LongEntries("abcdefghijklmnopqrstuvwxyz", 0x42)
	if len(ls) != 2 || ls[0].Ord != 0x42 || ls[1].Ord != 1 || ls[0].Name[12] != 'z' {
		t.Fatalf("26 characters: %+v", ls)
	}
	ls = LongEntries("abc", 0x42)
	if len(ls) != 1 || ls[0].Name[3] != 0 || ls[0].Name[4] != 0xFFFF {
		t.Fatalf("3 characters: %+v", ls)
	}
	var b [32]byte
	ls[0].Encode(b[:])
	if DecodeLongEntry(b[:]) != ls[0] || b[11] != 0x0F {
		t.Fatalf("long entry round trip: % x", b)
	}
}
