package vhd

import (
	"crypto/sha256"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func sum(t *testing.T, name string) [32]byte {
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// A chain base <- mid <- top: reads fall through, writes land in the top
// only (bitmap bits for the sectors written), parents are never touched.
func TestDifferencingChain(t *testing.T) {
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(7, 8))
	for _, baseType := range []DiskType{Fixed, Dynamic} {
		base := filepath.Join(dir, "base-"+baseType.String()+".vhd")
		d := mustCreate(t, base, CreateOptions{Type: baseType, Size: 8 << 20, BlockSize: 1 << 20})
		shadow := make([]byte, d.Size())
		write := func(d *Disk, off int64, n int) {
			t.Helper()
			data := randBytes(r, n)
			if _, err := d.WriteAt(data, off); err != nil {
				t.Fatal(err)
			}
			copy(shadow[off:], data)
		}
		write(d, 0, 3<<20)
		write(d, 5<<20, 4096)
		d.Close()
		baseSum := sum(t, base)

		mid := filepath.Join(dir, "mid-"+baseType.String()+".vhd")
		m, err := CreateDifferencing(mid, base, nil)
		if err != nil {
			t.Fatal(err)
		}
		if m.Size() != int64(len(shadow)) || m.Type() != Differencing || m.ParentPath() != base {
			t.Fatalf("child: size %d type %v parent %q", m.Size(), m.Type(), m.ParentPath())
		}
		equalOrFail(t, "fresh child", readAll(t, m), shadow)
		write(m, 512, 1024)     // two sectors in block 0
		write(m, 3<<20+100, 77) // unaligned, in an unallocated block
		write(m, 6<<20, 1<<20)  // a whole block
		m.Close()
		midSum := sum(t, mid)

		top := filepath.Join(dir, "top-"+baseType.String()+".vhd")
		tp, err := CreateDifferencing(top, mid, nil)
		if err != nil {
			t.Fatal(err)
		}
		write(tp, 1000, 5000)
		write(tp, 5<<20+512, 512)
		equalOrFail(t, "top before close", readAll(t, tp), shadow)
		tp.Flush()
		tp.Close()
		if sum(t, base) != baseSum || sum(t, mid) != midSum {
			t.Fatal("a parent changed")
		}
		tp = mustOpen(t, top, nil)
		equalOrFail(t, "top reopened", readAll(t, tp), shadow)
		if tp.Parent() == nil || tp.Parent().Parent() == nil || !tp.Parent().ReadOnly() {
			t.Fatal("parent chain not open read-only")
		}
		// The top's bitmap of block 0 has only the written sectors.
		_, bm, err := tp.bitmapOf(0)
		if err != nil {
			t.Fatal(err)
		}
		if bm == nil || bm.count(tp.secPerBlk) != 11 || !bm.get(1) || bm.get(0) || !bm.get(11) || bm.get(12) {
			t.Fatalf("top block 0 bitmap: %d sectors set", bm.count(tp.secPerBlk))
		}
		tp.Close()
		for _, n := range []string{mid, top} {
			if rep, err := Check(n, nil); err != nil || !rep.OK() || len(rep.Warnings) > 0 {
				t.Fatalf("check %s: %v %+v", n, err, rep)
			}
		}

		// Moving the whole folder keeps the chain working via the
		// relative locator.
		moved := filepath.Join(dir, "moved-"+baseType.String())
		os.Mkdir(moved, 0o755)
		for _, n := range []string{base, mid, top} {
			if err := os.Rename(n, filepath.Join(moved, filepath.Base(n))); err != nil {
				t.Fatal(err)
			}
		}
		tp = mustOpen(t, filepath.Join(moved, filepath.Base(top)), &OpenOptions{ReadOnly: true})
		equalOrFail(t, "moved chain", readAll(t, tp), shadow)
		tp.Close()

		// Commit top into mid, then mid into base: base holds everything.
		if err := Commit(filepath.Join(moved, filepath.Base(top)), nil); err != nil {
			t.Fatal(err)
		}
		if err := Commit(filepath.Join(moved, filepath.Base(mid)), nil); err != nil {
			t.Fatal(err)
		}
		b := mustOpen(t, filepath.Join(moved, filepath.Base(base)), &OpenOptions{ReadOnly: true})
		equalOrFail(t, "base after commits", readAll(t, b), shadow)
		b.Close()
		if err := Commit(filepath.Join(moved, filepath.Base(base)), nil); err == nil {
			t.Fatal("commit of a disk without parent accepted")
		}
	}
}

func TestDifferencingParentProblems(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.vhd")
	mustCreate(t, base, CreateOptions{Size: 4 << 20}).Close()
	child := filepath.Join(dir, "child.vhd")
	c, err := CreateDifferencing(child, base, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()

	// Parent with another unique_id (re-created under the same name).
	os.Remove(base)
	mustCreate(t, base, CreateOptions{Size: 4 << 20}).Close()
	_, err = Open(child, nil)
	if err == nil || !strings.Contains(err.Error(), "vhd: "+child+": dynamic header: parent_unique_id") {
		t.Fatalf("other parent: %v", err)
	}
	if rep, _ := Check(child, nil); rep.OK() || !strings.Contains(rep.Errors[0], "parent_unique_id") {
		t.Fatalf("check: %+v", rep)
	}
	// Parent missing.
	os.Remove(base)
	_, err = Open(child, nil)
	if err == nil || !strings.Contains(err.Error(), "vhd: "+child+": parent: \"base.vhd\" not found") {
		t.Fatalf("missing parent: %v", err)
	}
	// A broken parent is reported through the child.
	os.WriteFile(base, []byte("garbage"), 0o644)
	_, err = Open(child, nil)
	if err == nil || !strings.Contains(err.Error(), "vhd: "+child+": parent "+base+": footer") {
		t.Fatalf("broken parent: %v", err)
	}
	// A differencing disk that is its own parent ends in an error.
	os.Remove(base)
	self := filepath.Join(dir, "self.vhd")
	mustCreate(t, base, CreateOptions{Size: 4 << 20}).Close()
	s, err := CreateDifferencing(self, base, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	b, _ := os.ReadFile(self)
	f, _ := DecodeFooter(b)
	editHeader(b, func(h []byte) {
		copy(h[hdParentUUID:], f.UniqueID[:])
		for i := 0; i < 8; i++ {
			put32(h, hdLocators+i*24, 0)
		}
		hh, _ := DecodeHeader(h)
		hh.setParentName("self.vhd")
		copy(h[hdParentName:], hh.ParentName[:])
	})
	os.WriteFile(self, b, 0o644)
	for _, ro := range []bool{true, false} {
		want := "vhd: " + self + ": parent: chain loops: " + self + " → " + self
		if _, err := Open(self, &OpenOptions{ReadOnly: ro}); err == nil || err.Error() != want {
			t.Fatalf("self parent (read-only %v): %v\nwant %s", ro, err, want)
		}
	}
}
