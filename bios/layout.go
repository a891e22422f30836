package bios

// buildROM lays out the ROM image and registers the Go handler behind every
// stub. The addresses the handlers see (IP after an OUT) identify them.
func (b *BIOS) buildROM() {
	b.rom = make([]byte, romSize)
	for i := range b.rom {
		b.rom[i] = 0xFF // unprogrammed EPROM
	}
	b.svc = services{}
	a := &asm{rom: b.rom}

	// Reset vector: the CPU starts at F000:FFF0.
	a.org(offReset)
	a.jmpFar(romSeg, offPOST)
	a.org(offDate)
	a.db([]byte(romDate)...)
	a.org(offModel)
	a.db(0xFC, 0x00) // model FCh: PC/AT; the byte after is the checksum slot (see below)

	// POST: Go initialises the machine in stages (drives may need time),
	// then the x86 side bootstraps through INT 19h with interrupts on.
	a.org(offPOST)
	a.cli()
	a.cld()
	b.on(a.out(), (*BIOS).post)
	b.postDone = a.here()
	a.sti()
	a.intN(0x19)
	a.jmp(b.postDone) // INT 19h does not return; if it does, try again

	// Simple services: OUT; IRET.
	simple := []struct {
		off uint16
		h   service
	}{
		{offInt10, (*BIOS).int10},
		{offInt11, (*BIOS).int11},
		{offInt12, (*BIOS).int12},
		{offInt13, (*BIOS).int13},
		{offInt14, (*BIOS).int14},
		{offInt15, (*BIOS).int15},
		{offInt16, (*BIOS).int16},
		{offInt17, (*BIOS).int17},
		{offInt1A, (*BIOS).int1A},
		{offInt40, (*BIOS).int40},
		{offInt0E, (*BIOS).irqMaster},
		{offNMI, nil},
	}
	for _, s := range simple {
		a.org(s.off)
		if s.h != nil {
			b.on(a.out(), s.h)
		}
		a.iret()
	}
	a.org(offDummyIRET)
	a.iret()
	a.org(offInt05) // print screen: no printer on this PC
	a.iret()

	// INT 08h, IRQ 0: tick count, then the user hook INT 1Ch, then EOI
	// (IBM AT BIOS order).
	a.org(offInt08)
	b.on(a.out(), (*BIOS).int08)
	a.intN(0x1C)
	b.on(a.out(), (*BIOS).eoiMaster)
	a.iret()

	// INT 09h, IRQ 1: read the scancode, offer it to INT 15h AH=4Fh
	// (keyboard intercept), then translate it. AX is the caller's and is
	// saved on the stack around the hook.
	a.org(offInt09)
	a.pushAX()
	b.on(a.out(), (*BIOS).int09Read)
	a.intN(0x15)
	b.on(a.out(), (*BIOS).int09Process)
	b.int09Exit = a.here()
	a.popAX()
	a.iret()

	// INT 19h, bootstrap: Go picks the next device of the boot order and
	// loads its sector 0 through INT 13h itself, so disk waits work as for
	// any caller; the second OUT checks the sector and jumps to 0000:7C00.
	a.org(offInt19)
	a.jmp(offCode) // only 3 bytes before the configuration table
	a.org(offCode)
	b.on(a.out(), (*BIOS).int19Start)
	b.int19Next = a.here()
	b.on(a.out(), (*BIOS).int19Select)
	a.intN(0x13)
	b.on(a.out(), (*BIOS).int19Check)
	a.jmp(b.int19Next)

	// INT 18h: no bootable device. Show the message and idle with
	// interrupts on (Ctrl-Alt-Del still reboots).
	b.int18 = a.here()
	b.on(a.out(), (*BIOS).int18Handler)
	b.idle = a.here()
	a.sti()
	a.hlt()
	a.jmp(b.idle)

	// Ctrl-Break and Print Screen from the keyboard handler: call the hook,
	// then leave INT 09h the normal way.
	b.int09Break = a.here()
	a.intN(0x1B)
	a.popAX()
	a.iret()
	b.int09PrtSc = a.here()
	a.intN(0x05)
	a.popAX()
	a.iret()

	// Wait loops. A service that cannot finish yet stores a continuation
	// and points IP at one of these; the OUT after the wait resumes it. The
	// IRET after it returns to the caller of the waiting service.
	b.waitHLT = a.here()
	a.sti()
	a.hlt()
	a.cli()
	b.on(a.out(), (*BIOS).resume)
	a.iret()
	b.waitPause = a.here()
	a.sti()
	a.nop()
	a.nop()
	a.nop()
	a.cli()
	b.on(a.out(), (*BIOS).resume)
	a.iret()

	// Hardware interrupts without a service of their own: acknowledge.
	b.irqMasterStub = a.here()
	b.on(a.out(), (*BIOS).irqMaster)
	a.iret()
	b.irqSlaveStub = a.here()
	b.on(a.out(), (*BIOS).irqSlave)
	a.iret()
	b.irqRTCStub = a.here()
	b.on(a.out(), (*BIOS).irqRTC)
	a.iret()
	b.irqIDEStub[0] = a.here()
	b.on(a.out(), func(b *BIOS) { b.irqIDE(0) })
	a.iret()
	b.irqIDEStub[1] = a.here()
	b.on(a.out(), func(b *BIOS) { b.irqIDE(1) })
	a.iret()

	// INT 74h, IRQ 12: the registers are saved around the driver's
	// handler, which Go calls far (pushing the packet words) when a packet
	// is complete; after it returns the words are dropped, then EOI.
	b.irq12Stub = a.here()
	a.db(0x50, 0x53, 0x51, 0x52, 0x56, 0x57, 0x55, 0x1E, 0x06) // PUSH AX BX CX DX SI DI BP DS ES
	b.on(a.out(), (*BIOS).irq12)
	b.irq12Return = a.here()
	a.db(0x83, 0xC4, 0x08) // ADD SP, 8
	b.irq12Done = a.here()
	b.on(a.out(), (*BIOS).irqSlave)
	a.db(0x07, 0x1F, 0x5D, 0x5F, 0x5E, 0x5A, 0x59, 0x5B, 0x58) // POP ES DS BP DI SI DX CX BX AX
	a.iret()

	if a.here() >= offFDPT-0x400 {
		panic("bios: ROM code overflows its area")
	}

	// Tables.
	a.org(offDisketteTab)
	a.db(disketteParams[:]...)
	a.org(offConfigTable)
	a.dw(8)
	a.db(configTable[:]...)
	a.org(offVideoParms)
	a.db(videoParams[:]...)
	writeVideoTables(a)
	b.writeFonts(a)

	// Checksum byte at FFFFh makes the 64 KiB sum to zero, as IBM's POST
	// test expects of a system ROM.
	var sum byte
	for _, v := range b.rom[:romSize-1] {
		sum += v
	}
	b.rom[romSize-1] = -sum
}

