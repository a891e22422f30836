package disasm

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"pcemu/cpu"
	"pcemu/internal/shared"
)

// The cross-check against GNU objdump (Debian's binutils):
//
//	objdump -D -b binary -m i8086 -M intel
//
// over every opcode form and over large random byte streams, for each
// model. objdump's i8086 is 16-bit code for the 386 and later (operand- and
// address-size prefixes, FS/GS, the 386's two-byte opcodes, the 387), and
// it knows few of the 8086's undocumented encodings, so the two disagree
// where the processors do; every disagreement must have a reason (explain),
// and on the model's documented instructions there must be none.

var modelNames = [3]string{"8086", "80186", "80286"}

// objLine is one instruction as objdump printed it.
type objLine struct {
	off   int
	bytes []byte
	text  string
}

// objdump disassembles code (loaded at offset 0) and returns its lines.
func objdump(t *testing.T, code []byte) []objLine {
	t.Helper()
	tool := shared.Tool(t, "objdump")
	f := filepath.Join(t.TempDir(), "code.bin")
	if err := os.WriteFile(f, code, 0o644); err != nil {
		t.Fatal(err)
	}
	// -z: do not fold runs of zero bytes into "..."; --insn-width: all
	// bytes of an instruction on its line.
	cmd := exec.Command(tool, "-D", "-z", "--insn-width=16", "-b", "binary", "-m", "i8086", "-M", "intel", f)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("objdump: %v", err)
	}
	line := regexp.MustCompile(`^\s*([0-9a-f]+):\t([0-9a-f ]+)\t(.*)$`)
	var lines []objLine
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		off, _ := strconv.ParseInt(m[1], 16, 64)
		b, err := hex.DecodeString(strings.ReplaceAll(strings.TrimSpace(m[2]), " ", ""))
		if err != nil {
			t.Fatalf("objdump line %q: %v", sc.Text(), err)
		}
		lines = append(lines, objLine{off: int(off), bytes: b, text: m[3]})
	}
	return lines
}

var (
	reSpaces     = regexp.MustCompile(`\s+`)
	reAnnotation = regexp.MustCompile(`\((8087|287) only\)`)
	reDirect     = regexp.MustCompile(`\b([cdefgs]s):(0x[0-9a-f]+)\b`)
	reString     = regexp.MustCompile(`^((?:[a-z]+ )*?)(movs|cmps|stos|lods|scas|ins|outs|xlat) (.*)$`)
	reStringSrc  = regexp.MustCompile(`\b([cdefgs]s):\[(si|bx)\]`)
	reBranch     = regexp.MustCompile(`^((?:[a-z]+ )*(?:j[a-z]+|loop[a-z]*|call)) 0x([0-9a-f]+)$`)
)

