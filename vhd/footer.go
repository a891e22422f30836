package vhd

import (
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"
)

// FooterSize is the size of the hard disk footer [VHD "Hard Disk Footer
// Format"]. Images made by Virtual PC before 2004 have a 511-byte footer;
// the reserved tail makes the difference and is not needed to decode it.
const FooterSize = 512

// SectorSize is the VHD sector: always 512 bytes [VHD "Introduction"].
const SectorSize = 512

// Cookies and constants of the footer [VHD "Hard Disk Footer Format"].
const (
	footerCookie      = "conectix"
	footerVersion     = 0x00010000 // file_format_version 1.0
	featureReserved   = 0x00000002 // features: "must always be set to 1"
	featureTemporary  = 0x00000001
	fixedDataOffset   = 0xFFFFFFFFFFFFFFFF // data_offset of a fixed disk
	maxGeometrySector = 65535 * 16 * 255   // largest CHS the footer can hold
	// MaxSize is the largest disk the specification allows: 2040 GiB
	// [VHD "Hard Disk Footer Format", Current Size; QEMU's VHD_MAX_SECTORS].
	MaxSize = 2040 << 30
)

// HasFooterCookie reports whether the size bytes of r carry a footer cookie
// where a VHD keeps one: 512 bytes from the end (511 in old Virtual PC
// images) or, for a damaged end, the copy at offset 0 [VHD "Hard Disk
// Footer Format"]. It tells a VHD from a raw image without validating it.
func HasFooterCookie(r io.ReaderAt, size int64) bool {
	var b [len(footerCookie)]byte
	for _, off := range []int64{size - FooterSize, size - (FooterSize - 1), 0} {
		if off < 0 {
			continue
		}
		if n, _ := r.ReadAt(b[:], off); n == len(b) && string(b[:]) == footerCookie {
			return true
		}
	}
	return false
}

// vhdEpoch: the time_stamp counts seconds since 1 January 2000 UTC.
var vhdEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// DiskType is the footer's disk_type field.
type DiskType uint32

// Disk types [VHD "Hard Disk Footer Format", Disk Type].
const (
	None         DiskType = 0
	Fixed        DiskType = 2
	Dynamic      DiskType = 3
	Differencing DiskType = 4
)

func (t DiskType) String() string {
	switch t {
	case Fixed:
		return "fixed"
	case Dynamic:
		return "dynamic"
	case Differencing:
		return "differencing"
	case None:
		return "none"
	}
	return fmt.Sprintf("disk_type(%d)", uint32(t))
}

// CHS is the footer's disk_geometry field.
type CHS struct {
	Cylinders       uint16
	Heads           uint8
	SectorsPerTrack uint8
}

// Sectors is C*H*S.
func (g CHS) Sectors() int64 {
	return int64(g.Cylinders) * int64(g.Heads) * int64(g.SectorsPerTrack)
}

// Footer is the 512-byte hard disk footer, field for field.
type Footer struct {
	Cookie            [8]byte
	Features          uint32
	FileFormatVersion uint32
	DataOffset        uint64 // dynamic header offset; all ones for fixed disks
	TimeStamp         uint32 // seconds since 2000-01-01 00:00:00 UTC
	CreatorApp        [4]byte
	CreatorVersion    uint32
	CreatorHostOS     [4]byte
	OriginalSize      uint64
	CurrentSize       uint64
	Geometry          CHS
	DiskType          DiskType
	Checksum          uint32
	UniqueID          uuid.UUID
	SavedState        uint8
}

// Byte offsets of the footer fields.
const (
	ftCookie     = 0
	ftFeatures   = 8
	ftVersion    = 12
	ftDataOffset = 16
	ftTimeStamp  = 24
	ftCreatorApp = 28
	ftCreatorVer = 32
	ftCreatorOS  = 36
	ftOrigSize   = 40
	ftCurSize    = 48
	ftGeometry   = 56
	ftDiskType   = 60
	ftChecksum   = 64
	ftUniqueID   = 68
	ftSavedState = 84
)

