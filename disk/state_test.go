package disk

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pcemu/vhd"
)

func sector(b byte) []byte { return bytes.Repeat([]byte{b}, 512) }

func readSector(t *testing.T, d *Disk, s int64) byte {
	t.Helper()
	p := make([]byte, 512)
	if _, err := d.ReadAt(p, s*512); err != nil {
		t.Fatal(err)
	}
	return p[0]
}

// For each kind of disk whose writes are kept apart (a raw and a VHD image
// under -snapshot, with the writes in a file or in memory, a diskette, an
// in-memory disk), a saved state holds the writes so far; the disk goes
// on, and LoadState brings it back; OpenState opens another disk in that
// state; the image is never written.
func TestDiskStates(t *testing.T) {
	dir := t.TempDir()
	raw := filepath.Join(dir, "d.img")
	if err := os.WriteFile(raw, bytes.Repeat([]byte{0xEE}, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	vhdName := filepath.Join(dir, "d.vhd")
	v, err := vhd.Create(vhdName, vhd.CreateOptions{Size: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	floppy := filepath.Join(dir, "f.img")
	if err := os.WriteFile(floppy, make([]byte, 1474560), 0o644); err != nil {
		t.Fatal(err)
	}
	open := map[string]func() (*Disk, error){
		"raw":        func() (*Disk, error) { return Open(raw, Options{Snapshot: true}) },
		"raw-memory": func() (*Disk, error) { return Open(raw, Options{Snapshot: true, MemoryWrites: true}) },
		"vhd":        func() (*Disk, error) { return Open(vhdName, Options{Snapshot: true}) },
		"floppy":     func() (*Disk, error) { return OpenFloppy(floppy, Options{Snapshot: true}) },
		"memory":     func() (*Disk, error) { return NewMem("mem", 1<<20, []byte{1, 2, 3}) },
	}
	for name, o := range open {
		t.Run(name, func(t *testing.T) {
			images := []string{raw, vhdName, floppy}
			before := make([][]byte, len(images))
			for i, p := range images {
				before[i], _ = os.ReadFile(p)
			}
			d, err := o()
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			base := readSector(t, d, 9)
			d.WriteAt(sector(1), 3*512)
			d.WriteAt(append(sector(2), sector(2)...), 8*512) // sectors 8 and 9: two pages
			s1, err := d.SaveState()
			if err != nil {
				t.Fatal(err)
			}
			if n := s1.Writes.Sectors(); n != 3 {
				t.Fatalf("the state holds %d sectors, want 3", n)
			}
			d.WriteAt(sector(3), 3*512)
			d.WriteAt(sector(4), 20*512)
			s2, err := d.SaveState()
			if err != nil {
				t.Fatal(err)
			}
			if got := readSector(t, d, 3); got != 3 {
				t.Fatalf("sector 3 reads %d after the second write", got)
			}
			// Back to the first state: the later writes are gone.
			if err := d.LoadState(s1); err != nil {
				t.Fatal(err)
			}
			for s, want := range map[int64]byte{3: 1, 8: 2, 9: 2, 20: readSector(t, d, 21), 5: base} {
				if got := readSector(t, d, s); got != want {
					t.Errorf("after LoadState: sector %d reads %d, want %d", s, got, want)
				}
			}
			// The saved states did not change with the disk.
			d.WriteAt(sector(5), 8*512)
			if got := readSector(t, d, 8); got != 5 {
				t.Errorf("a write after LoadState reads back %d", got)
			}
			other, err := OpenState(s2, "", Options{MemoryWrites: name == "raw-memory"})
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			for s, want := range map[int64]byte{3: 3, 8: 2, 9: 2, 20: 4} {
				if got := readSector(t, other, s); got != want {
					t.Errorf("OpenState: sector %d reads %d, want %d", s, got, want)
				}
			}
			if err := d.LoadState(s2); err != nil {
				t.Fatal(err)
			}
			if got := readSector(t, d, 8); got != 2 {
				t.Errorf("after LoadState(s2): sector 8 reads %d, want 2", got)
			}
			for i, p := range images {
				if after, _ := os.ReadFile(p); !bytes.Equal(after, before[i]) {
					t.Errorf("%s was written", p)
				}
			}
		})
	}
}

// A disk written in place saves its image's identity; once the image is
// written again, neither LoadState nor OpenState takes the state.
func TestDiskStateInPlace(t *testing.T) {
	raw := filepath.Join(t.TempDir(), "d.img")
	if err := os.WriteFile(raw, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := Open(raw, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d.WriteAt(sector(1), 0)
	s, err := d.SaveState()
	if err != nil {
		t.Fatal(err)
	}
	if s.Writes != nil {
		t.Error("a disk written in place saved writes")
	}
	if err := d.LoadState(s); err != nil {
		t.Errorf("LoadState with the image unchanged: %v", err)
	}
	time.Sleep(20 * time.Millisecond)
	d.WriteAt(sector(2), 0)
	d.Flush()
	if err := d.LoadState(s); err == nil || !strings.Contains(err.Error(), "modified after the state was saved") {
		t.Errorf("LoadState after a write: %v", err)
	}
	d.Close()
	if _, err := OpenState(s, "", Options{}); err == nil || !strings.Contains(err.Error(), "modified after the state was saved") {
		t.Errorf("OpenState after a write: %v", err)
	}
}
