package disasm

import (
	"fmt"
	"strings"
)

// The one-byte opcode map as the 8086 defines it (Intel 8086 Family User's
// Manual, Table 4-12), with the operand codes of Intel's opcode maps
// (80286 PRM, Appendix A):
//
//	Eb Ew   ModRM r/m: register or memory, byte or word
//	Gb Gw   ModRM reg: general register
//	Sw      ModRM reg: segment register
//	M Mp Ma Ms  ModRM memory only: an address (LEA), a far pointer, a pair
//	        of bounds (BOUND), a descriptor table register image (LGDT)
//	Ib Iw   immediate; Is an immediate byte sign-extended to a word
//	Jb Jw   relative branch target
//	Ap      far pointer ptr16:16 in the instruction
//	Ob Ow   direct offset (MOV AL/AX with memory)
//	Zb Zw   register in the low three bits of the opcode
//	AL CL AX DX ES CS SS DS 1   that register, or the constant
//
// The rows the models change (0Fh, 60h-6Fh, C0h/C1h, C8h/C9h, the reg
// fields of the groups the 8086 does not check) are in models.go.

// spec is an operand code.
type spec uint8

const (
	sNone spec = iota
	sEb
	sEw
	sGb
	sGw
	sSw
	sM
	sMp
	sMa
	sMs
	sIb
	sIw
	sIs
	sJb
	sJw
	sAp
	sOb
	sOw
	sZb
	sZw
	sAL
	sCL
	sAX
	sDX
	sES
	sCS
	sSS
	sDS
	s1
)

var specNames = map[string]spec{
	"Eb": sEb, "Ew": sEw, "Gb": sGb, "Gw": sGw, "Sw": sSw, "M": sM, "Mp": sMp, "Ma": sMa, "Ms": sMs,
	"Ib": sIb, "Iw": sIw, "Is": sIs, "Jb": sJb, "Jw": sJw, "Ap": sAp, "Ob": sOb, "Ow": sOw,
	"Zb": sZb, "Zw": sZw, "AL": sAL, "CL": sCL, "AX": sAX, "DX": sDX,
	"ES": sES, "CS": sCS, "SS": sSS, "DS": sDS, "1": s1,
}

// modrm reports whether an operand code is taken from a ModRM byte.
func (s spec) modrm() bool { return s >= sEb && s <= sMs }

// use says how an instruction uses its first operand; the others are read.
type use uint8

const (
	useR    use = iota // read only (CMP, TEST, PUSH, OUT, JMP ...)
	useW               // written only (MOV, POP, LEA, IN ...)
	useRW              // read and written (ADD, INC, shifts ...)
	useXchg            // both operands read and written (XCHG)
)

// form is one entry of the opcode map.
type form struct {
	mn    string
	args  string // operand codes, "Eb,Gb"
	use   use
	flow  Flow
	ir    RegSet // implicit registers read (FLAGS included)
	iw    RegSet // implicit registers written
	str   bool   // string instruction (implicit DS:SI / ES:DI operands)
	undoc bool   // not documented for the model
	ud    bool   // invalid opcode (#UD) on the model
	grp   *[8]form
	x87   bool

	spec [3]spec // args, parsed at init
	n    int
}

func (f *form) parse() {
	if f.args == "" || f.n > 0 {
		return
	}
	for i, a := range strings.Split(f.args, ",") {
		s, ok := specNames[a]
		if !ok || i >= len(f.spec) {
			panic(fmt.Sprintf("disasm: operand code %q of %s", a, f.mn))
		}
		f.spec[i] = s
		f.n = i + 1
	}
}

// needsModRM reports whether the form takes a ModRM byte.
func (f *form) needsModRM() bool {
	if f.grp != nil || f.x87 {
		return true
	}
	for _, s := range f.spec[:f.n] {
		if s.modrm() {
			return true
		}
	}
	return false
}

// Implicit register groups.
const (
	stack = rSP // PUSH/POP: SP read and written (the SS segment is named with it)
	fl    = rFl // FLAGS
	movsR = rSI | rDI | RegDS | RegES | fl
	movsW = rSI | rDI
)

var bad = form{mn: "(bad)", ud: true}

// ALU forms, rows 00h-3Fh: op Eb,Gb / Ew,Gw / Gb,Eb / Gw,Ew / AL,Ib / AX,Iw.
func alu(mn string, ir RegSet) [6]form {
	u := useRW
	if mn == "cmp" {
		u = useR
	}
	var r [6]form
	for i, a := range []string{"Eb,Gb", "Ew,Gw", "Gb,Eb", "Gw,Ew", "AL,Ib", "AX,Iw"} {
		r[i] = form{mn: mn, args: a, use: u, ir: ir, iw: fl}
	}
	return r
}

