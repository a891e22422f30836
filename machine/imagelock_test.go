package machine

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pcemu/ide"
	"pcemu/vhd"
)

// A floppy image is locked as hard disk images are: exclusive while it is
// written, shared when read-only or under -snapshot. (flock locks belong to
// an open file, so a second open in this process conflicts as another
// process's would.)
func TestFloppyLock(t *testing.T) {
	name := filepath.Join(t.TempDir(), "a.img")
	if err := os.WriteFile(name, make([]byte, 1474560), 0o644); err != nil {
		t.Fatal(err)
	}
	inUse := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: opened, want an in-use error", what)
			return
		}
		if !errors.Is(err, vhd.ErrInUse) || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "in use") {
			t.Errorf("%s: %v, want ErrInUse naming %s", what, err, name)
		}
	}

	w, err := openFloppy(name, false)
	if err != nil {
		t.Fatal(err)
	}
	_, err = openFloppy(name, false)
	inUse("a second writer", err)
	_, err = openFloppy(name, true)
	inUse("-snapshot beside a writer", err)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	// Readers share: two -snapshot users, and a write-protected diskette.
	s1, err := openFloppy(name, true)
	if err != nil {
		t.Fatal(err)
	}
	s2, err := openFloppy(name, true)
	if err != nil {
		t.Fatalf("-snapshot beside -snapshot: %v", err)
	}
	_, err = openFloppy(name, false)
	inUse("a writer beside -snapshot", err)
	// The snapshot's private copy still works while the lock is held.
	if _, err := s1.WriteAt(make([]byte, 512), 0); err != nil {
		t.Errorf("snapshot write: %v", err)
	}
	s1.Close()
	s2.Close()

	os.Chmod(name, 0o444)
	r1, err := openFloppy(name, false)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := openFloppy(name, false)
	if err != nil {
		t.Fatalf("two write-protected opens: %v", err)
	}
	r1.Close()
	r2.Close()
}

// A raw hard disk image, as -hda opens it: one writer, or readers under
// -snapshot.
func TestRawHardDiskLock(t *testing.T) {
	name := filepath.Join(t.TempDir(), "disk.img")
	if err := os.WriteFile(name, make([]byte, 64*512), 0o644); err != nil {
		t.Fatal(err)
	}
	hd, err := openHardDisk(name, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, snapshot := range []bool{false, true} {
		if other, err := openHardDisk(name, snapshot); err == nil {
			other.close()
			t.Errorf("snapshot=%v beside a writer: opened", snapshot)
		} else if !errors.Is(err, ide.ErrInUse) || !strings.Contains(err.Error(), name) {
			t.Errorf("snapshot=%v beside a writer: %v, want ErrInUse naming the image", snapshot, err)
		}
	}
	if err := hd.close(); err != nil {
		t.Fatal(err)
	}
	a, err := openHardDisk(name, true)
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	b, err := openHardDisk(name, true)
	if err != nil {
		t.Fatalf("-snapshot beside -snapshot: %v", err)
	}
	b.close()
	if _, err := openHardDisk(name, false); !errors.Is(err, ide.ErrInUse) {
		t.Errorf("a writer beside -snapshot: %v, want ErrInUse", err)
	}
}

// One image given to two drives is refused before anything is opened, with
// a message that says so, not the lock's "another process has it open".
func TestSameImageTwice(t *testing.T) {
	dir := t.TempDir()
	disk := filepath.Join(dir, "x.vhd")
	d, err := vhd.Create(disk, vhd.CreateOptions{Size: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	raw := filepath.Join(dir, "x.img")
	if err := os.WriteFile(raw, make([]byte, 1474560), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.vhd")
	if err := os.Symlink(disk, link); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		cfg   Config
		flags string
		names []string // the paths the message must show
	}{
		{"-hda -hdb", Config{HardDisks: [4]string{disk, disk}}, "-hda and -hdb", []string{disk}},
		{"-hda -hdd through a link", Config{HardDisks: [4]string{disk, "", "", link}}, "-hda and -hdd", []string{disk, link}},
		{"-hdb -fda", Config{HardDisks: [4]string{"", raw}, Floppies: [2]string{raw}}, "-hdb and -fda", []string{raw}},
		{"-fda -fdb", Config{Floppies: [2]string{raw, raw}}, "-fda and -fdb", []string{raw}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := New(tc.cfg)
			if err == nil {
				m.Close()
				t.Fatal("the machine was built")
			}
			msg := err.Error()
			if !strings.Contains(msg, "same image is given twice") || !strings.Contains(msg, tc.flags) ||
				strings.Contains(msg, "another process") {
				t.Errorf("error %q; want the same image given twice (%s)", msg, tc.flags)
			}
			for _, n := range tc.names {
				if !strings.Contains(msg, n) {
					t.Errorf("error %q does not name %s", msg, n)
				}
			}
		})
	}

	// Under -snapshot nothing writes the image: both drives read it.
	m, err := New(Config{HardDisks: [4]string{disk, disk}, Snapshot: true})
	if err != nil {
		t.Fatalf("-snapshot -hda -hdb of one image: %v", err)
	}
	m.Close()

	// Distinct images are fine, and the check opens nothing: the
	// images can be written afterwards.
	other := filepath.Join(dir, "y.vhd")
	d, err = vhd.Create(other, vhd.CreateOptions{Size: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	m, err = New(Config{HardDisks: [4]string{disk, other}, Floppies: [2]string{raw}})
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	if d, err := vhd.Open(disk, nil); err != nil {
		t.Errorf("after Close: %v", err)
	} else {
		d.Close()
	}
}
