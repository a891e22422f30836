package bios

import "pcemu/cpu"

// INT 13h: diskette and fixed disk services (IBM AT Technical Reference;
// Ralf Brown's Interrupt List INT 13h; Phoenix "Enhanced Disk Drive
// Specification" 1.1 for AH=41h-48h).

// INT 13h status codes (Ralf Brown's Table 00234).
const (
	stOK         = 0x00
	stBadCommand = 0x01
	stNoSector   = 0x04
	stBoundary   = 0x09
	stWriteProt  = 0x03
	stTimeout    = 0x80
	stNoChange   = 0x00
)

// int13 dispatches on DL: 00h-7Fh diskettes, 80h-FFh fixed disks.
func (b *BIOS) int13() {
	if b.dl() < 0x80 {
		b.floppyService()
		return
	}
	b.diskService()
}

// int40 is the diskette service reached through INT 40h.
func (b *BIOS) int40() { b.floppyService() }

// diskDone ends a fixed disk call: AH = status (kept for AH=01h), CF = error.
func (b *BIOS) diskDone(st uint8) {
	b.setBDA8(bdaDiskStatus, st)
	b.setAH(st)
	b.setCF(st != 0)
}

func (b *BIOS) hardDisk() *ataDrive {
	n := int(b.dl()) - 0x80
	if n < 0 || n >= len(b.hd) {
		return nil
	}
	return b.hd[n]
}

func (b *BIOS) diskService() {
	d := b.hardDisk()
	fn := b.ah()
	if d == nil {
		// An absent drive: AH=08h and 15h say so in their own way.
		switch fn {
		case 0x08:
			b.setAX(0)
			b.setCX(0)
			b.setDX(uint16(len(b.hd)))
			b.diskDone(0x07) // RBIL: CF set, AH=07h for an invalid drive
			return
		case 0x15:
			b.setAX(0)
			b.setCF(false)
			return
		}
		b.diskDone(stBadCommand) // no such drive: an invalid parameter
		return
	}
	switch fn {
	case 0x00, 0x0D: // reset; alternate reset: a software reset of the channel (SRST)
		b.bus.Out8(d.ctrl(), 0x04)
		b.bus.Out8(d.ctrl(), 0x00)
		b.ataWait(d.base(), thenDiskReset, 0)
	case 0x01: // status of last operation
		st := b.bda8(bdaDiskStatus)
		b.setAH(st)
		b.setCF(st != 0)
	case 0x02, 0x03, 0x04: // read, write, verify (CHS)
		b.diskCHS(d, fn)
	case 0x08: // drive parameters
		c := d.lcyls - 1
		b.setAX(0)
		b.setCH(uint8(c))
		b.setCL(uint8(d.lspt) | uint8(c>>2)&0xC0)
		b.setDH(uint8(d.lheads - 1))
		b.setDL(uint8(len(b.hd)))
		b.diskDone(stOK)
	case 0x09, 0x11: // initialise parameters; recalibrate
		b.diskDone(stOK)
	case 0x0C: // seek
		if _, ok := b.chsToLBA(d); !ok {
			b.diskDone(stBadCommand)
			return
		}
		b.diskDone(stOK)
	case 0x10: // test unit ready
		b.ataWait(d.base(), thenDiskReady, 0)
	case 0x15: // drive type: fixed disk, CX:DX = sectors INT 13h can address
		n := d.chsSectors()
		b.setCX(uint16(n >> 16))
		b.setDX(uint16(n))
		b.setAX(0x0300)
		b.setBDA8(bdaDiskStatus, 0)
		b.setCF(false)
	case 0x41: // extensions installation check
		if b.bx() != 0x55AA {
			b.diskDone(stBadCommand)
			return
		}
		b.setBX(0xAA55)
		b.setCX(0x0001) // bit 0: AH=42h-44h, 47h, 48h (fixed disk access subset)
		b.setAH(0x21)   // EDD 1.1
		b.setBDA8(bdaDiskStatus, 0)
		b.setCF(false)
	case 0x42, 0x43, 0x44, 0x47: // extended read, write, verify, seek
		b.diskExt(d, fn)
	case 0x48: // extended drive parameters
		b.diskParams(d)
	default:
		b.diskDone(stBadCommand)
	}
}

// chsToLBA converts CH/CL/DH to an LBA on the drive's INT 13h geometry.
func (b *BIOS) chsToLBA(d *ataDrive) (uint64, bool) {
	c := int(b.ch()) | int(b.cl()&0xC0)<<2
	s := int(b.cl() & 0x3F)
	h := int(b.dh())
	if s == 0 || s > d.lspt || h >= d.lheads || c >= d.lcyls {
		return 0, false
	}
	return uint64((c*d.lheads+h)*d.lspt + s - 1), true
}

// diskCHS runs AH=02h/03h/04h: AL sectors at CH/CL/DH to or from ES:BX.
func (b *BIOS) diskCHS(d *ataDrive, fn uint8) {
	count := int(b.al())
	lba, ok := b.chsToLBA(d)
	switch {
	case count == 0 || count > 128:
		b.setAL(0)
		b.diskDone(stBadCommand)
		return
	case !ok || lba >= d.sectors:
		// An address outside the geometry is a parameter error, as in
		// SeaBIOS; a transfer that runs off the end is left to the
		// drive, which moves what exists and reports IDNF (04h).
		b.setAL(0)
		b.diskDone(stBadCommand)
		return
	}
	x := b.newXfer(d, int(fn-2), lba, count)
	x.wrap, x.seg, x.off = true, b.p.Seg(cpu.ES), b.bx()
	b.runXfer(x)
}

