// Package video is the PC's display adapter: a VGA that is register-compatible
// with the CGA and MDA text modes, the CGA graphics modes 4-6 and VGA mode 13h.
// It owns the video memory window at A0000h-BFFFFh and the I/O ports
// 3B0h-3DFh, turns the picture into text (CP437 decoded to Unicode) for
// headless use and into an RGBA image with the project's own fonts.
//
// Memory model. The adapter keeps the 128 KiB window A0000h-BFFFFh as one
// linear byte array: text modes store character/attribute pairs the way a
// CGA does (even byte character, odd byte attribute), CGA graphics modes keep
// their interleaved scan-line banks, mode 13h is one byte per pixel. The
// graphics controller's memory map select (GR06 bits 3-2) decides which part
// of the window the CPU sees, as on a VGA. Plane 2, where the VGA keeps the
// text-mode fonts, is a memory of its own, reached with the usual font
// loader's sequence (map mask 04h, odd/even off) or LoadFont. The VGA's
// other planar write modes are not modelled, so the planar EGA/VGA modes
// 0Dh-12h (and unchained "mode X") are not offered.
//
// The picture is derived from the registers the way the CRT controller scans
// memory: columns from the horizontal display end, rows from the vertical
// display end and the maximum scan line, the row stride from the offset
// register, the start address and cursor from CRTC 0Ch-0Fh. Programs that
// reprogram the CRTC (scrolling with the start address, 50-line text with an
// 8-line character cell) are therefore shown as they would be on a VGA.
//
// An Adapter is not safe for concurrent use: the machine serialises the
// CPU's accesses and the display's Render calls.
package video

// Linear addresses of the video memory window.
const (
	WindowStart = 0xA0000 // first byte of the video memory window
	WindowEnd   = 0xC0000 // one past the last byte
	windowSize  = WindowEnd - WindowStart
)

// Clock supplies virtual time in nanoseconds since power-on. It has the
// same shape as machine.Clock, so the machine's clock can be passed as is.
type Clock interface {
	Now() int64
}

// Adapter is the video card: its memory and all of its registers.
type Adapter struct {
	vram    [windowSize]byte
	fontRAM [fontPlaneSize]byte // plane 2: the text-mode fonts

	clock    Clock
	lastNow  int64 // clock value at the previous status read
	pollBias int64 // virtual time added when the clock stands still

	misc uint8 // miscellaneous output register (3C2h write, 3CCh read)

	seqIndex uint8
	seq      [5]uint8 // sequencer SR00-SR04

	crtcIndex uint8
	crtc      [25]uint8 // CRT controller CR00-CR18

	gcIndex uint8
	gc      [9]uint8 // graphics controller GR00-GR08

	attrIndex    uint8 // attribute address register incl. PAS (bit 5)
	attrFlipFlop bool  // false: next 3C0h write is an index, true: data
	attr         [21]uint8

	dac        [256][3]uint8 // 6-bit R, G, B
	dacRead    uint8         // read index (3C7h)
	dacWrite   uint8         // write index (3C8h)
	dacReadSub uint8         // 0-2: which component the next 3C9h read returns
	dacWrSub   uint8         // 0-2: which component the next 3C9h write sets
	dacLatch   [3]uint8      // a write takes effect when all three arrived
	dacState   uint8         // 3C7h read: 00b after a write index, 11b after a read index
	pelMask    uint8         // 3C6h

	cgaMode  uint8 // CGA mode control (3D8h, 3B8h)
	cgaColor uint8 // CGA colour select (3D9h)
	feature  uint8 // feature control (3DAh/3BAh write, 3CAh read)

	mode    int    // the mode last set with SetMode
	changes uint64 // bumped on every write to memory or registers
}

// New returns an adapter in 80x25 colour text mode (mode 3), as a VGA
// BIOS leaves it after POST. clock may be nil: the input status register
// then advances its own time by one microsecond per read.
func New(clock Clock) *Adapter {
	a := &Adapter{clock: clock}
	if err := a.SetMode(3); err != nil {
		panic(err) // mode 3 is always in the mode table
	}
	return a
}

// SetClock replaces the time source of the input status register.
func (a *Adapter) SetClock(c Clock) { a.clock = c }

// Changes is a counter that grows whenever video memory or a register that
// affects the picture is written. Displays compare it to skip redraws.
func (a *Adapter) Changes() uint64 { return a.changes }

// VRAM is the whole 128 KiB memory window, indexed by linear address minus
// WindowStart (B8000h is VRAM()[0x18000]). It is the adapter's own memory:
// the BIOS reads and writes text through it directly.
func (a *Adapter) VRAM() []byte { return a.vram[:] }

// Window is the part of A0000h-BFFFFh the CPU currently sees, chosen by the
// graphics controller's memory map select (GR06 bits 3-2).
func (a *Adapter) Window() (start, end uint32) {
	switch (a.gc[6] >> 2) & 3 {
	case 0:
		return 0xA0000, 0xC0000
	case 1:
		return 0xA0000, 0xB0000
	case 2:
		return 0xB0000, 0xB8000
	default:
		return 0xB8000, 0xC0000
	}
}

// Read8 reads a byte of video memory at a linear address. Addresses outside
// the mapped window read as an undriven bus (FFh).
func (a *Adapter) Read8(addr uint32) uint8 {
	start, end := a.Window()
	if addr < start || addr >= end {
		return 0xFF
	}
	if a.fontReadAccess() {
		return a.fontRAM[(addr-start)&(fontPlaneSize-1)]
	}
	return a.vram[addr-WindowStart]
}

// Write8 writes a byte of video memory at a linear address. Writes outside
// the mapped window are not decoded by the card and are lost.
func (a *Adapter) Write8(addr uint32, v uint8) {
	start, end := a.Window()
	if addr < start || addr >= end {
		return
	}
	if a.fontWriteAccess() {
		a.fontRAM[(addr-start)&(fontPlaneSize-1)] = v
		a.changes++
		return
	}
	a.vram[addr-WindowStart] = v
	a.changes++
}
