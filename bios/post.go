package bios

import "pcemu/cpu"

// BIOS data area offsets (segment 0040h; IBM AT Technical Reference and
// Ralf Brown's "BIOS Data Area" table MEMORY.LST).
const (
	bdaCOM1         = 0x00 // four COM port bases
	bdaLPT1         = 0x08 // three LPT port bases
	bdaEBDASeg      = 0x0E
	bdaEquipment    = 0x10
	bdaMemoryKB     = 0x13
	bdaKbdFlags1    = 0x17 // shift, ctrl, alt, lock states
	bdaKbdFlags2    = 0x18 // left ctrl/alt, sys req, pause, keys held down
	bdaAltKeypad    = 0x19
	bdaKbdHead      = 0x1A
	bdaKbdTail      = 0x1C
	bdaKbdBuffer    = 0x1E
	bdaFloppyRecal  = 0x3E
	bdaFloppyMotor  = 0x3F
	bdaMotorTimeout = 0x40
	bdaFloppyStatus = 0x41
	bdaVideoMode    = 0x49
	bdaColumns      = 0x4A
	bdaPageSize     = 0x4C
	bdaPageStart    = 0x4E
	bdaCursorPos    = 0x50 // 8 pages of (column, row)
	bdaCursorShape  = 0x60 // end line, start line
	bdaActivePage   = 0x62
	bdaCRTCBase     = 0x63
	bdaModeCtrl     = 0x65
	bdaPalette      = 0x66
	bdaTicks        = 0x6C
	bdaMidnight     = 0x70
	bdaBreak        = 0x71
	bdaResetFlag    = 0x72
	bdaDiskStatus   = 0x74
	bdaDiskCount    = 0x75
	bdaDiskControl  = 0x76
	bdaLPTTimeout   = 0x78
	bdaCOMTimeout   = 0x7C
	bdaKbdStart     = 0x80
	bdaKbdEnd       = 0x82
	bdaRows         = 0x84 // rows - 1
	bdaCharHeight   = 0x85
	bdaVideoCtl     = 0x87
	bdaVideoSwitch  = 0x88
	bdaVGAFlags     = 0x89
	bdaDiskIRQ      = 0x8E // set by the IRQ 14/15 handler
	bdaFloppyMedia  = 0x90 // media state, drives 0 and 1
	bdaKbdFlags3    = 0x96 // enhanced keyboard, E0/E1 prefixes seen
	bdaKbdLEDs      = 0x97
	bdaWaitFlag     = 0xA0
)

// Interrupt vectors the BIOS owns.
func (b *BIOS) ivtEntries() map[int]uint16 {
	m := map[int]uint16{
		0x02: offNMI, 0x05: offInt05, 0x08: offInt08, 0x09: offInt09,
		0x0E: offInt0E,
		0x10: offInt10, 0x11: offInt11, 0x12: offInt12, 0x13: offInt13,
		0x14: offInt14, 0x15: offInt15, 0x16: offInt16, 0x17: offInt17,
		0x18: b.int18, 0x19: offInt19, 0x1A: offInt1A,
		0x1D: offVideoParms, 0x1E: offDisketteTab, 0x1F: offFont8Full + 1024,
		0x40: offInt40, 0x43: offFont8Full,
		0x70: b.irqRTCStub, 0x74: b.irq12Stub, 0x76: b.irqIDEStub[0], 0x77: b.irqIDEStub[1],
	}
	for _, v := range []int{0x0A, 0x0B, 0x0C, 0x0D, 0x0F} {
		m[v] = b.irqMasterStub
	}
	for _, v := range []int{0x71, 0x72, 0x73, 0x75} {
		m[v] = b.irqSlaveStub
	}
	return m
}

// Stack for POST and the bootstrap: below the boot sector's load address.
const (
	postSS = 0x0000
	postSP = 0x7C00
)