// normalize maps objdump's spelling of one line to ours. Each rule is a
// difference of spelling, not of decoding:
//
//  1. Runs of blanks are one space (objdump pads the mnemonic to a column).
//  2. "(8087 only)" and "(287 only)" after FENI, FDISI, FSETPM are notes.
//  3. (FWAIT: see unfuse.)
//  4. sgdtw/sidtw/lgdtw/lidtw: GNU's operand-size suffix.
//  5. A direct address "ds:0x100" is "[0x100]", with its segment written
//     only when a prefix overrides (objdump writes ds: always).
//  6. String instructions and XLAT with their implicit operands ("movs WORD
//     PTR es:[di],WORD PTR cs:[si]") are "movsw"; an overridden source
//     segment becomes the word before the mnemonic: "cs movsw".
//  7. A branch target past FFFFh (objdump adds in 32 bits) wraps at 64 KiB
//     as IP does.
//  8. Later CPUs' names for the prefix bytes: "notrack" is 3Eh (DS) before
//     an indirect CALL/JMP (CET), "bnd" F2h before a branch (MPX),
//     "xacquire"/"xrelease" F2h/F3h before a locked instruction (HLE).
func normalize(l objLine) objLine {
	text := strings.TrimSpace(reSpaces.ReplaceAllString(l.text, " "))
	text = strings.TrimSpace(reAnnotation.ReplaceAllString(text, ""))
	override := ""
	for _, b := range l.bytes {
		if isSegPrefix(b) {
			override = segNames[b>>3&3]
		} else if b != 0xF0 && b != 0xF1 && b != 0xF2 && b != 0xF3 {
			break
		}
	}

	if mn, rest, ok := strings.Cut(text, " "); ok {
		switch mn {
		case "sgdtw", "sidtw", "lgdtw", "lidtw":
			text = mn[:len(mn)-1] + " " + rest
		}
	}
	words := strings.Split(text, " ")
	for k, w := range words {
		switch w {
		case "bnd", "xacquire":
			words[k] = "repnz"
		case "xrelease":
			words[k] = "repz"
		case "notrack":
			if strings.Contains(text, " PTR ") && override == "ds" { // memory: the override is written in it
				words[k] = ""
				for m := k + 1; m < len(words); m++ {
					if i := strings.Index(words[m], "["); i >= 0 && !strings.Contains(words[m], ":[") {
						words[m] = words[m][:i] + "ds:" + words[m][i:]
						break
					}
				}
			} else {
				words[k] = "ds"
			}
		}
	}
	text = strings.TrimSpace(reSpaces.ReplaceAllString(strings.Join(words, " "), " "))

	text = reDirect.ReplaceAllStringFunc(text, func(s string) string {
		m := reDirect.FindStringSubmatch(s)
		if m[1] == "ds" && override != "ds" {
			return "[" + m[2] + "]"
		}
		return m[1] + ":[" + m[2] + "]"
	})

	if m := reString.FindStringSubmatch(text); m != nil {
		mn := m[2]
		switch {
		case mn == "xlat":
		case strings.Contains(m[3], "BYTE PTR"):
			mn += "b"
		case strings.Contains(m[3], "WORD PTR"):
			mn += "w"
		}
		if reStringSrc.MatchString(m[3]) && override != "" {
			mn = override + " " + mn
		}
		text = m[1] + mn
	}

	if m := reBranch.FindStringSubmatch(text); m != nil {
		v, _ := strconv.ParseUint(m[2], 16, 64)
		text = m[1] + " 0x" + strconv.FormatUint(v&0xFFFF, 16)
	}
	l.text = text
	return l
}

// Kinds of disagreement, each with its reason.
var kinds = map[string]string{
	"386 prefixes 64h-67h": "objdump decodes 64h-67h as the 386's FS/GS and operand/address-size prefixes; " +
		"the 8086 runs them as Jcc (60h-6Fh mirror 70h-7Fh), the 80186/80286 raise #UD",
	"386 registers": "objdump names the 386's FS and GS for segment register fields 4 and 5; " +
		"the 8086/80186 use the low two bits (ES, CS, SS, DS), the 80286 raises #UD",
	"0Fh before the 80286":   "objdump decodes the 386's two-byte opcodes; the 8086 runs 0Fh as POP CS, the 80186 raises #UD",
	"0F xx not on the 80286": "objdump decodes a 386-or-later two-byte opcode; the 80286 raises #UD",
	"LOADALL":                "0F 05 is the 80286's undocumented LOADALL; objdump decodes AMD's SYSCALL",
	"x87 not on the 8087/80287": "an ESC encoding the 8087/80287 do not define (a 387-or-later instruction such as FUCOM, " +
		"FSIN, FISTTP, or a reserved one): we write esc N,operand, objdump the later name or (bad)",
	"undefined, length": "both decode an undefined encoding; objdump skips its own count of bytes, " +
		"we count the bytes the CPU decodes before it raises #UD (opcode, ModRM, displacement)",
	"invalid on the model": "the model raises #UD (interrupt 6) where objdump decodes a later CPU's instruction " +
		"(80186 instructions on the 8086's map are aliases instead: see below)",
	"8086 Jcc aliases 60h-6Fh":   "the 8086 decodes 60h-6Fh as 70h-7Fh (Jcc rel8); objdump decodes the 80186/386 instructions there",
	"8086 RET aliases C0h-C9h":   "the 8086 decodes C0h/C1h as RET imm16/RET and C8h/C9h as RETF imm16/RETF; objdump decodes the 80186's shifts, ENTER, LEAVE",
	"8086 SETMO":                 "the 8086's D0h-D3h /6 sets the operand to all ones (SETMO, SETMOC with CL); objdump decodes the 386's SAL alias",
	"unchecked reg field":        "8Fh, C6h, C7h with reg 1-7: the 8086 and 80186 ignore the field (POP, MOV); objdump (bad)",
	"8086 FE /2-/7":              "the 8086 runs FE /2-/7 as FF /2-/7 (CALL, JMP, PUSH); objdump (bad)",
	"FF /7 PUSH alias":           "FF /7 pushes as FF /6 on every model the cpu package emulates; objdump (bad)",
	"8086 register EA":           "LEA/LES/LDS and far CALL/JMP through a register: the 8086 uses the last memory operand's offset; objdump (bad)",
	"SALC":                       "D6h is the undocumented SALC (AL = CF ? FFh : 00h); objdump (bad)",
	"F1h LOCK alias":             "F1h is an undocumented alias of the LOCK prefix; objdump decodes the 386's INT1 (ICEBP)",
	"REP before a non-string op": "REP/REPNE before an instruction that is not a string instruction (undocumented; the 8086 negates IMUL/IDIV results); objdump may name it by a later CPU (PAUSE)",
	"prefix run":                 "64 prefixes: the run loop ends the instruction there (cpu maxPrefixes)",
}

