package fat

import (
	"encoding/binary"
	"fmt"
	"math/bits"
)

// Type is the FAT variant, decided by the count of clusters alone [FAT "FAT
// Type Determination"].
type Type int

const (
	FAT12 Type = 12
	FAT16 Type = 16
	FAT32 Type = 32
)

func (t Type) String() string { return fmt.Sprintf("FAT%d", int(t)) }

// Cluster-count limits of the FAT types [FAT "FAT Type Determination"]: a
// volume with fewer than 4085 clusters is FAT12, with fewer than 65525
// FAT16, otherwise FAT32. These are the only rule; the BPB_FilSysType
// string is not looked at.
const (
	MaxClusters12 = 4084
	MaxClusters16 = 65524
	// MaxClusters32 keeps cluster numbers below 0x0FFFFFF7 (bad cluster)
	// in the 28 bits FAT32 uses.
	MaxClusters32 = 0x0FFFFFF5
)

// TypeFor is the FAT type of a volume with the given number of clusters.
func TypeFor(clusters uint32) Type {
	switch {
	case clusters <= MaxClusters12:
		return FAT12
	case clusters <= MaxClusters16:
		return FAT16
	}
	return FAT32
}

// BootSector is sector 0 of a volume: the jump, the BIOS Parameter Block
// and the extended boot record [FAT "Boot Sector and BPB"]. The field
// comments give the specification's names.
type BootSector struct {
	Jump              [3]byte // BS_jmpBoot: EB xx 90 or E9 xx xx
	OEMName           [8]byte // BS_OEMName
	BytesPerSector    uint16  // BPB_BytsPerSec: 512, 1024, 2048 or 4096
	SectorsPerCluster uint8   // BPB_SecPerClus: a power of two
	ReservedSectors   uint16  // BPB_RsvdSecCnt
	NumFATs           uint8   // BPB_NumFATs
	RootEntries       uint16  // BPB_RootEntCnt: 0 on FAT32
	TotalSectors16    uint16  // BPB_TotSec16: 0 when BPB_TotSec32 holds the count
	Media             uint8   // BPB_Media: F0h, F8h-FFh, also in the low byte of FAT[0]
	FATSize16         uint16  // BPB_FATSz16: 0 on FAT32
	SectorsPerTrack   uint16  // BPB_SecPerTrk
	Heads             uint16  // BPB_NumHeads
	HiddenSectors     uint32  // BPB_HiddSec: sectors before the volume on its disk
	TotalSectors32    uint32  // BPB_TotSec32

	// FAT32 only (BPB_FATSz16 is 0) [FAT "FAT32 Structure Starting at Offset 36"].
	FATSize32        uint32 // BPB_FATSz32
	ExtFlags         uint16 // BPB_ExtFlags: bit 7 set: only FAT number bits 0-3 is active
	FSVersion        uint16 // BPB_FSVer: 0.0
	RootCluster      uint32 // BPB_RootClus
	FSInfoSector     uint16 // BPB_FSInfo
	BackupBootSector uint16 // BPB_BkBootSec

	// The extended boot record, at offset 36 (FAT12/16) or 64 (FAT32).
	DriveNumber   uint8    // BS_DrvNum: 00h floppy, 80h hard disk
	BootSignature uint8    // BS_BootSig: 29h when the next three are present
	VolumeID      uint32   // BS_VolID
	VolumeLabel   [11]byte // BS_VolLab
	FSType        [8]byte  // BS_FilSysType: informational only

	// Code is the rest of the sector (boot code), kept so that Encode
	// reproduces a decoded sector: the bytes from the end of the extended
	// boot record to offset 510.
	Code []byte

	Signature uint16 // Signature_word at offset 510: BootSignature (AA55h)
}

// IsFAT32Layout reports whether the BPB has the FAT32 layout (BPB_FATSz16
// is 0 and the FAT32 fields follow at offset 36).
func (b *BootSector) IsFAT32Layout() bool { return b.FATSize16 == 0 }

// TotalSectors is BPB_TotSec16, or BPB_TotSec32 when that is 0.
func (b *BootSector) TotalSectors() uint32 {
	if b.TotalSectors16 != 0 {
		return uint32(b.TotalSectors16)
	}
	return b.TotalSectors32
}

