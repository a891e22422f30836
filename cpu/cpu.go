// Package cpu is an interpreter for the Intel 8086, 80186 and the real mode
// of the 80286. It knows nothing of the PC around it: it sees memory and I/O
// ports through a Bus, and maskable interrupts through an INTR line plus an
// InterruptController that supplies the vector on acknowledge.
//
// The files, in the order an instruction meets them:
//
//	cpu.go       registers, state and the public API
//	interrupt.go Step and Run, events (INTR, NMI, trap, HLT, Stop), entering
//	             interrupts and faults, the 286's IDT limit and shutdown
//	exec.go      the run loop; the frequent instructions, one case each
//	block.go     decoded blocks and their cache (a pure cache, see below)
//	decode.go    the decoder: bytes to inst (length, prefixes, ModRM, the
//	             effective address, which kind runs it, flag liveness)
//	opmap.go     the opcode map for every other instruction
//	modrm.go     ModRM operands and byte registers for the opcode map
//	mem.go       segment:offset addressing, bus slow paths, stack, overrun
//	alu.go       ADD..CMP, INC/DEC and their deferred flags; Jcc conditions
//	shift.go     group 2 rotates and shifts
//	muldiv.go    group 3 (NOT NEG DIV IDIV; MUL IMUL for their kinds), AAM, AAD
//	bcd.go       DAA DAS AAA AAS: one ALU pass of a decided correction
//	div8086.go   the 8086's microcoded division, flags included
//	div286.go    the 80286's division loop and the flags its steps leave
//	string.go    MOVS CMPS STOS LODS SCAS INS OUTS, REP, runs in RAM, bulk
//	             port and video-memory runs
//	ext186.go    80186 additions (PUSHA POPA BOUND PUSH/IMUL imm ENTER)
//	ext286.go    80286 two-byte opcodes as far as real mode goes
//	debug.go     breakpoints, watched memory, instruction and interrupt hooks
//
// Every instruction is executed in one place: a kind of its own in exec.go
// (decode.go's classify says which) or its case in opmap.go. Effective
// addresses are computed in one place (CPU.ea), from what the one decoder
// found. The written-out second copies are each checked against the first
// by a test: SHL r16 by 1 against shift (TestShl1MatchesShift), fused runs
// of PUSH and POP against single pushes and pops
// (TestStackRunsMatchStepping), REP MOVS/STOS runs in RAM against their
// iterations (TestRAMRunMatchesElements); TestBlocksMatchStepping checks
// that blocks end exactly where single steps do.
//
// Conformance is measured against the SingleStepTests vectors (8086 and
// 80286) and the artlav 80186 programs; see the tests. Where Intel leaves
// a result undefined, the file says which mechanism the model follows.
//
// # Speed
//
// exec runs decoded blocks: straight runs of up to 32 instructions decoded
// once (block.go), each run by a switch on its kind with its operands
// pre-decoded. RAM is read and written directly; the ALU's flags are
// deferred until read (alu.go), and not made at all where the next
// instruction of the block overwrites them unread (decode.go's liveFlags).
// A block that jumps back to its own start runs again without a lookup;
// one that ends goes straight on into the next while no event is pending
// (runBlock's follow), the cache's entry taken without a call, in RAM or
// in the ROM (INT n and IRET, kinds of the loop, lead there and back). A store
// into the running block ends it only if it changed the bytes the block
// was decoded from. Runs of PUSH or POP are fused into one step
// (decode.go's fuse), REP MOVS/STOS in RAM move their whole run at once
// (string.go's ramRun), interrupt frames are pushed and popped in one step.
// Everything rare (interrupt line, NMI, trap, shadow, HLT, Stop) is a bit
// in CPU.events; raising one drops CPU.stopAt, and the loop compares the
// instruction count with stopAt once per block. The command's build is
// profile-guided (cmd/pcemu/default.pgo, scripts/pgo): the compiler
// inlines the loop's hot calls that its budget refuses otherwise.
//
// # Hooks for debuggers and tracers
//
// Anything that must see every instruction boundary (single-step, a trace
// of executed instructions, gdb's breakpoints checked per instruction)
// gets them by keeping an event pending: while CPU.events is non-zero
// (and so stopAt is 0), runBlock runs one instruction per block, through
// exactly the same code, with all flags made (shortBlock), and exec looks
// at the events between instructions. With nothing pending this costs
// nothing. Breakpoints can instead end blocks at their addresses: the
// decoder decides where a block ends (terminates), and FlushCode drops the
// decoded blocks when breakpoints change. Watchpoints see every memory
// access if the fast paths are given no RAM (mem and ramEnd empty, which
// setRAMEnd sets): everything then goes through mem.go's slow paths and
// the Bus, which serves the same memory. debug.go builds the debugger's
// hooks this way: SetBreakpoints, WatchMemory, SetInstructionHook (an
// event kept pending) and SetInterruptHook (called as an interrupt is
// entered); none costs anything while unset. Instructions is exact
// at every boundary where Run returns, at every fault and whenever a
// device is called.
//
// # State
//
// The architectural state is in plain fields of CPU: Regs, Segs, IP,
// Instructions, flags (read and written as a whole through Flags and
// SetFlags, which also settle the deferred record), the model and its
// fixed FLAGS bits, events, the A20 mask, the 80286's MSW, IDTR and GDTR,
// and between the iterations of a REP instruction repPending (IP points
// at its first prefix). The decoded blocks are a pure cache: each checks
// that memory still holds the bytes it was decoded from when it is
// entered, so writes by anyone (the CPU, DMA, the disk path, a loaded
// machine state) need no notice, and dropping it (FlushCode) changes
// nothing but speed.
package cpu