// unfuse splits the lines where objdump printed FWAIT (9Bh, with the
// prefixes before it) and the instruction after it as one: "9B DB E3
// finit" (Intel's WAIT form of FNINIT), or "9B 36 ss fwait" where the
// prefix belongs to the next instruction. The CPU executes WAIT as an
// instruction of its own, so objdump decodes each piece again alone,
// followed by NOPs so that it has nothing to fuse with: the prefixes and
// 9Bh, each further 9Bh, and the rest (prefixes left over are decoded with
// the line after them).
func unfuse(t *testing.T, lines []objLine) []objLine {
	t.Helper()
	isPrefix := func(b byte) bool { return isSegPrefix(b) || b >= 0xF0 && b <= 0xF3 }
	type piece struct{ off, at int } // offset in the stream, in again
	type entry struct {
		line   objLine
		pieces []piece // when the line is split
	}
	var again []byte
	var out []entry
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		k := 0
		for k < len(l.bytes) && isPrefix(l.bytes[k]) {
			k++
		}
		if k >= len(l.bytes)-1 || l.bytes[k] != 0x9B {
			out = append(out, entry{line: l})
			continue
		}
		var e entry
		add := func(off int, b []byte) {
			e.pieces = append(e.pieces, piece{off: off, at: len(again)})
			again = append(again, b...)
			again = append(again, 0x90, 0x90, 0x90, 0x90)
		}
		add(l.off, l.bytes[:k+1])
		for k++; k < len(l.bytes) && l.bytes[k] == 0x9B; k++ {
			add(l.off+k, l.bytes[k:k+1])
		}
		rest := append([]byte(nil), l.bytes[k:]...)
		onlyPrefixes := true
		for _, b := range rest {
			onlyPrefixes = onlyPrefixes && isPrefix(b)
		}
		if len(rest) > 0 && onlyPrefixes && i+1 < len(lines) {
			i++
			rest = append(rest, lines[i].bytes...)
		}
		if len(rest) > 0 {
			add(l.off+k, rest)
		}
		out = append(out, e)
	}
	if len(again) == 0 {
		return lines
	}
	byAt := map[int]objLine{}
	for _, l := range objdump(t, again) {
		byAt[l.off] = l
	}
	var res []objLine
	for _, e := range out {
		if e.pieces == nil {
			res = append(res, e.line)
			continue
		}
		for _, p := range e.pieces {
			l := byAt[p.at]
			l.off = p.off
			res = append(res, l)
		}
	}
	return res
}

