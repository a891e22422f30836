package cpu

// String instructions (Intel 8086 Family User's Manual, 2-44): MOVS CMPS
// STOS LODS SCAS, and INS OUTS from the 80186. The source is DS:SI (segment
// overridable), the destination ES:DI (never overridden). With a REP prefix
// one Step runs one iteration; an unfinished instruction rewinds IP to its
// first prefix so that an interrupt can be taken between iterations and the
// instruction resumes with all its prefixes (8086 manual, 2-46).

func (c *CPU) stringOp(op byte) {
	c.syncFlags() // CMPS and SCAS set the flags eagerly
	c.repPending = false
	if c.rep != 0 {
		if c.Regs[CX] == 0 {
			return
		}
		if op >= 0x6C && op <= 0x6F && c.bulk != nil {
			if c.bulkIO(op) {
				return
			}
		}
	}
	// On the 286 a string word at offset FFFFh is skipped; the iteration
	// completes (pointers and CX updated) and then faults, as the vectors
	// record.
	if c.model == Model80286 {
		c.deferOverrun = true
		c.stringElement(op)
		c.stringRepeat(op)
		c.deferOverrun = false
		c.raiseOverrun()
		return
	}
	c.stringElement(op)
	c.stringRepeat(op)
}

// stringElement moves or compares one element and steps the pointers.
func (c *CPU) stringElement(op byte) {
	var d uint16 = 1
	if op&1 != 0 {
		d = 2
	}
	if c.flags&FlagDF != 0 {
		d = -d
	}
	switch op {
	case 0xA4: // MOVSB
		c.write8(ES, c.Regs[DI], c.read8(c.dataSeg(), c.Regs[SI]))
		c.Regs[SI] += d
		c.Regs[DI] += d
	case 0xA5: // MOVSW
		v := c.read16(c.dataSeg(), c.Regs[SI])
		c.Regs[SI] += d
		c.raiseOverrun() // 286: the read faults before the write
		c.write16(ES, c.Regs[DI], v)
		c.Regs[DI] += d
	case 0xA6: // CMPSB
		a := c.read8(c.dataSeg(), c.Regs[SI])
		b := c.read8(ES, c.Regs[DI])
		c.sub8(a, b, 0)
		c.Regs[SI] += d
		c.Regs[DI] += d
	case 0xA7: // CMPSW (the 286 reads ES:DI first: see its overrun order)
		b := c.read16(ES, c.Regs[DI])
		c.Regs[DI] += d
		c.raiseOverrun()
		a := c.read16(c.dataSeg(), c.Regs[SI])
		c.Regs[SI] += d
		c.raiseOverrun()
		c.sub16(a, b, 0)
	case 0xAA: // STOSB
		c.write8(ES, c.Regs[DI], uint8(c.Regs[AX]))
		c.Regs[DI] += d
	case 0xAB: // STOSW
		c.write16(ES, c.Regs[DI], c.Regs[AX])
		c.Regs[DI] += d
	case 0xAC: // LODSB
		c.setReg8(AX, c.read8(c.dataSeg(), c.Regs[SI]))
		c.Regs[SI] += d
	case 0xAD: // LODSW
		v := c.read16(c.dataSeg(), c.Regs[SI])
		c.Regs[SI] += d
		c.raiseOverrun()
		c.Regs[AX] = v
	case 0xAE: // SCASB
		c.sub8(uint8(c.Regs[AX]), c.read8(ES, c.Regs[DI]), 0)
		c.Regs[DI] += d
	case 0xAF: // SCASW
		c.sub16(c.Regs[AX], c.read16(ES, c.Regs[DI]), 0)
		c.Regs[DI] += d
	case 0x6C: // INSB: the bus call may look at the registers, so nothing
		// is kept in locals across it.
		v := c.bus.In8(c.Regs[DX])
		c.write8(ES, c.Regs[DI], v)
		c.Regs[DI] += d
	case 0x6D: // INSW
		v := c.bus.In16(c.Regs[DX])
		c.write16(ES, c.Regs[DI], v)
		c.Regs[DI] += d
	case 0x6E: // OUTSB
		v := c.read8(c.dataSeg(), c.Regs[SI])
		c.Regs[SI] += d
		c.bus.Out8(c.Regs[DX], v)
	case 0x6F: // OUTSW
		v := c.read16(c.dataSeg(), c.Regs[SI])
		c.Regs[SI] += d
		c.bus.Out16(c.Regs[DX], v)
	}
}

