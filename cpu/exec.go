package cpu

import "unsafe"

// The instruction decoder, laid out as the one-byte opcode map (Intel 8086
// Family User's Manual, Table 4-12; 80286 PRM, Appendix A). exec is the
// whole run loop: events between instructions, then prefixes and one
// instruction (or one REP iteration), n times. Keeping the loop and the
// decoder in one function saves a call per instruction.

// maxPrefixes bounds a run of prefix bytes in one Step: memory filled with
// prefixes must not hang the host. The 8086 accepts any number; past the
// bound the Step ends and decoding continues in the next one.
const maxPrefixes = 64

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
	// ip is the IP of the instruction about to run. The hot instructions
	// below keep it in a register from one to the next (goto fast), also
	// storing c.IP; everything else goes back through loop, which reloads it
	// from c.IP (an I/O callback may have changed it).
	var ip uint16
loop:
	ip = c.IP
fast:
	// One compare per instruction: stopAt is the limit while no event is
	// pending, and 0 from the moment one is raised.
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
				goto loop
			case c.events&evHalted != 0:
				return int(c.Instructions - start), nil
			}
			if c.flags&FlagTF != 0 {
				c.events |= evTFArmed // TF as the instruction starts
			}
		}
		// INTR held while IF=0 (a CLI section with an IRQ pending) needs
		// no look per instruction: STI raises evShadow and SetFlags (POPF,
		// IRET) resets stopAt.
		if c.events == 0 || c.events == evINTR && (c.flags&FlagIF == 0 || c.ic == nil) {
			c.stopAt = limit
		}
		ip = c.IP
	}
	c.Instructions++
	cs := uint32(c.Segs[CS]) << 4
	prefixes := 0
	// Operands of a word ALU operation whose destination is a register,
	// finished by the shared code at aluReg16 (ADD OR ADC SBB AND SUB XOR CMP).
	var aluOp, aluDst uint8
	var aluA, aluB uint16
	// p is a window on the instruction's first 8 bytes when they lie in
	// RAM without a segment or 1 MiB wrap (nearly always). The hot cases
	// run from it in the switch right below; the opcode map uses it to
	// decode ModRM and displacement. After a prefix, and wherever p is nil,
	// decoding goes through fetch8.
	var p *[8]byte
	var op byte
	if a := cs + uint32(ip); a < c.winEnd && ip <= 0xFFF8 {
		// In bounds by the test just made (winEnd = len(mem)-7); unsafe.Add
		// spares the slice bounds checks on the hottest line of the
		// interpreter.
		//
		// p and op shadow the decoder's: the hot path's values die here,
		// so that they need no room in the stack frame.
		p := (*[8]byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(c.mem)), a))
		op := p[0]
		// The hot instructions, whole: they take their ModRM byte and
		// immediates from the window and set IP once. Everything else,
		// memory forms included, goes on to the opcode map below.
		switch op {
		// Below, p and op are not used after a call, so that they need
		// no place in the stack frame.
		case 0x00, 0x08, 0x10, 0x18, 0x20, 0x28, 0x30: // op r8, r8 (rm form)
			if m := p[1]; m >= 0xC0 {
				ip += 2
				c.IP = ip
				dst := m & 7
				r := c.alu8(op>>3, c.reg8(m&7), c.reg8(m>>3&7))
				c.setReg8(dst, r)
				goto fast
			}
		case 0x38, 0x3A: // CMP r8, r8
			if m := p[1]; m >= 0xC0 {
				ip += 2
				c.IP = ip
				a, b := c.reg8(m&7), c.reg8(m>>3&7)
				if op == 0x3A {
					a, b = b, a
				}
				c.subL8(a, b, 0)
				goto fast
			}
		case 0x01, 0x09, 0x11, 0x19, 0x21, 0x29, 0x31, 0x39: // op r16, r16 (rm form)
			if m := p[1]; m >= 0xC0 {
				ip += 2
				c.IP = ip
				aluOp, aluDst, aluA, aluB = op>>3, m&7, c.Regs[m&7], c.Regs[m>>3&7]
				goto aluReg16
			}
		case 0x02, 0x0A, 0x12, 0x1A, 0x22, 0x2A, 0x32: // op r8, r8 (reg form)
			if m := p[1]; m >= 0xC0 {
				ip += 2
				c.IP = ip
				dst := m >> 3 & 7
				r := c.alu8(op>>3, c.reg8(m>>3&7), c.reg8(m&7))
				c.setReg8(dst, r)
				goto fast
			}
		case 0x03, 0x0B, 0x13, 0x1B, 0x23, 0x2B, 0x33, 0x3B: // op r16, r16 (reg form)
			if m := p[1]; m >= 0xC0 {
				ip += 2
				c.IP = ip
				aluOp, aluDst, aluA, aluB = op>>3, m>>3&7, c.Regs[m>>3&7], c.Regs[m&7]
				goto aluReg16
			}
		case 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47: // INC r16 (CF kept)
			ip++
			c.IP = ip
			c.Regs[op&7] = c.inc16(c.Regs[op&7])
			goto fast
		case 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F: // DEC r16
			ip++
			c.IP = ip
			c.Regs[op&7] = c.dec16(c.Regs[op&7])
			goto fast
		case 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77,
			0x78, 0x79, 0x7A, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F: // Jcc rel8
			d := uint16(int8(p[1]))
			ip += 2
			if c.condFast(op) {
				ip += d
			}
			c.IP = ip
			goto fast
		case 0x81: // group 1 r16, imm16
			if m := p[1]; m >= 0xC0 {
				ip += 4
				c.IP = ip
				aluOp, aluDst, aluA, aluB = m>>3&7, m&7, c.Regs[m&7], uint16(p[2])|uint16(p[3])<<8
				goto aluReg16
			}
		case 0x83: // group 1 r16, sign-extended imm8
			if m := p[1]; m >= 0xC0 {
				ip += 3
				c.IP = ip
				aluOp, aluDst, aluA, aluB = m>>3&7, m&7, c.Regs[m&7], uint16(int8(p[2]))
				goto aluReg16
			}
		case 0x84: // TEST r8, r8
			if m := p[1]; m >= 0xC0 {
				ip += 2
				c.IP = ip
				c.logicL8(c.reg8(m&7) & c.reg8(m>>3&7))
				goto fast
			}
		case 0x85: // TEST r16, r16
			if m := p[1]; m >= 0xC0 {
				ip += 2
				c.IP = ip
				c.logicL16(c.Regs[m&7] & c.Regs[m>>3&7])
				goto fast
			}
		case 0x88: // MOV r8, r8 (rm form)
			if m := p[1]; m >= 0xC0 {
				ip += 2
				c.IP = ip
				c.setReg8(m&7, c.reg8(m>>3&7))
				goto fast
			}
		case 0x8A: // MOV r8, r8 (reg form)
			if m := p[1]; m >= 0xC0 {
				ip += 2
				c.IP = ip
				c.setReg8(m>>3&7, c.reg8(m&7))
				goto fast
			}
		case 0x89, 0x8B: // MOV rm16, r16 / MOV r16, rm16
			m := p[1]
			if m >= 0xC0 {
				ip += 2
				c.IP = ip
				if op == 0x89 {
					c.Regs[m&7] = c.Regs[m>>3&7]
				} else {
					c.Regs[m>>3&7] = c.Regs[m&7]
				}
				goto fast
			}
			// Memory operand: address and RAM access written out.
			rm := m & 7
			seg := eaSegment[rm]
			var off uint16
			n := uint16(2) // instruction length
			switch m >> 6 {
			case 0:
				if rm == 6 { // direct address
					seg, off, n = DS, uint16(p[2])|uint16(p[3])<<8, 4
					break
				}
				off = c.Regs[eaBase[rm]&7] + c.Regs[eaIndex[rm]&7]&eaIndexMask[rm]
			case 1:
				off = c.Regs[eaBase[rm]&7] + c.Regs[eaIndex[rm]&7]&eaIndexMask[rm] + uint16(int8(p[2]))
				n = 3
			default:
				off = c.Regs[eaBase[rm]&7] + c.Regs[eaIndex[rm]&7]&eaIndexMask[rm] + (uint16(p[2]) | uint16(p[3])<<8)
				n = 4
			}
			la := uint32(c.Segs[seg&3])<<4 + uint32(off)
			if la+1 < uint32(len(c.mem)) && off != 0xFFFF {
				// In RAM by the test just made, as for the window.
				w := (*[2]byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(c.mem)), la))
				if op == 0x8B {
					c.Regs[m>>3&7] = uint16(w[0]) | uint16(w[1])<<8
				} else {
					v := c.Regs[m>>3&7]
					w[0], w[1] = uint8(v), uint8(v>>8)
				}
				ip += n
				c.IP = ip
				goto fast
			}
			c.IP = ip + n
			c.opStart = ip // where a 286 overrun fault points
			if op == 0x8B {
				c.Regs[m>>3&7] = c.read16Slow(seg, off)
			} else {
				c.write16Slow(seg, off, c.Regs[m>>3&7])
			}
			goto loop // a device's Read8/Write8 may have changed the CPU
		case 0x04, 0x0C, 0x14, 0x1C, 0x24, 0x2C, 0x34: // op AL, imm8
			ip += 2
			c.IP = ip
			r := c.alu8(op>>3, uint8(c.Regs[AX]), p[1])
			c.Regs[AX] = c.Regs[AX]&0xFF00 | uint16(r)
			goto fast
		case 0x3C: // CMP AL, imm8
			ip += 2
			c.IP = ip
			c.subL8(uint8(c.Regs[AX]), p[1], 0)
			goto fast
		case 0x05, 0x0D, 0x15, 0x1D, 0x25, 0x2D, 0x35, 0x3D: // op AX, imm16
			ip += 3
			c.IP = ip
			aluOp, aluDst, aluA, aluB = op>>3, AX, c.Regs[AX], uint16(p[1])|uint16(p[2])<<8
			goto aluReg16
		// The stack instructions may fault (a 286 stack overrun) and may
		// reach the bus: they set opStart and leave through loop.
		case 0x50, 0x51, 0x52, 0x53, 0x55, 0x56, 0x57: // PUSH r16 (PUSH SP differs by model)
			c.IP = ip + 1
			c.opStart = ip
			c.push16(c.Regs[op&7])
			goto loop
		case 0x58, 0x59, 0x5A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F: // POP r16
			c.IP = ip + 1
			c.opStart = ip
			r := op & 7
			v := c.pop16()
			c.Regs[r] = v
			goto loop
		case 0xC3: // RET
			c.IP = ip + 1
			c.opStart = ip
			c.IP = c.pop16()
			goto loop
		case 0xE8: // CALL rel16
			d := uint16(p[1]) | uint16(p[2])<<8
			c.IP = ip + 3
			c.opStart = ip
			c.push16(ip + 3)
			c.IP = ip + 3 + d
			goto loop
		case 0xE9: // JMP rel16
			ip += 3 + (uint16(p[1]) | uint16(p[2])<<8)
			c.IP = ip
			goto fast
		case 0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7: // MOV r8, imm8
			ip += 2
			c.IP = ip
			c.setReg8(op&7, p[1])
			goto fast
		case 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF: // MOV r16, imm16
			ip += 3
			c.IP = ip
			c.Regs[op&7] = uint16(p[1]) | uint16(p[2])<<8
			goto fast
		case 0xD1:
			if m := p[1]; m&0xF8 == 0xE0 { // SHL r16,1
				ip += 2
				c.IP = ip
				v := c.Regs[m&7]
				r := v << 1
				f := c.flags&^arithFlags | szp16(r) | v>>15
				if (r^v)&0x8000 != 0 {
					f |= FlagOF // OF = new MSB xor CF
				}
				c.flags = f
				c.lazy = lzNone
				c.Regs[m&7] = r
				goto fast
			}
		case 0xE0, 0xE1, 0xE2: // LOOPNZ, LOOPZ, LOOP
			d := uint16(int8(p[1]))
			ip += 2
			c.Regs[CX]--
			if c.Regs[CX] != 0 && (op == 0xE2 || c.zero() == (op == 0xE1)) {
				ip += d
			}
			c.IP = ip
			goto fast
		case 0xEB: // JMP rel8
			ip += 2 + uint16(int8(p[1]))
			c.IP = ip
			goto fast
		case 0x06, 0x07, 0x0E, 0x0F, 0x16, 0x17, 0x1E, 0x1F, 0x26, 0x27, 0x2E, 0x2F,
			0x36, 0x37, 0x3E, 0x3F, 0x54, 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66,
			0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x80, 0x82, 0x86,
			0x87, 0x8C, 0x8D, 0x8E, 0x8F, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96,
			0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2,
			0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE,
			0xAF, 0xC0, 0xC1, 0xC2, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB,
			0xCC, 0xCD, 0xCE, 0xCF, 0xD0, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8,
			0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7,
			0xEA, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6,
			0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF:
			// The rest of the map, listed so that this switch compiles
			// to a jump table.
		}
		c.IP = ip + 1
		c.opStart = ip
		c.csBase = cs
		c.segOvr = -1
		c.rep = 0
		goto window
	}
	// Decoding state for the opcode map. The instructions above need none
	// of it (no prefixes, nothing but the window to fetch from, faults
	// only where they set opStart themselves).
	c.opStart = ip
	c.csBase = cs
	c.segOvr = -1
	c.rep = 0
	op = c.fetch8()
	ip = c.opStart
	goto decode
