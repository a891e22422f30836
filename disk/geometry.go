package disk

import (
	"pcemu/ide"
	"pcemu/vhd"
)

// ATAGeometry is the default CHS translation a drive of size bytes reports
// in IDENTIFY DEVICE (words 1, 3, 6), given the geometry its image records
// (a VHD footer's CHS; the zero Geometry for a raw image). It is the one
// place the translation is decided; ide.Geometry.Valid is the one
// statement of the ATA limits, and the controller refuses a drive whose
// geometry breaks them.
//
//   - The recorded geometry, when it is valid for ATA and covers no more
//     than the disk, so that the BIOS's INT 13h AH=08h agrees with the
//     geometry the disk was partitioned with.
//   - Else the VHD specification's algorithm for the size ("Appendix: CHS
//     Calculation", the one qemu-img and Hyper-V use), with at least one
//     cylinder: a raw image and the same disk as a VHD look alike.
//   - Beyond 16383*16*63 sectors, where that algorithm leaves the ATA
//     limits, 16383/16/63, as ATA drives above 8.4 GB report (ATA/ATAPI-6,
//     IDENTIFY DEVICE words 1, 3, 6).
func ATAGeometry(recorded vhd.Geometry, size int64) ide.Geometry {
	if g := ide.Geometry(recorded); g.Valid() && recorded.Sectors()*ide.SectorSize <= size {
		return g
	}
	c := vhd.CHSFromSectors(size / ide.SectorSize)
	g := ide.Geometry{Cylinders: max(int(c.Cylinders), 1), Heads: int(c.Heads), SectorsPerTrack: int(c.SectorsPerTrack)}
	if g.Valid() {
		return g
	}
	return ide.Geometry{Cylinders: 16383, Heads: 16, SectorsPerTrack: 63}
}