// Encode writes the footer into b (at least FooterSize bytes), reserved
// bytes zero, with the checksum as stored in f.
func (f *Footer) Encode(b []byte) {
	b = b[:FooterSize]
	clear(b)
	be := binary.BigEndian
	copy(b[ftCookie:], f.Cookie[:])
	be.PutUint32(b[ftFeatures:], f.Features)
	be.PutUint32(b[ftVersion:], f.FileFormatVersion)
	be.PutUint64(b[ftDataOffset:], f.DataOffset)
	be.PutUint32(b[ftTimeStamp:], f.TimeStamp)
	copy(b[ftCreatorApp:], f.CreatorApp[:])
	be.PutUint32(b[ftCreatorVer:], f.CreatorVersion)
	copy(b[ftCreatorOS:], f.CreatorHostOS[:])
	be.PutUint64(b[ftOrigSize:], f.OriginalSize)
	be.PutUint64(b[ftCurSize:], f.CurrentSize)
	be.PutUint16(b[ftGeometry:], f.Geometry.Cylinders)
	b[ftGeometry+2] = f.Geometry.Heads
	b[ftGeometry+3] = f.Geometry.SectorsPerTrack
	be.PutUint32(b[ftDiskType:], uint32(f.DiskType))
	be.PutUint32(b[ftChecksum:], f.Checksum)
	copy(b[ftUniqueID:], f.UniqueID[:])
	b[ftSavedState] = f.SavedState
}

// Seal computes the checksum and encodes the footer into b.
func (f *Footer) Seal(b []byte) {
	f.Checksum = 0
	f.Encode(b)
	f.Checksum = checksum(b[:FooterSize], ftChecksum)
	binary.BigEndian.PutUint32(b[ftChecksum:], f.Checksum)
}

// DecodeFooter decodes a footer without validating it; at least 85 bytes
// (everything up to saved_state) are needed.
func DecodeFooter(b []byte) (Footer, bool) {
	var f Footer
	if len(b) < ftSavedState+1 {
		return f, false
	}
	be := binary.BigEndian
	copy(f.Cookie[:], b[ftCookie:])
	f.Features = be.Uint32(b[ftFeatures:])
	f.FileFormatVersion = be.Uint32(b[ftVersion:])
	f.DataOffset = be.Uint64(b[ftDataOffset:])
	f.TimeStamp = be.Uint32(b[ftTimeStamp:])
	copy(f.CreatorApp[:], b[ftCreatorApp:])
	f.CreatorVersion = be.Uint32(b[ftCreatorVer:])
	copy(f.CreatorHostOS[:], b[ftCreatorOS:])
	f.OriginalSize = be.Uint64(b[ftOrigSize:])
	f.CurrentSize = be.Uint64(b[ftCurSize:])
	f.Geometry.Cylinders = be.Uint16(b[ftGeometry:])
	f.Geometry.Heads = b[ftGeometry+2]
	f.Geometry.SectorsPerTrack = b[ftGeometry+3]
	f.DiskType = DiskType(be.Uint32(b[ftDiskType:]))
	f.Checksum = be.Uint32(b[ftChecksum:])
	copy(f.UniqueID[:], b[ftUniqueID:])
	f.SavedState = b[ftSavedState]
	return f, true
}

// checksum is the one's complement of the byte sum of b, the 4-byte
// checksum field at skip counted as zero [VHD "Hard Disk Footer Format",
// Checksum; the dynamic header uses the same rule].
func checksum(b []byte, skip int) uint32 {
	var sum uint32
	for i, c := range b {
		if i >= skip && i < skip+4 {
			continue
		}
		sum += uint32(c)
	}
	return ^sum
}

// Time converts the time_stamp to a time.Time.
func (f *Footer) Time() time.Time { return fromVHDTime(f.TimeStamp) }

// fromVHDTime is the time a VHD time stamp stands for.
func fromVHDTime(s uint32) time.Time { return vhdEpoch.Add(time.Duration(s) * time.Second) }

