package cpu

import "unsafe"

// The run loop and the frequent instructions. exec looks at events between
// instructions, then runs a decoded block (block.go); runBlock executes
// its instructions, each by its kind: the frequent forms below, the rest
// by the opcode map (opmap.go). Each instruction is written once, either
// here or there; decode.go decides which.

// exec runs up to n instructions. It returns early when the CPU halts with
// nothing to wake it, after Stop, or on an error. Interrupt entries are not
// counted.
func (c *CPU) exec(n int) (done int, err error) {
	if n <= 0 {
		return 0, nil
	}
	start := c.Instructions
	limit := start + uint64(n)
	c.stopAt = 0
	c.runs++
	for {
		// One compare per block: stopAt is the limit while no event is
		// pending, and 0 from the moment one is raised (raise).
		if c.Instructions >= c.stopAt {
			if c.Instructions >= limit {
				return int(c.Instructions - start), nil
			}
			if c.events != 0 {
				c.armTrap()
				switch {
				case c.events&evStop != 0:
					c.events &^= evStop
					return int(c.Instructions - start), nil
				case c.events&evShadow != 0:
					c.events &^= evShadow // no interrupt or trap at this boundary
				case c.serviceEvent():
					continue
				case c.events&evHalted != 0:
					return int(c.Instructions - start), nil
				}
				if c.flags&FlagTF != 0 {
					c.events |= evTFArmed // TF as the instruction starts
				}
				if c.events&evDebug != 0 && c.dbg.onInst != nil {
					c.dbg.onInst() // debug.go
				}
			}
			// INTR held while IF=0 (a CLI section with an IRQ pending)
			// needs no look per instruction: STI raises evShadow and
			// SetFlags (POPF, IRET) resets stopAt.
			if c.events == 0 || c.events == evINTR && (c.flags&FlagIF == 0 || c.ic == nil) {
				c.stopAt = limit
			}
		}
		if err := c.runBlock(); err != nil {
			return int(c.Instructions - start), err
		}
	}
}