// post is the power-on self test, entered from the reset jump with
// interrupts off. Drive detection may wait for the drives, so POST ends in
// postFinish, which sends the CPU on to the INT 19h call.
func (b *BIOS) post() {
	if b.resumeAfterShutdown() {
		return
	}
	b.postCode(postStart)
	b.p.SetSeg(cpu.SS, postSS)
	b.p.SetReg(cpu.SP, postSP)
	b.p.SetSeg(cpu.DS, 0x40)
	b.p.SetSeg(cpu.ES, 0)
	clear(b.pend)
	b.xf.active = false // a transfer cut off by a reset never resumes
	b.bootIndex = 0

	conventional := min(b.cfg.MemoryKB, 640)
	b.ebdaSeg = uint16(conventional-1) << 6 // 1 KiB at the top of conventional memory

	// Interrupt vector table: every vector to a bare IRET, the user
	// vectors 60h-67h free (zero), then the BIOS's own.
	for v := 0; v < 256; v++ {
		off, seg := uint16(offDummyIRET), uint16(romSeg)
		if v >= 0x60 && v <= 0x67 {
			off, seg = 0, 0
		}
		b.setVector(v, seg, off)
	}
	for v, off := range b.ivtEntries() {
		b.setVector(v, romSeg, off)
	}

	// BIOS data area and EBDA. The reset flag survives: software reads
	// 1234h there after a warm boot.
	resetFlag := b.bda16(bdaResetFlag)
	for a := uint32(0x400); a < 0x500; a++ {
		b.wr8(a, 0)
	}
	b.setBDA16(bdaResetFlag, resetFlag)
	ebda := linear(b.ebdaSeg, 0)
	for a := ebda; a < ebda+1024; a++ {
		b.wr8(a, 0)
	}
	b.wr8(ebda, 1) // EBDA size in KiB
	b.setBDA16(bdaCOM1, 0x3F8)
	b.setBDA8(bdaCOMTimeout, 1)
	b.setBDA16(bdaEBDASeg, b.ebdaSeg)
	b.setBDA16(bdaMemoryKB, uint16(conventional-1))
	b.setBDA16(bdaEquipment, b.equipment())
	b.setBDA16(bdaKbdStart, bdaKbdBuffer)
	b.setBDA16(bdaKbdEnd, bdaKbdBuffer+32)
	b.setBDA16(bdaKbdHead, bdaKbdBuffer)
	b.setBDA16(bdaKbdTail, bdaKbdBuffer)
	b.setBDA8(bdaKbdFlags3, 0x10) // 101/102-key keyboard installed
	for i, f := range b.floppy {
		if f != nil {
			b.setBDA8(bdaFloppyMedia+uint16(i), f.mediaState())
		}
	}

	b.postCode(postChipset)
	b.initPIC()
	b.initPIT()
	b.initKeyboardController()
	b.setTicksFromRTC()

	b.postCode(postVideo)
	b.videoPOST()

	b.postCode(postDisks)
	b.hd = b.hd[:0]
	b.detect(0)
}

// postFinish runs once the IDE channels have been probed.
func (b *BIOS) postFinish() {
	b.setBDA8(bdaDiskCount, uint8(len(b.hd)))
	// INT 41h and 46h: fixed disk parameter tables for drives 80h and 81h,
	// in the EBDA at the PS/2 offsets 3Dh and 4Dh.
	for i := 0; i < 2; i++ {
		off := uint16(0x3D + 16*i)
		vec := []int{0x41, 0x46}[i]
		if i < len(b.hd) {
			b.writeFDPT(linear(b.ebdaSeg, off), b.hd[i])
			b.setVector(vec, b.ebdaSeg, off)
		} else {
			b.setVector(vec, 0, 0)
		}
	}
	b.postCode(postBoot)
	b.p.SetSeg(cpu.CS, romSeg)
	b.p.SetIP(b.postDone)
}

// POST codes written to the diagnostic port 80h as POST goes on, so a
// machine that stops in POST shows where.
const (
	postStart   = 0x01 // IVT, BDA
	postChipset = 0x10 // PICs, PIT, keyboard controller, RTC
	postVideo   = 0x20 // video mode 3
	postDisks   = 0x30 // IDE drive detection
	postBoot    = 0x40 // handing over to INT 19h
)

func (b *BIOS) postCode(c uint8) { b.bus.Out8(0x80, c) }

func (b *BIOS) setVector(v int, seg, off uint16) {
	b.wr16(uint32(v*4), off)
	b.wr16(uint32(v*4+2), seg)
}

// equipment is the INT 11h word (IBM AT Technical Reference, "Equipment
// determination"): diskettes, initial video mode 80x25 colour, one serial port.
func (b *BIOS) equipment() uint16 {
	var w uint16 = 2 << 4 // 80x25 colour
	n := 0
	for _, f := range b.floppy {
		if f != nil {
			n++
		}
	}
	if n > 0 {
		w |= 1 | uint16(n-1)<<6
	}
	w |= 1 << 9 // one serial port
	if b.cfg.PS2Mouse {
		w |= 1 << 2 // pointing device
	}
	return w
}

