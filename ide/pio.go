package ide

// The PIO data-in and data-out protocols (ATA/ATAPI-6, "PIO data-in command
// protocol", "PIO data-out command protocol"). A command moves its sectors
// in DRQ blocks: one sector, or the multiple count for READ/WRITE
// MULTIPLE. For data-in the device interrupts when each block is ready; for
// data-out it asks for the first block without an interrupt and interrupts
// after each block it has taken, the last one included.

// readData is a 16-bit read of the Data register.
func (ch *Channel) readData() uint16 {
	d := ch.selected()
	x := &d.x
	if x.phase != phaseDataIn || d.inReset {
		return 0xFFFF // DRQ clear: nothing drives the data lines
	}
	v := uint16(d.buf[x.pos]) | uint16(d.buf[x.pos+1])<<8
	x.pos += 2
	if x.pos >= x.end {
		d.blockDone()
	}
	return v
}

// writeData is a 16-bit write of the Data register.
func (ch *Channel) writeData(v uint16) {
	d := ch.selected()
	x := &d.x
	if x.phase != phaseDataOut || d.inReset {
		return
	}
	d.buf[x.pos] = uint8(v)
	d.buf[x.pos+1] = uint8(v >> 8)
	x.pos += 2
	if x.pos >= x.end {
		d.blockDone()
	}
}

// InsBulk is REP INSW on the Data register: it copies as much of the
// current DRQ block as fits in dst and returns the bytes moved, 0 when the
// port is not the Data register, width is not 2 or no data is ready.
func (ch *Channel) InsBulk(port uint16, width int, dst []byte) int {
	if port != ch.base+regData || width != 2 {
		return 0
	}
	d := ch.selected()
	x := &d.x
	if x.phase != phaseDataIn || d.inReset {
		return 0
	}
	n := copy(dst[:len(dst)&^1], d.buf[x.pos:x.end])
	x.pos += n
	if x.pos >= x.end {
		d.blockDone()
	}
	return n
}

// OutsBulk is REP OUTSW on the Data register: it takes as much of src as the
// current DRQ block still needs and returns the bytes moved.
func (ch *Channel) OutsBulk(port uint16, width int, src []byte) int {
	if port != ch.base+regData || width != 2 {
		return 0
	}
	d := ch.selected()
	x := &d.x
	if x.phase != phaseDataOut || d.inReset {
		return 0
	}
	n := copy(d.buf[x.pos:x.end], src[:len(src)&^1])
	x.pos += n
	if x.pos >= x.end {
		d.blockDone()
	}
	return n
}

// interrupt asserts INTRQ for this device.
func (d *device) interrupt() {
	d.intrq = true
	d.ch.updateIRQ()
}

// finish ends a command successfully.
func (d *device) finish(irq bool) {
	d.x.phase = phaseNone
	d.tf.status = statusReady
	d.tf.err = 0
	if irq {
		d.interrupt()
	}
}

// fail ends a command with ERR set, the cause in the Error register, and an
// interrupt (ATA/ATAPI-6, each command's "Error outputs").
func (d *device) fail(errBits, extraStatus uint8) {
	d.x.phase = phaseNone
	d.tf.status = statusError | extraStatus
	d.tf.err = errBits
	d.interrupt()
}

// failAt ends a media access command that failed at sector lba: the address
// registers hold that sector and Sector Count the sectors not transferred.
func (d *device) failAt(lba uint64, errBits, extraStatus uint8) {
	x := &d.x
	d.setAddress(lba)
	d.setCount(x.left - uint32(lba-x.next))
	d.fail(errBits, extraStatus)
}

// startTransfer sets up a read or write of count sectors from lba in DRQ
// blocks of block sectors.
func (d *device) startTransfer(cmd uint8, mode addrMode, ext bool, lba uint64, count uint32, block int, dir phase) {
	d.x = transfer{
		phase: dir, cmd: cmd, mode: mode, ext: ext,
		next: lba, left: count, block: block, limit: d.limit(mode),
		bufLBA: lba,
	}
	if lba >= d.x.limit {
		d.failAt(lba, erIDNF, 0)
		return
	}
	if dir == phaseDataIn {
		d.nextReadBlock()
	} else {
		d.nextWriteBlock(false)
	}
}

// blockDone runs when the host has moved the last word of a DRQ block.
func (d *device) blockDone() {
	x := &d.x
	if x.cmd == cmdIdentify {
		d.finish(false)
		return
	}
	n := uint32(x.blockN)
	if x.phase == phaseDataOut {
		x.bufN += x.blockN
	}
	x.next += uint64(n)
	x.left -= n
	if x.phase == phaseDataIn {
		if x.left == 0 {
			d.complete(false)
			return
		}
		d.nextReadBlock()
		return
	}
	// Data-out: the sectors are taken; write them through when the
	// command is done or the write cache is off (nextWriteBlock writes
	// them when the buffer is full).
	if x.left == 0 || !d.writeCache {
		if !d.writeBack() {
			return
		}
	}
	if x.left == 0 {
		if !d.writeCache && !d.flushDrive() {
			return
		}
		d.complete(true)
		return
	}
	d.nextWriteBlock(true)
}

