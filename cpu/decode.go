package cpu

import "unsafe"

// The instruction decoder: bytes in, one inst out. It is the only place
// that knows how long an instruction is (prefixes, opcode, ModRM,
// displacement, immediates; Intel 8086 Family User's Manual, Table 4-12;
// 80286 PRM, Appendix A), and the only effective-address decoder (ModRM,
// Table 4-10). The run loop executes what it produces (exec.go): the
// frequent forms by a kind of their own, the rest by the opcode map
// (opmap.go), which takes the decoded ModRM and prefixes from the inst.

// inst is one decoded instruction. Offsets are from the start of the
// block it belongs to (block.go), so that a block runs at any CS:IP that
// reaches its bytes.
type inst struct {
	kind  uint8 // how it runs: a k* constant
	start uint8 // offset of its first byte (the first prefix)
	end   uint8 // offset past its last byte
	opc   uint8 // the opcode byte (the second one after 0Fh on the 286)
	op    uint8 // the kind's operation: ALU op, condition, shift op, ...
	reg   uint8 // the register operand (ModRM reg field, or from the opcode)
	rm    uint8 // ModRM rm: a register when mod == 3; for a memory operand its base register (eaNone: none)
	mod   uint8 // ModRM mod, 3 when there is no memory operand
	seg   int8  // segment of the memory operand, override applied
	pfx   uint8 // prefixes and immediate length (pfx* below)
	idx   uint8 // the memory operand's index register (eaNone: none)
	alone uint8 // the kind the lead of a fused run has on its own (fuse)
	disp  uint16
	imm   uint16 // immediate or relative displacement, sign-extended where the form is
}

// inst.pfx: the segment override (0, or 1 + the segment), the repeat
// prefix, and how many immediate bytes end the instruction.
const (
	pfxSegMask  = 0x07
	pfxRepNE    = 0x10 // F2h
	pfxRep      = 0x18 // F3h
	pfxRepMask  = 0x18
	pfxImmShift = 5
)

// eaNone is the register number an effective address adds for "no
// register": CPU.eaZero, which lies right after Regs and is always 0.
const eaNone = 8

// Effective-address components by ModRM rm (8086 manual, Table 4-10):
// base register, index register, default segment. Mod 0 with rm 6 is a
// direct address: neither register counts.
var (
	eaBase    = [8]uint8{BX, BX, BP, BP, SI, DI, BP, BX}
	eaIndex   = [8]uint8{SI, DI, SI, DI, eaNone, eaNone, eaNone, eaNone}
	eaSegment = [8]int8{DS, DS, SS, SS, DS, DS, SS, DS}
)

// ea is the offset of in's memory operand with the registers as they are
// now: the one effective-address computation. Registers 0-7 are Regs,
// 8 is eaZero (the two are adjacent in CPU).
func (c *CPU) ea(in *inst) uint16 {
	r := (*[16]uint16)(unsafe.Pointer(&c.Regs))
	return in.disp + r[in.rm&15] + r[in.idx&15]
}

// ovr is in's segment override, or -1.
func (in *inst) ovr() int {
	return int(in.pfx&pfxSegMask) - 1
}

// rep is in's repeat prefix byte (F2h, F3h) or 0.
func (in *inst) rep() uint8 {
	switch in.pfx & pfxRepMask {
	case pfxRepNE:
		return 0xF2
	case pfxRep:
		return 0xF3
	}
	return 0
}

// immStart is the offset where in's immediate bytes start (past ModRM and
// displacement).
func (in *inst) immStart() uint8 {
	return in.end - in.pfx>>pfxImmShift
}

