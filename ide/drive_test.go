package ide

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pcemu/vhd"
)

// A raw image is locked as a VHD is: one writer, or any number of readers.
// flock locks belong to the open file, so a second open in this process
// conflicts as another process's would.
func TestRawFileLock(t *testing.T) {
	w, name := newRawFile(t, 16) // open for writing

	for _, readOnly := range []bool{false, true} {
		r, err := OpenRawFile(name, readOnly)
		if err == nil {
			r.Close()
			t.Fatalf("OpenRawFile(readOnly=%v) beside a writer succeeded", readOnly)
		}
		if !errors.Is(err, ErrInUse) || !errors.Is(err, vhd.ErrInUse) {
			t.Errorf("OpenRawFile(readOnly=%v) beside a writer: %v, want ErrInUse", readOnly, err)
		}
		if msg := err.Error(); !strings.Contains(msg, name) || !strings.Contains(msg, "in use") {
			t.Errorf("the message does not name the image and say it is in use: %s", msg)
		}
	}

	// The writer's lock goes with it.
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	r1, err := OpenRawFile(name, true)
	if err != nil {
		t.Fatalf("first reader: %v", err)
	}
	defer r1.Close()
	r2, err := OpenRawFile(name, true)
	if err != nil {
		t.Fatalf("second reader beside the first: %v", err)
	}
	r2.Close()
	if w, err := OpenRawFile(name, false); err == nil {
		w.Close()
		t.Fatal("a writer beside a reader succeeded")
	} else if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "another process has it open") {
		t.Errorf("writer beside a reader: %v", err)
	}
	r1.Close()
	w2, err := OpenRawFile(name, false)
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
	w, name := newRawFile(t, 16)
	if err := exec.Command(flock, "-n", "-s", name, "true").Run(); err == nil {
		t.Error("flock -n -s took a shared lock on an image open for writing")
	}
	w.Close()
	if out, err := exec.Command(flock, "-n", name, "true").CombinedOutput(); err != nil {
		t.Errorf("flock -n after the close: %v %s", err, out)
	}
}

// A lock that fails for another reason than a conflict (here a closed
// file: EBADF) is not reported as "in use".
func TestLockImageClosedFile(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "x.img"))
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := LockImage(f, false); err == nil || errors.Is(err, ErrInUse) {
		t.Errorf("LockImage on a closed file: %v, want an error that is not ErrInUse", err)
	}
}
