package vhd

import (
	"encoding/binary"
	"fmt"
	"unicode/utf16"

	"github.com/google/uuid"
)

// headerSize is the dynamic disk header [VHD "Dynamic Disk Header Format"].
const headerSize = 1024

const (
	headerCookie  = "cxsparse"
	headerVersion = 0x00010000
	// numLocators parent locator entries follow the parent name.
	numLocators = 8
	// DefaultBlockSize is the block size Virtual PC, Hyper-V and qemu-img use.
	DefaultBlockSize = 2 << 20
	// Block sizes accepted: any power of two in [MinBlockSize, MaxBlockSize].
	// The specification only uses 2 MiB; Hyper-V allows up to 256 MiB.
	MinBlockSize = SectorSize
	MaxBlockSize = 256 << 20
)

// Platform codes of a parent locator [VHD "Dynamic Disk Header Format",
// Parent Locator Entries].
const (
	PlatformNone = 0
	PlatformWi2r = 0x57693272 // deprecated relative path
	PlatformWi2k = 0x5769326B // deprecated absolute path
	PlatformW2ru = 0x57327275 // relative path, UTF-16LE
	PlatformW2ku = 0x57326B75 // absolute path, UTF-16LE
	PlatformMac  = 0x4D616320 // Mac OS alias blob
	PlatformMacX = 0x4D616358 // file:// URL, UTF-8
)

// ParentLocator is one 24-byte parent locator entry.
type ParentLocator struct {
	PlatformCode       uint32
	PlatformDataSpace  uint32 // sectors per the spec; Virtual PC and Hyper-V store bytes
	PlatformDataLength uint32
	Reserved           uint32
	PlatformDataOffset uint64
}

// spaceBytes is the room reserved for the locator data. The specification
// says platform_data_space counts sectors, but Virtual PC and Hyper-V store
// bytes; a value below 512 can only be a sector count.
func (l *ParentLocator) spaceBytes() uint64 {
	if l.PlatformDataSpace < SectorSize {
		return uint64(l.PlatformDataSpace) * SectorSize
	}
	return uint64(l.PlatformDataSpace)
}

// Header is the dynamic disk header of dynamic and differencing disks.
type Header struct {
	Cookie          [8]byte
	DataOffset      uint64 // unused: all ones
	TableOffset     uint64 // absolute byte offset of the BAT
	HeaderVersion   uint32
	MaxTableEntries uint32
	BlockSize       uint32
	Checksum        uint32
	ParentUniqueID  uuid.UUID
	ParentTimeStamp uint32
	ParentName      [512]byte // UTF-16BE, NUL padded
	Locators        [numLocators]ParentLocator
}

// Byte offsets of the header fields.
const (
	hdCookie      = 0
	hdDataOffset  = 8
	hdTableOffset = 16
	hdVersion     = 24
	hdMaxEntries  = 28
	hdBlockSize   = 32
	hdChecksum    = 36
	hdParentUUID  = 40
	hdParentTime  = 56
	hdParentName  = 64
	hdLocators    = 576
	locatorSize   = 24
)

// Encode writes the header into b (at least headerSize bytes).
func (h *Header) Encode(b []byte) {
	b = b[:headerSize]
	clear(b)
	be := binary.BigEndian
	copy(b[hdCookie:], h.Cookie[:])
	be.PutUint64(b[hdDataOffset:], h.DataOffset)
	be.PutUint64(b[hdTableOffset:], h.TableOffset)
	be.PutUint32(b[hdVersion:], h.HeaderVersion)
	be.PutUint32(b[hdMaxEntries:], h.MaxTableEntries)
	be.PutUint32(b[hdBlockSize:], h.BlockSize)
	be.PutUint32(b[hdChecksum:], h.Checksum)
	copy(b[hdParentUUID:], h.ParentUniqueID[:])
	be.PutUint32(b[hdParentTime:], h.ParentTimeStamp)
	copy(b[hdParentName:], h.ParentName[:])
	for i, l := range h.Locators {
		e := b[hdLocators+i*locatorSize:]
		be.PutUint32(e[0:], l.PlatformCode)
		be.PutUint32(e[4:], l.PlatformDataSpace)
		be.PutUint32(e[8:], l.PlatformDataLength)
		be.PutUint32(e[12:], l.Reserved)
		be.PutUint64(e[16:], l.PlatformDataOffset)
	}
}

// Seal computes the checksum and encodes the header into b.
func (h *Header) Seal(b []byte) {
	h.Checksum = 0
	h.Encode(b)
	h.Checksum = checksum(b[:headerSize], hdChecksum)
	binary.BigEndian.PutUint32(b[hdChecksum:], h.Checksum)
}

// DecodeHeader decodes a dynamic header from b (headerSize bytes) without
// validating it.
func DecodeHeader(b []byte) (Header, bool) {
	var h Header
	if len(b) < headerSize {
		return h, false
	}
	be := binary.BigEndian
	copy(h.Cookie[:], b[hdCookie:])
	h.DataOffset = be.Uint64(b[hdDataOffset:])
	h.TableOffset = be.Uint64(b[hdTableOffset:])
	h.HeaderVersion = be.Uint32(b[hdVersion:])
	h.MaxTableEntries = be.Uint32(b[hdMaxEntries:])
	h.BlockSize = be.Uint32(b[hdBlockSize:])
	h.Checksum = be.Uint32(b[hdChecksum:])
	copy(h.ParentUniqueID[:], b[hdParentUUID:])
	h.ParentTimeStamp = be.Uint32(b[hdParentTime:])
	copy(h.ParentName[:], b[hdParentName:])
	for i := range h.Locators {
		e := b[hdLocators+i*locatorSize:]
		h.Locators[i] = ParentLocator{
			PlatformCode:       be.Uint32(e[0:]),
			PlatformDataSpace:  be.Uint32(e[4:]),
			PlatformDataLength: be.Uint32(e[8:]),
			Reserved:           be.Uint32(e[12:]),
			PlatformDataOffset: be.Uint64(e[16:]),
		}
	}
	return h, true
}