// Instruction kinds. kMap runs the opcode map; the others are the
// frequent forms, run by exec.go's switch.
const (
	kMap      uint8 = iota // everything else, through the opcode map
	kFault13               // an 80286 instruction longer than 10 bytes
	kPrefixes              // a run of prefixes filling the decoder's window (8086/80186)
	kEnd                   // not an instruction: the end of a block that runs on
	kAluRR8                // reg[reg] = reg[reg] op reg[rm]   (op 7, CMP, writes nothing)
	kAluRR16               // ADC and SBB (the others have a kind each, below)
	kAddRR16
	kOrRR16
	kAndRR16
	kSubRR16
	kXorRR16
	kCmpRR16
	kAddRR16NF // the same without flags, where no one reads them (liveFlags)
	kOrRR16NF
	kAndRR16NF
	kSubRR16NF
	kXorRR16NF
	kCmpRR16NF
	kAluRM8 // reg op= [ea]
	kAluRM16
	kAluMR8 // [ea] op= reg
	kAluMR16
	kAluRI8  // reg op= imm
	kAluRI16 // ADC and SBB
	kAddRI16
	kOrRI16
	kAndRI16
	kSubRI16
	kXorRI16
	kCmpRI16
	kAddRI16NF
	kOrRI16NF
	kAndRI16NF
	kSubRI16NF
	kXorRI16NF
	kCmpRI16NF
	kAluMI8 // [ea] op= imm
	kAluMI16
	kTestRR8
	kTestRR16
	kTestMR8
	kTestMR16
	kTestRI8
	kTestRI16
	kTestMI8 // [ea] & imm (F6/F7 /0 and /1)
	kTestMI16
	kMul8  // MUL (op 4) or IMUL (op 5) of AL by reg[rm] or [ea] (F6 /4 /5)
	kMul16 // of AX (F7 /4 /5)
	kMovRR8
	kMovRR16
	kMovRM8 // reg = [ea]
	kMovRM16
	kMovMR8 // [ea] = reg
	kMovMR16
	kMovRI8
	kMovRI16
	kMovMI8
	kMovMI16
	kLea
	kIncDecR8 // op 0 INC, 1 DEC
	kIncDecR16
	kIncDecM8
	kIncDecM16
	kShiftR8 // op: group 2 operation; imm: count, or shiftByCL
	kShiftR16
	kShl1R16
	kShl1R16NF
	kShiftM8
	kShiftM16
	kPushR
	kPushM
	kPopR
	kPushRun // the lead of op consecutive PUSH r16/sreg (fuse)
	kPopRun  // the lead of op consecutive POP r16/ES/DS (fuse)
	kXchgAX
	kCbw
	kCwd
	kFlagOp // CMC CLC STC CLI CLD STD, by opcode
	kNop
	kMovSR // sreg[reg] = reg[rm] or [ea] (ES, DS; SS ends the block)
	kMovRS // reg[rm] or [ea] = sreg[reg]
	kPushS // PUSH sreg[reg]
	kPopS  // POP sreg[reg] (ES, DS; SS ends the block)
	kPopRM // POP reg[rm] or [ea]
	kPushF
	kJcc // op: condition; imm: displacement
	kJmp // imm: displacement
	kJmpR
	kJmpM
	kCall // imm: displacement
	kCallR
	kCallM
	kRet // imm: bytes to release
	kLoop
	kJcxz
	kInt  // INT imm8; imm: the vector
	kIret // IRET
)

// twoByteMap in inst.op of a kMap instruction: an 80286 0Fh opcode, whose
// second byte is inst.opc.
const twoByteMap = 1

// shiftByCL in inst.imm of a shift means the count is CL.
const shiftByCL = 0xFFFF

// terminates reports whether a block ends after in: a transfer, or an
// instruction of the opcode map that always leaves the straight path (far
// transfers, interrupts, HLT). Other opcode-map instructions end the block
// only when they turn out to (runBlock checks after each one).
func terminates(in *inst) bool {
	switch {
	case in.kind >= kJcc, in.kind == kFault13, in.kind == kPrefixes, in.kind == kEnd:
		return true
	case in.kind != kMap || in.op == twoByteMap:
		return in.kind == kMap
	}
	switch in.opc {
	case 0x9A, 0xEA, 0xCA, 0xCB, 0xCC, 0xCE, 0xF4:
		return true
	case 0xC0, 0xC1, 0xC8, 0xC9: // 8086: RET and RETF aliases
		return true
	}
	return false
}

