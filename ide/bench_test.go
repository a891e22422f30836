package ide

import (
	"path/filepath"
	"testing"

	"pcemu/vhd"
)

// The guest-visible PIO throughput: a sequential stream of 256-sector
// READ/WRITE SECTORS commands the way a BIOS or DOS driver issues them
// (program the task file, then per sector: read Status, move 512 bytes),
// through the controller's port methods into a warm dynamic VHD. "bulk"
// moves each sector with one InsBulk/OutsBulk call (REP INSW/OUTSW);
// "word" with 256 In16/Out16 calls.

const benchDiskSectors = 64 << 20 / SectorSize // 64 MiB

// warmDynamicVHD creates a dynamic VHD with every block allocated and
// written once, so reads and writes hit allocated blocks in the page cache.
func warmDynamicVHD(b *testing.B) Drive {
	b.Helper()
	d, err := vhd.Create(filepath.Join(b.TempDir(), "bench.vhd"), vhd.CreateOptions{Type: vhd.Dynamic, Size: benchDiskSectors * SectorSize})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	chunk := pattern(0, 2048, 1)
	for off := int64(0); off+int64(len(chunk)) <= d.Size(); off += int64(len(chunk)) {
		if _, err := d.WriteAt(chunk, off); err != nil {
			b.Fatal(err)
		}
	}
	return vhdDrive{d}
}

func warmRaw(b *testing.B) Drive {
	r, _ := newRawFile(b, benchDiskSectors)
	chunk := pattern(0, 2048, 1)
	for off := int64(0); off+int64(len(chunk)) <= r.Size(); off += int64(len(chunk)) {
		if _, err := r.WriteAt(chunk, off); err != nil {
			b.Fatal(err)
		}
	}
	return r
}

// benchPIO runs b.N 256-sector commands. The host side is written out
// without the test helpers so the loop costs what a guest's port accesses
// cost.
func benchPIO(b *testing.B, drive Drive, write, bulk bool) {
	c := NewController(&countIRQ{}, nil)
	c.Attach(0, 0, drive)
	const base = PrimaryBase
	sector := make([]byte, SectorSize)
	copy(sector, pattern(0, 1, 3))
	op := uint8(cmdReadSectors)
	if write {
		op = cmdWriteSectors
	}
	limit := uint32(drive.Size()/SectorSize) &^ 255
	lba := uint32(0)
	b.SetBytes(256 * SectorSize)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Out8(base+regDevice, 0xE0|uint8(lba>>24))
		c.Out8(base+regSectorCount, 0) // 256 sectors
		c.Out8(base+regLBALow, uint8(lba))
		c.Out8(base+regLBAMid, uint8(lba>>8))
		c.Out8(base+regLBAHigh, uint8(lba>>16))
		c.Out8(base+regStatus, op)
		for s := 0; s < 256; s++ {
			if st := c.In8(base + regStatus); st&stDRQ == 0 {
				b.Fatalf("no DRQ at sector %d: status %02Xh", s, st)
			}
			switch {
			case bulk && write:
				c.OutsBulk(base, 2, sector)
			case bulk:
				c.InsBulk(base, 2, sector)
			case write:
				for j := 0; j < SectorSize; j += 2 {
					c.Out16(base, uint16(sector[j])|uint16(sector[j+1])<<8)
				}
			default:
				for j := 0; j < SectorSize; j += 2 {
					v := c.In16(base)
					sector[j], sector[j+1] = uint8(v), uint8(v>>8)
				}
			}
		}
		if st := c.In8(base + regStatus); st != statusReady {
			b.Fatalf("status %02Xh after the command", st)
		}
		lba += 256
		if lba >= limit {
			lba = 0
		}
	}
}

func BenchmarkPIOReadBulkDynamicVHD(b *testing.B)  { benchPIO(b, warmDynamicVHD(b), false, true) }
func BenchmarkPIOWriteBulkDynamicVHD(b *testing.B) { benchPIO(b, warmDynamicVHD(b), true, true) }
func BenchmarkPIOReadWordDynamicVHD(b *testing.B)  { benchPIO(b, warmDynamicVHD(b), false, false) }
func BenchmarkPIOWriteWordDynamicVHD(b *testing.B) { benchPIO(b, warmDynamicVHD(b), true, false) }
func BenchmarkPIOReadBulkRaw(b *testing.B)         { benchPIO(b, warmRaw(b), false, true) }
func BenchmarkPIOWriteBulkRaw(b *testing.B)        { benchPIO(b, warmRaw(b), true, true) }

// No allocation per sector (or per command) on the hot path.
func TestNoAllocations(t *testing.T) {
	m := newMemDrive(4096)
	c := NewController(&countIRQ{}, nil)
	c.Attach(0, 0, m)
	sector := make([]byte, SectorSize)
	for _, op := range []uint8{cmdReadSectors, cmdWriteSectors} {
		allocs := testing.AllocsPerRun(20, func() {
			c.Out8(PrimaryBase+regDevice, 0xE0)
			c.Out8(PrimaryBase+regSectorCount, 0)
			c.Out8(PrimaryBase+regLBALow, 0)
			c.Out8(PrimaryBase+regLBAMid, 0)
			c.Out8(PrimaryBase+regLBAHigh, 0)
			c.Out8(PrimaryBase+regStatus, op)
			for s := 0; s < 256; s++ {
				c.In8(PrimaryBase + regStatus)
				if op == cmdReadSectors {
					c.InsBulk(PrimaryBase, 2, sector)
				} else {
					c.OutsBulk(PrimaryBase, 2, sector)
				}
			}
		})
		if allocs != 0 {
			t.Errorf("command %02Xh: %.1f allocations per 256-sector command", op, allocs)
		}
	}
}
