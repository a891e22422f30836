package disasm

import "pcemu/cpu"

// What differs by model, as the cpu package executes it (cpu/exec.go,
// ext186.go, ext286.go, shift.go): one opcode map per model, made from
// opmap by the rows below, and the reg and mod fields each model checks
// (refine).

var maps [3][256]form

// map0F is the 80286's second opcode byte after 0Fh (80286 PRM, Appendix
// A). The descriptor-table and access-rights instructions work only in
// protected mode; in real mode the 80286 refuses them with interrupt 6
// (80286 PRM, 10.4), as the cpu package does.
var map0F [256]form

var (
	grp6 = [8]form{ // 0F 00
		{mn: "sldt", args: "Ew", use: useW}, {mn: "str", args: "Ew", use: useW},
		{mn: "lldt", args: "Ew"}, {mn: "ltr", args: "Ew"},
		{mn: "verr", args: "Ew", iw: fl}, {mn: "verw", args: "Ew", iw: fl},
		bad, bad,
	}
	grp7 = [8]form{ // 0F 01
		{mn: "sgdt", args: "Ms", use: useW}, {mn: "sidt", args: "Ms", use: useW},
		{mn: "lgdt", args: "Ms"}, {mn: "lidt", args: "Ms"},
		{mn: "smsw", args: "Ew", use: useW}, bad,
		{mn: "lmsw", args: "Ew"}, bad,
	}
	// grp4on8086 is FE on the 8086: /2-/7 run as the FF forms (cpu.group4).
	grp4on8086 [8]form
)

// realModeOK are the two-byte opcodes the 80286 executes in real mode.
var realModeOK = map[string]bool{"sgdt": true, "sidt": true, "lgdt": true, "lidt": true, "smsw": true, "lmsw": true, "clts": true, "loadall": true}

func initModels() {
	for i := range grp6 {
		grp6[i].parse()
		grp7[i].parse()
	}
	grp4on8086 = grp4
	for r := 2; r < 8; r++ {
		grp4on8086[r] = grp5[r]
		grp4on8086[r].undoc = true
	}
	for i := range map0F {
		map0F[i] = form{mn: "(bad)", ud: true}
	}
	map0F[0x00] = form{mn: "grp6", grp: &grp6}
	map0F[0x01] = form{mn: "grp7", grp: &grp7}
	map0F[0x02] = form{mn: "lar", args: "Gw,Ew", use: useW, iw: fl}
	map0F[0x03] = form{mn: "lsl", args: "Gw,Ew", use: useW, iw: fl}
	// LOADALL (undocumented) loads the whole machine state from 800h; the
	// cpu package reports it as unsupported.
	map0F[0x05] = form{mn: "loadall", undoc: true, iw: 0x1FFF, ir: 0}
	map0F[0x06] = form{mn: "clts"}
	for i := range map0F {
		map0F[i].parse()
	}

	// The 8086 (cpu/exec.go).
	m := &maps[cpu.Model8086]
	*m = opmap
	m[0x0F] = form{mn: "pop", args: "CS", use: useW, ir: stack, iw: stack | RegCS, undoc: true}
	for c := 0; c < 16; c++ { // 60h-6Fh decode as 70h-7Fh
		m[0x60+c] = opmap[0x70+c]
		m[0x60+c].undoc = true
	}
	m[0xC0], m[0xC1] = opmap[0xC2], opmap[0xC3] // RET aliases
	m[0xC8], m[0xC9] = opmap[0xCA], opmap[0xCB] // RETF aliases
	for _, o := range []int{0xC0, 0xC1, 0xC8, 0xC9} {
		m[o].undoc = true
	}
	m[0xFE].grp = &grp4on8086

	// The 80186 (cpu/ext186.go): the 60h-6Fh row, group 2 with an
	// immediate count, ENTER and LEAVE; 0Fh and 63h-67h are undefined.
	m = &maps[cpu.Model80186]
	*m = opmap
	for o, f := range map[int]form{
		0x60: {mn: "pusha", ir: 0xFF, iw: stack},
		0x61: {mn: "popa", ir: stack, iw: 0xFF},
		0x62: {mn: "bound", args: "Gw,Ma", flow: FlowInterrupt, ir: stack | fl | RegCS, iw: stack | fl | RegCS},
		0x68: {mn: "push", args: "Iw", ir: stack, iw: stack},
		0x69: {mn: "imul", args: "Gw,Ew,Iw", use: useW, iw: fl},
		0x6A: {mn: "push", args: "Is", ir: stack, iw: stack},
		0x6B: {mn: "imul", args: "Gw,Ew,Is", use: useW, iw: fl},
		0x6C: {mn: "insb", str: true, ir: rDX | rDI | RegES | fl, iw: rDI},
		0x6D: {mn: "insw", str: true, ir: rDX | rDI | RegES | fl, iw: rDI},
		0x6E: {mn: "outsb", str: true, ir: rDX | rSI | RegDS | fl, iw: rSI},
		0x6F: {mn: "outsw", str: true, ir: rDX | rSI | RegDS | fl, iw: rSI},
		0xC0: {mn: "grp2", args: "Eb,Ib", grp: &grp2},
		0xC1: {mn: "grp2", args: "Ew,Ib", grp: &grp2},
		0xC8: {mn: "enter", args: "Iw,Ib", ir: stack | rBP, iw: stack | rBP},
		0xC9: {mn: "leave", ir: rBP | RegSS, iw: stack | rBP},
	} {
		m[o] = f
	}

	// The 80286: the 80186 with the two-byte opcodes, and ARPL (protected
	// mode only).
	maps[cpu.Model80286] = *m
	m = &maps[cpu.Model80286]
	m[0x0F] = form{mn: "0F"} // decoded through map0F
	m[0x63] = form{mn: "arpl", args: "Ew,Gw", use: useRW, iw: fl}
	for i := range maps {
		for o := range maps[i] {
			maps[i][o].parse()
		}
	}
}

