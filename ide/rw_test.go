package ide

import (
	"fmt"
	"testing"
)

// drives under test: every read/write test runs on each.
type driveCase struct {
	name string
	make func(t testing.TB, sectors int64) (Drive, func(lba uint64, n int) []byte)
}

// rawCase backs the drive with a raw image file; contents are read back
// from the file itself, not through the controller.
var rawCase = driveCase{"raw", func(t testing.TB, sectors int64) (Drive, func(uint64, int) []byte) {
	r, _ := newRawFile(t, sectors)
	return r, func(lba uint64, n int) []byte {
		b := make([]byte, n*SectorSize)
		if _, err := r.f.ReadAt(b, int64(lba)*SectorSize); err != nil {
			t.Fatal(err)
		}
		return b
	}
}}

var memCase = driveCase{"mem", func(t testing.TB, sectors int64) (Drive, func(uint64, int) []byte) {
	m := newMemDrive(int(sectors))
	return m, func(lba uint64, n int) []byte {
		return append([]byte(nil), m.data[lba*SectorSize:(lba+uint64(n))*SectorSize]...)
	}
}}

// driveCases is extended by the VHD tests (fixed, dynamic, differencing).
var driveCases = []driveCase{rawCase, memCase}

func forEachDrive(t *testing.T, sectors int64, f func(t *testing.T, h *host, contents func(uint64, int) []byte)) {
	for _, dc := range driveCases {
		for _, bulk := range []bool{false, true} {
			path := "word"
			if bulk {
				path = "bulk"
			}
			t.Run(dc.name+"/"+path, func(t *testing.T) {
				d, contents := dc.make(t, sectors)
				h := newHost(t, d, nil)
				h.bulk = bulk
				f(t, h, contents)
			})
		}
	}
}

func TestReadWriteLBA28(t *testing.T) {
	const sectors = 20000
	forEachDrive(t, sectors, func(t *testing.T, h *host, contents func(uint64, int) []byte) {
		for _, tc := range []struct {
			lba   uint32
			count int
		}{{0, 1}, {1, 7}, {100, 255}, {sectors - 1, 1}, {sectors - 3, 3}, {4000, 256}} {
			data := pattern(uint64(tc.lba), tc.count, 1)
			h.setLBA28(0, tc.lba, uint8(tc.count))
			s := h.pioOut(cmdWriteSectors, data, 1)
			h.expectOK(s, fmt.Sprintf("WRITE SECTORS %d+%d", tc.lba, tc.count))
			if h.reg(regSectorCount) != 0 || h.lba28() != tc.lba+uint32(tc.count)-1 {
				t.Errorf("after write %d+%d: count %d, address %d; want 0 and the last sector", tc.lba, tc.count, h.reg(regSectorCount), h.lba28())
			}
			equalSectors(t, contents(uint64(tc.lba), tc.count), data, "image after WRITE SECTORS")

			h.setLBA28(0, tc.lba, uint8(tc.count))
			got, s := h.pioIn(cmdReadSectors, tc.count, 1)
			h.expectOK(s, "READ SECTORS")
			equalSectors(t, got, data, "READ SECTORS")
			if h.reg(regSectorCount) != 0 || h.lba28() != tc.lba+uint32(tc.count)-1 {
				t.Errorf("after read: count %d, address %d; want 0 and the last sector", h.reg(regSectorCount), h.lba28())
			}
		}
		// Without-retry opcodes behave the same.
		data := pattern(50, 2, 9)
		h.setLBA28(0, 50, 2)
		h.expectOK(h.pioOut(cmdWriteSectorsNR, data, 1), "WRITE SECTORS 31h")
		h.setLBA28(0, 50, 2)
		got, s := h.pioIn(cmdReadSectorsNoRetry, 2, 1)
		h.expectOK(s, "READ SECTORS 21h")
		equalSectors(t, got, data, "READ SECTORS 21h")
	})
}