// decodeWindow is as many bytes as the decoder looks at: up to
// maxPrefixRun prefixes and the longest instruction after them (6 bytes:
// opcode, ModRM, displacement and immediate words). A longer run of
// prefixes is an instruction of its own that does nothing on the 8086
// (the 8086 accepts any number; this keeps memory full of prefixes from
// hanging the host) and faults on the 80286 (more than 10 bytes).
const (
	decodeWindow = 16
	maxPrefixRun = decodeWindow - 6
)

// decode decodes the instruction whose bytes start at w[0], at offset
// start from its block. The bytes after the instruction are not looked at
// (w must hold decodeWindow bytes, as the prefetch queue holds them).
func (c *CPU) decode(w *[decodeWindow]byte, start uint8) inst {
	in := inst{start: start, seg: DS, mod: 3}
	ovr := int8(-1)
	i := 0
prefixes:
	for i < maxPrefixRun {
		switch b := w[i]; b {
		case 0x26, 0x2E, 0x36, 0x3E:
			ovr = int8(b>>3) & 3
			in.pfx = in.pfx&^pfxSegMask | uint8(ovr) + 1
		case 0xF0, 0xF1:
		case 0xF2:
			in.pfx = in.pfx&^pfxRepMask | pfxRepNE
		case 0xF3:
			in.pfx = in.pfx&^pfxRepMask | pfxRep
		default:
			break prefixes
		}
		i++
	}
	if i == maxPrefixRun {
		in.end = start + maxPrefixRun
		in.kind = kPrefixes
		if c.model == Model80286 {
			in.kind = kFault13
		}
		return in
	}
	opc := w[i]
	in.opc = opc
	i++
	twoByte := opc == 0x0F && c.model == Model80286
	if twoByte {
		opc = w[i]
		in.opc = opc
		i++
	}
	modrm, imm := c.operandForm(opc, twoByte, w[i])
	if modrm {
		m := w[i]
		i++
		in.mod, in.reg, in.rm = m>>6, m>>3&7, m&7
		if in.mod != 3 {
			rm := in.rm
			in.seg = eaSegment[rm]
			in.rm, in.idx = eaBase[rm], eaIndex[rm]
		}
		switch {
		case in.mod == 0 && m&7 == 6: // direct address
			in.rm, in.idx = eaNone, eaNone
			in.seg = DS
			in.disp = uint16(w[i]) | uint16(w[i+1])<<8
			i += 2
		case in.mod == 1:
			in.disp = uint16(int8(w[i]))
			i++
		case in.mod == 2:
			in.disp = uint16(w[i]) | uint16(w[i+1])<<8
			i += 2
		}
	}
	if ovr >= 0 {
		in.seg = ovr
	}
	in.pfx |= uint8(imm) << pfxImmShift
	switch imm {
	case 1:
		in.imm = uint16(w[i])
	case 2, 3, 4:
		in.imm = uint16(w[i]) | uint16(w[i+1])<<8
	}
	i += imm
	in.end = start + uint8(i)
	// The 286 refuses instructions longer than 10 bytes with interrupt 13
	// (80286 PRM, 10.6): only prefixes can make one.
	if c.model == Model80286 && i > 10 {
		in.kind = kFault13
		return in
	}
	if twoByte {
		in.op = twoByteMap
	} else {
		c.classify(&in)
	}
	return in
}