// runBlock runs the block at CS:IP, or as much of it as stopAt allows
// (one instruction while an event is pending), and the blocks that follow
// it while no event is pending and the run has room for them (follow). It
// returns early after an instruction that wrote into the block's own
// bytes or went through a slow memory path (a device may have changed the
// CPU). A block that jumps back to its own start runs again without being
// looked up (a loop).
//
// IP is stored when the block is left; until then an instruction's IP is
// blkIP plus its offset (here sets it where a fault or a device may look).
func (c *CPU) runBlock() error {
	b := c.blockAt(uint32(c.Segs[CS])<<4, c.IP)
	if c.stopAt <= c.Instructions || c.stopAt-c.Instructions < uint64(b.n) {
		b = c.shortBlock(b) // an event is pending or the limit is near
	}
	r := &c.Regs
	runs := c.runs // a device may run the CPU from inside an instruction (exec counts runs)
enter: // b starts at CS:IP and the run has room for all of it
	ip := c.IP
	c.blkIP, c.blkLin, c.blkSize = ip, b.lin, uint32(b.size)
	c.blkCode = uintptr(unsafe.Pointer(b.code))
	c.blkCS = c.Segs[CS]
again:
	// The block's instructions are counted at once; an instruction that
	// leaves early (here, leave) sets the count to its own.
	c.blkCount = c.Instructions
	c.Instructions += uint64(b.n)
	c.blkEnd = c.Instructions
	in := b.code
	for ; ; in = (*inst)(unsafe.Add(unsafe.Pointer(in), unsafe.Sizeof(inst{}))) {
		var x, y, v uint16 // word ALU operands; a transfer's target
		switch in.kind {
		case kAddRR16:
			r[in.reg&7] = c.addL16(r[in.reg&7], r[in.rm&7], 0)
		case kOrRR16:
			r[in.reg&7] = c.logicL16(r[in.reg&7] | r[in.rm&7])
		case kAndRR16:
			r[in.reg&7] = c.logicL16(r[in.reg&7] & r[in.rm&7])
		case kSubRR16:
			r[in.reg&7] = c.subL16(r[in.reg&7], r[in.rm&7], 0)
		case kXorRR16:
			r[in.reg&7] = c.logicL16(r[in.reg&7] ^ r[in.rm&7])
		case kCmpRR16:
			c.subL16(r[in.reg&7], r[in.rm&7], 0)
		case kAddRI16:
			r[in.reg&7] = c.addL16(r[in.reg&7], in.imm, 0)
		case kOrRI16:
			r[in.reg&7] = c.logicL16(r[in.reg&7] | in.imm)
		case kAndRI16:
			r[in.reg&7] = c.logicL16(r[in.reg&7] & in.imm)
		case kSubRI16:
			r[in.reg&7] = c.subL16(r[in.reg&7], in.imm, 0)
		case kXorRI16:
			r[in.reg&7] = c.logicL16(r[in.reg&7] ^ in.imm)
		case kCmpRI16:
			c.subL16(r[in.reg&7], in.imm, 0)
		case kAddRR16NF:
			r[in.reg&7] += r[in.rm&7]
		case kOrRR16NF:
			r[in.reg&7] |= r[in.rm&7]
		case kAndRR16NF:
			r[in.reg&7] &= r[in.rm&7]
		case kSubRR16NF:
			r[in.reg&7] -= r[in.rm&7]
		case kXorRR16NF:
			r[in.reg&7] ^= r[in.rm&7]
		case kAddRI16NF:
			r[in.reg&7] += in.imm
		case kOrRI16NF:
			r[in.reg&7] |= in.imm
		case kAndRI16NF:
			r[in.reg&7] &= in.imm
		case kSubRI16NF:
			r[in.reg&7] -= in.imm
		case kXorRI16NF:
			r[in.reg&7] ^= in.imm
		case kCmpRR16NF, kCmpRI16NF:
		case kShl1R16NF:
			r[in.reg&7] <<= 1
		case kAluRR16: // ADC, SBB
			x, y = r[in.reg&7], r[in.rm&7]
			goto alu16
		case kAluRI16:
			x, y = r[in.reg&7], in.imm
			goto alu16
		case kAluRM16:
			x, y = r[in.reg&7], c.load16(in)
			goto alu16
		case kAluRR8:
			c.setReg8(in.reg, c.alu8(in.op, c.reg8(in.reg), c.reg8(in.rm)))
		case kAluRM8:
			c.setReg8(in.reg, c.alu8(in.op, c.reg8(in.reg), c.load8(in)))
		case kAluRI8:
			c.setReg8(in.reg, c.alu8(in.op, c.reg8(in.reg), uint8(in.imm)))
		case kAluMR8, kAluMI8:
			off, la := c.mref(in)
			b := uint8(in.imm)
			if in.kind == kAluMR8 {
				b = c.reg8(in.reg)
			}
			v := c.alu8(in.op, c.rd8(in, off, la), b)
			if in.op != 7 && c.wr8(in, off, la, v) {
				return c.leave(in)
			}
		case kAluMR16, kAluMI16:
			off, la := c.mref(in)
			y = in.imm
			if in.kind == kAluMR16 {
				y = r[in.reg&7]
			}
			v := c.alu16(in.op, c.rd16(in, off, la), y)
			if in.op != 7 && c.wr16(in, off, la, v) {
				return c.leave(in)
			}
		case kTestRR8:
			c.logicL8(c.reg8(in.reg) & c.reg8(in.rm))
		case kTestRR16:
			c.logicL16(r[in.reg&7] & r[in.rm&7])
		case kTestMR8:
			c.logicL8(c.reg8(in.reg) & c.load8(in))
		case kTestMR16:
			c.logicL16(r[in.reg&7] & c.load16(in))
		case kTestRI8:
			c.logicL8(c.reg8(in.reg) & uint8(in.imm))
		case kTestRI16:
			c.logicL16(r[in.reg&7] & in.imm)
		case kTestMI8:
			c.logicL8(c.load8(in) & uint8(in.imm))
		case kTestMI16:
			c.logicL16(c.load16(in) & in.imm)
		case kMul8:
			c.syncFlags() // mulFlags keeps the flags it does not set
			var v uint8
			if in.mod == 3 {
				v = c.reg8(in.rm)
			} else {
				v = c.load8(in)
			}
			c.mul8(in.op == 5, v, c.model == Model8086 && in.pfx&pfxRepMask != 0)
		case kMul16:
			c.syncFlags()
			v := r[in.rm&7]
			if in.mod != 3 {
				v = c.load16(in)
			}
			c.mul16(in.op == 5, v, c.model == Model8086 && in.pfx&pfxRepMask != 0)
		case kMovRR8:
			c.setReg8(in.reg, c.reg8(in.rm))
		case kMovRR16:
			r[in.reg&7] = r[in.rm&7]
		case kMovRM8:
			c.setReg8(in.reg, c.load8(in))
		case kMovRM16:
			off, la := c.mref(in)
			if w := c.ramWord(off, la); w != nil {
				r[in.reg&7] = get16(w)
			} else {
				r[in.reg&7] = c.rd16Slow(in, off)
			}
		case kMovMR8, kMovMI8:
			v := uint8(in.imm)
			if in.kind == kMovMR8 {
				v = c.reg8(in.reg)
			}
			off, la := c.mref(in)
			if c.wr8(in, off, la, v) {
				return c.leave(in)
			}
		case kMovMR16, kMovMI16:
			v := in.imm
			if in.kind == kMovMR16 {
				v = r[in.reg&7]
			}
			off, la := c.mref(in)
			if w := c.ramWord(off, la); w != nil {
				put16(w, v)
				if c.hits(w) && c.rewrote(w) {
					return c.leave(in)
				}
			} else {
				c.wr16Slow(in, off, v)
				return c.leave(in)
			}
		case kMovRI8:
			c.setReg8(in.reg, uint8(in.imm))
		case kMovRI16:
			r[in.reg&7] = in.imm
		case kLea:
			r[in.reg&7] = c.ea(in)
		case kIncDecR8:
			c.setReg8(in.reg, c.incDec8(in.op, c.reg8(in.reg)))
		case kIncDecR16:
			if in.op == 0 {
				r[in.reg&7] = c.inc16(r[in.reg&7])
			} else {
				r[in.reg&7] = c.dec16(r[in.reg&7])
			}
		case kIncDecM8:
			off, la := c.mref(in)
			if c.wr8(in, off, la, c.incDec8(in.op, c.rd8(in, off, la))) {
				return c.leave(in)
			}
		case kIncDecM16:
			off, la := c.mref(in)
			if c.wr16(in, off, la, c.incDec16(in.op, c.rd16(in, off, la))) {
				return c.leave(in)
			}
		case kShiftR8:
			c.setReg8(in.reg, uint8(c.shift(in.op, uint32(c.reg8(in.reg)), c.count(in), 8)))
		case kShl1R16: // SHL r16, 1: the common shift
			r[in.reg&7] = c.shl1w(r[in.reg&7])
		case kShiftR16:
			r[in.reg&7] = uint16(c.shift(in.op, uint32(r[in.reg&7]), c.count(in), 16))
		case kShiftM8:
			off, la := c.mref(in)
			v := uint8(c.shift(in.op, uint32(c.rd8(in, off, la)), c.count(in), 8))
			if c.wr8(in, off, la, v) {
				return c.leave(in)
			}
		case kShiftM16:
			off, la := c.mref(in)
			v := uint16(c.shift(in.op, uint32(c.rd16(in, off, la)), c.count(in), 16))
			if c.wr16(in, off, la, v) {
				return c.leave(in)
			}
		case kPushR:
			v = r[in.reg&7] // the 286 pushes SP as it was
			if in.reg == SP && c.model != Model80286 {
				v -= 2 // the 8086 and 80186 push SP as decremented by the push
			}
			goto push
		case kPushM:
			v = c.load16(in)
			goto push
		case kPopR:
			if w := c.popSlot(); w != nil {
				r[in.reg&7] = get16(w)
			} else {
				v = c.popSlow(in)
				r[in.reg&7] = v
			}
		case kPushRun:
			if last := c.pushRun(in); last != nil {
				in = last
				break
			}
			v = r[in.reg&7]
			if in.alone == kPushS {
				v = c.Segs[in.reg&3]
			}
			goto push
		case kPopRun:
			if last := c.popRun(in); last != nil {
				in = last
				break
			}
			if w := c.popSlot(); w != nil {
				v = get16(w)
			} else {
				v = c.popSlow(in)
			}
			if in.alone == kPopS {
				c.Segs[in.reg&3] = v
			} else {
				r[in.reg&7] = v
			}
		case kXchgAX:
			r[AX], r[in.reg&7] = r[in.reg&7], r[AX]
		case kCbw:
			r[AX] = uint16(int8(r[AX]))
		case kCwd:
			r[DX] = uint16(int16(r[AX]) >> 15)
		case kFlagOp:
			c.flagOp(in.opc)
		case kNop:
		case kMovSR:
			v := r[in.rm&7]
			if in.mod != 3 {
				v = c.load16(in)
			}
			c.Segs[in.reg&3] = v
			if in.reg == SS { // no interrupt before the next instruction
				c.raise(evShadow)
				return c.leave(in)
			}
		case kMovRS:
			if in.mod == 3 {
				r[in.rm&7] = c.Segs[in.reg&3]
			} else {
				off, la := c.mref(in)
				if c.wr16(in, off, la, c.Segs[in.reg&3]) {
					return c.leave(in)
				}
			}
		case kPushS:
			v = c.Segs[in.reg&3]
			goto push
		case kPopS:
			if w := c.popSlot(); w != nil {
				v = get16(w)
			} else {
				v = c.popSlow(in)
			}
			c.Segs[in.reg&3] = v
			if in.reg == SS {
				c.raise(evShadow)
				return c.leave(in)
			}
		case kPopRM:
			off, la := c.mref(in) // the address as it was before the pop
			if w := c.popSlot(); w != nil {
				v = get16(w)
			} else {
				v = c.popSlow(in)
			}
			if in.mod == 3 {
				r[in.rm&7] = v
			} else if c.wr16(in, off, la, v) {
				return c.leave(in)
			}
		case kPushF:
			v = c.Flags()
			goto push

		// Transfers end the block; one back to its start loops.
		case kJcc:
			v = ip + uint16(in.end)
			if c.condFast(in.op) {
				v += in.imm
			}
			goto transfer
		case kJmp:
			v = ip + uint16(in.end) + in.imm
			goto transfer
		case kJmpR:
			v = r[in.rm&7]
			goto transfer
		case kJmpM:
			c.here(in)
			v = c.load16(in)
			goto transfer
		case kCall:
			v = ip + uint16(in.end)
			if w := c.pushSlot(); w != nil {
				put16(w, v)
			} else {
				c.pushSlow(in, v)
			}
			v += in.imm
			goto transfer
		case kCallR, kCallM:
			c.here(in)
			v = r[in.rm&7]
			if in.kind == kCallM {
				v = c.load16(in)
			}
			c.push16(c.IP)
			goto transfer
		case kRet:
			if w := c.popSlot(); w != nil {
				v = get16(w)
			} else {
				v = c.popSlow(in)
			}
			r[SP] += in.imm
			goto transfer
		case kLoop: // op 0 LOOPNZ, 1 LOOPZ, 2 LOOP
			v = ip + uint16(in.end)
			r[CX]--
			if r[CX] != 0 && (in.op == 2 || c.zero() == (in.op == 1)) {
				v += in.imm
			}
			goto transfer
		case kJcxz:
			v = ip + uint16(in.end)
			if r[CX] == 0 {
				v += in.imm
			}
			goto transfer
		case kInt:
			c.here(in)
			c.softInt(uint8(in.imm))
			if c.runs != runs {
				return nil // the interrupt hook ran the CPU
			}
			goto follow
		case kIret:
			c.here(in)
			c.iret()
			goto follow
		case kMap:
			c.here(in)
			if err := c.execMap(in, c.opStart); err != nil {
				return err
			}
			if c.runs != runs {
				return nil // a nested run used the block state
			}
			if !c.goOn(in, b) {
				goto follow // a transfer, a REP iteration, an event, a write into the block
			}
		case kFault13:
			c.here(in)
			panic(fault{13})
		case kPrefixes: // nothing but prefixes: they apply to nothing
			return c.leave(in)
		case kEnd: // past the last instruction of a block that runs on
			c.IP = ip + uint16(in.end)
			goto follow
		}
		continue
	alu16: // the word ALU forms with a register destination
		r[in.reg&7] = c.alu16(in.op, x, y)
		continue
	push: // the word pushes: v onto the stack
		if w := c.pushSlot(); w != nil {
			put16(w, v)
			if c.hits(w) && c.rewrote(w) {
				return c.leave(in)
			}
		} else {
			c.pushSlow(in, v)
			return c.leave(in)
		}
		continue
	transfer:
		c.IP = v
		if v == ip && c.Instructions+uint64(b.n) <= c.stopAt { // (Instructions never nears 2^64)
			goto again
		}
		goto follow
	}
follow:
	if b = c.follow(); b != nil {
		goto enter
	}
	return nil
}

