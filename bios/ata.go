package bios

import "strings"

// The BIOS side of the ATA/IDE interface (ATA/ATAPI-6, sections 6 and 8):
// task file programming, PIO data moves, status polling. Everything goes
// through the I/O ports, as on a real AT.

// Command block (base) and control block (ctrl) ports of the two channels.
var (
	ataBase = [2]uint16{0x1F0, 0x170}
	ataCtrl = [2]uint16{0x3F6, 0x376}
)

// Task file register offsets from the command block base.
const (
	ataData    = 0
	ataError   = 1
	ataCount   = 2
	ataLBALow  = 3
	ataLBAMid  = 4
	ataLBAHigh = 5
	ataDevice  = 6
	ataStatus  = 7 // read: status; write: command
)

// Status register bits.
const (
	ataERR  = 0x01
	ataDRQ  = 0x08
	ataDF   = 0x20
	ataDRDY = 0x40
	ataBSY  = 0x80
)

// Commands used by the BIOS.
const (
	cmdReadSectors      = 0x20
	cmdReadSectorsExt   = 0x24
	cmdWriteSectors     = 0x30
	cmdWriteSectorsExt  = 0x34
	cmdReadVerify       = 0x40
	cmdReadVerifyExt    = 0x42
	cmdIdentifyDevice   = 0xEC
	lba28Limit          = 0x0FFFFFFF // sectors a 28-bit command reaches (IDENTIFY words 60-61 saturate here)
	ataPollsBeforePause = 8
	ataPauseLimit       = 200000 // pauses (~6 instructions each) before a drive counts as hung, without a clock
	ataTimeout          = 10e9   // ns of virtual time a drive may stay busy (ATA allows 31 s for spin-up; emulated drives are quick)
)

// ataDrive is a drive POST found with IDENTIFY DEVICE.
type ataDrive struct {
	channel int
	slave   bool
	model   string

	cyls, heads, spt    int // the drive's default CHS (IDENTIFY words 1, 3, 6)
	lcyls, lheads, lspt int // the geometry INT 13h reports (translated when cyls > 1024)
	sectors             uint64
	lba, lba48          bool
}

func (d *ataDrive) base() uint16 { return ataBase[d.channel] }
func (d *ataDrive) ctrl() uint16 { return ataCtrl[d.channel] }
func (d *ataDrive) dev() uint8 {
	if d.slave {
		return 0xB0
	}
	return 0xA0
}

// chsSectors is how much of the disk the logical CHS geometry addresses.
func (d *ataDrive) chsSectors() uint64 {
	return uint64(d.lcyls) * uint64(d.lheads) * uint64(d.lspt)
}

// ataPoll reads the channel's status until BSY is clear, at most
// ataPollsBeforePause times, and reports the last status and whether BSY
// cleared. The emulated controller is synchronous, so a ready drive answers
// on the first read.
func (b *BIOS) ataPoll(base uint16) (st uint8, ready bool) {
	for i := 0; i < ataPollsBeforePause; i++ {
		st = b.bus.In8(base + ataStatus)
		if st&ataBSY == 0 {
			return st, true
		}
	}
	return st, false
}

// busyWait is one wait for BSY to clear: the pauses in the ROM so far and
// the virtual time the drive may stay busy.
type busyWait struct {
	pauses   int
	deadline int64 // 0 until the first pause
}

// pause counts a pause in the ROM and reports whether the drive has been
// busy too long: past ataTimeout of virtual time from the wait's start
// (virtual time does not move while the BIOS polls, so the first pause is
// the start), or past ataPauseLimit pauses without a clock.
func (w *busyWait) pause(b *BIOS) (expired bool) {
	w.pauses++
	if b.cfg.Now == nil {
		return w.pauses > ataPauseLimit
	}
	now := b.cfg.Now()
	if w.deadline == 0 {
		w.deadline = now + ataTimeout
	}
	return now > w.deadline
}

// ataWait polls the channel's status until BSY clears, then goes on with
// then (ataThen) and its status. A drive that stays busy is waited for in
// the ROM's pause loop; one that stays busy too long goes on with ok
// false. POST and the disk services that wait once use it; transfers have
// their own state (ataxfer.go).
func (b *BIOS) ataWait(base uint16, then uint8, arg int) {
	b.ataPollWait(wait{kind: waitATA, base: base, then: then, arg: arg})
}

// ataPollWait is one look at the status for ataWait.
func (b *BIOS) ataPollWait(w wait) {
	st, ready := b.ataPoll(w.base)
	switch {
	case ready:
		b.ataThen(w.then, w.arg, st, true)
	case w.busy.pause(b):
		b.ataThen(w.then, w.arg, st, false)
	default:
		b.waitBriefly(w)
	}
}

// What an ataWait goes on with.
const (
	thenDetectReady    = iota // POST: the device at position arg answered; identify it
	thenDetectIdentify        // POST: IDENTIFY DEVICE has completed
	thenDiskReset             // INT 13h AH=00h/0Dh
	thenDiskReady             // INT 13h AH=10h
)

