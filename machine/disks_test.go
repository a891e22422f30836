package machine

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pcemu/ide"
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
	hd, err := openHardDisk(name, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := hd.drive.WriteAt(sector, 512*3); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 512*4)
	if _, err := hd.drive.ReadAt(got, 512*2); err != nil {
		t.Fatal(err)
	}
	if got[0] != 0xAB || got[512] != 0x11 || got[1024] != 0xAB {
		t.Errorf("overlay read: %02X %02X %02X", got[0], got[512], got[1024])
	}
	if err := hd.close(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(name); !bytes.Equal(b, data) {
		t.Error("-snapshot changed the raw image")
	}

	// Without -snapshot the write reaches the file.
	hd, err = openHardDisk(name, false)
	if err != nil {
		t.Fatal(err)
	}
	if g := hd.drive.Geometry(); g != ide.GeometryFor(64) {
		t.Errorf("raw geometry %+v", g)
	}
	if _, err := hd.drive.WriteAt(sector, 512*3); err != nil {
		t.Fatal(err)
	}
	if err := hd.close(); err != nil {
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
	hd, err := openHardDisk(name, true)
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("-snapshot left %d files in the temporary folder", len(left))
	}
	if _, err := hd.drive.WriteAt(sector, 0); err != nil {
		t.Fatal(err)
	}
	if err := hd.close(); err != nil {
		t.Fatal(err)
	}
	hd, err = openHardDisk(name, false)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 512)
	hd.drive.ReadAt(got, 0)
	if got[0] != 0 {
		t.Error("-snapshot wrote through to the VHD")
	}
	// A second writer is refused while the first holds the image.
	if _, err := openHardDisk(name, false); !errors.Is(err, vhd.ErrInUse) {
		t.Errorf("second open: %v, want ErrInUse", err)
	}
	// ... but a -snapshot user may share it.
	if hd2, err := openHardDisk(name, true); err == nil {
		t.Error("-snapshot opened an image locked for writing") // the writer holds LOCK_EX
		hd2.close()
	}
	if _, err := hd.drive.WriteAt(sector, 0); err != nil {
		t.Fatal(err)
	}
	if err := hd.close(); err != nil {
		t.Fatal(err)
	}
	hd, err = openHardDisk(name, false)
	if err != nil {
		t.Fatal(err)
	}
	hd.drive.ReadAt(got, 0)
	hd.close()
	if got[0] != 0x5A {
		t.Error("write did not persist in the VHD")
	}
}

func TestOpenHardDiskErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := openHardDisk(filepath.Join(dir, "missing.vhd"), false); err == nil || !strings.Contains(err.Error(), "missing.vhd") {
		t.Errorf("missing image: %v", err)
	}
	if _, err := openHardDisk(filepath.Join(dir, "missing.img"), false); err == nil || !strings.Contains(err.Error(), "missing.img") {
		t.Errorf("missing raw image: %v", err)
	}
	bad := filepath.Join(dir, "bad.vhd")
	os.WriteFile(bad, bytes.Repeat([]byte{1}, 4096), 0o644)
	if _, err := openHardDisk(bad, false); !errors.Is(err, vhd.ErrFormat) {
		t.Errorf("corrupt VHD: %v, want ErrFormat", err)
	}
	// A file with a VHD cookie at its end is a VHD even without the name.
	bad2 := filepath.Join(dir, "bad.img")
	b := make([]byte, 4096)
	copy(b[4096-512:], "conectix")
	os.WriteFile(bad2, b, 0o644)
	if _, err := openHardDisk(bad2, false); !errors.Is(err, vhd.ErrFormat) {
		t.Errorf("corrupt VHD named .img: %v, want ErrFormat", err)
	}
}

func TestMemDrive(t *testing.T) {
	d, err := NewMemDrive(1<<20+100, []byte{1, 2, 3})
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
	if _, err := NewMemDrive(512, make([]byte, 1024)); err == nil {
		t.Error("contents larger than the drive accepted")
	}
}

// A raw image without write permission is opened read-only (also for
// root) and the user is warned.
func TestOpenHardDiskReadOnlyRaw(t *testing.T) {
	name := filepath.Join(t.TempDir(), "ro.img")
	os.WriteFile(name, make([]byte, 64*512), 0o444)
	hd, err := openHardDisk(name, false)
	if err != nil {
		t.Fatal(err)
	}
	defer hd.close()
	if !hd.drive.ReadOnly() || !strings.Contains(hd.warn, "read-only") {
		t.Errorf("read-only %v, warning %q", hd.drive.ReadOnly(), hd.warn)
	}
	if _, err := hd.drive.WriteAt(make([]byte, 512), 0); err == nil {
		t.Error("write to a read-only raw image succeeded")
	}
}