// romDate is the BIOS date at F000:FFF5, read by software that identifies
// the machine.
const romDate = "11/25/26"

// configTable is the INT 15h AH=C0h system configuration table after its
// length word (Ralf Brown's Interrupt List, INT 15h/AH=C0h, Table 00509).
var configTable = [8]byte{
	0xFC, // model: AT
	0x01, // submodel
	0x00, // BIOS revision
	0x70, // feature byte 1: bit 6 second PIC, bit 5 RTC, bit 4 INT 15h/4Fh keyboard intercept
	0x40, // feature byte 2: bit 6 INT 16h/09h (extended keyboard functions) supported
	0x00, 0x00, 0x00,
}

// disketteParams is the INT 1Eh diskette parameter table for a 1.44M drive
// (IBM AT Technical Reference; Ralf Brown's Table 01264): step rate/head
// unload, head load/DMA, motor-off delay, 512-byte sectors, 18 sectors per
// track, gap length, data length, format gap, fill byte, head settle, motor
// start.
var disketteParams = [11]byte{0xDF, 0x02, 0x25, 0x02, 18, 0x1B, 0xFF, 0x6C, 0xF6, 0x0F, 0x08}

// videoParams is the start of the INT 1Dh video parameter table: the 6845
// register sets for 40x25, 80x25, graphics and monochrome (IBM PC
// Technical Reference), then the regen buffer sizes and columns per mode.
var videoParams = [88]byte{
	0x38, 0x28, 0x2D, 0x0A, 0x1F, 0x06, 0x19, 0x1C, 0x02, 0x07, 0x06, 0x07, 0x00, 0x00, 0x00, 0x00,
	0x71, 0x50, 0x5A, 0x0A, 0x1F, 0x06, 0x19, 0x1C, 0x02, 0x07, 0x06, 0x07, 0x00, 0x00, 0x00, 0x00,
	0x38, 0x28, 0x2D, 0x0A, 0x7F, 0x06, 0x64, 0x70, 0x02, 0x01, 0x06, 0x07, 0x00, 0x00, 0x00, 0x00,
	0x61, 0x50, 0x52, 0x0F, 0x19, 0x06, 0x19, 0x19, 0x02, 0x0D, 0x0B, 0x0C, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x08, 0x00, 0x10, 0x00, 0x40, 0x00, 0x40, // regen lengths: 2K, 4K, 16K, 16K
	40, 40, 80, 80, 40, 40, 80, 80, // columns for modes 0-7
	0x2C, 0x28, 0x2D, 0x29, 0x2A, 0x2E, 0x1E, 0x29, // CGA mode control register values for modes 0-7
}

// writeFonts places the 8x8 font: characters 00h-7Fh at the PC's fixed
// address, and the whole set for INT 43h (its upper half for INT 1Fh).
func (b *BIOS) writeFonts(a *asm) {
	font := b.cfg.Font8x8
	if font == nil {
		font = make([]byte, 2048) // no font given: blank glyphs, pointers stay valid
	}
	copy(b.rom[offFont8Low:], font[:1024])
	copy(b.rom[offFont8Full:], font)
	for _, f := range []struct {
		font []byte
		off  int
		size int
	}{{b.cfg.Font8x14, offFont14, 14 * 256}, {b.cfg.Font8x16, offFont16, 16 * 256}} {
		if f.font == nil {
			clear(b.rom[f.off : f.off+f.size])
			continue
		}
		copy(b.rom[f.off:], f.font)
	}
}
