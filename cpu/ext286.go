package cpu

// The 80286's two-byte opcodes as far as real mode goes (80286 PRM,
// chapter 10 and Appendix B). The descriptor-table instructions of 0F 00
// are not recognised in real mode and raise #UD.
func (c *CPU) exec0F(in *inst) error {
	c.syncFlags()
	op := in.opc // the byte after 0Fh (decode.go)
	switch op {
	case 0x00: // SLDT STR LLDT LTR VERR VERW: protected mode only
		c.modRM(in)
		c.undefined()
	case 0x01:
		c.modRM(in)
		switch c.reg {
		case 0, 1: // SGDT, SIDT: limit, 24-bit base, and FFh (286 store)
			if c.mod == 3 {
				c.undefined()
				return nil
			}
			base, limit := c.gdtBase, c.gdtLimit
			if c.reg == 1 {
				base, limit = c.idtBase, c.idtLimit
			}
			c.write16(c.eaSeg, c.eaOff, limit)
			c.write16(c.eaSeg, c.eaOff+2, uint16(base))
			c.write16(c.eaSeg, c.eaOff+4, 0xFF00|uint16(base>>16&0xFF))
		case 2, 3: // LGDT, LIDT
			if c.mod == 3 {
				c.undefined()
				return nil
			}
			limit := c.read16(c.eaSeg, c.eaOff)
			base := uint32(c.read16(c.eaSeg, c.eaOff+2)) | uint32(c.read8(c.eaSeg, c.eaOff+4))<<16
			if c.reg == 2 {
				c.gdtBase, c.gdtLimit = base, limit
			} else {
				c.idtBase, c.idtLimit = base, limit
			}
		case 4: // SMSW: the unused bits read as 1
			c.setRM16(0xFFF0 | c.msw)
		case 6: // LMSW: PE cannot be cleared once set
			v := c.rm16()
			if v&1 != 0 {
				return c.unsupported("LMSW entering protected mode")
			}
			c.msw = c.msw&1 | v&0xF
		default:
			c.undefined()
		}
	case 0x05:
		return c.unsupported("LOADALL (0F 05)")
	case 0x06: // CLTS
		c.msw &^= 0x8
	default:
		c.undefined()
	}
	return nil
}
