package ide

import (
	"fmt"
	"testing"
)

// Addresses past the end: IDNF at the first missing sector, after the
// sectors that exist were transferred; the controller keeps working.
func TestIDNFBeyondTheDrive(t *testing.T) {
	const sectors = 1000
	m := newMemDrive(sectors)
	copy(m.data, pattern(0, sectors, 6))
	h := newHost(t, m, nil)

	h.setLBA28(0, sectors, 1)
	h.command(cmdReadSectors)
	h.expectError(h.status(), erIDNF, "read at the first missing sector")
	if h.lba28() != sectors {
		t.Errorf("IDNF address %d", h.lba28())
	}

	// Starts inside, runs off the end: three sectors, then IDNF.
	h.setLBA28(0, sectors-3, 5)
	got, s := h.pioIn(cmdReadSectors, 5, 1)
	h.expectError(s, erIDNF, "read across the end")
	equalSectors(t, got, m.data[(sectors-3)*SectorSize:], "sectors before the end")
	if h.lba28() != sectors || h.reg(regSectorCount) != 2 {
		t.Errorf("IDNF registers: address %d count %d; want %d and 2", h.lba28(), h.reg(regSectorCount), sectors)
	}

	// Writes the same; nothing beyond the end is touched (memDrive would
	// complain), the sectors before it are written.
	data := pattern(sectors-2, 2, 8)
	h.setLBA28(0, sectors-2, 4)
	s = h.pioOut(cmdWriteSectors, append(data, make([]byte, 2*SectorSize)...), 1)
	h.expectError(s, erIDNF, "write across the end")
	equalSectors(t, m.data[(sectors-2)*SectorSize:], data, "sectors written before the end")

	// LBA48 and multiple.
	h.setLBA48(0, 1<<40, 1)
	h.command(cmdWriteSectorsExt)
	h.expectError(h.status(), erIDNF, "LBA48 write far beyond")
	if h.lba48() != 1<<40 {
		t.Errorf("LBA48 IDNF address %x", h.lba48())
	}
	h.setReg(regSectorCount, 4)
	h.command(cmdSetMultiple)
	h.setLBA28(0, sectors-6, 8)
	got, s = h.pioIn(cmdReadMultiple, 8, 4)
	h.expectError(s, erIDNF, "READ MULTIPLE across the end")
	if len(got) != 4*SectorSize {
		t.Errorf("READ MULTIPLE across the end gave %d sectors, want the first whole block", len(got)/SectorSize)
	}
	// Still working.
	h.setLBA28(0, 0, 1)
	got, s = h.pioIn(cmdReadSectors, 1, 1)
	h.expectOK(s, "read after errors")
	equalSectors(t, got, m.data[:SectorSize], "read after errors")
}

// CHS addresses outside the current translation: IDNF.
func TestIDNFOutsideCHS(t *testing.T) {
	m := newMemDrive(20000)
	m.geo = Geometry{294, 4, 17} // fewer than 16 heads: head 4 is outside
	h := newHost(t, m, nil)
	g := h.channel().dev[0].defGeo
	for _, tc := range []struct{ c, hd, s int }{
		{0, 0, 0},                     // sector numbers start at 1
		{0, 0, g.SectorsPerTrack + 1}, // past the track
		{0, g.Heads, 1},               // past the heads
		{g.Cylinders, 0, 1},           // past the cylinders
		{0xFFFF, 15, 63},
	} {
		h.setCHS(0, tc.c, tc.hd, tc.s, 1)
		h.command(cmdReadSectors)
		h.expectError(h.status(), erIDNF, fmt.Sprintf("CHS %v read", tc))
		h.setCHS(0, tc.c, tc.hd, tc.s, 1)
		h.command(cmdWriteSectors)
		h.expectError(h.status(), erIDNF, fmt.Sprintf("CHS %v write", tc))
		h.setCHS(0, tc.c, tc.hd, tc.s, 1)
		h.command(cmdSeek)
		h.expectError(h.status(), erIDNF, fmt.Sprintf("CHS %v seek", tc))
		h.setCHS(0, tc.c, tc.hd, tc.s, 1)
		h.command(cmdReadVerify)
		h.expectError(h.status(), erIDNF, fmt.Sprintf("CHS %v verify", tc))
	}
	// A run off the last CHS sector.
	h.setCHS(0, g.Cylinders-1, g.Heads-1, g.SectorsPerTrack, 2)
	_, s := h.pioIn(cmdReadSectors, 2, 1)
	h.expectError(s, erIDNF, "CHS read past the last cylinder")
}

