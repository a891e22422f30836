package machine

import (
	"fmt"
	"io"

	"pcemu/ide"
)

// MemDrive is a hard disk held in memory (the built-in demo disk and its
// scratch disk, tests). It implements ide.Drive; its contents vanish with
// the process.
type MemDrive struct {
	data     []byte
	readOnly bool
}

// NewMemDrive returns a blank drive of size bytes (rounded down to whole
// sectors) holding a copy of initial at its start.
func NewMemDrive(size int64, initial []byte) (*MemDrive, error) {
	size -= size % ide.SectorSize
	if size <= 0 || int64(len(initial)) > size {
		return nil, fmt.Errorf("memory drive: %d bytes cannot hold %d bytes of contents", size, len(initial))
	}
	d := &MemDrive{data: make([]byte, size)}
	copy(d.data, initial)
	return d, nil
}

func (d *MemDrive) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off >= int64(len(d.data)) {
		return 0, io.EOF
	}
	n := copy(p, d.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (d *MemDrive) WriteAt(p []byte, off int64) (int, error) {
	if d.readOnly {
		return 0, fmt.Errorf("memory drive is read-only")
	}
	if off < 0 || off+int64(len(p)) > int64(len(d.data)) {
		return 0, fmt.Errorf("memory drive: write of %d bytes at %d is past the end (%d bytes)", len(p), off, len(d.data))
	}
	return copy(d.data[off:], p), nil
}

func (d *MemDrive) Size() int64            { return int64(len(d.data)) }
func (d *MemDrive) ReadOnly() bool         { return d.readOnly }
func (d *MemDrive) Flush() error           { return nil }
func (d *MemDrive) Geometry() ide.Geometry { return ide.GeometryFor(d.Size() / ide.SectorSize) }

// Bytes returns the drive's contents (not a copy).
func (d *MemDrive) Bytes() []byte { return d.data }
