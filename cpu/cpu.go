// Package cpu is an interpreter for the Intel 8086, 80186 and the real mode
// of the 80286. It knows nothing of the PC around it: it sees memory and I/O
// ports through a Bus, and maskable interrupts through an INTR line plus an
// InterruptController that supplies the vector on acknowledge.
package cpu

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

// InterruptController supplies the vector of a maskable interrupt when the
// CPU acknowledges the INTR line (the 8259A's INTA cycle).
type InterruptController interface {
	Acknowledge() uint8
}
