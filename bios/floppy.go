package bios

import (
	"fmt"

	"pcemu/cpu"
)

// Diskettes are raw images served from Go: this PC has no floppy disk
// controller, so INT 13h for drives 00h/01h reads and writes the image with
// the standard geometry of its size.

type floppyDrive struct {
	img              FloppyImage
	cyls, heads, spt int
	driveType        uint8 // CMOS/INT 13h AH=08h type: 1 360K, 2 1.2M, 3 720K, 4 1.44M, 5 2.88M
}

// floppyFormats are the standard PC diskette geometries by image size.
var floppyFormats = []struct {
	size             int64
	cyls, heads, spt int
	driveType        uint8
}{
	{160 << 10, 40, 1, 8, 1},
	{180 << 10, 40, 1, 9, 1},
	{320 << 10, 40, 2, 8, 1},
	{360 << 10, 40, 2, 9, 1},
	{720 << 10, 80, 2, 9, 3},
	{1200 << 10, 80, 2, 15, 2},
	{1440 << 10, 80, 2, 18, 4},
	{2880 << 10, 80, 2, 36, 5},
}

// FloppyDriveType is the CMOS drive type (1 360K, 2 1.2M, 3 720K, 4 1.44M,
// 5 2.88M) of the drive that reads a diskette image of size bytes, or 0
// when the size is no standard format.
func FloppyDriveType(size int64) uint8 {
	for _, f := range floppyFormats {
		if f.size == size {
			return f.driveType
		}
	}
	return 0
}

func newFloppy(img FloppyImage) (*floppyDrive, error) {
	size := img.Size()
	for _, f := range floppyFormats {
		if f.size == size {
			return &floppyDrive{img: img, cyls: f.cyls, heads: f.heads, spt: f.spt, driveType: f.driveType}, nil
		}
	}
	return nil, fmt.Errorf("diskette image of %d bytes is not a standard size (160K, 180K, 320K, 360K, 720K, 1.2M, 1.44M or 2.88M)", size)
}

// mediaState is the BDA media state byte (0040:0090) for a drive whose
// medium is established: data rate and drive/media determination.
func (f *floppyDrive) mediaState() uint8 {
	switch f.driveType {
	case 1:
		return 0x93 // 250 kbps, 360K medium in 360K drive, established
	case 3:
		return 0x97 // 250 kbps, 720K
	default:
		return 0x17 // 500 kbps, established
	}
}

// floppyDone ends a diskette call: AH = status (0040:0041), CF = error.
func (b *BIOS) floppyDone(st uint8) {
	b.setBDA8(bdaFloppyStatus, st)
	b.setAH(st)
	b.setCF(st != 0)
}

func (b *BIOS) floppyService() {
	fn := b.ah()
	drive := int(b.dl())
	var f *floppyDrive
	if drive < 2 {
		f = b.floppy[drive]
	}
	switch fn {
	case 0x01:
		st := b.bda8(bdaFloppyStatus)
		b.setAH(st)
		b.setCF(st != 0)
		return
	case 0x08:
		b.floppyParams(f)
		return
	case 0x15: // drive type: 00h none, 02h diskette with change line
		if f == nil {
			b.setAH(0)
			b.setCF(false)
			return
		}
		b.setAH(0x02)
		b.setBDA8(bdaFloppyStatus, 0)
		b.setCF(false)
		return
	}
	if f == nil {
		b.floppyDone(stTimeout) // no drive: the controller times out
		return
	}
	switch fn {
	case 0x00: // reset
		b.floppyDone(stOK)
	case 0x02, 0x03, 0x04:
		b.floppyRW(f, fn)
	case 0x05: // format track: fill the track's sectors with the fill byte
		b.floppyFormat(f)
	case 0x16: // change line: the image never changes while running
		b.floppyDone(stNoChange)
	case 0x17, 0x18: // set media type for format
		if fn == 0x18 {
			if int(b.ch())|int(b.cl()&0xC0)<<2 != f.cyls-1 || int(b.cl()&0x3F) != f.spt {
				b.floppyDone(0x0C) // media type not supported
				return
			}
			b.p.SetSeg(cpu.ES, romSeg)
			b.p.SetReg(cpu.DI, offDisketteTab)
		}
		b.floppyDone(stOK)
	default:
		b.floppyDone(stBadCommand)
	}
}

