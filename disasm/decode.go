package disasm

import (
	"fmt"

	"pcemu/cpu"
)

// MaxLen is the most bytes one instruction takes: MaxPrefixes prefixes and
// the longest instruction (81h with a 16-bit displacement and immediate).
// A caller that reads code from memory fetches MaxLen bytes (fewer at the
// end of what it has) and passes them to Decode.
const MaxLen = MaxPrefixes + 6

// decoder walks the bytes of one instruction.
type decoder struct {
	code  []byte
	pos   int
	short bool // ran out of bytes
}

func (d *decoder) byte() byte {
	if d.pos >= len(d.code) {
		d.short = true
		return 0
	}
	b := d.code[d.pos]
	d.pos++
	return b
}

func (d *decoder) word() uint16 {
	lo := d.byte()
	return uint16(lo) | uint16(d.byte())<<8
}

// Decode decodes the instruction at the start of code, whose first byte is
// at offset ip in the code segment, as model executes it. The returned
// Inst's Bytes is a slice of code. It returns ErrTruncated when code ends
// inside the instruction; every other byte sequence decodes (an undefined
// encoding as "(bad)" with Fault set).
func Decode(code []byte, ip uint16, model cpu.Model) (Inst, error) {
	if model < cpu.Model8086 || model > cpu.Model80286 {
		return Inst{}, fmt.Errorf("disasm: unknown CPU model %d", model)
	}
	in := Inst{IP: ip, Seg: -1}
	d := decoder{code: code}
	var op byte
prefixes:
	for {
		op = d.byte()
		if d.short {
			return Inst{}, ErrTruncated
		}
		switch op {
		case 0x26, 0x2E, 0x36, 0x3E:
			in.Seg = int(op>>3) & 3
		case 0xF0, 0xF1: // F1h is an undocumented alias of LOCK
			in.Lock = true
			if op == 0xF1 {
				in.Undocumented = true
			}
		case 0xF2, 0xF3:
			in.Rep = op
		default:
			break prefixes
		}
		if d.pos > MaxPrefixes {
			// The run loop ends the instruction at its 64th prefix
			// (cpu/exec.go, maxPrefixes): prefixes alone, no operation.
			in.Prefixes = d.pos
			return in.finish(code, d.pos, model), nil
		}
	}
	in.Prefixes = d.pos - 1

	f := maps[model][op]
	var op2, modrm byte
	if f.mn == "0F" {
		op2 = d.byte()
		f = map0F[op2]
	}
	var ea Arg
	if f.needsModRM() {
		modrm = d.byte()
		f = refine(model, op, op2, f, modrm)
		ea = d.modrm(modrm, in.Seg)
	}
	if f.x87 {
		d.x87(&in, op, modrm, ea, model)
	} else {
		d.operands(&in, op, f, modrm, ea)
	}
	if d.short {
		return Inst{}, ErrTruncated
	}
	if f.ud {
		in.Mnemonic, in.NArgs, in.Args = "(bad)", 0, [3]Arg{}
		in.Reads, in.Writes, in.Flow = 0, 0, FlowNext
		in.Fault = InvalidOpcode
	}
	if f.undoc {
		in.Undocumented = true
	}
	if model == cpu.Model80286 && (op == 0x63 || op == 0x0F && !f.ud && !realModeOK[f.mn]) {
		in.Fault = InvalidOpcode // protected mode only (80286 PRM, 10.4)
	}
	in.str = f.str
	in.srcSeg = f.str && f.ir&RegDS != 0
	if f.str {
		in.stringRegs()
	}
	if in.Rep != 0 && !f.ud && !in.isString() {
		in.Undocumented = true // Intel defines REP only for the string instructions
	}
	// Jb/Jw targets are relative to the end of the instruction.
	for k := 0; k < in.NArgs; k++ {
		if a := &in.Args[k]; a.Kind == ArgRel {
			a.Imm += ip + uint16(d.pos)
		}
	}
	return in.finish(code, d.pos, model), nil
}

// finish sets the length and the 80286's length limit.
func (in *Inst) finish(code []byte, n int, model cpu.Model) Inst {
	in.Len = n
	in.Bytes = code[:n:n]
	if model == cpu.Model80286 && n > 10 {
		in.Fault = TooLong
	}
	return *in
}

// modrm decodes the r/m half of a ModRM byte as a memory operand, reading
// the displacement (Intel 8086 manual, Table 4-10). For mod 11 it returns
// an ArgReg with the rm register (width set by the operand code).
func (d *decoder) modrm(m byte, seg int) Arg {
	mod, rm := m>>6, m&7
	if mod == 3 {
		return Arg{Kind: ArgReg, Reg: rm}
	}
	a := Arg{Kind: ArgMem, EA: rm, Seg: cpu.DS}
	switch {
	case mod == 0 && rm == 6:
		a.EA = EADirect
		a.Disp = d.word()
		a.dispSize = 2
	case mod == 1:
		a.Disp = uint16(int8(d.byte()))
		a.dispSize = 1
	case mod == 2:
		a.Disp = d.word()
		a.dispSize = 2
	}
	if a.EA < EADirect && eaNeedSS[rm] {
		a.Seg = cpu.SS
	}
	if seg >= 0 {
		a.Seg, a.overridden = uint8(seg), true
	}
	return a
}

