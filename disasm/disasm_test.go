package disasm

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"pcemu/cpu"
)

// What each model makes of the encodings that differ between them, and
// the spelling choices of format.go.
func TestDecodeByModel(t *testing.T) {
	const all, m86, m186, m286 = 7, 1, 2, 4
	for _, c := range []struct {
		models int
		code   string
		want   string
		undoc  bool
		fault  Fault
	}{
		{all, "8B4004", "mov ax,WORD PTR [bx+si+0x4]", false, 0},
		{all, "8B870080", "mov ax,WORD PTR [bx-0x8000]", false, 0},
		{all, "8B4600", "mov ax,WORD PTR [bp+0x0]", false, 0},
		{all, "A10001", "mov ax,[0x100]", false, 0},
		{all, "26A10001", "mov ax,es:[0x100]", false, 0},
		{all, "C606000105", "mov BYTE PTR [0x100],0x5", false, 0},
		{all, "F3A5", "rep movsw", false, 0},
		{all, "F32EA5", "rep cs movsw", false, 0},
		{all, "2EF3A5", "rep cs movsw", false, 0},
		{all, "26AA", "es stosb", false, 0},
		{all, "F3A6", "repz cmpsb", false, 0},
		{all, "F2AE", "repnz scasb", false, 0},
		{all, "F3F3A4", "repz rep movsb", false, 0},
		{all, "2ED7", "cs xlat", false, 0},
		{all, "26 2E 8B07", "es mov ax,WORD PTR cs:[bx]", false, 0},
		{all, "2E90", "cs nop", false, 0},
		{all, "F00107", "lock add WORD PTR [bx],ax", false, 0},
		{all, "EA5BE000F0", "jmp 0xf000:0xe05b", false, 0},
		{all, "FF1F", "call DWORD PTR [bx]", false, 0},
		{all, "EBFE", "jmp 0x100", false, 0},
		{all, "E9FDFE", "jmp 0x0", false, 0},
		{all, "83C0FF", "add ax,0xffff", false, 0},
		{all, "D1E0", "shl ax,1", false, 0},
		{all, "D2E0", "shl al,cl", false, 0},
		{all, "91", "xchg cx,ax", false, 0},
		{all, "CD21", "int 0x21", false, 0},
		{all, "9B", "fwait", false, 0},
		{all, "DBE3", "fninit", false, 0},
		{all, "D8C1", "fadd st,st(1)", false, 0},
		{all, "DCE1", "fsubr st(1),st", false, 0},
		{all, "DEE9", "fsubp st(1),st", false, 0},
		{all, "DF2F", "fild QWORD PTR [bx]", false, 0},
		{all, "DD37", "fnsave [bx]", false, 0},
		{all, "DDE0", "esc 0x2c,st(0)", false, 0}, // the 387's FUCOM
		{m86 | m186, "DFE0", "esc 0x3c,st(0)", false, 0},
		{m286, "DFE0", "fnstsw ax", false, 0},
		{all, "D6", "salc", true, 0},
		{all, "F190", "lock nop", true, 0},
		{all, "82C005", "add al,0x5", true, 0},
		{all, "F6C805", "test al,0x5", true, 0},
		{all, "FFF0", "push ax", false, 0},
		{all, "FFF8", "push ax", true, 0},
		{all, "F390", "repz nop", true, 0},
		{m86 | m186, "8EC8", "mov cs,ax", true, 0},

		// 8086
		{m86, "0F", "pop cs", true, 0},
		{m86, "60FE", "jo 0x100", true, 0},
		{m86, "6F00", "jg 0x102", true, 0},
		{m86, "C00400", "ret 0x4", true, 0},
		{m86, "C1", "ret", true, 0},
		{m86, "C80400", "retf 0x4", true, 0},
		{m86, "C9", "retf", true, 0},
		{m86, "D0F0", "setmo al", true, 0},
		{m86, "D3F3", "setmoc bx", true, 0},
		{m86, "FE10", "call WORD PTR [bx+si]", true, 0},
		{m86, "FED8", "call far ax", true, 0},
		{m86, "FFE8", "jmp far ax", true, 0},
		{m86, "8DC3", "lea ax,bx", true, 0},
		{m86, "8CE0", "mov ax,es", true, 0},
		{m86, "8F08", "pop WORD PTR [bx+si]", true, 0},
		{m86, "C7C83412", "mov ax,0x1234", true, 0},

		// 80186 and 80286
		{m186 | m286, "60", "pusha", false, 0},
		{m186 | m286, "6207", "bound ax,DWORD PTR [bx]", false, 0},
		{m186 | m286, "6AFF", "push 0xffff", false, 0},
		{m186 | m286, "6BC3FF", "imul ax,bx,0xffff", false, 0},
		{m186 | m286, "6C", "insb", false, 0},
		{m186 | m286, "C0C405", "rol ah,0x5", false, 0},
		{m186 | m286, "C8040001", "enter 0x4,0x1", false, 0},
		{m186 | m286, "C9", "leave", false, 0},
		{m186 | m286, "D0F0", "shl al,1", true, 0},
		{m186 | m286, "64", "(bad)", false, InvalidOpcode},
		{m186 | m286, "62C0", "(bad)", false, InvalidOpcode},
		{m186 | m286, "8DC3", "(bad)", false, InvalidOpcode},
		{m186 | m286, "FE10", "(bad)", false, InvalidOpcode},
		{m186 | m286, "FFD8", "(bad)", false, InvalidOpcode},
		{m186, "0F", "(bad)", false, InvalidOpcode},
		{m186, "63", "(bad)", false, InvalidOpcode},
		{m186, "8CE0", "mov ax,es", true, 0},
		{m186, "8F08", "pop WORD PTR [bx+si]", true, 0},

		// 80286
		{m286, "63C0", "arpl ax,ax", false, InvalidOpcode},
		{m286, "0F00C0", "sldt ax", false, InvalidOpcode},
		{m286, "0F0307", "lsl ax,WORD PTR [bx]", false, InvalidOpcode},
		{m286, "0F0107", "sgdt [bx]", false, 0},
		{m286, "0F011F", "lidt [bx]", false, 0},
		{m286, "0F01E0", "smsw ax", false, 0},
		{m286, "0F01F0", "lmsw ax", false, 0},
		{m286, "0F01C0", "(bad)", false, InvalidOpcode},
		{m286, "0F05", "loadall", true, 0},
		{m286, "0F06", "clts", false, 0},
		{m286, "0FA2", "(bad)", false, InvalidOpcode},
		{m286, "8CE0", "(bad)", false, InvalidOpcode},
		{m286, "8EC8", "(bad)", false, InvalidOpcode},
		{m286, "8F08", "(bad)", false, InvalidOpcode},
		{m286, "3E3E3E3E3E3E3E3E90", "ds ds ds ds ds ds ds ds nop", false, 0},
		{m286, "3E3E3E3E3E3E3E3E3E3E90", "ds ds ds ds ds ds ds ds ds ds nop", false, TooLong},
	} {
		code := unhex(t, c.code)
		for m := cpu.Model8086; m <= cpu.Model80286; m++ {
			if c.models&(1<<m) == 0 {
				continue
			}
			in, err := Decode(append(code, 0x90, 0x90, 0x90), 0x100, m)
			if err != nil {
				t.Errorf("%s %s: %v", modelNames[m], c.code, err)
				continue
			}
			undoc := c.undoc
			if got := in.String(); got != c.want || in.Len != len(code) || in.Undocumented != undoc || in.Fault != c.fault {
				t.Errorf("%s %s: %q (%d bytes, undocumented %v, fault %d), want %q (%d bytes, %v, %d)",
					modelNames[m], c.code, got, in.Len, in.Undocumented, in.Fault, c.want, len(code), undoc, c.fault)
			}
		}
	}
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q", s)
	}
	return b
}

