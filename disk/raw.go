package disk

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"pcemu/ide"
	"pcemu/vhd"
)

// rawFile is a flat image: sector n at byte n*512.
type rawFile struct {
	f        *os.File
	readOnly bool
}

func (r *rawFile) ReadAt(p []byte, off int64) (int, error)  { return r.f.ReadAt(p, off) }
func (r *rawFile) WriteAt(p []byte, off int64) (int, error) { return r.f.WriteAt(p, off) }
func (r *rawFile) Close() error                             { return r.f.Close() }

// Flush syncs what was written to stable storage.
func (r *rawFile) Flush() error {
	if r.readOnly {
		return nil
	}
	return r.f.Sync()
}

// openRawFile opens and locks a raw image file (or a diskette) for o and
// returns it with the file's size.
func openRawFile(d *Disk, name string, o *Options) (*rawFile, int64, error) {
	f, size, ro, err := vhd.OpenImage(name, o.ReadOnly || o.Snapshot)
	if err != nil {
		return nil, 0, fileError(err)
	}
	if size < ide.SectorSize {
		f.Close()
		return nil, 0, fmt.Errorf("%s: %d bytes is smaller than one %d-byte sector", name, size, ide.SectorSize)
	}
	if ro && !o.ReadOnly && !o.Snapshot {
		d.warnings = append(d.warnings, readOnlyWarning(name))
	}
	d.readOnly = ro && !o.Snapshot
	return &rawFile{f: f, readOnly: ro}, size, nil
}

// openRaw opens a raw hard disk image; under -snapshot the guest's writes
// go to an overlay file.
func openRaw(d *Disk, name string, o *Options) error {
	r, size, err := openRawFile(d, name, o)
	if err != nil {
		return err
	}
	// A trailing partial sector cannot be addressed.
	size &^= ide.SectorSize - 1
	d.size = size
	d.geo = ATAGeometry(vhd.Geometry{}, size)
	d.m = r
	d.path, d.format = name, "raw"
	if d.ident, err = fileIdentity(d.name, name, "raw", [16]byte{}); err != nil {
		r.Close()
		return fmt.Errorf("%s: %w", name, err)
	}
	if o.Snapshot {
		if err := d.layer(r, o); err != nil {
			r.Close()
			return fmt.Errorf("%s: -snapshot: %w", name, err)
		}
	}
	return nil
}

// layer keeps the guest's writes away from the image base (-snapshot): in
// a temporary file, or in memory with o.MemoryWrites.
func (d *Disk) layer(base medium, o *Options) error {
	var live store = newMemStore(nil)
	if !o.MemoryWrites {
		fs, err := newFileStore(d.size)
		if err != nil {
			return err
		}
		live = fs
	}
	d.lay = &layered{base: base, live: live, size: d.size}
	d.m = d.lay
	return nil
}

// fileError drops package vhd's "vhd: " from an error about a file that
// is not a VHD (a raw image, a diskette): "NAME: reason". errors.Is and As
// still see the error.
func fileError(err error) error {
	var pe *vhd.PathError
	if !errors.As(err, &pe) {
		return err
	}
	return plainError{err}
}

type plainError struct{ err error }

func (e plainError) Error() string { return strings.TrimPrefix(e.err.Error(), "vhd: ") }
func (e plainError) Unwrap() error { return e.err }
