package bios

// INT 14h: serial ports through the 8250/16550 UART registers (IBM AT
// Technical Reference, "RS-232"; National Semiconductor 16550 data sheet).

const (
	uartTHR = 0 // transmit/receive buffer (DLAB=0), divisor low (DLAB=1)
	uartIER = 1 // interrupt enable, divisor high (DLAB=1)
	uartLCR = 3
	uartMCR = 4
	uartLSR = 5
	uartMSR = 6

	lsrDataReady = 0x01
	lsrTHREmpty  = 0x20
	serialPolls  = 1000  // status reads before waiting in the ROM
	serialPauses = 20000 // ROM pauses before a time-out (about what the BDA's 1 count allows)
)

// baudDivisors for AL bits 7-5 of AH=00h: 110 ... 9600 baud at 1.8432 MHz.
var baudDivisors = [8]uint16{1047, 768, 384, 192, 96, 48, 24, 12}

func (b *BIOS) int14() {
	n := b.dx()
	var base uint16
	if n < 4 {
		base = b.bda16(bdaCOM1 + 2*n)
	}
	if base == 0 {
		b.setAH(0x80) // no such port: time-out
		return
	}
	switch b.ah() {
	case 0x00: // initialise: AL = baud, parity, stop bits, word length
		div := baudDivisors[b.al()>>5]
		b.bus.Out8(base+uartLCR, 0x80)
		b.bus.Out8(base+uartTHR, uint8(div))
		b.bus.Out8(base+uartIER, uint8(div>>8))
		b.bus.Out8(base+uartLCR, b.al()&0x1F)
		b.bus.Out8(base+uartIER, 0)
		b.serialStatus(base)
	case 0x01: // send AL
		b.serialPoll(wait{kind: waitSerial, base: base, then: thenSerialSend})
	case 0x02: // receive into AL
		b.bus.Out8(base+uartMCR, b.bus.In8(base+uartMCR)|0x03) // DTR, RTS
		b.serialPoll(wait{kind: waitSerial, base: base, then: thenSerialReceive})
	case 0x03:
		b.serialStatus(base)
	}
}

func (b *BIOS) serialStatus(base uint16) {
	b.setAH(b.bus.In8(base + uartLSR))
	b.setAL(b.bus.In8(base + uartMSR))
}

// What a serial wait (AH=01h, 02h) waits for and goes on with.
const (
	thenSerialSend    = iota // the transmitter is empty: send AL
	thenSerialReceive        // a byte is there: take it into AL
)

// serialPoll waits, in the ROM when it takes long, for the line status
// bit w.then needs, then sends or receives.
func (b *BIOS) serialPoll(w wait) {
	bit := uint8(lsrTHREmpty)
	if w.then == thenSerialReceive {
		bit = lsrDataReady
	}
	ok := false
	for i := 0; i < serialPolls; i++ {
		if b.bus.In8(w.base+uartLSR)&bit != 0 {
			ok = true
			break
		}
	}
	if !ok {
		if w.busy.pauses++; w.busy.pauses <= serialPauses {
			b.waitBriefly(w)
			return
		}
	}
	base := w.base
	switch w.then {
	case thenSerialSend:
		if ok {
			b.bus.Out8(base+uartTHR, b.al())
		}
		st := b.bus.In8(base + uartLSR)
		if !ok {
			st |= 0x80
		}
		b.setAH(st)
	case thenSerialReceive:
		if !ok {
			b.setAH(b.bus.In8(base+uartLSR) | 0x80)
			return
		}
		b.setAL(b.bus.In8(base + uartTHR))
		b.setAH(b.bus.In8(base+uartLSR) & 0x1E) // error bits only
	}
}