window:
	// The window again, from the CPU state.
	ip = c.opStart
	p = (*[8]byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(c.mem)), c.csBase+uint32(ip)))
	op = p[0]
	goto decode
next:
	p = nil
	op = c.fetch8()
decode:
	switch op {
	// 00-3F: ALU ops in the pattern op rm,r / r,rm / acc,imm; segment
	// pushes/pops, prefixes and decimal adjusts in the gaps.
	case 0x00, 0x08, 0x10, 0x18, 0x20, 0x28, 0x30, 0x38: // op rm8, r8
		c.decodeModRMAt(p, ip)
		r := c.alu8(op>>3, c.rm8(), c.reg8(c.reg))
		if op != 0x38 {
			c.setRM8(r)
		}
	case 0x01, 0x09, 0x11, 0x19, 0x21, 0x29, 0x31, 0x39: // op rm16, r16
		c.decodeModRMAt(p, ip)
		r := c.alu16(op>>3, c.rm16(), c.Regs[c.reg&7])
		if op != 0x39 {
			c.setRM16(r)
		}
	case 0x02, 0x0A, 0x12, 0x1A, 0x22, 0x2A, 0x32, 0x3A: // op r8, rm8
		c.decodeModRMAt(p, ip)
		r := c.alu8(op>>3, c.reg8(c.reg), c.rm8())
		if op != 0x3A {
			c.setReg8(c.reg, r)
		}
	case 0x03, 0x0B, 0x13, 0x1B, 0x23, 0x2B, 0x33, 0x3B: // op r16, rm16
		c.decodeModRMAt(p, ip)
		r := c.alu16(op>>3, c.Regs[c.reg&7], c.rm16())
		if op != 0x3B {
			c.Regs[c.reg&7] = r
		}
	case 0x04, 0x0C, 0x14, 0x1C, 0x24, 0x2C, 0x34, 0x3C: // op AL, imm8
		r := c.alu8(op>>3, uint8(c.Regs[AX]), c.fetch8())
		if op != 0x3C {
			c.setReg8(AX, r)
		}
	case 0x05, 0x0D, 0x15, 0x1D, 0x25, 0x2D, 0x35, 0x3D: // op AX, imm16
		aluOp, aluDst, aluA, aluB = op>>3, AX, c.Regs[AX], c.fetch16()
		ip = c.IP
		goto aluReg16
	case 0x06, 0x0E, 0x16, 0x1E: // PUSH sreg
		c.push16(c.Segs[op>>3])
	case 0x07, 0x17, 0x1F: // POP sreg
		c.Segs[op>>3] = c.pop16()
		if op == 0x17 {
			c.raise(evShadow)
		}
	case 0x0F:
		switch c.model {
		case Model8086: // POP CS (undocumented; removed from later CPUs)
			c.Segs[CS] = c.pop16()
		case Model80186:
			c.undefined()
		default:
			if err := c.exec0F(); err != nil {
				return int(c.Instructions - start), err
			}
		}
	case 0x26, 0x2E, 0x36, 0x3E: // segment override prefix
		c.segOvr = int(op>>3) & 3
		if prefixes++; prefixes < maxPrefixes {
			if prefixes >= 4 && c.model == Model80286 {
				c.checkLength()
			}
			goto next
		}
	case 0x27:
		c.syncFlags()
		c.daa()
	case 0x2F:
		c.syncFlags()
		c.das()
	case 0x37:
		c.syncFlags()
		c.aaa()
	case 0x3F:
		c.syncFlags()
		c.aas()

	// 40-5F: one-byte register forms.
	case 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47: // INC r16 (CF kept)
		c.Regs[op&7] = c.inc16(c.Regs[op&7])
	case 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F: // DEC r16 (CF kept)
		c.Regs[op&7] = c.dec16(c.Regs[op&7])
	case 0x50, 0x51, 0x52, 0x53, 0x55, 0x56, 0x57:
		c.push16(c.Regs[op&7])
	case 0x54: // PUSH SP: the 8086 pushes the decremented value, the 286 the old one
		if c.model == Model8086 || c.model == Model80186 {
			c.Regs[SP] -= 2
			c.write16(SS, c.Regs[SP], c.Regs[SP])
		} else {
			c.push16(c.Regs[SP])
		}
	case 0x58, 0x59, 0x5A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F:
		v := c.pop16()
		c.Regs[op&7] = v

	// 60-6F: on the 8086 an undocumented mirror of 70-7F; 80186 additions.
	case 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67,
		0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F:
		if c.model == Model8086 {
			c.jcc(op & 0xF)
		} else {
			c.exec186(op)
		}

	case 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77,
		0x78, 0x79, 0x7A, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F: // Jcc rel8
		d := c.fetch8()
		if c.condFast(op) {
			c.IP += uint16(int8(d))
		}

	// 80-8F
	case 0x80, 0x82: // group 1 rm8, imm8 (82 is an alias of 80)
		c.decodeModRMAt(p, ip)
		a := c.rm8()
		r := c.alu8(c.reg, a, c.fetch8())
		if c.reg != 7 {
			c.setRM8(r)
		}
	case 0x81: // group 1 rm16, imm16
		c.decodeModRMAt(p, ip)
		a := c.rm16()
		r := c.alu16(c.reg, a, c.fetch16())
		if c.reg != 7 {
			c.setRM16(r)
		}
	case 0x83: // group 1 rm16, sign-extended imm8
		c.decodeModRMAt(p, ip)
		a := c.rm16()
		r := c.alu16(c.reg, a, uint16(int8(c.fetch8())))
		if c.reg != 7 {
			c.setRM16(r)
		}
	case 0x84: // TEST rm8, r8
		c.decodeModRMAt(p, ip)
		c.logic8(c.rm8() & c.reg8(c.reg))
	case 0x85:
		c.decodeModRMAt(p, ip)
		c.logic16(c.rm16() & c.Regs[c.reg&7])
	case 0x86: // XCHG rm8, r8
		c.decodeModRMAt(p, ip)
		v := c.rm8()
		c.setRM8(c.reg8(c.reg))
		c.setReg8(c.reg, v)
	case 0x87:
		c.decodeModRMAt(p, ip)
		v := c.rm16()
		c.setRM16(c.Regs[c.reg&7])
		c.Regs[c.reg&7] = v
	case 0x88: // MOV rm8, r8
		c.decodeModRMAt(p, ip)
		c.setRM8(c.reg8(c.reg))
	case 0x89:
		c.decodeModRMAt(p, ip)
		c.setRM16(c.Regs[c.reg&7])
	case 0x8A:
		c.decodeModRMAt(p, ip)
		c.setReg8(c.reg, c.rm8())
	case 0x8B:
		c.decodeModRMAt(p, ip)
		c.Regs[c.reg&7] = c.rm16()
	case 0x8C: // MOV rm16, sreg
		c.decodeModRMAt(p, ip)
		if c.reg > 3 && c.model == Model80286 {
			c.undefined()
			break
		}
		c.setRM16(c.Segs[c.reg&3])
	case 0x8D: // LEA
		c.decodeModRMAt(p, ip)
		if c.mod == 3 && c.model != Model8086 {
			c.undefined()
			break
		}
		c.Regs[c.reg&7] = c.eaOff // 8086 with a register operand: the last EA
	case 0x8E: // MOV sreg, rm16
		c.decodeModRMAt(p, ip)
		s := c.reg & 3
		if c.model == Model80286 && (c.reg > 3 || s == CS) {
			c.undefined()
			break
		}
		c.Segs[s] = c.rm16()
		if s == SS {
			c.raise(evShadow)
		}
	case 0x8F: // POP rm16 (the 8086 ignores the reg field)
		c.decodeModRMAt(p, ip)
		if c.reg != 0 && c.model == Model80286 {
			c.undefined()
			break
		}
		v := c.pop16()
		c.setRM16(v)

	// 90-9F
	case 0x90: // NOP (XCHG AX, AX)
	case 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97: // XCHG AX, r16
		c.Regs[AX], c.Regs[op&7] = c.Regs[op&7], c.Regs[AX]
	case 0x98: // CBW
		c.Regs[AX] = uint16(int8(c.Regs[AX]))
	case 0x99: // CWD
		c.Regs[DX] = uint16(int16(c.Regs[AX]) >> 15)
	case 0x9A: // CALL ptr16:16
		off := c.fetch16()
		seg := c.fetch16()
		c.push16(c.Segs[CS])
		c.push16(c.IP)
		c.Segs[CS], c.IP = seg, off
	case 0x9B: // WAIT: no coprocessor, TEST# is inactive
	case 0x9C: // PUSHF
		c.push16(c.Flags())
	case 0x9D: // POPF
		c.SetFlags(c.pop16())
	case 0x9E: // SAHF
		m := FlagSF | FlagZF | FlagAF | FlagPF | FlagCF
		c.syncFlags() // OF stays
		c.flags = c.flags&^m | c.Regs[AX]>>8&m
	case 0x9F: // LAHF
		c.setReg8(4, uint8(c.Flags()))

	// A0-AF
	case 0xA0: // MOV AL, moffs8
		c.setReg8(AX, c.read8(c.dataSeg(), c.fetch16()))
	case 0xA1:
		c.Regs[AX] = c.read16(c.dataSeg(), c.fetch16())
	case 0xA2:
		c.write8(c.dataSeg(), c.fetch16(), uint8(c.Regs[AX]))
	case 0xA3:
		c.write16(c.dataSeg(), c.fetch16(), c.Regs[AX])
	case 0xA4, 0xA5, 0xA6, 0xA7, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF:
		c.stringOp(op)
	case 0xA8: // TEST AL, imm8
		c.logic8(uint8(c.Regs[AX]) & c.fetch8())
	case 0xA9:
		c.logic16(c.Regs[AX] & c.fetch16())

	// B0-BF: MOV r, imm
	case 0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7:
		c.setReg8(op&7, c.fetch8())
	case 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF:
		c.Regs[op&7] = c.fetch16()

	// C0-CF
	case 0xC0, 0xC1:
		if c.model == Model8086 { // undocumented aliases of C2/C3
			c.retNear(op == 0xC0)
			break
		}
		c.decodeModRM() // 80186: group 2 rm, imm8 (rare: no window path)
		if op == 0xC0 {
			v := c.rm8()
			c.setRM8(uint8(c.shift(c.reg, uint32(v), c.shiftCount(c.fetch8()), 8)))
		} else {
			v := c.rm16()
			c.setRM16(uint16(c.shift(c.reg, uint32(v), c.shiftCount(c.fetch8()), 16)))
		}
	case 0xC2, 0xC3: // RET [imm16]
		c.retNear(op == 0xC2)
	case 0xC4, 0xC5: // LES, LDS
		c.decodeModRMAt(p, ip)
		if c.mod == 3 && c.model != Model8086 {
			c.undefined()
			break
		}
		c.checkSpan(c.eaOff, 4)
		off := c.read16(c.eaSeg, c.eaOff)
		seg := c.read16(c.eaSeg, c.eaOff+2)
		c.Regs[c.reg&7] = off
		if op == 0xC4 {
			c.Segs[ES] = seg
		} else {
			c.Segs[DS] = seg
		}
	case 0xC6: // MOV rm8, imm8 (the 8086 ignores the reg field)
		c.decodeModRMAt(p, ip)
		if c.reg != 0 && c.model == Model80286 {
			c.undefined()
			break
		}
		c.setRM8(c.fetch8())
	case 0xC7:
		c.decodeModRMAt(p, ip)
		if c.reg != 0 && c.model == Model80286 {
			c.undefined()
			break
		}
		c.setRM16(c.fetch16())
	case 0xC8:
		if c.model == Model8086 { // alias of CA
			c.retFar(true)
			break
		}
		c.enter()
	case 0xC9:
		if c.model == Model8086 { // alias of CB
			c.retFar(false)
			break
		}
		if c.Regs[BP] == 0xFFFF {
			c.overrun() // LEAVE faults before SP changes
		}
		c.Regs[SP] = c.Regs[BP] // LEAVE
		c.Regs[BP] = c.pop16()
	case 0xCA, 0xCB: // RETF [imm16]
		c.retFar(op == 0xCA)
	case 0xCC: // INT 3
		c.softInt(3)
	case 0xCD: // INT imm8
		v := c.fetch8()
		c.softInt(v)
	case 0xCE: // INTO
		c.syncFlags()
		if c.flags&FlagOF != 0 {
			c.softInt(4)
		}
	case 0xCF: // IRET
		c.IP = c.pop16()
		c.Segs[CS] = c.pop16()
		c.SetFlags(c.pop16())

	// D0-DF
	case 0xD0: // group 2 rm8, 1
		c.decodeModRMAt(p, ip)
		c.setRM8(uint8(c.shift(c.reg, uint32(c.rm8()), 1, 8)))
	case 0xD1:
		c.decodeModRMAt(p, ip)
		c.setRM16(uint16(c.shift(c.reg, uint32(c.rm16()), 1, 16)))
	case 0xD2: // group 2 rm8, CL
		c.decodeModRMAt(p, ip)
		v := c.rm8()
		c.setRM8(uint8(c.shift(c.reg, uint32(v), c.shiftCount(uint8(c.Regs[CX])), 8)))
	case 0xD3:
		c.decodeModRMAt(p, ip)
		v := c.rm16()
		c.setRM16(uint16(c.shift(c.reg, uint32(v), c.shiftCount(uint8(c.Regs[CX])), 16)))
	case 0xD4:
		c.syncFlags()
		c.aam(c.fetch8())
	case 0xD5:
		c.syncFlags()
		c.aad(c.fetch8())
	case 0xD6: // SALC (undocumented): AL = CF ? FF : 00
		if c.carry() != 0 {
			c.setReg8(AX, 0xFF)
		} else {
			c.setReg8(AX, 0)
		}
	case 0xD7: // XLAT
		c.setReg8(AX, c.read8(c.dataSeg(), c.Regs[BX]+c.Regs[AX]&0xFF))
	case 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF:
		// ESC: with no coprocessor the CPU decodes the operand and moves on.
		c.decodeModRMAt(p, ip)
		if c.model == Model80286 && c.mod != 3 && c.eaOff == 0xFFFF {
			c.overrun() // the 286 still transfers the memory operand
		}
		if c.model == Model80286 && c.msw&0x4 != 0 { // MSW.EM: emulate
			c.interrupt(7, c.opStart)
		}

	// E0-EF
	case 0xE0, 0xE1, 0xE2: // LOOPNZ, LOOPZ, LOOP
		d := c.fetch8()
		c.Regs[CX]--
		if c.Regs[CX] != 0 && (op == 0xE2 || c.zero() == (op == 0xE1)) {
			c.IP += uint16(int8(d))
		}
	case 0xE3: // JCXZ
		d := uint16(int8(c.fetch8()))
		if c.Regs[CX] == 0 {
			c.IP += d
		}
	// Port I/O: IP is already past the instruction, and nothing is held
	// in locals across the bus call (a Go BIOS may change registers there).
	case 0xE4:
		port := uint16(c.fetch8())
		v := c.bus.In8(port)
		c.setReg8(AX, v)
	case 0xE5:
		port := uint16(c.fetch8())
		v := c.bus.In16(port)
		c.Regs[AX] = v
	case 0xE6:
		port := uint16(c.fetch8())
		c.bus.Out8(port, uint8(c.Regs[AX]))
	case 0xE7:
		port := uint16(c.fetch8())
		c.bus.Out16(port, c.Regs[AX])
	case 0xE8: // CALL rel16
		d := c.fetch16()
		c.push16(c.IP)
		c.IP += d
	case 0xE9: // JMP rel16
		d := c.fetch16()
		c.IP += d
	case 0xEA: // JMP ptr16:16
		off := c.fetch16()
		c.Segs[CS] = c.fetch16()
		c.IP = off
	case 0xEB: // JMP rel8
		d := uint16(int8(c.fetch8()))
		c.IP += d
	case 0xEC:
		v := c.bus.In8(c.Regs[DX])
		c.setReg8(AX, v)
	case 0xED:
		v := c.bus.In16(c.Regs[DX])
		c.Regs[AX] = v
	case 0xEE:
		c.bus.Out8(c.Regs[DX], uint8(c.Regs[AX]))
	case 0xEF:
		c.bus.Out16(c.Regs[DX], c.Regs[AX])

	// F0-FF
	case 0xF0, 0xF1: // LOCK (F1 is an undocumented alias)
		if prefixes++; prefixes < maxPrefixes {
			if prefixes >= 4 && c.model == Model80286 {
				c.checkLength()
			}
			goto next
		}
	case 0xF2, 0xF3: // REPNE, REP/REPE
		c.rep = op
		if prefixes++; prefixes < maxPrefixes {
			if prefixes >= 4 && c.model == Model80286 {
				c.checkLength()
			}
			goto next
		}
	case 0xF4: // HLT
		c.raise(evHalted)
	case 0xF5: // CMC
		c.syncFlags()
		c.flags ^= FlagCF
	case 0xF6:
		c.decodeModRMAt(p, ip)
		c.syncFlags() // muldiv.go works on c.flags
		c.group3Byte()
	case 0xF7:
		c.decodeModRMAt(p, ip)
		c.syncFlags()
		c.group3Word()
	case 0xF8: // CLC
		c.syncFlags()
		c.flags &^= FlagCF
	case 0xF9: // STC
		c.syncFlags()
		c.flags |= FlagCF
	case 0xFA:
		c.flags &^= FlagIF
	case 0xFB: // STI: interrupts resume after the next instruction
		c.flags |= FlagIF
		c.raise(evShadow)
	case 0xFC:
		c.flags &^= FlagDF
	case 0xFD:
		c.flags |= FlagDF
	case 0xFE:
		c.decodeModRMAt(p, ip)
		c.group4()
	case 0xFF:
		c.decodeModRMAt(p, ip)
		c.group5()
	}
	goto loop

