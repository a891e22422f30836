package ide

// Addressing: how the task file names a sector in CHS, LBA28 and LBA48
// (ATA/ATAPI-6, "Device register", "48-bit Address feature set"; ATA-2,
// "CHS addressing").

// addressMode is the addressing the Device register's LBA bit selects for a
// command; EXT commands always use 48-bit LBAs.
func (d *device) addressMode(ext bool) addrMode {
	switch {
	case ext:
		return modeLBA48
	case d.tf.device&devLBA != 0:
		return modeLBA28
	}
	return modeCHS
}

// limit is the first sector the mode cannot reach: the current CHS
// translation, IDENTIFY words 60-61 for LBA28, the whole disk for LBA48.
func (d *device) limit(mode addrMode) uint64 {
	switch mode {
	case modeCHS:
		return d.chsCapacity()
	case modeLBA28:
		return d.lba28Capacity()
	}
	return d.sectors
}

// address decodes the task file's starting sector. ok is false for a CHS
// address outside the current translation (sector 0, a head or cylinder
// beyond it, or no valid translation), which the device rejects with IDNF.
func (d *device) address(mode addrMode) (lba uint64, ok bool) {
	tf := &d.tf
	switch mode {
	case modeLBA48:
		return uint64(tf.lbaHighPrev)<<40 | uint64(tf.lbaMidPrev)<<32 | uint64(tf.lbaLowPrev)<<24 |
			uint64(tf.lbaHigh)<<16 | uint64(tf.lbaMid)<<8 | uint64(tf.lbaLow), true
	case modeLBA28:
		return uint64(tf.device&devHead)<<24 | uint64(tf.lbaHigh)<<16 | uint64(tf.lbaMid)<<8 | uint64(tf.lbaLow), true
	}
	cyl := int(tf.lbaHigh)<<8 | int(tf.lbaMid)
	head := int(tf.device & devHead)
	sec := int(tf.lbaLow)
	if !d.chsValid || sec == 0 || sec > d.curSectors || head >= d.curHeads || cyl >= d.curCylinders {
		return 0, false
	}
	return (uint64(cyl)*uint64(d.curHeads)+uint64(head))*uint64(d.curSectors) + uint64(sec-1), true
}

// sectorCount is the Sector Count register as a count: 0 means 256, or
// 65,536 for EXT commands.
func (d *device) sectorCount(ext bool) uint32 {
	if ext {
		n := uint32(d.tf.countPrev)<<8 | uint32(d.tf.count)
		if n == 0 {
			return 65536
		}
		return n
	}
	if d.tf.count == 0 {
		return 256
	}
	return uint32(d.tf.count)
}

// setAddress writes sector lba back into the address registers in the
// command's addressing mode.
func (d *device) setAddress(lba uint64) {
	tf := &d.tf
	switch d.x.mode {
	case modeLBA48:
		tf.lbaLow, tf.lbaMid, tf.lbaHigh = uint8(lba), uint8(lba>>8), uint8(lba>>16)
		tf.lbaLowPrev, tf.lbaMidPrev, tf.lbaHighPrev = uint8(lba>>24), uint8(lba>>32), uint8(lba>>40)
	case modeLBA28:
		tf.lbaLow, tf.lbaMid, tf.lbaHigh = uint8(lba), uint8(lba>>8), uint8(lba>>16)
		tf.device = tf.device&^devHead | uint8(lba>>24)&devHead
	default:
		if d.curHeads == 0 || d.curSectors == 0 {
			return
		}
		spc := uint64(d.curHeads * d.curSectors)
		cyl := lba / spc
		head := lba / uint64(d.curSectors) % uint64(d.curHeads)
		sec := lba%uint64(d.curSectors) + 1
		tf.lbaLow, tf.lbaMid, tf.lbaHigh = uint8(sec), uint8(cyl), uint8(cyl>>8)
		tf.device = tf.device&^devHead | uint8(head)
	}
}

// setCount writes n into Sector Count (both bytes for EXT commands).
func (d *device) setCount(n uint32) {
	d.tf.count = uint8(n)
	if d.x.ext {
		d.tf.countPrev = uint8(n >> 8)
	}
}