// INITIALIZE DEVICE PARAMETERS: CHS addresses follow the new translation;
// an unusable one is aborted and CHS access fails with IDNF until fixed.
func TestInitializeDeviceParameters(t *testing.T) {
	m := newMemDrive(20000)
	copy(m.data, pattern(0, 20000, 3))
	h := newHost(t, m, nil)
	const heads, spt = 16, 63
	h.selectDev(0, false, heads-1)
	h.setReg(regSectorCount, spt)
	h.command(cmdInitParams)
	h.expectOK(h.status(), "91h 16/63")
	// C/H/S 3/5/7 is LBA (3*16+5)*63+6 in the new translation.
	lba := (3*heads+5)*spt + 6
	h.setCHS(0, 3, 5, 7, 2)
	got, s := h.pioIn(cmdReadSectors, 2, 1)
	h.expectOK(s, "CHS read in the new translation")
	equalSectors(t, got, m.data[lba*SectorSize:(lba+2)*SectorSize], "CHS 3/5/7 under 16/63")
	// Sector 40 exists now (it did not with 17 per track).
	h.setCHS(0, 0, 0, 40, 1)
	_, s = h.pioIn(cmdReadSectors, 1, 1)
	h.expectOK(s, "sector 40 under 63 spt")
	// Cylinders: what fits; past them IDNF.
	cyl := 20000 / (heads * spt)
	h.setCHS(0, cyl, 0, 1, 1)
	h.command(cmdReadSectors)
	h.expectError(h.status(), erIDNF, "cylinder past the new translation")

	// 0 sectors per track: aborted; CHS then fails, LBA still works.
	h.selectDev(0, false, 3)
	h.setReg(regSectorCount, 0)
	h.command(cmdInitParams)
	h.expectError(h.status(), erABRT, "91h with 0 sectors")
	h.setCHS(0, 0, 0, 1, 1)
	h.command(cmdReadSectors)
	h.expectError(h.status(), erIDNF, "CHS without a valid translation")
	w := identify(t, h, 0)
	if w[53]&1 != 0 {
		t.Errorf("word 53 bit 0 set without a valid translation")
	}
	h.setLBA28(0, 0, 1)
	_, s = h.pioIn(cmdReadSectors, 1, 1)
	h.expectOK(s, "LBA without a CHS translation")
}

// Reads that fail in the image: UNC at the failing sector, the good
// sectors before it delivered, the controller still working.
func TestReadIOError(t *testing.T) {
	m := newMemDrive(1000)
	copy(m.data, pattern(0, 1000, 1))
	m.badRead = map[int64]bool{105: true}
	h := newHost(t, m, nil)
	for _, bulk := range []bool{false, true} {
		h.bulk = bulk
		h.setLBA28(0, 100, 10)
		got, s := h.pioIn(cmdReadSectors, 10, 1)
		h.expectError(s, erUNC, "read over a bad sector")
		equalSectors(t, got, m.data[100*SectorSize:105*SectorSize], "sectors before the bad one")
		if h.lba28() != 105 || h.reg(regSectorCount) != 5 {
			t.Errorf("UNC registers: address %d, count %d; want 105, 5", h.lba28(), h.reg(regSectorCount))
		}
	}
	h.setLBA28(0, 100, 10)
	h.command(cmdReadVerify)
	h.expectError(h.status(), erUNC, "verify over a bad sector")
	if h.lba28() != 105 {
		t.Errorf("verify UNC address %d", h.lba28())
	}
	h.setLBA48(0, 104, 2)
	h.command(cmdReadVerifyExt)
	h.expectError(h.status(), erUNC, "verify EXT over a bad sector")
	h.setLBA28(0, 106, 3)
	got, s := h.pioIn(cmdReadSectors, 3, 1)
	h.expectOK(s, "read after the error")
	equalSectors(t, got, m.data[106*SectorSize:109*SectorSize], "read after the error")
}

