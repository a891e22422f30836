package disk

import (
	"errors"
	"fmt"
	"io"
	"syscall"

	"pcemu/ide"
	"pcemu/vhd"
)

// Sentinel errors, testable with errors.Is. They are package vhd's, so
// that one test covers every kind of image.
var (
	// ErrInUse: another program (or another drive of this one) has the
	// image open in a way that conflicts with this open.
	ErrInUse = vhd.ErrInUse
	// ErrReadOnly: a write to a read-only or write-protected image.
	ErrReadOnly = vhd.ErrReadOnly
)

// medium is what a backend stores the disk in: a file, a VHD chain, an
// overlay, memory. Its size is fixed when it is opened.
type medium interface {
	io.ReaderAt
	io.WriterAt
	Flush() error
	Close() error
}

// Disk is an open image: an ide.Drive (and a diskette for the BIOS) that
// reports host I/O errors and closes. ReadAt and WriteAt are called from
// one goroutine at a time (the machine's).
type Disk struct {
	name     string // as the user gave it
	m        medium
	size     int64
	geo      ide.Geometry
	readOnly bool
	warnings []string
	closers  []func() error // after m.Close, last first

	snapshot bool // the guest's writes go to a temporary file

	// For machine states (state.go): the image under the disk, the
	// layers over it when the guest's writes do not reach it, and what
	// kind of image it is.
	ident    Identity
	path     string // the image file
	format   string // "raw", "vhd", "memory"
	lay      *layered
	memBase  []byte  // an in-memory disk's contents
	fat      bool    // a fat: folder
	fatSaved *Writes // its writes as of the last state saved or loaded (fat.go)

	report func(string)
	shown  map[any]bool // kinds of host error already reported
	errors int          // host errors in all
	closed bool
}

// Name is the image's name as given to Open.
func (d *Disk) Name() string { return d.name }

// Size is the capacity in bytes, a whole number of sectors.
func (d *Disk) Size() int64 { return d.size }

// Geometry is the default CHS translation the drive reports (ATAGeometry).
func (d *Disk) Geometry() ide.Geometry { return d.geo }

// ReadOnly reports whether the guest's writes fail.
func (d *Disk) ReadOnly() bool { return d.readOnly }

// WritesInPlace reports whether the guest's writes go to the image file
// itself (no -snapshot, not a fat: folder): a machine state then holds no
// writes of this disk and can be loaded only as long as the image has not
// been written since it was saved (LoadState).
func (d *Disk) WritesInPlace() bool { return !d.fat && d.lay == nil && !d.readOnly }

// Warnings are what the user should know about the image that did not
// stop it from opening: it could only be opened for reading, a damaged
// footer copy, a child that writing it would spoil.
func (d *Disk) Warnings() []string { return append([]string(nil), d.warnings...) }

// ReadAt reads from the image.
func (d *Disk) ReadAt(p []byte, off int64) (int, error) {
	n, err := d.m.ReadAt(p, off)
	if err != nil && !(err == io.EOF && n == len(p)) {
		d.hostError("read", off, err)
	}
	return n, err
}

// WriteAt writes to the image (or, under -snapshot, to its overlay).
func (d *Disk) WriteAt(p []byte, off int64) (int, error) {
	if d.readOnly {
		return 0, fmt.Errorf("%s: %w", d.name, ErrReadOnly)
	}
	n, err := d.m.WriteAt(p, off)
	if err != nil {
		d.hostError("write", off, err)
	}
	return n, err
}

// Flush makes the guest's writes durable (FLUSH CACHE, and before Close).
func (d *Disk) Flush() error {
	err := d.m.Flush()
	if err != nil {
		d.hostError("flush", -1, err)
	}
	return err
}

// Close flushes the image and closes it, releasing its lock. A second
// Close does nothing.
func (d *Disk) Close() error {
	if d.closed {
		return nil
	}
	d.closed = true
	err := d.m.Flush()
	if cerr := d.m.Close(); err == nil {
		err = cerr
	}
	for i := len(d.closers) - 1; i >= 0; i-- {
		if cerr := d.closers[i](); err == nil {
			err = cerr
		}
	}
	if d.errors > len(d.shown) && d.report != nil {
		d.report(fmt.Sprintf("%s: %d host I/O errors in all", d.name, d.errors))
	}
	return err
}

// hostError tells the user, through Options.Report, of an error the host
// gave while the machine used the image: the first of each kind (ENOSPC,
// EIO, ...), once per image; the guest sees its disk error in any case.
func (d *Disk) hostError(op string, off int64, err error) {
	if errors.Is(err, ErrReadOnly) {
		return // the guest's doing, not the host's
	}
	d.errors++
	var kind any = err.Error()
	var errno syscall.Errno
	if errors.As(err, &errno) {
		kind, err = errno, errno
	}
	if d.report == nil || d.shown[kind] {
		return
	}
	if d.shown == nil {
		d.shown = map[any]bool{}
	}
	d.shown[kind] = true
	at := ""
	if off >= 0 {
		at = fmt.Sprintf(" at sector %d", off/ide.SectorSize)
	}
	where := d.name
	if d.snapshot && op == "write" {
		where += " (-snapshot's temporary file in " + snapshotDir() + ")"
	}
	d.report(fmt.Sprintf("%s: %s%s: %v (the guest sees a disk error; more errors of this kind on this image are not shown)", where, op, at, err))
}
