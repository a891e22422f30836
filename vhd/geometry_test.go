package vhd

import "testing"

// Vectors worked by hand from [VHD "Appendix: CHS Calculation"] at each
// branch of the algorithm. The ">=" rows are where old QEMU (">") differs.
func TestCHSFromSectorsVectors(t *testing.T) {
	for _, v := range []struct {
		sectors int64
		want    CHS
		why     string
	}{
		{0, CHS{0, 4, 17}, "empty"},
		{1, CHS{0, 4, 17}, "one sector"},
		{65552, CHS{964, 4, 17}, "freedos-hd.vhd"},
		{17*4*1024 - 1, CHS{1023, 4, 17}, "last 4-head 17-sector geometry"},
		{17 * 4 * 1024, CHS{140, 16, 31}, "cth == heads*1024: >= switches to 31 sectors (old QEMU > kept 1024/4/17)"},
		{17 * 4097, CHS{819, 5, 17}, "5 heads"},
		{17*16*1024 - 1, CHS{1023, 16, 17}, "last 17-sector geometry"},
		{17 * 16 * 1024, CHS{561, 16, 31}, "first 31-sector geometry from 16 heads"},
		{31*16*1024 - 1, CHS{1023, 16, 31}, "last 31-sector geometry"},
		{31 * 16 * 1024, CHS{503, 16, 63}, "first 63-sector geometry"},
		{65535*16*63 - 1, CHS{65534, 16, 63}, "last 63-sector geometry"},
		{65535 * 16 * 63, CHS{16191, 16, 255}, "totalSectors >= 65535*16*63: 255 sectors (old QEMU > gave 65535/16/63)"},
		{65535*16*255 - 1, CHS{65534, 16, 255}, "just below the maximum"},
		{65535 * 16 * 255, CHS{65535, 16, 255}, "maximum"},
		{65535*16*255 + 1, CHS{65535, 16, 255}, "clamped"},
		{MaxSize / 512, CHS{65535, 16, 255}, "2040 GiB clamped"},
	} {
		if got := CHSFromSectors(v.sectors); got != v.want {
			t.Errorf("CHSFromSectors(%d) = %v, want %v (%s)", v.sectors, got, v.want, v.why)
		}
	}
}

// roundedCHS matches qemu-img: the smallest CHS size >= the request.
func TestRoundedCHS(t *testing.T) {
	for _, v := range []struct {
		size     int64
		wantCHS  CHS
		wantSize int64
	}{
		{512, CHS{1, 4, 17}, 68 * 512},
		{32<<20 + 8<<10, CHS{964, 4, 17}, 32<<20 + 8<<10},
		{1 << 20, CHS{31, 4, 17}, 31 * 4 * 17 * 512},
		{65535 * 16 * 255 * 512, CHS{65535, 16, 255}, 65535 * 16 * 255 * 512},
		{200 << 30, CHS{65535, 16, 255}, 200 << 30},
	} {
		g, s := roundedCHS(v.size)
		if g != v.wantCHS || s != v.wantSize {
			t.Errorf("roundedCHS(%d) = %v %d, want %v %d", v.size, g, s, v.wantCHS, v.wantSize)
		}
	}
	// Never smaller than asked, at many sizes.
	for s := int64(512); s < 64<<30; s = s*3/2 + 512 {
		g, n := roundedCHS(s)
		if n < s || (g != maxCHS && g.Sectors()*512 != n) {
			t.Fatalf("roundedCHS(%d) = %v %d", s, g, n)
		}
	}
}
