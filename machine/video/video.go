// Package video is the PC's display adapter: an IBM VGA modelled by its
// registers. It owns the memory window A0000h-BFFFFh and the I/O ports
// 3B0h-3DFh; what it shows is computed from its registers and its memory
// alone, for every mode a program can set up, and it knows nothing of BIOS
// mode numbers (the BIOS programs it through the ports, bios/video.go).
//
// The parts, one file each, follow the IBM VGA's block diagram (IBM PS/2
// Hardware Interface Technical Reference, "Video Subsystem"; FreeVGA,
// "VGA Chipset Reference"; Ferraro, "Programmer's Guide to the EGA, VGA and
// Super VGA Cards", 3rd ed., chapters 3 and 4):
//
//   - memory.go: 256 KiB of display memory as four 64 KiB planes, the
//     window decode (graphics controller memory map), chain-4, odd/even and
//     planar addressing of the CPU's accesses;
//   - graphics.go: the graphics controller: the four latches, write modes
//     0-3 (rotate, set/reset, logical function, bit mask), read modes 0-1
//     (read map select, colour compare);
//   - sequencer.go: reset, clocking mode (8/9 dots, screen off), map mask,
//     character map select, memory mode;
//   - crtc.go: the CRT controller's registers and the timing they define;
//   - attribute.go: the attribute controller with its 3C0h flip-flop, the
//     16 palette registers, mode control, plane enable, panning, colour
//     select;
//   - dac.go: the 256-entry DAC with its index state machine and PEL mask;
//   - ports.go: the I/O decode, including the misc output register's
//     3Bxh/3Dxh select;
//   - status.go: input status 1, whose display-enable and vertical-retrace
//     bits follow the virtual clock at the CRTC's timing;
//   - scan.go: how the CRTC walks memory for each scan line (start address,
//     offset, byte/word/doubleword addressing, CGA/Hercules address
//     substitution, maximum scan line, double scan, line compare);
//   - render.go: the serializer and attribute controller turning that
//     memory into dots (text with fonts from plane 2, planar 16-colour,
//     CGA-style interleaved 4-colour, 256-colour) through the DAC;
//   - text.go: the screen read back as text (headless runs, scripts);
//   - screen.go: the picture at its display aspect ratio.
//
// Not modelled, as no picture or program result depends on them here: the
// sequencer's reset register (SR00) and the extended-memory bit (256 KiB
// are always there), the serializer's load-every-2nd/4th-clock bits (SR01
// bits 2 and 4), the horizontal timing's skews and blanking (only the
// cursor skew), the overscan border (the picture is the display area, as
// in QEMU), the vertical retrace interrupt (CR11 bits 4-5) and the light
// pen. GR06 bit 1 (chain odd/even) is the address substitution that
// odd/even addressing always applies here.
//
// All of the adapter's state is in plain fields of Adapter, so that a copy
// of the struct is a snapshot. An Adapter is not safe for concurrent use:
// the machine serialises the CPU's accesses and the display's Render calls
// (a display renders its own copy).
package video

// Linear addresses of the video memory window.
const (
	WindowStart = 0xA0000 // first byte of the video memory window
	WindowEnd   = 0xC0000 // one past the last byte
)

// Clock supplies virtual time in nanoseconds since power-on. It has the
// same shape as machine.Clock, so the machine's clock can be passed as is.
type Clock interface {
	Now() int64
}

// Adapter is the video card: its memory and all of its registers.
type Adapter struct {
	// Display memory: four 64 KiB planes, interleaved so that vram[i] holds
	// byte i of plane p in bits 8p..8p+7 — one load is the four bytes a
	// read puts in the latches and a write mode combines.
	vram  [planeSize]uint32
	latch uint32 // the graphics controller's four latches, same layout

	misc    uint8 // miscellaneous output register (3C2h write, 3CCh read)
	feature uint8 // feature control (3BAh/3DAh write, 3CAh read)
	enable  uint8 // video subsystem enable (3C3h), bit 0

	seqIndex uint8
	seq      [seqRegs]uint8 // sequencer SR00-SR04

	gcIndex uint8
	gc      [gcRegs]uint8 // graphics controller GR00-GR08

	crtcIndex uint8
	crtc      [crtcRegs]uint8 // CRT controller CR00-CR18

	attrIndex    uint8 // attribute address register: index and PAS (bit 5)
	attrFlipFlop bool  // false: the next 3C0h write is an index, true: data
	attr         [attrRegs]uint8

	dac           [256][3]uint8 // 6-bit red, green, blue
	dacReadIndex  uint8         // entry the next 3C9h read returns
	dacWriteIndex uint8         // entry the next 3C9h write completes
	dacReadStep   uint8         // 0-2: red, green or blue next
	dacWriteStep  uint8
	dacWriteLatch [3]uint8 // an entry changes when its third value arrives
	dacState      uint8    // 3C7h read: 00b after a write index, 11b after a read index
	pelMask       uint8    // 3C6h

	clock   Clock
	ownTime int64  // time of a clock-less adapter: advances per status read
	changes uint64 // grows on every write to memory or a register
}

// New returns an adapter as the card powers on: the video subsystem
// enabled (3C3h), registers zero — so the memory window is off until the
// misc output register's RAM enable is set —, memory clear, the DAC black.
// Nothing is shown until the BIOS (or a program) programs a mode. clock may be nil: the input status register then
// advances its own time by one microsecond per read.
func New(clock Clock) *Adapter {
	return &Adapter{clock: clock, pelMask: 0xFF, enable: 1}
}

// SetClock replaces the time source of the input status register.
func (a *Adapter) SetClock(c Clock) { a.clock = c }

// Changes is a counter that grows whenever video memory or a register is
// written. Displays compare it to skip redraws.
func (a *Adapter) Changes() uint64 { return a.changes }
