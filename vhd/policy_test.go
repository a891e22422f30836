package vhd

import (
	"os"
	"path/filepath"
	"testing"
)

// Which size the guest sees: CHS for "vpc " and "qemu", current_size for
// the rest and for the maximum CHS; OpenOptions.Size overrides.
func TestSizePolicy(t *testing.T) {
	base := baseImage(t)   // 6 MiB rounded up to a CHS size by Create
	chs := CHS{100, 4, 17} // 6800 sectors, less than current_size
	for _, c := range []struct {
		app    string
		g      CHS
		policy SizePolicy
		want   int64
	}{
		{"vpc ", chs, SizeAuto, chs.Sectors() * 512},
		{"qemu", chs, SizeAuto, chs.Sectors() * 512},
		{"win ", chs, SizeAuto, -1},
		{"d2v ", chs, SizeAuto, -1},
		{"vbox", chs, SizeAuto, -1},
		{"qem2", chs, SizeAuto, -1},
		{"vpc ", maxCHS, SizeAuto, -1},
		{"vpc ", chs, SizeCurrent, -1},
		{"win ", chs, SizeCHS, chs.Sectors() * 512},
	} {
		b := append([]byte(nil), base...)
		editFooters(b, func(f []byte) {
			copy(f[ftCreatorApp:], c.app)
			f[ftGeometry], f[ftGeometry+1], f[ftGeometry+2], f[ftGeometry+3] = byte(c.g.Cylinders>>8), byte(c.g.Cylinders), c.g.Heads, c.g.SectorsPerTrack
		})
		name := filepath.Join(t.TempDir(), "p.vhd")
		os.WriteFile(name, b, 0o644)
		d, err := Open(name, &OpenOptions{ReadOnly: true, Size: c.policy})
		if err != nil {
			t.Fatal(err)
		}
		want := c.want
		if want < 0 {
			want = int64(d.Footer().CurrentSize)
		}
		if d.Size() != want {
			t.Errorf("creator %q CHS %v policy %d: size %d, want %d", c.app, c.g, c.policy, d.Size(), want)
		}
		if g := d.Geometry(); g != c.g.geometry() {
			t.Errorf("geometry %+v", g)
		}
		d.Close()
	}
}

// A dynamic block whose bitmap is partly clear reads zeros for the clear
// sectors even though the file holds data there; writing sets the bits.
func TestDynamicBitmapHonoured(t *testing.T) {
	b := baseImage(t)
	const blk0 = 2048 // block 0: bitmap at 2048, data at 2560
	for i := 0; i < 512; i++ {
		b[blk0+i] = 0
	}
	b[blk0] = 0xA0 // sectors 0 and 2 present
	for i := 2560; i < 2560+8*512; i++ {
		b[i] = 0x77
	}
	name := filepath.Join(t.TempDir(), "bm.vhd")
	os.WriteFile(name, b, 0o644)
	d := mustOpen(t, name, nil)
	got := make([]byte, 8*512)
	d.ReadAt(got, 0)
	for s := 0; s < 8; s++ {
		want := byte(0)
		if s == 0 || s == 2 {
			want = 0x77
		}
		for _, c := range got[s*512 : s*512+512] {
			if c != want {
				t.Fatalf("sector %d reads %#x, want %#x", s, c, want)
			}
		}
	}
	// Write sector 5: its bit is set, sectors 4 and 6 still read zero.
	d.WriteAt(make([]byte, 512), 5*512)
	d.Close()
	d = mustOpen(t, name, &OpenOptions{ReadOnly: true})
	defer d.Close()
	d.ReadAt(got, 0)
	if got[4*512] != 0 || got[6*512] != 0 || got[2*512] != 0x77 {
		t.Fatal("bitmap after write")
	}
	_, bm, _ := d.bitmapOf(0)
	if !bm.get(5) || bm.get(4) || bm.count(d.secPerBlk) != 3 {
		t.Fatalf("bitmap bits: %d set", bm.count(d.secPerBlk))
	}
}

// The absolute locator (W2ku) finds the parent when the relative one does
// not; the parent name beside the child is the last resort.
func TestParentLocatorFallbacks(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.vhd")
	d := mustCreate(t, base, CreateOptions{Size: 4 << 20})
	d.WriteAt([]byte("base data"), 0)
	d.Close()
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	child := filepath.Join(dir, "child.vhd")
	c, err := CreateDifferencing(child, base, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	// Moved into sub/: ".\base.vhd" now misses, the absolute path hits.
	moved := filepath.Join(sub, "child.vhd")
	os.Rename(child, moved)
	c = mustOpen(t, moved, &OpenOptions{ReadOnly: true})
	if c.ParentPath() != base {
		t.Fatalf("parent %q", c.ParentPath())
	}
	c.Close()
	// Base moved beside the child: both locators miss, the name hits.
	os.Rename(base, filepath.Join(sub, "base.vhd"))
	c = mustOpen(t, moved, &OpenOptions{ReadOnly: true})
	buf := make([]byte, 9)
	c.ReadAt(buf, 0)
	if string(buf) != "base data" || c.ParentPath() != filepath.Join(sub, "base.vhd") {
		t.Fatalf("via parent name: %q from %q", buf, c.ParentPath())
	}
	c.Close()
}

// Block sizes from 512 bytes to 64 MiB (and the 256 MiB maximum) work.
func TestLargeBlockSizes(t *testing.T) {
	for _, bs := range []uint32{64 << 20, 256 << 20} {
		name := filepath.Join(t.TempDir(), "big.vhd")
		d := mustCreate(t, name, CreateOptions{Size: 600 << 20, BlockSize: bs})
		d.WriteAt([]byte("first"), 0)
		d.WriteAt([]byte("last!"), d.Size()-512)
		d.Close()
		d = mustOpen(t, name, &OpenOptions{ReadOnly: true})
		buf := make([]byte, 5)
		d.ReadAt(buf, d.Size()-512)
		if string(buf) != "last!" || d.BlockSize() != int64(bs) || d.AllocatedBlocks() != 2 {
			t.Fatalf("block size %d: %q, %d blocks", bs, buf, d.AllocatedBlocks())
		}
		d.Close()
		if rep, err := Check(name, nil); err != nil || !rep.OK() {
			t.Fatalf("check: %v %+v", err, rep)
		}
	}
	if _, err := Create(filepath.Join(t.TempDir(), "x.vhd"), CreateOptions{Size: 1 << 20, BlockSize: 512 << 20}); err == nil {
		t.Fatal("512 MiB block size accepted")
	}
}

// Virtual PC before 2004 wrote a 511-byte footer [VHD "Hard Disk Footer
// Format"]: such a fixed image opens with the same size and data.
func TestShortFooter(t *testing.T) {
	name := filepath.Join(t.TempDir(), "old.vhd")
	d := mustCreate(t, name, CreateOptions{Type: Fixed, Size: 1 << 20})
	d.WriteAt([]byte("old image"), 1000)
	size := d.Size()
	d.Close()
	if err := os.Truncate(name, size+511); err != nil {
		t.Fatal(err)
	}
	d = mustOpen(t, name, nil)
	defer d.Close()
	buf := make([]byte, 9)
	d.ReadAt(buf, 1000)
	if d.Size() != size || string(buf) != "old image" {
		t.Fatalf("size %d data %q", d.Size(), buf)
	}
}
