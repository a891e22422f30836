package disk

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A fat: folder's disk is saved as the folder's fingerprint and the
// sectors the guest wrote: LoadState goes back to them, OpenState rebuilds
// the disk from the folder with them over it (also as a diskette, and at
// a place given again), and both refuse the folder once it changed; the
// folder is never written.
func TestFATDiskState(t *testing.T) {
	for _, floppy := range []bool{false, true} {
		name := "hard disk"
		if floppy {
			name = "diskette"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("host file\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			open, openState := Open, OpenState
			if floppy {
				open, openState = OpenFloppy, OpenFloppyState
			}
			d, err := open("fat:"+dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			last := d.Size()/512 - 1
			base := readSector(t, d, last)
			d.WriteAt(sector(1), 3*512)
			d.WriteAt(sector(2), last*512)
			s1, err := d.SaveState()
			if err != nil {
				t.Fatal(err)
			}
			if s1.Identity.Format != "fat" || s1.Writes.Sectors() != 2 {
				t.Fatalf("the state is a %q disk with %d sectors, want fat and 2", s1.Identity.Format, s1.Writes.Sectors())
			}
			d.WriteAt(sector(3), 3*512)
			d.WriteAt(sector(4), 5*512)
			if err := d.LoadState(s1); err != nil {
				t.Fatal(err)
			}
			for s, want := range map[int64]byte{3: 1, last: 2} {
				if got := readSector(t, d, s); got != want {
					t.Errorf("after LoadState: sector %d reads %d, want %d", s, got, want)
				}
			}
			if got := readSector(t, d, 5); got == 4 {
				t.Error("after LoadState: a write made after the save is still there")
			}
			d.WriteAt(sector(6), 3*512) // the saved state does not change with the disk
			for _, at := range []string{"", "fat:" + dir, dir} {
				other, err := openState(s1, at, Options{})
				if err != nil {
					t.Fatalf("OpenState at %q: %v", at, err)
				}
				for s, want := range map[int64]byte{3: 1, last: 2} {
					if got := readSector(t, other, s); got != want {
						t.Errorf("OpenState at %q: sector %d reads %d, want %d", at, s, got, want)
					}
				}
				other.Close()
			}
			d.LoadState(State{Identity: s1.Identity})
			if got := readSector(t, d, last); got != base {
				t.Errorf("after LoadState of a state without writes: the last sector reads %d, want %d", got, base)
			}
			if _, err := OpenState(s1, t.TempDir(), Options{}); err == nil || !strings.Contains(err.Error(), "not the folder the state was saved over") {
				t.Errorf("OpenState over another folder: %v", err)
			}

			// The folder changes: a file's time, then a new file.
			later := time.Now().Add(time.Minute)
			os.Chtimes(filepath.Join(dir, "a.txt"), later, later)
			if _, err := openState(s1, "", Options{}); err == nil || !strings.Contains(err.Error(), "the folder changed after the state was saved") {
				t.Errorf("OpenState after a file's time changed: %v", err)
			}
			os.Chtimes(filepath.Join(dir, "a.txt"), time.Now(), time.Now())
			os.WriteFile(filepath.Join(dir, "b.txt"), []byte("new\n"), 0o644)
			if _, err := openState(s1, "", Options{}); err == nil || !strings.Contains(err.Error(), "the folder changed after the state was saved") {
				t.Errorf("OpenState after a file was added: %v", err)
			}
			d.Close()
			if b, _ := os.ReadFile(filepath.Join(dir, "a.txt")); string(b) != "host file\n" {
				t.Errorf("the folder's file was written: %q", b)
			}
			if names, _ := os.ReadDir(dir); len(names) != 2 {
				t.Errorf("the folder holds %d entries, want a.txt and b.txt", len(names))
			}
		})
	}
}

// States saved one after another from a fat: disk share the pages of
// written sectors the guest did not write in between (a debugger's
// checkpoints cost what the guest wrote since the last), and a state never
// changes when the guest writes on.
func TestFATDiskStatesShare(t *testing.T) {
	d, err := Open("fat:"+t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.WriteAt(sector(1), 3*512)
	d.WriteAt(sector(2), 100*512)
	s1, _ := d.SaveState()
	d.WriteAt(sector(3), 3*512)
	s2, _ := d.SaveState()
	if s1.Writes.pages[100/pageSectors] != s2.Writes.pages[100/pageSectors] {
		t.Error("a page the guest did not write between two states is not shared")
	}
	if s1.Writes.pages[0] == s2.Writes.pages[0] {
		t.Error("a page the guest wrote between two states is shared")
	}
	b := make([]byte, 512)
	for _, c := range []struct {
		w    *Writes
		want byte
	}{{s1.Writes, 1}, {s2.Writes, 3}} {
		if _, err := c.w.ReadAt(b, 3*512); err != nil || b[0] != c.want {
			t.Errorf("a state's sector 3 reads %d (%v), want %d", b[0], err, c.want)
		}
	}
	// Back to s1, a write, a new state: s1 is as it was.
	if err := d.LoadState(s1); err != nil {
		t.Fatal(err)
	}
	d.WriteAt(sector(4), 3*512)
	s3, _ := d.SaveState()
	if s3.Writes.pages[100/pageSectors] != s1.Writes.pages[100/pageSectors] {
		t.Error("after LoadState, a page the guest did not write is not shared with the state loaded")
	}
	if s1.Writes.ReadAt(b, 3*512); b[0] != 1 {
		t.Errorf("s1's sector 3 reads %d after writes past its load, want 1", b[0])
	}
	if s3.Writes.ReadAt(b, 3*512); b[0] != 4 || s3.Writes.Sectors() != 2 {
		t.Errorf("s3's sector 3 reads %d, %d sectors; want 4 and 2", b[0], s3.Writes.Sectors())
	}
}