import "unsafe"

// Model selects which processor the interpreter behaves as.
type Model int

const (
	Model8086  Model = iota // 8086/8088 (undocumented aliases, POP CS, ...)
	Model80186              // 80186/80188 (PUSHA, IMUL imm, ENTER, BOUND, INS/OUTS, #UD)
	Model80286              // 80286 in real mode (LMSW/SMSW, A20/HMA)
)

// Register numbers in ModRM order (Intel SDM Vol. 2, Table 2-1).
const (
	AX = iota
	CX
	DX
	BX
	SP
	BP
	SI
	DI
)

// Segment register numbers in the order of the ModRM sreg field.
const (
	ES = iota
	CS
	SS
	DS
)

// FLAGS bits (Intel SDM Vol. 1, 3.4.3).
const (
	FlagCF uint16 = 1 << 0
	FlagPF uint16 = 1 << 2
	FlagAF uint16 = 1 << 4
	FlagZF uint16 = 1 << 6
	FlagSF uint16 = 1 << 7
	FlagTF uint16 = 1 << 8
	FlagIF uint16 = 1 << 9
	FlagDF uint16 = 1 << 10
	FlagOF uint16 = 1 << 11
)

// Bus is the CPU's view of the machine for everything that is not plain RAM.
// Addresses are linear (segment*16 + offset, already masked by the A20 mask).
type Bus interface {
	Read8(addr uint32) uint8
	Write8(addr uint32, v uint8)
	In8(port uint16) uint8
	Out8(port uint16, v uint8)
	In16(port uint16) uint16
	Out16(port uint16, v uint16)
}

// BulkPortIO may be implemented by a Bus whose devices can move a run of a
// string I/O instruction at once (REP INSW/OUTSW on the IDE data port). The
// CPU offers the longest run that is contiguous in RAM; the bus moves as
// many bytes as the device accepts (0 when it has no bulk path for the port)
// and the CPU completes the rest one element at a time.
type BulkPortIO interface {
	// InsBulk reads len(dst)/width elements of width bytes (1 or 2) from
	// port into dst and returns the number of bytes moved.
	InsBulk(port uint16, width int, dst []byte) int
	// OutsBulk writes the elements in src to port and returns the number of
	// bytes moved.
	OutsBulk(port uint16, width int, src []byte) int
}