func TestOperandInfo(t *testing.T) {
	dec := func(s string, m cpu.Model) Inst {
		in, err := Decode(unhex(t, s), 0x7C00, m)
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	in := dec("8B4004", cpu.Model8086) // mov ax,[bx+si+4]
	if in.Reads != rBX|rSI|RegDS || in.Writes != rAX {
		t.Errorf("mov ax,[bx+si+4]: reads %#x writes %#x", in.Reads, in.Writes)
	}
	regs := [8]uint16{cpu.BX: 0x1000, cpu.SI: 0x20}
	if m := in.Mem(); m == nil || m.Offset(&regs) != 0x1024 || m.Seg != cpu.DS || m.Access != Read || m.Size != 2 {
		t.Errorf("mov ax,[bx+si+4]: memory operand %+v", in.Mem())
	}
	in = dec("36 8903", cpu.Model8086) // mov ss:[bp+di],ax
	if m := in.Mem(); m.Seg != cpu.SS || m.Access != Write || in.Reads != rAX|rBP|rDI|RegSS {
		t.Errorf("mov ss:[bp+di],ax: %+v reads %#x", m, in.Reads)
	}
	in = dec("F3A4", cpu.Model8086)
	if in.Reads&(rCX|rSI|rDI|RegDS|RegES|RegFlags) != rCX|rSI|rDI|RegDS|RegES|RegFlags || in.Writes != rCX|rSI|rDI {
		t.Errorf("rep movsb: reads %#x writes %#x", in.Reads, in.Writes)
	}
	in = dec("E8FD00", cpu.Model8086) // call 0x7d00
	if seg, off, ok := in.Target(0x0000); !ok || seg != 0 || off != 0x7D00 || in.Flow != FlowCall || in.Next() != 0x7C03 {
		t.Errorf("call: target %04X:%04X %v flow %d next %04X", seg, off, ok, in.Flow, in.Next())
	}
	in = dec("7405", cpu.Model8086)
	if _, off, ok := in.Target(0); !ok || off != 0x7C07 || in.Flow != FlowBranch || in.Reads != RegFlags {
		t.Errorf("je: %+v", in)
	}
	in = dec("EA5BE000F0", cpu.Model80286)
	if got := in.Line(0xF000); got != "F000:7C00  EA5BE000F0         jmp 0xf000:0xe05b" {
		t.Errorf("Line = %q", got)
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, s := range []string{"", "8B", "8B40", "2E", "F3F3", "EA5BE000", "0F"} {
		if _, err := Decode(unhex(t, s), 0, cpu.Model80286); !errors.Is(err, ErrTruncated) {
			t.Errorf("%q: %v, want ErrTruncated", s, err)
		}
	}
	if _, err := Decode([]byte{0x90}, 0, cpu.Model(7)); err == nil {
		t.Error("model 7 decoded")
	}
	// A run of 64 prefixes is one instruction of prefixes alone, as the
	// run loop ends it there.
	run := bytes.Repeat([]byte{0x2E}, 70)
	in, err := Decode(run, 0, cpu.Model8086)
	if err != nil || in.Len != MaxPrefixes+1 || in.Mnemonic != "" || !strings.HasPrefix(in.String(), "cs cs") {
		t.Errorf("64 prefixes: %v %d %q", err, in.Len, in.String())
	}
}

// FuzzDecode: any bytes decode without a panic to an instruction inside
// them, or ErrTruncated.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"8B4004", "F32EA5", "0F01E0", "DFE0", "C7C83412", "3E3E3E3E3E3E3E3E3E3E90"} {
		f.Add(unhex(f, s))
	}
	f.Fuzz(func(t *testing.T, code []byte) {
		for m := cpu.Model8086; m <= cpu.Model80286; m++ {
			in, err := Decode(code, 0xFFF0, m)
			if err != nil {
				if !errors.Is(err, ErrTruncated) {
					t.Fatal(err)
				}
				continue
			}
			if in.Len < 1 || in.Len > len(code) || in.Len > MaxLen || !bytes.Equal(in.Bytes, code[:in.Len]) {
				t.Fatalf("% X: length %d", code, in.Len)
			}
			if in.String() == "" {
				t.Fatalf("% X: no text", code)
			}
			_ = in.Line(0)
		}
	})
}

// BenchmarkDecode decodes a random byte stream (as a trace would, one
// instruction at a time) and reports millions of instructions per second.
func BenchmarkDecode(b *testing.B) {
	code := make([]byte, 1<<16)
	for i := range code {
		code[i] = byte(i*7919 + i>>5)
	}
	n := 0
	var text []byte
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		off := 0
		for off < len(code)-MaxLen {
			in, err := Decode(code[off:], uint16(off), cpu.Model80286)
			if err != nil {
				b.Fatal(err)
			}
			text = in.AppendText(text[:0])
			off += in.Len
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds()/1e6, "Minst/s")
}
