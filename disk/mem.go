package disk

import (
	"fmt"
	"io"

	"pcemu/ide"
	"pcemu/vhd"
)

// mem is a disk held in memory: the built-in demo disks, a diskette's
// -snapshot copy, tests. Its contents vanish with the process.
type mem struct{ data []byte }

func (m *mem) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off >= int64(len(m.data)) {
		return 0, io.EOF
	}
	n := copy(p, m.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (m *mem) WriteAt(p []byte, off int64) (int, error) {
	if off < 0 || off+int64(len(p)) > int64(len(m.data)) {
		return 0, fmt.Errorf("write of %d bytes at %d is past the end (%d bytes)", len(p), off, len(m.data))
	}
	return copy(m.data[off:], p), nil
}

func (m *mem) Flush() error { return nil }
func (m *mem) Close() error { return nil }

// NewMem returns a blank disk of size bytes (rounded down to whole
// sectors) held in memory, holding a copy of initial at its start. name
// is for messages.
func NewMem(name string, size int64, initial []byte) (*Disk, error) {
	size -= size % ide.SectorSize
	if size <= 0 || int64(len(initial)) > size {
		return nil, fmt.Errorf("%s: %d bytes cannot hold %d bytes of contents", name, size, len(initial))
	}
	data := make([]byte, size)
	copy(data, initial)
	return newMemDisk(name, data), nil
}

// newMemDisk is a disk over data, which it never writes: the guest's
// writes are kept in memory beside it, so that machines forked from one
// state share data.
func newMemDisk(name string, data []byte) *Disk {
	size := int64(len(data))
	d := &Disk{name: name, size: size, geo: ATAGeometry(vhd.Geometry{}, size), format: "memory", memBase: data}
	d.ident = Identity{Name: name, Format: "memory", Size: size}
	d.lay = &layered{base: &mem{data: data}, live: newMemStore(nil), size: size}
	d.m = d.lay
	return d
}
