package bios

import "pcemu/cpu"

// The PS/2 pointing device services: INT 15h AH=C2h and the IRQ 12
// handler (INT 74h) that gathers the mouse's packets and calls the
// driver's handler (IBM PS/2 and PC BIOS Interface Technical Reference,
// "Pointing Device BIOS Interface"; Ralf Brown's INT 15h/AX=C200h-C207h).
// The BIOS talks to the mouse only through the 8042's ports (D4h, then the
// byte on 60h; answers arrive as auxiliary data), as a real one does.
//
// The state lives where IBM's BIOS keeps it, in the extended BIOS data
// area: the handler's far pointer at 22h, two flag bytes at 26h and 27h
// and the packet being gathered at 28h-2Fh.

// EBDA offsets of the pointing device state.
const (
	ebdaMouseHandler = 0x22 // far pointer (offset, segment) set by AX=C207h
	ebdaMouseFlag1   = 0x26 // bits 0-2: index of the next packet byte
	ebdaMouseFlag2   = 0x27 // bits 0-2: packet size - 1; bit 6 enabled; bit 7 handler installed
	ebdaMouseData    = 0x28 // up to 8 packet bytes
)

const (
	mouseEnabled   = 0x40
	mouseHasHandle = 0x80
)

// INT 15h AH=C2h status codes (AH).
const (
	mouseOK          = 0x00
	mouseBadFunction = 0x01
	mouseBadInput    = 0x02
	mouseInterface   = 0x03
	mouseResend      = 0x04
	mouseNoHandler   = 0x05
)

// 8042 command byte bits the services change.
const (
	kbcCmdIRQ1  = 0x01
	kbcCmdIRQ12 = 0x02
	kbcCmdNoKbd = 0x10
	kbcCmdNoAux = 0x20
)

// mouseRates are the sample rates of AX=C202h, BH=0-6, in reports/s.
var mouseRates = [7]uint8{10, 20, 40, 60, 80, 100, 200}

// mouseTimeoutNs bounds the wait for each answer of the mouse (the PS/2
// interface allows a device 25 ms; a reset's self-test takes longer).
const mouseTimeoutNs = 600_000_000

// mouseTimeoutPauses bounds it when the BIOS has no virtual clock.
const mouseTimeoutPauses = 200_000

// mouseXfer is a command sequence in progress: its bytes, what came back,
// and what to do at the end.
type mouseXfer struct {
	send     []byte
	next     int    // index of the byte to send next
	acks     int    // ACKs received
	want     int    // data bytes to read after the last byte's ACK
	resp     []byte // those data bytes
	ctr      uint8  // the 8042 command byte to restore
	aux      int    // after the command: 1 enable IRQ 12 and the port, -1 disable, 0 keep
	deadline int64
	pauses   int
	fn, sub  uint8 // the caller's AL and BH: what mouseFinish completes
}

func (b *BIOS) ebda() uint32 { return linear(b.bda16(bdaEBDASeg), 0) }

func (b *BIOS) mouseFlag2() uint8 { return b.rd8(b.ebda() + ebdaMouseFlag2) }

// int15Mouse is INT 15h AH=C2h. The functions that talk to the mouse
// send their command (mouseSend) and finish in mouseFinish.
func (b *BIOS) int15Mouse() {
	e := b.ebda()
	switch al := b.al(); al {
	case 0x00: // enable (BH=1) or disable (BH=0)
		switch b.bh() {
		case 0:
			b.mouseSend(-1, 0, 0xF5)
		case 1:
			if b.mouseFlag2()&mouseHasHandle == 0 {
				b.mouseStatus(mouseNoHandler)
				return
			}
			b.mouseSend(1, 0, 0xF4)
		default:
			b.mouseStatus(mouseBadInput)
		}
	case 0x01, 0x05: // reset; initialise with BH = packet size, then reset
		if al == 0x05 {
			if b.bh() < 1 || b.bh() > 8 {
				b.mouseStatus(mouseBadInput)
				return
			}
			b.wr8(e+ebdaMouseFlag2, b.mouseFlag2()&^7|(b.bh()-1))
		}
		b.mouseSend(0, 2, 0xFF)
	case 0x02: // sample rate
		if b.bh() >= uint8(len(mouseRates)) {
			b.mouseStatus(mouseBadInput)
			return
		}
		b.mouseSend(0, 0, 0xF3, mouseRates[b.bh()])
	case 0x03: // resolution: 1, 2, 4, 8 counts/mm
		if b.bh() > 3 {
			b.mouseStatus(mouseBadInput)
			return
		}
		b.mouseSend(0, 0, 0xE8, b.bh())
	case 0x04: // device type
		b.mouseSend(0, 1, 0xF2)
	case 0x06: // extended commands
		switch b.bh() {
		case 0: // status: BL status byte, CL resolution, DL sample rate
			b.mouseSend(0, 3, 0xE9)
		case 1:
			b.mouseSend(0, 0, 0xE6)
		case 2:
			b.mouseSend(0, 0, 0xE7)
		default:
			b.mouseStatus(mouseBadInput)
		}
	case 0x07: // device handler at ES:BX (0:0 removes it)
		seg, off := b.p.Seg(cpu.ES), b.bx()
		b.wr16(e+ebdaMouseHandler, off)
		b.wr16(e+ebdaMouseHandler+2, seg)
		f := b.mouseFlag2() &^ mouseHasHandle
		if seg != 0 || off != 0 {
			f |= mouseHasHandle
		}
		b.wr8(e+ebdaMouseFlag2, f)
		b.mouseStatus(mouseOK)
	default:
		b.mouseStatus(mouseBadFunction)
	}
}