func TestReadWriteCHS(t *testing.T) {
	const sectors = 20000 // a geometry of 17 (VHD) or 63 (others) sectors per track
	forEachDrive(t, sectors, func(t *testing.T, h *host, contents func(uint64, int) []byte) {
		g := h.channel().dev[0].defGeo
		last := g.Cylinders*g.Heads*g.SectorsPerTrack - 1
		for _, tc := range []struct{ c, hd, s, count int }{
			{0, 0, 1, 1},
			{0, 0, g.SectorsPerTrack, 2},                         // crosses to the next head
			{0, g.Heads - 1, g.SectorsPerTrack, 3},               // crosses to the next cylinder
			{g.Cylinders - 1, g.Heads - 1, g.SectorsPerTrack, 1}, // last CHS sector
			{3, 1, 5, 256},                                       // count 0
		} {
			lba := (tc.c*g.Heads+tc.hd)*g.SectorsPerTrack + tc.s - 1
			data := pattern(uint64(lba), tc.count, 2)
			h.setCHS(0, tc.c, tc.hd, tc.s, uint8(tc.count))
			h.expectOK(h.pioOut(cmdWriteSectors, data, 1), fmt.Sprintf("CHS write %v", tc))
			equalSectors(t, contents(uint64(lba), tc.count), data, "image after CHS write")
			h.setCHS(0, tc.c, tc.hd, tc.s, uint8(tc.count))
			got, s := h.pioIn(cmdReadSectors, tc.count, 1)
			h.expectOK(s, "CHS read")
			equalSectors(t, got, data, "CHS read")
			// The registers name the last sector in CHS.
			end := lba + tc.count - 1
			wc, wh, ws := end/(g.Heads*g.SectorsPerTrack), end/g.SectorsPerTrack%g.Heads, end%g.SectorsPerTrack+1
			gc := int(h.reg(regLBAHigh))<<8 | int(h.reg(regLBAMid))
			if gc != wc || int(h.reg(regDevice)&0xF) != wh || int(h.reg(regLBALow)) != ws {
				t.Errorf("CHS registers after %v: %d/%d/%d, want %d/%d/%d", tc, gc, h.reg(regDevice)&0xF, h.reg(regLBALow), wc, wh, ws)
			}
		}
		_ = last
	})
}

func TestReadWriteLBA48(t *testing.T) {
	const sectors = 70000 // more than 65,536 so count 0 fits
	forEachDrive(t, sectors, func(t *testing.T, h *host, contents func(uint64, int) []byte) {
		for _, tc := range []struct {
			lba   uint64
			count int
		}{{0, 1}, {0x1234, 300}, {sectors - 2, 2}, {100, 65536}} {
			if tc.count == 65536 && !h.bulk {
				continue // count 0 by words: TestSectorCountZero
			}
			data := pattern(tc.lba, tc.count, 3)
			h.setLBA48(0, tc.lba, uint16(tc.count))
			h.expectOK(h.pioOut(cmdWriteSectorsExt, data, 1), fmt.Sprintf("WRITE SECTORS EXT %d+%d", tc.lba, tc.count))
			equalSectors(t, contents(tc.lba, tc.count), data, "image after WRITE EXT")
			h.setLBA48(0, tc.lba, uint16(tc.count))
			got, s := h.pioIn(cmdReadSectorsExt, tc.count, 1)
			h.expectOK(s, "READ SECTORS EXT")
			equalSectors(t, got, data, "READ SECTORS EXT")
			if a := h.lba48(); a != tc.lba+uint64(tc.count)-1 {
				t.Errorf("EXT address after %d+%d: %d", tc.lba, tc.count, a)
			}
			h.control(dcHOB)
			hc := h.reg(regSectorCount)
			h.control(0)
			if h.reg(regSectorCount) != 0 || hc != 0 {
				t.Errorf("EXT count after completion: %02X%02Xh", hc, h.reg(regSectorCount))
			}
		}
	})
}

