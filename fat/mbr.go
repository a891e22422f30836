package fat

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The master boot record of a partitioned disk: boot code, then four
// 16-byte partition entries at offset 446, then the signature AA55h at 510
// (IBM PC DOS 2.0 "Fixed Disk Partition Table"; extended partitions as DOS
// 3.3 introduced them).
const (
	mbrTableOffset = 446
	// SectorSize is the disk sector the MBR and partition entries count in.
	SectorSize = 512
)

// PartitionEntry is one of the MBR's (or an extended boot record's) four
// entries.
type PartitionEntry struct {
	Status   uint8   // 80h active (boot), 00h inactive
	StartCHS [3]byte // head, sector | cylinder bits 8-9 << 6, cylinder bits 0-7
	Type     uint8   // system ID: 01h FAT12, 04h/06h/0Eh FAT16, 0Bh/0Ch FAT32, 05h/0Fh extended
	EndCHS   [3]byte
	StartLBA uint32 // first sector (relative to the disk, or for logical drives to their EBR)
	Sectors  uint32
}

// MBR is the partition table sector.
type MBR struct {
	Code       [mbrTableOffset]byte // boot code, with the disk signature at 440 in newer MBRs
	Partitions [4]PartitionEntry
	Signature  uint16 // BootSignature
}

// DecodeMBR decodes a 512-byte MBR or extended boot record.
func DecodeMBR(s []byte) MBR {
	var m MBR
	copy(m.Code[:], s)
	for i := range m.Partitions {
		e := s[mbrTableOffset+16*i:]
		p := &m.Partitions[i]
		p.Status = e[0]
		copy(p.StartCHS[:], e[1:4])
		p.Type = e[4]
		copy(p.EndCHS[:], e[5:8])
		p.StartLBA = binary.LittleEndian.Uint32(e[8:])
		p.Sectors = binary.LittleEndian.Uint32(e[12:])
	}
	m.Signature = binary.LittleEndian.Uint16(s[510:])
	return m
}

// Encode writes the MBR into s (512 bytes).
func (m *MBR) Encode(s []byte) {
	copy(s, m.Code[:])
	for i, p := range m.Partitions {
		e := s[mbrTableOffset+16*i:]
		e[0] = p.Status
		copy(e[1:4], p.StartCHS[:])
		e[4] = p.Type
		copy(e[5:8], p.EndCHS[:])
		binary.LittleEndian.PutUint32(e[8:], p.StartLBA)
		binary.LittleEndian.PutUint32(e[12:], p.Sectors)
	}
	binary.LittleEndian.PutUint16(s[510:], m.Signature)
}

// EncodeCHS is the 3-byte CHS address of sector lba on a disk with the
// given BIOS geometry (heads, sectors per track). Sectors beyond cylinder
// 1023 get 1023/heads-1/spt, the convention for "use the LBA fields".
func EncodeCHS(lba uint32, heads, spt int) [3]byte {
	c := int(lba) / (heads * spt)
	h := int(lba) / spt % heads
	s := int(lba)%spt + 1
	if c > 1023 {
		c, h, s = 1023, heads-1, spt
	}
	return [3]byte{byte(h), byte(s) | byte(c>>8)<<6, byte(c)}
}

// Partition types that hold FAT volumes, and the extended-partition
// containers, with their hidden variants (+10h, from OS/2 Boot Manager).
func isFATType(t uint8) bool {
	switch t &^ 0x10 {
	case 0x01, 0x04, 0x06, 0x0B, 0x0C, 0x0E:
		return true
	}
	return false
}

func isExtended(t uint8) bool { return t == 0x05 || t == 0x0F || t == 0x85 }

// Partition is a partition found on a disk, numbered as Linux does: 1-4
// the MBR's entries, 5 and up the logical drives of the extended
// partition in chain order.
type Partition struct {
	Number int
	Type   uint8
	Active bool
	Start  int64 // bytes from the start of the disk
	Size   int64 // bytes
}

// IsFAT reports whether the partition's type is one of FAT's.
func (p Partition) IsFAT() bool { return isFATType(p.Type) }

// maxLogical bounds the extended partition's chain, so that a loop of
// EBRs ends in an error.
const maxLogical = 128

// ErrNoPartitionTable: sector 0 is not an MBR.
var ErrNoPartitionTable = errors.New("no MBR partition table")