// follow returns the block at CS:IP when the run may go straight on into
// it: no event pending and room for all of it. Otherwise exec looks. A
// block found in the cache (of RAM, or of the ROM and other plain memory)
// is taken here, checked against the memory it was decoded from (blockAt's
// cache hit, written out); everything else is blockAt's.
func (c *CPU) follow() *block {
	if c.stopAt <= c.Instructions+maxBlockInsts {
		// An event is pending, or the limit is near: any block may not fit.
		if c.Instructions >= c.stopAt {
			return nil
		}
		if b := c.blockAt(uint32(c.Segs[CS])<<4, c.IP); c.stopAt-c.Instructions >= uint64(b.n) {
			return b
		}
		return nil
	}
	ip := c.IP
	lin := (uint32(c.Segs[CS])<<4 + uint32(ip)) & c.addrMask
	if b := c.cached(lin); b != nil && b.lin == lin && b.size != 0 && uint32(ip)+uint32(b.size) <= 0x10000 && b.unchanged(b.src) {
		return b
	}
	return c.blockAt(uint32(c.Segs[CS])<<4, ip)
}

// shortBlock is the first instructions of b that the run may execute
// before it must look at events again (at least one).
func (c *CPU) shortBlock(b *block) *block {
	if b.n == 0 {
		return b // a breakpoint's stopBlock (debug.go)
	}
	n := uint8(1)
	if c.stopAt > c.Instructions {
		n = uint8(c.stopAt - c.Instructions)
	}
	s := &c.short
	s.lin, s.size, s.src, s.raw, s.words, s.tail = b.lin, b.size, b.src, b.raw, b.words, b.tail
	code := c.decoded[:n]
	for i, in := range b.insts()[:n] {
		code[i] = in
		code[i].kind = withFlags(&in) // the flags a cut block leaves are seen
	}
	c.setInsts(s, code)
	return s
}

