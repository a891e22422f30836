package fat

import (
	"encoding/binary"
	"time"
	"unicode/utf16"
)

// DirEntrySize is the size of a directory entry [FAT "FAT Directory Structure"].
const DirEntrySize = 32

// Attr is DIR_Attr.
type Attr uint8

const (
	AttrReadOnly  Attr = 0x01
	AttrHidden    Attr = 0x02
	AttrSystem    Attr = 0x04
	AttrVolumeID  Attr = 0x08
	AttrDirectory Attr = 0x10
	AttrArchive   Attr = 0x20
	// AttrLongName marks a long-name entry: read-only, hidden, system and
	// volume ID together [FAT "FAT Long Directory Entries"].
	AttrLongName Attr = 0x0F
)

// First bytes of DIR_Name with a meaning of their own.
const (
	entryFree    = 0x00 // this entry and all after it are free
	entryDeleted = 0xE5 // this entry is free
	entryKanji   = 0x05 // the name really starts with E5h
)

// NT case flags in DIR_NTRes, as Windows NT and Linux keep them: the base
// name or the extension is shown in lower case (not in [FAT], which calls
// the byte reserved).
const (
	ntLowerBase = 0x08
	ntLowerExt  = 0x10
)

// RawEntry is a 32-byte short directory entry [FAT "FAT Directory Structure"].
type RawEntry struct {
	Name        [11]byte // DIR_Name: 8 bytes of base, 3 of extension, space-padded
	Attr        Attr     // DIR_Attr
	NTRes       uint8    // DIR_NTRes: NT case flags
	CreateTenth uint8    // DIR_CrtTimeTenth: 0-199, units of 10 ms
	CreateTime  uint16   // DIR_CrtTime
	CreateDate  uint16   // DIR_CrtDate
	AccessDate  uint16   // DIR_LstAccDate
	ClusterHi   uint16   // DIR_FstClusHI: 0 on FAT12/16
	WriteTime   uint16   // DIR_WrtTime
	WriteDate   uint16   // DIR_WrtDate
	ClusterLo   uint16   // DIR_FstClusLO
	Size        uint32   // DIR_FileSize: 0 for directories
}

// Cluster is the entry's first cluster, 0 for an empty file.
func (e *RawEntry) Cluster() uint32 { return uint32(e.ClusterHi)<<16 | uint32(e.ClusterLo) }

// SetCluster stores c in DIR_FstClusHI and DIR_FstClusLO.
func (e *RawEntry) SetCluster(c uint32) { e.ClusterHi, e.ClusterLo = uint16(c>>16), uint16(c) }

// DecodeEntry decodes a short entry.
func DecodeEntry(b []byte) RawEntry {
	le := binary.LittleEndian
	var e RawEntry
	copy(e.Name[:], b[0:11])
	e.Attr = Attr(b[11])
	e.NTRes = b[12]
	e.CreateTenth = b[13]
	e.CreateTime = le.Uint16(b[14:])
	e.CreateDate = le.Uint16(b[16:])
	e.AccessDate = le.Uint16(b[18:])
	e.ClusterHi = le.Uint16(b[20:])
	e.WriteTime = le.Uint16(b[22:])
	e.WriteDate = le.Uint16(b[24:])
	e.ClusterLo = le.Uint16(b[26:])
	e.Size = le.Uint32(b[28:])
	return e
}

// Encode writes the entry into b (32 bytes).
func (e *RawEntry) Encode(b []byte) {
	le := binary.LittleEndian
	copy(b[0:11], e.Name[:])
	b[11] = byte(e.Attr)
	b[12] = e.NTRes
	b[13] = e.CreateTenth
	le.PutUint16(b[14:], e.CreateTime)
	le.PutUint16(b[16:], e.CreateDate)
	le.PutUint16(b[18:], e.AccessDate)
	le.PutUint16(b[20:], e.ClusterHi)
	le.PutUint16(b[22:], e.WriteTime)
	le.PutUint16(b[24:], e.WriteDate)
	le.PutUint16(b[26:], e.ClusterLo)
	le.PutUint32(b[28:], e.Size)
}

