package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"pcemu/internal/fullfs"
	"pcemu/vhd"
)

// fileState is what must not change about a source: its bytes and the
// space the file system gives it (a read that allocated its holes would
// change that).
type fileState struct {
	data   []byte
	blocks int64
}

func stateOf(t *testing.T, name string) fileState {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(name, &st); err != nil {
		t.Fatal(err)
	}
	return fileState{b, st.Blocks}
}

// noLeftovers fails if dir holds anything but the names given.
func noLeftovers(t *testing.T, dir string, keep ...string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		found := false
		for _, k := range keep {
			found = found || e.Name() == k
		}
		if !found {
			t.Errorf("left in %s: %s", dir, e.Name())
		}
	}
}

// Convert on a file system that runs out of space: the sources (sparse
// fixed and dynamic images on the same small tmpfs) are neither changed
// nor grown, the output is not left behind, and the message names the
// output and says "no space left on device".
func TestConvertOnFullFileSystem(t *testing.T) {
	dir, inside := fullfs.Enter(t, 24<<20)
	if !inside {
		return
	}
	data := bytes.Repeat([]byte("pcemu data safety "), 6<<20/18)
	for _, typ := range []vhd.DiskType{vhd.Fixed, vhd.Dynamic} {
		src := filepath.Join(dir, typ.String()+".vhd")
		d, err := vhd.Create(src, vhd.CreateOptions{Type: typ, Size: 64 << 20})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.WriteAt(data, 8<<20); err != nil {
			t.Fatal(err)
		}
		d.Close()
	}
	filler := fullfs.Fill(t, dir, 2<<20)
	for _, typ := range []string{"fixed", "dynamic"} {
		src := filepath.Join(dir, typ+".vhd")
		before := stateOf(t, src)
		for _, out := range []string{"raw", "fixed", "dynamic"} {
			dst := filepath.Join(dir, "out."+out)
			r := vt(t, "convert", "-O", out, src, dst)
			want := "vhdtool: " + dst + ": write: no space left on device (the incomplete output was removed)"
			if r.code != 1 || strings.TrimSpace(r.stderr) != want {
				t.Errorf("%s -> %s: exit %d\n%s\nwant %s", typ, out, r.code, r.stderr, want)
			}
			if after := stateOf(t, src); !bytes.Equal(after.data, before.data) || after.blocks != before.blocks {
				t.Errorf("%s -> %s: the source changed (%d blocks, was %d)", typ, out, after.blocks, before.blocks)
			}
			noLeftovers(t, dir, "fixed.vhd", "dynamic.vhd", "filler")
		}
		vtOK(t, "check", src)
	}
	// create: not even the footer fits.
	os.Remove(filler)
	fullfs.Fill(t, dir, 0)
	dst := filepath.Join(dir, "new.vhd")
	for _, typ := range []string{"fixed", "dynamic"} {
		r := vt(t, "create", "--type", typ, "--size", "1G", dst)
		if r.code != 1 || !strings.Contains(r.stderr, "vhdtool: "+dst+": create: no space left on device (the incomplete output was removed)") {
			t.Errorf("create %s: exit %d\n%s", typ, r.code, r.stderr)
		}
		noLeftovers(t, dir, "fixed.vhd", "dynamic.vhd", "filler")
	}
}