// operandForm says whether opcode opc has a ModRM byte and how many bytes
// of immediate follow it (or the opcode), on this model. next is the
// byte after the opcode (the ModRM byte, for group 3's TEST).
func (c *CPU) operandForm(opc uint8, twoByte bool, next uint8) (modrm bool, imm int) {
	if twoByte { // 80286 0F xx: only the descriptor-table groups have ModRM
		return opc == 0x00 || opc == 0x01, 0
	}
	switch {
	case opc < 0x40 && opc&0x04 == 0: // ALU op rm,r / r,rm
		return true, 0
	case opc < 0x40 && opc&0x07 == 4: // ALU op AL, imm8
		return false, 1
	case opc < 0x40 && opc&0x07 == 5: // ALU op AX, imm16
		return false, 2
	case opc >= 0x60 && opc <= 0x6F && c.model == Model8086: // aliases of 70-7F
		return false, 1
	case opc >= 0x70 && opc <= 0x7F, opc >= 0xB0 && opc <= 0xB7, opc >= 0xE0 && opc <= 0xE7:
		return false, 1
	case opc >= 0xB8 && opc <= 0xBF, opc >= 0xA0 && opc <= 0xA3:
		return false, 2
	case opc >= 0x84 && opc <= 0x8F, opc >= 0xD0 && opc <= 0xD3, opc >= 0xD8 && opc <= 0xDF:
		return true, 0
	}
	switch opc {
	case 0x62:
		return true, 0
	case 0x68:
		return false, 2
	case 0x69:
		return true, 2
	case 0x6A:
		return false, 1
	case 0x6B:
		return true, 1
	case 0x80, 0x82, 0x83, 0xC6:
		return true, 1
	case 0x81, 0xC7:
		return true, 2
	case 0xC0, 0xC1:
		if c.model == Model8086 { // RET imm16 / RET
			if opc == 0xC0 {
				return false, 2
			}
			return false, 0
		}
		return true, 1
	case 0xC4, 0xC5, 0xFE, 0xFF:
		return true, 0
	case 0xC8:
		if c.model == Model8086 { // RETF imm16
			return false, 2
		}
		return false, 3 // ENTER imm16, imm8
	case 0xA8, 0xCD, 0xD4, 0xD5, 0xEB:
		return false, 1
	case 0xA9, 0xC2, 0xCA, 0xE8, 0xE9:
		return false, 2
	case 0x9A, 0xEA:
		return false, 4
	case 0xF6, 0xF7: // group 3: TEST has an immediate
		if next>>3&7 < 2 {
			return true, int(opc-0xF6) + 1
		}
		return true, 0
	}
	return false, 0
}