// LongEntry is one long-name entry: 13 UTF-16 code units of the name
// [FAT "FAT Long Directory Entries"]. The entries of a name precede its
// short entry in reverse order, the last one first with Ord|40h.
type LongEntry struct {
	Ord      uint8      // LDIR_Ord: 1, 2, ...; 40h marks the last (first stored)
	Name     [13]uint16 // LDIR_Name1 (5), LDIR_Name2 (6), LDIR_Name3 (2)
	Checksum uint8      // LDIR_Chksum of the short name
}

const (
	lastLongEntry = 0x40
	longNameChars = 13
	// MaxLongName is the longest long name in UTF-16 code units.
	MaxLongName = 255
)

// longNameOffsets are the byte offsets of the 13 characters in the entry.
var longNameOffsets = [longNameChars]int{1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30}

// DecodeLongEntry decodes a long-name entry.
func DecodeLongEntry(b []byte) LongEntry {
	var l LongEntry
	l.Ord = b[0]
	for i, o := range longNameOffsets {
		l.Name[i] = binary.LittleEndian.Uint16(b[o:])
	}
	l.Checksum = b[13]
	return l
}

// Encode writes the long entry into b (32 bytes): LDIR_Attr 0Fh, LDIR_Type
// and LDIR_FstClusLO 0.
func (l *LongEntry) Encode(b []byte) {
	clear(b[:DirEntrySize])
	b[0] = l.Ord
	for i, o := range longNameOffsets {
		binary.LittleEndian.PutUint16(b[o:], l.Name[i])
	}
	b[11] = byte(AttrLongName)
	b[13] = l.Checksum
}

// Checksum is the long-name checksum of an 11-byte short name: a rotate
// right by one and an add per byte [FAT "FAT Long Directory Entries",
// ChkSum].
func Checksum(name [11]byte) uint8 {
	var sum uint8
	for _, c := range name {
		sum = (sum>>1 | sum<<7) + c
	}
	return sum
}

// LongEntries splits a long name into its entries, in the order they are
// stored (last part first), for the short name whose checksum is sum. The
// name is NUL-terminated unless it fills the last entry exactly, and
// padded with FFFFh. An empty name has none.
func LongEntries(name string, sum uint8) []LongEntry {
	u := utf16.Encode([]rune(name))
	n := (len(u) + longNameChars - 1) / longNameChars
	if n == 0 {
		return nil
	}
	out := make([]LongEntry, n)
	for i := range n {
		l := LongEntry{Ord: uint8(i + 1), Checksum: sum}
		for j := range longNameChars {
			k := i*longNameChars + j
			switch {
			case k < len(u):
				l.Name[j] = u[k]
			case k == len(u):
				l.Name[j] = 0
			default:
				l.Name[j] = 0xFFFF
			}
		}
		if i == n-1 {
			l.Ord |= lastLongEntry
		}
		out[n-1-i] = l
	}
	return out
}

// DOS dates and times [FAT "Date and Time Formats"]: the date counts from
// 1980 (bits 15-9 year-1980, 8-5 month, 4-0 day), the time in two-second
// units (15-11 hours, 10-5 minutes, 4-0 seconds/2), in local time.

// DOSDateTime encodes t (in loc) as a DOS date, time and tenths (10 ms
// units, 0-199, for the creation time). Times before 1980 or after 2107
// are clamped to the first or last representable second.
func DOSDateTime(t time.Time, loc *time.Location) (date, tm uint16, tenth uint8) {
	t = t.In(loc)
	switch {
	case t.Year() < 1980:
		return 1<<5 | 1, 0, 0
	case t.Year() > 2107:
		return 127<<9 | 12<<5 | 31, 23<<11 | 59<<5 | 29, 199
	}
	date = uint16(t.Year()-1980)<<9 | uint16(t.Month())<<5 | uint16(t.Day())
	tm = uint16(t.Hour())<<11 | uint16(t.Minute())<<5 | uint16(t.Second()/2)
	tenth = uint8(t.Second()%2*100 + t.Nanosecond()/10_000_000)
	return date, tm, tenth
}

// DOSTime decodes a DOS date and time (and tenths) in loc. A zero date is
// the zero time.
func DOSTime(date, tm uint16, tenth uint8, loc *time.Location) time.Time {
	if date == 0 {
		return time.Time{}
	}
	ns := int(min(tenth, 199)) * 10_000_000
	return time.Date(1980+int(date>>9), time.Month(date>>5&15), int(date&31),
		int(tm>>11), int(tm>>5&63), int(tm&31)*2, ns, loc)
}
