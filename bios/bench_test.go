package bios

import (
	"testing"

	"pcemu/ide"
)

// BenchmarkInt13ExtendedRead measures INT 13h AH=42h reads of 127 sectors
// (63.5 KiB) through the ROM stub, the IDE registers and the bulk data path.
func BenchmarkInt13ExtendedRead(b *testing.B) {
	d := diskWithBoot(1024*16*63, ide.Geometry{Cylinders: 1024, Heads: 16, SectorsPerTrack: 63})
	pc := newTestPC(b, testConfig{drives: [4]ide.Drive{d}})
	pc.post()
	b.SetBytes(127 * 512)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pc.dap(0x10, 127, 0x2000, 0, uint64(i%1000)*127, 0)
		pc.int13(regs{ax: 0x4200, dx: 0x0080, si: 0x800})
		if pc.cf() {
			b.Fatalf("read failed: AH=%02X", pc.ah())
		}
	}
	b.ReportMetric(float64(b.N)*127*512/b.Elapsed().Seconds()/1e6, "MB/s")
}

// BenchmarkInt13ExtendedWrite measures INT 13h AH=43h writes of 127
// sectors to a disk held in memory.
func BenchmarkInt13ExtendedWrite(b *testing.B) {
	d := newFlatDisk(1024*16*63, ide.Geometry{Cylinders: 1024, Heads: 16, SectorsPerTrack: 63})
	pc := newTestPC(b, testConfig{drives: [4]ide.Drive{d}})
	pc.ready()
	b.SetBytes(127 * 512)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pc.dap(0x10, 127, 0x2000, 0, uint64(i%1000)*127, 0)
		pc.int13(regs{ax: 0x4300, dx: 0x0080, si: 0x800})
		if pc.cf() {
			b.Fatalf("write failed: AH=%02X", pc.ah())
		}
	}
	b.ReportMetric(float64(b.N)*127*512/b.Elapsed().Seconds()/1e6, "MB/s")
}

// BenchmarkInt13CHSRead measures INT 13h AH=02h reads of one 63-sector
// track, the way DOS reads a hard disk without the extensions.
func BenchmarkInt13CHSRead(b *testing.B) {
	d := newFlatDisk(1024*16*63, ide.Geometry{Cylinders: 1024, Heads: 16, SectorsPerTrack: 63})
	pc := newTestPC(b, testConfig{drives: [4]ide.Drive{d}})
	pc.ready()
	b.SetBytes(63 * 512)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := i % 1000
		pc.int13(regs{ax: 0x023F, cx: chs(c, 1), dx: uint16(i%16)<<8 | 0x80, es: 0x2000})
		if pc.cf() {
			b.Fatalf("read failed: AH=%02X", pc.ah())
		}
	}
	b.ReportMetric(float64(b.N)*63*512/b.Elapsed().Seconds()/1e6, "MB/s")
}

// BenchmarkInt10Teletype measures INT 10h AH=0Eh, the path of DOS console
// output, including a scroll every 80 characters.
func BenchmarkInt10Teletype(b *testing.B) {
	pc := newTestPC(b, testConfig{})
	pc.ready()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := byte('A' + i%26)
		if i%80 == 79 {
			c = '\n'
		}
		pc.tty(string(c))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "chars/s")
}