// BulkMemory may be implemented by a Bus whose memory beyond the CPU's RAM
// slice (the video adapter's window) can take a run of REP STOS or REP
// MOVS at once. The CPU offers forward runs (DF clear) of at most the
// instructions left in its slice, inside the segments of their offsets,
// whose destination lies wholly at or above the RAM slice and below the
// address wrap; the bus performs as many elements as it accepts, each with
// exactly the memory accesses the element-by-element instruction makes
// (MOVS: the source bytes read, low first, then the destination bytes
// written, low first), and returns that count (0: no bulk path there); the
// CPU completes the rest one element at a time. Each element counts as an
// instruction, as with BulkPortIO.
type BulkMemory interface {
	// StoreBulk writes count elements from linear address dst upward, each
	// the bytes of v (1 or 2 of them).
	StoreBulk(dst uint32, v []byte, count int) int
	// MoveBulk moves count elements of width bytes (1 or 2) from linear
	// address src to dst, upward, one element after the other.
	MoveBulk(dst, src uint32, width, count int) int
}

// CodeMemory may be implemented by a Bus whose address space has plain
// memory outside the CPU's RAM slice (ROM, the HMA, extended memory): the
// CPU reads code there directly, and caches it decoded (block.go).
type CodeMemory interface {
	// CodeBytes returns the bytes of plain memory from linear address
	// addr to the end of the region that holds it (reads through it equal
	// Read8 at every address), or nil when addr is not plain memory.
	CodeBytes(addr uint32) []byte
}

// InterruptController supplies the vector of a maskable interrupt when the
// CPU acknowledges the INTR line (the 8259A's INTA cycle).
type InterruptController interface {
	Acknowledge() uint8
}

// CPU is one processor: the programmer-visible registers plus the little
// internal state the interpreter needs between instructions.
type CPU struct {
	Regs         [8]uint16 // AX, CX, DX, BX, SP, BP, SI, DI (ModRM order)
	eaZero       uint16    // always 0: register 8 of the effective-address adder (decode.go's ea)
	Segs         [4]uint16 // ES, CS, SS, DS
	IP           uint16
	Instructions uint64 // instructions executed since New (a REP iteration counts as one)

	model      Model
	flags      uint16 // CF..OF as defined; the model's fixed bits are added by Flags()
	fixedFlags uint16 // FLAGS bits that read as 1 (modelFixedFlags)

	// Deferred arithmetic flags (alu.go): while lazy != lzNone, CF PF AF
	// ZF SF OF in flags are stale and follow from these.
	lazy     uint8
	lzA, lzB uint16
	lzR      uint32

	ram  []byte
	bus  Bus
	bulk BulkPortIO // bus as BulkPortIO, or nil
	bmem BulkMemory // bus as BulkMemory, or nil
	code CodeMemory // bus as CodeMemory, or nil
	ic   InterruptController

	csBase   uint32         // Segs[CS]*16 for the instruction being decoded
	addrMask uint32         // 0xFFFFF, or 0x1FFFFF on a 286 with A20 enabled
	ramEnd   uint32         // min(len(ram), addrMask+1): linear addresses below are plain RAM
	mem      []byte         // ram[:ramEnd], so that the fast paths need one bounds check
	memBase  unsafe.Pointer // &mem[0]: addresses below ramEnd are in bounds

	// Decoded code (block.go): a pure cache, checked against memory at
	// every use; nothing in it is architectural state.
	blocks          *blockCache // made on first need (coldBlocks)
	coldBlocks      int
	single          block               // the one-instruction block for uncached code
	short           block               // the first instructions of a block, when fewer may run
	decoded         [maxBlockInsts]inst // fillBlock and shortBlock make a block's instructions here
	instPool        []inst              // room for the instructions of blocks to come (block.go's setInsts)
	blkCode         uintptr             // the running block's first inst (uintptr: these change per block, so no GC write barrier)
	blkCount        uint64              // Instructions before the running block
	blkEnd          uint64              // and after it
	blkCS           uint16              // CS of the running block
	blkLin, blkSize uint32              // the running block's bytes (self-modifying code)
	blkIP           uint16              // IP of the running block's first byte
	runs            uint64              // runs started (exec): tells runBlock that a device ran the CPU inside an instruction

	// Interrupt and control state between instructions.
	events     uint16 // evINTR, evNMI, evTrap, evHalted...: one test per instruction
	stopAt     uint64 // in exec: its limit, or 0 while events are pending
	repPending bool   // a REP string instruction rewound IP to run again
	noOverrun  bool   // pushing an interrupt frame (no nested overrun fault)

	// Per-instruction decode state (Intel 8086 Family User's Manual, 2-68).
	opStart uint16 // IP of the first prefix byte: where REP resumes and faults point
	segOvr  int    // segment override prefix, or -1
	rep     byte   // 0, 0xF2 (REPNE) or 0xF3 (REP/REPE)
	mod     byte   // ModRM fields of the current instruction
	reg     byte
	rm      byte
	eaSeg   int // segment and offset of the memory operand (mod != 3)
	eaOff   uint16

	// 80286 real-mode system state (80286 PRM, chapter 10).
	msw      uint16
	idtBase  uint32
	idtLimit uint16
	gdtBase  uint32
	gdtLimit uint16

	scratch []byte // reused buffer for backward bulk string I/O

	dbg *debugState // breakpoints, watched memory and hooks (debug.go); nil when none was ever set
}