// here stores the IP of the running instruction (opStart, where a fault
// points) and of the next one (IP), and counts the instructions run so
// far, for a fault or a device to see.
func (c *CPU) here(in *inst) {
	c.opStart = c.blkIP + uint16(in.start)
	c.IP = c.blkIP + uint16(in.end)
	c.Instructions = c.blkCount + uint64((uintptr(unsafe.Pointer(in))-c.blkCode)/unsafe.Sizeof(inst{})) + 1
}

// goOn reports whether the block may go on after opcode-map instruction
// in (which ran no nested block: runBlock checks): it fell through (CS:IP as decoded, one iteration if it repeats),
// raised no event, and left the block's bytes as they were. It then counts
// the rest of the block again, as the block's start did.
func (c *CPU) goOn(in *inst, b *block) bool {
	end := c.blkCount + uint64(b.n)
	if c.IP != c.blkIP+uint16(in.end) || c.Segs[CS] != c.blkCS || c.stopAt < end ||
		c.Instructions != c.blkCount+uint64((uintptr(unsafe.Pointer(in))-c.blkCode)/unsafe.Sizeof(inst{}))+1 ||
		!b.unchanged(b.src) {
		return false
	}
	c.Instructions = end
	return true
}

// resume counts the whole block again after a slow path that here counted
// to its own instruction, when the block goes on.
func (c *CPU) resume() {
	c.Instructions = c.blkEnd
}

