package disasm

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"pcemu/cpu"
)

// The disassembler against the interpreter it describes: each instruction
// is decoded, then executed by the cpu package from a random register
// state, and the two must agree on
//
//   - the length: IP after a non-branching instruction is IP+Len; the
//     return address an INT n or CALL pushes is IP+Len;
//   - branch targets: IP after a direct JMP/CALL/Jcc is Target (or IP+Len
//     for a branch not taken); an indirect one goes where its operand says;
//   - validity: the model raises interrupt 6 exactly where Fault says
//     InvalidOpcode, and the 80286 interrupt 13 where an instruction is
//     longer than 10 bytes (cpu/length.go, probed with runs of prefixes);
//   - what it touches: every register that changes is in Writes; changing
//     a register not in Reads changes nothing else of the outcome; memory
//     is written only by instructions with a memory destination (an
//     explicit one at its effective address, the stack, a string store).
//
// The cpu package runs once with all memory behind its Bus (where every
// access is seen) and once with RAM it reads directly (its fast paths);
// both runs must end in the same state.

const (
	testCS  = 0x1000
	testIP  = 0x0100
	isrSeg  = 0xF00D // every interrupt vector points to F00D:vector
	memSize = 1 << 21
)

// testBus is memory and ports for the CPU, logging every memory access.
type testBus struct {
	mem    []byte
	writes []memWrite
	reads  []uint32
}

type memWrite struct {
	addr     uint32
	old, new byte
}

func (b *testBus) Read8(a uint32) uint8 {
	a &= memSize - 1
	b.reads = append(b.reads, a)
	return b.mem[a]
}

func (b *testBus) Write8(a uint32, v uint8) {
	a &= memSize - 1
	b.writes = append(b.writes, memWrite{a, b.mem[a], v})
	b.mem[a] = v
}

func (b *testBus) In8(port uint16) uint8         { return uint8(port) ^ 0x5A }
func (b *testBus) Out8(port uint16, v uint8)     {}
func (b *testBus) In16(port uint16) uint16       { return port ^ 0x5AA5 }
func (b *testBus) Out16(port uint16, v uint16)   {}
func (b *testBus) Acknowledge() uint8            { return 8 }
func (b *testBus) linear(seg, off uint16) uint32 { return (uint32(seg)<<4 + uint32(off)) & 0xFFFFF }

// undo restores memory as it was before the logged writes.
func (b *testBus) undo() {
	for i := len(b.writes) - 1; i >= 0; i-- {
		b.mem[b.writes[i].addr] = b.writes[i].old
	}
	b.writes, b.reads = b.writes[:0], b.reads[:0]
}

func newTestBus() *testBus {
	b := &testBus{mem: make([]byte, memSize)}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range b.mem {
		b.mem[i] = byte(r.Uint32())
	}
	for v := 0; v < 256; v++ {
		b.mem[v*4], b.mem[v*4+1] = byte(v), 0
		b.mem[v*4+2], b.mem[v*4+3] = isrSeg&0xFF, isrSeg>>8
	}
	return b
}

// machineState is what an instruction can change.
type machineState struct {
	regs  [8]uint16
	segs  [4]uint16
	ip    uint16
	flags uint16
}

func stateOf(c *cpu.CPU) machineState {
	return machineState{regs: c.Regs, segs: c.Segs, ip: c.IP, flags: c.Flags()}
}

// outcome is the state after one instruction and the memory it wrote.
type outcome struct {
	machineState
	writes []memWrite
	err    error
}

// run executes the instruction at testCS:testIP from state s with every
// memory access through the bus, which logs them, and restores memory.
// With ram set it runs it instead from RAM the CPU reads directly (its fast
// paths), where the bus sees nothing: ram lists the writes of the bus run,
// which are then read back from memory and undone.
func (b *testBus) run(model cpu.Model, s machineState, code []byte, ram []memWrite) outcome {
	base := b.linear(testCS, testIP)
	saved := append([]byte(nil), b.mem[base:base+uint32(len(code))]...)
	copy(b.mem[base:], code)
	var c *cpu.CPU
	if ram != nil {
		c = cpu.New(model, b.mem[:1<<20], b)
	} else {
		c = cpu.New(model, nil, b)
	}
	c.Regs, c.Segs, c.IP = s.regs, s.segs, s.ip
	c.SetFlags(s.flags)
	err := c.Step()
	o := outcome{machineState: stateOf(c), err: err}
	for _, w := range ram {
		o.writes = append(o.writes, memWrite{addr: w.addr, old: w.old, new: b.mem[w.addr]})
	}
	o.writes = append(o.writes, b.writes...)
	for i := len(ram) - 1; i >= 0; i-- {
		b.mem[ram[i].addr] = ram[i].old
	}
	b.undo()
	copy(b.mem[base:], saved)
	return o
}

