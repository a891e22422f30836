package vhd

import (
	"math/rand/v2"
	"testing"
)

const benchDisk = 64 << 20

// benchImage makes a fixed or dynamic image with every block written, so
// reads measure data, not zero-fill.
func benchImage(b *testing.B, typ DiskType) *Disk {
	b.Helper()
	name := tmp(b, "bench.vhd")
	d := mustCreate(b, name, CreateOptions{Type: typ, Size: benchDisk, ForceSize: true})
	buf := make([]byte, 1<<20)
	rand.NewChaCha8([32]byte{}).Read(buf)
	for off := int64(0); off < benchDisk; off += int64(len(buf)) {
		if _, err := d.WriteAt(buf, off); err != nil {
			b.Fatal(err)
		}
	}
	return d
}

func benchIO(b *testing.B, typ DiskType, write, random bool, n int) {
	d := benchImage(b, typ)
	defer d.Close()
	buf := make([]byte, n)
	rand.NewChaCha8([32]byte{1}).Read(buf)
	r := rand.New(rand.NewPCG(1, 1))
	sectors := int64(benchDisk-n) / 512
	b.SetBytes(int64(n))
	b.ReportAllocs()
	b.ResetTimer()
	off := int64(0)
	for i := 0; i < b.N; i++ {
		if random {
			off = r.Int64N(sectors) * 512
		} else if off+int64(n) > benchDisk {
			off = 0
		}
		var err error
		if write {
			_, err = d.WriteAt(buf, off)
		} else {
			_, err = d.ReadAt(buf, off)
		}
		if err != nil {
			b.Fatal(err)
		}
		off += int64(n)
	}
}

// Sequential: 64 KiB transfers (128 sectors, a typical READ MULTIPLE run
// of the IDE controller); random: 4 KiB at sector-aligned offsets.
func BenchmarkReadSeqFixed(b *testing.B)       { benchIO(b, Fixed, false, false, 64<<10) }
func BenchmarkReadSeqDynamic(b *testing.B)     { benchIO(b, Dynamic, false, false, 64<<10) }
func BenchmarkReadRand4KFixed(b *testing.B)    { benchIO(b, Fixed, false, true, 4<<10) }
func BenchmarkReadRand4KDynamic(b *testing.B)  { benchIO(b, Dynamic, false, true, 4<<10) }
func BenchmarkWriteSeqFixed(b *testing.B)      { benchIO(b, Fixed, true, false, 64<<10) }
func BenchmarkWriteSeqDynamic(b *testing.B)    { benchIO(b, Dynamic, true, false, 64<<10) }
func BenchmarkWriteRand4KFixed(b *testing.B)   { benchIO(b, Fixed, true, true, 4<<10) }
func BenchmarkWriteRand4KDynamic(b *testing.B) { benchIO(b, Dynamic, true, true, 4<<10) }

// One sector at a time, the IDE controller's per-sector path.
func BenchmarkReadSector512Dynamic(b *testing.B)  { benchIO(b, Dynamic, false, false, 512) }
func BenchmarkWriteSector512Dynamic(b *testing.B) { benchIO(b, Dynamic, true, false, 512) }

// BenchmarkWriteAllocDynamic measures writes into new blocks: each 64 KiB
// write allocates part of a 2 MiB block (footer, bitmap, data, sync, BAT).
func BenchmarkWriteAllocDynamic(b *testing.B) {
	buf := make([]byte, 64<<10)
	rand.NewChaCha8([32]byte{2}).Read(buf)
	b.SetBytes(int64(len(buf)))
	var d *Disk
	off := int64(0)
	for i := 0; i < b.N; i++ {
		if d == nil || off+int64(len(buf)) > d.Size() {
			b.StopTimer()
			if d != nil {
				d.Close()
			}
			d = mustCreate(b, tmp(b, "alloc.vhd"), CreateOptions{Type: Dynamic, Size: 1 << 30, ForceSize: true})
			off = 0
			b.StartTimer()
		}
		if _, err := d.WriteAt(buf, off); err != nil {
			b.Fatal(err)
		}
		off += int64(len(buf))
	}
	d.Close()
}
