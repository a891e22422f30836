// Package bios is the PC's firmware: POST, the BIOS interrupt services and
// the bootstrap. The services are written in Go behind small entry points in
// a 64 KiB ROM image (F0000h-FFFFFh) that this package builds. Each entry
// point is an `OUT ServicePort, AL` followed by IRET: the machine routes the
// write on the service port to (*BIOS).Out8, which finds the service from the
// CPU's CS:IP (the CPU has advanced IP past the OUT), reads and changes the
// caller's registers, and returns CF/ZF results by editing the FLAGS word in
// the caller's IRET frame. Services that must wait (a key, a delay, a busy
// drive) point IP at a ROM loop that enables interrupts, halts or pauses and
// re-enters the service, so the Go side never blocks.
//
// Hard disks are reached only through the IDE controller's I/O ports, as a
// real BIOS does; floppy images are served directly (this PC has no FDC).
package bios

import (
	"errors"
	"fmt"
	"io"

	"pcemu/cpu"
)

// ServicePort is the I/O port the ROM stubs write to enter Go. Ports E0h-EFh
// are unassigned on the PC/AT (E9h is the debug console, so E6h stays clear
// of it); the write's value is ignored, the service is named by CS:IP.
const ServicePort uint16 = 0xE6

// Processor is the part of the CPU the services read and change: the
// register file as the stub's OUT left it. Register and segment numbers are
// cpu.AX..cpu.DI and cpu.ES..cpu.DS. FromCPU adapts a *cpu.CPU.
//
// Handlers run inside the CPU's OUT instruction (IP already past it); a
// handler may change any register, including CS:IP, and the CPU carries on
// from the new state.
type Processor interface {
	Reg(r int) uint16
	SetReg(r int, v uint16)
	Seg(s int) uint16
	SetSeg(s int, v uint16)
	IP() uint16
	SetIP(v uint16)
	Flags() uint16
	SetFlags(v uint16)
}

// FloppyImage is a raw diskette image (-fda/-fdb) of a standard PC size:
// 160K, 180K, 320K, 360K, 720K, 1.2M, 1.44M or 2.88M.
type FloppyImage interface {
	io.ReaderAt
	io.WriterAt
	Size() int64
}

// Config is the machine as the BIOS is told about it. Hard disks are not
// configured: POST finds them on the IDE channels with IDENTIFY DEVICE.
type Config struct {
	Model    cpu.Model
	MemoryKB int    // total RAM in KiB: conventional up to 640, the rest extended (INT 15h AH=88h)
	RAM      []byte // the RAM as the CPU sees it from linear address 0; addresses beyond go through the bus

	Floppies  [2]FloppyImage // drive A: and B:, nil when absent
	BootOrder string         // QEMU -boot letters: "c", "a", "ca", "ac"...; empty means "ca"

	// Fonts for the ROM: graphics-mode text (INT 1Fh/43h), INT 10h
	// AX=1130h, and the character generator a text mode set loads into the
	// adapter. 8, 14 and 16 bytes per character for 256 characters. Nil
	// fonts are blank glyphs; INT 10h still reports valid pointers.
	Font8x8  []byte
	Font8x14 []byte
	Font8x16 []byte

	// PowerOff is called when the guest turns the machine off (APM INT 15h
	// AH=53h). Reset, when set, is called for Ctrl-Alt-Del instead of
	// jumping to the reset entry (the machine resets its devices too).
	// NoBoot receives the message INT 18h shows when no boot device is
	// found. All may be nil.
	PowerOff func()
	Reset    func()
	NoBoot   func(msg string)

	// PS2Mouse says a mouse is on the 8042's auxiliary port: the
	// equipment word shows a pointing device and POST leaves the port
	// disabled until a driver enables it (INT 15h AH=C2h or the 8042).
	PS2Mouse bool

	// Now returns virtual time in nanoseconds (for INT 15h AH=86h); nil
	// falls back to the BDA tick count.
	Now func() int64
}

