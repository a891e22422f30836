package vhd

import "fmt"

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

// zeroCHSWarning says, for a footer whose disk_geometry has a zero field
// (no disk has 0 cylinders, heads or sectors), which size is used instead:
// current_size. Check and Open report it as a warning.
func zeroCHSWarning(file string, ft *Footer) string {
	g := ft.Geometry
	if g.Cylinders != 0 && g.Heads != 0 && g.SectorsPerTrack != 0 {
		return ""
	}
	return fmt.Sprintf("vhd: %s: footer: disk_geometry %d/%d/%d cannot be a disk (a zero field): the size is current_size, %d bytes, and a geometry is derived from it",
		file, g.Cylinders, g.Heads, g.SectorsPerTrack, ft.CurrentSize)
}