// Partitions reads the MBR of a disk of size bytes and the extended boot
// records it leads to. Empty entries are left out. Entries that do not fit
// in the disk are errors naming the entry.
func Partitions(r io.ReaderAt, size int64) ([]Partition, error) {
	var s [SectorSize]byte
	if err := readAt(r, s[:], 0, "MBR"); err != nil {
		return nil, err
	}
	m := DecodeMBR(s[:])
	if m.Signature != BootSignature {
		return nil, fmt.Errorf("%w: sector 0 ends in %04Xh, not the signature AA55h", ErrNoPartitionTable, m.Signature)
	}
	disk := size / SectorSize
	var parts []Partition
	var ext *PartitionEntry
	for i := range m.Partitions {
		p := &m.Partitions[i]
		if p.Type == 0 {
			continue
		}
		where := fmt.Sprintf("MBR partition %d", i+1)
		if p.Status != 0 && p.Status != 0x80 {
			return nil, fmt.Errorf("%w: status %02Xh is neither 00h nor 80h", ErrNoPartitionTable, p.Status)
		}
		if p.Type == 0xEE {
			return nil, formatErr(where, "system ID", "EEh: a GPT disk, which is not supported")
		}
		if err := checkExtent(where, p, 0, disk); err != nil {
			return nil, err
		}
		if isExtended(p.Type) {
			if ext != nil {
				return nil, formatErr(where, "system ID", "%02Xh: a second extended partition", p.Type)
			}
			ext = p
		}
		parts = append(parts, Partition{Number: i + 1, Type: p.Type, Active: p.Status == 0x80,
			Start: int64(p.StartLBA) * SectorSize, Size: int64(p.Sectors) * SectorSize})
	}
	if ext == nil {
		return parts, nil
	}
	// The chain of extended boot records: entry 1 is the logical drive
	// (relative to its EBR), entry 2 the next EBR (relative to the
	// extended partition's start).
	base := int64(ext.StartLBA)
	ebr := base
	for n := 5; ; n++ {
		if n-4 > maxLogical {
			return nil, formatErr("extended partition", "", "more than %d logical drives (a loop of EBRs?)", maxLogical)
		}
		where := fmt.Sprintf("EBR of partition %d", n)
		if err := readAt(r, s[:], ebr*SectorSize, where); err != nil {
			return nil, err
		}
		e := DecodeMBR(s[:])
		if e.Signature != BootSignature {
			return nil, formatErr(where, "signature", "%04Xh is not AA55h", e.Signature)
		}
		if l := &e.Partitions[0]; l.Type != 0 {
			if err := checkExtent(where, l, ebr, disk); err != nil {
				return nil, err
			}
			parts = append(parts, Partition{Number: n, Type: l.Type, Active: l.Status == 0x80,
				Start: (ebr + int64(l.StartLBA)) * SectorSize, Size: int64(l.Sectors) * SectorSize})
		}
		next := &e.Partitions[1]
		if next.Type == 0 || next.StartLBA == 0 {
			return parts, nil
		}
		if !isExtended(next.Type) {
			return nil, formatErr(where, "system ID", "%02Xh of the link entry is not an extended partition", next.Type)
		}
		ebr = base + int64(next.StartLBA)
		if ebr >= disk {
			return nil, formatErr(where, "relative sector", "%d puts the next EBR beyond the disk", next.StartLBA)
		}
	}
}

func checkExtent(where string, p *PartitionEntry, base, disk int64) error {
	if p.StartLBA == 0 || p.Sectors == 0 {
		return formatErr(where, "relative sector", "%d with %d sectors is no partition", p.StartLBA, p.Sectors)
	}
	if end := base + int64(p.StartLBA) + int64(p.Sectors); disk > 0 && end > disk {
		return formatErr(where, "total sectors", "%d from sector %d end at sector %d, beyond the disk's %d", p.Sectors, base+int64(p.StartLBA), end, disk)
	}
	return nil
}

// readAt reads len(b) bytes at off, naming the structure on a short read.
func readAt(r io.ReaderAt, b []byte, off int64, structure string) error {
	n, err := r.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		return formatErr(structure, "", "is truncated: the disk ends at %d", off+int64(n))
	}
	return fmt.Errorf("fat: read %s at %d: %w", structure, off, err)
}

// FindVolume locates the FAT volume of a disk image of size bytes and
// returns its byte offset and size. With part 0 a disk whose sector 0 is a
// FAT boot sector (a diskette, a "superfloppy") is one volume, and on a
// partitioned disk the first partition of a FAT type is taken; part N > 0
// chooses partition N (1-4 primary, 5 and up logical) and needs an MBR.
func FindVolume(r io.ReaderAt, size int64, part int) (off, n int64, err error) {
	var s [SectorSize]byte
	if err := readAt(r, s[:], 0, "sector 0"); err != nil {
		return 0, 0, err
	}
	bs := DecodeBootSector(s[:])
	bsErr := bs.Validate(size)
	if part == 0 && bsErr == nil {
		return 0, size, nil
	}
	parts, err := Partitions(r, size)
	if err != nil {
		if errors.Is(err, ErrNoPartitionTable) && part == 0 {
			return 0, 0, fmt.Errorf("fat: sector 0 is neither a FAT boot sector (%v) nor a partition table", bsErr)
		}
		return 0, 0, err
	}
	for _, p := range parts {
		if part == 0 && p.IsFAT() || part != 0 && p.Number == part {
			if isExtended(p.Type) {
				return 0, 0, fmt.Errorf("fat: partition %d is the extended partition; its logical drives are 5 and up", p.Number)
			}
			return p.Start, p.Size, nil
		}
	}
	if part == 0 {
		return 0, 0, fmt.Errorf("fat: the partition table has no FAT partition (%s)", describe(parts))
	}
	return 0, 0, fmt.Errorf("fat: there is no partition %d (%s)", part, describe(parts))
}

func describe(parts []Partition) string {
	if len(parts) == 0 {
		return "it is empty"
	}
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%d: type %02Xh", p.Number, p.Type)
	}
	return "partitions " + s
}
