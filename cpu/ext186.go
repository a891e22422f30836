package cpu

// 80186 additions in the 60-6F row (80286 PRM, Appendix A): PUSHA POPA
// BOUND PUSH imm IMUL imm INS OUTS; 63-67 are undefined there.
func (c *CPU) exec186(op byte, in *inst) {
	c.syncFlags() // IMUL's flags are muldiv.go's, eager
	switch op {
	case 0x60: // PUSHA: SP as it was before the first push
		sp := c.Regs[SP]
		for r := AX; r <= DI; r++ {
			if r == SP {
				c.push16(sp)
			} else {
				c.push16(c.Regs[r])
			}
		}
	case 0x61: // POPA: the saved SP is discarded
		for r := DI; r >= AX; r-- {
			v := c.pop16()
			if r != SP {
				c.Regs[r] = v
			}
		}
	case 0x62: // BOUND r16, m16&16: interrupt 5 when out of range
		c.modRM(in)
		if c.mod == 3 {
			c.undefined()
			return
		}
		lo := int16(c.read16(c.eaSeg, c.eaOff))
		hi := int16(c.read16(c.eaSeg, c.eaOff+2))
		if i := int16(c.Regs[c.reg]); i < lo || i > hi {
			c.interrupt(5, c.opStart)
		}
	case 0x68: // PUSH imm16
		c.push16(c.fetch16())
	case 0x69: // IMUL r16, rm16, imm16
		c.modRM(in)
		a := c.rm16()
		c.Regs[c.reg] = c.imul3(a, c.fetch16())
	case 0x6A: // PUSH imm8 (sign-extended)
		c.push16(uint16(int8(c.fetch8())))
	case 0x6B: // IMUL r16, rm16, imm8
		c.modRM(in)
		a := c.rm16()
		c.Regs[c.reg] = c.imul3(a, uint16(int8(c.fetch8())))
	case 0x6C, 0x6D, 0x6E, 0x6F:
		c.stringOp(op)
	default: // 63-67 (ARPL is protected-mode only)
		c.undefined()
	}
}

// enter is ENTER imm16, imm8 (80286 PRM, ENTER): make a stack frame with
// level-1 copied frame pointers.
func (c *CPU) enter() {
	size := c.fetch16()
	level := c.fetch8() & 0x1F
	c.push16(c.Regs[BP])
	frame := c.Regs[SP]
	if level > 0 {
		for i := uint8(1); i < level; i++ {
			c.Regs[BP] -= 2
			c.push16(c.read16(SS, c.Regs[BP]))
		}
		c.push16(frame)
	}
	c.Regs[BP] = frame
	c.Regs[SP] -= size
}