// mouseStatus returns status in AH, and CF set unless it is mouseOK.
func (b *BIOS) mouseStatus(status uint8) {
	b.setAH(status)
	b.setCF(status != mouseOK)
}

// mouseFinish completes the function fn (AL), sub-function sub (BH),
// whose command ended with status and the data resp.
func (b *BIOS) mouseFinish(fn, sub, status uint8, resp []byte) {
	e := b.ebda()
	ok := status == mouseOK
	switch {
	case fn == 0x00 && sub == 0 && ok:
		b.wr8(e+ebdaMouseFlag2, b.mouseFlag2()&^mouseEnabled)
	case fn == 0x00 && sub == 1 && ok:
		b.wr8(e+ebdaMouseFlag2, b.mouseFlag2()|mouseEnabled)
	case fn == 0x01 || fn == 0x05:
		b.wr8(e+ebdaMouseFlag2, b.mouseFlag2()&^mouseEnabled)
		if ok && resp[0] != 0xAA {
			status = mouseInterface // the mouse failed its self-test
		} else if ok && fn == 0x01 {
			b.setBL(resp[0])
			b.setBH(resp[1])
		}
	case fn == 0x04 && ok:
		b.setBH(resp[0])
	case fn == 0x06 && sub == 0 && ok:
		b.setBL(resp[0])
		b.setCL(resp[1])
		b.setDL(resp[2])
	}
	b.mouseStatus(status)
}

// mouseSend sends bytes to the mouse, each answered by an ACK, then reads
// want data bytes, and finishes the caller's function (AL, BH) with the
// status and the data (mouseFinish). The
// keyboard is disabled and both IRQs are off meanwhile, so that neither
// the keyboard nor INT 74h takes the answers; keyboard bytes that arrive
// anyway are discarded, as SeaBIOS does. aux says what becomes of the
// auxiliary port and IRQ 12 afterwards (1 on, -1 off, 0 as they were).
func (b *BIOS) mouseSend(aux, want int, bytes ...byte) {
	b.bus.Out8(0x64, 0xAD)
	for i := 0; i < 16 && b.bus.In8(0x64)&0x01 != 0; i++ {
		b.bus.In8(0x60) // stale data
	}
	// With the keyboard off and the buffer empty, the controller's own
	// answer to 20h is the next byte.
	b.bus.Out8(0x64, 0x20)
	ctr := b.bus.In8(0x60)
	b.bus.Out8(0x64, 0x60)
	b.bus.Out8(0x60, (ctr|kbcCmdNoKbd)&^(kbcCmdIRQ1|kbcCmdIRQ12))
	b.wr8(b.ebda()+ebdaMouseFlag1, 0) // a new packet starts after the command
	b.ms = mouseXfer{send: bytes, want: want, ctr: ctr &^ kbcCmdNoKbd, aux: aux, fn: b.al(), sub: b.bh()}
	b.mouseNextByte()
}

// mouseNextByte sends the next byte, or starts reading the data.
func (b *BIOS) mouseNextByte() {
	x := &b.ms
	if x.next == len(x.send) {
		if len(x.resp) == x.want {
			b.mouseDone(mouseOK)
			return
		}
		b.mouseWait()
		return
	}
	b.bus.Out8(0x64, 0xD4)
	b.bus.Out8(0x60, x.send[x.next])
	x.next++
	if b.bus.In8(0x64)&0x40 != 0 { // transmit time-out: no mouse
		b.mouseDone(mouseInterface)
		return
	}
	b.mouseWait()
}

