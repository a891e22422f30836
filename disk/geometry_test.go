package disk

import (
	"testing"

	"pcemu/ide"
	"pcemu/vhd"
)

func geo(c, h, s int) ide.Geometry {
	return ide.Geometry{Cylinders: c, Heads: h, SectorsPerTrack: s}
}

func vgeo(c, h, s int) vhd.Geometry {
	return vhd.Geometry{Cylinders: c, Heads: h, SectorsPerTrack: s}
}

// The recorded (VHD footer) geometry is kept when it is ATA-valid and fits
// the disk, else derived from the size.
func TestATAGeometry(t *testing.T) {
	for _, v := range []struct {
		chs  vhd.Geometry
		size int64
		want ide.Geometry
	}{
		{vgeo(964, 4, 17), 65552 * 512, geo(964, 4, 17)},
		{vgeo(16383, 16, 63), 16383 * 16 * 63 * 512, geo(16383, 16, 63)},
		// 63 sectors but too many cylinders: the largest ATA geometry.
		{vgeo(20000, 16, 63), 20000 * 16 * 63 * 512, geo(16383, 16, 63)},
		// 255 sectors per track (disks from 31.5 GiB).
		{vgeo(16191, 16, 255), 65535 * 16 * 63 * 512, geo(16383, 16, 63)},
		// force_size: the CHS means nothing, derive it from the size.
		{vgeo(65535, 16, 255), 1 << 20, geo(30, 4, 17)},
		{vgeo(65535, 16, 255), 10 << 20, geo(301, 4, 17)},
		// A zero field (a "qemu" footer with 0 cylinders): from the size.
		{vgeo(0, 4, 17), 10 << 20, geo(301, 4, 17)},
		// More than the disk holds.
		{vgeo(964, 4, 17), 1 << 20, geo(30, 4, 17)},
	} {
		if got := ATAGeometry(v.chs, v.size); got != v.want {
			t.Errorf("ATAGeometry(%v, %d) = %+v, want %+v", v.chs, v.size, got, v.want)
		}
	}
}

// Without a recorded geometry (a raw image) the translation follows the
// VHD specification's algorithm while it fits ATA, so a raw image and the
// same disk as a VHD look alike, and saturates at 16383/16/63.
func TestATAGeometryForSize(t *testing.T) {
	for _, v := range []struct {
		sectors int64
		want    ide.Geometry
	}{
		{0, geo(1, 4, 17)},
		{1, geo(1, 4, 17)},
		{10, geo(1, 4, 17)},
		{20000, geo(294, 4, 17)},
		{20480, geo(301, 4, 17)},
		{65552, geo(964, 4, 17)}, // the FreeDOS disk: 32 MiB + 8 KiB
		{300000, geo(604, 16, 31)},
		{1 << 21, geo(2080, 16, 63)}, // 1 GiB
		{16383*16*63 - 1, geo(16382, 16, 63)},
		{16383 * 16 * 63, geo(16383, 16, 63)},
		{16383*16*63 + 16*63, geo(16383, 16, 63)},
		{65535 * 16 * 63, geo(16383, 16, 63)},
		{1 << 32, geo(16383, 16, 63)},
		{vhd.MaxSize / 512, geo(16383, 16, 63)},
	} {
		if got := ATAGeometry(vhd.Geometry{}, v.sectors*512); got != v.want {
			t.Errorf("ATAGeometry of %d sectors = %v, want %v", v.sectors, got, v.want)
		}
	}
	// Every size gets a valid geometry that the disk holds.
	for s := int64(1); s < 1<<33; s = s*5/4 + 1 {
		for _, n := range []int64{s, s + 1, s*17 - 1, s * 63} {
			g := ATAGeometry(vhd.Geometry{}, n*512)
			if !g.Valid() || (int64(g.Cylinders*g.Heads*g.SectorsPerTrack) > n && g.Cylinders > 1) {
				t.Fatalf("%d sectors: %v", n, g)
			}
		}
	}
}
