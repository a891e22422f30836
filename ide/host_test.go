package ide

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// This file is the test side of the cable: a host that drives the ports the
// way a BIOS or DOS driver does, plus test drives.

// countIRQ is an IRQ line that records edges.
type countIRQ struct {
	high   bool
	raises int
}

func (q *countIRQ) Raise() {
	if !q.high {
		q.raises++
	}
	q.high = true
}
func (q *countIRQ) Lower() { q.high = false }

// ports is what the host sees of the controller.
type ports interface {
	In8(uint16) uint8
	Out8(uint16, uint8)
	In16(uint16) uint16
	Out16(uint16, uint16)
	InsBulk(uint16, int, []byte) int
	OutsBulk(uint16, int, []byte) int
}

// host drives one channel through its ports.
type host struct {
	t    testing.TB
	io   ports
	base uint16
	ctrl uint16
	irq  *countIRQ
	bulk bool // move data with InsBulk/OutsBulk instead of In16/Out16
}

func (h *host) reg(off uint16) uint8       { return h.io.In8(h.base + off) }
func (h *host) setReg(off uint16, v uint8) { h.io.Out8(h.base+off, v) }
func (h *host) status() uint8              { return h.reg(regStatus) }
func (h *host) altStatus() uint8           { return h.io.In8(h.ctrl) }
func (h *host) errReg() uint8              { return h.reg(regError) }
func (h *host) control(v uint8)            { h.io.Out8(h.ctrl, v) }

// waitNotBusy polls Alternate Status until BSY clears, as a BIOS does with
// a timeout; a synchronous controller must never need more than one read.
func (h *host) waitNotBusy() uint8 {
	h.t.Helper()
	for i := 0; i < 1000; i++ {
		if s := h.altStatus(); s&stBSY == 0 {
			return s
		}
	}
	h.t.Fatalf("BSY never cleared")
	return 0
}

// selectDev writes the Device register (bits 7 and 5 set, as BIOSes do)
// and waits for BSY clear and DRDY.
func (h *host) selectDev(unit int, lba bool, head uint8) {
	h.t.Helper()
	v := uint8(0xA0) | uint8(unit&1)<<4 | head&0x0F
	if lba {
		v |= devLBA
	}
	h.setReg(regDevice, v)
	if s := h.waitNotBusy(); s&stDRDY == 0 {
		h.t.Fatalf("device %d not ready after select: status %02Xh", unit, s)
	}
}

// setLBA28 programs an LBA28 address and count.
func (h *host) setLBA28(unit int, lba uint32, count uint8) {
	h.t.Helper()
	h.selectDev(unit, true, uint8(lba>>24))
	h.setReg(regSectorCount, count)
	h.setReg(regLBALow, uint8(lba))
	h.setReg(regLBAMid, uint8(lba>>8))
	h.setReg(regLBAHigh, uint8(lba>>16))
}

// setCHS programs a CHS address and count.
func (h *host) setCHS(unit int, c, hd, s int, count uint8) {
	h.t.Helper()
	h.selectDev(unit, false, uint8(hd))
	h.setReg(regSectorCount, count)
	h.setReg(regLBALow, uint8(s))
	h.setReg(regLBAMid, uint8(c))
	h.setReg(regLBAHigh, uint8(c>>8))
}

// setLBA48 programs a 48-bit address and 16-bit count: high bytes first.
func (h *host) setLBA48(unit int, lba uint64, count uint16) {
	h.t.Helper()
	h.selectDev(unit, true, 0)
	h.setReg(regSectorCount, uint8(count>>8))
	h.setReg(regLBALow, uint8(lba>>24))
	h.setReg(regLBAMid, uint8(lba>>32))
	h.setReg(regLBAHigh, uint8(lba>>40))
	h.setReg(regSectorCount, uint8(count))
	h.setReg(regLBALow, uint8(lba))
	h.setReg(regLBAMid, uint8(lba>>8))
	h.setReg(regLBAHigh, uint8(lba>>16))
}

func (h *host) command(op uint8) { h.io.Out8(h.base+regStatus, op) }

// readBlock waits for DRQ and reads one DRQ block of n bytes; it returns
// false (and the status) if the device ended the command instead.
func (h *host) readBlock(dst []byte) (uint8, bool) {
	h.t.Helper()
	h.waitNotBusy()
	s := h.status() // acknowledges the interrupt
	if s&stDRQ == 0 {
		return s, false
	}
	if s&stERR != 0 {
		h.t.Fatalf("DRQ with ERR: status %02Xh", s)
	}
	h.transferIn(dst)
	return s, true
}