// FATSize is the size of one FAT in sectors: BPB_FATSz16 or BPB_FATSz32.
func (b *BootSector) FATSize() uint32 {
	if b.FATSize16 != 0 {
		return uint32(b.FATSize16)
	}
	return b.FATSize32
}

// RootDirSectors is the size of the FAT12/16 root directory in sectors,
// rounded up [FAT "FAT Data Structure"].
func (b *BootSector) RootDirSectors() uint32 {
	if b.BytesPerSector == 0 {
		return 0
	}
	bps := uint32(b.BytesPerSector)
	return (uint32(b.RootEntries)*DirEntrySize + bps - 1) / bps
}

// FirstDataSector is the sector of cluster 2, counted from the boot sector.
func (b *BootSector) FirstDataSector() uint32 {
	return uint32(b.ReservedSectors) + uint32(b.NumFATs)*b.FATSize() + b.RootDirSectors()
}

// Clusters is the count of data clusters (numbered 2 to Clusters+1).
func (b *BootSector) Clusters() uint32 {
	first := b.FirstDataSector()
	if b.SectorsPerCluster == 0 || b.TotalSectors() <= first {
		return 0
	}
	return (b.TotalSectors() - first) / uint32(b.SectorsPerCluster)
}

// Type is the FAT type by the count of clusters.
func (b *BootSector) Type() Type { return TypeFor(b.Clusters()) }

// ebrOffset is where the extended boot record starts.
func (b *BootSector) ebrOffset() int {
	if b.IsFAT32Layout() {
		return 64
	}
	return 36
}

// BootSignature is the word at offset 510 of a boot sector (and an MBR):
// bytes 55h AAh [FAT "Boot Sector and BPB"].
const BootSignature = 0xAA55

// DecodeBootSector decodes a boot sector (at least 512 bytes) without
// validating it; Validate does that.
func DecodeBootSector(s []byte) BootSector {
	le := binary.LittleEndian
	var b BootSector
	copy(b.Jump[:], s[0:3])
	copy(b.OEMName[:], s[3:11])
	b.BytesPerSector = le.Uint16(s[11:])
	b.SectorsPerCluster = s[13]
	b.ReservedSectors = le.Uint16(s[14:])
	b.NumFATs = s[16]
	b.RootEntries = le.Uint16(s[17:])
	b.TotalSectors16 = le.Uint16(s[19:])
	b.Media = s[21]
	b.FATSize16 = le.Uint16(s[22:])
	b.SectorsPerTrack = le.Uint16(s[24:])
	b.Heads = le.Uint16(s[26:])
	b.HiddenSectors = le.Uint32(s[28:])
	b.TotalSectors32 = le.Uint32(s[32:])
	if b.IsFAT32Layout() {
		b.FATSize32 = le.Uint32(s[36:])
		b.ExtFlags = le.Uint16(s[40:])
		b.FSVersion = le.Uint16(s[42:])
		b.RootCluster = le.Uint32(s[44:])
		b.FSInfoSector = le.Uint16(s[48:])
		b.BackupBootSector = le.Uint16(s[50:])
	}
	e := b.ebrOffset()
	b.DriveNumber = s[e]
	b.BootSignature = s[e+2]
	b.VolumeID = le.Uint32(s[e+3:])
	copy(b.VolumeLabel[:], s[e+7:e+18])
	copy(b.FSType[:], s[e+18:e+26])
	b.Code = append([]byte(nil), s[e+26:510]...)
	b.Signature = le.Uint16(s[510:])
	return b
}