// diskExt runs AH=42h/43h/44h/47h from the disk address packet at DS:SI:
// size, reserved, block count, buffer segment:offset, starting LBA, and the
// 64-bit flat buffer address when segment:offset is FFFF:FFFF.
func (b *BIOS) diskExt(d *ataDrive, fn uint8) {
	dap := linear(b.p.Seg(cpu.DS), b.p.Reg(cpu.SI))
	size := b.rd8(dap)
	count := int(b.rd16(dap + 2))
	off, seg := b.rd16(dap+4), b.rd16(dap+6)
	lba := uint64(b.rd16(dap+8)) | uint64(b.rd16(dap+10))<<16 | uint64(b.rd16(dap+12))<<32 | uint64(b.rd16(dap+14))<<48
	buf := linear(seg, off) // EDD: the buffer is linear
	if seg == 0xFFFF && off == 0xFFFF {
		if size < 0x18 {
			b.setDAPCount(dap, 0)
			b.diskDone(stBadCommand)
			return
		}
		flat := uint64(b.rd16(dap+16)) | uint64(b.rd16(dap+18))<<16 | uint64(b.rd16(dap+20))<<32 | uint64(b.rd16(dap+22))<<48
		if flat+uint64(count)*512 > 1<<32 {
			b.setDAPCount(dap, 0)
			b.diskDone(stBadCommand)
			return
		}
		buf = uint32(flat)
	}
	switch {
	case size < 0x10 || count > 0x7F && fn != 0x47:
		b.setDAPCount(dap, 0)
		b.diskDone(stBadCommand)
		return
	case lba >= d.sectors:
		b.setDAPCount(dap, 0)
		b.diskDone(stBadCommand)
		return
	}
	if fn == 0x47 || count == 0 { // seek: the address is valid, nothing to move
		b.diskDone(stOK)
		return
	}
	x := b.newXfer(d, int(fn-0x42), lba, count)
	x.linear, x.ext, x.dap = buf, true, dap
	b.runXfer(x)
}

func (b *BIOS) setDAPCount(dap uint32, n int) { b.wr16(dap+2, uint16(n)) }

// diskParams fills the AH=48h result buffer at DS:SI (EDD 1.1 layout, with
// the EDD 2.0 DPTE pointer when the caller's buffer has room for it).
func (b *BIOS) diskParams(d *ataDrive) {
	buf := linear(b.p.Seg(cpu.DS), b.p.Reg(cpu.SI))
	size := b.rd16(buf)
	if size < 0x1A {
		b.diskDone(stBadCommand)
		return
	}
	flags := uint16(0)
	c, h, s := d.cyls, d.heads, d.spt
	if d.sectors <= 15482880 { // 16383*16*63: the CHS words are meaningful (EDD: bit 1)
		flags |= 1 << 1
	} else {
		c, h, s = 16383, 16, 63
	}
	put32 := func(o uint32, v uint32) { b.wr16(buf+o, uint16(v)); b.wr16(buf+o+2, uint16(v>>16)) }
	out := uint16(0x1A)
	if size >= 0x1E {
		out = 0x1E
		b.wr16(buf+0x1A, 0xFFFF) // no DPTE
		b.wr16(buf+0x1C, 0xFFFF)
	}
	b.wr16(buf, out)
	b.wr16(buf+2, flags)
	put32(4, uint32(c))
	put32(8, uint32(h))
	put32(12, uint32(s))
	put32(16, uint32(d.sectors))
	put32(20, uint32(d.sectors>>32))
	b.wr16(buf+24, 512)
	b.diskDone(stOK)
}

// writeFDPT writes the fixed disk parameter table INT 41h/46h point at
// (IBM AT Technical Reference; for translated drives the Phoenix
// "translated FDPT" with signature A0h and a checksum in byte 0Fh).
func (b *BIOS) writeFDPT(at uint32, d *ataDrive) {
	var t [16]byte
	put16 := func(o int, v int) { t[o], t[o+1] = byte(v), byte(v>>8) }
	control := byte(0)
	if d.lheads > 8 {
		control = 0x08 // more than 8 heads
	}
	if d.lcyls == d.cyls && d.lheads == d.heads {
		put16(0, d.cyls)
		t[2] = byte(d.heads)
		put16(5, 0xFFFF) // no write precompensation
		t[8] = control
		put16(12, d.cyls) // landing zone
		t[14] = byte(d.spt)
	} else {
		put16(0, d.lcyls)
		t[2] = byte(d.lheads)
		t[3] = 0xA0 // translated table signature
		t[4] = byte(d.spt)
		put16(5, 0xFFFF)
		t[8] = control
		put16(9, min(d.cyls, 0xFFFF))
		t[11] = byte(d.heads)
		put16(12, min(d.cyls, 0xFFFF))
		t[14] = byte(d.lspt)
		var sum byte
		for _, v := range t[:15] {
			sum += v
		}
		t[15] = -sum
	}
	for i, v := range t {
		b.wr8(at+uint32(i), v)
	}
}