// classify picks the kind of a decoded one-byte-map instruction: one of
// the frequent forms, or kMap.
func (c *CPU) classify(in *inst) {
	opc := in.opc
	mem := in.mod != 3
	k := kMap
	switch {
	case opc < 0x40 && opc&0x04 == 0: // ALU op rm,r (d=0) / r,rm (d=1)
		in.op = opc >> 3 & 7
		word := opc&1 != 0
		toReg := opc&2 != 0
		switch {
		case !mem:
			if !toReg { // rm is the destination
				in.reg, in.rm = in.rm, in.reg
			}
			k = pick(word, kAluRR16, kAluRR8)
		case toReg:
			k = pick(word, kAluRM16, kAluRM8)
		default:
			k = pick(word, kAluMR16, kAluMR8)
		}
	case opc < 0x40 && opc&0x06 == 0x04: // ALU op AL/AX, imm
		in.op, in.reg = opc>>3&7, AX
		if opc&1 != 0 {
			k = kAluRI16
		} else {
			k = kAluRI8
			in.imm &= 0xFF
		}
	case opc >= 0x40 && opc <= 0x47:
		k, in.op, in.reg = kIncDecR16, 0, opc&7
	case opc >= 0x48 && opc <= 0x4F:
		k, in.op, in.reg = kIncDecR16, 1, opc&7
	case opc >= 0x50 && opc <= 0x57:
		k, in.reg = kPushR, opc&7
	case opc >= 0x58 && opc <= 0x5F:
		k, in.reg = kPopR, opc&7
	case opc >= 0x70 && opc <= 0x7F, opc >= 0x60 && opc <= 0x6F && c.model == Model8086:
		k, in.op, in.imm = kJcc, opc&15, uint16(int8(in.imm))
	case opc >= 0x80 && opc <= 0x83: // group 1
		in.op = in.reg
		word := opc&1 != 0
		switch opc {
		case 0x83:
			in.imm = uint16(int8(in.imm))
		case 0x80, 0x82:
			in.imm &= 0xFF
		}
		if mem {
			k = pick(word, kAluMI16, kAluMI8)
		} else {
			in.reg = in.rm
			k = pick(word, kAluRI16, kAluRI8)
		}
	case opc == 0x84 || opc == 0x85:
		if mem {
			k = pick(opc == 0x85, kTestMR16, kTestMR8)
		} else {
			k = pick(opc == 0x85, kTestRR16, kTestRR8)
		}
	case opc >= 0x88 && opc <= 0x8B:
		word := opc&1 != 0
		switch {
		case !mem:
			if opc < 0x8A {
				in.reg, in.rm = in.rm, in.reg
			}
			k = pick(word, kMovRR16, kMovRR8)
		case opc >= 0x8A:
			k = pick(word, kMovRM16, kMovRM8)
		default:
			k = pick(word, kMovMR16, kMovMR8)
		}
	case opc == 0x8D && mem:
		k = kLea
	case opc == 0x8C && in.reg < 4: // MOV rm16, sreg
		k = kMovRS
	case opc == 0x8E && in.reg < 4 && in.reg != CS: // MOV sreg, rm16
		k = kMovSR
	case opc == 0x06 || opc == 0x0E || opc == 0x16 || opc == 0x1E: // PUSH sreg
		k, in.reg = kPushS, opc>>3&3
	case opc == 0x07 || opc == 0x17 || opc == 0x1F: // POP sreg
		k, in.reg = kPopS, opc>>3&3
	case opc == 0x8F && (in.reg == 0 || c.model != Model80286): // POP rm16
		k = kPopRM
	case opc == 0x9C:
		k = kPushF
	case opc == 0x90:
		k = kNop
	case opc >= 0x91 && opc <= 0x97:
		k, in.reg = kXchgAX, opc&7
	case opc == 0x98:
		k = kCbw
	case opc == 0x99:
		k = kCwd
	case opc >= 0xA0 && opc <= 0xA3: // MOV AL/AX <-> moffs
		in.mod, in.rm, in.idx, in.reg, in.disp, in.seg = 0, eaNone, eaNone, AX, in.imm, DS
		if o := in.ovr(); o >= 0 {
			in.seg = int8(o)
		}
		k = [4]uint8{kMovRM8, kMovRM16, kMovMR8, kMovMR16}[opc-0xA0]
	case opc == 0xA8:
		k, in.reg, in.imm = kTestRI8, AX, in.imm&0xFF
	case opc == 0xA9:
		k, in.reg = kTestRI16, AX
	case opc >= 0xB0 && opc <= 0xB7:
		k, in.reg = kMovRI8, opc&7
	case opc >= 0xB8 && opc <= 0xBF:
		k, in.reg = kMovRI16, opc&7
	case opc == 0xC2:
		k = kRet
	case opc == 0xC3:
		k, in.imm = kRet, 0
	case (opc == 0xC6 || opc == 0xC7) && in.reg == 0:
		if opc == 0xC6 {
			in.imm &= 0xFF
		}
		if mem {
			k = pick(opc == 0xC7, kMovMI16, kMovMI8)
		} else {
			in.reg = in.rm
			k = pick(opc == 0xC7, kMovRI16, kMovRI8)
		}
	case opc >= 0xD0 && opc <= 0xD3, (opc == 0xC0 || opc == 0xC1) && c.model != Model8086:
		in.op = in.reg
		word := opc&1 != 0
		switch {
		case opc <= 0xC1:
			in.imm &= 0xFF
		case opc <= 0xD1:
			in.imm = 1
		default:
			in.imm = shiftByCL
		}
		if mem {
			k = pick(word, kShiftM16, kShiftM8)
		} else {
			in.reg = in.rm
			k = pick(word, kShiftR16, kShiftR8)
		}
	case opc >= 0xE0 && opc <= 0xE2:
		k, in.op, in.imm = kLoop, opc&3, uint16(int8(in.imm))
	case opc == 0xE3:
		k, in.imm = kJcxz, uint16(int8(in.imm))
	case opc == 0xCD:
		k = kInt
	case opc == 0xCF:
		k = kIret
	case opc == 0xE8:
		k = kCall
	case opc == 0xE9:
		k = kJmp
	case opc == 0xEB:
		k, in.imm = kJmp, uint16(int8(in.imm))
	case opc == 0xF5, opc >= 0xF8 && opc <= 0xFA, opc == 0xFC, opc == 0xFD:
		k = kFlagOp
	case (opc == 0xF6 || opc == 0xF7) && in.reg < 2: // group 3 TEST rm, imm (/1 an undocumented alias)
		if opc == 0xF6 {
			in.imm &= 0xFF
		}
		if mem {
			k = pick(opc == 0xF7, kTestMI16, kTestMI8)
		} else {
			in.reg = in.rm
			k = pick(opc == 0xF7, kTestRI16, kTestRI8)
		}
	case (opc == 0xF6 || opc == 0xF7) && (in.reg == 4 || in.reg == 5): // MUL, IMUL
		k, in.op = pick(opc == 0xF7, kMul16, kMul8), in.reg
	case opc == 0xFE && in.reg < 2:
		in.op = in.reg
		if mem {
			k = kIncDecM8
		} else {
			k, in.reg = kIncDecR8, in.rm
		}
	case opc == 0xFF:
		switch in.reg {
		case 0, 1:
			in.op = in.reg
			if mem {
				k = kIncDecM16
			} else {
				k, in.reg = kIncDecR16, in.rm
			}
		case 2:
			k = pick(mem, kCallM, kCallR)
		case 4:
			k = pick(mem, kJmpM, kJmpR)
		case 6:
			if mem {
				k = kPushM
			} else {
				k, in.reg = kPushR, in.rm
			}
		}
	}
	in.kind = specialise(k, in)
}

