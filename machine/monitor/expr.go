package monitor

import (
	"fmt"
	"strconv"
	"strings"

	"pcemu/cpu"
	"pcemu/machine"
)

// Addresses and expressions as QEMU's monitor reads them: numbers in C's
// notation (0x1f hex, 017 octal, 31 decimal), registers by $name, the
// operators + - * / & | ^ ~ and parentheses. x also takes SEG:OFF, a pcemu
// addition for real mode.

// The largest addresses: x reaches what real mode does (FFFF:FFFF is
// 10FFEFh); xp the 80286's 16 MiB.
const (
	maxLinear   = 0x10FFEF
	maxPhysical = machine.AddressLimit286 - 1
)

// parseAddress reads the address of x (physical false) or xp. Called
// inside Locked: registers are read from c.
func parseAddress(s string, c *cpu.CPU, physical bool) (address, error) {
	if segPart, offPart, ok := cutTopLevel(s, ':'); ok {
		if physical {
			return address{}, fmt.Errorf("%q: xp takes a physical address, not SEG:OFF", s)
		}
		seg, err := eval(segPart, c)
		if err != nil {
			return address{}, err
		}
		off, err := eval(offPart, c)
		if err != nil {
			return address{}, err
		}
		if seg < 0 || seg > 0xFFFF || off < 0 || off > 0xFFFF {
			return address{}, fmt.Errorf("%q: segment and offset are 16-bit (0 to 0xffff)", s)
		}
		return address{segmented: true, seg: uint16(seg), off: uint16(off)}, nil
	}
	v, err := eval(s, c)
	if err != nil {
		return address{}, err
	}
	limit := int64(maxLinear)
	if physical {
		limit = maxPhysical
	}
	if v < 0 || v > limit {
		return address{}, fmt.Errorf("%q = %#x: beyond the address space (0 to %#x)", s, v, limit)
	}
	return address{lin: uint32(v), physical: physical}, nil
}

// cutTopLevel splits s at the first sep outside parentheses.
func cutTopLevel(s string, sep byte) (before, after string, found bool) {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		case sep:
			if depth == 0 {
				return s[:i], s[i+1:], true
			}
		}
	}
	return s, "", false
}

// registerValue returns the value of a register named in an expression.
func registerValue(name string, c *cpu.CPU) (int64, bool) {
	name = strings.ToLower(name)
	for i, r := range []string{"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"} {
		if name == r || name == "e"+r {
			return int64(c.Regs[i]), true
		}
	}
	for i, r := range []string{"al", "cl", "dl", "bl"} {
		switch name {
		case r:
			return int64(c.Regs[i] & 0xFF), true
		case string(r[0]) + "h":
			return int64(c.Regs[i] >> 8), true
		}
	}
	for i, r := range []string{"es", "cs", "ss", "ds"} {
		if name == r {
			return int64(c.Segs[i]), true
		}
	}
	switch name {
	case "ip", "eip":
		return int64(c.IP), true
	case "pc": // QEMU's $pc: the linear address of the next instruction
		return int64(c.Linear(c.Segs[cpu.CS], c.IP)), true
	case "flags", "eflags", "fl":
		return int64(c.Flags()), true
	}
	return 0, false
}

// eval evaluates an expression with the registers of c.
func eval(s string, c *cpu.CPU) (int64, error) {
	p := &exprParser{s: s, c: c}
	v, err := p.or()
	if err != nil {
		return 0, err
	}
	p.space()
	if p.i < len(p.s) {
		return 0, fmt.Errorf("%q: unexpected %q", s, p.s[p.i:])
	}
	return v, nil
}

// exprParser is a recursive-descent parser over C's precedence:
// | below ^ below & below + - below * / below unary - ~.
type exprParser struct {
	s string
	i int
	c *cpu.CPU
}

func (p *exprParser) space() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

// op consumes the operator c if it comes next.
func (p *exprParser) op(c byte) bool {
	p.space()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *exprParser) or() (int64, error) {
	return p.binary(p.xor, "|", func(a, b int64) int64 { return a | b })
}

func (p *exprParser) xor() (int64, error) {
	return p.binary(p.and, "^", func(a, b int64) int64 { return a ^ b })
}

func (p *exprParser) and() (int64, error) {
	return p.binary(p.sum, "&", func(a, b int64) int64 { return a & b })
}

func (p *exprParser) sum() (int64, error) {
	v, err := p.product()
	for err == nil {
		switch {
		case p.op('+'):
			var w int64
			w, err = p.product()
			v += w
		case p.op('-'):
			var w int64
			w, err = p.product()
			v -= w
		default:
			return v, nil
		}
	}
	return 0, err
}

func (p *exprParser) product() (int64, error) {
	v, err := p.unary()
	for err == nil {
		switch {
		case p.op('*'):
			var w int64
			w, err = p.unary()
			v *= w
		case p.op('/'):
			var w int64
			if w, err = p.unary(); err == nil && w == 0 {
				return 0, fmt.Errorf("%q: division by zero", p.s)
			}
			if err == nil {
				v /= w
			}
		default:
			return v, nil
		}
	}
	return 0, err
}

// binary parses next (op next)* for one operator.
func (p *exprParser) binary(next func() (int64, error), op string, f func(a, b int64) int64) (int64, error) {
	v, err := next()
	for err == nil && p.op(op[0]) {
		var w int64
		w, err = next()
		v = f(v, w)
	}
	return v, err
}

func (p *exprParser) unary() (int64, error) {
	switch {
	case p.op('-'):
		v, err := p.unary()
		return -v, err
	case p.op('~'):
		v, err := p.unary()
		return ^v, err
	case p.op('('):
		v, err := p.or()
		if err == nil && !p.op(')') {
			return 0, fmt.Errorf("%q: missing )", p.s)
		}
		return v, err
	}
	p.space()
	start := p.i
	if p.i < len(p.s) && p.s[p.i] == '$' {
		p.i++
		for p.i < len(p.s) && isWordChar(p.s[p.i]) {
			p.i++
		}
		name := p.s[start+1 : p.i]
		v, ok := registerValue(name, p.c)
		if !ok {
			return 0, fmt.Errorf("unknown register $%s", name)
		}
		return v, nil
	}
	for p.i < len(p.s) && isWordChar(p.s[p.i]) {
		p.i++
	}
	if start == p.i {
		if p.i == len(p.s) {
			return 0, fmt.Errorf("%q: a number or $register is missing at the end", p.s)
		}
		return 0, fmt.Errorf("%q: unexpected %q", p.s, p.s[p.i:])
	}
	v, err := strconv.ParseUint(p.s[start:p.i], 0, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number (0x1f hex, 31 decimal) or a $register", p.s[start:p.i])
	}
	return int64(v), nil
}

func isWordChar(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}
