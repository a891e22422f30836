package ide

import "io"

// SectorSize is the ATA logical sector: every transfer is whole sectors.
const SectorSize = 512

// Geometry is a drive's default CHS translation as IDENTIFY DEVICE words
// 1, 3 and 6 report it.
type Geometry struct {
	Cylinders, Heads, SectorsPerTrack int
}

// Valid reports whether g fits the ATA CHS registers and IDENTIFY words:
// 1-16383 cylinders, 1-16 heads, 1-63 sectors per track (ATA-2 "IDENTIFY
// DEVICE", words 1, 3, 6; the Device/Head register's 4 head bits, the
// Sector Number register's 6 usable bits). Controller.Attach refuses a
// drive whose geometry is not valid.
func (g Geometry) Valid() bool {
	return g.Cylinders >= 1 && g.Cylinders <= 16383 &&
		g.Heads >= 1 && g.Heads <= 16 &&
		g.SectorsPerTrack >= 1 && g.SectorsPerTrack <= 63
}

// Drive is the medium behind an ATA device: a virtual disk addressed in
// bytes, whose size is a whole number of sectors (a trailing partial sector
// is not addressable). Package disk opens images as drives.
type Drive interface {
	io.ReaderAt
	io.WriterAt
	// Size is the capacity in bytes.
	Size() int64
	// ReadOnly drives reject writes with ABRT.
	ReadOnly() bool
	// Flush commits written data to stable storage (FLUSH CACHE).
	Flush() error
	// Geometry is the default CHS translation; it must be Valid.
	Geometry() Geometry
}