// randomState is a register state for an instruction at testCS:testIP:
// TF off (no trap), CX small so that REP ends soon.
func randomState(r *rand.Rand) machineState {
	var s machineState
	for i := range s.regs {
		s.regs[i] = uint16(r.Uint32())
	}
	for i := range s.segs {
		s.segs[i] = uint16(r.Uint32())
	}
	s.segs[cpu.CS], s.ip = testCS, testIP
	// Keep the stack off the interrupt vectors, which an interrupt frame
	// pushed there would change before the CPU reads them.
	if (uint32(s.segs[cpu.SS])<<4+uint32(s.regs[cpu.SP]))&0xFFFFF < 0x1000 {
		s.segs[cpu.SS] ^= 0x8000
	}
	s.flags = uint16(r.Uint32()) & (cpu.FlagCF | cpu.FlagPF | cpu.FlagAF | cpu.FlagZF | cpu.FlagSF | cpu.FlagDF | cpu.FlagOF)
	return s
}

const flagBits = cpu.FlagCF | cpu.FlagPF | cpu.FlagAF | cpu.FlagZF | cpu.FlagSF | cpu.FlagTF | cpu.FlagIF | cpu.FlagDF | cpu.FlagOF

// perturbable are the registers the Reads check changes, as RegSet bits
// (CS stays: the code is there).
var perturbable = []RegSet{rAX, rCX, rDX, rBX, rSP, rBP, rSI, rDI, RegES, RegSS, RegDS, RegFlags}

func perturb(s machineState, reg RegSet, to int, r *rand.Rand) machineState {
	set := func(v uint16) uint16 {
		switch to {
		case 0:
			return 0
		case 1:
			return 1
		}
		return v ^ (uint16(r.Uint32()) | 1)
	}
	switch {
	case reg&0xFF != 0:
		for i := 0; i < 8; i++ {
			if reg == Reg(i) {
				s.regs[i] = set(s.regs[i])
			}
		}
	case reg == RegFlags:
		const arith = cpu.FlagCF | cpu.FlagPF | cpu.FlagAF | cpu.FlagZF | cpu.FlagSF | cpu.FlagDF | cpu.FlagOF
		s.flags = (s.flags ^ set(0) | cpu.FlagCF) & arith
	default:
		for i := 0; i < 4; i++ {
			if reg == SegReg(i) {
				s.segs[i] = set(s.segs[i])
			}
		}
	}
	return s
}

// without returns the state with the perturbed register's value taken
// from ref, so that two outcomes compare on everything else.
func (s machineState) without(reg RegSet, ref machineState) machineState {
	for i := 0; i < 8; i++ {
		if reg == Reg(i) {
			s.regs[i] = ref.regs[i]
		}
	}
	for i := 0; i < 4; i++ {
		if reg == SegReg(i) {
			s.segs[i] = ref.segs[i]
		}
	}
	if reg == RegFlags {
		s.flags = ref.flags
	}
	return s
}

func sameWrites(a, b []memWrite) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].addr != b[i].addr || a[i].new != b[i].new {
			return false
		}
	}
	return true
}

// cpuChecker runs the checks and collects failures.
type cpuChecker struct {
	t       *testing.T
	model   cpu.Model
	bus     *testBus
	r       *rand.Rand
	checked int
	fails   map[string]int
}

func (k *cpuChecker) fail(in *Inst, format string, args ...any) {
	key := in.Mnemonic + ": " + format
	if k.fails == nil {
		k.fails = map[string]int{}
	}
	if k.fails[key] < 3 {
		k.t.Errorf("%s: % X %q: %s", modelNames[k.model], in.Bytes, in.String(), fmt.Sprintf(format, args...))
	}
	k.fails[key]++
}