// BIOS is the firmware of one machine.
type BIOS struct {
	cfg  Config
	ram  []byte // cfg.RAM, or nil while RAMThroughBus (core.go)
	p    Processor
	bus  cpu.Bus
	bulk cpu.BulkPortIO // bus as BulkPortIO, or nil
	rom  []byte

	svc services // IP after the stub's OUT -> handler

	hd     []*ataDrive // BIOS drives 80h, 81h, ... in IDE order (primary master first)
	xf     xfer        // the hard disk transfer INT 13h reuses (ataxfer.go)
	floppy [2]*floppyDrive

	pend      pending   // services waiting in a ROM loop
	bootIndex int       // next entry of the boot order INT 19h tries
	bootDrive uint8     // drive INT 19h is loading from
	ebdaSeg   uint16    // extended BIOS data area (holds the fixed disk parameter tables)
	ms        mouseXfer // the INT 15h AH=C2h command in progress

	// ROM addresses of code the handlers send the CPU to.
	postDone, int19Next, int18, idle        uint16
	int09Break, int09PrtSc, int09Exit       uint16
	waitHLT, waitPause                      uint16
	irqMasterStub, irqSlaveStub, irqRTCStub uint16
	irqIDEStub                              [2]uint16
	irq12Stub, irq12Return, irq12Done       uint16
}

// New builds the ROM for cfg. The machine maps the ROM at F0000h, routes
// writes to ServicePort to Out8 and starts the CPU at F000:FFF0.
func New(cfg Config, p Processor, bus cpu.Bus) (*BIOS, error) {
	if p == nil || bus == nil {
		return nil, errors.New("bios: a processor and a bus are required")
	}
	if cfg.MemoryKB < 64 {
		return nil, fmt.Errorf("bios: memory size %d KiB is below the 64 KiB the BIOS needs", cfg.MemoryKB)
	}
	for _, f := range []struct {
		font   []byte
		height int
	}{{cfg.Font8x8, 8}, {cfg.Font8x14, 14}, {cfg.Font8x16, 16}} {
		if f.font != nil && len(f.font) != 256*f.height {
			return nil, fmt.Errorf("bios: 8x%d font is %d bytes, want %d", f.height, len(f.font), 256*f.height)
		}
	}
	for _, c := range cfg.BootOrder {
		if c != 'a' && c != 'c' {
			return nil, fmt.Errorf("bios: boot order %q: only drives a and c can be booted", cfg.BootOrder)
		}
	}
	b := &BIOS{cfg: cfg, ram: cfg.RAM, p: p, bus: bus, pend: pending{}}
	b.bulk, _ = bus.(cpu.BulkPortIO)
	for i, img := range cfg.Floppies {
		if img == nil {
			continue
		}
		f, err := newFloppy(img)
		if err != nil {
			return nil, fmt.Errorf("bios: drive %c: %w", 'A'+i, err)
		}
		b.floppy[i] = f
	}
	b.buildROM()
	return b, nil
}

// ROM returns the 64 KiB image for F0000h-FFFFFh.
func (b *BIOS) ROM() []byte { return b.rom }

// ServicePort returns the I/O port the machine must route to Out8.
func (b *BIOS) ServicePort() uint16 { return ServicePort }

// In8 reads the service port: it has no readable state.
func (b *BIOS) In8(port uint16) uint8 { return 0xFF }

// Out8 is the ROM stubs' way into Go. A write from outside the ROM (a guest
// probing ports) is ignored.
func (b *BIOS) Out8(port uint16, v uint8) {
	if port != ServicePort || b.p.Seg(cpu.CS) != romSeg {
		return
	}
	if s := b.svc.at(b.p.IP()); s != nil {
		s(b)
	}
}

// FromCPU is the Processor view of the interpreter's register file.
func FromCPU(c *cpu.CPU) Processor { return cpuView{c} }

type cpuView struct{ c *cpu.CPU }

func (v cpuView) Reg(r int) uint16       { return v.c.Regs[r] }
func (v cpuView) SetReg(r int, x uint16) { v.c.Regs[r] = x }
func (v cpuView) Seg(s int) uint16       { return v.c.Segs[s] }
func (v cpuView) SetSeg(s int, x uint16) { v.c.Segs[s] = x }
func (v cpuView) IP() uint16             { return v.c.IP }
func (v cpuView) SetIP(x uint16)         { v.c.IP = x }
func (v cpuView) Flags() uint16          { return v.c.Flags() }
func (v cpuView) SetFlags(x uint16)      { v.c.SetFlags(x) }