// Writes that fail in the image: ERR, DF, ABRT at the failing sector.
func TestWriteIOError(t *testing.T) {
	m := newMemDrive(1000)
	m.badWrite = map[int64]bool{203: true}
	h := newHost(t, m, nil)
	data := pattern(200, 6, 2)
	h.setLBA28(0, 200, 6)
	s := h.pioOut(cmdWriteSectors, data, 1)
	if s&stDF == 0 {
		t.Errorf("write error status %02Xh, want DF", s)
	}
	h.expectError(s, erABRT, "write over a bad sector")
	if h.lba28() != 203 || h.reg(regSectorCount) != 3 {
		t.Errorf("write error registers: address %d, count %d; want 203, 3", h.lba28(), h.reg(regSectorCount))
	}
	equalSectors(t, m.data[200*SectorSize:203*SectorSize], data[:3*SectorSize], "sectors before the bad one")
	// Next command is fine and clears DF.
	h.setLBA28(0, 300, 1)
	h.expectOK(h.pioOut(cmdWriteSectors, data[:SectorSize], 1), "write after the error")

	// Flush failures: FLUSH CACHE reports ABRT.
	m.flushErr = errInjected
	h.command(cmdFlushCache)
	h.expectError(h.status(), erABRT, "FLUSH CACHE failing")
	m.flushErr = nil
	n := m.flushes
	h.command(cmdFlushCacheExt)
	h.expectOK(h.status(), "FLUSH CACHE EXT")
	if m.flushes != n+1 {
		t.Errorf("FLUSH CACHE EXT did not flush the drive")
	}
	// With the write cache off, every write command flushes.
	h.setReg(regError, 0x82)
	h.command(cmdSetFeatures)
	h.expectOK(h.status(), "write cache off")
	n = m.flushes
	h.setLBA28(0, 0, 2)
	h.expectOK(h.pioOut(cmdWriteSectors, data[:2*SectorSize], 1), "write-through")
	if m.flushes != n+1 {
		t.Errorf("write with cache off: %d flushes", m.flushes-n)
	}
}

// A read-only drive refuses every write with ABRT before any data moves.
func TestReadOnlyDrive(t *testing.T) {
	m := newMemDrive(100)
	m.ro = true
	h := newHost(t, m, nil)
	h.setReg(regSectorCount, 2)
	h.command(cmdSetMultiple)
	for _, op := range []uint8{cmdWriteSectors, cmdWriteSectorsNR, cmdWriteMultiple} {
		h.setLBA28(0, 0, 1)
		h.command(op)
		h.expectError(h.status(), erABRT, fmt.Sprintf("%02Xh on a read-only drive", op))
		if n := h.io.OutsBulk(h.base, 2, make([]byte, 512)); n != 0 {
			t.Errorf("%02Xh took data", op)
		}
	}
	for _, op := range []uint8{cmdWriteSectorsExt, cmdWriteMultipleExt} {
		h.setLBA48(0, 0, 1)
		h.command(op)
		h.expectError(h.status(), erABRT, fmt.Sprintf("%02Xh on a read-only drive", op))
	}
	h.command(cmdFlushCache)
	h.expectOK(h.status(), "FLUSH CACHE on a read-only drive")
	h.setLBA28(0, 0, 1)
	_, s := h.pioIn(cmdReadSectors, 1, 1)
	h.expectOK(s, "read from a read-only drive")
}

// Commands this device does not have are aborted, the registers otherwise
// left alone; EXT commands need the LBA bit.
func TestAbortedCommands(t *testing.T) {
	h := newHost(t, newMemDrive(100), nil)
	for _, op := range []uint8{0x00, 0x08, 0x22, 0x25, 0x27, 0x32, 0x35, 0x50, 0xA0, 0xA1, 0xB0, 0xC8, 0xCA, 0xE4, 0xE8, 0xF8, 0xFF} {
		h.setLBA28(0, 0x123, 0x45)
		raises := h.irq.raises
		h.command(op)
		h.expectError(h.status(), erABRT, fmt.Sprintf("opcode %02Xh", op))
		if h.irq.raises != raises+1 {
			t.Errorf("opcode %02Xh: no interrupt", op)
		}
		if h.lba28() != 0x123 || h.reg(regSectorCount) != 0x45 {
			t.Errorf("opcode %02Xh changed the registers", op)
		}
	}
	for _, op := range []uint8{cmdReadSectorsExt, cmdWriteSectorsExt, cmdReadVerifyExt} {
		h.setLBA28(0, 0, 1)
		h.setReg(regDevice, 0xA0) // CHS
		h.command(op)
		h.expectError(h.status(), erABRT, fmt.Sprintf("%02Xh without the LBA bit", op))
	}
	// Status after an error clears with the next good command.
	h.command(cmdCheckPower)
	h.expectOK(h.status(), "command after aborts")
	if h.errReg() != 0 {
		t.Errorf("error register %02Xh after a good command", h.errReg())
	}
}

