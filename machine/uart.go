package machine

import (
	"fmt"
	"io"
	"math"
	"sync"
)

// The National Semiconductor PC16550D UART, as COM1 at 3F8h-3FFh on IRQ 4
// (the register set is the 8250's plus the FIFOs). References: PC16550D
// datasheet sections 8.1-8.10 (registers), 8.6 ("FIFO Interrupt Mode
// Operation") and the interrupt priority table under 8.4 (IIR).
//
// Transmission is immediate: a byte written to THR goes to the sink at
// once and THR is empty again, so THRE and TEMT always read 1 and the THRE
// interrupt follows every write. Reception is paced: host input enters the
// receiver one character time apart, at the programmed baud rate and frame,
// and only when the RBR or FIFO has room, so nothing the host sends is lost
// to an overrun. In FIFO mode a character time-out interrupt is raised when
// data below the trigger level has waited four character times.
//
// A device plugged into the port (the serial mouse) sees DTR and RTS
// through SerialDevice and puts characters on the receive line with
// LineIn, at its own pace: a character that finds the receiver full is
// an overrun, as on the real line.
//
// On the PC the INTR pin reaches the PIC through a buffer enabled by OUT2
// (MCR bit 3); in loopback mode OUT2 is internally disconnected, so no IRQ
// reaches the PIC then.

// COM1 resources.
const (
	PortCOM1 = 0x3F8
	IRQCOM1  = 4
)

// Register offsets from the base port.
const (
	uartRBR = 0 // read, DLAB=0 (THR on write); DLL with DLAB=1
	uartIER = 1 // DLM with DLAB=1
	uartIIR = 2 // read (FCR on write)
	uartLCR = 3
	uartMCR = 4
	uartLSR = 5
	uartMSR = 6
	uartSCR = 7
)

// Register bits.
const (
	uartIERRDA  = 0x01 // received data available (and time-out)
	uartIERTHRE = 0x02
	uartIERRLS  = 0x04 // receiver line status
	uartIERMS   = 0x08 // modem status

	uartIIRNone    = 0x01
	uartIIRRLS     = 0x06
	uartIIRRDA     = 0x04
	uartIIRTimeout = 0x0C
	uartIIRTHRE    = 0x02
	uartIIRMS      = 0x00
	uartIIRFIFO    = 0xC0

	uartLCRDLAB  = 0x80
	uartLCRBreak = 0x40

	uartMCRDTR  = 0x01
	uartMCRRTS  = 0x02
	uartMCROUT1 = 0x04
	uartMCROUT2 = 0x08
	uartMCRLoop = 0x10

	uartLSRDR   = 0x01
	uartLSROE   = 0x02
	uartLSRTHRE = 0x20
	uartLSRTEMT = 0x40

	uartMSRCTS = 0x10
	uartMSRDSR = 0x20
	uartMSRRI  = 0x40
	uartMSRDCD = 0x80
)

// uartClockHz is the PC's UART crystal; the baud rate is uartClockHz/16/divisor.
const uartClockHz = 1843200

// uartFIFOSize is the depth of the 16550's receive FIFO.
const uartFIFOSize = 16

// uartLinesIn is what the modem inputs read when not in loopback: a
// terminal at the other end with CTS, DSR and DCD asserted.
const uartLinesIn = uartMSRCTS | uartMSRDSR | uartMSRDCD

// UART is one 16550. It implements PortDevice for its eight ports (decoded
// from the low three bits) and Timed for the run loop.
type UART struct {
	clk Clock
	irq IRQLine
	out io.Writer
	err error

	dll, dlm uint8
	ier, lcr uint8
	mcr, scr uint8
	fifoOn   bool
	trigger  int // receive FIFO trigger level: 1, 4, 8 or 14
	rx       []byte
	rbr      uint8 // last byte read, returned again when empty
	lsrErr   uint8 // OE, until LSR is read
	thri     bool  // THRE interrupt pending
	msr      uint8 // modem status inputs (bits 4-7)
	msrDelta uint8 // MSR bits 0-3
	lastRx   int64 // time of the last character received or read, for the time-out
	rxNextAt int64 // time the next host byte can arrive
	rxHeld   bool  // host input waits for room in the receiver
	irqOn    bool

	inMu  sync.Mutex
	inbox []byte

	dev SerialDevice // plugged into the port; nil for the host's character device
}

// SerialDevice is a device at the other end of the cable. ModemControl
// tells it the levels of DTR and RTS as they leave the port (both inactive
// in loopback mode, where the outputs are disconnected), at virtual time
// now, whenever MCR is written.
type SerialDevice interface {
	ModemControl(dtr, rts bool, now int64)
}