// ParentNameString decodes the UTF-16BE parent_unicode_name.
func (h *Header) ParentNameString() string {
	u := make([]uint16, 0, len(h.ParentName)/2)
	for i := 0; i+1 < len(h.ParentName); i += 2 {
		c := binary.BigEndian.Uint16(h.ParentName[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}

// setParentName stores s as UTF-16BE, truncated to the 256 code units the
// field holds.
func (h *Header) setParentName(s string) {
	clear(h.ParentName[:])
	u := utf16.Encode([]rune(s))
	for i, c := range u {
		if 2*i+1 >= len(h.ParentName) {
			break
		}
		binary.BigEndian.PutUint16(h.ParentName[2*i:], c)
	}
}

// validateHeader checks the dynamic header against the footer and the file
// size. Every failure names the field.
func validateHeader(file string, b []byte, ft *Footer, fileSize int64) (Header, error) {
	const st = "dynamic header"
	h, _ := DecodeHeader(b)
	if string(h.Cookie[:]) != headerCookie {
		return h, formatErr(file, st, "cookie", "is %q, want %q", cookieText(h.Cookie[:]), headerCookie)
	}
	if got, want := h.Checksum, checksum(b[:headerSize], hdChecksum); got != want {
		return h, formatErr(file, st, "checksum", "is %#08x, computed %#08x", got, want)
	}
	if h.HeaderVersion>>16 != 1 {
		return h, formatErr(file, st, "header_version", "%#08x is not supported (want major version 1)", h.HeaderVersion)
	}
	bs := h.BlockSize
	switch {
	case bs == 0:
		return h, formatErr(file, st, "block_size", "is zero")
	case bs&(bs-1) != 0:
		return h, formatErr(file, st, "block_size", "%d is not a power of two", bs)
	case bs < MinBlockSize || bs > MaxBlockSize:
		return h, formatErr(file, st, "block_size", "%d is outside %d..%d", bs, MinBlockSize, MaxBlockSize)
	}
	if h.TableOffset%SectorSize != 0 {
		return h, formatErr(file, st, "table_offset", "%d is not sector-aligned", h.TableOffset)
	}
	if h.TableOffset < FooterSize || h.TableOffset >= uint64(fileSize) {
		return h, formatErr(file, st, "table_offset", "%d is beyond the end of the file (%d bytes) or inside the footer copy", h.TableOffset, fileSize)
	}
	if t, d := h.TableOffset, ft.DataOffset; t < d+headerSize && d < t+batBytes(h.MaxTableEntries) {
		return h, formatErr(file, st, "table_offset", "%d makes the BAT overlap the dynamic header at %d", t, d)
	}
	need := (ft.CurrentSize + uint64(bs) - 1) / uint64(bs)
	if uint64(h.MaxTableEntries) < need {
		return h, formatErr(file, st, "max_table_entries", "%d is too small for current_size %d (needs %d blocks of %d bytes)",
			h.MaxTableEntries, ft.CurrentSize, need, bs)
	}
	if end := h.TableOffset + batBytes(h.MaxTableEntries); end > uint64(fileSize) {
		return h, formatErr(file, st, "max_table_entries", "%d is too large for the file: the BAT at %d would end at %d, beyond the end of the file (%d bytes)",
			h.MaxTableEntries, h.TableOffset, end, fileSize)
	}
	return h, nil
}

// validateLocator checks that a parent locator's data lies inside the file
// and clear of the header and the BAT.
func validateLocator(file string, i int, l *ParentLocator, h *Header, ft *Footer, fileSize int64) error {
	st := fmt.Sprintf("parent locator %d", i+1)
	if l.PlatformCode == PlatformNone {
		return nil
	}
	if l.PlatformDataLength > 64<<10 {
		return formatErr(file, st, "platform_data_length", "%d is absurd for a path (max 65536)", l.PlatformDataLength)
	}
	if uint64(l.PlatformDataLength) > l.spaceBytes() && l.PlatformDataSpace != 0 {
		return formatErr(file, st, "platform_data_length", "%d exceeds platform_data_space (%d bytes)", l.PlatformDataLength, l.spaceBytes())
	}
	off, n := l.PlatformDataOffset, uint64(l.PlatformDataLength)
	if off > uint64(fileSize) || n > uint64(fileSize)-off {
		return formatErr(file, st, "platform_data_offset", "%d (+%d bytes) is beyond the end of the file (%d bytes)", off, n, fileSize)
	}
	if n > 0 {
		if overlaps(off, n, 0, FooterSize) || overlaps(off, n, ft.DataOffset, headerSize) ||
			overlaps(off, n, h.TableOffset, batBytes(h.MaxTableEntries)) {
			return formatErr(file, st, "platform_data_offset", "%d (+%d bytes) overlaps the footer copy, the dynamic header or the BAT", off, n)
		}
	}
	return nil
}

func overlaps(a, an, b, bn uint64) bool { return a < b+bn && b < a+an }