aluReg16:
	// Written out rather than a call to alu16: the flag helpers inline here.
	switch aluOp & 7 {
	case 0:
		c.Regs[aluDst&7] = c.addL16(aluA, aluB, 0)
	case 1:
		c.Regs[aluDst&7] = c.logicL16(aluA | aluB)
	case 2:
		c.Regs[aluDst&7] = c.addL16(aluA, aluB, c.carry())
	case 3:
		c.Regs[aluDst&7] = c.subL16(aluA, aluB, c.carry())
	case 4:
		c.Regs[aluDst&7] = c.logicL16(aluA & aluB)
	case 5:
		c.Regs[aluDst&7] = c.subL16(aluA, aluB, 0)
	case 6:
		c.Regs[aluDst&7] = c.logicL16(aluA ^ aluB)
	case 7: // CMP
		c.subL16(aluA, aluB, 0)
	}
	goto fast // ip is c.IP on every way here
}

// armTrap turns the TF seen at the start of the last instruction into a
// pending single-step trap, unless that instruction set up a shadow
// (MOV SS, POP SS, STI hold off the trap as they hold off interrupts).
func (c *CPU) armTrap() {
	if c.events&evTFArmed != 0 {
		c.events &^= evTFArmed
		if c.events&evShadow == 0 {
			c.raise(evTrap)
		}
	}
}