// New returns a CPU of the given model after reset. ram is the memory from
// linear address 0 that the CPU reads and writes directly; every address at
// or above len(ram) goes to bus.
func New(model Model, ram []byte, bus Bus) *CPU {
	c := &CPU{model: model, ram: ram, bus: bus, fixedFlags: modelFixedFlags(model)}
	if b, ok := bus.(BulkPortIO); ok {
		c.bulk = b
	}
	if b, ok := bus.(BulkMemory); ok {
		c.bmem = b
	}
	if m, ok := bus.(CodeMemory); ok {
		c.code = m
	}
	c.addrMask = 0xFFFFF
	c.setRAMEnd()
	c.Reset()
	return c
}

func (c *CPU) setRAMEnd() {
	c.ramEnd = uint32(len(c.ram))
	if c.ramEnd > c.addrMask+1 {
		c.ramEnd = c.addrMask + 1
	}
	if c.dbg != nil && c.dbg.watch {
		c.ramEnd = 0 // every data access through the Bus (WatchMemory)
	}
	c.mem = c.ram[:c.ramEnd]
	c.memBase = unsafe.Pointer(unsafe.SliceData(c.mem))
}

// Model returns the processor model chosen at New.
func (c *CPU) Model() Model { return c.model }

// Reset puts the CPU in its power-on state: 8086/80186 start at FFFF:0000,
// the 80286 at F000:FFF0 (its CS base is FF0000 until the first far jump;
// in real mode below 1 MiB both reach FFFF0). Flags are clear.
func (c *CPU) Reset() {
	c.Regs = [8]uint16{}
	c.Segs = [4]uint16{}
	if c.model == Model80286 {
		c.Segs[CS] = 0xF000
		c.IP = 0xFFF0
	} else {
		c.Segs[CS] = 0xFFFF
		c.IP = 0
	}
	c.flags = 0
	c.lazy = lzNone
	c.events &= evINTR | evDebug // the INTR line is the PIC's, not reset by the CPU; evDebug is the debugger's
	c.repPending = false
	c.msw = 0
	c.idtBase, c.idtLimit = 0, 0x3FF
	c.gdtBase, c.gdtLimit = 0, 0
}

