package monitor

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"pcemu/cpu"
	"pcemu/disasm"
)

// x and xp: memory dumps as QEMU's monitor prints them ("x/Nfu addr"),
// read with Memory.Peek8 so that looking changes nothing. x takes a
// segmented address SEG:OFF (the offset wraps in its segment as the CPU's
// does, and the A20 gate applies) or a linear one; xp a physical address.

// dumpFormat is a parsed /Nfu.
type dumpFormat struct {
	count  int
	format byte // x d u o c i
	size   int  // 1 2 4 8
}

// maxDump bounds one dump (QEMU has no bound; a typo should not flood the
// session with megabytes).
const maxDump = 1 << 16

// parseFormat reads "/Nfu" (each part optional) on top of the last format
// and size; the count defaults to 1.
func (mon *Monitor) parseFormat(args string) (dumpFormat, string, error) {
	f := mon.dump
	f.count = 1
	if !strings.HasPrefix(args, "/") {
		return f, args, nil
	}
	spec, rest, _ := strings.Cut(args[1:], " ")
	i := 0
	for i < len(spec) && spec[i] >= '0' && spec[i] <= '9' {
		i++
	}
	if i > 0 {
		n, err := strconv.Atoi(spec[:i])
		if err != nil || n < 1 || n > maxDump {
			return f, "", fmt.Errorf("count %q: choose 1 to %d", spec[:i], maxDump)
		}
		f.count = n
	}
	for _, c := range spec[i:] {
		switch c {
		case 'x', 'd', 'u', 'o', 'c', 'i':
			f.format = byte(c)
			if c == 'c' {
				f.size = 1
			}
		case 'b':
			f.size = 1
		case 'h':
			f.size = 2
		case 'w':
			f.size = 4
		case 'g':
			f.size = 8
		default:
			return f, "", fmt.Errorf("invalid char in format: '%c'", c)
		}
	}
	return f, strings.TrimSpace(rest), nil
}

func (mon *Monitor) x(w io.Writer, args string) error  { return mon.memDump(w, args, false) }
func (mon *Monitor) xp(w io.Writer, args string) error { return mon.memDump(w, args, true) }

func (mon *Monitor) memDump(w io.Writer, args string, physical bool) error {
	f, rest, err := mon.parseFormat(args)
	if err != nil {
		return err
	}
	if rest == "" {
		return errors.New("needs an address")
	}
	var (
		addr  address
		out   strings.Builder
		model cpu.Model
	)
	mon.m.Locked(func() {
		addr, err = parseAddress(rest, mon.m.CPU, physical)
		if err != nil {
			return
		}
		model = mon.m.CPU.Model()
		if f.format == 'i' {
			err = mon.disassemble(&out, addr, f.count, model)
		} else {
			mon.dumpData(&out, addr, f)
		}
	})
	if err != nil {
		return err
	}
	mon.dump.format, mon.dump.size = f.format, f.size
	_, err = io.WriteString(w, out.String())
	return err
}

// address is where a dump starts: seg:off with segmented set, else the
// linear address lin (x: through the A20 gate, as the CPU reaches it) or
// the physical address lin (xp).
type address struct {
	segmented bool
	seg, off  uint16
	lin       uint32
	physical  bool
}

// at returns the address i bytes on, and how a line starting there is
// labelled.
func (a address) at(c *cpu.CPU, i int) (uint32, string) {
	if a.segmented {
		off := a.off + uint16(i)
		return c.Linear(a.seg, off), fmt.Sprintf("%04X:%04X", a.seg, off)
	}
	l := a.lin + uint32(i)
	if !a.physical {
		return c.Linear(uint16(l>>4), uint16(l&15)), fmt.Sprintf("%08x", l)
	}
	return l, fmt.Sprintf("%08x", l)
}

// fetch reads n bytes of code at seg:ip as the CPU fetches them (IP wraps
// in the segment). Called inside Locked.
func (mon *Monitor) fetch(seg, ip uint16, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = mon.m.Mem.Peek8(mon.m.CPU.Linear(seg, ip+uint16(i)))
	}
	return b
}

// disassemble writes n instructions from a. An instruction at a linear
// address is decoded in the code segment when it lies in it (so that
// branch targets read as CS offsets), else in the segment it starts.
func (mon *Monitor) disassemble(out *strings.Builder, a address, n int, model cpu.Model) error {
	c := mon.m.CPU
	if a.segmented {
		ip := a.off
		for k := 0; k < n; k++ {
			in, err := disasm.Decode(mon.fetch(a.seg, ip, disasm.MaxLen), ip, model)
			if err != nil {
				return err
			}
			out.WriteString(in.Line(a.seg) + "\n")
			ip += uint16(in.Len)
		}
		return nil
	}
	base := uint32(c.Segs[cpu.CS]) << 4
	if a.lin < base || a.lin-base >= 0x10000 {
		base = a.lin &^ 15
	}
	pos := 0
	for k := 0; k < n; k++ {
		code := make([]byte, disasm.MaxLen)
		for i := range code {
			lin, _ := a.at(c, pos+i)
			code[i] = mon.m.Mem.Peek8(lin)
		}
		in, err := disasm.Decode(code, uint16(a.lin+uint32(pos)-base), model)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%08x:  %s\n", a.lin+uint32(pos), in.Listing())
		pos += in.Len
	}
	return nil
}

// dumpData writes f.count items of f.size bytes from a, 8 bytes a line for
// bytes and 16 for the rest, as QEMU does.
func (mon *Monitor) dumpData(out *strings.Builder, a address, f dumpFormat) {
	c := mon.m.CPU
	perLine := 16 / f.size
	if f.size == 1 {
		perLine = 8
	}
	for i := 0; i < f.count; i++ {
		if i%perLine == 0 {
			if i > 0 {
				out.WriteByte('\n')
			}
			_, label := a.at(c, i*f.size)
			out.WriteString(label + ":")
		}
		var v uint64
		for k := f.size - 1; k >= 0; k-- {
			lin, _ := a.at(c, i*f.size+k)
			v = v<<8 | uint64(mon.m.Mem.Peek8(lin))
		}
		out.WriteByte(' ')
		out.WriteString(formatItem(v, f))
	}
	out.WriteByte('\n')
}

// formatItem writes one value as QEMU's memory_dump does.
func formatItem(v uint64, f dumpFormat) string {
	bits := uint(f.size * 8)
	switch f.format {
	case 'x':
		return fmt.Sprintf("0x%0*x", f.size*2, v)
	case 'o':
		return fmt.Sprintf("%#*o", (f.size*8+2)/3+1, v)
	case 'u':
		return fmt.Sprintf("%*d", decimalWidth(f.size), v)
	case 'd':
		s := int64(v<<(64-bits)) >> (64 - bits) // sign-extend
		return fmt.Sprintf("%*d", decimalWidth(f.size)+1, s)
	case 'c':
		return charLiteral(byte(v))
	}
	return ""
}

// decimalWidth is the number of digits of the largest value of size bytes.
func decimalWidth(size int) int {
	return len(strconv.FormatUint(1<<(uint(size)*8)-1, 10))
}

// charLiteral writes a byte as QEMU's monitor_printc: 'c', or an escape.
func charLiteral(c byte) string {
	switch {
	case c == '\'':
		return `'\''`
	case c == '\\':
		return `'\\'`
	case c == '\n':
		return `'\n'`
	case c == '\r':
		return `'\r'`
	case c >= 32 && c <= 126:
		return "'" + string(rune(c)) + "'"
	}
	return fmt.Sprintf(`'\x%02x'`, c)
}