// ataThen goes on after an ataWait (wait.go keeps the kinds).
func (b *BIOS) ataThen(then uint8, arg int, st uint8, ok bool) {
	switch then {
	case thenDetectReady:
		if !ok {
			b.detect(arg + 1)
			return
		}
		d := detectDrive(arg)
		b.bus.Out8(d.base()+ataDevice, d.dev())
		b.bus.Out8(d.base()+ataStatus, cmdIdentifyDevice)
		b.ataWait(d.base(), thenDetectIdentify, arg)
	case thenDetectIdentify:
		if ok && st&ataERR == 0 && st&ataDRQ != 0 { // else absent, or a packet device that aborts IDENTIFY
			d := detectDrive(arg)
			var id [512]byte
			b.ataReadData(d.base(), id[:])
			if d.identify(id[:]) {
				b.hd = append(b.hd, d)
			}
		}
		b.detect(arg + 1)
	case thenDiskReset:
		if !ok {
			b.diskDone(0xAA)
			return
		}
		b.diskDone(stOK)
	case thenDiskReady:
		if !ok || st&ataDRDY == 0 {
			b.diskDone(0xAA)
			return
		}
		b.diskDone(stOK)
	}
}

// detectDrive is the drive at IDE position i as detection starts.
func detectDrive(i int) *ataDrive { return &ataDrive{channel: i / 2, slave: i%2 == 1} }

// detect probes IDE position i (0: primary master ... 3: secondary slave)
// with IDENTIFY DEVICE and goes on with the next; after the last it
// finishes POST.
func (b *BIOS) detect(i int) {
	if i == 4 {
		b.postFinish()
		return
	}
	d := detectDrive(i)
	base := d.base()
	b.bus.Out8(base+ataDevice, d.dev())
	st := b.bus.In8(base + ataStatus)
	if st == 0xFF || st == 0x00 { // floating bus (no channel) or no device answering
		b.detect(i + 1)
		return
	}
	b.ataWait(base, thenDetectReady, i)
}

// identify takes the drive's geometry and capacity from IDENTIFY DEVICE
// data (ATA/ATAPI-6, Table 27) and chooses the INT 13h geometry.
func (d *ataDrive) identify(id []byte) bool {
	w := func(n int) uint16 { return uint16(id[2*n]) | uint16(id[2*n+1])<<8 }
	if w(0)&0x8000 != 0 { // not an ATA device
		return false
	}
	d.cyls, d.heads, d.spt = int(w(1)), int(w(3)), int(w(6))
	d.lba = w(49)&(1<<9) != 0
	if d.lba {
		d.sectors = uint64(w(60)) | uint64(w(61))<<16
		if w(83)&(1<<10) != 0 {
			d.lba48 = true
			d.sectors = uint64(w(100)) | uint64(w(101))<<16 | uint64(w(102))<<32 | uint64(w(103))<<48
		}
	} else {
		d.sectors = uint64(d.cyls) * uint64(d.heads) * uint64(d.spt)
	}
	if d.cyls == 0 || d.heads == 0 || d.spt == 0 || d.heads > 16 || d.spt > 255 || d.sectors == 0 {
		return false
	}
	var m []byte
	for n := 27; n <= 46; n++ { // model: words 27-46, bytes swapped within each word
		m = append(m, id[2*n+1], id[2*n])
	}
	d.model = strings.TrimSpace(string(m))
	d.lcyls, d.lheads, d.lspt = Translate(d.cyls, d.heads, d.spt)
	return true
}

// Translate returns the geometry INT 13h reports for a drive whose own CHS
// is c/h/s: the same when c <= 1024, else the bit-shift ("large", ECHS)
// translation of the Phoenix/IBM BIOSes: cylinders halved and heads doubled
// until the cylinders fit in INT 13h's 10 bits, with a 16-head drive
// treated as 15 heads first when doubling would reach 256 heads. A
// partition table's CHS fields are in this geometry.
func Translate(c, h, s int) (int, int, int) {
	if c <= 1024 {
		return c, h, s
	}
	if h == 16 && c > 8192 {
		c, h = c*16/15, 15
	}
	for c > 1024 && h*2 <= 255 {
		c, h = c/2, h*2
	}
	return min(c, 1024), h, s
}

// ataReadData moves one sector (or IDENTIFY block) from the data port into
// dst, in one bulk transfer when the bus offers it.
func (b *BIOS) ataReadData(base uint16, dst []byte) {
	n := 0
	if b.bulk != nil {
		n = b.bulk.InsBulk(base+ataData, 2, dst) &^ 1
	}
	for ; n < len(dst); n += 2 {
		v := b.bus.In16(base + ataData)
		dst[n], dst[n+1] = byte(v), byte(v>>8)
	}
}

// ataWriteData moves one sector from src to the data port.
func (b *BIOS) ataWriteData(base uint16, src []byte) {
	n := 0
	if b.bulk != nil {
		n = b.bulk.OutsBulk(base+ataData, 2, src) &^ 1
	}
	for ; n < len(src); n += 2 {
		b.bus.Out16(base+ataData, uint16(src[n])|uint16(src[n+1])<<8)
	}
}

// ataStatusCode maps a failed command's status and error registers to an
// INT 13h status (Ralf Brown's Table 00234).
func ataStatusCode(st, er uint8, write bool) uint8 {
	switch {
	case st&ataDF != 0:
		return 0xCC // write fault / device fault
	case er&0x80 != 0:
		return 0x0A // bad sector flag (BBK)
	case er&0x40 != 0:
		return 0x10 // uncorrectable data error (UNC)
	case er&0x10 != 0:
		return 0x04 // sector not found (IDNF)
	case er&0x02 != 0:
		return 0x40 // seek failed (TK0NF)
	case er&0x01 != 0:
		return 0x02 // address mark not found (AMNF)
	case er&0x04 != 0 && write:
		return 0x03 // aborted write: the medium refuses writes
	case er&0x04 != 0:
		return 0x01 // aborted: the drive rejected the command
	}
	return 0xBB // undefined error
}