// Encode writes the boot sector into s (512 bytes or more). Bytes of s that the structure does not
// cover (beyond 512) are left alone.
func (b *BootSector) Encode(s []byte) {
	le := binary.LittleEndian
	clear(s[:512])
	copy(s[0:3], b.Jump[:])
	copy(s[3:11], b.OEMName[:])
	le.PutUint16(s[11:], b.BytesPerSector)
	s[13] = b.SectorsPerCluster
	le.PutUint16(s[14:], b.ReservedSectors)
	s[16] = b.NumFATs
	le.PutUint16(s[17:], b.RootEntries)
	le.PutUint16(s[19:], b.TotalSectors16)
	s[21] = b.Media
	le.PutUint16(s[22:], b.FATSize16)
	le.PutUint16(s[24:], b.SectorsPerTrack)
	le.PutUint16(s[26:], b.Heads)
	le.PutUint32(s[28:], b.HiddenSectors)
	le.PutUint32(s[32:], b.TotalSectors32)
	if b.IsFAT32Layout() {
		le.PutUint32(s[36:], b.FATSize32)
		le.PutUint16(s[40:], b.ExtFlags)
		le.PutUint16(s[42:], b.FSVersion)
		le.PutUint32(s[44:], b.RootCluster)
		le.PutUint16(s[48:], b.FSInfoSector)
		le.PutUint16(s[50:], b.BackupBootSector)
	}
	e := b.ebrOffset()
	s[e] = b.DriveNumber
	s[e+2] = b.BootSignature
	le.PutUint32(s[e+3:], b.VolumeID)
	copy(s[e+7:e+18], b.VolumeLabel[:])
	copy(s[e+18:e+26], b.FSType[:])
	copy(s[e+26:510], b.Code)
	le.PutUint16(s[510:], b.Signature)
}

const structBoot = "boot sector"

// Validate checks the BPB against [FAT "Boot Sector and BPB"] and against
// the size of the partition or image that holds the volume (in bytes; 0
// when unknown). The error names the field at fault.
func (b *BootSector) Validate(size int64) error {
	bad := func(field, format string, args ...any) error {
		return formatErr(structBoot, field, format, args...)
	}
	if b.Signature != BootSignature {
		return bad("Signature_word", "%04Xh is not AA55h: no boot sector here", b.Signature)
	}
	if !(b.Jump[0] == 0xEB && b.Jump[2] == 0x90) && b.Jump[0] != 0xE9 {
		return bad("BS_jmpBoot", "% X is not a jump (EB xx 90 or E9 xx xx): no FAT boot sector here", b.Jump[:])
	}
	switch b.BytesPerSector {
	case 512, 1024, 2048, 4096:
	default:
		return bad("BPB_BytsPerSec", "%d is not 512, 1024, 2048 or 4096", b.BytesPerSector)
	}
	if b.SectorsPerCluster == 0 || bits.OnesCount8(b.SectorsPerCluster) != 1 {
		return bad("BPB_SecPerClus", "%d is not a power of two", b.SectorsPerCluster)
	}
	// [FAT] limits a cluster to 32 KiB; Windows NT and mkfs.fat also make
	// 64 KiB clusters, which are read here too.
	if cs := int(b.BytesPerSector) * int(b.SectorsPerCluster); cs > 64<<10 {
		return bad("BPB_SecPerClus", "%d makes %d-byte clusters, more than 64 KiB", b.SectorsPerCluster, cs)
	}
	if b.ReservedSectors == 0 {
		return bad("BPB_RsvdSecCnt", "is 0: the boot sector itself is reserved")
	}
	if b.NumFATs == 0 {
		return bad("BPB_NumFATs", "is 0")
	}
	if b.Media != 0xF0 && b.Media < 0xF8 {
		return bad("BPB_Media", "%02Xh is not F0h or F8h-FFh", b.Media)
	}
	if b.IsFAT32Layout() && b.RootEntries != 0 {
		return bad("BPB_FATSz16", "is 0 (the FAT32 layout) but BPB_RootEntCnt is %d, which FAT32 does not have", b.RootEntries)
	}
	total := b.TotalSectors()
	if total == 0 {
		return bad("BPB_TotSec32", "is 0 and so is BPB_TotSec16")
	}
	if b.FATSize() == 0 {
		return bad("BPB_FATSz32", "is 0 and so is BPB_FATSz16")
	}
	// In 64 bits: a corrupt BPB_FATSz32 times BPB_NumFATs overflows 32.
	meta := uint64(b.ReservedSectors) + uint64(b.NumFATs)*uint64(b.FATSize()) + uint64(b.RootDirSectors())
	if meta >= uint64(total) {
		return bad("BPB_TotSec32", "%d sectors leave no room for data after %d reserved, FAT and root directory sectors", total, meta)
	}
	if size > 0 && int64(total)*int64(b.BytesPerSector) > size {
		field := "BPB_TotSec32"
		if b.TotalSectors16 != 0 {
			field = "BPB_TotSec16"
		}
		return bad(field, "%d sectors of %d bytes extend beyond the %d bytes of the partition or image", total, b.BytesPerSector, size)
	}
	clusters := b.Clusters()
	if clusters == 0 {
		return bad("BPB_TotSec32", "%d sectors hold no whole cluster of data", total)
	}
	t := TypeFor(clusters)
	if b.IsFAT32Layout() != (t == FAT32) {
		if t == FAT32 {
			return bad("BPB_FATSz16", "%d: a volume of %d clusters is FAT32, whose BPB_FATSz16 must be 0", b.FATSize16, clusters)
		}
		return bad("BPB_FATSz16", "is 0 (the FAT32 layout) but %d clusters make a %v volume", clusters, t)
	}
	// The FAT must have an entry for every cluster and the two reserved ones.
	need := (uint64(clusters) + 2) * uint64(t) / 8
	if t == FAT12 {
		need = (uint64(clusters) + 2) * 3 / 2
	}
	if have := uint64(b.FATSize()) * uint64(b.BytesPerSector); have < need {
		return bad("BPB_FATSz", "%d sectors (%d bytes) are too few for the %d entries of %d clusters", b.FATSize(), have, clusters+2, clusters)
	}
	if t == FAT32 {
		if b.RootEntries != 0 {
			return bad("BPB_RootEntCnt", "is %d; it must be 0 on FAT32", b.RootEntries)
		}
		if b.FSVersion != 0 {
			return bad("BPB_FSVer", "%d.%d is not 0.0", b.FSVersion>>8, b.FSVersion&0xFF)
		}
		if b.RootCluster < 2 || b.RootCluster > clusters+1 {
			return bad("BPB_RootClus", "%d is not a cluster of the volume (2 to %d)", b.RootCluster, clusters+1)
		}
		if b.ExtFlags&0x80 != 0 && int(b.ExtFlags&0x0F) >= int(b.NumFATs) {
			return bad("BPB_ExtFlags", "%04Xh makes FAT %d active but there are %d", b.ExtFlags, b.ExtFlags&0x0F, b.NumFATs)
		}
		if b.FSInfoSector != 0 && b.FSInfoSector != 0xFFFF && b.FSInfoSector >= b.ReservedSectors {
			return bad("BPB_FSInfo", "%d is not a reserved sector (there are %d)", b.FSInfoSector, b.ReservedSectors)
		}
	} else if b.RootEntries == 0 {
		return bad("BPB_RootEntCnt", "is 0: a %v volume needs a root directory", t)
	}
	return nil
}

