package fat

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
)

// A boot sector decodes and encodes back to the same bytes, and mkfs.fat's
// volumes have the types and layouts it reports.
func TestBootSectorRoundTrip(t *testing.T) {
	for _, v := range volumes {
		img := mkfs(t, v.typ, v.kib, v.extra...)
		b, err := os.ReadFile(img)
		if err != nil {
			t.Fatal(err)
		}
		bs := DecodeBootSector(b)
		if err := bs.Validate(int64(len(b))); err != nil {
			t.Fatalf("FAT%d: %v", v.typ, err)
		}
		if bs.Type() != Type(v.typ) {
			t.Errorf("FAT%d: type %v", v.typ, bs.Type())
		}
		out := make([]byte, 512)
		bs.Encode(out)
		if string(out) != string(b[:512]) {
			t.Errorf("FAT%d: encode differs from the sector", v.typ)
		}
	}
}

// A bad BPB is refused with the field named as [FAT] names it.
func TestBootSectorErrors(t *testing.T) {
	img := mkfs(t, 16, 32<<10)
	orig, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	cases := []struct {
		change func(b []byte)
		want   string
	}{
		{func(b []byte) { b[510] = 0 }, "Signature_word"},
		{func(b []byte) { b[0] = 0 }, "BS_jmpBoot"},
		{func(b []byte) { le.PutUint16(b[11:], 500) }, "BPB_BytsPerSec 500 is not 512"},
		{func(b []byte) { b[13] = 3 }, "BPB_SecPerClus 3 is not a power of two"},
		{func(b []byte) { le.PutUint16(b[14:], 0) }, "BPB_RsvdSecCnt is 0"},
		{func(b []byte) { b[16] = 0 }, "BPB_NumFATs is 0"},
		{func(b []byte) { b[21] = 0x12 }, "BPB_Media 12h"},
		{func(b []byte) { le.PutUint16(b[19:], 0); le.PutUint32(b[32:], 0) }, "BPB_TotSec32 is 0"},
		{func(b []byte) { le.PutUint16(b[19:], 0); le.PutUint32(b[32:], 1<<20) }, "extend beyond the"},
		{func(b []byte) { le.PutUint16(b[22:], 1) }, "BPB_FATSz 1 sectors (512 bytes) are too few"},
		{func(b []byte) { le.PutUint16(b[17:], 0) }, "BPB_RootEntCnt is 0"},
		{func(b []byte) { le.PutUint16(b[22:], 0) }, "BPB_FATSz16 is 0 (the FAT32 layout) but BPB_RootEntCnt is 512"},
		{func(b []byte) { le.PutUint16(b[22:], 0); le.PutUint16(b[17:], 0); le.PutUint32(b[36:], 0x80000000) }, "leave no room for data"},
	}
	for _, c := range cases {
		b := append([]byte(nil), orig...)
		c.change(b)
		_, err := Open(bytesReaderAt(b), 0, int64(len(b)), nil)
		if err == nil || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("want %q, got %v", c.want, err)
		}
	}
}

// Damaged cluster chains are errors naming the file, not hangs or panics.
func TestBrokenChains(t *testing.T) {
	img := mkfs(t, 16, 32<<10)
	dir := t.TempDir()
	os.WriteFile(dir+"/a.bin", make([]byte, 10000), 0o644)
	run(t, "mcopy", "-i", img, dir+"/a.bin", "::/")
	orig, _ := os.ReadFile(img)
	fsys, _ := Open(bytesReaderAt(orig), 0, int64(len(orig)), nil)
	e, err := fsys.Entry("A.BIN")
	if err != nil {
		t.Fatal(err)
	}
	c := e.Cluster()
	fat := int(fsys.fatStart)
	for _, bad := range []struct {
		next uint16
		want string
	}{{uint16(c), "loops"}, {0, "marked free"}, {0xFFF7, "bad-cluster"}, {0xFFF0, "not on the volume"}} {
		b := append([]byte(nil), orig...)
		le := binary.LittleEndian
		le.PutUint16(b[fat+2*int(c)+2:], bad.next) // the file's second cluster
		if bad.next == uint16(c) {
			le.PutUint16(b[fat+2*int(c)+2:], uint16(c+1))
			le.PutUint16(b[fat+2*int(c)+4:], uint16(c))
		}
		v, err := Open(bytesReaderAt(b), 0, int64(len(b)), nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = fs.ReadFile(v, "a.bin")
		if err == nil || !strings.Contains(err.Error(), bad.want) || !strings.Contains(err.Error(), "a.bin") {
			t.Errorf("next %04x: %v, want %q", bad.next, err, bad.want)
		}
	}
}

// FuzzOpen: any bytes open as a volume or fail with an error, and walking
// whatever opened never panics or loops.
func FuzzOpen(f *testing.F) {
	img := mkfs(f, 12, 64)
	dir := f.TempDir()
	os.MkdirAll(dir+"/sub", 0o755)
	os.WriteFile(dir+"/sub/A long name.txt", make([]byte, 3000), 0o644)
	os.WriteFile(dir+"/b.txt", []byte("b"), 0o644)
	run(f, "mcopy", "-i", img, "-s", dir+"/sub", dir+"/b.txt", "::/")
	b, _ := os.ReadFile(img)
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, part := range []int{0, 1, 5} {
			off, n, err := FindVolume(bytesReaderAt(b), int64(len(b)), part)
			if err != nil {
				continue
			}
			v, err := Open(bytesReaderAt(b), off, n, nil)
			if err != nil {
				continue
			}
			fs.WalkDir(v, ".", func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					fs.ReadFile(v, p)
				}
				return nil
			})
		}
	})
}