// Attach plugs dev into the port in place of the host's character device.
func (u *UART) Attach(dev SerialDevice) {
	u.dev = dev
	u.out = nil
	u.modemOut(u.clk.Now())
}

func (u *UART) modemOut(now int64) {
	if u.dev == nil {
		return
	}
	on := !u.loopback()
	u.dev.ModemControl(on && u.mcr&uartMCRDTR != 0, on && u.mcr&uartMCRRTS != 0, now)
}

// LineIn is a character arriving on the receive line from an attached
// device at time at (not after the present). It is lost in loopback mode,
// and overruns a full receiver.
func (u *UART) LineIn(b byte, at int64) {
	if u.loopback() {
		return
	}
	u.receive(b, at)
	u.drive()
}

// NewUART returns a UART in its reset state whose transmitter writes to
// out (nil discards) and whose INTR drives irq (through OUT2).
func NewUART(clk Clock, irq IRQLine, out io.Writer) *UART {
	u := &UART{clk: clk, irq: irq, out: out, dll: 0x0C} // 9600 baud until programmed
	u.Reset()
	return u
}

// Reset is the master reset: IER, LCR, MCR, FIFOs and status cleared; the
// divisor and scratch register keep their values (datasheet Table IV).
func (u *UART) Reset() {
	u.ier, u.lcr, u.mcr = 0, 0, 0
	u.fifoOn, u.trigger = false, 1
	u.rx = u.rx[:0]
	u.lsrErr, u.thri, u.msrDelta = 0, false, 0
	u.msr = uartLinesIn
	u.drive()
}

// Receive queues bytes arriving from the host side of the serial line
// (the -serial stdio input, through Machine.SerialInput). Called with the
// machine's lock, between run slices: the first byte can start at once.
func (u *UART) Receive(b ...byte) {
	u.inMu.Lock()
	if len(u.inbox) == 0 {
		u.rxNextAt = max(u.rxNextAt, u.clk.Now())
	}
	u.inbox = append(u.inbox, b...)
	u.inMu.Unlock()
}

// Err returns the first error the output sink returned.
func (u *UART) Err() error { return u.err }

// charNs is one character time on the line as programmed: start bit, 5-8
// data bits, parity, 1 or 2 stop bits.
func (u *UART) charNs() int64 {
	bits := int64(1 + 5 + u.lcr&3)
	if u.lcr&0x08 != 0 {
		bits++
	}
	if u.lcr&0x04 != 0 {
		bits += 2
	} else {
		bits++
	}
	div := int64(u.dlm)<<8 | int64(u.dll)
	if div == 0 {
		div = 1 << 16
	}
	return bits * div * 16 * 1e9 / uartClockHz
}

func (u *UART) loopback() bool { return u.mcr&uartMCRLoop != 0 }

func (u *UART) room() bool {
	if u.fifoOn {
		return len(u.rx) < uartFIFOSize
	}
	return len(u.rx) == 0
}

// receive puts a character from the line into the RBR or FIFO; one that
// finds no room is an overrun and is lost.
func (u *UART) receive(b byte, at int64) {
	u.lastRx = at
	if !u.room() {
		u.lsrErr |= uartLSROE
		if !u.fifoOn {
			u.rx[0] = b // the 16450 RBR is overwritten
		}
		return
	}
	u.rx = append(u.rx, b)
}

// pull moves host bytes into the receiver as they arrive on the line.
func (u *UART) pull(now int64) {
	u.inMu.Lock()
	defer u.inMu.Unlock()
	if len(u.inbox) == 0 {
		return
	}
	if u.loopback() {
		return // the serial input is disconnected in loopback
	}
	if u.rxHeld && u.room() {
		// The sender held back while the receiver was full; the next
		// character starts now.
		u.rxHeld = false
		u.rxNextAt = max(u.rxNextAt, now+u.charNs())
	}
	for len(u.inbox) > 0 && u.room() && u.rxNextAt <= now {
		u.receive(u.inbox[0], u.rxNextAt)
		u.inbox = u.inbox[1:]
		u.rxNextAt += u.charNs()
	}
	if len(u.inbox) == 0 {
		u.inbox = nil
	} else if !u.room() {
		u.rxHeld = true
	}
}

// timeoutAt is when a character time-out interrupt becomes due, or
// math.MaxInt64 when none can (16550 FIFO mode only).
func (u *UART) timeoutAt() int64 {
	if !u.fifoOn || len(u.rx) == 0 {
		return math.MaxInt64
	}
	return u.lastRx + 4*u.charNs()
}

