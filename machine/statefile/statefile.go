// Package statefile reads and writes machine states (machine.State) as
// files, in the manner of debug/elf: a header, then one section per part
// of the machine, each named, with the hash of its layout, its length and a
// CRC-32C, decoded with checks that name the section and field they
// refuse. docs/STATEFILE.md describes the format; Describe gives the
// sections' fields as this program writes them.
//
// A state file never holds a disk image. Each disk is recorded by its
// image's identity (disk.Identity: path, size, modification time, a VHD's
// unique id) and the guest's writes since the image, which are kept in
// the state file itself, in a section of their own, and read from it
// lazily while the machine runs: Open keeps the file open until Close.
package statefile

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"

	"pcemu/disk"
	"pcemu/ide"
	"pcemu/machine"
)

// Version is the version of the format this package writes and reads. A
// change to the sections or to the shape of any part's state is a new
// version (TestLayoutIsVersioned fails until the version and the
// documented layout agree).
const Version = 1

// Magic opens every state file: "PCEMU STATE", CR LF, ^Z, LF, NUL (as
// PNG's, it shows a file mangled by a text-mode transfer).
var Magic = [16]byte{'P', 'C', 'E', 'M', 'U', ' ', 'S', 'T', 'A', 'T', 'E', '\r', '\n', 0x1A, '\n', 0}

// Sizes of the fixed parts.
const (
	headerSize        = 24 // magic, version, section count
	sectionHeaderSize = 32 // name, layout hash, length
	crcSize           = 4
	nameSize          = 16
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrFormat: the file is not a state file this program can read.
var ErrFormat = errors.New("not a usable pcemu state file")

// FormatError is a refused state file: which file, which section and what.
type FormatError struct {
	File    string
	Section string // "" for the header
	Reason  string
}

func (e *FormatError) Error() string {
	where := "header"
	if e.Section != "" {
		where = "section " + e.Section
	}
	return fmt.Sprintf("state file %s: %s: %s", e.File, where, e.Reason)
}

func (e *FormatError) Is(target error) bool { return target == ErrFormat }

// A section of the file, in the order they are written: the fields of
// machine.State (sections), then the disks (diskSections).
type section struct {
	name  string
	field int // index in machine.State
}

var (
	stateType    = reflect.TypeFor[machine.State]()
	sections     []section
	diskSections = []string{"HardDisk0", "HardDisk1", "HardDisk2", "HardDisk3", "Floppy0", "Floppy1"}
	diskHeader   = reflect.TypeFor[diskSection]()
)

// diskSection is a disk section's value. In the section it comes after
// its own length (uint64) and before the sectors of Runs, one after the
// other.
type diskSection struct {
	Present  bool
	Identity disk.Identity
	Runs     []disk.Run
}

func init() {
	for _, f := range exported(stateType) {
		if f.Name == "HardDisks" || f.Name == "Floppies" {
			continue
		}
		sections = append(sections, section{f.Name, f.Index[0]})
		layout(f.Type) // a part whose state cannot be encoded fails every test at once
	}
}

// Write writes s as a state file to w. The disks' writes are read from
// s's disks (from memory, or from the state file they came from).
func Write(w io.Writer, s *machine.State) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var hdr [headerSize]byte
	copy(hdr[:], Magic[:])
	binary.LittleEndian.PutUint32(hdr[16:], Version)
	binary.LittleEndian.PutUint32(hdr[20:], uint32(len(sections)+len(diskSections)))
	bw.Write(hdr[:])
	v := reflect.ValueOf(s).Elem()
	for _, sec := range sections {
		f := v.Field(sec.field)
		payload := encode(nil, f)
		writeSection(bw, sec.name, layoutHash(f.Type()), payload, 0, nil)
	}
	for i, name := range diskSections {
		ds := &s.HardDisks[i%4]
		if i >= 4 {
			ds = &s.Floppies[i-4]
		}
		sec := diskSection{Present: ds.Identity.Format != "", Identity: ds.Identity, Runs: ds.Writes.Runs()}
		head := encode(nil, reflect.ValueOf(sec))
		payload := binary.LittleEndian.AppendUint64(nil, uint64(len(head)))
		payload = append(payload, head...)
		if err := writeSection(bw, name, layoutHash(diskHeader), payload, ds.Writes.Sectors()*ide.SectorSize, func(h io.Writer) error {
			return writeSectors(h, ds.Writes, sec.Runs)
		}); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return bw.Flush()
}

// writeSection writes a section's header, payload and, from more (when
// not nil), the extra bytes that follow the payload in the section; the
// CRC covers both.
func writeSection(w io.Writer, name string, layout [8]byte, payload []byte, extra int64, more func(io.Writer) error) error {
	var h [sectionHeaderSize]byte
	copy(h[:nameSize], name)
	copy(h[nameSize:], layout[:])
	binary.LittleEndian.PutUint64(h[nameSize+8:], uint64(len(payload))+uint64(extra))
	w.Write(h[:])
	crc := crc32.New(castagnoli)
	mw := io.MultiWriter(w, crc)
	mw.Write(payload)
	if more != nil {
		if err := more(mw); err != nil {
			return err
		}
	}
	_, err := w.Write(binary.LittleEndian.AppendUint32(nil, crc.Sum32()))
	return err
}

// writeSectors writes the sectors of runs, read from w.
func writeSectors(out io.Writer, w *disk.Writes, runs []disk.Run) error {
	buf := make([]byte, 64*ide.SectorSize)
	for _, r := range runs {
		for s := r.Sector; s < r.Sector+r.Count; {
			n := min(r.Count-(s-r.Sector), int64(len(buf)/ide.SectorSize))
			p := buf[:n*ide.SectorSize]
			if _, err := w.ReadAt(p, s*ide.SectorSize); err != nil {
				return err
			}
			if _, err := out.Write(p); err != nil {
				return err
			}
			s += n
		}
	}
	return nil
}

// Save writes s to the file path, as a whole or not at all: it is written
// beside it under a temporary name and renamed into place. An existing
// file is replaced only if it is a state file itself; anything else at
// path is refused, never overwritten.
func Save(path string, s *machine.State) error {
	if err := replaceable(path); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".incomplete-*")
	if err != nil {
		return fmt.Errorf("state file %s: %w", path, err)
	}
	tmp := f.Name()
	err = Write(f, s)
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = f.Chmod(0o644) // as a file made by os.Create would be, not CreateTemp's 0600
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("state file %s: %w", path, err)
	}
	return nil
}

