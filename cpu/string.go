package cpu

// String instructions (Intel 8086 Family User's Manual, 2-44): MOVS CMPS
// STOS LODS SCAS, and INS OUTS from the 80186. The source is DS:SI (segment
// overridable), the destination ES:DI (never overridden). With a REP prefix
// one Step runs one iteration; an unfinished instruction rewinds IP to its
// first prefix so that an interrupt can be taken between iterations and the
// instruction resumes with all its prefixes (8086 manual, 2-46).

// On the 80286 a word operand at offset FFFFh raises interrupt 13 in the
// middle of an iteration (80286 PRM, 10.6, segment overrun). What the
// SingleStepTests 80286 vectors record follows from the order of the
// microcode's steps, which this file keeps:
//   - with REP, CX is counted down as the iteration starts: a REP OUTSW
//     whose read faults leaves CX decremented and makes no I/O cycle;
//   - each access steps its pointer (SI or DI) as it is issued, and the
//     overrun is reported when the access itself would run: the faulting
//     access and everything after it (the second operand, the compare and
//     its flags, the load into AX, the OUT) does not happen, everything
//     before it stands. So MOVSW faulting on its read has stepped SI but
//     not DI, and CMPSW, which reads ES:DI first on the 286, has stepped
//     only DI when ES:DI faults.
// The 8086 and 80186 wrap such a word to offset 0 instead.

func (c *CPU) stringOp(op byte) {
	c.syncFlags() // CMPS and SCAS set the flags eagerly
	next := c.IP  // past the instruction; stringRepeat rewinds to its start
	for {
		c.IP = next
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
			if op == 0xAA || op == 0xAB || op == 0xA4 || op == 0xA5 {
				if c.ramRun(op) || c.bmem != nil && c.bulkMemory(op) {
					return
				}
			}
			c.Regs[CX]--
		}
		c.stringElement(op)
		c.stringRepeat(op)
		// More iterations run at once while nothing is pending and the
		// run's limit allows; each counts as an instruction.
		if !c.repPending || c.Instructions >= c.stopAt {
			return
		}
		c.Instructions++
	}
}

// strRead16 and strWrite16 access the word at seg:*ptr and step *ptr by
// d, as the access is issued (see above for the 286's overrun).
func (c *CPU) strRead16(seg int, ptr *uint16, d uint16) uint16 {
	off := *ptr
	*ptr += d
	if off == 0xFFFF {
		c.overrun()
	}
	return c.read16(seg, off)
}

func (c *CPU) strWrite16(seg int, ptr *uint16, d, v uint16) {
	off := *ptr
	*ptr += d
	if off == 0xFFFF {
		c.overrun()
	}
	c.write16(seg, off, v)
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
	r := &c.Regs
	switch op {
	case 0xA4: // MOVSB
		c.write8(ES, r[DI], c.read8(c.dataSeg(), r[SI]))
		r[SI] += d
		r[DI] += d
	case 0xA5: // MOVSW
		v := c.strRead16(c.dataSeg(), &r[SI], d)
		c.strWrite16(ES, &r[DI], d, v)
	case 0xA6: // CMPSB
		a := c.read8(c.dataSeg(), r[SI])
		b := c.read8(ES, r[DI])
		c.sub8(a, b, 0)
		r[SI] += d
		r[DI] += d
	case 0xA7: // CMPSW (the 286 reads ES:DI first: see its overrun order)
		b := c.strRead16(ES, &r[DI], d)
		a := c.strRead16(c.dataSeg(), &r[SI], d)
		c.sub16(a, b, 0)
	case 0xAA: // STOSB
		c.write8(ES, r[DI], uint8(r[AX]))
		r[DI] += d
	case 0xAB: // STOSW
		c.strWrite16(ES, &r[DI], d, r[AX])
	case 0xAC: // LODSB
		c.setReg8(AX, c.read8(c.dataSeg(), r[SI]))
		r[SI] += d
	case 0xAD: // LODSW
		r[AX] = c.strRead16(c.dataSeg(), &r[SI], d)
	case 0xAE: // SCASB
		c.sub8(uint8(r[AX]), c.read8(ES, r[DI]), 0)
		r[DI] += d
	case 0xAF: // SCASW
		c.sub16(r[AX], c.strRead16(ES, &r[DI], d), 0)
	case 0x6C: // INSB: the bus call may look at the registers, so nothing
		// is kept in locals across it.
		v := c.bus.In8(r[DX])
		c.write8(ES, r[DI], v)
		r[DI] += d
	case 0x6D: // INSW
		v := c.bus.In16(r[DX])
		c.strWrite16(ES, &r[DI], d, v)
	case 0x6E: // OUTSB
		v := c.read8(c.dataSeg(), r[SI])
		r[SI] += d
		c.bus.Out8(r[DX], v)
	case 0x6F: // OUTSW
		v := c.strRead16(c.dataSeg(), &r[SI], d)
		c.bus.Out16(r[DX], v)
	}
}