// check decodes code and compares it with the CPU.
func (k *cpuChecker) check(code []byte) {
	in, err := Decode(code, testIP, k.model)
	if err != nil {
		k.t.Fatalf("% X: %v", code, err)
	}
	code = code[:in.Len]
	s := randomState(k.r)
	o := k.bus.run(k.model, s, code, nil)
	if o.err != nil {
		return // LOADALL, LMSW into protected mode: the CPU reports them as unsupported
	}
	k.checked++
	stale := staleEA(&in)
	next := in.Next()

	// In an interrupt handler, with the CS of the instruction pushed (SP
	// may have moved before a fault: ENTER's pushes).
	if o.segs[cpu.CS] == isrSeg && o.ip < 256 && k.word(o.segs[cpu.SS], o.regs[cpu.SP]+2, o.writes) == testCS {
		k.interrupted(&in, s, o)
		return
	}
	if in.Fault != NoFault {
		k.fail(&in, "Fault %d, but the CPU executed it", in.Fault)
		return
	}

	// Where execution went.
	switch in.Flow {
	case FlowNext, FlowHalt, FlowInterrupt:
		if o.ip != next && !(in.isString() && in.Rep != 0 && o.ip == in.IP) {
			k.fail(&in, "IP after is %04X, want %04X (length %d)", o.ip, next, in.Len)
		}
	case FlowBranch:
		if _, t, _ := in.Target(testCS); o.ip != next && o.ip != t {
			k.fail(&in, "IP after is %04X, want %04X or %04X", o.ip, next, t)
		}
	case FlowJump, FlowCall:
		k.checkTarget(&in, s, o)
		if in.Flow == FlowCall {
			sp := o.regs[cpu.SP]
			if got := k.word(o.segs[cpu.SS], sp, o.writes); got != next {
				k.fail(&in, "return address pushed %04X, want %04X", got, next)
			}
		}
	}

	// Registers that changed must be in Writes.
	for i := 0; i < 8; i++ {
		if o.regs[i] != s.regs[i] && in.Writes&Reg(i) == 0 {
			k.fail(&in, "%s changed but is not in Writes", RegName(i, 2))
		}
	}
	for i := 0; i < 4; i++ {
		if o.segs[i] != s.segs[i] && in.Writes&SegReg(i) == 0 {
			k.fail(&in, "%s changed but is not in Writes", SegName(i))
		}
	}
	if o.flags&flagBits != s.flags&flagBits && in.Writes&RegFlags == 0 {
		k.fail(&in, "FLAGS changed (%04X -> %04X) but are not in Writes", s.flags, o.flags)
	}
	k.checkMemory(&in, s, o)

	// The same state in RAM (the CPU's fast paths) ends the same.
	if or := k.bus.run(k.model, s, code, o.writes); or.machineState != o.machineState || or.err != nil {
		k.fail(&in, "from RAM the CPU ends in %+v, through the bus in %+v", or.machineState, o.machineState)
	} else if !sameWrites(or.writes, o.writes) {
		k.fail(&in, "from RAM the CPU writes %v, through the bus %v", or.writes, o.writes)
	}

	// A register not in Reads changes nothing else.
	for _, reg := range perturbable {
		if in.Reads&reg != 0 || stale {
			continue
		}
		// To zero, to one (LOOP, JCXZ, REP and shift counts tell those
		// apart) and to a random value.
		for to := 0; to < 3; to++ {
			p := k.bus.run(k.model, perturb(s, reg, to, k.r), code, nil)
			if p.err != nil {
				continue
			}
			if p.without(reg, o.machineState) != o.machineState || !sameWrites(p.writes, o.writes) {
				k.fail(&in, "depends on %s, which is not in Reads", regSetName(reg))
				break
			}
		}
	}
}

// staleEA reports the 8086's register forms of LEA, LES, LDS and far
// CALL/JMP, which take the address of the previous instruction's memory
// operand: what they read is not in their bytes.
func staleEA(in *Inst) bool {
	if in.NArgs == 0 {
		return false
	}
	a := &in.Args[in.NArgs-1]
	return in.Undocumented && a.Kind == ArgReg && a.lastEA
}

func regSetName(r RegSet) string {
	for i := 0; i < 8; i++ {
		if r == Reg(i) {
			return RegName(i, 2)
		}
	}
	for i := 0; i < 4; i++ {
		if r == SegReg(i) {
			return SegName(i)
		}
	}
	return "FLAGS"
}

// word reads a word as memory holds it after writes.
func (k *cpuChecker) word(seg, off uint16, writes []memWrite) uint16 {
	b := func(o uint16) byte {
		a := k.bus.linear(seg, o)
		v := k.bus.mem[a]
		for _, w := range writes {
			if w.addr == a {
				v = w.new
			}
		}
		return v
	}
	return uint16(b(off)) | uint16(b(off+1))<<8
}