// refine returns the form of a ModRM instruction once its ModRM byte is
// known: the group member, and what each model makes of the reg and mod
// values Intel leaves undefined.
func refine(model cpu.Model, op, op2 byte, f form, modrm byte) form {
	mod, reg := modrm>>6, modrm>>3&7
	if f.grp != nil {
		g := f.grp[reg]
		if g.args == "" {
			g.args, g.spec, g.n = f.args, f.spec, f.n
		}
		g.undoc = g.undoc || f.undoc // 82h is an alias as a whole
		f = g
	}
	is8086 := model == cpu.Model8086
	is286 := model == cpu.Model80286
	undef := func() form { return form{mn: "(bad)", ud: true} }
	if op == 0x0F {
		switch {
		case op2 == 0x01 && reg <= 3 && mod == 3: // SGDT .. LIDT take memory
			return undef()
		}
		return f
	}
	switch op {
	case 0x8C, 0x8E: // MOV with a segment register
		// The 8086 and 80186 use the low two bits of reg (8C /4 is
		// MOV rm,ES) and let MOV CS,rm through; the 80286 refuses both.
		if reg > 3 || op == 0x8E && reg == cpu.CS {
			if is286 {
				return undef()
			}
			f.undoc = true
		}
	case 0x8D, 0xC4, 0xC5: // LEA, LES, LDS with a register operand
		if mod == 3 {
			if !is8086 {
				return undef()
			}
			// The 8086 uses the offset of the last memory operand it
			// computed (cpu.CPU keeps it); the text names the register.
			f.undoc = true
		}
	case 0x62: // BOUND needs memory
		if mod == 3 {
			return undef()
		}
	case 0x8F, 0xC6, 0xC7: // POP rm, MOV rm,imm: reg other than 0
		if reg != 0 {
			if is286 {
				return undef()
			}
			f.undoc = true
		}
	case 0xD0, 0xD1, 0xD2, 0xD3:
		if reg == 6 && is8086 {
			// SETMO/SETMOC: the 8086's /6 sets the operand to all ones
			// (SETMOC only when CL is not zero), flags as for OR.
			f = form{mn: "setmo", args: "Eb", use: useRW, iw: fl, undoc: true}
			if op&1 != 0 {
				f.args = "Ew"
			}
			if op >= 0xD2 {
				f.mn, f.ir = "setmoc", rCX
			}
			f.parse()
		}
	case 0xFE, 0xFF:
		if mod == 3 && (reg == 3 || reg == 5) { // far CALL/JMP through a register
			if !is8086 {
				return undef()
			}
			f.undoc = true
		}
	}
	return f
}
