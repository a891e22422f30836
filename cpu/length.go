package cpu

// The 80286 refuses instructions longer than 10 bytes (prefixes included)
// with interrupt 13 (80286 PRM, 10.6). Only a long run of prefixes can get
// there, so the length is worked out ahead only after the fourth prefix.

// checkLength raises the fault when the instruction that starts with the
// prefixes already read is too long.
func (c *CPU) checkLength() {
	n := int(c.IP - c.opStart) // prefixes so far
	peek := func(i int) uint8 { return c.read8(CS, c.IP+uint16(i)) }
	i := 0
	op := peek(i)
	i++
	switch op {
	case 0x26, 0x2E, 0x36, 0x3E, 0xF0, 0xF1, 0xF2, 0xF3:
		if n+1 > 10 {
			panic(fault{13})
		}
		return // the next prefix checks again
	}
	modrm := false
	imm := 0
	switch {
	case op < 0x40 && op&0xC4 == 0:
		modrm = true
	case op < 0x40 && op&7 == 4:
		imm = 1
	case op < 0x40 && op&7 == 5:
		imm = 2
	case op == 0x0F:
		op2 := peek(i)
		i++
		modrm = op2 == 0x00 || op2 == 0x01
	case op >= 0x70 && op <= 0x7F, op >= 0xB0 && op <= 0xB7, op >= 0xE0 && op <= 0xE7:
		imm = 1
	case op >= 0xB8 && op <= 0xBF, op >= 0xA0 && op <= 0xA3:
		imm = 2
	case op >= 0xD8 && op <= 0xDF, op >= 0x84 && op <= 0x8F, op >= 0xD0 && op <= 0xD3:
		modrm = true
	}
	switch op {
	case 0x62, 0xC4, 0xC5, 0xFE, 0xFF:
		modrm = true
	case 0x69, 0x81, 0xC7:
		modrm, imm = true, 2
	case 0x6B, 0x80, 0x82, 0x83, 0xC0, 0xC1, 0xC6:
		modrm, imm = true, 1
	case 0x6A, 0xA8, 0xCD, 0xD4, 0xD5, 0xEB:
		imm = 1
	case 0x68, 0xA9, 0xC2, 0xCA, 0xE8, 0xE9:
		imm = 2
	case 0xC8:
		imm = 3
	case 0x9A, 0xEA:
		imm = 4
	case 0xF6, 0xF7:
		modrm = true
	}
	if modrm {
		m := peek(i)
		i++
		switch m >> 6 {
		case 0:
			if m&7 == 6 {
				i += 2
			}
		case 1:
			i++
		case 2:
			i += 2
		}
		if (op == 0xF6 || op == 0xF7) && (m>>3)&7 < 2 {
			imm = int(op-0xF6) + 1
		}
	}
	if n+i+imm > 10 {
		panic(fault{13})
	}
}