// explain gives the kind of disagreement between ours and objdump's
// (normalised) decoding of the same bytes, or "" when none explains it.
func explain(model cpu.Model, in *Inst, o objLine) string {
	op := in.Bytes[in.Prefixes:]
	if len(op) == 0 {
		return "prefix run"
	}
	first := op[0]
	reg := -1
	if len(op) > 1 {
		reg = int(op[1] >> 3 & 7)
	}
	is8086 := model == cpu.Model8086
	switch {
	case first >= 0x64 && first <= 0x67:
		return "386 prefixes 64h-67h"
	case (first == 0x8C || first == 0x8E) && reg >= 4 && strings.ContainsAny(o.text, "?") ||
		regexp.MustCompile(`\b[fg]s\b`).MatchString(o.text) && (first == 0x8C || first == 0x8E):
		return "386 registers"
	case first == 0x0F && model != cpu.Model80286:
		return "0Fh before the 80286"
	case in.Mnemonic == "loadall":
		return "LOADALL"
	case first == 0x0F && in.Mnemonic == "(bad)":
		return "0F xx not on the 80286"
	case in.x87 && in.Mnemonic == "esc":
		return "x87 not on the 8087/80287"
	case in.Mnemonic == "(bad)" && o.text == in.String():
		return "undefined, length"
	case in.Mnemonic == "(bad)":
		return "invalid on the model"
	case !in.Undocumented:
		return ""
	case is8086 && first >= 0x60 && first <= 0x6F:
		return "8086 Jcc aliases 60h-6Fh"
	case is8086 && (first == 0xC0 || first == 0xC1 || first == 0xC8 || first == 0xC9):
		return "8086 RET aliases C0h-C9h"
	case is8086 && first >= 0xD0 && first <= 0xD3 && reg == 6:
		return "8086 SETMO"
	case (first == 0x8F || first == 0xC6 || first == 0xC7) && reg > 0:
		return "unchecked reg field"
	case is8086 && first == 0xFE && reg >= 2:
		return "8086 FE /2-/7"
	case first == 0xFF && reg == 7:
		return "FF /7 PUSH alias"
	case is8086 && len(op) > 1 && op[1] >= 0xC0 && (first == 0x8D || first == 0xC4 || first == 0xC5 || first == 0xFF):
		return "8086 register EA"
	case first == 0xD6:
		return "SALC"
	case bytes.IndexByte(in.Bytes[:in.Prefixes], 0xF1) >= 0:
		return "F1h LOCK alias"
	case in.Rep != 0 && !in.isString():
		return "REP before a non-string op"
	}
	return ""
}

// documented reports whether an instruction is one Intel documents for the
// model: there ours and objdump must agree.
func documented(in *Inst) bool {
	return !in.Undocumented && in.Mnemonic != "(bad)" && in.Mnemonic != "esc" && in.Mnemonic != ""
}

// tally counts a comparison.
type tally struct {
	compared, agreed       int
	docCompared, docAgreed int
	kinds                  map[string]*kindCount
	unexplained            []string
	docFailures            []string
}

type kindCount struct {
	n        int
	reason   string
	examples []string
}

// examplesPerKind is how many examples the report lists for each kind of
// disagreement (DISASM_EXAMPLES=n lists more).
func examplesPerKind() int {
	if n, err := strconv.Atoi(os.Getenv("DISASM_EXAMPLES")); err == nil {
		return n
	}
	return 1
}

func (t *tally) add(model cpu.Model, in *Inst, o objLine, ok bool) {
	t.compared++
	doc := documented(in)
	if doc {
		t.docCompared++
	}
	if ok {
		t.agreed++
		if doc {
			t.docAgreed++
		}
		return
	}
	ex := fmt.Sprintf("% X: ours %q (%d bytes), objdump %q (%d bytes)", in.Bytes, in.String(), in.Len, o.text, len(o.bytes))
	if doc {
		t.docFailures = append(t.docFailures, ex)
	}
	kind := explain(model, in, o)
	if kind == "" {
		t.unexplained = append(t.unexplained, ex)
		return
	}
	reason := kinds[kind]
	if t.kinds == nil {
		t.kinds = map[string]*kindCount{}
	}
	k := t.kinds[kind]
	if k == nil {
		k = &kindCount{reason: reason}
		t.kinds[kind] = k
	}
	if len(k.examples) < examplesPerKind() {
		k.examples = append(k.examples, ex)
	}
	k.n++
}

// compare decodes code with model and objdump in lock step: where both
// start an instruction at the same offset the two are compared; after a
// difference in length each side goes on from its own decoding until they
// meet again. at, when not nil, limits the comparison to those offsets.
func compare(t *testing.T, model cpu.Model, code []byte, theirs []objLine, at map[int]bool, tl *tally) {
	t.Helper()
	j := 0
	for off := 0; off < len(code); {
		in, err := Decode(code[off:], uint16(off), model)
		if err != nil {
			break // the end of the stream
		}
		for j < len(theirs) && theirs[j].off < off {
			j++
		}
		if j < len(theirs) && theirs[j].off == off && (at == nil || at[off]) {
			o := theirs[j]
			tl.add(model, &in, o, o.text == in.String() && len(o.bytes) == in.Len)
		}
		off += in.Len
	}
}

