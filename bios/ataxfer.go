package bios

// INT 13h hard disk transfers (AH=02h-04h, 42h-44h) through the IDE ports:
// the task file programmed per command of up to 256 sectors (65536 with
// LBA48), then the PIO data-in or data-out protocol one DRQ block (one
// sector) at a time (ATA/ATAPI-6, 9.7 and 9.8).
//
// This is the disk's hot path, so it allocates nothing: the transfer is a
// state machine in a struct the BIOS keeps, the data moves straight between
// the controller's sector buffer and guest RAM, and a ready drive (the
// emulated controller is synchronous) is served in one pass without leaving
// Go. Only a drive that shows BSY sends the service to the ROM's pause loop,
// to come back through a wait (wait.go) that points at the struct.

// xfer is one INT 13h transfer on a hard disk: the request, how far it has
// got and the wait it is in.
type xfer struct {
	d     *ataDrive
	op    int // xferRead, xferWrite, xferVerify
	lba   uint64
	count int // sectors asked for
	done  int // sectors moved (or verified) so far

	// The guest buffer. CHS calls address it as ES:BX+i with the offset
	// wrapping within the segment, like REP INSW; the extended calls as
	// linear+i (EDD: the buffer is linear, or a flat 64-bit address).
	wrap     bool
	seg, off uint16
	linear   uint32

	// Where the count moved goes: AL, or the DAP's block count.
	ext bool
	dap uint32

	phase int // xferIssue: a command is to be issued; xferData: it runs
	chunk int // sectors of the command in progress
	left  int // of those, still to move (read and write)
	wait  busyWait

	active bool // started and not finished
}

const (
	xferRead = iota
	xferWrite
	xferVerify
)

// The ATA commands of each operation, in their 28-bit and 48-bit forms.
var (
	xferCommands    = [...]uint8{xferRead: cmdReadSectors, xferWrite: cmdWriteSectors, xferVerify: cmdReadVerify}
	xferCommandsExt = [...]uint8{xferRead: cmdReadSectorsExt, xferWrite: cmdWriteSectorsExt, xferVerify: cmdReadVerifyExt}
)

const (
	xferIssue = iota
	xferData
)

// newXfer returns the transfer state for a new call: the BIOS's own, or,
// when that one is waiting for its drive (an interrupt handler calling INT
// 13h meanwhile), a fresh one.
func (b *BIOS) newXfer(d *ataDrive, op int, lba uint64, count int) *xfer {
	x := &b.xf
	if x.active {
		x = new(xfer)
	}
	*x = xfer{d: d, op: op, lba: lba, count: count, active: true}
	return x
}

// addr is the guest address of the buffer's byte i.
func (x *xfer) addr(i int) uint32 {
	if x.wrap {
		return linear(x.seg, x.off+uint16(i))
	}
	return x.linear + uint32(i)
}

// runXfer drives x until it finishes or has to wait for a busy drive.
func (b *BIOS) runXfer(x *xfer) {
	base := x.d.base()
	for {
		if x.phase == xferIssue && x.done == x.count {
			b.finishXfer(x, stOK)
			return
		}
		st, ready := b.ataPoll(base)
		if !ready {
			if !x.wait.pause(b) {
				b.waitBriefly(wait{kind: waitXfer, xfer: x})
				return
			}
			if x.phase == xferIssue {
				b.finishXfer(x, 0xAA) // drive not ready
			} else {
				b.finishXfer(x, stTimeout)
			}
			return
		}
		x.wait = busyWait{}
		if x.phase == xferIssue {
			b.issueXfer(x)
			continue
		}
		if !b.xferBlock(x, st) {
			return
		}
	}
}

// finishXfer ends the call with status st and the count of sectors moved.
func (b *BIOS) finishXfer(x *xfer, st uint8) {
	x.active = false
	if x.ext {
		b.setDAPCount(x.dap, x.done)
	} else {
		b.setAL(uint8(x.done))
	}
	b.diskDone(st)
}