var (
	grp1 = [8]form{
		{mn: "add", use: useRW, iw: fl}, {mn: "or", use: useRW, iw: fl},
		{mn: "adc", use: useRW, ir: fl, iw: fl}, {mn: "sbb", use: useRW, ir: fl, iw: fl},
		{mn: "and", use: useRW, iw: fl}, {mn: "sub", use: useRW, iw: fl},
		{mn: "xor", use: useRW, iw: fl}, {mn: "cmp", iw: fl},
	}
	// Group 2 (rotates and shifts). RCL/RCR take CF in; a count of zero
	// leaves FLAGS as they were, so every form may also keep them.
	grp2 = [8]form{
		{mn: "rol", use: useRW, iw: fl}, {mn: "ror", use: useRW, iw: fl},
		{mn: "rcl", use: useRW, ir: fl, iw: fl}, {mn: "rcr", use: useRW, ir: fl, iw: fl},
		{mn: "shl", use: useRW, iw: fl}, {mn: "shr", use: useRW, iw: fl},
		{mn: "shl", use: useRW, iw: fl, undoc: true}, // 80186+: SHL; the 8086's SETMO is in models.go
		{mn: "sar", use: useRW, iw: fl},
	}
	grp3b = [8]form{
		{mn: "test", args: "Eb,Ib", iw: fl}, {mn: "test", args: "Eb,Ib", iw: fl, undoc: true},
		{mn: "not", args: "Eb", use: useRW}, {mn: "neg", args: "Eb", use: useRW, iw: fl},
		{mn: "mul", args: "Eb", ir: rAX, iw: rAX | fl}, {mn: "imul", args: "Eb", ir: rAX, iw: rAX | fl},
		{mn: "div", args: "Eb", ir: rAX, iw: rAX | fl}, {mn: "idiv", args: "Eb", ir: rAX, iw: rAX | fl},
	}
	grp3w = [8]form{
		{mn: "test", args: "Ew,Iw", iw: fl}, {mn: "test", args: "Ew,Iw", iw: fl, undoc: true},
		{mn: "not", args: "Ew", use: useRW}, {mn: "neg", args: "Ew", use: useRW, iw: fl},
		{mn: "mul", args: "Ew", ir: rAX, iw: rAX | rDX | fl}, {mn: "imul", args: "Ew", ir: rAX, iw: rAX | rDX | fl},
		{mn: "div", args: "Ew", ir: rAX | rDX, iw: rAX | rDX | fl}, {mn: "idiv", args: "Ew", ir: rAX | rDX, iw: rAX | rDX | fl},
	}
	// Group 4 (FE): INC/DEC rm8; the rest differs by model (models.go).
	grp4 = [8]form{
		{mn: "inc", args: "Eb", use: useRW, iw: fl}, {mn: "dec", args: "Eb", use: useRW, iw: fl},
		bad, bad, bad, bad, bad, bad,
	}
	// Group 5 (FF). /7 is an undocumented alias of PUSH that every model
	// in the cpu package executes.
	grp5 = [8]form{
		{mn: "inc", args: "Ew", use: useRW, iw: fl},
		{mn: "dec", args: "Ew", use: useRW, iw: fl},
		{mn: "call", args: "Ew", flow: FlowCall, ir: stack, iw: stack},
		{mn: "call", args: "Mp", flow: FlowCall, ir: stack | RegCS, iw: stack | RegCS},
		{mn: "jmp", args: "Ew", flow: FlowJump},
		{mn: "jmp", args: "Mp", flow: FlowJump, iw: RegCS},
		{mn: "push", args: "Ew", ir: stack, iw: stack},
		{mn: "push", args: "Ew", ir: stack, iw: stack, undoc: true},
	}
)

var jcc = [16]string{"jo", "jno", "jb", "jae", "je", "jne", "jbe", "ja", "js", "jns", "jp", "jnp", "jl", "jge", "jle", "jg"}

// opmap is the 8086's one-byte map with the rows every model shares.
var opmap [256]form

