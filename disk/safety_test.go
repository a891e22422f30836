package disk

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"pcemu/internal/fullfs"
	"pcemu/vhd"
)

// A FIFO, a socket or a character device given as any image is refused at
// once, naming it: open(2) of a FIFO would block until a writer came.
func TestSpecialFilesRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "disk.img")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	fifoVHD := filepath.Join(dir, "disk.vhd")
	syscall.Mkfifo(fifoVHD, 0o644)
	for _, c := range []struct {
		name string
		open func() (*Disk, error)
		want string
	}{
		{"raw", func() (*Disk, error) { return Open(fifo, Options{}) }, fifo + ": not a regular file: a named pipe (FIFO)"},
		{"raw -snapshot", func() (*Disk, error) { return Open(fifo, Options{Snapshot: true}) }, fifo + ": not a regular file: a named pipe (FIFO)"},
		{"vhd", func() (*Disk, error) { return Open(fifoVHD, Options{}) }, fifoVHD + ": not a regular file: a named pipe (FIFO)"},
		{"raw:", func() (*Disk, error) { return Open("raw:"+fifoVHD, Options{}) }, fifoVHD + ": not a regular file: a named pipe (FIFO)"},
		{"floppy", func() (*Disk, error) { return OpenFloppy(fifo, Options{}) }, fifo + ": not a regular file: a named pipe (FIFO)"},
		{"char device", func() (*Disk, error) { return Open("/dev/zero", Options{}) }, "/dev/zero: not a regular file: a character device"},
	} {
		done := make(chan error, 1)
		go func() {
			_, err := c.open()
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.HasSuffix(err.Error(), c.want) {
				t.Errorf("%s: %v, want %q", c.name, err, c.want)
			}
			// Only a name that is a VHD (by its ending or vhd:) is one
			// for the message.
			if isVHD := c.name == "vhd"; err != nil && strings.HasPrefix(err.Error(), "vhd: ") != isVHD {
				t.Errorf("%s: %v: a \"vhd: \" prefix only for a VHD", c.name, err)
			}
		case <-time.After(time.Second):
			t.Fatalf("%s: still opening after a second", c.name)
		}
	}
}

