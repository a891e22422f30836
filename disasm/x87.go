package disasm

import "pcemu/cpu"

// ESC (D8h-DFh): instructions for the numeric coprocessor. The CPU itself
// only computes the operand's address and goes on (the cpu package has no
// coprocessor); the text is the 8087's (8086, 80186) or the 80287's
// (80286) instruction as Intel's coprocessor manuals define it (8086
// Family User's Manual, 8087 chapter; 80286 PRM, Appendix for the 80287).
// Encodings neither defines are written "esc N,operand" with N the six-bit
// ESC code (the low three opcode bits, then the reg field), as ASM86 does.
// Later instructions (the 387's FUCOM, FSIN, FPREM1 ...) are such encodings
// here.

// x87Mem gives the memory forms by opcode (row) and reg field: mnemonic and
// operand size in bytes (0: an environment or state image, written without
// a size). An empty mnemonic is an undefined encoding.
var x87Mem = [8][8]struct {
	mn   string
	size uint8
}{
	{{"fadd", 4}, {"fmul", 4}, {"fcom", 4}, {"fcomp", 4}, {"fsub", 4}, {"fsubr", 4}, {"fdiv", 4}, {"fdivr", 4}},
	{{"fld", 4}, {}, {"fst", 4}, {"fstp", 4}, {"fldenv", 0}, {"fldcw", 2}, {"fnstenv", 0}, {"fnstcw", 2}},
	{{"fiadd", 4}, {"fimul", 4}, {"ficom", 4}, {"ficomp", 4}, {"fisub", 4}, {"fisubr", 4}, {"fidiv", 4}, {"fidivr", 4}},
	{{"fild", 4}, {}, {"fist", 4}, {"fistp", 4}, {}, {"fld", 10}, {}, {"fstp", 10}},
	{{"fadd", 8}, {"fmul", 8}, {"fcom", 8}, {"fcomp", 8}, {"fsub", 8}, {"fsubr", 8}, {"fdiv", 8}, {"fdivr", 8}},
	{{"fld", 8}, {}, {"fst", 8}, {"fstp", 8}, {"frstor", 0}, {}, {"fnsave", 0}, {"fnstsw", 2}},
	{{"fiadd", 2}, {"fimul", 2}, {"ficom", 2}, {"ficomp", 2}, {"fisub", 2}, {"fisubr", 2}, {"fidiv", 2}, {"fidivr", 2}},
	{{"fild", 2}, {}, {"fist", 2}, {"fistp", 2}, {"fbld", 10}, {"fild", 8}, {"fbstp", 10}, {"fistp", 8}},
}

// The register forms' arithmetic by reg field. D8h computes ST = ST op
// ST(i); DCh and DEh compute ST(i) = ST(i) op ST, and there the reversed
// subtraction and division come first (DC E0+i is FSUBR ST(i),ST).
var (
	x87ArithD8 = [8]string{"fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr"}
	x87ArithDC = [8]string{"fadd", "fmul", "", "", "fsubr", "fsub", "fdivr", "fdiv"}
	x87ArithDE = [8]string{"faddp", "fmulp", "", "", "fsubrp", "fsubp", "fdivrp", "fdivp"}
)

// x87D9 are the D9h register forms without an operand, E0h-FFh.
var x87D9 = [32]string{
	"fchs", "fabs", "", "", "ftst", "fxam", "", "",
	"fld1", "fldl2t", "fldl2e", "fldpi", "fldlg2", "fldln2", "fldz", "",
	"f2xm1", "fyl2x", "fptan", "fpatan", "fxtract", "", "fdecstp", "fincstp",
	"fprem", "fyl2xp1", "fsqrt", "", "frndint", "fscale", "", "",
}

// x87DB are the DBh control forms E0h-E4h. FENI and FDISI are the 8087's
// interrupt mask, FSETPM the 80287's protected-mode switch; the other
// coprocessor takes each as a no-operation, so all three decode everywhere.
var x87DB = [5]string{"fneni", "fndisi", "fnclex", "fninit", "fnsetpm"}

// x87Stores are the memory forms that write their operand.
var x87Stores = map[string]bool{"fst": true, "fstp": true, "fist": true, "fistp": true, "fbstp": true,
	"fnstcw": true, "fnstsw": true, "fnstenv": true, "fnsave": true}

func (d *decoder) x87(in *Inst, op, modrm byte, ea Arg, model cpu.Model) {
	in.x87 = true
	row, reg, rm := op&7, modrm>>3&7, modrm&7
	st := func(i uint8) Arg { return Arg{Kind: ArgST, Reg: i, Access: Read} }
	top := Arg{Kind: ArgST, top: true, Access: Read}
	set := func(mn string, args ...Arg) {
		in.Mnemonic = mn
		in.NArgs = copy(in.Args[:], args)
	}
	if ea.Kind == ArgMem {
		in.use(&ea, false)
		if m := x87Mem[row][reg]; m.mn != "" {
			ea.Size = m.size
			ea.Access = Read
			if x87Stores[m.mn] {
				ea.Access = Write
			}
			set(m.mn, ea)
			return
		}
		ea.Access = 0
		d.esc(in, row, reg, ea)
		return
	}
	i := rm
	switch row {
	case 0:
		if reg == 2 || reg == 3 {
			set(x87ArithD8[reg], st(i))
		} else {
			set(x87ArithD8[reg], top, st(i))
		}
		return
	case 1:
		switch {
		case reg == 0:
			set("fld", st(i))
			return
		case reg == 1:
			set("fxch", st(i))
			return
		case modrm == 0xD0:
			set("fnop")
			return
		case modrm >= 0xE0:
			if mn := x87D9[modrm-0xE0]; mn != "" {
				set(mn)
				return
			}
		}
	case 3:
		if modrm >= 0xE0 && modrm <= 0xE4 {
			set(x87DB[modrm-0xE0])
			return
		}
	case 4:
		if mn := x87ArithDC[reg]; mn != "" {
			set(mn, st(i), top)
			return
		}
	case 5:
		switch reg {
		case 0:
			set("ffree", st(i))
			return
		case 2:
			set("fst", st(i))
			return
		case 3:
			set("fstp", st(i))
			return
		}
	case 6:
		if modrm == 0xD9 {
			set("fcompp")
			return
		}
		if mn := x87ArithDE[reg]; mn != "" {
			set(mn, st(i), top)
			return
		}
	case 7:
		if modrm == 0xE0 && model == cpu.Model80286 { // FSTSW AX: 80287 only
			set("fnstsw", Arg{Kind: ArgReg, Reg: cpu.AX, Size: 2, Access: Write})
			in.Writes |= rAX
			return
		}
	}
	d.esc(in, row, reg, st(i))
}

// esc writes an encoding the coprocessor does not define as ESC N,operand.
func (d *decoder) esc(in *Inst, row, reg byte, a Arg) {
	a.Access = 0
	in.Mnemonic = "esc"
	in.Args[0] = Arg{Kind: ArgImm, Size: 1, Imm: uint16(row)<<3 | uint16(reg)}
	in.Args[1] = a
	in.NArgs = 2
}