// aluKind16 gives the word ALU operations other than ADC and SBB a kind
// each, from ADD (op 0) to CMP (op 7), for kAluRR16 and kAluRI16.
var aluKind16 = [2][8]uint8{
	{kAddRR16, kOrRR16, kAluRR16, kAluRR16, kAndRR16, kSubRR16, kXorRR16, kCmpRR16},
	{kAddRI16, kOrRI16, kAluRI16, kAluRI16, kAndRI16, kSubRI16, kXorRI16, kCmpRI16},
}

// specialise turns a general kind into a narrower one where exec.go has
// one: the word ALU register forms by operation, SHL r16 by 1, a JMP to
// the next instruction.
func specialise(k uint8, in *inst) uint8 {
	switch {
	case k == kAluRR16:
		return aluKind16[0][in.op&7]
	case k == kAluRI16:
		return aluKind16[1][in.op&7]
	case k == kShiftR16 && in.op == 4 && in.imm == 1:
		return kShl1R16
	case k == kJmp && in.imm == 0:
		// JMP $+2 (a delay between port accesses, or a prefetch
		// flush after a code patch: pcemu has no prefetch queue, and a
		// write into a block's bytes ends it) goes on like a NOP.
		return kNop
	}
	return k
}

// Flag liveness (DOSBox's dynamic core and QEMU do the same): within a
// block, an instruction whose arithmetic flags the next flag-writing
// instruction overwrites before anything reads them runs without making
// them (an NF kind). Whatever may observe FLAGS counts as a reader: Jcc,
// ADC/SBB, INC/DEC (CF), the general shifts, the opcode map, the end of
// the block, and on the 80286 every memory or stack access (it may fault,
// and the fault pushes FLAGS). A block cut short (single step, the end of
// a Run) runs the flag-making kinds again (withFlags).

// noFlags maps a kind to its NF kind.
var noFlags = map[uint8]uint8{
	kAddRR16: kAddRR16NF, kOrRR16: kOrRR16NF, kAndRR16: kAndRR16NF, kSubRR16: kSubRR16NF, kXorRR16: kXorRR16NF, kCmpRR16: kCmpRR16NF,
	kAddRI16: kAddRI16NF, kOrRI16: kOrRI16NF, kAndRI16: kAndRI16NF, kSubRI16: kSubRI16NF, kXorRI16: kXorRI16NF, kCmpRI16: kCmpRI16NF,
	kShl1R16: kShl1R16NF,
}

// flagKinds undoes noFlags.
var flagKinds = func() map[uint8]uint8 {
	m := map[uint8]uint8{}
	for k, nf := range noFlags {
		m[nf] = k
	}
	return m
}()

