package statefile

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/statetest"
	"pcemu/machine"
	"pcemu/testroms"
)

// program boots a test program (bios_disk: it writes to its hard disk and
// its diskette) from images in a temporary folder under -snapshot, and
// runs it for d of virtual time.
func program(t *testing.T, d time.Duration) (*machine.Machine, string, string) {
	t.Helper()
	prog, err := testroms.Binary("bios_disk")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	hd, fd := filepath.Join(dir, "hd.vhd"), filepath.Join(dir, "fd.img")
	if err := testroms.WriteHardDisk(hd, prog); err != nil {
		t.Fatal(err)
	}
	if err := testroms.WriteFloppy(fd); err != nil {
		t.Fatal(err)
	}
	m, err := machine.New(machine.Config{Model: cpu.Model80286, HardDisks: [4]string{hd}, Floppies: [2]string{fd}, Snapshot: true, NoReboot: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if _, err := m.RunFor(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return m, hd, fd
}

func save(t *testing.T, m *machine.Machine) string {
	t.Helper()
	s, err := m.Save()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.state")
	if err := Save(path, s); err != nil {
		t.Fatal(err)
	}
	return path
}

// A state written to a file and read back makes a machine equal to the
// one saved, field by field, which runs on to the same end; the disks'
// writes come from the file; the images are never written.
func TestRoundTrip(t *testing.T) {
	m, hd, fd := program(t, 30*time.Millisecond)
	before := stamps(t, hd, fd)
	path := save(t, m)
	s, err := m.Save()
	if err != nil {
		t.Fatal(err)
	}
	if s.HardDisks[0].Writes.Sectors() == 0 || s.Floppies[0].Identity.Format != "raw" {
		t.Fatalf("the program wrote %d sectors to the hard disk by then, the diskette is %q; the test needs writes and a diskette",
			s.HardDisks[0].Writes.Sectors(), s.Floppies[0].Identity.Format)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := machine.Restore(f.State, machine.Config{NoReboot: true}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if diffs := statetest.Machines(m, r); len(diffs) > 0 {
		t.Fatalf("the machine from the file differs:\n%s", strings.Join(diffs, "\n"))
	}
	for _, x := range []*machine.Machine{m, r} {
		if reason, _ := x.RunFor(context.Background(), 60*time.Second); reason != machine.ExitPort {
			t.Fatalf("stopped by %v", reason)
		}
	}
	if dm, dr := m.Digest(), r.Digest(); dm != dr {
		t.Errorf("digests: %v, from the file %v", dm, dr)
	}
	if m.DebugOutput() != r.DebugOutput() || m.ExitStatus() != r.ExitStatus() {
		t.Errorf("the machine from the file ended otherwise:\n%s", r.DebugOutput())
	}
	if after := stamps(t, hd, fd); after != before {
		t.Errorf("the images changed: %v, before %v", after, before)
	}
}

// stamps are the images' sizes, times and contents' hashes.
func stamps(t *testing.T, paths ...string) string {
	var b strings.Builder
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(p)
		fmt.Fprintf(&b, "%v %d %08x; ", fi.ModTime(), len(data), crc32.ChecksumIEEE(data))
	}
	return b.String()
}

// Every way a state file can be wrong is refused with the section (and
// field) and the reason, never a panic: not a state file, another version,
// truncated anywhere, a byte changed anywhere, a field out of range in a
// section whose CRC was made to match.
func TestRefusals(t *testing.T) {
	m, _, _ := program(t, 20*time.Millisecond)
	path := save(t, m)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	decode := func(b []byte) error {
		_, err := Decode(bytes.NewReader(b), int64(len(b)), "x.state")
		return err
	}
	if err := decode(good); err != nil {
		t.Fatal(err)
	}
	expect := func(what string, b []byte, want ...string) {
		t.Helper()
		err := decode(b)
		if err == nil {
			t.Errorf("%s: accepted", what)
			return
		}
		if !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v is not ErrFormat", what, err)
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not say %q", what, err, w)
			}
		}
	}
	expect("empty", nil, "too short")
	expect("text", []byte("hello, this is not a state file at all"), "not a pcemu state file")
	other := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(other[16:], Version+1)
	expect("another version", other, "version 2", "reads version 1")

	// The sections' boundaries, and a spread of other places.
	cuts := []int{headerSize, headerSize + 5, len(good) - 1, len(good) - crcSize}
	for off := headerSize; off < len(good); {
		cuts = append(cuts, off, off+sectionHeaderSize+1)
		off += sectionHeaderSize + int(binary.LittleEndian.Uint64(good[off+nameSize+8:])) + crcSize
	}
	for i := 0; i < 200; i++ {
		cuts = append(cuts, headerSize+(i*7919)%(len(good)-headerSize))
	}
	for _, n := range cuts {
		if n >= len(good) {
			continue
		}
		expect("truncated", good[:n], "truncated")
	}
	for i := 0; i < 300; i++ {
		b := append([]byte(nil), good...)
		at := headerSize + (i*104729)%(len(b)-headerSize)
		b[at] ^= 0x40
		if err := decode(b); err == nil {
			t.Errorf("a byte changed at %d: accepted", at)
		} else if !errors.Is(err, ErrFormat) {
			t.Errorf("a byte changed at %d: %v", at, err)
		}
	}
	// A section that is well formed but says what no PIC can be: the
	// decoder takes it (its CRC matches); the PIC refuses it by name.
	b := withSection(t, good, "PIT", func(p []byte) { p[0] = 9 }) // Channels[0].ModeBits
	s, err := Decode(bytes.NewReader(b), int64(len(b)), "x.state")
	if err != nil {
		t.Fatalf("a PIT mode 9 is not the file's to refuse: %v", err)
	}
	if _, err := machine.Restore(s, machine.Config{}, true); err == nil || !strings.Contains(err.Error(), "ModeBits") {
		t.Errorf("restoring a PIT in mode 9: %v, want the field named", err)
	}
	b = withSection(t, good, "CPU", func(p []byte) { p[8+16+8+2+2+8] = 7 }) // INTR, after Model, Regs, Segs, IP, Flags, Instructions
	expect("a bool of 7", b, "section CPU", "field INTR", "not a boolean")
}

// withSection returns a copy of file with section name's payload changed by
// f and its CRC made to match.
func withSection(t *testing.T, file []byte, name string, f func([]byte)) []byte {
	t.Helper()
	b := append([]byte(nil), file...)
	for off := headerSize; off < len(b); {
		n := int(binary.LittleEndian.Uint64(b[off+nameSize+8:]))
		start := off + sectionHeaderSize
		if string(bytes.TrimRight(b[off:off+nameSize], "\x00")) == name {
			f(b[start : start+n])
			binary.LittleEndian.PutUint32(b[start+n:], crc32.Checksum(b[start:start+n], castagnoli))
			return b
		}
		off = start + n + crcSize
	}
	t.Fatalf("no section %s", name)
	return nil
}

// A state whose image was written after the save is refused when a
// machine is restored from it, naming the image; the image is not written
// by the attempt.
func TestImageChangedAfterSave(t *testing.T) {
	m, hd, _ := program(t, 20*time.Millisecond)
	path := save(t, m)
	m.Close()
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// Written: the same bytes, but the time moves on.
	data, err := os.ReadFile(hd)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(10 * time.Millisecond)
	if err := os.WriteFile(hd, data, 0o644); err != nil {
		t.Fatal(err)
	}
	before := stamps(t, hd)
	_, err = machine.Restore(f.State, machine.Config{}, false)
	if err == nil || !strings.Contains(err.Error(), "modified after the state was saved") || !strings.Contains(err.Error(), "hd.vhd") {
		t.Errorf("restoring over a changed image: %v", err)
	}
	if stamps(t, hd) != before {
		t.Error("the refused restore changed the image")
	}
}