// CheckSave reports, before a machine runs, why Save could not write a
// state to path: its folder does not exist, or a file that is not a state
// file is there.
func CheckSave(path string) error {
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
		return fmt.Errorf("%s: the folder %s does not exist", path, filepath.Dir(path))
	}
	return replaceable(path)
}

// replaceable refuses to write over path unless it is absent or a state
// file.
func replaceable(path string) error {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("state file %s: %w", path, err)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("state file %s: exists and is not a regular file; not overwritten", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("state file %s: %w", path, err)
	}
	defer f.Close()
	var m [len(Magic)]byte
	if _, err := io.ReadFull(f, m[:]); err != nil || m != Magic {
		return fmt.Errorf("state file %s: a file that is not a pcemu state file is there; not overwritten", path)
	}
	return nil
}

// File is an open state file: its state, whose disks read their saved
// writes from the file until Close.
type File struct {
	State *machine.State
	f     *os.File
}

// Close closes the file. Machines restored from its state must be closed
// first.
func (f *File) Close() error { return f.f.Close() }

// Open reads the state file at path. It is refused, with a FormatError
// naming the section and field, if it is not a state file, is of another
// version, was written by a program whose state has another layout, is
// truncated or corrupt. (Whether its disks' images are still those it
// was saved over is checked when a machine is restored from it.)
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("state file: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("state file %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, &FormatError{path, "", "not a regular file"}
	}
	s, err := Decode(f, fi.Size(), path)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &File{State: s, f: f}, nil
}

