package disk

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFloppyImage(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "a.img")
	data := bytes.Repeat([]byte{0xF6}, 1474560)
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
	sec := bytes.Repeat([]byte{7}, 512)

	// Snapshot: writes stay in memory.
	f, err := OpenFloppy(name, Options{Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	if f.Size() != 1474560 {
		t.Errorf("size %d", f.Size())
	}
	if _, err := f.WriteAt(sec, 512); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 1024)
	f.ReadAt(got, 0)
	if got[0] != 0xF6 || got[512] != 7 {
		t.Error("snapshot read-back")
	}
	if _, err := f.WriteAt(sec, 1474560); err == nil {
		t.Error("write past the end accepted")
	}
	f.Close()
	if b, _ := os.ReadFile(name); b[512] != 0xF6 {
		t.Error("snapshot wrote to the file")
	}

	// Read-write.
	f, err = OpenFloppy(name, Options{Snapshot: false})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(sec, 512); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(name); b[512] != 7 {
		t.Error("write did not reach the file")
	}

	// A read-only file is a write-protected diskette.
	os.Chmod(name, 0o444)
	f, err = OpenFloppy(name, Options{Snapshot: false})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(sec, 0); !errors.Is(err, ErrReadOnly) {
		t.Errorf("write to read-only image: %v", err)
	}
	f.Close()
}

func TestFloppyImageErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := OpenFloppy(filepath.Join(dir, "none.img"), Options{}); err == nil || !strings.Contains(err.Error(), "none.img") {
		t.Errorf("missing: %v", err)
	}
}
