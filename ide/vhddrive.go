package ide

import "pcemu/vhd"

// VHDDrive is a VHD image (fixed, dynamic or differencing) as a drive. Its
// default CHS translation is the image's ATA-valid geometry: the footer's
// CHS when it fits ATA, else one derived from the size.
type VHDDrive struct {
	*vhd.Disk
}

// NewVHDDrive wraps an open VHD image.
func NewVHDDrive(d *vhd.Disk) *VHDDrive { return &VHDDrive{d} }

// Geometry is the image's ATA geometry.
func (v *VHDDrive) Geometry() Geometry { return Geometry(v.Disk.ATAGeometry()) }