func (h *host) transferIn(dst []byte) {
	if h.bulk {
		for done := 0; done < len(dst); {
			n := h.io.InsBulk(h.base, 2, dst[done:])
			if n == 0 {
				h.t.Fatalf("InsBulk moved nothing at byte %d of %d", done, len(dst))
			}
			done += n
		}
		return
	}
	for i := 0; i < len(dst); i += 2 {
		v := h.io.In16(h.base)
		dst[i], dst[i+1] = uint8(v), uint8(v>>8)
	}
}

func (h *host) transferOut(src []byte) {
	if h.bulk {
		for done := 0; done < len(src); {
			n := h.io.OutsBulk(h.base, 2, src[done:])
			if n == 0 {
				h.t.Fatalf("OutsBulk moved nothing at byte %d of %d", done, len(src))
			}
			done += n
		}
		return
	}
	for i := 0; i < len(src); i += 2 {
		h.io.Out16(h.base, uint16(src[i])|uint16(src[i+1])<<8)
	}
}

// pioIn runs a PIO data-in command already programmed for sectors
// sectors in DRQ blocks of blockSectors (the last block may be short), the
// way a driver does: wait for DRQ, read the status to acknowledge the
// interrupt, move the block. It stops early when the device ends the
// command without DRQ, and returns the data and the final status.
func (h *host) pioIn(op uint8, sectors, blockSectors int) ([]byte, uint8) {
	h.t.Helper()
	h.command(op)
	var out []byte
	for left := sectors; left > 0; {
		n := min(blockSectors, left)
		blk := make([]byte, n*SectorSize)
		s, ok := h.readBlock(blk)
		if !ok {
			return out, s
		}
		out = append(out, blk...)
		left -= n
	}
	h.waitNotBusy()
	return out, h.status()
}

// pioOut runs a PIO data-out command already programmed with data, in DRQ
// blocks of blockSectors, and returns the final status.
func (h *host) pioOut(op uint8, data []byte, blockSectors int) uint8 {
	h.t.Helper()
	h.command(op)
	for len(data) > 0 {
		h.waitNotBusy()
		s := h.status()
		if s&stDRQ == 0 {
			return s
		}
		n := min(blockSectors*SectorSize, len(data))
		h.transferOut(data[:n])
		data = data[n:]
	}
	h.waitNotBusy()
	return h.status()
}

// expectDone checks a command ended cleanly: DRDY, no BSY/DRQ/ERR.
func (h *host) expectOK(s uint8, what string) {
	h.t.Helper()
	if s&(stBSY|stDRQ|stERR|stDF) != 0 || s&stDRDY == 0 {
		h.t.Fatalf("%s: status %02Xh, error %02Xh; want DRDY only", what, s, h.errReg())
	}
}

// expectError checks a command ended with ERR and the given error bits.
func (h *host) expectError(s uint8, bits uint8, what string) {
	h.t.Helper()
	if s&stERR == 0 || s&(stBSY|stDRQ) != 0 {
		h.t.Fatalf("%s: status %02Xh; want ERR", what, s)
	}
	if e := h.errReg(); e != bits {
		h.t.Fatalf("%s: error %02Xh; want %02Xh", what, e, bits)
	}
}

// lba28 reads the address registers as an LBA28 address.
func (h *host) lba28() uint32 {
	return uint32(h.reg(regDevice)&0x0F)<<24 | uint32(h.reg(regLBAHigh))<<16 | uint32(h.reg(regLBAMid))<<8 | uint32(h.reg(regLBALow))
}

// lba48 reads the address registers with HOB clear and set.
func (h *host) lba48() uint64 {
	h.control(0)
	lo := uint64(h.reg(regLBAHigh))<<16 | uint64(h.reg(regLBAMid))<<8 | uint64(h.reg(regLBALow))
	h.control(dcHOB)
	hi := uint64(h.reg(regLBAHigh))<<16 | uint64(h.reg(regLBAMid))<<8 | uint64(h.reg(regLBALow))
	h.control(0)
	return hi<<24 | lo
}

// memDrive is an in-memory drive with read-only and fault injection.
type memDrive struct {
	data     []byte
	ro       bool
	geo      Geometry
	badRead  map[int64]bool // sectors whose reads fail
	badWrite map[int64]bool
	flushErr error
	flushes  int
}

