// Package disasm decodes 8086, 80186 and 80286 machine code into Intel
// syntax, one instruction at a time, for the monitor, traces and the gdb
// stub. It decodes as the cpu package executes: per model, with the
// undocumented forms the 8086 runs (60h-6Fh as Jcc, C0h/C1h/C8h/C9h as
// RET/RETF, 0Fh as POP CS, SETMO, FE/FF and 8C/8E/8F/C6/C7 with unused reg
// fields, SALC, F1h as LOCK) and the invalid opcodes the 80186 and 80286
// refuse with interrupt 6. The cpu package does not import this one.
//
// The files follow the opcode map:
//
//	disasm.go  the API: Decode, Inst, Arg, what an instruction reads and writes
//	opmap.go   the one-byte opcode map and the groups (Intel 8086 Family
//	           User's Manual, Table 4-12; 80286 PRM, Appendix A)
//	models.go  what differs by model: 8086 aliases, 80186 additions, 80286
//	           two-byte opcodes and invalid encodings
//	x87.go     ESC (D8h-DFh) as the 8087/80287 define it
//	format.go  Intel syntax text and the segment:offset listing line
//
// The text follows GNU objdump's Intel dialect (lowercase mnemonics, 0x
// hex, explicit BYTE/WORD PTR) except where it says less or says it the
// way Intel's manuals do: string instructions are written movsw, lodsb, ...
// with an overriding segment as a prefix word (cs movsw), direct addresses
// as [0x100], near branch targets as offsets in the code segment. The
// objdump cross-check (objdump_test.go) lists every difference.
package disasm

import (
	"errors"

	"pcemu/cpu"
)

// MaxPrefixes is the longest run of prefix bytes one instruction takes,
// as in the cpu package's run loop: the 8086 accepts any number, the
// interpreter bounds a run so that memory full of prefixes cannot hang it
// and starts a new instruction after the 64th.
const MaxPrefixes = 63

// ErrTruncated is returned when the bytes end inside an instruction.
var ErrTruncated = errors.New("disasm: the instruction runs past the end of the bytes given")

// Flow says where execution goes after an instruction.
type Flow uint8

const (
	FlowNext      Flow = iota // to the next instruction
	FlowJump                  // JMP: to Target (near, far) or an address read at run time
	FlowBranch                // Jcc, LOOP, LOOPcc, JCXZ: to Target or the next instruction
	FlowCall                  // CALL: to Target or an address read at run time; returns after it
	FlowReturn                // RET, RETF
	FlowIRet                  // IRET
	FlowInterrupt             // INT n, INT3; INTO and BOUND when their condition holds
	FlowHalt                  // HLT: waits for an interrupt
)

// Fault is the exception a model raises instead of executing an encoding
// in real mode.
type Fault uint8

const (
	NoFault       Fault = 0
	InvalidOpcode Fault = 6  // #UD: an undefined encoding (80186, 80286), or one the 80286 knows only in protected mode
	TooLong       Fault = 13 // the 80286 refuses instructions longer than 10 bytes (80286 PRM, 10.6)
)

// RegSet is a set of registers: bit r for general register r in ModRM
// order (cpu.AX .. cpu.DI; a byte register counts as its word register),
// RegES+s for segment register s, and RegFlags.
type RegSet uint16

const (
	RegES    RegSet = 1 << (8 + cpu.ES)
	RegCS    RegSet = 1 << (8 + cpu.CS)
	RegSS    RegSet = 1 << (8 + cpu.SS)
	RegDS    RegSet = 1 << (8 + cpu.DS)
	RegFlags RegSet = 1 << 12
)

// Reg returns the set holding general register r (cpu.AX .. cpu.DI).
func Reg(r int) RegSet { return 1 << (r & 7) }

// SegReg returns the set holding segment register s (cpu.ES .. cpu.DS).
func SegReg(s int) RegSet { return 1 << (8 + s&3) }

const (
	rAX = RegSet(1 << cpu.AX)
	rCX = RegSet(1 << cpu.CX)
	rDX = RegSet(1 << cpu.DX)
	rBX = RegSet(1 << cpu.BX)
	rSP = RegSet(1 << cpu.SP)
	rBP = RegSet(1 << cpu.BP)
	rSI = RegSet(1 << cpu.SI)
	rDI = RegSet(1 << cpu.DI)
	rFl = RegFlags
)

// ArgKind is what an operand is.
type ArgKind uint8

const (
	ArgNone  ArgKind = iota
	ArgReg           // general register Reg (Size 1: AL CL DL BL AH CH DH BH; Size 2: AX .. DI)
	ArgSeg           // segment register Reg (cpu.ES .. cpu.DS)
	ArgMem           // memory at Seg:EA (Size bytes; 0 when the instruction takes an address, not data)
	ArgImm           // immediate Imm (a sign-extended byte is already extended)
	ArgRel           // near branch target: Imm is the offset in the code segment
	ArgFar           // ptr16:16 operand: FarSeg:Imm
	ArgST            // x87 stack register ST(Reg)
	ArgConst         // the constant Imm written in the opcode (shift by 1)
)