// iir returns the highest-priority pending interrupt's identification.
func (u *UART) iir(now int64) uint8 {
	switch {
	case u.ier&uartIERRLS != 0 && u.lsrErr != 0:
		return uartIIRRLS
	case u.ier&uartIERRDA != 0 && len(u.rx) > 0 && (!u.fifoOn || len(u.rx) >= u.trigger):
		return uartIIRRDA
	case u.ier&uartIERRDA != 0 && now >= u.timeoutAt():
		return uartIIRTimeout
	case u.ier&uartIERTHRE != 0 && u.thri:
		return uartIIRTHRE
	case u.ier&uartIERMS != 0 && u.msrDelta != 0:
		return uartIIRMS
	}
	return uartIIRNone
}

// drive sets the IRQ line from INTR gated by OUT2.
func (u *UART) drive() {
	on := u.iir(u.clk.Now()) != uartIIRNone && u.mcr&uartMCROUT2 != 0 && !u.loopback()
	setLine(u.irq, &u.irqOn, on)
}

// setModemInputs updates MSR bits 4-7 and their delta bits.
func (u *UART) setModemInputs(v uint8) {
	ch := u.msr ^ v
	if ch&uartMSRCTS != 0 {
		u.msrDelta |= 0x01
	}
	if ch&uartMSRDSR != 0 {
		u.msrDelta |= 0x02
	}
	if ch&uartMSRRI != 0 && v&uartMSRRI == 0 {
		u.msrDelta |= 0x04 // trailing edge of RI
	}
	if ch&uartMSRDCD != 0 {
		u.msrDelta |= 0x08
	}
	u.msr = v
}

// loopLines maps MCR outputs to MSR inputs in loopback mode: RTS to CTS,
// DTR to DSR, OUT1 to RI, OUT2 to DCD.
func (u *UART) loopLines() uint8 {
	var v uint8
	if u.mcr&uartMCRRTS != 0 {
		v |= uartMSRCTS
	}
	if u.mcr&uartMCRDTR != 0 {
		v |= uartMSRDSR
	}
	if u.mcr&uartMCROUT1 != 0 {
		v |= uartMSRRI
	}
	if u.mcr&uartMCROUT2 != 0 {
		v |= uartMSRDCD
	}
	return v
}

// In8 reads a register.
func (u *UART) In8(port uint16) uint8 {
	now := u.clk.Now()
	u.pull(now)
	defer u.drive()
	switch port & 7 {
	case uartRBR:
		if u.lcr&uartLCRDLAB != 0 {
			return u.dll
		}
		if len(u.rx) > 0 {
			u.rbr = u.rx[0]
			u.rx = u.rx[1:]
			if len(u.rx) == 0 {
				u.rx = u.rx[:0:0]
			}
		}
		u.lastRx = now
		u.pull(now)
		return u.rbr
	case uartIER:
		if u.lcr&uartLCRDLAB != 0 {
			return u.dlm
		}
		return u.ier
	case uartIIR:
		id := u.iir(now)
		if id == uartIIRTHRE {
			u.thri = false // reading IIR clears a THRE interrupt it reports
		}
		if u.fifoOn {
			id |= uartIIRFIFO
		}
		return id
	case uartLCR:
		return u.lcr
	case uartMCR:
		return u.mcr
	case uartLSR:
		v := uint8(uartLSRTHRE|uartLSRTEMT) | u.lsrErr
		if len(u.rx) > 0 {
			v |= uartLSRDR
		}
		u.lsrErr = 0
		return v
	case uartMSR:
		v := u.msr | u.msrDelta
		u.msrDelta = 0
		return v
	default:
		return u.scr
	}
}

// Out8 writes a register.
func (u *UART) Out8(port uint16, v uint8) {
	now := u.clk.Now()
	u.pull(now)
	defer u.drive()
	switch port & 7 {
	case uartRBR:
		if u.lcr&uartLCRDLAB != 0 {
			u.dll = v
			return
		}
		u.transmit(now, v)
	case uartIER:
		if u.lcr&uartLCRDLAB != 0 {
			u.dlm = v
			return
		}
		if v&uartIERTHRE != 0 && u.ier&uartIERTHRE == 0 {
			u.thri = true // enabling ETBEI with THR empty interrupts at once
		}
		u.ier = v & 0x0F
	case uartIIR: // FCR
		u.fcr(v)
	case uartLCR:
		u.lcr = v
	case uartMCR:
		wasLoop := u.loopback()
		u.mcr = v & 0x1F
		switch {
		case u.loopback():
			u.setModemInputs(u.loopLines())
		case wasLoop:
			u.setModemInputs(uartLinesIn)
		}
		u.modemOut(now)
	case uartLSR, uartMSR:
		// Factory test registers; writes have no defined effect.
	default:
		u.scr = v
	}
}