func init() {
	rows := []struct {
		mn string
		ir RegSet
	}{{"add", 0}, {"or", 0}, {"adc", fl}, {"sbb", fl}, {"and", 0}, {"sub", 0}, {"xor", 0}, {"cmp", 0}}
	for i, r := range rows {
		for j, f := range alu(r.mn, r.ir) {
			opmap[i<<3+j] = f
		}
	}
	seg := []string{"ES", "CS", "SS", "DS"}
	for s := 0; s < 4; s++ {
		sr := SegReg(s)
		opmap[s<<3+6] = form{mn: "push", args: seg[s], ir: stack, iw: stack}
		opmap[s<<3+7] = form{mn: "pop", args: seg[s], use: useW, ir: stack, iw: stack | sr}
		opmap[s<<3+0x26] = form{mn: "seg"} // prefixes are taken before the map
	}
	opmap[0x0F] = bad // POP CS on the 8086, two-byte opcodes on the 80286: models.go
	adj := map[int]string{0x27: "daa", 0x2F: "das", 0x37: "aaa", 0x3F: "aas"}
	for o, mn := range adj {
		opmap[o] = form{mn: mn, ir: rAX | fl, iw: rAX | fl}
	}
	for r := 0; r < 8; r++ {
		opmap[0x40+r] = form{mn: "inc", args: "Zw", use: useRW, iw: fl}
		opmap[0x48+r] = form{mn: "dec", args: "Zw", use: useRW, iw: fl}
		opmap[0x50+r] = form{mn: "push", args: "Zw", ir: stack, iw: stack}
		opmap[0x58+r] = form{mn: "pop", args: "Zw", use: useW, ir: stack, iw: stack}
		opmap[0xB0+r] = form{mn: "mov", args: "Zb,Ib", use: useW}
		opmap[0xB8+r] = form{mn: "mov", args: "Zw,Iw", use: useW}
		if r > 0 {
			opmap[0x90+r] = form{mn: "xchg", args: "Zw,AX", use: useXchg}
		}
	}
	for c := 0; c < 16; c++ {
		opmap[0x60+c] = bad // 8086: Jcc aliases; 80186: PUSHA ... (models.go)
		opmap[0x70+c] = form{mn: jcc[c], args: "Jb", flow: FlowBranch, ir: fl}
	}
	for o, f := range map[int]form{
		0x80: {mn: "grp1", args: "Eb,Ib", grp: &grp1},
		0x81: {mn: "grp1", args: "Ew,Iw", grp: &grp1},
		0x82: {mn: "grp1", args: "Eb,Ib", grp: &grp1, undoc: true}, // an alias of 80h
		0x83: {mn: "grp1", args: "Ew,Is", grp: &grp1},
		0x84: {mn: "test", args: "Eb,Gb", iw: fl},
		0x85: {mn: "test", args: "Ew,Gw", iw: fl},
		0x86: {mn: "xchg", args: "Eb,Gb", use: useXchg},
		0x87: {mn: "xchg", args: "Ew,Gw", use: useXchg},
		0x88: {mn: "mov", args: "Eb,Gb", use: useW},
		0x89: {mn: "mov", args: "Ew,Gw", use: useW},
		0x8A: {mn: "mov", args: "Gb,Eb", use: useW},
		0x8B: {mn: "mov", args: "Gw,Ew", use: useW},
		0x8C: {mn: "mov", args: "Ew,Sw", use: useW},
		0x8D: {mn: "lea", args: "Gw,M", use: useW},
		0x8E: {mn: "mov", args: "Sw,Ew", use: useW},
		0x8F: {mn: "pop", args: "Ew", use: useW, ir: stack, iw: stack},
		0x90: {mn: "nop"},
		0x98: {mn: "cbw", ir: rAX, iw: rAX},
		0x99: {mn: "cwd", ir: rAX, iw: rDX},
		0x9A: {mn: "call", args: "Ap", flow: FlowCall, ir: stack | RegCS, iw: stack | RegCS},
		0x9B: {mn: "fwait"},
		0x9C: {mn: "pushf", ir: stack | fl, iw: stack},
		0x9D: {mn: "popf", ir: stack, iw: stack | fl},
		0x9E: {mn: "sahf", ir: rAX | fl, iw: fl},
		0x9F: {mn: "lahf", ir: rAX | fl, iw: rAX},
		0xA0: {mn: "mov", args: "AL,Ob", use: useW},
		0xA1: {mn: "mov", args: "AX,Ow", use: useW},
		0xA2: {mn: "mov", args: "Ob,AL", use: useW},
		0xA3: {mn: "mov", args: "Ow,AX", use: useW},
		0xA4: {mn: "movsb", str: true, ir: movsR, iw: movsW},
		0xA5: {mn: "movsw", str: true, ir: movsR, iw: movsW},
		0xA6: {mn: "cmpsb", str: true, ir: movsR, iw: movsW | fl},
		0xA7: {mn: "cmpsw", str: true, ir: movsR, iw: movsW | fl},
		0xA8: {mn: "test", args: "AL,Ib", iw: fl},
		0xA9: {mn: "test", args: "AX,Iw", iw: fl},
		0xAA: {mn: "stosb", str: true, ir: rAX | rDI | RegES | fl, iw: rDI},
		0xAB: {mn: "stosw", str: true, ir: rAX | rDI | RegES | fl, iw: rDI},
		0xAC: {mn: "lodsb", str: true, ir: rSI | RegDS | fl, iw: rAX | rSI},
		0xAD: {mn: "lodsw", str: true, ir: rSI | RegDS | fl, iw: rAX | rSI},
		0xAE: {mn: "scasb", str: true, ir: rAX | rDI | RegES | fl, iw: rDI | fl},
		0xAF: {mn: "scasw", str: true, ir: rAX | rDI | RegES | fl, iw: rDI | fl},
		0xC2: {mn: "ret", args: "Iw", flow: FlowReturn, ir: stack, iw: stack},
		0xC3: {mn: "ret", flow: FlowReturn, ir: stack, iw: stack},
		0xC4: {mn: "les", args: "Gw,Mp", use: useW, iw: RegES},
		0xC5: {mn: "lds", args: "Gw,Mp", use: useW, iw: RegDS},
		0xC6: {mn: "mov", args: "Eb,Ib", use: useW},
		0xC7: {mn: "mov", args: "Ew,Iw", use: useW},
		0xCA: {mn: "retf", args: "Iw", flow: FlowReturn, ir: stack, iw: stack | RegCS},
		0xCB: {mn: "retf", flow: FlowReturn, ir: stack, iw: stack | RegCS},
		0xCC: {mn: "int3", flow: FlowInterrupt, ir: stack | fl | RegCS, iw: stack | fl | RegCS},
		0xCD: {mn: "int", args: "Ib", flow: FlowInterrupt, ir: stack | fl | RegCS, iw: stack | fl | RegCS},
		0xCE: {mn: "into", flow: FlowInterrupt, ir: stack | fl | RegCS, iw: stack | fl | RegCS},
		0xCF: {mn: "iret", flow: FlowIRet, ir: stack, iw: stack | fl | RegCS},
		0xD0: {mn: "grp2", args: "Eb,1", grp: &grp2},
		0xD1: {mn: "grp2", args: "Ew,1", grp: &grp2},
		0xD2: {mn: "grp2", args: "Eb,CL", grp: &grp2},
		0xD3: {mn: "grp2", args: "Ew,CL", grp: &grp2},
		0xD4: {mn: "aam", args: "Ib", ir: rAX, iw: rAX | fl},
		0xD5: {mn: "aad", args: "Ib", ir: rAX, iw: rAX | fl},
		0xD6: {mn: "salc", ir: fl, iw: rAX, undoc: true}, // AL = CF ? FFh : 00h
		0xD7: {mn: "xlat", str: true, ir: rAX | rBX | RegDS, iw: rAX},
		0xE0: {mn: "loopne", args: "Jb", flow: FlowBranch, ir: rCX | fl, iw: rCX},
		0xE1: {mn: "loope", args: "Jb", flow: FlowBranch, ir: rCX | fl, iw: rCX},
		0xE2: {mn: "loop", args: "Jb", flow: FlowBranch, ir: rCX, iw: rCX},
		0xE3: {mn: "jcxz", args: "Jb", flow: FlowBranch, ir: rCX},
		0xE4: {mn: "in", args: "AL,Ib", use: useW},
		0xE5: {mn: "in", args: "AX,Ib", use: useW},
		0xE6: {mn: "out", args: "Ib,AL"},
		0xE7: {mn: "out", args: "Ib,AX"},
		0xE8: {mn: "call", args: "Jw", flow: FlowCall, ir: stack, iw: stack},
		0xE9: {mn: "jmp", args: "Jw", flow: FlowJump},
		0xEA: {mn: "jmp", args: "Ap", flow: FlowJump, iw: RegCS},
		0xEB: {mn: "jmp", args: "Jb", flow: FlowJump},
		0xEC: {mn: "in", args: "AL,DX", use: useW},
		0xED: {mn: "in", args: "AX,DX", use: useW},
		0xEE: {mn: "out", args: "DX,AL"},
		0xEF: {mn: "out", args: "DX,AX"},
		0xF4: {mn: "hlt", flow: FlowHalt},
		0xF5: {mn: "cmc", ir: fl, iw: fl},
		0xF6: {mn: "grp3", grp: &grp3b},
		0xF7: {mn: "grp3", grp: &grp3w},
		0xF8: {mn: "clc", iw: fl},
		0xF9: {mn: "stc", iw: fl},
		0xFA: {mn: "cli", iw: fl},
		0xFB: {mn: "sti", iw: fl},
		0xFC: {mn: "cld", iw: fl},
		0xFD: {mn: "std", iw: fl},
		0xFE: {mn: "grp4", grp: &grp4},
		0xFF: {mn: "grp5", grp: &grp5},
	} {
		opmap[o] = f
	}
	for o := 0xD8; o <= 0xDF; o++ {
		opmap[o] = form{mn: "esc", x87: true}
	}
	for o := range opmap {
		opmap[o].parse()
	}
	for _, g := range []*[8]form{&grp1, &grp2, &grp3b, &grp3w, &grp4, &grp5} {
		for i := range g {
			g[i].parse()
		}
	}
	initModels()
}
