package vhd

// Geometry is a cylinder/head/sector geometry as plain ints.
type Geometry struct {
	Cylinders, Heads, SectorsPerTrack int
}

// Sectors is C*H*S.
func (g Geometry) Sectors() int64 {
	return int64(g.Cylinders) * int64(g.Heads) * int64(g.SectorsPerTrack)
}

func (g CHS) geometry() Geometry {
	return Geometry{int(g.Cylinders), int(g.Heads), int(g.SectorsPerTrack)}
}

// maxCHS is the largest geometry a footer can record; a footer holding it
// means "the size is in current_size" (QEMU's force_size, Hyper-V).
var maxCHS = CHS{65535, 16, 255}

// ATA limits of the default translation: 16 heads, 63 sectors per track,
// 16383 cylinders (ATA-2 "IDENTIFY DEVICE", words 1, 3, 6).
const (
	ataMaxCylinders = 16383
	ataMaxHeads     = 16
	ataMaxSectors   = 63
)

// CHSFromSectors is the geometry algorithm of [VHD "Appendix: CHS
// Calculation"], comparisons exactly as the specification writes them
// (>=, where old QEMU code used >). The result may cover fewer sectors than
// asked; see roundedCHS.
func CHSFromSectors(totalSectors int64) CHS {
	if totalSectors > maxGeometrySector {
		totalSectors = maxGeometrySector
	}
	if totalSectors < 0 {
		totalSectors = 0
	}
	var spt, heads, cth int64
	if totalSectors >= 65535*16*63 {
		spt = 255
		heads = 16
		cth = totalSectors / spt
	} else {
		spt = 17
		cth = totalSectors / spt
		heads = (cth + 1023) / 1024
		if heads < 4 {
			heads = 4
		}
		if cth >= heads*1024 || heads > 16 {
			spt = 31
			heads = 16
			cth = totalSectors / spt
		}
		if cth >= heads*1024 {
			spt = 63
			heads = 16
			cth = totalSectors / spt
		}
	}
	return CHS{uint16(cth / heads), uint8(heads), uint8(spt)}
}

// roundedCHS is the geometry qemu-img gives a new image of size bytes: it
// asks for one more sector at a time until C*H*S covers the size, so that
// converting never truncates. The returned size is C*H*S*512, or the
// exact size when the geometry tops out at 65535/16/255.
func roundedCHS(size int64) (CHS, int64) {
	total := size / SectorSize
	if size%SectorSize != 0 {
		total++
	}
	if total > maxGeometrySector {
		return maxCHS, total * SectorSize
	}
	var g CHS
	for i := int64(0); g.Sectors() < total; i++ {
		g = CHSFromSectors(total + i)
	}
	if g == maxCHS {
		return g, total * SectorSize
	}
	return g, g.Sectors() * SectorSize
}

// ataGeometry is a geometry a BIOS and an ATA drive can use: the VHD CHS
// when it fits the ATA limits and the disk, else ATAGeometryFor the size.
func ataGeometry(vhdCHS CHS, size int64) Geometry {
	if g := vhdCHS.geometry(); g.fitsATA() && vhdCHS.Sectors()*SectorSize <= size {
		return g
	}
	return ATAGeometryFor(size / SectorSize)
}

// ATAGeometryFor is the default ATA translation of a disk of the given
// number of sectors: the specification's algorithm (CHSFromSectors, at
// least one cylinder), which fits ATA below 16383*16*63 sectors, else the
// largest ATA geometry 16383/16/63 (ATA/ATAPI-6, IDENTIFY DEVICE words 1,
// 3, 6). A raw image and the same disk as a VHD so show one geometry.
func ATAGeometryFor(sectors int64) Geometry {
	g := CHSFromSectors(sectors).geometry()
	g.Cylinders = max(g.Cylinders, 1)
	if g.fitsATA() {
		return g
	}
	return Geometry{ataMaxCylinders, ataMaxHeads, ataMaxSectors}
}

// fitsATA reports whether g fits the ATA CHS registers and IDENTIFY words.
func (g Geometry) fitsATA() bool {
	return g.Cylinders >= 1 && g.Cylinders <= ataMaxCylinders && g.Heads >= 1 &&
		g.Heads <= ataMaxHeads && g.SectorsPerTrack >= 1 && g.SectorsPerTrack <= ataMaxSectors
}