// Commit into a parent whose file system cannot hold the blocks it needs
// is refused before anything is written.
func TestCommitOnFullFileSystem(t *testing.T) {
	dir, inside := fullfs.Enter(t, 16<<20)
	if !inside {
		return
	}
	base := filepath.Join(dir, "base.vhd")
	child := filepath.Join(dir, "child.vhd")
	vtOK(t, "create", "--size", "64M", base)
	vtOK(t, "create", "--parent", base, child)
	c, err := vhd.Open(child, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.WriteAt(bytes.Repeat([]byte{0xC5}, 6<<20), 16<<20)
	c.Close()
	fullfs.Fill(t, dir, 1<<20)
	before := stateOf(t, base)
	r := vt(t, "commit", child)
	if r.code != 1 || !strings.Contains(r.stderr, "vhdtool: "+base+": commit: no space left on device: the parent may grow by") ||
		!strings.Contains(r.stderr, "(nothing was written)") {
		t.Fatalf("commit: exit %d\n%s", r.code, r.stderr)
	}
	if after := stateOf(t, base); !bytes.Equal(after.data, before.data) {
		t.Fatal("the parent changed")
	}
	vtOK(t, "check", child)
}

// A FIFO, a socket or a character device given to any command is refused
// at once, without blocking.
func TestSpecialFileArguments(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	o := filepath.Join(dir, "o.vhd")
	for _, c := range []struct {
		args []string
		file string
	}{
		{[]string{"info", fifo}, fifo}, {[]string{"check", fifo}, fifo}, {[]string{"check", "-r", "all", fifo}, fifo},
		{[]string{"convert", fifo, o}, fifo}, {[]string{"commit", fifo}, fifo}, {[]string{"create", "--parent", fifo, o}, fifo},
		{[]string{"info", "/dev/zero"}, "/dev/zero"}, {[]string{"convert", "/dev/zero", o}, "/dev/zero"},
		{[]string{"ls", fifo}, fifo}, {[]string{"cp", fifo + ":/A.TXT", o}, fifo}, {[]string{"cp", "/etc/hostname", fifo + ":/A.TXT"}, fifo},
	} {
		r := vtWithin(t, 5*time.Second, c.args...) // a blocking open would hang
		if r.code != 1 || !strings.HasPrefix(r.stderr, "vhdtool: "+c.file+": not a regular file: ") {
			t.Errorf("%v: exit %d %s", c.args, r.code, r.stderr)
		}
	}
	noLeftovers(t, dir, "fifo")
}

// A footer geometry with a zero field cannot be a disk: info and check
// warn, and say which size is used (current_size) instead.
func TestZeroCHSWarned(t *testing.T) {
	img := filepath.Join(t.TempDir(), "q.vhd")
	vtOK(t, "create", "--size", "10M", img)
	b, _ := os.ReadFile(img)
	for _, at := range []int{0, len(b) - 512} {
		f, _ := vhd.DecodeFooter(b[at:])
		f.CreatorApp = [4]byte{'q', 'e', 'm', 'u'}
		f.Geometry.Cylinders = 0
		f.Seal(b[at:])
	}
	os.WriteFile(img, b, 0o644)
	want := img + ": footer: disk_geometry 0/4/17 cannot be a disk (a zero field): the size is current_size, 10514432 bytes, and a geometry is derived from it"
	out := vtOK(t, "check", img)
	if !strings.Contains(out, "warning: "+want) || !strings.Contains(out, "(1 warning(s))") {
		t.Errorf("check:\n%s", out)
	}
	out = vtOK(t, "info", img)
	if !strings.Contains(out, want) || !strings.Contains(out, "ATA geometry:      302/4/17") {
		t.Errorf("info:\n%s", out)
	}
}

// A child whose parent changed: every command that reads it refuses,
// naming the way out; --ignore-parent-time reads it; accept-parent records
// the parent's time, after which it opens as before.
func TestChangedParentCommands(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.vhd")
	child := filepath.Join(dir, "child.vhd")
	vtOK(t, "create", "--size", "8M", base)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(base, old, old)
	vtOK(t, "create", "--parent", base, child)
	now := time.Now()
	os.Chtimes(base, now, now)
	for _, args := range [][]string{
		{"info", child}, {"check", child}, {"convert", child, filepath.Join(dir, "flat.vhd")},
		{"create", "--parent", child, filepath.Join(dir, "grandchild.vhd")}, {"commit", child},
	} {
		r := vt(t, args...)
		if r.code != 1 || !strings.Contains(r.stdout+r.stderr, "parent "+base+" was modified after this child was made") ||
			!strings.Contains(r.stdout+r.stderr, "vhdtool accept-parent "+child) {
			t.Errorf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		vtOK(t, append([]string{args[0], "--ignore-parent-time"}, args[1:]...)...)
	}
	// commit recorded the parent's time; touched again, it is refused.
	vtOK(t, "info", child)
	later := now.Add(time.Hour)
	os.Chtimes(base, later, later)
	if r := vt(t, "info", child); r.code != 1 {
		t.Fatalf("info after the parent was touched: %+v", r)
	}
	out := vtOK(t, "accept-parent", child)
	if !strings.Contains(out, child+": the parent's time is now recorded as ") {
		t.Errorf("accept-parent: %s", out)
	}
	vtOK(t, "info", child)
	vtOK(t, "check", child)
}