func TestReadWriteMultiple(t *testing.T) {
	forEachDrive(t, 5000, func(t *testing.T, h *host, contents func(uint64, int) []byte) {
		// Disabled at power-on: aborted.
		h.setLBA28(0, 0, 4)
		h.command(cmdReadMultiple)
		h.expectError(h.status(), erABRT, "READ MULTIPLE before SET MULTIPLE")
		for _, m := range []int{1, 2, 4, 8, 16} {
			h.selectDev(0, false, 0)
			h.setReg(regSectorCount, uint8(m))
			h.command(cmdSetMultiple)
			h.expectOK(h.status(), fmt.Sprintf("SET MULTIPLE %d", m))
			for _, count := range []int{1, m, 3*m + 1, 256} {
				lba := uint32(17 * m)
				data := pattern(uint64(lba), count, byte(m))
				h.setLBA28(0, lba, uint8(count))
				before := h.irq.raises
				h.expectOK(h.pioOut(cmdWriteMultiple, data, m), "WRITE MULTIPLE")
				blocks := (count + m - 1) / m
				// Data-out interrupts after every block, none before the first.
				if got := h.irq.raises - before; got != blocks {
					t.Errorf("WRITE MULTIPLE %d/%d: %d interrupts, want %d", count, m, got, blocks)
				}
				equalSectors(t, contents(uint64(lba), count), data, "image after WRITE MULTIPLE")
				h.setLBA28(0, lba, uint8(count))
				before = h.irq.raises
				got, s := h.pioIn(cmdReadMultiple, count, m)
				h.expectOK(s, "READ MULTIPLE")
				equalSectors(t, got, data, "READ MULTIPLE")
				// Data-in interrupts once per block.
				if n := h.irq.raises - before; n != blocks {
					t.Errorf("READ MULTIPLE %d/%d: %d interrupts, want %d", count, m, n, blocks)
				}
			}
			// EXT forms.
			data := pattern(1000, 2*m+1, 7)
			h.setLBA48(0, 1000, uint16(2*m+1))
			h.expectOK(h.pioOut(cmdWriteMultipleExt, data, m), "WRITE MULTIPLE EXT")
			h.setLBA48(0, 1000, uint16(2*m+1))
			got, s := h.pioIn(cmdReadMultipleExt, 2*m+1, m)
			h.expectOK(s, "READ MULTIPLE EXT")
			equalSectors(t, got, data, "READ MULTIPLE EXT")
		}
		// Unsupported block sizes are aborted and disable multiple mode.
		for _, bad := range []uint8{3, 5, 32, 255} {
			h.setReg(regSectorCount, bad)
			h.command(cmdSetMultiple)
			h.expectError(h.status(), erABRT, fmt.Sprintf("SET MULTIPLE %d", bad))
			h.setLBA28(0, 0, 1)
			h.command(cmdReadMultiple)
			h.expectError(h.status(), erABRT, "READ MULTIPLE after a refused SET MULTIPLE")
		}
		// 0 disables.
		h.setReg(regSectorCount, 8)
		h.command(cmdSetMultiple)
		h.setReg(regSectorCount, 0)
		h.command(cmdSetMultiple)
		h.expectOK(h.status(), "SET MULTIPLE 0")
		h.setLBA28(0, 0, 1)
		h.command(cmdWriteMultiple)
		h.expectError(h.status(), erABRT, "WRITE MULTIPLE when disabled")
	})
}

func TestInterruptsPerSector(t *testing.T) {
	h := newHost(t, newMemDrive(1000), nil)
	// READ SECTORS: one interrupt per sector; none after the last.
	h.setLBA28(0, 10, 5)
	before := h.irq.raises
	_, s := h.pioIn(cmdReadSectors, 5, 1)
	h.expectOK(s, "read")
	if n := h.irq.raises - before; n != 5 {
		t.Errorf("READ SECTORS x5: %d interrupts, want 5", n)
	}
	if h.irq.high {
		t.Errorf("INTRQ still asserted after the last block was read")
	}
	// WRITE SECTORS: none before the first sector, one after each.
	h.setLBA28(0, 10, 5)
	before = h.irq.raises
	h.command(cmdWriteSectors)
	if h.irq.raises != before || h.irq.high {
		t.Fatalf("WRITE SECTORS interrupted before the first block")
	}
	if s := h.altStatus(); s&stDRQ == 0 {
		t.Fatalf("WRITE SECTORS: no DRQ, status %02Xh", s)
	}
	for i := 0; i < 5; i++ {
		h.transferOut(make([]byte, SectorSize))
		if !h.irq.high {
			t.Fatalf("no interrupt after sector %d", i)
		}
		// Alternate Status leaves the interrupt pending; Status clears it.
		h.altStatus()
		if !h.irq.high {
			t.Fatalf("Alternate Status cleared the interrupt")
		}
		s := h.status()
		if h.irq.high {
			t.Fatalf("Status read left the interrupt pending")
		}
		if want := i < 4; (s&stDRQ != 0) != want {
			t.Fatalf("after sector %d: status %02Xh", i, s)
		}
	}
	if n := h.irq.raises - before; n != 5 {
		t.Errorf("WRITE SECTORS x5: %d interrupts, want 5", n)
	}
	// Non-data command: one interrupt.
	before = h.irq.raises
	h.command(cmdCheckPower)
	if h.irq.raises-before != 1 {
		t.Errorf("CHECK POWER MODE: %d interrupts", h.irq.raises-before)
	}
	// Writing the Command register clears a pending interrupt.
	h.command(cmdCheckPower)
	if !h.irq.high {
		t.Fatal("no interrupt")
	}
	h.control(dcNIEN)
	if h.irq.high {
		t.Errorf("nIEN did not release INTRQ")
	}
	h.control(0)
	if !h.irq.high {
		t.Errorf("clearing nIEN did not drive the pending interrupt again")
	}
	h.status()

	// nIEN: the whole transfer without one interrupt, polling status.
	h.control(dcNIEN)
	before = h.irq.raises
	h.setLBA28(0, 0, 3)
	_, s = h.pioIn(cmdReadSectors, 3, 1)
	h.expectOK(s, "read with nIEN")
	h.setLBA28(0, 0, 3)
	h.expectOK(h.pioOut(cmdWriteSectors, make([]byte, 3*SectorSize), 1), "write with nIEN")
	h.command(cmdIdleImm)
	if h.irq.raises != before || h.irq.high {
		t.Errorf("interrupts with nIEN set: %d", h.irq.raises-before)
	}
	h.control(0)
}