// Decode reads a state file of size bytes from r; name is for messages.
// The disks' writes are read from r while they are used.
func Decode(r io.ReaderAt, size int64, name string) (*machine.State, error) {
	bad := func(sec, format string, args ...any) error {
		return &FormatError{name, sec, fmt.Sprintf(format, args...)}
	}
	var hdr [headerSize]byte
	if n, _ := r.ReadAt(hdr[:], 0); n < headerSize {
		return nil, bad("", "%d bytes: too short for a state file", n)
	}
	if [16]byte(hdr[:16]) != Magic {
		return nil, bad("", "no state file magic (%q): not a pcemu state file", hdr[:16])
	}
	if v := binary.LittleEndian.Uint32(hdr[16:]); v != Version {
		return nil, bad("", "format version %d; this pcemu reads version %d (save the state again with this pcemu)", v, Version)
	}
	if n := binary.LittleEndian.Uint32(hdr[20:]); n != uint32(len(sections)+len(diskSections)) {
		return nil, bad("", "%d sections; version %d has %d", n, Version, len(sections)+len(diskSections))
	}
	s := new(machine.State)
	v := reflect.ValueOf(s).Elem()
	off := int64(headerSize)
	// next reads the header of the section expected next, checks its
	// name, layout, length and CRC, and returns where its payload is.
	next := func(want string, t reflect.Type) (start, length int64, err error) {
		var h [sectionHeaderSize]byte
		if n, _ := r.ReadAt(h[:], off); n < sectionHeaderSize {
			return 0, 0, bad(want, "the file ends at byte %d, before the section (truncated)", off+int64(n))
		}
		got := string(bytes.TrimRight(h[:nameSize], "\x00"))
		if got != want {
			return 0, 0, bad(want, "found section %q at byte %d instead", got, off)
		}
		if [8]byte(h[nameSize:nameSize+8]) != layoutHash(t) {
			return 0, 0, bad(want, "its layout differs from this pcemu's (written by another version)")
		}
		length = int64(binary.LittleEndian.Uint64(h[nameSize+8:]))
		start = off + sectionHeaderSize
		if length < 0 || length > size-start-crcSize {
			return 0, 0, bad(want, "%d bytes long, but the file has %d left (truncated)", length, max(size-start-crcSize, 0))
		}
		crc := crc32.New(castagnoli)
		if _, err := io.Copy(crc, io.NewSectionReader(r, start, length)); err != nil {
			return 0, 0, bad(want, "%v", err)
		}
		var c [crcSize]byte
		if _, err := r.ReadAt(c[:], start+length); err != nil {
			return 0, 0, bad(want, "%v", err)
		}
		if binary.LittleEndian.Uint32(c[:]) != crc.Sum32() {
			return 0, 0, bad(want, "its CRC does not match its contents: the file is corrupt")
		}
		off = start + length + crcSize
		return start, length, nil
	}
	for _, sec := range sections {
		f := v.Field(sec.field)
		start, length, err := next(sec.name, f.Type())
		if err != nil {
			return nil, err
		}
		payload := make([]byte, length)
		if _, err := r.ReadAt(payload, start); err != nil {
			return nil, bad(sec.name, "%v", err)
		}
		d := &decoder{b: payload}
		d.decode(f)
		if d.err == nil && len(d.b) != 0 {
			d.err = fmt.Errorf("%d bytes left over after the value", len(d.b))
		}
		if d.err != nil {
			return nil, bad(sec.name, "%v", d.err)
		}
	}
	for i, name := range diskSections {
		start, length, err := next(name, diskHeader)
		if err != nil {
			return nil, err
		}
		var n [8]byte
		if _, err := r.ReadAt(n[:], start); err != nil || length < 8 {
			return nil, bad(name, "too short for its header's length")
		}
		headLen := binary.LittleEndian.Uint64(n[:])
		if headLen > uint64(length-8) {
			return nil, bad(name, "its header of %d bytes does not fit in its %d bytes", headLen, length)
		}
		head := make([]byte, headLen)
		if _, err := r.ReadAt(head, start+8); err != nil {
			return nil, bad(name, "%v", err)
		}
		var ds diskSection
		d := &decoder{b: head}
		d.decode(reflect.ValueOf(&ds).Elem())
		if d.err == nil && len(d.b) != 0 {
			d.err = fmt.Errorf("%d bytes left over after the header", len(d.b))
		}
		if d.err != nil {
			return nil, bad(name, "%v", d.err)
		}
		dataAt := start + 8 + int64(headLen)
		room := (start + length - dataAt) / ide.SectorSize
		var sectors int64
		for j, r := range ds.Runs {
			if r.Count <= 0 || r.Count > room-sectors {
				return nil, bad(name, "field Runs[%d]: %d sectors do not fit in the section", j, r.Count)
			}
			sectors += r.Count
		}
		if dataAt+sectors*ide.SectorSize != start+length {
			return nil, bad(name, "its runs hold %d sectors, the section has %d bytes after them", sectors, start+length-dataAt)
		}
		st := &s.HardDisks[i%4]
		if i >= 4 {
			st = &s.Floppies[i-4]
		}
		if !ds.Present {
			if len(ds.Runs) != 0 || ds.Identity != (disk.Identity{}) {
				return nil, bad(name, "no disk, yet an identity or writes")
			}
			continue
		}
		if ds.Identity.Format == "" {
			return nil, bad(name, "field Identity.Format: empty for a disk")
		}
		// The disk's size is known when it is opened (disk.OpenState
		// checks the writes against it); here, only their order.
		w, err := disk.ReadWrites(ds.Runs, r, dataAt, math.MaxInt64&^(ide.SectorSize-1))
		if err != nil {
			return nil, bad(name, "field Runs: %v", err)
		}
		st.Identity, st.Writes = ds.Identity, w
	}
	if off != size {
		return nil, bad("", "%d bytes after the last section", size-off)
	}
	return s, nil
}