// writesFlags reports whether kind k sets all six arithmetic flags
// without reading any (TEST, the logic and add/sub forms, SHL by 1).
func writesFlags(in *inst) bool {
	switch k := in.kind; {
	case k >= kAddRR16 && k <= kCmpRR16, k >= kAddRI16 && k <= kCmpRI16, k == kShl1R16:
		return true
	case k >= kTestRR8 && k <= kTestMI16:
		return true
	}
	return false
}

// neutral reports whether in leaves the flags alone and no one can
// observe them while it runs: register moves, LEA, XCHG, CBW/CWD, NOP.
// Memory and stack accesses are not: they may fault (the 286) or leave
// the block early (a slow path, a write into the block), and an
// interrupt taken there pushes FLAGS.
func neutral(in *inst) bool {
	switch in.kind {
	case kMovRR8, kMovRR16, kMovRI8, kMovRI16, kLea, kXchgAX, kCbw, kCwd, kNop:
		return true
	}
	return false
}

// liveFlags turns the flag-making kinds of a decoded block into NF kinds
// where their flags are dead.
func liveFlags(code []inst) {
	live := true // at the end of the block
	for i := len(code) - 1; i >= 0; i-- {
		in := &code[i]
		switch {
		case writesFlags(in):
			if nf, ok := noFlags[in.kind]; ok && !live {
				in.kind = nf
			}
			live = false
		case neutral(in):
		default:
			live = true
		}
	}
}

// withFlags is the kind of in that makes its flags, and that runs it
// alone when it leads a fused run.
func withFlags(in *inst) uint8 {
	if k, ok := flagKinds[in.kind]; ok {
		return k
	}
	if in.kind == kPushRun || in.kind == kPopRun {
		return in.alone
	}
	return in.kind
}

// Fused stack runs: compiled code saves and restores registers in runs
// of PUSH and POP (a C function's prologue and epilogue; FreeDOS's
// intr() pushes seven and pops eight). A run of two or more runs as one
// instruction of the block, its lead's kind turned into kPushRun or
// kPopRun with the run's length in op: one check that the whole run lies
// in plain RAM, within the segment and outside the block's bytes, then
// each element's transfer; where the check fails, the lead runs alone
// (alone) and the rest follow as decoded. The instructions of the run
// stay in the block unchanged (runBlock steps over them), so a block cut
// short (shortBlock) runs them one by one. PUSH SP and POP SP (whose
// value depends on the push itself) and POP SS (which ends the block)
// are not fused. TestStackRunsMatchStepping checks the fused runs
// against single steps.

// wordRegs is the CPU's 16-bit registers as one array: Regs (0-7),
// eaZero (8), Segs (segWord + ES..DS), which lie in this order in CPU
// (TestEAZeroAfterRegs), and beyond them whatever CPU holds next (as ea's
// view, 16 words that lie in CPU); a fused run's elements hold their
// index in idx.
func (c *CPU) wordRegs() *[16]uint16 {
	return (*[16]uint16)(unsafe.Pointer(&c.Regs))
}

const segWord = 9

// stackRunKind says whether in can be part of a fused run: +1 a push, -1
// a pop, 0 neither.
func stackRunKind(in *inst) int {
	switch {
	case in.kind == kPushR && in.reg != SP, in.kind == kPushS:
		return 1
	case in.kind == kPopR && in.reg != SP, in.kind == kPopS && in.reg != SS:
		return -1
	}
	return 0
}

// fuse marks the runs of pushes and of pops in a decoded block.
func fuse(code []inst) {
	for i := 0; i < len(code); {
		d := stackRunKind(&code[i])
		j := i + 1
		for d != 0 && j < len(code) && stackRunKind(&code[j]) == d {
			j++
		}
		if j-i >= 2 {
			for k := i; k < j; k++ { // where each element's register lies in wordRegs
				code[k].idx = code[k].reg & 7
				if code[k].kind == kPushS || code[k].kind == kPopS {
					code[k].idx = segWord + code[k].reg&3
				}
			}
			in := &code[i]
			in.alone, in.op = in.kind, uint8(j-i)
			in.kind = pick(d > 0, kPushRun, kPopRun)
		}
		i = j
	}
}

func pick(cond bool, a, b uint8) uint8 {
	if cond {
		return a
	}
	return b
}
