package ide

import (
	"errors"
	"fmt"
	"io"
	"os"

	"pcemu/vhd"
)

// SectorSize is the ATA logical sector: every transfer is whole sectors.
const SectorSize = 512

// Geometry is a drive's default CHS translation as IDENTIFY DEVICE words
// 1, 3 and 6 report it. The field names match vhd.Geometry so one converts
// to the other.
type Geometry struct {
	Cylinders, Heads, SectorsPerTrack int
}

// Drive is the medium behind an ATA device: a virtual disk addressed in
// bytes, whose size is a whole number of sectors (a trailing partial sector
// is not addressable).
type Drive interface {
	io.ReaderAt
	io.WriterAt
	// Size is the capacity in bytes.
	Size() int64
	// ReadOnly drives reject writes with ABRT.
	ReadOnly() bool
	// Flush commits written data to stable storage (FLUSH CACHE).
	Flush() error
	// Geometry is the default CHS translation. A geometry outside the
	// ATA limits (1-16383 cylinders, 1-16 heads, 1-63 sectors) is
	// replaced by GeometryFor(sectors).
	Geometry() Geometry
}

// GeometryFor derives an ATA-valid default geometry for a disk of the given
// number of sectors, the way the VHD specification's CHS algorithm (the one
// qemu-img and Hyper-V use) does, so a raw image and the same disk as a VHD
// show one geometry: 17 sectors per track and 4-16 heads for small disks,
// then 31, then 63 sectors with 16 heads. Disks too large for CHS get
// 16383/16/63, as ATA drives above 8.4 GB do (ATA/ATAPI-6, IDENTIFY DEVICE
// words 1, 3, 6).
func GeometryFor(sectors int64) Geometry { return Geometry(vhd.ATAGeometryFor(sectors)) }

// valid reports whether g fits the ATA CHS registers and IDENTIFY words.
func (g Geometry) valid() bool {
	return g.Cylinders >= 1 && g.Cylinders <= 16383 &&
		g.Heads >= 1 && g.Heads <= 16 &&
		g.SectorsPerTrack >= 1 && g.SectorsPerTrack <= 63
}

// RawFile is a drive backed by a flat image file: sector n at byte n*512.
type RawFile struct {
	f    *os.File
	name string
	size int64
	ro   bool
	geo  Geometry
}

// OpenRawFile opens a raw disk image. With readOnly the file is opened for
// reading only and the drive rejects writes. As vhd.Open does for VHDs, a
// writer holds an exclusive lock (flock) on the file and a reader a shared
// one, so two emulators never write one image: a conflicting open fails
// with ErrInUse.
func OpenRawFile(name string, readOnly bool) (*RawFile, error) {
	flag := os.O_RDWR
	if readOnly {
		flag = os.O_RDONLY
	}
	f, err := os.OpenFile(name, flag, 0)
	if err != nil {
		return nil, fmt.Errorf("ide: raw image: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("ide: raw image %s: %w", name, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("ide: raw image %s: not a regular file", name)
	}
	if err := LockImage(f, readOnly); err != nil {
		f.Close()
		return nil, fmt.Errorf("ide: raw image %s: %w", name, err)
	}
	size := fi.Size() &^ (SectorSize - 1)
	if size == 0 {
		f.Close()
		return nil, fmt.Errorf("ide: raw image %s: %d bytes is smaller than one %d-byte sector", name, fi.Size(), SectorSize)
	}
	return &RawFile{f: f, name: name, size: size, ro: readOnly, geo: GeometryFor(size / SectorSize)}, nil
}

// ReadAt reads from the image; the controller only asks for whole sectors
// inside Size.
func (r *RawFile) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off+int64(len(p)) > r.size {
		return 0, fmt.Errorf("ide: raw image %s: read of %d bytes at %d is beyond the disk", r.name, len(p), off)
	}
	n, err := r.f.ReadAt(p, off)
	if err == io.EOF && n == len(p) {
		err = nil
	}
	return n, err
}

// WriteAt writes to the image.
func (r *RawFile) WriteAt(p []byte, off int64) (int, error) {
	if r.ro {
		return 0, fmt.Errorf("ide: raw image %s: %w", r.name, ErrReadOnly)
	}
	if off < 0 || off+int64(len(p)) > r.size {
		return 0, fmt.Errorf("ide: raw image %s: write of %d bytes at %d is beyond the disk", r.name, len(p), off)
	}
	return r.f.WriteAt(p, off)
}

// Size is the image size rounded down to whole sectors.
func (r *RawFile) Size() int64 { return r.size }

// ReadOnly reports whether the image was opened read-only.
func (r *RawFile) ReadOnly() bool { return r.ro }

// Flush syncs the image file to stable storage.
func (r *RawFile) Flush() error {
	if r.ro {
		return nil
	}
	if err := r.f.Sync(); err != nil {
		return fmt.Errorf("ide: raw image %s: %w", r.name, err)
	}
	return nil
}

// Geometry is GeometryFor the image's sector count.
func (r *RawFile) Geometry() Geometry { return r.geo }

// Close closes the image file.
func (r *RawFile) Close() error { return r.f.Close() }

// ErrReadOnly is returned by a read-only drive's WriteAt.
var ErrReadOnly = errors.New("drive is read-only")

// ErrInUse: another process has the image open in a way that conflicts
// (for writing, or at all when this open is for writing). It is the same
// sentinel as vhd.ErrInUse, so one errors.Is test covers every image kind.
var ErrInUse = vhd.ErrInUse

// LockImage takes the advisory lock (flock) that keeps two emulators from
// sharing an image file: exclusive for a writer, shared for a reader, and
// without waiting. The lock lasts until f is closed. A conflict is
// ErrInUse; the caller names the file.
func LockImage(f *os.File, readOnly bool) error { return vhd.LockFile(f, readOnly) }