// vhdTime is now (or t) as a VHD time stamp.
func vhdTime(t time.Time) uint32 {
	s := t.Sub(vhdEpoch) / time.Second
	if s < 0 {
		return 0
	}
	return uint32(s)
}

// footerStruct names which copy an error refers to.
const (
	structFooter     = "footer"
	structFooterCopy = "footer copy at offset 0"
)

// validateFooter checks one footer copy. fileSize bounds data_offset.
func validateFooter(file, structure string, b []byte, fileSize int64) (Footer, error) {
	f, _ := DecodeFooter(b)
	if string(f.Cookie[:]) != footerCookie {
		return f, formatErr(file, structure, "cookie", "is %q, want %q", cookieText(f.Cookie[:]), footerCookie)
	}
	if got, want := f.Checksum, checksum(b[:FooterSize], ftChecksum); got != want {
		return f, formatErr(file, structure, "checksum", "is %#08x, computed %#08x", got, want)
	}
	if f.FileFormatVersion>>16 != 1 {
		return f, formatErr(file, structure, "file_format_version", "%#08x is not supported (want major version 1)", f.FileFormatVersion)
	}
	switch f.DiskType {
	case Fixed:
		if f.DataOffset != fixedDataOffset {
			return f, formatErr(file, structure, "data_offset", "%#x must be all ones for a fixed disk", f.DataOffset)
		}
	case Dynamic, Differencing:
		if f.DataOffset%SectorSize != 0 {
			return f, formatErr(file, structure, "data_offset", "%d is not a multiple of 512", f.DataOffset)
		}
		if f.DataOffset < FooterSize || f.DataOffset > uint64(fileSize) || uint64(fileSize)-f.DataOffset < headerSize {
			return f, formatErr(file, structure, "data_offset", "%d points outside the file (%d bytes) or into the footer", f.DataOffset, fileSize)
		}
	default:
		return f, formatErr(file, structure, "disk_type", "%d is not fixed (2), dynamic (3) or differencing (4)", uint32(f.DiskType))
	}
	if f.CurrentSize > MaxSize {
		return f, formatErr(file, structure, "current_size", "%d exceeds the 2040 GiB maximum", f.CurrentSize)
	}
	if f.CurrentSize%SectorSize != 0 {
		return f, formatErr(file, structure, "current_size", "%d is not a multiple of 512", f.CurrentSize)
	}
	if f.CurrentSize == 0 {
		return f, formatErr(file, structure, "current_size", "is zero")
	}
	return f, nil
}

// cookieText shows a cookie for an error message.
func cookieText(b []byte) string {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return fmt.Sprintf("% x", b)
		}
	}
	return string(b)
}

// diffFooters names the first structural field in which two footers
// differ. Time stamp, creator and saved state may legitimately lag in one
// copy and are not compared.
func diffFooters(a, b *Footer) string {
	switch {
	case a.DiskType != b.DiskType:
		return fmt.Sprintf("disk_type %d vs %d", a.DiskType, b.DiskType)
	case a.CurrentSize != b.CurrentSize:
		return fmt.Sprintf("current_size %d vs %d", a.CurrentSize, b.CurrentSize)
	case a.OriginalSize != b.OriginalSize:
		return fmt.Sprintf("original_size %d vs %d", a.OriginalSize, b.OriginalSize)
	case a.Geometry != b.Geometry:
		return fmt.Sprintf("disk_geometry %d/%d/%d vs %d/%d/%d", a.Geometry.Cylinders, a.Geometry.Heads, a.Geometry.SectorsPerTrack,
			b.Geometry.Cylinders, b.Geometry.Heads, b.Geometry.SectorsPerTrack)
	case a.DataOffset != b.DataOffset:
		return fmt.Sprintf("data_offset %d vs %d", a.DataOffset, b.DataOffset)
	case a.UniqueID != b.UniqueID:
		return fmt.Sprintf("unique_id %s vs %s", a.UniqueID, b.UniqueID)
	}
	return ""
}