// leave ends the block after in.
func (c *CPU) leave(in *inst) error {
	c.here(in)
	return nil
}

// Memory operands of the frequent forms. mref resolves the operand; rd*
// and wr* take the RAM fast path in line and everything else (the bus,
// the 1 MiB wrap, a word at offset FFFFh) through mem.go's slow paths.
// wr* report whether the block must end: the write reached its own bytes
// or went through a slow path.

func (c *CPU) mref(in *inst) (off uint16, la uint32) {
	off = c.ea(in)
	return off, uint32(c.Segs[in.seg&3])<<4 + uint32(off)
}

func (c *CPU) rd8(in *inst, off uint16, la uint32) uint8 {
	if la < c.ramEnd {
		return *(*uint8)(unsafe.Add(c.memBase, la))
	}
	return c.rd8Slow(in, off)
}

//go:noinline
func (c *CPU) rd8Slow(in *inst, off uint16) uint8 {
	c.here(in)
	v := c.read8(int(in.seg), off)
	c.resume()
	return v
}

func (c *CPU) rd16(in *inst, off uint16, la uint32) uint16 {
	if la+1 < c.ramEnd && off != 0xFFFF {
		return get16((*[2]byte)(unsafe.Add(c.memBase, la)))
	}
	return c.rd16Slow(in, off)
}