// mouseWait starts waiting for the mouse's next byte.
func (b *BIOS) mouseWait() {
	x := &b.ms
	x.pauses = 0
	if b.cfg.Now != nil {
		x.deadline = b.cfg.Now() + mouseTimeoutNs
	}
	b.mousePoll()
}

// mousePoll takes the mouse's byte if it is there, else waits a little in
// the ROM (interrupts open) and looks again.
func (b *BIOS) mousePoll() {
	x := &b.ms
	for {
		st := b.bus.In8(0x64)
		if st&0x01 == 0 {
			break
		}
		v := b.bus.In8(0x60)
		if st&0x20 == 0 {
			continue // a keyboard byte: discarded
		}
		if x.acks == x.next { // the data after the last ACK
			x.resp = append(x.resp, v)
			b.mouseNextByte()
			return
		}
		switch v { // the answer to the byte just sent
		case 0xFA:
			x.acks++
			b.mouseNextByte()
		case 0xFE:
			b.mouseDone(mouseResend)
		default:
			b.mouseDone(mouseInterface)
		}
		return
	}
	x.pauses++
	if b.cfg.Now != nil && b.cfg.Now() > x.deadline || b.cfg.Now == nil && x.pauses > mouseTimeoutPauses {
		b.mouseDone(mouseInterface)
		return
	}
	b.waitBriefly(wait{kind: waitMouse})
}

// mouseDone restores the command byte (keyboard on, the auxiliary port
// and IRQ 12 as asked) and reports.
func (b *BIOS) mouseDone(status uint8) {
	x := &b.ms
	ctr := x.ctr
	switch x.aux {
	case 1:
		ctr = ctr&^kbcCmdNoAux | kbcCmdIRQ12
	case -1:
		ctr = ctr&^kbcCmdIRQ12 | kbcCmdNoAux
	}
	if status != mouseOK {
		ctr = x.ctr // a failed command changes nothing
	}
	b.bus.Out8(0x64, 0x60)
	b.bus.Out8(0x60, ctr)
	fn, sub, resp := x.fn, x.sub, x.resp
	*x = mouseXfer{}
	b.mouseFinish(fn, sub, status, resp)
}

// irq12 is INT 74h: one byte of a packet from the mouse. A complete packet
// goes to the driver's handler with four words on the stack (status, X, Y,
// and Z, 0 for a 3-byte packet), called far; the ROM after it drops them.
func (b *BIOS) irq12() {
	b.p.SetIP(b.irq12Done)
	if b.bus.In8(0x64)&0x21 != 0x21 {
		return // no mouse byte: spurious
	}
	v := b.bus.In8(0x60)
	e := b.ebda()
	f1, f2 := b.rd8(e+ebdaMouseFlag1), b.mouseFlag2()
	i, size := f1&7, f2&7+1
	if i == 0 && v&0x08 == 0 {
		return // the first byte of a packet has bit 3 set: out of step, resync
	}
	b.wr8(e+ebdaMouseData+uint32(i), v)
	if i+1 < size {
		b.wr8(e+ebdaMouseFlag1, f1&^7|(i+1))
		return
	}
	b.wr8(e+ebdaMouseFlag1, f1&^7)
	if f2&(mouseEnabled|mouseHasHandle) != mouseEnabled|mouseHasHandle {
		return
	}
	var z uint16
	if size > 3 {
		z = uint16(b.rd8(e + ebdaMouseData + 3))
	}
	b.push16(uint16(b.rd8(e + ebdaMouseData)))
	b.push16(uint16(b.rd8(e + ebdaMouseData + 1)))
	b.push16(uint16(b.rd8(e + ebdaMouseData + 2)))
	b.push16(z)
	b.push16(romSeg)
	b.push16(b.irq12Return)
	b.p.SetSeg(cpu.CS, b.rd16(e+ebdaMouseHandler+2))
	b.p.SetIP(b.rd16(e + ebdaMouseHandler))
}

// push16 pushes a word on the guest's stack.
func (b *BIOS) push16(v uint16) {
	sp := b.p.Reg(cpu.SP) - 2
	b.p.SetReg(cpu.SP, sp)
	b.wr16(linear(b.p.Seg(cpu.SS), sp), v)
}