// Flags returns FLAGS as PUSHF would store it: the state bits, plus the
// bits that read as constants on this model (fixedFlags).
func (c *CPU) Flags() uint16 {
	c.syncFlags()
	return c.flags | c.fixedFlags
}

// modelFixedFlags are the FLAGS bits that always read as 1. Bit 1 does on
// every model. Bits 12-15 read as 1 on the 8086/8088 and on the
// 80186/80188, whose flag register is the 8086's: the classic CPU
// identification tells those apart from the 286 by exactly this (PC Tech
// Journal, "Chips in Transition", April 1986, as summarised in HelpPC's
// "CPU Characteristics": "8088, 8086, 80188, 80186, V20, V30: flag
// register bits 12 through 15 cannot be cleared"). The 80286 in real mode
// reads them as 0 (IOPL and NT cannot be set there; 80286 PRM, 10.1; and
// the SingleStepTests 80286 vectors).
func modelFixedFlags(m Model) uint16 {
	if m == Model80286 {
		return 0x0002
	}
	return 0xF002
}

// flagsMask are the FLAGS bits that exist as state.
const flagsMask = FlagCF | FlagPF | FlagAF | FlagZF | FlagSF | FlagTF | FlagIF | FlagDF | FlagOF

// SetFlags loads FLAGS as POPF does (reserved bits are ignored).
func (c *CPU) SetFlags(f uint16) {
	c.flags = f & flagsMask
	c.lazy = lzNone
	if f&FlagIF != 0 && c.events&evINTR != 0 {
		c.stopAt = 0 // IF may have come on with INTR held
	}
	c.syncTF()
}

// syncTF mirrors FLAGS.TF into events, so that the run loop looks at the
// trap flag only when it is set.
func (c *CPU) syncTF() {
	if c.flags&FlagTF != 0 {
		c.raise(evTF)
	} else {
		c.events &^= evTF
	}
}

// SetInterruptController sets who answers the interrupt acknowledge cycle.
func (c *CPU) SetInterruptController(ic InterruptController) {
	c.ic = ic
	c.stopAt = 0
}

// SetINTR sets the level of the maskable interrupt request line.
func (c *CPU) SetINTR(level bool) {
	if level {
		c.raise(evINTR)
	} else {
		c.events &^= evINTR
	}
}

// NMI latches a non-maskable interrupt request (INT 2).
func (c *CPU) NMI() { c.raise(evNMI) }

// SetA20 enables or disables address line 20 (80286 only). With A20 off,
// addresses wrap at 1 MiB as on the 8086; with it on, FFFF:0010-FFFF:FFFF
// reach the high memory area.
func (c *CPU) SetA20(on bool) {
	if c.model != Model80286 {
		return
	}
	if on {
		c.addrMask = 0x1FFFFF
	} else {
		c.addrMask = 0xFFFFF
	}
	c.setRAMEnd()
	c.stopAt = 0 // a running block ends here: code above 1 MiB moves
}

// Halted reports whether the CPU executed HLT and waits for an interrupt.
func (c *CPU) Halted() bool { return c.events&evHalted != 0 }

// Bits of CPU.events: what must be looked at between instructions.
const (
	evINTR     uint16 = 1 << iota // INTR line asserted (taken only when IF=1)
	evNMI                         // NMI latched
	evTrap                        // single-step trap owed for the last instruction
	evHalted                      // HLT executed, waiting for an interrupt
	evShadow                      // MOV SS / POP SS / STI: no interrupt at this boundary
	evTF                          // FLAGS.TF is set
	evStop                        // Stop was called
	evTFArmed                     // TF was set as this instruction started
	evShutdown                    // 80286 shut down: halted until NMI or Reset
)

// Stop makes Run return after the current instruction. Call it from a bus
// callback.
func (c *CPU) Stop() { c.raise(evStop) }

// raise sets an event bit and makes the run loop look at events at the
// next instruction boundary.
func (c *CPU) raise(ev uint16) {
	c.events |= ev
	c.stopAt = 0
}