var (
	errInjected = errors.New("injected I/O error")
	errReadOnly = errors.New("drive is read-only")
)

func newMemDrive(sectors int) *memDrive {
	return &memDrive{data: make([]byte, sectors*SectorSize), geo: testGeometry(int64(sectors))}
}

// testGeometry is a valid default geometry for a test drive of n sectors:
// 16 heads, 63 sectors per track, the cylinders that fit (at least one).
// (The emulator's drives get theirs from package disk.)
func testGeometry(n int64) Geometry {
	return Geometry{Cylinders: int(min(max(n/(16*63), 1), 16383)), Heads: 16, SectorsPerTrack: 63}
}

func (m *memDrive) bad(set map[int64]bool, off int64, n int) bool {
	for s := off / SectorSize; s < (off+int64(n)+SectorSize-1)/SectorSize; s++ {
		if set[s] {
			return true
		}
	}
	return false
}
func (m *memDrive) ReadAt(p []byte, off int64) (int, error) {
	if m.bad(m.badRead, off, len(p)) {
		return 0, errInjected
	}
	if off < 0 || off+int64(len(p)) > int64(len(m.data)) {
		return 0, fmt.Errorf("read beyond the disk at %d", off)
	}
	return copy(p, m.data[off:]), nil
}
func (m *memDrive) WriteAt(p []byte, off int64) (int, error) {
	if m.ro {
		return 0, errReadOnly
	}
	if m.bad(m.badWrite, off, len(p)) {
		return 0, errInjected
	}
	if off < 0 || off+int64(len(p)) > int64(len(m.data)) {
		return 0, fmt.Errorf("write beyond the disk at %d", off)
	}
	return copy(m.data[off:], p), nil
}
func (m *memDrive) Size() int64        { return int64(len(m.data)) }
func (m *memDrive) ReadOnly() bool     { return m.ro }
func (m *memDrive) Geometry() Geometry { return m.geo }
func (m *memDrive) Flush() error {
	m.flushes++
	return m.flushErr
}

// pattern fills n sectors with bytes that name their sector and offset.
func pattern(firstLBA uint64, n int, seed byte) []byte {
	b := make([]byte, n*SectorSize)
	for i := range b {
		lba := firstLBA + uint64(i/SectorSize)
		b[i] = byte(lba) ^ byte(lba>>8)*7 ^ byte(i%SectorSize)*13 ^ seed
	}
	return b
}

// fileDrive is a drive over a flat file: sector n at byte n*512.
type fileDrive struct {
	f    *os.File
	size int64
}

func (r *fileDrive) ReadAt(p []byte, off int64) (int, error)  { return r.f.ReadAt(p, off) }
func (r *fileDrive) WriteAt(p []byte, off int64) (int, error) { return r.f.WriteAt(p, off) }
func (r *fileDrive) Size() int64                              { return r.size }
func (r *fileDrive) ReadOnly() bool                           { return false }
func (r *fileDrive) Flush() error                             { return r.f.Sync() }
func (r *fileDrive) Geometry() Geometry                       { return testGeometry(r.size / SectorSize) }

// newRawFile creates a raw image of the given sectors in a temp dir.
func newRawFile(t testing.TB, sectors int64) (*fileDrive, string) {
	t.Helper()
	name := filepath.Join(t.TempDir(), "disk.img")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(sectors * SectorSize); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return &fileDrive{f: f, size: sectors * SectorSize}, name
}

// newHost makes a controller with master (and optional slave) on the
// primary channel and a host driving it.
func newHost(t testing.TB, master, slave Drive) *host {
	irq := &countIRQ{}
	c := NewController(irq, nil)
	if master != nil {
		c.Attach(0, 0, master)
	}
	if slave != nil {
		c.Attach(0, 1, slave)
	}
	return &host{t: t, io: c, base: PrimaryBase, ctrl: PrimaryControl, irq: irq}
}

func equalSectors(t testing.TB, got, want []byte, what string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d bytes, want %d", what, len(got), len(want))
	}
	if !bytes.Equal(got, want) {
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s: first difference at byte %d (sector %d): %02X, want %02X", what, i, i/SectorSize, got[i], want[i])
			}
		}
	}
}

// channel is the channel the host drives (for tests that look inside).
func (h *host) channel() *Channel {
	switch c := h.io.(type) {
	case *Channel:
		return c
	case *Controller:
		return c.route(h.base)
	}
	h.t.Fatalf("unknown port set")
	return nil
}
