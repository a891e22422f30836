package machine

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"pcemu/bios"
	"pcemu/ide"
)

// floppyImage is a raw diskette image file (-fda, -fdb). The BIOS serves
// floppies itself (this PC has no floppy controller), so the image only has
// to read and write bytes. With a snapshot, or when the file cannot be
// written (a read-only file is a write-protected diskette), writes land in a
// private copy in memory or fail as on a write-protected disk. The file
// stays open, and locked as hard disk images are (ide.LockImage: exclusive
// when written, shared otherwise), until Close.
type floppyImage struct {
	name     string
	f        *os.File // nil once closed
	mem      []byte   // the private copy under -snapshot, else nil
	size     int64    // the file's size at open; writes never extend it
	readOnly bool
}

// ErrWriteProtected is returned for writes to a read-only floppy image.
var ErrWriteProtected = errors.New("diskette is write-protected")

func openFloppy(name string, snapshot bool) (*floppyImage, error) {
	var f *os.File
	var err error
	// A file without write permission is write-protected even for root,
	// as the vhd package does for images.
	readOnly := snapshot || !writable(name)
	if !readOnly {
		f, err = os.OpenFile(name, os.O_RDWR, 0)
		if errors.Is(err, fs.ErrPermission) {
			readOnly = true
		}
	}
	if readOnly {
		f, err = os.Open(name)
	}
	if err != nil {
		return nil, fmt.Errorf("floppy image: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("floppy image: %w", err)
	}
	if !st.Mode().IsRegular() || bios.FloppyDriveType(st.Size()) == 0 {
		f.Close()
		return nil, fmt.Errorf("floppy image %s: size %d bytes is not a standard diskette (360K, 720K, 1.2M, 1.44M, 2.88M)", name, st.Size())
	}
	// Under -snapshot the file is only read, once, but the shared lock is
	// held to the end as for a hard disk's snapshot: no other emulator
	// writes the image while this one runs from it.
	if err := ide.LockImage(f, readOnly); err != nil {
		f.Close()
		return nil, fmt.Errorf("floppy image %s: %w", name, err)
	}
	img := &floppyImage{name: name, f: f, size: st.Size(), readOnly: readOnly}
	if snapshot {
		img.mem = make([]byte, st.Size())
		if _, err := f.ReadAt(img.mem, 0); err != nil {
			f.Close()
			return nil, fmt.Errorf("floppy image %s: %w", name, err)
		}
		img.readOnly = false
	}
	return img, nil
}

// writable reports whether name has a write permission bit.
func writable(name string) bool {
	st, err := os.Stat(name)
	return err != nil || st.Mode().Perm()&0o222 != 0
}

func (d *floppyImage) Size() int64 {
	if d.mem != nil {
		return int64(len(d.mem))
	}
	if d.f == nil {
		return 0
	}
	return d.size
}

func (d *floppyImage) ReadAt(p []byte, off int64) (int, error) {
	if d.mem == nil {
		if d.f == nil {
			return 0, fmt.Errorf("floppy image %s: %w", d.name, os.ErrClosed)
		}
		return d.f.ReadAt(p, off)
	}
	if off < 0 || off >= int64(len(d.mem)) {
		return 0, io.EOF
	}
	n := copy(p, d.mem[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (d *floppyImage) WriteAt(p []byte, off int64) (int, error) {
	if d.readOnly {
		return 0, fmt.Errorf("floppy image %s: %w", d.name, ErrWriteProtected)
	}
	if d.mem == nil {
		if d.f == nil {
			return 0, fmt.Errorf("floppy image %s: %w", d.name, os.ErrClosed)
		}
		if off+int64(len(p)) > d.Size() {
			return 0, fmt.Errorf("floppy image %s: write past the end of the diskette", d.name)
		}
		return d.f.WriteAt(p, off)
	}
	if off < 0 || off+int64(len(p)) > int64(len(d.mem)) {
		return 0, fmt.Errorf("floppy image %s: write past the end of the diskette", d.name)
	}
	return copy(d.mem[off:], p), nil
}

// Close flushes the image to stable storage and closes it.
func (d *floppyImage) Close() error {
	if d.f == nil {
		return nil
	}
	f := d.f
	d.f = nil
	var err error
	if !d.readOnly && d.mem == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