// issueXfer programs the task file for the next command of x and issues
// it: LBA48 when the drive has it and the run reaches past 28 bits, LBA28
// when the drive has LBA, else the drive's own CHS.
func (b *BIOS) issueXfer(x *xfer) {
	d := x.d
	base := d.base()
	lba := x.lba + uint64(x.done)
	ext := d.lba48 && lba+uint64(x.count-x.done) > lba28Limit
	n := min(x.count-x.done, 256)
	if ext {
		n = min(x.count-x.done, 65536)
	}
	cmd := xferCommands[x.op]
	if ext {
		cmd = xferCommandsExt[x.op]
	}
	switch {
	case ext:
		b.bus.Out8(base+ataDevice, 0x40|d.dev()&0x10)
		b.bus.Out8(base+ataCount, uint8(n>>8)) // "previous" contents first (ATA/ATAPI-6 6.20)
		b.bus.Out8(base+ataLBALow, uint8(lba>>24))
		b.bus.Out8(base+ataLBAMid, uint8(lba>>32))
		b.bus.Out8(base+ataLBAHigh, uint8(lba>>40))
		b.bus.Out8(base+ataCount, uint8(n))
		b.bus.Out8(base+ataLBALow, uint8(lba))
		b.bus.Out8(base+ataLBAMid, uint8(lba>>8))
		b.bus.Out8(base+ataLBAHigh, uint8(lba>>16))
	case d.lba:
		b.bus.Out8(base+ataDevice, 0x40|d.dev()|uint8(lba>>24)&0x0F)
		b.bus.Out8(base+ataCount, uint8(n))
		b.bus.Out8(base+ataLBALow, uint8(lba))
		b.bus.Out8(base+ataLBAMid, uint8(lba>>8))
		b.bus.Out8(base+ataLBAHigh, uint8(lba>>16))
	default: // a CHS-only drive: its own default geometry
		c := lba / uint64(d.heads*d.spt)
		h := lba / uint64(d.spt) % uint64(d.heads)
		s := lba%uint64(d.spt) + 1
		b.bus.Out8(base+ataDevice, d.dev()|uint8(h))
		b.bus.Out8(base+ataCount, uint8(n))
		b.bus.Out8(base+ataLBALow, uint8(s))
		b.bus.Out8(base+ataLBAMid, uint8(c))
		b.bus.Out8(base+ataLBAHigh, uint8(c>>8))
	}
	b.bus.Out8(base+ataStatus, cmd)
	x.phase, x.chunk, x.left = xferData, n, n
}

// xferBlock acts on the status st the command in progress shows with BSY
// clear: an error ends the call; otherwise it moves the next sector, or
// counts the command done (verify: one completion for the whole command;
// write: the last sector is on the medium). It reports whether the
// transfer goes on.
func (b *BIOS) xferBlock(x *xfer, st uint8) bool {
	base := x.d.base()
	switch {
	case st&(ataERR|ataDF) != 0:
		b.finishXfer(x, ataStatusCode(st, b.bus.In8(base+ataError), x.op == xferWrite))
		return false
	case x.op == xferVerify:
		x.done += x.chunk
		x.phase = xferIssue
		return true
	case x.left == 0:
		x.phase = xferIssue
		return true
	case st&ataDRQ == 0:
		b.finishXfer(x, 0x20) // controller failure: no data phase
		return false
	}
	b.xferSector(x)
	x.done++
	x.left--
	if x.op == xferRead && x.left == 0 {
		x.phase = xferIssue // data-in: the last sector read ends the command
	}
	return true
}

// xferSector moves the sector at the buffer's current position: in one bulk
// transfer when its 512 bytes are contiguous in guest RAM, else a word at a
// time through the data port and the bus.
func (b *BIOS) xferSector(x *xfer) {
	base := x.d.base()
	i := x.done * 512
	a := x.addr(i)
	var ram []byte
	if x.addr(i+511) == a+511 {
		ram = b.ramSlice(a, 512)
	}
	switch {
	case x.op == xferRead && ram != nil:
		b.ataReadData(base, ram)
	case x.op == xferRead:
		for j := 0; j < 512; j += 2 {
			v := b.bus.In16(base + ataData)
			b.wr8(x.addr(i+j), uint8(v))
			b.wr8(x.addr(i+j+1), uint8(v>>8))
		}
	case ram != nil:
		b.ataWriteData(base, ram)
	default:
		for j := 0; j < 512; j += 2 {
			b.bus.Out16(base+ataData, uint16(b.rd8(x.addr(i+j)))|uint16(b.rd8(x.addr(i+j+1)))<<8)
		}
	}
}