// interrupted checks an instruction that ended in an interrupt handler:
// the vector must be one the instruction raises.
func (k *cpuChecker) interrupted(in *Inst, s machineState, o outcome) {
	vec := o.ip
	ret := k.word(o.segs[cpu.SS], o.regs[cpu.SP], o.writes)
	switch {
	case in.Fault == InvalidOpcode:
		if vec != 6 || ret != in.IP {
			k.fail(in, "raised interrupt %d (return %04X), want #UD (6) at %04X", vec, ret, in.IP)
		}
	case in.Fault == TooLong:
		if vec != 13 || ret != in.IP {
			k.fail(in, "raised interrupt %d (return %04X), want #GP (13) for its length", vec, ret)
		}
	case in.Flow == FlowInterrupt && vec == interruptOf(in):
		if vec != 5 && ret != in.Next() {
			k.fail(in, "pushed return address %04X, want %04X (length %d)", ret, in.Next(), in.Len)
		}
	case vec == 6:
		k.fail(in, "the CPU raised #UD on an instruction decoded as valid")
	case vec == 13 && k.model == cpu.Model80286:
		// Segment overrun: a word at offset FFFFh (80286 PRM, 10.6).
		if !k.nearWrap(in, s) {
			k.fail(in, "raised #GP (13) with no operand at a segment's end")
		}
	case in.Flow == FlowInterrupt:
		k.fail(in, "raised interrupt %d, want %d", vec, interruptOf(in))
	case vec == 0 && (in.Mnemonic == "div" || in.Mnemonic == "idiv" || in.Mnemonic == "aam"):
		// divide error: the 8086 returns after the instruction
		if k.model == cpu.Model8086 && ret != in.Next() {
			k.fail(in, "divide error pushed %04X, want %04X (length %d)", ret, in.Next(), in.Len)
		}
	default:
		k.fail(in, "raised interrupt %d", vec)
	}
}

// interruptOf is the vector an interrupt instruction raises.
func interruptOf(in *Inst) uint16 {
	if in.Mnemonic == "int" {
		return in.Args[0].Imm
	}
	return map[string]uint16{"int3": 3, "into": 4, "bound": 5}[in.Mnemonic]
}

// nearWrap reports whether an operand of the instruction may pass the end
// of its segment in state s.
func (k *cpuChecker) nearWrap(in *Inst, s machineState) bool {
	if m := in.Mem(); m != nil && m.Offset(&s.regs) >= 0xFFF6 {
		return true
	}
	for _, r := range []int{cpu.SP, cpu.BP, cpu.SI, cpu.DI} {
		if s.regs[r] >= 0xFFB0 || s.regs[r] <= 0x50 { // ENTER pushes up to 32 words
			return true
		}
	}
	return false
}

// checkTarget checks where a JMP or CALL went.
func (k *cpuChecker) checkTarget(in *Inst, s machineState, o outcome) {
	if seg, off, ok := in.Target(testCS); ok {
		if o.ip != off || o.segs[cpu.CS] != seg {
			k.fail(in, "went to %04X:%04X, want %04X:%04X", o.segs[cpu.CS], o.ip, seg, off)
		}
		return
	}
	a := &in.Args[0]
	far := in.Writes&RegCS != 0
	switch {
	case a.Kind == ArgReg && far:
		// the 8086's far CALL/JMP through a register: the last EA
	case a.Kind == ArgReg:
		if o.ip != s.regs[a.Reg] {
			k.fail(in, "went to %04X, want %s = %04X", o.ip, RegName(int(a.Reg), 2), s.regs[a.Reg])
		}
	case a.Kind == ArgMem:
		off := a.Offset(&s.regs)
		ip := k.word(s.segs[a.Seg], off, nil)
		if o.ip != ip {
			k.fail(in, "went to %04X, want the word at %s:%04X = %04X", o.ip, SegName(int(a.Seg)), off, ip)
		}
		if a.Size == 4 {
			if cs := k.word(s.segs[a.Seg], off+2, nil); o.segs[cpu.CS] != cs {
				k.fail(in, "went to segment %04X, want %04X", o.segs[cpu.CS], cs)
			}
		}
	}
}

// checkMemory checks that memory was written only where the instruction
// says: at its memory operand, on the stack, or at ES:DI.
func (k *cpuChecker) checkMemory(in *Inst, s machineState, o outcome) {
	if len(o.writes) == 0 {
		return
	}
	var dst *Arg
	for i := 0; i < in.NArgs; i++ {
		if a := &in.Args[i]; a.Kind == ArgMem && a.Access&Write != 0 {
			dst = a
		}
	}
	switch {
	case in.Writes&rSP != 0, in.isString():
		return // the stack or ES:DI: checked by where SP and DI went
	case dst == nil:
		k.fail(in, "wrote memory at %05X but has no memory destination", o.writes[0].addr)
	default:
		off := dst.Offset(&s.regs)
		n := uint16(dst.Size)
		if n == 0 {
			n = 94 // FNSAVE's state image
		}
		for _, w := range o.writes {
			ok := false
			for i := uint16(0); i < n; i++ {
				if k.bus.linear(s.segs[dst.Seg], off+i) == w.addr {
					ok = true
				}
			}
			if !ok {
				k.fail(in, "wrote %05X, outside its operand %s:%04X (%d bytes)", w.addr, SegName(int(dst.Seg)), off, n)
				return
			}
		}
	}
}

