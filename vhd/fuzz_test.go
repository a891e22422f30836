package vhd

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// seedImages are small valid images of every kind; the committed corpus in
// testdata/fuzz/FuzzOpenRead holds them and damaged variants.
func seedImages(t testing.TB) map[string][]byte {
	dir := t.TempDir()
	out := map[string][]byte{}
	mk := func(name string, opt CreateOptions, writes ...int64) {
		p := filepath.Join(dir, name)
		d, err := Create(p, opt)
		if err != nil {
			t.Fatal(err)
		}
		for _, off := range writes {
			d.WriteAt(bytes.Repeat([]byte{0xA5, 0x5A}, 256), off)
		}
		d.Close()
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = b
	}
	mk("fixed", CreateOptions{Type: Fixed, Size: 4 << 10, ForceSize: true}, 0, 2048)
	mk("dynamic", CreateOptions{Type: Dynamic, Size: 34 << 10, BlockSize: 1024}, 0, 8192, 33<<10)
	mk("dynamic-force", CreateOptions{Type: Dynamic, Size: 6 << 10, BlockSize: 512, ForceSize: true}, 512)
	mk("dynamic-empty", CreateOptions{Type: Dynamic, Size: 1 << 20, BlockSize: 8192})
	// A differencing child whose parent is not beside it in the fuzz run.
	base := filepath.Join(dir, "base.vhd")
	d, _ := Create(base, CreateOptions{Type: Dynamic, Size: 34 << 10, BlockSize: 1024})
	d.Close()
	c, err := CreateDifferencing(filepath.Join(dir, "child"), base, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.WriteAt(bytes.Repeat([]byte{1}, 1024), 1536)
	c.Close()
	out["differencing"], _ = os.ReadFile(filepath.Join(dir, "child"))
	return out
}

// TestWriteFuzzSeeds regenerates the committed seed corpus when asked:
// VHD_WRITE_SEEDS=1 go test -run TestWriteFuzzSeeds ./vhd
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("VHD_WRITE_SEEDS") == "" {
		t.Skip("set VHD_WRITE_SEEDS=1 to regenerate testdata/fuzz/FuzzOpenRead")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzOpenRead")
	os.MkdirAll(dir, 0o755)
	write := func(name string, b []byte) {
		s := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, b := range seedImages(t) {
		write(name, b)
		// Damaged variants: each header field area flipped.
		for _, off := range []int{ftDataOffset + 7, ftCurSize + 2, ftDiskType + 3, ftGeometry} {
			v := append([]byte(nil), b...)
			v[len(v)-512+off] ^= 0x40
			resealFooter(v, len(v)-512)
			write(fmt.Sprintf("%s-footer-%d", name, off), v)
		}
		if name != "fixed" {
			for _, off := range []int{hdTableOffset + 6, hdMaxEntries + 1, hdBlockSize + 2, hdLocators + 19} {
				v := append([]byte(nil), b...)
				v[512+off] ^= 0x10
				resealHeader(v)
				write(fmt.Sprintf("%s-header-%d", name, off), v)
			}
			v := append([]byte(nil), b...)
			put32(v, 1536, 2)
			write(name+"-bat", v)
			write(name+"-truncated", b[:len(b)-700])
		}
	}
}

// FuzzOpenRead: any file either fails to open with an error or opens, reads
// anywhere without error, takes writes that read back, and passes check
// afterwards. Never a panic, a hang or a huge allocation.
func FuzzOpenRead(f *testing.F) {
	for _, b := range seedImages(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		name := filepath.Join(t.TempDir(), "f.vhd")
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		Check(name, nil)
		d, err := Open(name, &OpenOptions{ReadOnly: true})
		if err != nil {
			if d != nil {
				t.Fatal("disk and error")
			}
			return
		}
		size := d.Size()
		buf := make([]byte, 4096)
		for _, off := range []int64{0, 777, size / 2 &^ 511, size - 4096, size - 512} {
			if off < 0 {
				continue
			}
			n := min(int64(len(buf)), size-off)
			if _, err := d.ReadAt(buf[:n], off); err != nil {
				t.Fatalf("read %d at %d: %v", n, off, err)
			}
		}
		d.Close()
		if size > 1<<40 {
			return // writing would allocate blocks far out in a sparse file
		}
		d, err = Open(name, nil)
		if err != nil {
			return // e.g. a damaged end footer: read-only use only
		}
		pat := bytes.Repeat([]byte{0x3C}, 1024)
		offs := []int64{0, max(0, size-1024) &^ 511, 100}
		for _, off := range offs {
			if off+int64(len(pat)) > size {
				continue
			}
			if _, err := d.WriteAt(pat, off); err != nil {
				t.Fatalf("write at %d: %v", off, err)
			}
		}
		d.Close()
		d, err = Open(name, &OpenOptions{ReadOnly: true})
		if err != nil {
			t.Fatalf("reopen after writes: %v", err)
		}
		defer d.Close()
		for _, off := range offs {
			if off+int64(len(pat)) > size {
				continue
			}
			got := make([]byte, len(pat))
			if _, err := d.ReadAt(got, off); err != nil || !bytes.Equal(got, pat) {
				t.Fatalf("read back at %d: %v", off, err)
			}
		}
	})
}
