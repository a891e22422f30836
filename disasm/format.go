package disasm

import "strconv"

// The text of an instruction, in the Intel syntax of GNU objdump's "-M
// intel" with these choices (objdump_test.go's normalize maps objdump's
// spelling to them):
//
//   - string instructions carry their size in the mnemonic and no operands
//     (movsw, lodsb, insb, xlat), and a segment override of their source
//     (DS:SI, DS:BX for XLAT) is written as a prefix word right before
//     them: "rep cs movsw";
//   - a direct address is written in brackets: "mov al,[0x100]",
//     "WORD PTR es:[0x100]";
//   - other prefixes that change nothing of an operand (a segment prefix
//     an instruction has no memory operand for, or one a later segment
//     prefix overrides, LOCK, REP) are words before the mnemonic, in the
//     order of the bytes;
//   - a near branch target is an offset in the code segment, wrapping at
//     64 KiB as IP does.

var (
	reg8Names  = [8]string{"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"}
	reg16Names = [8]string{"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"}
	segNames   = [4]string{"es", "cs", "ss", "ds"}
	eaNames    = [8]string{"bx+si", "bx+di", "bp+si", "bp+di", "si", "di", "bp", "bx"}
	sizeNames  = map[uint8]string{1: "BYTE PTR ", 2: "WORD PTR ", 4: "DWORD PTR ", 8: "QWORD PTR ", 10: "TBYTE PTR "}
)

// RegName returns the name of general register r of size bytes (1 or 2).
func RegName(r int, size int) string {
	if size == 1 {
		return reg8Names[r&7]
	}
	return reg16Names[r&7]
}

// SegName returns the name of segment register s.
func SegName(s int) string { return segNames[s&3] }

// String returns the instruction in Intel syntax.
func (i *Inst) String() string {
	return string(i.AppendText(make([]byte, 0, 48)))
}

// AppendText appends the instruction's text to b.
func (i *Inst) AppendText(b []byte) []byte {
	start := len(b)
	word := func(w string) {
		if len(b) > start {
			b = append(b, ' ')
		}
		b = append(b, w...)
	}
	// The last segment prefix is the override; it is written in the
	// memory operand it applies to, or before a string instruction.
	lastSeg, lastF3 := -1, -1
	for k := 0; k < i.Prefixes; k++ {
		switch {
		case isSegPrefix(i.Bytes[k]):
			lastSeg = k
		case i.Bytes[k] == 0xF3:
			lastF3 = k
		}
	}
	shown := lastSeg >= 0 && (i.Mem() != nil || i.srcSeg) && i.Mnemonic != "(bad)"
	for k := 0; k < i.Prefixes; k++ {
		switch p := i.Bytes[k]; {
		case isSegPrefix(p):
			if k != lastSeg || !shown {
				word(segNames[p>>3&3])
			}
		case p == 0xF0, p == 0xF1:
			word("lock")
		case p == 0xF2:
			word("repnz")
		case p == 0xF3:
			// The last F3h before MOVS LODS STOS INS OUTS is REP; an
			// earlier one, or one before anything else, REPZ.
			if k == lastF3 && i.repeats() {
				word("rep")
			} else {
				word("repz")
			}
		}
	}
	if i.Mnemonic == "" { // a run of prefixes alone
		return b
	}
	if i.srcSeg && shown {
		word(segNames[i.Seg&3])
	}
	word(i.Mnemonic)
	for k := 0; k < i.NArgs; k++ {
		if k == 0 {
			b = append(b, ' ')
		} else {
			b = append(b, ',')
		}
		b = i.Args[k].appendText(b)
	}
	return b
}

func isSegPrefix(p byte) bool { return p == 0x26 || p == 0x2E || p == 0x36 || p == 0x3E }

// repeats reports whether F3h reads as REP (the instructions that repeat
// without looking at ZF) rather than REPZ.
func (i *Inst) repeats() bool {
	if !i.isString() {
		return false
	}
	switch i.Mnemonic[:3] {
	case "cmp", "sca":
		return false
	}
	return true
}

func appendHex(b []byte, v uint64) []byte {
	b = append(b, "0x"...)
	return strconv.AppendUint(b, v, 16)
}

func (a *Arg) appendText(b []byte) []byte {
	switch a.Kind {
	case ArgReg:
		if a.far {
			b = append(b, "far "...)
		}
		return append(b, RegName(int(a.Reg), int(a.Size))...)
	case ArgSeg:
		return append(b, segNames[a.Reg&3]...)
	case ArgImm, ArgRel:
		return appendHex(b, uint64(a.Imm))
	case ArgConst:
		return strconv.AppendUint(b, uint64(a.Imm), 10)
	case ArgFar:
		b = appendHex(b, uint64(a.FarSeg))
		b = append(b, ':')
		return appendHex(b, uint64(a.Imm))
	case ArgST:
		if a.top {
			return append(b, "st"...)
		}
		b = append(b, "st("...)
		b = strconv.AppendUint(b, uint64(a.Reg), 10)
		return append(b, ')')
	case ArgMem:
		if !a.moffs {
			b = append(b, sizeNames[a.Size]...)
		}
		if a.overridden {
			b = append(b, segNames[a.Seg&3]...)
			b = append(b, ':')
		}
		b = append(b, '[')
		if a.EA >= EADirect {
			b = appendHex(b, uint64(a.Disp))
			return append(b, ']')
		}
		b = append(b, eaNames[a.EA]...)
		if a.dispSize > 0 {
			d := int16(a.Disp)
			if d < 0 {
				b = append(b, '-')
				b = appendHex(b, uint64(-int32(d)))
			} else {
				b = append(b, '+')
				b = appendHex(b, uint64(d))
			}
		}
		return append(b, ']')
	}
	return b
}

// Line formats the instruction as a listing line for code segment cs:
// address, bytes and text, as the monitor and traces show it:
//
//	F000:E05B  EA5BE000F0         jmp 0xf000:0xe05b
func (i *Inst) Line(cs uint16) string {
	b := make([]byte, 0, 64)
	b = appendHex4(b, cs)
	b = append(b, ':')
	b = appendHex4(b, i.IP)
	b = append(b, "  "...)
	return string(i.appendListing(b))
}

// Listing is Line without the address: the bytes in hex, padded to a
// column, and the text.
func (i *Inst) Listing() string {
	return string(i.appendListing(make([]byte, 0, 64)))
}

func (i *Inst) appendListing(b []byte) []byte {
	n := len(b)
	const hexdigits = "0123456789ABCDEF"
	for _, x := range i.Bytes {
		b = append(b, hexdigits[x>>4], hexdigits[x&15])
	}
	for len(b) < n+18 {
		b = append(b, ' ')
	}
	b = append(b, ' ')
	return i.AppendText(b)
}

// appendHex4 appends v as four uppercase hex digits.
func appendHex4(b []byte, v uint16) []byte {
	const hexdigits = "0123456789ABCDEF"
	return append(b, hexdigits[v>>12], hexdigits[v>>8&15], hexdigits[v>>4&15], hexdigits[v&15])
}