// initPIC programs both 8259As: edge-triggered, cascaded on IRQ 2, vectors
// 08h and 70h (IBM AT), and leaves the timer, keyboard, cascade, diskette,
// mouse and disk IRQs unmasked (the 8042 raises IRQ 12 only once a driver
// enables it in the command byte).
func (b *BIOS) initPIC() {
	b.bus.Out8(0x20, 0x11) // ICW1: edge, cascade, ICW4 needed
	b.bus.Out8(0x21, 0x08) // ICW2: vector base
	b.bus.Out8(0x21, 0x04) // ICW3: slave on IRQ 2
	b.bus.Out8(0x21, 0x01) // ICW4: 8086 mode
	b.bus.Out8(0xA0, 0x11)
	b.bus.Out8(0xA1, 0x70)
	b.bus.Out8(0xA1, 0x02) // slave identity 2
	b.bus.Out8(0xA1, 0x01)
	b.bus.Out8(0x21, 0xB8) // IRQ 0, 1, 2, 6 enabled
	b.bus.Out8(0xA1, 0x2F) // IRQ 12, 14, 15 enabled
}

// initPIT sets channel 0 to mode 3 with divisor 65536: IRQ 0 at
// 1193182/65536 = 18.2 Hz.
func (b *BIOS) initPIT() {
	b.bus.Out8(0x43, 0x36)
	b.bus.Out8(0x40, 0x00)
	b.bus.Out8(0x40, 0x00)
}

// initKeyboardController empties the 8042's output buffer, sets its command
// byte (IRQ 1 on, system flag, scancode translation to set 1, and the
// mouse port disabled with IRQ 12 off until a driver enables them, as
// SeaBIOS leaves them) and enables the keyboard interface.
func (b *BIOS) initKeyboardController() {
	for i := 0; i < 16 && b.bus.In8(0x64)&1 != 0; i++ {
		b.bus.In8(0x60)
	}
	ctr := uint8(0x45)
	if b.cfg.PS2Mouse {
		ctr |= kbcCmdNoAux
	}
	b.bus.Out8(0x64, 0x60)
	b.waitKbdInput()
	b.bus.Out8(0x60, ctr)
	b.waitKbdInput()
	b.bus.Out8(0x64, 0xAE)
}

// waitKbdInput waits (briefly: the 8042 model takes writes at once) for the
// controller's input buffer to be empty.
func (b *BIOS) waitKbdInput() {
	for i := 0; i < 1000 && b.bus.In8(0x64)&2 != 0; i++ {
	}
}

// setTicksFromRTC starts the BDA tick count at the CMOS time of day, as the
// AT BIOS does, so INT 1Ah AH=00h and DOS's clock agree with the RTC.
func (b *BIOS) setTicksFromRTC() {
	h, m, s, ok := b.rtcTime()
	if !ok {
		return
	}
	secs := uint64(h)*3600 + uint64(m)*60 + uint64(s)
	b.setTicks(uint32(secs * ticksPerDay / 86400))
}

func (b *BIOS) setTicks(t uint32) {
	b.setBDA16(bdaTicks, uint16(t))
	b.setBDA16(bdaTicks+2, uint16(t>>16))
}

func (b *BIOS) ticks() uint32 {
	return uint32(b.bda16(bdaTicks)) | uint32(b.bda16(bdaTicks+2))<<16
}

// reboot restarts the machine: through the machine's reset when it has
// one, else by jumping to the reset entry (POST reinitialises everything).
func (b *BIOS) reboot() {
	if b.cfg.Reset != nil {
		b.cfg.Reset()
		return
	}
	b.setBDA16(bdaResetFlag, 0x1234) // warm boot
	b.p.SetSeg(cpu.CS, romSeg)
	b.p.SetIP(offReset)
}

// CMOS shutdown status (register 0Fh): why the CPU was reset (IBM AT
// Technical Reference, "Shutdown"). A 286 program leaving protected mode
// resets the CPU with 05h or 0Ah there and a far pointer at 0040:0067.
const (
	cmosShutdown      = 0x0F
	shutdownJmpEOI    = 0x05 // flush the keyboard, EOI, jump through 0040:0067
	shutdownJmpNoEOI  = 0x0A // jump through 0040:0067
	bdaResetVectorOff = 0x67
	bdaResetVectorSeg = 0x69
)

// resumeAfterShutdown continues a program that reset the CPU on purpose,
// instead of running POST.
func (b *BIOS) resumeAfterShutdown() bool {
	code := b.cmosRead(cmosShutdown)
	if code != shutdownJmpEOI && code != shutdownJmpNoEOI {
		return false
	}
	b.cmosWrite(cmosShutdown, 0)
	if code == shutdownJmpEOI {
		for i := 0; i < 16 && b.bus.In8(0x64)&1 != 0; i++ {
			b.bus.In8(0x60)
		}
		b.bus.Out8(0x20, 0x20)
	}
	b.p.SetSeg(cpu.CS, b.bda16(bdaResetVectorSeg))
	b.p.SetIP(b.bda16(bdaResetVectorOff))
	return true
}
