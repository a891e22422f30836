package ide

import (
	"strings"
	"testing"
)

func words(b []byte) []uint16 {
	w := make([]uint16, len(b)/2)
	for i := range w {
		w[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	return w
}

func ataString(w []uint16) string {
	var sb strings.Builder
	for _, v := range w {
		sb.WriteByte(byte(v >> 8))
		sb.WriteByte(byte(v))
	}
	return sb.String()
}

func identify(t *testing.T, h *host, unit int) []uint16 {
	t.Helper()
	h.selectDev(unit, false, 0)
	before := h.irq.raises
	b, s := h.pioIn(cmdIdentify, 1, 1)
	h.expectOK(s, "IDENTIFY DEVICE")
	if h.irq.raises-before != 1 {
		t.Errorf("IDENTIFY: %d interrupts, want 1", h.irq.raises-before)
	}
	if len(b) != 512 {
		t.Fatalf("IDENTIFY gave %d bytes", len(b))
	}
	return words(b)
}

// IDENTIFY DEVICE words against ATA/ATAPI-6 Table 27 (and ATA-2 for the
// CHS words).
func TestIdentifyWords(t *testing.T) {
	const sectors = 300000 // 146 MiB: the geometry disk.ATAGeometry gives it
	m := newMemDrive(sectors)
	m.geo = Geometry{604, 16, 31}
	h := newHost(t, m, nil)
	w := identify(t, h, 0)
	check := func(word int, got, want uint16, what string) {
		t.Helper()
		if got != want {
			t.Errorf("word %d (%s) = %04Xh, want %04Xh", word, what, got, want)
		}
	}
	check(0, w[0]&0x8000, 0, "ATA device: bit 15 clear")
	check(1, w[1], 604, "default cylinders")
	check(3, w[3], 16, "default heads")
	check(6, w[6], 31, "default sectors per track")
	if s := ataString(w[27:47]); strings.TrimRight(s, " ") != modelNumber || len(s) != 40 {
		t.Errorf("model %q", s)
	}
	if s := ataString(w[23:27]); strings.TrimRight(s, " ") != firmwareRevision {
		t.Errorf("firmware %q", s)
	}
	serial := ataString(w[10:20])
	if strings.TrimSpace(serial) == "" || strings.ContainsFunc(serial, func(r rune) bool { return r < 0x20 || r > 0x7E }) {
		t.Errorf("serial %q", serial)
	}
	check(47, w[47]&0xFF00, 0x8000, "bits 15:8 = 80h")
	check(47, w[47]&0xFF, 16, "max multiple")
	check(49, w[49]&(1<<9), 1<<9, "LBA supported")
	check(49, w[49]&(1<<8), 0, "no DMA")
	check(50, w[50]&0xC000, 0x4000, "bit 14 one, bit 15 zero")
	check(53, w[53]&3, 3, "words 54-58 and 64-70 valid")
	check(54, w[54], 604, "current cylinders")
	check(55, w[55], 16, "current heads")
	check(56, w[56], 31, "current sectors")
	check(57, w[57], uint16(604*16*31&0xFFFF), "current capacity low")
	check(58, w[58], uint16(604*16*31>>16), "current capacity high")
	check(59, w[59], 0, "multiple disabled at power-on")
	check(60, w[60], uint16(sectors&0xFFFF), "LBA28 capacity low")
	check(61, w[61], uint16(sectors>>16), "LBA28 capacity high")
	check(64, w[64]&3, 3, "PIO 3 and 4")
	check(80, w[80]&(1<<6), 1<<6, "ATA/ATAPI-6 supported")
	check(83, w[83]&0xC000, 0x4000, "bit 14 one, 15 zero")
	check(83, w[83]&(1<<10), 1<<10, "48-bit address supported")
	check(83, w[83]&(1<<12), 1<<12, "FLUSH CACHE supported")
	check(84, w[84]&0xC000, 0x4000, "bit 14 one")
	check(86, w[86]&(1<<10), 1<<10, "48-bit address enabled")
	check(87, w[87]&0xC000, 0x4000, "bit 14 one")
	check(85, w[85]&(1<<5), 1<<5, "write cache enabled")
	check(93, w[93]&0xC000, 0x4000, "reset result valid")
	lba48 := uint64(w[100]) | uint64(w[101])<<16 | uint64(w[102])<<32 | uint64(w[103])<<48
	if lba48 != sectors {
		t.Errorf("words 100-103 = %d, want %d", lba48, sectors)
	}
	// Word 255: signature A5h; all 512 bytes sum to zero.
	check(255, w[255]&0xFF, 0xA5, "integrity signature")
	var sum uint8
	for _, v := range w {
		sum += uint8(v) + uint8(v>>8)
	}
	if sum != 0 {
		t.Errorf("IDENTIFY checksum: bytes sum to %02Xh, want 0", sum)
	}

	// Settings show up: INITIALIZE DEVICE PARAMETERS, SET MULTIPLE,
	// SET FEATURES (write cache off).
	h.selectDev(0, false, 7) // 8 heads
	h.setReg(regSectorCount, 32)
	h.command(cmdInitParams)
	h.expectOK(h.status(), "INITIALIZE DEVICE PARAMETERS")
	h.setReg(regSectorCount, 8)
	h.command(cmdSetMultiple)
	h.expectOK(h.status(), "SET MULTIPLE 8")
	h.setReg(regError, 0x82)
	h.command(cmdSetFeatures)
	h.expectOK(h.status(), "SET FEATURES 82h")
	w = identify(t, h, 0)
	check(54, w[54], uint16(sectors/(8*32)), "current cylinders after 91h")
	check(55, w[55], 8, "current heads after 91h")
	check(56, w[56], 32, "current sectors after 91h")
	c := uint32(sectors/(8*32)) * 8 * 32
	check(57, w[57], uint16(c), "current capacity after 91h")
	check(58, w[58], uint16(c>>16), "current capacity after 91h")
	check(1, w[1], 604, "default cylinders unchanged")
	check(59, w[59], 0x0108, "multiple setting valid, 8")
	check(85, w[85]&(1<<5), 0, "write cache disabled")
	sum = 0
	for _, v := range w {
		sum += uint8(v) + uint8(v>>8)
	}
	if sum != 0 {
		t.Errorf("IDENTIFY checksum after settings: %02Xh", sum)
	}
}

// Disks above the LBA28 and CHS limits report the capped values.
func TestIdentifyLargeDisk(t *testing.T) {
	const sectors = 0x10000123 // past 2^28
	d := &sizedDrive{sectors: sectors}
	h := newHost(t, d, nil)
	w := identify(t, h, 0)
	if w[1] != 16383 || w[3] != 16 || w[6] != 63 {
		t.Errorf("default CHS %d/%d/%d, want 16383/16/63", w[1], w[3], w[6])
	}
	if n := uint32(w[60]) | uint32(w[61])<<16; n != 0x0FFFFFFF {
		t.Errorf("words 60-61 = %Xh, want 0FFFFFFFh", n)
	}
	for _, n := range []int64{0x0FFFFFFF, 0x10000000} {
		h := newHost(t, &sizedDrive{sectors: n}, nil)
		w := identify(t, h, 0)
		if got := uint32(w[60]) | uint32(w[61])<<16; got != 0x0FFFFFFF {
			t.Errorf("%Xh sectors: words 60-61 = %Xh, want 0FFFFFFFh", n, got)
		}
	}
	if n := uint64(w[100]) | uint64(w[101])<<16 | uint64(w[102])<<32; n != sectors {
		t.Errorf("words 100-103 = %Xh", n)
	}
	// LBA28 cannot reach past 0FFFFFFEh; LBA48 can.
	h.setLBA28(0, 0x0FFFFFFF, 1)
	h.command(cmdReadSectors)
	h.expectError(h.status(), erIDNF, "LBA28 past words 60-61")
	h.setLBA48(0, 0x10000122, 1)
	_, s := h.pioIn(cmdReadSectorsExt, 1, 1)
	h.expectOK(s, "LBA48 last sector")
	if d.lastOff != 0x10000122*SectorSize {
		t.Errorf("LBA48 read went to byte %Xh", d.lastOff)
	}
}

// sizedDrive pretends to be a huge disk of zeros.
type sizedDrive struct {
	sectors int64
	lastOff int64
}

func (s *sizedDrive) ReadAt(p []byte, off int64) (int, error) {
	s.lastOff = off
	clear(p)
	return len(p), nil
}
func (s *sizedDrive) WriteAt(p []byte, off int64) (int, error) { s.lastOff = off; return len(p), nil }
func (s *sizedDrive) Size() int64                              { return s.sectors * SectorSize }
func (s *sizedDrive) ReadOnly() bool                           { return false }
func (s *sizedDrive) Flush() error                             { return nil }
func (s *sizedDrive) Geometry() Geometry                       { return Geometry{16383, 16, 63} }
