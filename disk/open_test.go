package disk

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pcemu/vhd"
)

func TestOpenHardDiskRawAndSnapshot(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "disk.img")
	data := bytes.Repeat([]byte{0xAB}, 64*512)
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sector := bytes.Repeat([]byte{0x11}, 512)

	// -snapshot: the write is visible to the guest but not in the file.
	hd, err := Open(name, Options{Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hd.WriteAt(sector, 512*3); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 512*4)
	if _, err := hd.ReadAt(got, 512*2); err != nil {
		t.Fatal(err)
	}
	if got[0] != 0xAB || got[512] != 0x11 || got[1024] != 0xAB {
		t.Errorf("overlay read: %02X %02X %02X", got[0], got[512], got[1024])
	}
	if err := hd.Close(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(name); !bytes.Equal(b, data) {
		t.Error("-snapshot changed the raw image")
	}

	// Without -snapshot the write reaches the file.
	hd, err = Open(name, Options{Snapshot: false})
	if err != nil {
		t.Fatal(err)
	}
	if g := hd.Geometry(); g != ATAGeometry(vhd.Geometry{}, 64*512) {
		t.Errorf("raw geometry %+v", g)
	}
	if _, err := hd.WriteAt(sector, 512*3); err != nil {
		t.Fatal(err)
	}
	if err := hd.Close(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(name); b[512*3] != 0x11 {
		t.Error("write did not reach the raw image")
	}
}

func TestOpenHardDiskVHD(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "disk.vhd")
	d, err := vhd.Create(name, vhd.CreateOptions{Size: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()

	sector := bytes.Repeat([]byte{0x5A}, 512)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	hd, err := Open(name, Options{Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("-snapshot left %d files in the temporary folder", len(left))
	}
	if _, err := hd.WriteAt(sector, 0); err != nil {
		t.Fatal(err)
	}
	if err := hd.Close(); err != nil {
		t.Fatal(err)
	}
	hd, err = Open(name, Options{Snapshot: false})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 512)
	hd.ReadAt(got, 0)
	if got[0] != 0 {
		t.Error("-snapshot wrote through to the VHD")
	}
	// A second writer is refused while the first holds the image.
	if _, err := Open(name, Options{Snapshot: false}); !errors.Is(err, vhd.ErrInUse) {
		t.Errorf("second open: %v, want ErrInUse", err)
	}
	// ... but a -snapshot user may share it.
	if hd2, err := Open(name, Options{Snapshot: true}); err == nil {
		t.Error("-snapshot opened an image locked for writing") // the writer holds LOCK_EX
		hd2.Close()
	}
	if _, err := hd.WriteAt(sector, 0); err != nil {
		t.Fatal(err)
	}
	if err := hd.Close(); err != nil {
		t.Fatal(err)
	}
	hd, err = Open(name, Options{Snapshot: false})
	if err != nil {
		t.Fatal(err)
	}
	hd.ReadAt(got, 0)
	hd.Close()
	if got[0] != 0x5A {
		t.Error("write did not persist in the VHD")
	}
}

func TestOpenHardDiskErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "missing.vhd"), Options{}); err == nil || !strings.Contains(err.Error(), "missing.vhd") {
		t.Errorf("missing image: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "missing.img"), Options{}); err == nil || !strings.Contains(err.Error(), "missing.img") {
		t.Errorf("missing raw image: %v", err)
	}
	bad := filepath.Join(dir, "bad.vhd")
	os.WriteFile(bad, bytes.Repeat([]byte{1}, 4096), 0o644)
	if _, err := Open(bad, Options{Snapshot: false}); !errors.Is(err, vhd.ErrFormat) {
		t.Errorf("corrupt VHD: %v, want ErrFormat", err)
	}
	// A file with a VHD cookie at its end is a VHD even without the name.
	bad2 := filepath.Join(dir, "bad.img")
	b := make([]byte, 4096)
	copy(b[4096-512:], "conectix")
	os.WriteFile(bad2, b, 0o644)
	if _, err := Open(bad2, Options{Snapshot: false}); !errors.Is(err, vhd.ErrFormat) {
		t.Errorf("corrupt VHD named .img: %v, want ErrFormat", err)
	}
}

func TestMem(t *testing.T) {
	d, err := NewMem("m", 1<<20+100, []byte{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if d.Size() != 1<<20 {
		t.Errorf("size %d", d.Size())
	}
	b := make([]byte, 512)
	d.ReadAt(b, 0)
	if b[2] != 3 {
		t.Error("initial contents")
	}
	if _, err := d.WriteAt(b, 1<<20); err == nil {
		t.Error("write past the end accepted")
	}
	if _, err := NewMem("m", 512, make([]byte, 1024)); err == nil {
		t.Error("contents larger than the drive accepted")
	}
}

// A raw image without write permission is opened read-only (also for
// root) and the user is warned.
func TestOpenHardDiskReadOnlyRaw(t *testing.T) {
	name := filepath.Join(t.TempDir(), "ro.img")
	os.WriteFile(name, make([]byte, 64*512), 0o444)
	hd, err := Open(name, Options{Snapshot: false})
	if err != nil {
		t.Fatal(err)
	}
	defer hd.Close()
	if !hd.ReadOnly() || !strings.Contains(strings.Join(hd.Warnings(), "\n"), "read-only") {
		t.Errorf("read-only %v, warning %q", hd.ReadOnly(), hd.Warnings())
	}
	if _, err := hd.WriteAt(make([]byte, 512), 0); err == nil {
		t.Error("write to a read-only raw image succeeded")
	}
}
