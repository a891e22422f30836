package cpu

// The one-byte opcode map (Intel 8086 Family User's Manual, Table 4-12;
// 80286 PRM, Appendix A) for the instructions that have no kind of their
// own in exec.go: segment registers, far transfers, interrupts, string
// instructions, I/O, flags images, group 3, the decimal adjusts, the
// 80186 and 80286 additions, the undocumented 8086 forms. The decoder has
// read the prefixes, ModRM and displacement (decode.go): IP is past them,
// so immediates are fetched here, and modRM gives the operand.

// execMap runs instruction in, whose first byte is at IP ip.
func (c *CPU) execMap(in *inst, ip uint16) error {
	c.opStart = ip
	c.csBase = uint32(c.Segs[CS]) << 4
	c.segOvr = in.ovr()
	c.rep = in.rep()
	c.IP = ip + uint16(in.immStart()-in.start)
	op := in.opc
	if in.op == twoByteMap {
		op = 0x0F
	}
	switch op {
	// 00-3F: ALU ops in the pattern op rm,r / r,rm / acc,imm; segment
	// pushes/pops, prefixes and decimal adjusts in the gaps.
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
			if err := c.exec0F(in); err != nil {
				return err
			}
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
	// 60-6F: on the 8086 an undocumented mirror of 70-7F; 80186 additions.
	case 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67,
		0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F:
		c.exec186(op, in) // on the 8086 these are Jcc (decode.go)

	// 80-8F
	case 0x86: // XCHG rm8, r8
		c.modRM(in)
		v := c.rm8()
		c.setRM8(c.reg8(c.reg))
		c.setReg8(c.reg, v)
	case 0x87:
		c.modRM(in)
		v := c.rm16()
		c.setRM16(c.Regs[c.reg&7])
		c.Regs[c.reg&7] = v
	case 0x8C: // MOV rm16, sreg
		c.modRM(in)
		if c.reg > 3 && c.model == Model80286 {
			c.undefined()
			break
		}
		c.setRM16(c.Segs[c.reg&3])
	case 0x8D: // LEA
		c.modRM(in)
		if c.mod == 3 && c.model != Model8086 {
			c.undefined()
			break
		}
		c.Regs[c.reg&7] = c.eaOff // 8086 with a register operand: the last EA
	case 0x8E: // MOV sreg, rm16
		c.modRM(in)
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
		c.modRM(in)
		if c.reg != 0 && c.model == Model80286 {
			c.undefined()
			break
		}
		v := c.pop16()
		c.setRM16(v)

	// 90-9F
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
	case 0xA4, 0xA5, 0xA6, 0xA7, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF:
		c.stringOp(op)
	// B0-BF: MOV r, imm
	// C0-CF
	case 0xC0, 0xC1: // 8086: undocumented aliases of C2/C3 (80186: shifts, exec.go)
		c.retNear(op == 0xC0)
	case 0xC4, 0xC5: // LES, LDS
		c.modRM(in)
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
		c.modRM(in)
		if c.reg != 0 && c.model == Model80286 {
			c.undefined()
			break
		}
		c.setRM8(c.fetch8())
	case 0xC7:
		c.modRM(in)
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
	case 0xCE: // INTO
		c.syncFlags()
		if c.flags&FlagOF != 0 {
			c.softInt(4)
		}

	// D0-DF
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
		c.modRM(in)
		if c.model == Model80286 && c.mod != 3 && c.eaOff == 0xFFFF {
			c.overrun() // the 286 still transfers the memory operand
		}
		if c.model == Model80286 && c.msw&0x4 != 0 { // MSW.EM: emulate
			c.interrupt(7, c.opStart)
		}

	// E0-EF
	case 0xE4, 0xE5, 0xE6, 0xE7: // IN/OUT with the port in the immediate the decoder read
		c.IP++
		switch port := uint16(uint8(in.imm)); op {
		case 0xE4:
			c.setReg8(AX, c.bus.In8(port))
		case 0xE5:
			c.Regs[AX] = c.bus.In16(port)
		case 0xE6:
			c.bus.Out8(port, uint8(c.Regs[AX]))
		case 0xE7:
			c.bus.Out16(port, c.Regs[AX])
		}
	case 0xEA: // JMP ptr16:16
		off := c.fetch16()
		c.Segs[CS] = c.fetch16()
		c.IP = off
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
	case 0xF4: // HLT
		c.raise(evHalted)
	case 0xF6:
		c.modRM(in)
		c.syncFlags() // muldiv.go works on c.flags
		c.group3Byte()
	case 0xF7:
		c.modRM(in)
		c.syncFlags()
		c.group3Word()
	case 0xFB: // STI: interrupts resume after the next instruction
		c.flags |= FlagIF
		c.raise(evShadow)
	case 0xFE:
		c.modRM(in)
		c.group4()
	case 0xFF:
		c.modRM(in)
		c.group5()
	}
	return nil
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
