package gdbstub

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"pcemu/cpu"
)

// The register file as gdb's i386 target sees it: the order and sizes of
// its org.gnu.gdb.i386.core feature (gdb/features/i386/32bit-core.xml),
// which i386_validate_tdesc_p requires whole, x87 registers included.
// The 16-bit registers are the low halves of their 32-bit names (eip is
// IP, as QEMU reports it in real mode: gdb's $pc is the offset, and code
// lives at $cs*16+$eip); fs and gs, which these processors lack, read 0;
// there is no x87, so its registers read as FNINIT leaves them.

// reg is one register of the layout.
type reg struct {
	name string
	size int    // bytes in the g packet
	typ  string // the tdesc type
	grp  string // the tdesc group, if any
}

var layout = func() []reg {
	var l []reg
	for _, n := range []string{"eax", "ecx", "edx", "ebx"} {
		l = append(l, reg{n, 4, "int32", ""})
	}
	l = append(l, reg{"esp", 4, "data_ptr", ""}, reg{"ebp", 4, "data_ptr", ""})
	l = append(l, reg{"esi", 4, "int32", ""}, reg{"edi", 4, "int32", ""})
	l = append(l, reg{"eip", 4, "code_ptr", ""}, reg{"eflags", 4, "i386_eflags", ""})
	for _, n := range []string{"cs", "ss", "ds", "es", "fs", "gs"} {
		l = append(l, reg{n, 4, "int32", ""})
	}
	for i := range 8 {
		l = append(l, reg{fmt.Sprintf("st%d", i), 10, "i387_ext", ""})
	}
	for _, n := range []string{"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"} {
		l = append(l, reg{n, 4, "int", "float"})
	}
	return l
}()

// Register numbers of the layout.
const (
	regEIP    = 8
	regEFLAGS = 9
	regCS     = 10
	regFS     = 14
	regST0    = 16
	regFCTRL  = 24
	regFTAG   = 26
	numRegs   = 32
)

// gprOf maps layout numbers 0-7 to cpu register numbers: gdb's order is
// the ModRM order (eax ecx edx ebx esp ebp esi edi), as cpu's is.
// segOf maps 10-13 (cs ss ds es) to cpu segment numbers.
var segOf = [4]int{cpu.CS, cpu.SS, cpu.DS, cpu.ES}

// regOffset is where register n starts in the g packet.
func regOffset(n int) int {
	off := 0
	for i := range n {
		off += layout[i].size
	}
	return off
}

// gSize is the length of the g packet's data in bytes.
var gSize = regOffset(numRegs)

// readReg returns register n's bytes, little-endian, from c.
func readReg(c *cpu.CPU, n int) []byte {
	b := make([]byte, layout[n].size)
	var v uint32
	switch {
	case n < 8:
		v = uint32(c.Regs[n])
	case n == regEIP:
		v = uint32(c.IP)
	case n == regEFLAGS:
		v = uint32(c.Flags())
	case n >= regCS && n < regFS:
		v = uint32(c.Segs[segOf[n-regCS]])
	case n == regFCTRL:
		v = 0x037F // FNINIT's control word
	case n == regFTAG:
		v = 0xFFFF // every register empty
	}
	if len(b) >= 4 {
		binary.LittleEndian.PutUint32(b, v)
	}
	return b
}

// errRegValue: a register write gdb sent that the layout cannot take.
var errRegValue = errors.New("bad register value")

// writeReg stores register n from its bytes. The 32-bit names keep their
// low 16 bits; fs, gs and the x87 registers do not exist here: a write of
// anything but zero to them (or FNINIT's values to the x87 control and tag
// words) is refused.
func writeReg(c *cpu.CPU, n int, b []byte) error {
	if len(b) != layout[n].size {
		return fmt.Errorf("%w: register %s is %d bytes, got %d", errRegValue, layout[n].name, layout[n].size, len(b))
	}
	var v uint32
	if len(b) >= 4 {
		v = binary.LittleEndian.Uint32(b)
	}
	switch {
	case n < 8:
		c.Regs[n] = uint16(v)
	case n == regEIP:
		c.IP = uint16(v)
	case n == regEFLAGS:
		c.SetFlags(uint16(v))
	case n >= regCS && n < regFS:
		c.Segs[segOf[n-regCS]] = uint16(v)
	default:
		cur := readReg(c, n)
		if string(cur) != string(b) {
			return fmt.Errorf("%w: register %s does not exist on this processor", errRegValue, layout[n].name)
		}
	}
	return nil
}

// targetXML is the target description gdb reads with qXfer:features:read.
// The architecture is i8086, gdb's i386 in 16-bit mode: its disassembler
// decodes real-mode code and $pc is the 16-bit IP.
var targetXML = func() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>
<!DOCTYPE target SYSTEM "gdb-target.dtd">
<target version="1.0">
  <architecture>i8086</architecture>
  <osabi>none</osabi>
  <feature name="org.gnu.gdb.i386.core">
    <flags id="i386_eflags" size="4">
      <field name="CF" start="0" end="0"/>
      <field name="" start="1" end="1"/>
      <field name="PF" start="2" end="2"/>
      <field name="AF" start="4" end="4"/>
      <field name="ZF" start="6" end="6"/>
      <field name="SF" start="7" end="7"/>
      <field name="TF" start="8" end="8"/>
      <field name="IF" start="9" end="9"/>
      <field name="DF" start="10" end="10"/>
      <field name="OF" start="11" end="11"/>
      <field name="NT" start="14" end="14"/>
    </flags>
`)
	for i, r := range layout {
		fmt.Fprintf(&b, `    <reg name="%s" bitsize="%d" type="%s" regnum="%d"`, r.name, r.size*8, r.typ, i)
		if r.grp != "" {
			fmt.Fprintf(&b, ` group="%s"`, r.grp)
		}
		b.WriteString("/>\n")
	}
	b.WriteString("  </feature>\n</target>\n")
	return b.String()
}()
