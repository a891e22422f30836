package testroms

import (
	"pcemu/disk"
	"pcemu/ide"
	"pcemu/vhd"
)

// patternDrive is an ide.Drive of any size that holds a program in its
// first sectors and the pattern everywhere else, computed on the fly, so
// that the programs can run on disks far larger than a test should write.
// Written sectors are kept in memory.
type patternDrive struct {
	sectors int64
	prog    []byte
	tag     byte
	written map[int64][]byte
}

var _ ide.Drive = (*patternDrive)(nil)

func newPatternDrive(prog []byte, sectors int64, tag byte) *patternDrive {
	return &patternDrive{sectors: sectors, prog: prog, tag: tag, written: map[int64][]byte{}}
}

func (d *patternDrive) sector(lba int64) []byte {
	if s, ok := d.written[lba]; ok {
		return s
	}
	s := make([]byte, 512)
	if start := lba * 512; start < int64(len(d.prog)) {
		copy(s, d.prog[start:]) // the program's last sector is zero-padded, as in Image
	} else {
		FillSector(s, uint32(lba), d.tag)
	}
	return s
}

func (d *patternDrive) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		lba, in := (off+int64(n))/512, int((off+int64(n))%512)
		n += copy(p[n:], d.sector(lba)[in:])
	}
	return n, nil
}

func (d *patternDrive) WriteAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		lba, in := (off+int64(n))/512, int((off+int64(n))%512)
		s := append([]byte(nil), d.sector(lba)...)
		n += copy(s[in:], p[n:])
		d.written[lba] = s
	}
	return n, nil
}

func (d *patternDrive) Size() int64    { return d.sectors * 512 }
func (d *patternDrive) ReadOnly() bool { return false }
func (d *patternDrive) Flush() error   { return nil }
func (d *patternDrive) Geometry() ide.Geometry {
	return disk.ATAGeometry(vhd.Geometry{}, d.sectors*ide.SectorSize)
}