// operands decodes the operands of a non-ESC form and what it reads and
// writes.
func (d *decoder) operands(in *Inst, op byte, f form, modrm byte, ea Arg) {
	in.Mnemonic = f.mn
	in.Flow = f.flow
	in.Reads, in.Writes = f.ir, f.iw
	if f.ir&rSP != 0 {
		in.Reads |= RegSS // the stack is SS:SP
	}
	reg := modrm >> 3 & 7
	for k, s := range f.spec[:f.n] {
		var a Arg
		switch s {
		case sEb, sEw:
			a = ea
			a.Size = 1 + uint8(s-sEb)
		case sM, sMp, sMa, sMs:
			a = ea
			a.Size = [...]uint8{0, 4, 4, 6}[s-sM]
			if a.Kind == ArgReg {
				// The 8086's register forms of LEA, LES, LDS, CALL/JMP FAR.
				a.Size, a.lastEA = 2, true
				a.far = s == sMp && f.flow != FlowNext // written "call far ax"
			}
		case sGb, sGw:
			a = Arg{Kind: ArgReg, Reg: reg, Size: 1 + uint8(s-sGb)}
		case sSw:
			a = Arg{Kind: ArgSeg, Reg: reg & 3, Size: 2}
		case sIb:
			a = Arg{Kind: ArgImm, Size: 1, Imm: uint16(d.byte())}
		case sIw:
			a = Arg{Kind: ArgImm, Size: 2, Imm: d.word()}
		case sIs:
			a = Arg{Kind: ArgImm, Size: 2, Imm: uint16(int8(d.byte()))}
		case sJb:
			a = Arg{Kind: ArgRel, Size: 2, Imm: uint16(int8(d.byte()))}
		case sJw:
			a = Arg{Kind: ArgRel, Size: 2, Imm: d.word()}
		case sAp:
			a = Arg{Kind: ArgFar, Size: 4, Imm: d.word()}
			a.FarSeg = d.word()
		case sOb, sOw:
			a = Arg{Kind: ArgMem, Size: 1 + uint8(s-sOb), EA: EADirect, Seg: cpu.DS, Disp: d.word(), dispSize: 2, moffs: true}
			if in.Seg >= 0 {
				a.Seg, a.overridden = uint8(in.Seg), true
			}
		case sZb, sZw:
			a = Arg{Kind: ArgReg, Reg: op & 7, Size: 1 + uint8(s-sZb)}
		case sAL, sCL:
			a = Arg{Kind: ArgReg, Reg: uint8(s - sAL), Size: 1}
		case sAX:
			a = Arg{Kind: ArgReg, Reg: cpu.AX, Size: 2}
		case sDX:
			a = Arg{Kind: ArgReg, Reg: cpu.DX, Size: 2}
		case sES, sCS, sSS, sDS:
			a = Arg{Kind: ArgSeg, Reg: uint8(s - sES), Size: 2}
		case s1:
			a = Arg{Kind: ArgConst, Imm: 1, Size: 1}
		}
		if a.Kind == ArgReg && a.Size == 0 {
			a.Size = 2
		}
		a.Access = Read
		switch {
		case f.use == useXchg && k < 2, f.use == useRW && k == 0:
			a.Access = Read | Write
		case f.use == useW && k == 0:
			a.Access = Write
		}
		if s == sM {
			a.Access = 0 // LEA takes the address, not the data
		}
		in.Args[k] = a
		in.use(&a, s == sM)
	}
	in.NArgs = f.n
}

// use adds an operand's registers to Reads and Writes.
func (in *Inst) use(a *Arg, addrOnly bool) {
	var s RegSet
	switch a.Kind {
	case ArgReg:
		r := int(a.Reg)
		if a.Size == 1 {
			r &= 3
		}
		s = Reg(r)
	case ArgSeg:
		s = SegReg(int(a.Reg))
	case ArgMem:
		as := a.addrRegs()
		if addrOnly {
			as &^= SegReg(int(a.Seg))
		}
		in.Reads |= as
		return
	default:
		return
	}
	if a.Access&Read != 0 {
		in.Reads |= s
	}
	if a.Access&Write != 0 {
		in.Writes |= s
	}
}

// stringRegs completes Reads and Writes of a string instruction: a
// segment override replaces DS as the source segment (the destination
// ES:DI cannot be overridden), and REP counts CX down (Intel 8086 manual,
// 2-44).
func (in *Inst) stringRegs() {
	if in.Seg >= 0 && in.Reads&RegDS != 0 {
		in.Reads = in.Reads&^RegDS | SegReg(in.Seg)
	}
	if in.Rep != 0 && in.isString() {
		in.Reads |= rCX
		in.Writes |= rCX
	}
}

// isString reports whether the instruction is one of the string
// instructions REP repeats (XLAT has an implicit operand but is not one).
func (in *Inst) isString() bool { return in.str && in.Mnemonic != "xlat" }