// transmit sends a byte written to THR: to the sink, or back to the
// receiver in loopback mode.
func (u *UART) transmit(now int64, v uint8) {
	// Writing THR clears the THRE interrupt; the byte leaves at once and
	// THR is empty again, which raises it anew (a new edge on IRQ 4).
	u.thri = false
	u.drive()
	if u.loopback() {
		u.receive(v, now)
	} else if u.out != nil && u.err == nil {
		if _, err := u.out.Write([]byte{v}); err != nil {
			u.err = err
		}
	}
	u.thri = true
}

// fcr handles the FIFO control register. FIFO enable must be set for the
// other bits to take effect; changing it clears the FIFOs.
func (u *UART) fcr(v uint8) {
	on := v&0x01 != 0
	if on != u.fifoOn {
		u.rx = u.rx[:0]
		u.fifoOn = on
	}
	if !on {
		return
	}
	if v&0x02 != 0 {
		u.rx = u.rx[:0]
	}
	u.trigger = [4]int{1, 4, 8, 14}[v>>6]
}

// AdvanceTo lets host input arrive and raises the time-out interrupt when due.
func (u *UART) AdvanceTo(now int64) {
	u.pull(now)
	u.drive()
}

// NextEvent returns when the next host byte can arrive or the character
// time-out falls due, or math.MaxInt64.
func (u *UART) NextEvent() int64 {
	next := int64(math.MaxInt64)
	u.inMu.Lock()
	waiting := len(u.inbox) > 0
	u.inMu.Unlock()
	if waiting && u.room() && !u.loopback() {
		next = u.rxNextAt
	}
	if u.ier&uartIERRDA != 0 && !u.irqOn {
		if t := u.timeoutAt(); t > u.clk.Now() {
			next = min(next, t)
		}
	}
	return next
}

// UARTState is the 16550's state for a machine state (state.go): its
// registers, the receiver's FIFO, status and time-out, and host bytes not
// yet on the line. The device at the other end (the serial mouse) has its
// own state.
type UARTState struct {
	DLL, DLM uint8
	IER, LCR uint8
	MCR, SCR uint8
	FIFOOn   bool
	Trigger  uint8
	RX       []byte
	RBR      uint8
	LSRErr   uint8
	THRI     bool
	MSR      uint8
	MSRDelta uint8
	LastRX   int64
	RXNextAt int64
	RXHeld   bool
	IRQ      bool
	Inbox    []byte
}

// State returns the UART's state.
func (u *UART) State() UARTState {
	u.inMu.Lock()
	inbox := append([]byte(nil), u.inbox...)
	u.inMu.Unlock()
	return UARTState{
		DLL: u.dll, DLM: u.dlm, IER: u.ier, LCR: u.lcr, MCR: u.mcr, SCR: u.scr,
		FIFOOn: u.fifoOn, Trigger: uint8(u.trigger), RX: append([]byte(nil), u.rx...), RBR: u.rbr,
		LSRErr: u.lsrErr, THRI: u.thri, MSR: u.msr, MSRDelta: u.msrDelta,
		LastRX: u.lastRx, RXNextAt: u.rxNextAt, RXHeld: u.rxHeld, IRQ: u.irqOn, Inbox: inbox,
	}
}

// SetState puts the UART in state s. IRQ 4's level is the PIC's state.
func (u *UART) SetState(s UARTState) error {
	switch {
	case s.Trigger != 1 && s.Trigger != 4 && s.Trigger != 8 && s.Trigger != 14:
		return fmt.Errorf("UART: Trigger %d is not a FIFO trigger level (1, 4, 8, 14)", s.Trigger)
	case len(s.RX) > uartFIFOSize:
		return fmt.Errorf("UART: RX holds %d bytes, more than the FIFO's %d", len(s.RX), uartFIFOSize)
	}
	u.dll, u.dlm, u.ier, u.lcr, u.mcr, u.scr = s.DLL, s.DLM, s.IER, s.LCR, s.MCR, s.SCR
	u.fifoOn, u.trigger, u.rx, u.rbr = s.FIFOOn, int(s.Trigger), append(u.rx[:0], s.RX...), s.RBR
	u.lsrErr, u.thri, u.msr, u.msrDelta = s.LSRErr, s.THRI, s.MSR, s.MSRDelta
	u.lastRx, u.rxNextAt, u.rxHeld, u.irqOn = s.LastRX, s.RXNextAt, s.RXHeld, s.IRQ
	u.inMu.Lock()
	u.inbox = append([]byte(nil), s.Inbox...)
	u.inMu.Unlock()
	return nil
}

// SerialInput queues bytes arriving at COM1 from the host (-serial stdio).
// Safe from any goroutine: they arrive between two run slices (an input,
// input.go).
func (m *Machine) SerialInput(b []byte) {
	if len(b) == 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.input(Input{Kind: InputSerial, Bytes: append([]byte(nil), b...)})
}