func (c *CPU) jcc(cc byte) {
	d := uint16(int8(c.fetch8()))
	if c.condFast(cc) {
		c.IP += d
	}
}

func (c *CPU) retNear(imm bool) {
	var n uint16
	if imm {
		n = c.fetch16()
	}
	c.IP = c.pop16()
	c.Regs[SP] += n
}

func (c *CPU) retFar(imm bool) {
	var n uint16
	if imm {
		n = c.fetch16()
	}
	c.IP = c.pop16()
	c.Segs[CS] = c.pop16()
	c.Regs[SP] += n
}

// undefined raises interrupt 6 (invalid opcode) on the 80186 and later,
// pointing at the faulting instruction (80286 PRM, 9.5).
func (c *CPU) undefined() {
	c.interrupt(6, c.opStart)
}

// group4 is FE: INC/DEC rm8. The 8086 runs /2-/7 as the FF forms on a
// byte operand (undocumented); later CPUs raise #UD.
func (c *CPU) group4() {
	switch c.reg {
	case 0:
		c.setRM8(c.inc8(c.rm8()))
	case 1:
		c.setRM8(c.dec8(c.rm8()))
	default:
		if c.model != Model8086 {
			c.undefined()
			return
		}
		c.group5()
	}
}

// group5 is FF: INC DEC CALL CALLF JMP JMPF PUSH (and /7, an alias of PUSH).
func (c *CPU) group5() {
	switch c.reg {
	case 0:
		c.setRM16(c.inc16(c.rm16()))
	case 1:
		c.setRM16(c.dec16(c.rm16()))
	case 2: // CALL rm16
		t := c.rm16()
		c.push16(c.IP)
		c.IP = t
	case 3: // CALL m16:16
		if c.mod == 3 && c.model != Model8086 {
			c.undefined()
			return
		}
		c.checkSpan(c.eaOff, 4)
		off := c.read16(c.eaSeg, c.eaOff)
		seg := c.read16(c.eaSeg, c.eaOff+2)
		c.push16(c.Segs[CS])
		c.push16(c.IP)
		c.Segs[CS], c.IP = seg, off
	case 4: // JMP rm16
		c.IP = c.rm16()
	case 5: // JMP m16:16
		if c.mod == 3 && c.model != Model8086 {
			c.undefined()
			return
		}
		c.checkSpan(c.eaOff, 4)
		off := c.read16(c.eaSeg, c.eaOff)
		c.Segs[CS] = c.read16(c.eaSeg, c.eaOff+2)
		c.IP = off
	case 6, 7: // PUSH rm16
		if c.mod == 3 && c.rm == SP && c.model != Model80286 {
			c.Regs[SP] -= 2
			c.write16(SS, c.Regs[SP], c.Regs[SP])
			return
		}
		v := c.rm16()
		c.push16(v)
	}
}