func TestSectorCountZero(t *testing.T) {
	h := newHost(t, newMemDrive(70000), nil)
	m := h.channel().dev[0].drive.(*memDrive)
	copy(m.data, pattern(0, 70000, 5))
	h.setLBA28(0, 0, 0)
	got, s := h.pioIn(cmdReadSectors, 256, 1)
	h.expectOK(s, "count 0")
	if len(got) != 256*SectorSize {
		t.Fatalf("count 0 read %d sectors, want 256", len(got)/SectorSize)
	}
	h.setLBA48(0, 0, 0)
	got, s = h.pioIn(cmdReadSectorsExt, 65536, 1)
	h.expectOK(s, "EXT count 0")
	equalSectors(t, got, m.data[:65536*SectorSize], "EXT count 0 = 65,536 sectors")
	// Verify counts too.
	h.setLBA28(0, 0, 0)
	h.command(cmdReadVerify)
	h.expectOK(h.status(), "READ VERIFY count 0")
	if h.lba28() != 255 {
		t.Errorf("READ VERIFY count 0 ended at %d, want 255", h.lba28())
	}
}

func TestWordAndBulkMix(t *testing.T) {
	h := newHost(t, newMemDrive(100), nil)
	m := h.channel().dev[0].drive.(*memDrive)
	want := pattern(0, 4, 11)
	copy(m.data, want)
	h.setLBA28(0, 0, 4)
	h.command(cmdReadSectors)
	got := make([]byte, 0, 4*SectorSize)
	for i := 0; i < 4; i++ {
		h.status()
		// Odd pieces: 6 words by In16, then a 100-byte bulk run, then
		// an 8-bit read (low byte of one word) is not used; the rest bulk.
		for j := 0; j < 6; j++ {
			v := h.io.In16(h.base)
			got = append(got, uint8(v), uint8(v>>8))
		}
		buf := make([]byte, 100)
		if n := h.io.InsBulk(h.base, 2, buf); n != 100 {
			t.Fatalf("InsBulk moved %d, want 100", n)
		}
		got = append(got, buf...)
		big := make([]byte, 4096) // more than the block: stops at its end
		n := h.io.InsBulk(h.base, 2, big)
		if n != SectorSize-112 {
			t.Fatalf("InsBulk past the block moved %d, want %d", n, SectorSize-112)
		}
		got = append(got, big[:n]...)
	}
	equalSectors(t, got, want, "mixed word/bulk read")
	if n := h.io.InsBulk(h.base, 2, make([]byte, 512)); n != 0 {
		t.Errorf("InsBulk with DRQ clear moved %d", n)
	}
	if v := h.io.In16(h.base); v != 0xFFFF {
		t.Errorf("Data read with DRQ clear: %04Xh", v)
	}
	// Bulk only on the Data register, width 2.
	h.setLBA28(0, 0, 1)
	h.command(cmdReadSectors)
	if n := h.io.InsBulk(h.base+1, 2, make([]byte, 512)); n != 0 {
		t.Errorf("InsBulk on 1F1h moved %d", n)
	}
	if n := h.io.InsBulk(h.base, 1, make([]byte, 512)); n != 0 {
		t.Errorf("InsBulk of bytes moved %d", n)
	}
	if n := h.io.OutsBulk(h.base, 2, make([]byte, 512)); n != 0 {
		t.Errorf("OutsBulk during a read moved %d", n)
	}
	// An 8-bit read of the Data register takes a whole word.
	b := h.io.In8(h.base)
	if b != want[0] {
		t.Errorf("In8 of Data: %02X, want %02X", b, want[0])
	}
	v := h.io.In16(h.base)
	if v != uint16(want[2])|uint16(want[3])<<8 {
		t.Errorf("word after In8: %04X", v)
	}
}
