// Package trace writes pcemu's debug logs (-d, -D): the instructions
// executed (exec), the interrupts entered with the BIOS and DOS calls
// among them (int), and the I/O port accesses (ioport), each line with
// the instruction count it happened at, optionally only for code in some
// address ranges (-dfilter) and for a range of instruction counts
// (--trace-range).
//
// It hooks the machine only while it runs (cpu.CPU's instruction and
// interrupt hooks, the port bus's Trace): a machine without a tracer runs
// the same code as before there were tracers. A traced run is the same run
// as an untraced one, instruction for instruction; it is slower (every
// instruction is looked at) and the log is the cost.
//
// Lines (the count is the number of instructions executed before):
//
//	exec    12345 0000:7C02  31C0               xor ax,ax                AX=0000 FL=0046
//	int     12345 INT 13h  AH=02h AL=01h  BX=7E00 CX=0002 DX=0080 ES=0000 DS=0000  at 0000:7C3E  software: disk
//	ioport  12345 OUT 03D4 <- 0E     video    at F000:F8C2
//
// A REP string instruction is one exec line, with the number of
// iterations; the registers it changed are those after the last.
package trace

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"pcemu/cpu"
	"pcemu/disasm"
	"pcemu/machine"
)

// Items are what is logged.
type Items uint8

const (
	Exec   Items = 1 << iota // every instruction executed
	Int                      // interrupts entered: INT n, IRQs, exceptions
	IOPort                   // I/O port reads and writes
)

// itemNames are the -d names, QEMU's where QEMU has one.
var itemNames = []struct {
	name string
	item Items
	help string
}{
	{"exec", Exec, "each instruction executed: CS:IP, bytes, disassembly, the registers it changed"},
	{"int", Int, "interrupts entered (INT n with AH/AL and the registers, IRQs, exceptions)"},
	{"ioport", IOPort, "I/O port reads and writes, with the device"},
}

// Help lists the items for -d help.
func Help() string {
	var b strings.Builder
	b.WriteString("Log items (-d ITEM[,ITEM...]):\n")
	for _, n := range itemNames {
		fmt.Fprintf(&b, "  %-7s %s\n", n.name, n.help)
	}
	return b.String()
}

// ParseItems decodes -d's comma-separated list.
func ParseItems(s string) (Items, error) {
	var it Items
	for _, f := range strings.Split(s, ",") {
		found := false
		for _, n := range itemNames {
			if f == n.name {
				it |= n.item
				found = true
			}
		}
		if !found {
			return 0, fmt.Errorf("-d %s: unknown log item %q (exec, int, ioport; -d help lists them)", s, f)
		}
	}
	return it, nil
}

// Range is a closed range of numbers: addresses or instruction counts.
type Range struct{ First, Last uint64 }

func (r Range) has(v uint64) bool { return v >= r.First && v <= r.Last }