// raw: and vhd: force the format whatever the file holds or is named.
func TestSchemes(t *testing.T) {
	dir := t.TempDir()
	// A raw disk whose last sector happens to hold a VHD footer cookie.
	name := filepath.Join(dir, "looks.img")
	b := make([]byte, 64*512)
	copy(b[len(b)-512:], "conectix")
	os.WriteFile(name, b, 0o644)
	if _, err := Open(name, Options{}); !errors.Is(err, vhd.ErrFormat) {
		t.Fatalf("probed: %v, want a VHD format error", err)
	}
	d, err := Open("raw:"+name, Options{})
	if err != nil || d.Size() != int64(len(b)) {
		t.Fatalf("raw: %v", err)
	}
	d.Close()
	v := filepath.Join(dir, "disk.bin")
	c, err := vhd.Create(v, vhd.CreateOptions{Size: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if d, err = Open("vhd:"+v, Options{}); err != nil || d.Size() != c.Size() {
		t.Fatalf("vhd: %v", err)
	}
	d.Close()
}

// The guest's writes under -snapshot of a raw image: read back as written,
// mixed with the image's own sectors, never in the image, nothing left in
// the temporary folder; the space is taken in a file there, not in memory.
func TestRawSnapshotOverlay(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	name := filepath.Join(t.TempDir(), "disk.img")
	const size = 8 << 20
	img := make([]byte, size)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range img {
		img[i] = byte(rng.Uint32())
	}
	os.WriteFile(name, img, 0o644)
	d, err := Open(name, Options{Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	if d.ReadOnly() {
		t.Fatal("-snapshot disk is read-only")
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("-snapshot left %d files in the temporary folder", len(left))
	}
	model := bytes.Clone(img)
	for i := 0; i < 400; i++ {
		n := (1 + rng.IntN(130)) * 512
		off := int64(rng.IntN(size/512-n/512+1)) * 512
		if rng.IntN(2) == 0 {
			p := make([]byte, n)
			for j := range p {
				p[j] = byte(rng.Uint32())
			}
			if _, err := d.WriteAt(p, off); err != nil {
				t.Fatal(err)
			}
			copy(model[off:], p)
		} else {
			p := make([]byte, n)
			if _, err := d.ReadAt(p, off); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(p, model[off:off+int64(n)]) {
				t.Fatalf("read of %d bytes at %d differs from what was written", n, off)
			}
		}
	}
	all := make([]byte, size)
	if _, err := d.ReadAt(all, 0); err != nil || !bytes.Equal(all, model) {
		t.Fatalf("whole disk: %v", err)
	}
	if _, err := d.WriteAt(make([]byte, 100), 0); err == nil {
		t.Error("a partial sector was accepted")
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(name); !bytes.Equal(b, img) {
		t.Fatal("-snapshot changed the raw image")
	}
}

// Heavy writes under -snapshot of a raw image take disk space in the
// temporary folder, not memory: 256 MiB written leave the heap almost
// where it was (the old overlay kept every sector in a map).
func TestRawSnapshotMemory(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	name := filepath.Join(t.TempDir(), "big.img")
	const size = 512 << 20
	f, _ := os.Create(name)
	f.Truncate(size)
	f.Close()
	d, err := Open(name, Options{Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	chunk := bytes.Repeat([]byte{0xA5}, 64<<10)
	const written = 256 << 20
	for off := int64(0); off < written; off += int64(len(chunk)) {
		if _, err := d.WriteAt(chunk, off*2%size); err != nil {
			t.Fatal(err)
		}
	}
	grown := int64(heap()) - int64(before)
	t.Logf("heap grew by %d KiB for %d MiB written", grown>>10, written>>20)
	if grown > 8<<20 {
		t.Errorf("heap grew by %d MiB for %d MiB written under -snapshot", grown>>20, written>>20)
	}
}

// failing is a medium whose reads and writes fail with err.
type failing struct{ err error }

func (f failing) ReadAt([]byte, int64) (int, error)  { return 0, f.err }
func (f failing) WriteAt([]byte, int64) (int, error) { return 0, f.err }
func (f failing) Flush() error                       { return nil }
func (f failing) Close() error                       { return nil }

// Host I/O errors reach the user once per image and kind (the guest gets
// every one of them), with the image and the error; Close counts them.
func TestHostErrorsReportedOnce(t *testing.T) {
	var got []string
	d := &Disk{name: "x.img", m: failing{&os.PathError{Op: "write", Path: "x.img", Err: syscall.EIO}}, size: 1 << 20,
		report: func(m string) { got = append(got, m) }}
	for i := range 5 {
		if _, err := d.WriteAt(make([]byte, 512), int64(i)*512); !errors.Is(err, syscall.EIO) {
			t.Fatalf("write: %v", err)
		}
		d.ReadAt(make([]byte, 512), 0)
	}
	d.m = failing{fmt.Errorf("wrapped: %w", syscall.ENOSPC)}
	d.WriteAt(make([]byte, 512), 4096)
	d.Close()
	want := []string{
		"x.img: write at sector 0: input/output error (the guest sees a disk error; more errors of this kind on this image are not shown)",
		"x.img: write at sector 8: no space left on device (the guest sees a disk error; more errors of this kind on this image are not shown)",
		"x.img: 11 host I/O errors in all",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("reported:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A dynamic VHD on a full file system: the write that needs a new block
// fails with ENOSPC, reported once, and the image stays valid.
func TestFullDiskReported(t *testing.T) {
	dir, inside := fullfs.Enter(t, 8<<20)
	if !inside {
		return
	}
	name := filepath.Join(dir, "d.vhd")
	c, err := vhd.Create(name, vhd.CreateOptions{Size: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	fullfs.Fill(t, dir, 0)
	var got []string
	d, err := Open(name, Options{Report: func(m string) { got = append(got, m) }})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		if _, err := d.WriteAt(make([]byte, 512), int64(i)*(2<<20)); !errors.Is(err, syscall.ENOSPC) {
			t.Fatalf("write %d: %v, want ENOSPC", i, err)
		}
	}
	d.Close()
	if len(got) != 2 || !strings.HasPrefix(got[0], name+": write at sector 0: no space left on device (the guest sees a disk error") ||
		got[1] != name+": 4 host I/O errors in all" {
		t.Fatalf("reported %q", got)
	}
	if rep, err := vhd.Check(name, nil); err != nil || !rep.OK() {
		t.Fatalf("check: %v %+v", err, rep)
	}
}

// Writing a VHD that has a differencing child beside it is warned about;
// the child is then refused (its parent changed) unless told otherwise,
// also under -snapshot.
func TestParentWithChild(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.vhd")
	child := filepath.Join(dir, "child.vhd")
	b, err := vhd.Create(base, vhd.CreateOptions{Size: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	old := time.Now().Add(-time.Hour)
	os.Chtimes(base, old, old)
	c, err := vhd.CreateDifferencing(child, base, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	d, err := Open(base, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if w := strings.Join(d.Warnings(), "\n"); !strings.Contains(w, base+" has a differencing child beside it, "+child) {
		t.Errorf("warnings %q", w)
	}
	d.WriteAt(make([]byte, 512), 0)
	d.Close()
	if d, err := Open(base, Options{Snapshot: true}); err != nil || len(d.Warnings()) != 0 {
		t.Errorf("-snapshot of the parent: %v %q", err, d.Warnings())
	} else {
		d.Close()
	}
	for _, snap := range []bool{false, true} {
		if _, err := Open(child, Options{Snapshot: snap}); !errors.Is(err, vhd.ErrParentChanged) {
			t.Errorf("child (snapshot %v) after the parent was written: %v", snap, err)
		}
		d, err := Open(child, Options{Snapshot: snap, IgnoreParentTime: true})
		if err != nil {
			t.Fatalf("child with IgnoreParentTime (snapshot %v): %v", snap, err)
		}
		d.Close()
	}
}