//go:noinline
func (c *CPU) rd16Slow(in *inst, off uint16) uint16 {
	c.here(in)
	v := c.read16Slow(int(in.seg), off)
	c.resume()
	return v
}

func (c *CPU) wr8(in *inst, off uint16, la uint32, v uint8) bool {
	if la < c.ramEnd {
		*(*uint8)(unsafe.Add(c.memBase, la)) = v
		return la-c.blkLin < c.blkSize && c.rewroteByte(la)
	}
	return c.wr8Slow(in, off, v)
}

//go:noinline
func (c *CPU) wr8Slow(in *inst, off uint16, v uint8) bool {
	c.here(in)
	c.write8(int(in.seg), off, v)
	return true
}

func (c *CPU) wr16(in *inst, off uint16, la uint32, v uint16) bool {
	if w := c.ramWord(off, la); w != nil {
		put16(w, v)
		return c.hits(w) && c.rewrote(w)
	}
	return c.wr16Slow(in, off, v)
}

//go:noinline
func (c *CPU) wr16Slow(in *inst, off uint16, v uint16) bool {
	c.here(in)
	c.write16Slow(int(in.seg), off, v)
	return true
}

func (c *CPU) load8(in *inst) uint8 {
	off, la := c.mref(in)
	return c.rd8(in, off, la)
}

func (c *CPU) load16(in *inst) uint16 {
	off, la := c.mref(in)
	return c.rd16(in, off, la)
}

// The most frequent accesses are written out in runBlock with these small
// helpers, which the compiler inlines (a call in a helper would stop it):
// ramWord gives the operand's word when it is plain RAM, nil for the slow
// path; pushSlot and popSlot do the same for the stack, moving SP only
// when they succeed.

func (c *CPU) ramWord(off uint16, la uint32) *[2]byte {
	if la+1 < c.ramEnd && off != 0xFFFF {
		return (*[2]byte)(unsafe.Add(c.memBase, la))
	}
	return nil
}

func (c *CPU) pushSlot() *[2]byte {
	sp := c.Regs[SP] - 2
	la := uint32(c.Segs[SS])<<4 + uint32(sp)
	if la+1 < c.ramEnd && sp != 0xFFFF {
		c.Regs[SP] = sp
		return (*[2]byte)(unsafe.Add(c.memBase, la))
	}
	return nil
}

func (c *CPU) popSlot() *[2]byte {
	sp := c.Regs[SP]
	la := uint32(c.Segs[SS])<<4 + uint32(sp)
	if la+1 < c.ramEnd && sp != 0xFFFF {
		c.Regs[SP] = sp + 2
		return (*[2]byte)(unsafe.Add(c.memBase, la))
	}
	return nil
}

func get16(w *[2]byte) uint16 { return uint16(w[0]) | uint16(w[1])<<8 }

func put16(w *[2]byte, v uint16) { w[0], w[1] = uint8(v), uint8(v>>8) }

// hits reports whether RAM word w lies in the running block's bytes.
func (c *CPU) hits(w *[2]byte) bool {
	la := uint32(uintptr(unsafe.Pointer(w)) - uintptr(c.memBase))
	return la+1-c.blkLin < c.blkSize+1
}

// rewrote reports whether RAM word w, which hits the running block,
// holds other bytes than the block was decoded from: a store of what was
// there already (a patched INT number written again, as Turbo C's int86
// and FreeDOS's intr do before every call) leaves the block as it is.
//
//go:noinline
func (c *CPU) rewrote(w *[2]byte) bool {
	la := uint32(uintptr(unsafe.Pointer(w)) - uintptr(c.memBase))
	return c.rewroteByte(la) || c.rewroteByte(la+1)
}