// FSInfo is the FAT32 FSInfo sector [FAT "FAT32 FSInfo Sector Structure and
// Backup Boot Sector"]: hints, never trusted for correctness.
type FSInfo struct {
	FreeCount uint32 // FSI_Free_Count: free clusters, FFFFFFFFh unknown
	NextFree  uint32 // FSI_Nxt_Free: where to start looking, FFFFFFFFh unknown
}

// FSInfo signatures.
const (
	fsInfoLeadSig  = 0x41615252 // FSI_LeadSig "RRaA"
	fsInfoStrucSig = 0x61417272 // FSI_StrucSig "rrAa"
	fsInfoTrailSig = 0xAA550000 // FSI_TrailSig
	// Unknown is FSI_Free_Count and FSI_Nxt_Free's "not known" value.
	Unknown = 0xFFFFFFFF
)

// DecodeFSInfo decodes an FSInfo sector; ok is false when a signature is
// wrong.
func DecodeFSInfo(s []byte) (fi FSInfo, ok bool) {
	le := binary.LittleEndian
	ok = le.Uint32(s[0:]) == fsInfoLeadSig && le.Uint32(s[484:]) == fsInfoStrucSig && le.Uint32(s[508:]) == fsInfoTrailSig
	return FSInfo{FreeCount: le.Uint32(s[488:]), NextFree: le.Uint32(s[492:])}, ok
}

// Encode writes the FSInfo sector into s (512 bytes), signatures included.
func (fi *FSInfo) Encode(s []byte) {
	le := binary.LittleEndian
	clear(s[:512])
	le.PutUint32(s[0:], fsInfoLeadSig)
	le.PutUint32(s[484:], fsInfoStrucSig)
	le.PutUint32(s[488:], fi.FreeCount)
	le.PutUint32(s[492:], fi.NextFree)
	le.PutUint32(s[508:], fsInfoTrailSig)
}