// stringRepeat rewinds IP when a REP instruction has iterations left (CX
// was counted down as the iteration started).
func (c *CPU) stringRepeat(op byte) {
	if c.rep == 0 || c.Regs[CX] == 0 {
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

// ramRun runs a forward run of REP STOS/MOVS whose operands lie in the RAM
// slice, within their segments, at once: as many iterations as CX, the
// segments and the run's limit allow, each counted as an instruction, with
// the memory they leave (an overlapping MOVS moves element after element,
// as the CPU does: MOVSB to one byte above its source repeats a byte). It
// reports whether any ran; the registers then stand as after them.
func (c *CPU) ramRun(op byte) bool {
	if c.flags&FlagDF != 0 || c.stopAt <= c.Instructions {
		return false // backward, or events pending: element by element
	}
	w := uint32(1)
	if op&1 != 0 {
		w = 2
	}
	movs := op <= 0xA5
	di := uint32(c.Regs[DI])
	k := min(uint32(c.Regs[CX]), (0x10000-di)/w, uint32(min(c.stopAt-c.Instructions, 0x10000)))
	si := uint32(c.Regs[SI])
	if movs {
		k = min(k, (0x10000-si)/w)
	}
	dst := uint32(c.Segs[ES])<<4 + di
	n := k * w
	if k == 0 || dst+n > c.ramEnd {
		return false
	}
	mem := c.mem
	if movs {
		src := uint32(c.Segs[c.dataSeg()])<<4 + si
		if src+n > c.ramEnd {
			return false
		}
		if dst <= src || dst >= src+n {
			// No element reads what an earlier one wrote: a move.
			copy(mem[dst:dst+n], mem[src:src+n])
		} else {
			for i := uint32(0); i < n; i += w { // element by element, each read before it is written
				e := [2]byte{mem[src+i], mem[src+i+w-1]}
				mem[dst+i], mem[dst+i+w-1] = e[0], e[w-1]
			}
		}
		c.Regs[SI] += uint16(n)
	} else {
		v := [2]byte{uint8(c.Regs[AX]), uint8(c.Regs[AX] >> 8)}
		for i := dst; i < dst+n; i += w {
			mem[i], mem[i+w-1] = v[0], v[w-1]
		}
	}
	c.Regs[DI] += uint16(n)
	c.Regs[CX] -= uint16(k)
	c.Instructions += uint64(k - 1)
	if c.Regs[CX] != 0 {
		c.IP = c.opStart
		c.repPending = true
	}
	return true
}

// bulkMemory hands a forward run of REP STOS/MOVS whose destination lies
// beyond the RAM slice (video memory) to the bus (BulkMemory) and reports
// whether any of it ran; the registers then stand as after that many
// iterations.
func (c *CPU) bulkMemory(op byte) bool {
	if c.flags&FlagDF != 0 || c.stopAt <= c.Instructions {
		return false // backward, or events pending: element by element
	}
	w := 1
	if op&1 != 0 {
		w = 2
	}
	movs := op <= 0xA5
	k := min(int(c.Regs[CX]), (0x10000-int(c.Regs[DI]))/w, int(c.stopAt-c.Instructions))
	var src uint32
	if movs {
		k = min(k, (0x10000-int(c.Regs[SI]))/w)
		src = uint32(c.Segs[c.dataSeg()])<<4 + uint32(c.Regs[SI])
	}
	dst := uint32(c.Segs[ES])<<4 + uint32(c.Regs[DI])
	span := uint32(k * w)
	if k <= 0 || dst < c.ramEnd || dst+span-1 > c.addrMask || movs && src+span-1 > c.addrMask {
		return false
	}
	var e int
	if movs {
		e = c.bmem.MoveBulk(dst, src, w, k)
	} else {
		v := [2]byte{uint8(c.Regs[AX]), uint8(c.Regs[AX] >> 8)}
		e = c.bmem.StoreBulk(dst, v[:w], k)
	}
	if e <= 0 {
		return false
	}
	c.Regs[DI] += uint16(e * w)
	if movs {
		c.Regs[SI] += uint16(e * w)
	}
	c.Regs[CX] -= uint16(e)
	c.Instructions += uint64(e - 1)
	if c.Regs[CX] != 0 {
		c.IP = c.opStart
		c.repPending = true
	}
	return true
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