// floppyParams answers AH=08h: drive type, geometry, drive count and the
// diskette parameter table.
func (b *BIOS) floppyParams(f *floppyDrive) {
	n := 0
	for _, d := range b.floppy {
		if d != nil {
			n++
		}
	}
	if f == nil {
		b.setAX(0)
		b.setBX(0)
		b.setCX(0)
		b.setDX(uint16(n))
		b.p.SetSeg(cpu.ES, 0)
		b.p.SetReg(cpu.DI, 0)
		b.setCF(false)
		return
	}
	c := f.cyls - 1
	b.setAX(0)
	b.setBX(uint16(f.driveType))
	b.setCH(uint8(c))
	b.setCL(uint8(f.spt) | uint8(c>>2)&0xC0)
	b.setDH(uint8(f.heads - 1))
	b.setDL(uint8(n))
	b.p.SetSeg(cpu.ES, romSeg)
	b.p.SetReg(cpu.DI, offDisketteTab)
	b.floppyDone(stOK)
}

// floppyRW runs AH=02h/03h/04h on an image: AL sectors from CH/CL/DH,
// continuing across heads and tracks as a multi-track transfer does.
func (b *BIOS) floppyRW(f *floppyDrive, fn uint8) {
	count := int(b.al())
	c := int(b.ch()) | int(b.cl()&0xC0)<<2
	s := int(b.cl() & 0x3F)
	h := int(b.dh())
	if count == 0 || count > f.spt*f.heads*2 {
		b.setAL(0)
		b.floppyDone(stBadCommand)
		return
	}
	if s == 0 || s > f.spt || h >= f.heads || c >= f.cyls {
		b.setAL(0)
		b.floppyDone(stBadCommand) // outside the medium's geometry (SeaBIOS: EPARAM)
		return
	}
	lba := (c*f.heads+h)*f.spt + s - 1
	total := f.cyls * f.heads * f.spt
	seg, off := b.p.Seg(cpu.ES), b.bx()
	// The diskette controller moves data by DMA, whose address counter
	// cannot carry into the page register: a buffer across a 64 KiB
	// physical boundary fails before anything moves (IBM AT BIOS, status 09h).
	start := linear(seg, off)
	if fn != 0x04 && start&0xFFFF+uint32(count)*512 > 0x10000 {
		b.setAL(0)
		b.floppyDone(stBoundary)
		return
	}
	var buf [512]byte
	done := 0
	st := uint8(stOK)
	for ; done < count; done++ {
		if lba+done >= total {
			st = stNoSector
			break
		}
		pos := int64(lba+done) * 512
		base := start + uint32(done)*512
		if fn == 0x03 {
			for i := range buf {
				buf[i] = b.rd8(base + uint32(i))
			}
			if _, err := f.img.WriteAt(buf[:], pos); err != nil {
				st = stWriteProt
				break
			}
			continue
		}
		if _, err := f.img.ReadAt(buf[:], pos); err != nil {
			st = 0x10 // CRC error: the image could not be read
			break
		}
		if fn == 0x02 {
			if dst := b.ramSlice(base, 512); dst != nil {
				copy(dst, buf[:])
			} else {
				for i, v := range buf {
					b.wr8(base+uint32(i), v)
				}
			}
		}
	}
	b.setAL(uint8(done))
	b.floppyDone(st)
}

// floppyFormat runs AH=05h: the address fields at ES:BX name the sectors
// of track CH, head DH; each is filled with the parameter table's fill byte.
func (b *BIOS) floppyFormat(f *floppyDrive) {
	c, h := int(b.ch()), int(b.dh())
	if c >= f.cyls || h >= f.heads {
		b.floppyDone(stNoSector)
		return
	}
	fill := disketteParams[8]
	var buf [512]byte
	for i := range buf {
		buf[i] = fill
	}
	base := linear(b.p.Seg(cpu.ES), b.bx())
	n := int(b.al())
	if n == 0 || n > f.spt {
		n = f.spt
	}
	for i := 0; i < n; i++ {
		s := int(b.rd8(base + uint32(4*i) + 2)) // C, H, R, N
		if s == 0 || s > f.spt {
			b.floppyDone(stNoSector)
			return
		}
		pos := int64((c*f.heads+h)*f.spt+s-1) * 512
		if _, err := f.img.WriteAt(buf[:], pos); err != nil {
			b.floppyDone(stWriteProt)
			return
		}
	}
	b.floppyDone(stOK)
}