// stringRepeat counts a REP iteration and rewinds IP when more remain.
func (c *CPU) stringRepeat(op byte) {
	if c.rep == 0 {
		return
	}
	c.Regs[CX]--
	if c.Regs[CX] == 0 {
		return
	}
	switch op {
	case 0xA6, 0xA7, 0xAE, 0xAF: // REPE stops on ZF=0, REPNE on ZF=1
		if (c.flags&FlagZF != 0) != (c.rep == 0xF3) {
			return
		}
	}
	c.IP = c.opStart
	c.repPending = true
}

// maxBackRun bounds one backward bulk run, in bytes.
const maxBackRun = 4096

// bulkIO hands the longest run of a REP INS/OUTS that is contiguous in RAM
// (and does not wrap its segment) to the bus's BulkPortIO. It returns true
// when the instruction is complete; otherwise the caller moves one element
// the ordinary way and the instruction continues in the next Step.
func (c *CPU) bulkIO(op byte) bool {
	w := 1
	if op&1 != 0 {
		w = 2
	}
	ins := op <= 0x6D
	seg, off := ES, c.Regs[DI]
	if !ins {
		seg, off = c.dataSeg(), c.Regs[SI]
	}
	base := uint32(c.Segs[seg]) << 4
	n := int(c.Regs[CX])
	back := c.flags&FlagDF != 0
	var k int     // elements in the run
	var lo uint32 // lowest offset of the run
	if !back {
		k = (0x10000 - int(off)) / w
		if k > n {
			k = n
		}
		if end := base + uint32(off); end >= c.ramEnd {
			return false
		} else if room := int(c.ramEnd-end) / w; k > room {
			k = room
		}
		lo = uint32(off)
	} else {
		top := uint32(off) + uint32(w) // one past the highest byte
		if top > 0x10000 || base+top > c.ramEnd {
			return false
		}
		k = int(top) / w
		if k > n {
			k = n
		}
		// Backward runs go through a scratch copy; keep each one short so
		// a device that takes little at a time costs little per call.
		if k > maxBackRun/w {
			k = maxBackRun / w
		}
		lo = top - uint32(k*w)
	}
	if k <= 0 {
		return false
	}
	span := k * w
	a := base + lo
	port := c.Regs[DX]
	var moved int
	if !back {
		if ins {
			moved = c.bulk.InsBulk(port, w, c.ram[a:a+uint32(span)])
		} else {
			moved = c.bulk.OutsBulk(port, w, c.ram[a:a+uint32(span)])
		}
	} else {
		// Backward: element i lives at off - i*w; the device sees them in
		// transfer order, so gather/scatter through a scratch buffer.
		if cap(c.scratch) < span {
			c.scratch = make([]byte, maxBackRun)
		}
		buf := c.scratch[:span]
		top := a + uint32(span)
		if ins {
			moved = c.bulk.InsBulk(port, w, buf)
			for i := 0; i < moved/w; i++ {
				copy(c.ram[top-uint32((i+1)*w):], buf[i*w:(i+1)*w])
			}
		} else {
			for i := 0; i < k; i++ {
				copy(buf[i*w:(i+1)*w], c.ram[top-uint32((i+1)*w):])
			}
			moved = c.bulk.OutsBulk(port, w, buf)
		}
	}
	e := moved / w
	if e <= 0 {
		return false
	}
	step := uint16(e * w)
	if back {
		step = -step
	}
	if ins {
		c.Regs[DI] += step
	} else {
		c.Regs[SI] += step
	}
	c.Regs[CX] -= uint16(e)
	c.Instructions += uint64(e - 1)
	if c.Regs[CX] == 0 {
		return true
	}
	c.IP = c.opStart
	c.repPending = true
	return true
}