func TestSeekRecalibrateVerify(t *testing.T) {
	h := newHost(t, newMemDrive(5000), nil)
	for op := uint8(0x10); op <= 0x1F; op++ {
		raises := h.irq.raises
		h.command(op)
		h.expectOK(h.status(), fmt.Sprintf("RECALIBRATE %02Xh", op))
		if h.irq.raises != raises+1 {
			t.Errorf("RECALIBRATE: no interrupt")
		}
	}
	for op := uint8(0x70); op <= 0x7F; op++ {
		h.setLBA28(0, 4999, 1)
		h.command(op)
		h.expectOK(h.status(), fmt.Sprintf("SEEK %02Xh to the last sector", op))
		h.setLBA28(0, 5000, 1)
		h.command(op)
		h.expectError(h.status(), erIDNF, "SEEK past the end")
	}
	h.setCHS(0, 2, 1, 3, 1)
	h.command(cmdSeek)
	h.expectOK(h.status(), "SEEK CHS")

	// READ VERIFY: no data, one interrupt, registers at the last sector.
	for _, op := range []uint8{cmdReadVerify, cmdReadVerifyNoRetry} {
		h.setLBA28(0, 4000, 200)
		raises := h.irq.raises
		h.command(op)
		if h.altStatus()&stDRQ != 0 {
			t.Errorf("READ VERIFY asks for data")
		}
		h.expectOK(h.status(), "READ VERIFY")
		if h.irq.raises != raises+1 || h.lba28() != 4199 || h.reg(regSectorCount) != 0 {
			t.Errorf("READ VERIFY: %d interrupts, address %d, count %d", h.irq.raises-raises, h.lba28(), h.reg(regSectorCount))
		}
	}
	h.setLBA28(0, 4900, 200)
	h.command(cmdReadVerify)
	h.expectError(h.status(), erIDNF, "READ VERIFY past the end")
	if h.lba28() != 5000 || h.reg(regSectorCount) != 100 {
		t.Errorf("READ VERIFY IDNF at %d count %d", h.lba28(), h.reg(regSectorCount))
	}
	h.setLBA48(0, 10, 0) // 65,536 sectors: runs off the 5000-sector disk
	h.command(cmdReadVerifyExt)
	h.expectError(h.status(), erIDNF, "READ VERIFY EXT count 0")
	h.setLBA48(0, 10, 300)
	h.command(cmdReadVerifyExt)
	h.expectOK(h.status(), "READ VERIFY EXT")
	if h.lba48() != 309 {
		t.Errorf("READ VERIFY EXT ended at %d", h.lba48())
	}
}

func TestSetFeatures(t *testing.T) {
	h := newHost(t, newMemDrive(100), nil)
	d := &h.channel().dev[0]
	for _, tc := range []struct {
		feature, count uint8
		ok             bool
	}{
		{0x02, 0, true}, {0x82, 0, true}, {0x02, 0, true},
		{0x03, 0x00, true}, {0x03, 0x01, true}, {0x03, 0x08, true}, {0x03, 0x0C, true},
		{0x03, 0x0D, false}, {0x03, 0x22, false}, {0x03, 0x45, false},
		{0x55, 0, true}, {0xAA, 0, true}, {0x66, 0, true}, {0xCC, 0, true},
		{0x01, 0, false}, {0x05, 0xFE, false}, {0x00, 0, false}, {0xFF, 0, false},
	} {
		h.setReg(regError, tc.feature)
		h.setReg(regSectorCount, tc.count)
		h.command(cmdSetFeatures)
		what := fmt.Sprintf("SET FEATURES %02Xh/%02Xh", tc.feature, tc.count)
		if tc.ok {
			h.expectOK(h.status(), what)
		} else {
			h.expectError(h.status(), erABRT, what)
		}
	}
	if d.pioMode != 4 {
		t.Errorf("PIO mode %d after 03h/0Ch", d.pioMode)
	}
	h.setReg(regError, 0x55)
	h.command(cmdSetFeatures)
	if w := identify(t, h, 0); w[85]&(1<<6) != 0 {
		t.Errorf("look-ahead still reported enabled")
	}
}