// rewroteByte is rewrote for the RAM byte at la.
func (c *CPU) rewroteByte(la uint32) bool {
	i := la - c.blkLin
	if i >= c.blkSize {
		return false
	}
	b := c.running()
	return b == nil || *(*uint8)(unsafe.Add(b.src, i)) != b.raw[i]
}

// running finds the running block (nil if it is none of the cache's, the
// short or the single one: a debugger's), from its first inst.
func (c *CPU) running() *block {
	if b := c.cached(c.blkLin); b != nil && uintptr(unsafe.Pointer(b.code)) == c.blkCode {
		return b // the usual case, without making the list below
	}
	for _, b := range [...]*block{&c.short, &c.single} {
		if b != nil && uintptr(unsafe.Pointer(b.code)) == c.blkCode {
			return b
		}
	}
	return nil
}

//go:noinline
func (c *CPU) pushSlow(in *inst, v uint16) bool {
	c.here(in)
	c.push16(v)
	return true
}

//go:noinline
func (c *CPU) popSlow(in *inst) uint16 {
	c.here(in)
	v := c.pop16()
	c.resume()
	return v
}

// pushRun runs the fused pushes that in leads (decode.go's fuse) when
// their words all lie in plain RAM, within the stack segment and outside
// the running block, and returns the last of them; nil when they do not.
func (c *CPU) pushRun(in *inst) *inst {
	n := uint32(in.op)
	sp := uint32(c.Regs[SP])
	la := uint32(c.Segs[SS])<<4 + sp - 2*n // the last push's word
	if sp < 2*n || la+2*n > c.ramEnd || la+2*n > c.blkLin && la < c.blkLin+c.blkSize {
		return nil
	}
	c.Regs[SP] = uint16(sp - 2*n)
	w := unsafe.Add(c.memBase, la+2*n)
	regs := c.wordRegs()
	for ; ; in = (*inst)(unsafe.Add(unsafe.Pointer(in), unsafe.Sizeof(inst{}))) {
		w = unsafe.Add(w, -2)
		put16((*[2]byte)(w), regs[in.idx&15])
		if n--; n == 0 {
			return in
		}
	}
}

// popRun is pushRun for the fused pops in leads.
func (c *CPU) popRun(in *inst) *inst {
	n := uint32(in.op)
	sp := uint32(c.Regs[SP])
	la := uint32(c.Segs[SS])<<4 + sp
	if sp+2*n > 0x10000 || la+2*n > c.ramEnd {
		return nil
	}
	c.Regs[SP] = uint16(sp + 2*n)
	w := unsafe.Add(c.memBase, la)
	regs := c.wordRegs()
	for ; ; in = (*inst)(unsafe.Add(unsafe.Pointer(in), unsafe.Sizeof(inst{}))) {
		regs[in.idx&15] = get16((*[2]byte)(w))
		w = unsafe.Add(w, 2)
		if n--; n == 0 {
			return in
		}
	}
}

// count is a shift's count: 1, CL or an immediate, masked as the model
// does.
func (c *CPU) count(in *inst) uint {
	n := uint8(in.imm)
	if in.imm == shiftByCL {
		n = uint8(c.Regs[CX])
	}
	return c.shiftCount(n)
}

func (c *CPU) incDec8(op uint8, v uint8) uint8 {
	if op == 0 {
		return c.inc8(v)
	}
	return c.dec8(v)
}

func (c *CPU) incDec16(op uint8, v uint16) uint16 {
	if op == 0 {
		return c.inc16(v)
	}
	return c.dec16(v)
}

// flagOp is CMC, CLC, STC, CLI, CLD and STD.
func (c *CPU) flagOp(opc uint8) {
	switch opc {
	case 0xF5:
		c.syncFlags()
		c.flags ^= FlagCF
	case 0xF8:
		c.syncFlags()
		c.flags &^= FlagCF
	case 0xF9:
		c.syncFlags()
		c.flags |= FlagCF
	case 0xFA:
		c.flags &^= FlagIF
	case 0xFC:
		c.flags &^= FlagDF
	case 0xFD:
		c.flags |= FlagDF
	}
}