// EADirect is Arg.EA for a direct address (mod 00, rm 110): Disp alone.
const EADirect = 8

// Access says how an instruction uses an operand.
type Access uint8

const (
	Read  Access = 1 << iota // the operand's value is read
	Write                    // the operand is written
)

// Arg is one operand.
type Arg struct {
	Kind   ArgKind
	Size   uint8  // bytes: 1, 2, 4 (far pointer, short real), 6 (descriptor table register), 8, 10
	Reg    uint8  // ArgReg, ArgSeg, ArgST: the register number
	Seg    uint8  // ArgMem: the segment register the access uses (an override, or DS/SS by EA)
	EA     uint8  // ArgMem: the ModRM rm field (Intel 8086 manual, Table 4-10), or EADirect
	Disp   uint16 // ArgMem: displacement (sign-extended when it was a byte)
	Imm    uint16 // ArgImm, ArgConst: value; ArgRel, ArgFar: target offset
	FarSeg uint16 // ArgFar: target segment
	Access Access

	dispSize   uint8 // ArgMem: displacement bytes in the encoding (0, 1, 2)
	overridden bool  // ArgMem: Seg comes from a segment prefix
	moffs      bool  // ArgMem: the direct offset of A0h-A3h (written without a size)
	lastEA     bool  // ArgReg: a register where the instruction needs memory (the 8086 takes the last EA)
	far        bool  // ArgReg with lastEA: the far pointer of CALL/JMP FAR, written "far ax"
	top        bool  // ArgST: the implicit ST of a two-operand form (written "st")
}

// Effective-address registers by rm (Intel 8086 manual, Table 4-10).
var (
	eaBase   = [8]int8{cpu.BX, cpu.BX, cpu.BP, cpu.BP, cpu.SI, cpu.DI, cpu.BP, cpu.BX}
	eaIndex  = [8]int8{cpu.SI, cpu.DI, cpu.SI, cpu.DI, -1, -1, -1, -1}
	eaNeedSS = [8]bool{2: true, 3: true, 6: true}
)

// Offset returns the offset a memory operand addresses with the general
// registers regs (in cpu.CPU.Regs order).
func (a *Arg) Offset(regs *[8]uint16) uint16 {
	if a.EA >= EADirect {
		return a.Disp
	}
	off := regs[eaBase[a.EA]] + a.Disp
	if i := eaIndex[a.EA]; i >= 0 {
		off += regs[i]
	}
	return off
}

// addrRegs is the set of registers a memory operand's address is made of.
func (a *Arg) addrRegs() RegSet {
	s := SegReg(int(a.Seg))
	if a.EA < EADirect {
		s |= Reg(int(eaBase[a.EA]))
		if i := eaIndex[a.EA]; i >= 0 {
			s |= Reg(int(i))
		}
	}
	return s
}

// Inst is one decoded instruction.
type Inst struct {
	IP    uint16 // offset of its first byte (the first prefix) in the code segment
	Len   int    // bytes, prefixes included
	Bytes []byte // the instruction's bytes: a slice of the code passed to Decode

	Mnemonic string // "mov", "rep" is a prefix (see Rep); "(bad)" for an undefined encoding
	Args     [3]Arg
	NArgs    int

	Prefixes int   // number of prefix bytes at the start of Bytes
	Seg      int   // segment override in effect (the last segment prefix), or -1
	Rep      uint8 // the last REP prefix: 0, 0xF2 (REPNE) or 0xF3 (REP/REPE)
	Lock     bool  // a LOCK prefix (F0h, or its alias F1h)

	Flow   Flow
	Reads  RegSet // registers and FLAGS the instruction reads (operands, addresses, implicit uses)
	Writes RegSet // registers and FLAGS it may write

	Undocumented bool  // an encoding Intel does not document for the model, executed as the cpu package does
	Fault        Fault // the exception the model raises instead of executing it, or NoFault

	str    bool // string instruction or XLAT: implicit operands
	srcSeg bool // ... with a source segment (DS:SI, DS:BX) a prefix overrides
	x87    bool // ESC
}

// Target returns where a direct jump, call or branch goes (segment and
// offset; the segment is cs for near targets), and false for every other
// instruction.
func (i *Inst) Target(cs uint16) (seg, off uint16, ok bool) {
	if i.NArgs == 0 || i.Flow == FlowNext {
		return 0, 0, false
	}
	switch a := &i.Args[0]; a.Kind {
	case ArgRel:
		return cs, a.Imm, true
	case ArgFar:
		return a.FarSeg, a.Imm, true
	}
	return 0, 0, false
}

// Next returns the offset of the instruction after this one.
func (i *Inst) Next() uint16 { return i.IP + uint16(i.Len) }

// Mem returns the instruction's explicit memory operand, or nil.
func (i *Inst) Mem() *Arg {
	for k := 0; k < i.NArgs; k++ {
		if i.Args[k].Kind == ArgMem {
			return &i.Args[k]
		}
	}
	return nil
}