func (tl *tally) report(t *testing.T, what string) {
	t.Helper()
	pct := func(a, b int) float64 {
		if b == 0 {
			return 100
		}
		return 100 * float64(a) / float64(b)
	}
	t.Logf("%s: %d of %d instructions agree with objdump (%.2f%%); documented: %d of %d (%.2f%%)",
		what, tl.agreed, tl.compared, pct(tl.agreed, tl.compared), tl.docAgreed, tl.docCompared, pct(tl.docAgreed, tl.docCompared))
	var names []string
	for k := range tl.kinds {
		names = append(names, k)
	}
	sort.Slice(names, func(a, b int) bool { return tl.kinds[names[a]].n > tl.kinds[names[b]].n })
	for _, k := range names {
		c := tl.kinds[k]
		t.Logf("  %6d  %-28s %s\n          e.g. %s", c.n, k, c.reason, strings.Join(c.examples, "\n               "))
	}
	for i, s := range tl.docFailures {
		if i == 20 {
			t.Errorf("... and %d more", len(tl.docFailures)-i)
			break
		}
		t.Errorf("documented instruction differs: %s", s)
	}
	for i, s := range tl.unexplained {
		if i == 20 {
			t.Errorf("... and %d more", len(tl.unexplained)-i)
			break
		}
		t.Errorf("unexplained difference: %s", s)
	}
}

// objdumpNormalized runs objdump over code and normalises its lines.
func objdumpNormalized(t *testing.T, code []byte) []objLine {
	var theirs []objLine
	for _, l := range unfuse(t, objdump(t, code)) {
		theirs = append(theirs, normalize(l))
	}
	return theirs
}

// formsCorpus lays out every opcode form: each opcode byte with every
// ModRM byte it may take (and each 0F second byte, as on the 80286),
// each prefix before a sample of forms, followed by displacement and
// immediate bytes and NOPs where both decoders meet again. It returns the
// code and the offsets of the forms.
func formsCorpus() ([]byte, map[int]bool) {
	var code []byte
	at := map[int]bool{}
	tail := []byte{0x34, 0x92, 0x78, 0x86}
	pad := bytes.Repeat([]byte{0x90}, 12)
	emit := func(form ...byte) {
		at[len(code)] = true
		code = append(code, form...)
		code = append(code, tail...)
		code = append(code, pad...)
	}
	for op := 0; op < 256; op++ {
		if op == 0x0F {
			for op2 := 0; op2 < 256; op2++ {
				for m := 0; m < 256; m++ {
					emit(0x0F, byte(op2), byte(m))
					if op2 > 3 {
						break // no ModRM
					}
				}
			}
			continue
		}
		for m := 0; m < 256; m++ {
			emit(byte(op), byte(m))
		}
	}
	for _, p := range []byte{0x26, 0x2E, 0x36, 0x3E, 0xF0, 0xF1, 0xF2, 0xF3} {
		for op := 0; op < 256; op++ {
			for _, m := range []byte{0x06, 0x47, 0x87, 0xC1, 0x3A} {
				emit(p, byte(op), m)
			}
		}
		for _, q := range []byte{0x26, 0x2E, 0x36, 0x3E, 0xF0, 0xF2, 0xF3} {
			for _, op := range []byte{0xA4, 0xA5, 0xA6, 0xAC, 0xAE, 0xAA, 0x6C, 0x6E, 0xD7, 0x8B, 0xA1, 0x90} {
				emit(p, q, op, 0x47)
			}
		}
	}
	return code, at
}

// TestObjdumpForms compares every opcode form with objdump (which decodes
// the same for every model).
func TestObjdumpForms(t *testing.T) {
	code, at := formsCorpus()
	theirs := objdumpNormalized(t, code)
	for m := cpu.Model8086; m <= cpu.Model80286; m++ {
		t.Run(modelNames[m], func(t *testing.T) {
			var tl tally
			compare(t, m, code, theirs, at, &tl)
			tl.report(t, modelNames[m]+" every form")
		})
	}
}

// TestObjdumpRandom compares random byte streams with objdump.
func TestObjdumpRandom(t *testing.T) {
	size := 1 << 20
	if testing.Short() {
		size = 1 << 16
	}
	seed := uint64(86)
	if v, err := strconv.ParseUint(os.Getenv("DISASM_SEED"), 10, 64); err == nil {
		seed = v // DISASM_SEED=n tries another stream
	}
	r := rand.New(rand.NewPCG(18, seed))
	code := make([]byte, size)
	for i := range code {
		code[i] = byte(r.Uint32())
	}
	theirs := objdumpNormalized(t, code)
	for m := cpu.Model8086; m <= cpu.Model80286; m++ {
		t.Run(modelNames[m], func(t *testing.T) {
			var tl tally
			compare(t, m, code, theirs, nil, &tl)
			tl.report(t, fmt.Sprintf("%s random %d KiB", modelNames[m], size>>10))
		})
	}
}