// complete ends a media access command: the address registers hold the
// last sector transferred and Sector Count zero (ATA-2, READ/WRITE SECTORS
// "the command block registers contain the address of the last sector").
func (d *device) complete(irq bool) {
	d.setAddress(d.x.next - 1)
	d.setCount(0)
	d.finish(irq)
}

// nextReadBlock reads ahead if needed and offers the next DRQ block.
func (d *device) nextReadBlock() {
	x := &d.x
	n := uint32(x.block)
	if n > x.left {
		n = x.left
	}
	if x.next+uint64(n) > x.limit {
		// Part of this block lies past the end: IDNF at the first
		// sector that does not exist.
		d.failAt(x.limit, erIDNF, 0)
		return
	}
	if x.next < x.bufLBA || x.next+uint64(n) > x.bufLBA+uint64(x.bufN) {
		d.readAhead()
	}
	if x.badSet && x.bad < x.next+uint64(n) {
		d.failAt(x.bad, erUNC, 0)
		return
	}
	x.blockN = int(n)
	x.pos = int(x.next-x.bufLBA) * SectorSize
	x.end = x.pos + int(n)*SectorSize
	d.tf.status = statusData
	d.tf.err = 0
	d.interrupt()
}

// readAhead fills the buffer from x.next with as many of the command's
// remaining sectors as it holds. A failed read is retried sector by sector
// to find the first bad one; the sectors before it stay usable.
func (d *device) readAhead() {
	x := &d.x
	want := uint64(x.left)
	if want > bufSectors {
		want = bufSectors
	}
	if room := x.limit - x.next; want > room {
		want = room
	}
	x.bufLBA, x.bufN, x.badSet = x.next, 0, false
	if !d.readSectors(x.next, int(want)) {
		x.bad, x.badSet = x.next+uint64(x.bufN), true
		return
	}
	x.bufN = int(want)
}

// readSectors reads n sectors at lba into buf[0:]; on failure it leaves in
// x.bufN how many leading sectors were read good.
func (d *device) readSectors(lba uint64, n int) bool {
	off := int64(lba) * SectorSize
	if _, err := d.drive.ReadAt(d.buf[:n*SectorSize], off); err == nil {
		return true
	}
	for i := 0; i < n; i++ {
		p := d.buf[i*SectorSize : (i+1)*SectorSize]
		if _, err := d.drive.ReadAt(p, off+int64(i)*SectorSize); err != nil {
			d.x.bufN = i
			return false
		}
	}
	return true // the whole read failed but each sector succeeded
}

// nextWriteBlock asks for the next DRQ block of a write, with an interrupt
// except for the first block.
func (d *device) nextWriteBlock(irq bool) {
	x := &d.x
	n := uint32(x.block)
	if n > x.left {
		n = x.left
	}
	if x.next+uint64(n) > x.limit {
		if d.writeBack() {
			d.failAt(x.limit, erIDNF, 0)
		}
		return
	}
	if x.bufN+int(n) > bufSectors {
		if !d.writeBack() {
			return
		}
	}
	x.blockN = int(n)
	x.pos = x.bufN * SectorSize
	x.end = x.pos + int(n)*SectorSize
	d.tf.status = statusData
	d.tf.err = 0
	if irq {
		d.interrupt()
	}
}

// writeBack writes the buffered sectors of a write command to the drive. On
// failure the command ends with ERR, DF and ABRT at the first sector that
// could not be written.
func (d *device) writeBack() bool {
	x := &d.x
	if x.bufN == 0 {
		return true
	}
	lba, n := x.bufLBA, x.bufN
	x.bufLBA += uint64(n)
	x.bufN = 0
	off := int64(lba) * SectorSize
	if _, err := d.drive.WriteAt(d.buf[:n*SectorSize], off); err == nil {
		return true
	}
	for i := 0; i < n; i++ {
		p := d.buf[i*SectorSize : (i+1)*SectorSize]
		if _, err := d.drive.WriteAt(p, off+int64(i)*SectorSize); err != nil {
			// The sectors from lba+i on are lost; report them as not
			// transferred. x.next has moved past the buffered blocks.
			x.next, x.left = lba, x.left+uint32(x.next-lba)
			d.failAt(lba+uint64(i), erABRT, stDF)
			return false
		}
	}
	return true
}

// flushDrive commits the drive to stable storage; failure ends the command
// with ABRT and DF.
func (d *device) flushDrive() bool {
	if d.drive.ReadOnly() {
		return true
	}
	if err := d.drive.Flush(); err != nil {
		d.fail(erABRT, stDF)
		return false
	}
	return true
}

// commitPending writes the complete DRQ blocks a write command has taken
// but not yet written, when the command is cut short (software reset, a new
// command) or the machine powers off. The host's data is not thrown away.
// A DRQ block the host is still filling moves to the front of the buffer,
// so the command can go on.
func (d *device) commitPending() error {
	x := &d.x
	if x.phase != phaseDataOut || x.bufN == 0 {
		return nil
	}
	lba, n := x.bufLBA, x.bufN
	_, err := d.drive.WriteAt(d.buf[:n*SectorSize], int64(lba)*SectorSize)
	x.bufN = 0
	x.bufLBA += uint64(n)
	shift := n * SectorSize
	copy(d.buf, d.buf[shift:x.end])
	x.pos -= shift
	x.end -= shift
	return err
}