// forms yields each opcode form of a model with random trailing bytes:
// every opcode with every ModRM byte, the 80286's two-byte opcodes, and
// prefixes before a sample.
func forms(model cpu.Model, r *rand.Rand, yield func([]byte)) {
	tail := func(b ...byte) []byte {
		for len(b) < 16 {
			b = append(b, byte(r.Uint32()))
		}
		return b
	}
	for op := 0; op < 256; op++ {
		for m := 0; m < 256; m++ {
			if op == 0x0F && model == cpu.Model80286 {
				yield(tail(0x0F, byte(m)))
				for _, m2 := range []byte{0x06, 0x47, 0x87, 0xC1, byte(r.Uint32())} {
					yield(tail(0x0F, byte(m), m2))
				}
				continue
			}
			yield(tail(byte(op), byte(m)))
		}
	}
	for _, p := range []byte{0x26, 0x2E, 0x36, 0x3E, 0xF0, 0xF1, 0xF2, 0xF3} {
		for op := 0; op < 256; op++ {
			yield(tail(p, byte(op), byte(r.Uint32())))
		}
	}
}

func TestAgainstCPU(t *testing.T) {
	bus := newTestBus()
	for m := cpu.Model8086; m <= cpu.Model80286; m++ {
		t.Run(modelNames[m], func(t *testing.T) {
			seed := uint64(86)
			if v, err := strconv.ParseUint(os.Getenv("DISASM_SEED"), 10, 64); err == nil {
				seed = v // DISASM_SEED=n tries other states and streams
			}
			k := &cpuChecker{t: t, model: m, bus: bus, r: rand.New(rand.NewPCG(seed, uint64(m)))}
			forms(m, k.r, k.check)
			n := 20000
			if testing.Short() {
				n = 2000
			}
			for i := 0; i < n; i++ {
				code := make([]byte, 16)
				for j := range code {
					code[j] = byte(k.r.Uint32())
				}
				k.check(code)
			}
			t.Logf("%s: %d instructions executed and checked", modelNames[m], k.checked)
		})
	}
}

// TestLengthLimit286 probes the 80286's 10-byte limit (cpu/length.go):
// after 10-Len segment prefixes each valid instruction runs, after one
// more the CPU raises interrupt 13.
func TestLengthLimit286(t *testing.T) {
	bus := newTestBus()
	r := rand.New(rand.NewPCG(10, 13))
	checked := 0
	forms(cpu.Model80286, r, func(code []byte) {
		in, err := Decode(code, testIP, cpu.Model80286)
		if err != nil || in.Fault != NoFault || in.Prefixes > 0 || in.Len > 6 {
			return
		}
		s := randomState(r)
		for i := range s.regs { // no operand near a segment's end (no overrun fault)
			s.regs[i] = 0x4000 + s.regs[i]&0x0FFE
		}
		s.segs[cpu.SS] = 0x2000 // the interrupt frame away from the vectors
		for _, k := range []int{10 - in.Len, 11 - in.Len} {
			long := append(bytesOf(0x3E, k), code[:in.Len]...)
			o := bus.run(cpu.Model80286, s, long, nil)
			if o.err != nil {
				return
			}
			gp := o.segs[cpu.CS] == isrSeg && o.ip == 13 && o.regs[cpu.SP] == s.regs[cpu.SP]-6 &&
				bus.linear(o.segs[cpu.SS], o.regs[cpu.SP]) >= 0 && (&cpuChecker{bus: bus}).word(o.segs[cpu.SS], o.regs[cpu.SP], o.writes) == testIP
			if gp != (k+in.Len > 10) {
				t.Errorf("% X %q (%d bytes) after %d prefixes: #GP %v, want %v", in.Bytes, in.String(), in.Len, k, gp, !gp)
			}
		}
		checked++
	})
	t.Logf("%d instruction forms probed", checked)
}

func bytesOf(b byte, n int) []byte {
	s := make([]byte, n)
	for i := range s {
		s[i] = b
	}
	return s
}