// ParseRanges decodes a comma-separated list of ranges, each FIRST..LAST
// (both included), FIRST+COUNT, FIRST.. (no end) or ..LAST, in C's
// number syntax (0x7c00, 31744), as QEMU's -dfilter takes addresses.
func ParseRanges(s string) ([]Range, error) {
	var rs []Range
	for _, f := range strings.Split(s, ",") {
		r, err := parseRange(f)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	return rs, nil
}

func parseRange(s string) (Range, error) {
	num := func(t string) (uint64, error) {
		v, err := strconv.ParseUint(t, 0, 64)
		if err != nil {
			return 0, fmt.Errorf("range %q: %q is not a number", s, t)
		}
		return v, nil
	}
	if a, b, ok := strings.Cut(s, ".."); ok {
		r := Range{0, ^uint64(0)}
		var err error
		if a != "" {
			if r.First, err = num(a); err != nil {
				return Range{}, err
			}
		}
		if b != "" {
			if r.Last, err = num(b); err != nil {
				return Range{}, err
			}
		}
		if a == "" && b == "" || r.Last < r.First {
			return Range{}, fmt.Errorf("range %q: empty (FIRST..LAST, both included)", s)
		}
		return r, nil
	}
	if a, b, ok := strings.Cut(s, "+"); ok {
		first, err := num(a)
		if err != nil {
			return Range{}, err
		}
		n, err := num(b)
		if err != nil {
			return Range{}, err
		}
		if n == 0 || first+n-1 < first {
			return Range{}, fmt.Errorf("range %q: empty or beyond the numbers", s)
		}
		return Range{first, first + n - 1}, nil
	}
	return Range{}, fmt.Errorf("range %q: write FIRST..LAST or FIRST+COUNT", s)
}

// Options say what to log, where and when.
type Options struct {
	Items Items
	Out   io.Writer
	// Filter keeps the lines of code at these physical addresses (CS*16+IP
	// of the instruction, or of the one interrupted); none keeps all.
	Filter []Range
	// Count keeps the lines whose instruction count is in the range; the
	// zero Range means every count.
	Count Range
}

// Tracer logs one machine's run.
type Tracer struct {
	m     *machine.Machine
	c     *cpu.CPU
	o     Options
	w     *bufio.Writer
	model cpu.Model
	err   error

	pend      pending // the instruction whose effect the next boundary shows
	line      []byte
	cancel    func() // the exec hook's start at the range's first count
	removeInt func() // the interrupt hook's removal
}

// pending is an instruction that has started: its line is written when
// the next boundary shows what it changed.
type pending struct {
	on         bool
	count      uint64
	cs, ip     uint16
	lin        uint32
	code       [16]byte // its bytes as it started (code may change itself)
	before     cpu.State
	iterations uint64 // a REP instruction's iterations so far
}

// Start hooks a tracer into m (call it before the run, or with the machine
// stopped) and logs until Stop.
func Start(m *machine.Machine, o Options) (*Tracer, error) {
	if o.Out == nil {
		return nil, errors.New("trace: no output")
	}
	if o.Count == (Range{}) {
		o.Count = Range{0, ^uint64(0)}
	}
	t := &Tracer{m: m, o: o, w: bufio.NewWriterSize(o.Out, 64<<10)}
	var now uint64
	m.Locked(func() {
		t.c = m.CPU
		t.model = m.CPU.Model()
		now = m.CPU.Instructions
		if o.Items&IOPort != 0 {
			m.Ports.Trace(t.port)
		}
	})
	if o.Items&(Int|Exec) != 0 {
		t.removeInt = m.AddInterruptHook(t.interrupt)
	}
	// Instructions are looked at one by one only within the range of
	// counts: up to its start the machine runs at full speed.
	if o.Items&Exec != 0 && o.Count.First > now {
		t.cancel = m.AtInstruction(o.Count.First, func() { t.c.SetInstructionHook(t.instruction) })
	} else if o.Items&Exec != 0 {
		m.Locked(func() { t.c.SetInstructionHook(t.instruction) })
	}
	return t, nil
}

// Stop unhooks the tracer, writes what it holds and reports the first
// error writing the log.
func (t *Tracer) Stop() error {
	if t.cancel != nil {
		t.cancel()
	}
	t.m.Locked(func() {
		t.flush(t.c.State())
		t.c.SetInstructionHook(nil)
		if t.o.Items&IOPort != 0 {
			t.m.Ports.Trace(nil)
		}
	})
	if t.removeInt != nil {
		t.removeInt()
	}
	if err := t.w.Flush(); err != nil && t.err == nil {
		t.err = err
	}
	return t.err
}

// keep reports whether a line for code at physical address lin, at
// instruction count n, belongs in the log.
func (t *Tracer) keep(lin uint32, n uint64) bool {
	if !t.o.Count.has(n) {
		return false
	}
	if len(t.o.Filter) == 0 {
		return true
	}
	for _, r := range t.o.Filter {
		if r.has(uint64(lin)) {
			return true
		}
	}
	return false
}

// instruction is the CPU's instruction hook: the instruction at CS:IP is
// about to run; the one before it has finished.
func (t *Tracer) instruction() {
	c := t.c
	s := c.State()
	p := &t.pend
	if p.on && s.RepPending && s.Segs[cpu.CS] == p.cs && s.IP == p.ip && s.Instructions > p.count {
		p.iterations++ // the same REP instruction goes on
		return
	}
	t.flush(s)
	if s.Instructions > t.o.Count.Last {
		c.SetInstructionHook(nil) // past the range: full speed again
		return
	}
	cs, ip := s.Segs[cpu.CS], s.IP
	lin := c.Linear(cs, ip)
	if !t.keep(lin, s.Instructions) {
		return
	}
	*p = pending{on: true, count: s.Instructions, cs: cs, ip: ip, lin: lin, before: s, iterations: 1}
	for i := range p.code {
		p.code[i] = t.m.Mem.Peek8(c.Linear(cs, ip+uint16(i)))
	}
}

// flush writes the pending instruction's line if it ran (the count moved
// on; a breakpoint may have stopped the CPU before it), with what it
// changed by state s.
func (t *Tracer) flush(s cpu.State) {
	p := &t.pend
	if !p.on {
		return
	}
	p.on = false
	if s.Instructions <= p.count {
		return
	}
	b := t.line[:0]
	b = fmt.Appendf(b, "exec %10d ", p.count)
	if in, err := disasm.Decode(p.code[:], p.ip, t.model); err == nil {
		b = append(b, in.Line(p.cs)...)
	} else {
		b = fmt.Appendf(b, "%04X:%04X  %02X                 (undecodable)", p.cs, p.ip, p.code[0])
	}
	for len(b) < 68 {
		b = append(b, ' ')
	}
	b = appendChanges(b, &p.before, &s)
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	if p.iterations > 1 {
		b = fmt.Appendf(b, "  (%d iterations)", p.iterations)
	}
	b = append(b, '\n')
	t.write(b)
	t.line = b
}

var regNames = [8]string{"AX", "CX", "DX", "BX", "SP", "BP", "SI", "DI"}
var segNames = [4]string{"ES", "CS", "SS", "DS"}

// appendChanges lists the registers that differ from a to b (IP, which
// every instruction moves, is left out).
func appendChanges(out []byte, a, b *cpu.State) []byte {
	for r := range 8 {
		if a.Regs[r] != b.Regs[r] {
			out = fmt.Appendf(out, " %s=%04X", regNames[r], b.Regs[r])
		}
	}
	for s := range 4 {
		if a.Segs[s] != b.Segs[s] {
			out = fmt.Appendf(out, " %s=%04X", segNames[s], b.Segs[s])
		}
	}
	if a.Flags != b.Flags {
		out = fmt.Appendf(out, " FL=%04X", b.Flags)
	}
	return out
}

// interrupt is the CPU's interrupt hook.
func (t *Tracer) interrupt(vec uint8, kind cpu.InterruptKind) {
	c := t.c
	s := c.State()
	if kind != cpu.IntSoftware && kind != cpu.IntException {
		// An IRQ or NMI comes between instructions: the one before
		// has finished. (INT n and an exception are part of their
		// instruction, whose line shows the entry.)
		t.flush(s)
	}
	if t.o.Items&Int == 0 {
		return
	}
	ip := s.IP // an IRQ: where the interrupted code goes on
	count := s.Instructions
	if kind == cpu.IntSoftware || kind == cpu.IntException {
		ip = c.InstructionIP() // the instruction that raised it
		count--                // which has been counted
	}
	cs := s.Segs[cpu.CS]
	if !t.keep(c.Linear(cs, ip), count) {
		return
	}
	b := fmt.Appendf(t.line[:0], "int  %10d INT %02Xh ", count, vec)
	r := &s.Regs
	switch kind {
	case cpu.IntSoftware:
		b = fmt.Appendf(b, " AH=%02Xh AL=%02Xh  BX=%04X CX=%04X DX=%04X ES=%04X DS=%04X  at %04X:%04X  software",
			r[cpu.AX]>>8, r[cpu.AX]&0xFF, r[cpu.BX], r[cpu.CX], r[cpu.DX], s.Segs[cpu.ES], s.Segs[cpu.DS], cs, ip)
	case cpu.IntExternal:
		if irq, ok := t.m.PIC.VectorIRQ(vec); ok {
			b = fmt.Appendf(b, " IRQ %d", irq)
		}
		b = fmt.Appendf(b, "  at %04X:%04X  external", cs, ip)
	case cpu.IntNMI:
		b = fmt.Appendf(b, " NMI  at %04X:%04X", cs, ip)
	case cpu.IntException, cpu.IntTrap:
		b = fmt.Appendf(b, " at %04X:%04X  exception", cs, ip)
		if name := exceptionNames[vec]; name != "" && vec < 8 {
			b = append(b, ": "+name...)
		}
	}
	if kind != cpu.IntException && kind != cpu.IntTrap {
		if name := vectorNames[vec]; name != "" {
			b = append(b, ": "+name...)
		}
	}
	b = append(b, '\n')
	t.write(b)
	t.line = b
}

// port is the port bus's trace.
func (t *Tracer) port(a machine.PortAccess) {
	c := t.c
	cs, ip := c.Segs[cpu.CS], c.InstructionIP()
	count := c.Instructions - 1 // the instruction doing it has been counted
	if !t.keep(c.Linear(cs, ip), count) {
		return
	}
	b := fmt.Appendf(t.line[:0], "io   %10d ", count)
	switch {
	case a.Out && a.Word:
		b = fmt.Appendf(b, "OUT %04X <- %04X ", a.Port, a.Value)
	case a.Out:
		b = fmt.Appendf(b, "OUT %04X <- %02X   ", a.Port, a.Value)
	case a.Word:
		b = fmt.Appendf(b, "IN  %04X -> %04X ", a.Port, a.Value)
	default:
		b = fmt.Appendf(b, "IN  %04X -> %02X   ", a.Port, a.Value)
	}
	b = fmt.Appendf(b, " %-18s at %04X:%04X\n", a.Device, cs, ip)
	t.write(b)
	t.line = b
}

func (t *Tracer) write(b []byte) {
	if t.err != nil {
		return
	}
	if _, err := t.w.Write(b); err != nil {
		t.err = err
	}
}

// exceptionNames are the processor's own vectors (Intel 80286 PRM,
// "Interrupt Priorities"; 8086 manual, 2-25).
var exceptionNames = [8]string{
	0: "divide error", 1: "single step", 2: "NMI", 3: "breakpoint", 4: "overflow (INTO)",
	5: "BOUND range exceeded", 6: "invalid opcode", 7: "processor extension not available",
}

// vectorNames name the PC's interrupt vectors (IBM 5170 Technical
// Reference; Ralf Brown's Interrupt List for DOS's).
var vectorNames = map[uint8]string{
	0x08: "timer", 0x09: "keyboard", 0x0E: "diskette",
	0x10: "video", 0x11: "equipment list", 0x12: "memory size", 0x13: "disk",
	0x14: "serial", 0x15: "system services", 0x16: "keyboard", 0x17: "printer",
	0x18: "no boot device", 0x19: "bootstrap", 0x1A: "time of day", 0x1B: "Ctrl-Break",
	0x1C: "user timer tick", 0x20: "DOS: terminate", 0x21: "DOS", 0x28: "DOS idle",
	0x2F: "multiplex", 0x33: "mouse", 0x70: "real-time clock", 0x74: "PS/2 mouse",
	0x76: "hard disk",
}
