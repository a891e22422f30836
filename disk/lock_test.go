package disk

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pcemu/vhd"
)

// newRaw makes a raw image of the given sectors and opens it for writing.
func newRaw(t testing.TB, sectors int64) (*Disk, string) {
	t.Helper()
	name := filepath.Join(t.TempDir(), "disk.img")
	if err := os.WriteFile(name, make([]byte, sectors*512), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Open(name, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, name
}

// A raw image is locked as a VHD is: one writer, or any number of readers.
// flock locks belong to the open file, so a second open in this process
// conflicts as another process's would.
func TestRawFileLock(t *testing.T) {
	w, name := newRaw(t, 16) // open for writing

	for _, readOnly := range []bool{false, true} {
		r, err := Open("raw:"+name, Options{ReadOnly: readOnly})
		if err == nil {
			r.Close()
			t.Fatalf("Open(readOnly=%v) beside a writer succeeded", readOnly)
		}
		if !errors.Is(err, ErrInUse) || !errors.Is(err, vhd.ErrInUse) {
			t.Errorf("Open(readOnly=%v) beside a writer: %v, want ErrInUse", readOnly, err)
		}
		if msg := err.Error(); !strings.Contains(msg, name) || !strings.Contains(msg, "in use") {
			t.Errorf("the message does not name the image and say it is in use: %s", msg)
		}
	}

	// The writer's lock goes with it.
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r1, err := Open("raw:"+name, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("first reader: %v", err)
	}
	defer r1.Close()
	r2, err := Open("raw:"+name, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("second reader beside the first: %v", err)
	}
	r2.Close()
	if w, err := Open("raw:"+name, Options{ReadOnly: false}); err == nil {
		w.Close()
		t.Fatal("a writer beside a reader succeeded")
	} else if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "another process has it open") {
		t.Errorf("writer beside a reader: %v", err)
	}
	r1.Close()
	w2, err := Open("raw:"+name, Options{ReadOnly: false})
	if err != nil {
		t.Fatalf("writer after the readers closed: %v", err)
	}
	w2.Close()
}

// The lock is the ordinary flock(2) lock, which other programs see: flock(1)
// cannot take it while the image is open for writing.
func TestRawFileLockSeenByFlock(t *testing.T) {
	flock, err := exec.LookPath("flock")
	if err != nil {
		t.Skip("flock(1) is not installed")
	}
	w, name := newRaw(t, 16)
	if err := exec.Command(flock, "-n", "-s", name, "true").Run(); err == nil {
		t.Error("flock -n -s took a shared lock on an image open for writing")
	}
	w.Close()
	if out, err := exec.Command(flock, "-n", name, "true").CombinedOutput(); err != nil {
		t.Errorf("flock -n after the close: %v %s", err, out)
	}
}

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
		if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "in use") {
			t.Errorf("%s: %v, want ErrInUse naming %s", what, err, name)
		}
	}

	w, err := OpenFloppy(name, Options{Snapshot: false})
	if err != nil {
		t.Fatal(err)
	}
	_, err = OpenFloppy(name, Options{Snapshot: false})
	inUse("a second writer", err)
	_, err = OpenFloppy(name, Options{Snapshot: true})
	inUse("-snapshot beside a writer", err)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	// Readers share: two -snapshot users, and a write-protected diskette.
	s1, err := OpenFloppy(name, Options{Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	s2, err := OpenFloppy(name, Options{Snapshot: true})
	if err != nil {
		t.Fatalf("-snapshot beside -snapshot: %v", err)
	}
	_, err = OpenFloppy(name, Options{Snapshot: false})
	inUse("a writer beside -snapshot", err)
	// The snapshot's private copy still works while the lock is held.
	if _, err := s1.WriteAt(make([]byte, 512), 0); err != nil {
		t.Errorf("snapshot write: %v", err)
	}
	s1.Close()
	s2.Close()

	os.Chmod(name, 0o444)
	r1, err := OpenFloppy(name, Options{Snapshot: false})
	if err != nil {
		t.Fatal(err)
	}
	r2, err := OpenFloppy(name, Options{Snapshot: false})
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
	hd, err := Open(name, Options{Snapshot: false})
	if err != nil {
		t.Fatal(err)
	}
	for _, snapshot := range []bool{false, true} {
		if other, err := Open(name, Options{Snapshot: snapshot}); err == nil {
			other.Close()
			t.Errorf("snapshot=%v beside a writer: opened", snapshot)
		} else if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), name) {
			t.Errorf("snapshot=%v beside a writer: %v, want ErrInUse naming the image", snapshot, err)
		}
	}
	if err := hd.Close(); err != nil {
		t.Fatal(err)
	}
	a, err := Open(name, Options{Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(name, Options{Snapshot: true})
	if err != nil {
		t.Fatalf("-snapshot beside -snapshot: %v", err)
	}
	b.Close()
	if _, err := Open(name, Options{Snapshot: false}); !errors.Is(err, ErrInUse) {
		t.Errorf("a writer beside -snapshot: %v, want ErrInUse", err)
	}
}