// Power modes: CHECK POWER MODE reports them; a media access spins up;
// SLEEP refuses commands until a reset.
func TestPowerModes(t *testing.T) {
	h := newHost(t, newMemDrive(100), nil)
	mode := func() uint8 {
		h.command(cmdCheckPower)
		h.expectOK(h.status(), "CHECK POWER MODE")
		return h.reg(regSectorCount)
	}
	if m := mode(); m != 0xFF {
		t.Errorf("power-on mode %02Xh", m)
	}
	for _, tc := range []struct{ op, want uint8 }{
		{cmdStandbyImm, 0x00}, {0x94, 0x00}, {cmdIdleImm, 0x80}, {0x95, 0x80},
		{cmdStandby, 0x00}, {0x96, 0x00}, {cmdIdle, 0x80}, {0x97, 0x80},
	} {
		h.setReg(regSectorCount, 10)
		h.command(tc.op)
		h.expectOK(h.status(), fmt.Sprintf("power command %02Xh", tc.op))
		if m := mode(); m != tc.want {
			t.Errorf("after %02Xh: mode %02Xh, want %02Xh", tc.op, m, tc.want)
		}
	}
	h.command(cmdStandbyImm)
	h.setLBA28(0, 0, 1)
	_, s := h.pioIn(cmdReadSectors, 1, 1)
	h.expectOK(s, "read in standby")
	h.command(0x98)
	h.expectOK(h.status(), "CHECK POWER MODE 98h")
	if m := h.reg(regSectorCount); m != 0xFF {
		t.Errorf("after a read in standby: mode %02Xh, want FFh", m)
	}
	h.command(cmdSleep)
	h.expectOK(h.status(), "SLEEP")
	h.setLBA28(0, 0, 1)
	h.command(cmdReadSectors)
	h.expectError(h.status(), erABRT, "read while asleep")
	h.control(dcSRST)
	h.control(0)
	h.setLBA28(0, 0, 1)
	_, s = h.pioIn(cmdReadSectors, 1, 1)
	h.expectOK(s, "read after reset from sleep")
}

// A new command while DRQ is set cuts the old one short cleanly.
func TestCommandDuringTransfer(t *testing.T) {
	m := newMemDrive(100)
	copy(m.data, pattern(0, 100, 1))
	h := newHost(t, m, nil)
	h.setLBA28(0, 0, 10)
	h.command(cmdReadSectors)
	h.io.In16(h.base)
	h.setLBA28(0, 50, 1)
	got, s := h.pioIn(cmdReadSectors, 1, 1)
	h.expectOK(s, "read after an abandoned read")
	equalSectors(t, got, m.data[50*SectorSize:51*SectorSize], "new command's data")
	// Switching to an absent device mid-transfer and back.
	h.setLBA28(0, 0, 2)
	h.command(cmdReadSectors)
	h.setReg(regDevice, 0xB0)
	if v := h.io.In16(h.base); v != 0xFFFF {
		t.Errorf("absent device gave data %04Xh", v)
	}
	h.setReg(regDevice, 0xE0)
	got = make([]byte, 2*SectorSize)
	h.transferIn(got[:SectorSize])
	h.status()
	h.transferIn(got[SectorSize:])
	equalSectors(t, got, m.data[:2*SectorSize], "transfer resumed after reselecting")
}

// A disk smaller than one cylinder still works in CHS; sectors past its
// end get IDNF.
func TestTinyDiskCHS(t *testing.T) {
	m := newMemDrive(10)
	m.geo = Geometry{1, 4, 17} // what disk.ATAGeometry gives 10 sectors
	copy(m.data, pattern(0, 10, 2))
	h := newHost(t, m, nil)
	w := identify(t, h, 0)
	if w[1] != 1 || w[3] != 4 || w[6] != 17 || w[53]&1 == 0 {
		t.Errorf("tiny disk geometry %d/%d/%d, word 53 %04Xh", w[1], w[3], w[6], w[53])
	}
	h.setCHS(0, 0, 0, 10, 1)
	got, s := h.pioIn(cmdReadSectors, 1, 1)
	h.expectOK(s, "last sector of a tiny disk by CHS")
	equalSectors(t, got, m.data[9*SectorSize:], "last sector")
	h.setCHS(0, 0, 0, 11, 1)
	h.command(cmdReadSectors)
	h.expectError(h.status(), erIDNF, "past the end of a tiny disk")
	h.selectDev(0, false, 15)
	h.setReg(regSectorCount, 63)
	h.command(cmdInitParams)
	h.expectOK(h.status(), "16/63 on a tiny disk")
	h.setCHS(0, 0, 0, 10, 1)
	_, s = h.pioIn(cmdReadSectors, 1, 1)
	h.expectOK(s, "tiny disk under 16/63")
	h.setReg(regSectorCount, 64)
	h.command(cmdInitParams)
	h.expectError(h.status(), erABRT, "64 sectors per track")
}
