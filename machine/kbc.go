package machine

import (
	"fmt"
	"math"
)

// The 8042 keyboard controller of the PC/AT and the MF2 keyboard behind it.
//
// The CPU sees the controller at 60h (data: the output buffer when read, the
// input buffer when written) and 64h (status when read, controller command
// when written). Commands and bits follow the IBM PC/AT Technical
// Reference's "Keyboard Controller" section as summarised on the OSDev wiki
// ("8042 PS/2 Controller", "PS/2 Keyboard").
//
// The keyboard sends its bytes one at a time over a serial link: the next
// byte arrives kbdByteNs after the output buffer was emptied, so that a
// handler reading port 60h twice sees the same byte, and each byte comes
// with its own IRQ 1. Host key input is given as scancode set 1 bytes, the
// codes a DOS program sees through the controller's default translation;
// with translation off the guest gets set 2, as the keyboard sends it (or
// set 1 if it selected that with F0h).
//
// The auxiliary port carries the PS/2 mouse (ps2mouse.go) the same way:
// its bytes arrive auxByteNs apart, set status bit 5 and raise IRQ 12 when
// the command byte allows. When both devices have a byte ready the
// keyboard's goes first. Without a mouse the port is empty: bytes written
// to it (D4h) time out.

// KBC port numbers.
const (
	PortKBCData   = 0x60
	PortKBCStatus = 0x64 // read: status; write: command
)

// Status register bits (port 64h read).
const (
	kbcStatOBF     = 0x01 // output buffer full
	kbcStatIBF     = 0x02 // input buffer full (never: commands complete at once)
	kbcStatSYS     = 0x04 // system flag: self-test passed / set by the command byte
	kbcStatA2      = 0x08 // last write was a command (64h)
	kbcStatUnlock  = 0x10 // keyboard not inhibited by the key lock
	kbcStatAuxOBF  = 0x20 // output buffer holds auxiliary (mouse) data
	kbcStatTimeout = 0x40 // general time-out
)

// Command byte bits (controller RAM byte 0).
const (
	kbcCmdIRQ1      = 0x01
	kbcCmdIRQ12     = 0x02
	kbcCmdSYS       = 0x04
	kbcCmdNoKbd     = 0x10 // keyboard clock disabled
	kbcCmdNoAux     = 0x20
	kbcCmdTranslate = 0x40
)

// Output port (P2) bits.
const (
	kbcOutReset = 0x01 // 0 holds the CPU in reset
	kbcOutA20   = 0x02
	kbcOutIRQ1  = 0x10
	kbcOutIRQ12 = 0x20
)

// kbcInputPort is what command C0h reads: keyboard not inhibited (bit 7),
// no manufacturing jumper (bit 5), colour display (bit 6 clear).
const kbcInputPort = 0xA0

// kbdByteNs is the time one byte takes from the keyboard to the
// controller: 11 bits at a clock of about 12 kHz.
const kbdByteNs = 1_000_000

// auxByteNs is the same for the mouse: 11 bits at 10-16.7 kHz.
const auxByteNs = 1_000_000

// kbdQueueMax bounds the bytes waiting in the keyboard (the real one holds
// 16; host type-ahead is allowed more).
const kbdQueueMax = 4096

// Keyboard responses.
const (
	kbdACK    = 0xFA
	kbdResend = 0xFE
	kbdBATOK  = 0xAA
	kbdEcho   = 0xEE
)

// KBCConfig wires the controller into the machine.
type KBCConfig struct {
	Clock Clock
	IRQ1  IRQLine // keyboard output buffer full
	IRQ12 IRQLine // auxiliary output buffer full; may be nil
	// Aux is the PS/2 mouse on the auxiliary port; nil leaves it empty.
	Aux *PS2Mouse
	// A20 is called with output port bit 1 whenever the output port is
	// written (D1h, DDh, DFh), changed or not. May be nil.
	A20 func(enabled bool)
	// Reset is called when the controller pulses the CPU's reset line
	// (FEh, or D1h with bit 0 clear). May be nil.
	Reset func()
}

// keyboard is the MF2 keyboard at the end of the cable.
type keyboard struct {
	q         []byte // bytes to send, first first
	scanning  bool   // F4h/F5h
	expect    uint8  // command waiting for its parameter byte (EDh, F0h, F3h)
	last      byte   // last byte sent, for FEh resend
	set       uint8  // scan code set 1-3 as selected with F0h
	leds      uint8
	typematic uint8
}

func (k *keyboard) defaults() {
	k.set = 2
	k.typematic = 0x2B // 10.9 characters/s, 500 ms delay
	k.expect = 0
}

// respond puts command responses ahead of any queued scancodes.
func (k *keyboard) respond(b ...byte) {
	k.q = append(append([]byte(nil), b...), k.q...)
}

// KBC is the 8042 with its keyboard. It implements PortDevice for 60h and
// 64h and Timed for the run loop.
type KBC struct {
	cfg KBCConfig

	ram     [32]byte // RAM[0] is the command byte
	outPort uint8
	sys     bool // status bit 2
	a2      bool // status bit 3
	timeout bool // status bit 6
	pollIn  int  // C1h/C2h: input port nibble shown in status bits 4-7 (1 low, 2 high)

	ob    uint8 // output buffer
	obf   bool
	obAux bool
	ctrlQ []kbcByte // controller responses waiting for the output buffer
	cmd   uint8     // command waiting for its data byte on 60h, 0 for none
	kbd   keyboard
	kbdAt int64 // the link is free for the next keyboard byte from this time
	auxAt int64 // the same for the mouse
	irq1  bool
	irq12 bool
	inbox []byte // host key input not yet in the keyboard
}

type kbcByte struct {
	b   byte
	aux bool
}

// NewKBC returns the controller in its power-on state: translation and
// IRQ 1 enabled, system flag clear (a cold boot), A20 off.
func NewKBC(cfg KBCConfig) *KBC {
	k := &KBC{cfg: cfg}
	k.Reset()
	return k
}

// Reset restores the power-on state. A CPU reset through the controller
// does not reset the controller itself (the system flag is how the BIOS
// tells a warm start), so the machine calls this only on power-on.
func (k *KBC) Reset() {
	setLine(k.cfg.IRQ1, &k.irq1, false)
	setLine(k.cfg.IRQ12, &k.irq12, false)
	k.inbox = nil
	k.ram = [32]byte{}
	k.sys, k.a2, k.timeout, k.pollIn = false, false, false, 0
	k.ob, k.obf, k.obAux = 0, false, false
	k.ctrlQ, k.cmd, k.kbdAt, k.auxAt = nil, 0, 0, 0
	if k.cfg.Aux != nil {
		*k.cfg.Aux = *NewPS2Mouse()
	}
	k.kbd = keyboard{}
	k.ram[0] = kbcCmdTranslate | kbcCmdIRQ1
	k.outPort = 0xDD // A20 off, reset inactive
	k.kbd.scanning = true
	k.kbd.defaults()
	k.drive()
}

// KeyScancodes queues host key input: scancode set 1 bytes (make codes,
// break codes with bit 7, E0h prefixes) as the keyboard sends them. Like
// every method of the controller it is called with the machine's lock held
// (the machine feeds it from its own key queue, which other goroutines
// fill through Machine.SendScancodes). The bytes enter the keyboard at the
// next port access or AdvanceTo. Bytes sent while the keyboard is disabled
// (F5h) are lost, as keys pressed then are on the real one.
func (k *KBC) KeyScancodes(b ...byte) {
	k.inbox = append(k.inbox, b...)
}

// Pending returns the number of host key bytes not yet read by the guest.
func (k *KBC) Pending() int {
	return len(k.inbox) + len(k.kbd.q)
}

func (k *KBC) now() int64 { return k.cfg.Clock.Now() }

// takeInbox moves host input into the keyboard's buffer.
func (k *KBC) takeInbox() {
	if len(k.inbox) == 0 {
		return
	}
	in := k.inbox
	k.inbox = nil
	if !k.kbd.scanning {
		return
	}
	room := kbdQueueMax - len(k.kbd.q)
	if room < len(in) {
		in = in[:max(room, 0)]
	}
	if k.kbd.set == 2 && k.ram[0]&kbcCmdTranslate == 0 {
		in = set1ToSet2(in)
	}
	k.kbd.q = append(k.kbd.q, in...)
}

// set2Codes is the scancode set 2 code of each set 1 make code: what the
// keyboard really sends, and what the guest sees when it turns the
// controller's translation off (IBM PS/2 Hardware Interface Technical
// Reference, "Keyboard Scan Codes"). Prefixed keys (E0h) use the same
// codes after the prefix.
var set2Codes = [0x80]byte{
	0x01: 0x76, 0x02: 0x16, 0x03: 0x1E, 0x04: 0x26, 0x05: 0x25, 0x06: 0x2E, 0x07: 0x36, 0x08: 0x3D, // Esc 1-7
	0x09: 0x3E, 0x0A: 0x46, 0x0B: 0x45, 0x0C: 0x4E, 0x0D: 0x55, 0x0E: 0x66, 0x0F: 0x0D, // 8 9 0 - = BkSp Tab
	0x10: 0x15, 0x11: 0x1D, 0x12: 0x24, 0x13: 0x2D, 0x14: 0x2C, 0x15: 0x35, 0x16: 0x3C, 0x17: 0x43, // Q-I
	0x18: 0x44, 0x19: 0x4D, 0x1A: 0x54, 0x1B: 0x5B, 0x1C: 0x5A, 0x1D: 0x14, // O P [ ] Enter Ctrl
	0x1E: 0x1C, 0x1F: 0x1B, 0x20: 0x23, 0x21: 0x2B, 0x22: 0x34, 0x23: 0x33, 0x24: 0x3B, 0x25: 0x42, // A-K
	0x26: 0x4B, 0x27: 0x4C, 0x28: 0x52, 0x29: 0x0E, 0x2A: 0x12, 0x2B: 0x5D, // L ; ' ` LShift \
	0x2C: 0x1A, 0x2D: 0x22, 0x2E: 0x21, 0x2F: 0x2A, 0x30: 0x32, 0x31: 0x31, 0x32: 0x3A, // Z-M
	0x33: 0x41, 0x34: 0x49, 0x35: 0x4A, 0x36: 0x59, 0x37: 0x7C, 0x38: 0x11, 0x39: 0x29, 0x3A: 0x58, // , . / RShift KP* Alt Space Caps
	0x3B: 0x05, 0x3C: 0x06, 0x3D: 0x04, 0x3E: 0x0C, 0x3F: 0x03, 0x40: 0x0B, 0x41: 0x83, 0x42: 0x0A, // F1-F8
	0x43: 0x01, 0x44: 0x09, 0x45: 0x77, 0x46: 0x7E, // F9 F10 NumLock ScrollLock
	0x47: 0x6C, 0x48: 0x75, 0x49: 0x7D, 0x4A: 0x7B, 0x4B: 0x6B, 0x4C: 0x73, 0x4D: 0x74, 0x4E: 0x79, // keypad 7 8 9 - 4 5 6 +
	0x4F: 0x69, 0x50: 0x72, 0x51: 0x7A, 0x52: 0x70, 0x53: 0x71, 0x54: 0x84, // keypad 1 2 3 0 . SysRq
	0x56: 0x61, 0x57: 0x78, 0x58: 0x07, // 102nd key, F11, F12
	0x70: 0x13, 0x73: 0x51, 0x79: 0x64, 0x7B: 0x67, 0x7D: 0x6A, // Japanese keys
}

// set1ToSet2 converts set 1 bytes to set 2: break codes become F0h and the
// make code; E0h and E1h prefixes pass through.
func set1ToSet2(in []byte) []byte {
	out := make([]byte, 0, len(in)+len(in)/2)
	for _, b := range in {
		switch {
		case b == 0xE0 || b == 0xE1:
			out = append(out, b)
		case set2Codes[b&0x7F] == 0:
			// No such key.
		case b&0x80 != 0:
			out = append(out, 0xF0, set2Codes[b&0x7F])
		default:
			out = append(out, set2Codes[b])
		}
	}
	return out
}

// service fills an empty output buffer: controller responses first, then
// the keyboard's next byte once the link has carried it, then the mouse's.
func (k *KBC) service(now int64) {
	k.takeInbox()
	aux := k.cfg.Aux
	if aux != nil {
		aux.advance(now)
	}
	if k.obf {
		return
	}
	switch {
	case len(k.ctrlQ) > 0:
		b := k.ctrlQ[0]
		k.ctrlQ = k.ctrlQ[1:]
		k.ob, k.obAux, k.obf = b.b, b.aux, true
	case len(k.kbd.q) > 0 && k.ram[0]&kbcCmdNoKbd == 0 && now >= k.kbdAt:
		b := k.kbd.q[0]
		k.kbd.q = k.kbd.q[1:]
		k.kbd.last = b
		k.ob, k.obAux, k.obf = b, false, true
	case k.auxReady() && now >= k.auxAt:
		b, _ := aux.pending()
		aux.sent()
		k.ob, k.obAux, k.obf = b, true, true
	}
	k.drive()
}

// auxReady reports whether the mouse has a byte to send and its clock is
// not inhibited by the command byte.
func (k *KBC) auxReady() bool {
	if k.cfg.Aux == nil || k.ram[0]&kbcCmdNoAux != 0 {
		return false
	}
	_, ok := k.cfg.Aux.pending()
	return ok
}

// drive sets IRQ 1 and IRQ 12 from the output buffer and command byte.
func (k *KBC) drive() {
	irq1 := k.obf && !k.obAux && k.ram[0]&kbcCmdIRQ1 != 0
	irq12 := k.obf && k.obAux && k.ram[0]&kbcCmdIRQ12 != 0
	setLine(k.cfg.IRQ1, &k.irq1, irq1)
	setLine(k.cfg.IRQ12, &k.irq12, irq12)
}

func setLine(l IRQLine, cur *bool, v bool) {
	if *cur == v {
		return
	}
	*cur = v
	if l == nil {
		return
	}
	if v {
		l.Raise()
	} else {
		l.Lower()
	}
}

// AdvanceTo delivers the keyboard's or the mouse's next byte if it has
// arrived by now.
func (k *KBC) AdvanceTo(now int64) { k.service(now) }

// NextEvent is when the next keyboard or mouse byte will arrive (or the
// mouse's next packet fall due), or math.MaxInt64 when none can (output
// buffer full, nothing queued, devices disabled).
func (k *KBC) NextEvent() int64 {
	k.takeInbox()
	if k.obf {
		return math.MaxInt64
	}
	if len(k.ctrlQ) > 0 {
		return k.now()
	}
	next := int64(math.MaxInt64)
	if k.ram[0]&kbcCmdNoKbd == 0 && len(k.kbd.q) > 0 {
		next = k.kbdAt
	}
	if aux := k.cfg.Aux; aux != nil && k.ram[0]&kbcCmdNoAux == 0 {
		if k.auxReady() {
			next = min(next, k.auxAt)
		} else {
			next = min(next, aux.nextEvent())
		}
	}
	return next
}

// status composes the status register.
func (k *KBC) status() uint8 {
	s := uint8(kbcStatUnlock)
	if k.obf {
		s |= kbcStatOBF
		if k.obAux {
			s |= kbcStatAuxOBF
		}
	}
	if k.sys {
		s |= kbcStatSYS
	}
	if k.a2 {
		s |= kbcStatA2
	}
	if k.timeout {
		s |= kbcStatTimeout
	}
	switch k.pollIn {
	case 1:
		s = s&0x0F | kbcInputPort&0x0F<<4
	case 2:
		s = s&0x0F | kbcInputPort&0xF0
	}
	return s
}

// In8 reads the output buffer (60h) or the status register (64h).
func (k *KBC) In8(port uint16) uint8 {
	now := k.now()
	if port == PortKBCStatus {
		k.service(now)
		return k.status()
	}
	k.service(now)
	v := k.ob
	if k.obf {
		k.obf = false
		if k.obAux {
			k.auxAt = now + auxByteNs
		} else {
			k.kbdAt = now + kbdByteNs
		}
		k.drive()
		k.service(now)
	}
	return v
}

// Out8 writes a controller command (64h) or data (60h).
func (k *KBC) Out8(port uint16, v uint8) {
	now := k.now()
	k.service(now)
	if port == PortKBCStatus {
		k.a2 = true
		k.pollIn = 0
		k.command(v)
	} else {
		k.a2 = false
		k.data(v)
	}
	k.service(now)
}

// reply queues a controller response for the output buffer.
func (k *KBC) reply(b ...byte) {
	for _, x := range b {
		k.ctrlQ = append(k.ctrlQ, kbcByte{b: x})
	}
}

// command executes a byte written to 64h.
func (k *KBC) command(v uint8) {
	k.cmd = 0
	switch {
	case v >= 0x20 && v <= 0x3F: // read controller RAM
		k.reply(k.ram[v&0x1F])
	case v >= 0x60 && v <= 0x7F: // write controller RAM: data follows
		k.cmd = v
	case v == 0xA7: // disable auxiliary port
		k.ram[0] |= kbcCmdNoAux
	case v == 0xA8: // enable auxiliary port
		k.ram[0] &^= kbcCmdNoAux
	case v == 0xA9: // auxiliary interface test: lines OK
		k.reply(0x00)
	case v == 0xAA: // self-test
		k.sys = true
		k.reply(0x55)
	case v == 0xAB: // keyboard interface test: lines OK
		k.reply(0x00)
	case v == 0xAC: // diagnostic dump: RAM 0-15, input port, output port, status
		k.reply(k.ram[:16]...)
		k.reply(kbcInputPort, k.outputPort(), k.status())
	case v == 0xAD: // disable keyboard
		k.ram[0] |= kbcCmdNoKbd
	case v == 0xAE: // enable keyboard
		k.ram[0] &^= kbcCmdNoKbd
	case v == 0xC0: // read input port
		k.reply(kbcInputPort)
	case v == 0xC1: // poll input port low nibble into status bits 4-7
		k.pollIn = 1
	case v == 0xC2: // poll input port high nibble into status bits 4-7
		k.pollIn = 2
	case v == 0xD0: // read output port
		k.reply(k.outputPort())
	case v == 0xD1, v == 0xD2, v == 0xD3, v == 0xD4: // data follows
		k.cmd = v
	case v == 0xDD: // A20 off (HP Vectra command set)
		k.writeOutputPort(k.outPort &^ kbcOutA20)
	case v == 0xDF: // A20 on
		k.writeOutputPort(k.outPort | kbcOutA20)
	case v == 0xE0: // read test inputs T0/T1: keyboard clock and data idle high
		k.reply(0x03)
	case v >= 0xF0: // pulse output port bits 0-3 low where v has a 0
		if v&kbcOutReset == 0 && k.cfg.Reset != nil {
			k.cfg.Reset()
		}
	}
	// Other codes are not commands of this controller and are ignored, as
	// the 8042 firmware does.
}

// outputPort returns P2 with its IRQ bits showing the output buffer.
func (k *KBC) outputPort() uint8 {
	p := k.outPort &^ (kbcOutIRQ1 | kbcOutIRQ12)
	if k.irq1 {
		p |= kbcOutIRQ1
	}
	if k.irq12 {
		p |= kbcOutIRQ12
	}
	return p
}

func (k *KBC) writeOutputPort(v uint8) {
	k.outPort = v | kbcOutReset // the reset line is pulsed, not held
	if k.cfg.A20 != nil {
		k.cfg.A20(v&kbcOutA20 != 0)
	}
	if v&kbcOutReset == 0 && k.cfg.Reset != nil {
		k.cfg.Reset()
	}
}

// A20 reports output port bit 1.
func (k *KBC) A20() bool { return k.outPort&kbcOutA20 != 0 }

// data handles a byte written to 60h: a command's data, or a byte for the
// keyboard.
func (k *KBC) data(v uint8) {
	cmd := k.cmd
	k.cmd = 0
	switch {
	case cmd >= 0x60 && cmd <= 0x7F:
		k.ram[cmd&0x1F] = v
		if cmd == 0x60 {
			k.ram[0] &= 0x7F
			k.sys = v&kbcCmdSYS != 0
		}
	case cmd == 0xD1:
		k.writeOutputPort(v)
	case cmd == 0xD2: // as if from the keyboard
		k.ctrlQ = append(k.ctrlQ, kbcByte{b: v})
	case cmd == 0xD3: // as if from the mouse
		k.ctrlQ = append(k.ctrlQ, kbcByte{b: v, aux: true})
	case cmd == 0xD4:
		if k.cfg.Aux == nil {
			// Nothing is attached: the transmission times out.
			k.timeout = true
			return
		}
		// Sending to the mouse releases its clock, as sending to the
		// keyboard does the keyboard's.
		k.ram[0] &^= kbcCmdNoAux
		k.timeout = false
		k.cfg.Aux.Command(v)
	default:
		// Sending to the keyboard enables its interface again.
		k.ram[0] &^= kbcCmdNoKbd
		k.timeout = false
		k.keyboardCommand(v)
	}
}

// keyboardCommand is the keyboard's command set (OSDev "PS/2 Keyboard",
// IBM PC/AT Technical Reference "Keyboard Commands from the System").
func (k *KBC) keyboardCommand(v uint8) {
	kb := &k.kbd
	if kb.expect != 0 && v < 0x80 {
		cmd := kb.expect
		kb.expect = 0
		switch cmd {
		case 0xED: // set LEDs
			kb.leds = v & 7
			kb.respond(kbdACK)
		case 0xF3: // set typematic rate and delay
			kb.typematic = v & 0x7F
			kb.respond(kbdACK)
		case 0xF0: // get/set scan code set
			switch v {
			case 0:
				kb.respond(kbdACK, k.translated(kb.set))
			case 1, 2:
				kb.set = v
				kb.respond(kbdACK)
			case 3:
				// Set 3 is not offered: acknowledged and ignored, as
				// by the many keyboards without it (a read-back
				// with F0h 00h shows the set in use).
				kb.respond(kbdACK)
			default:
				kb.respond(kbdResend)
			}
		}
		return
	}
	kb.expect = 0
	switch v {
	case 0xED, 0xF3, 0xF0:
		kb.expect = v
		kb.respond(kbdACK)
	case 0xEE: // echo
		kb.respond(kbdEcho)
	case 0xF2: // identify: MF2 keyboard
		kb.respond(kbdACK, 0xAB, k.translated(0x83))
	case 0xF4: // enable scanning
		kb.q = kb.q[:0]
		kb.scanning = true
		kb.respond(kbdACK)
	case 0xF5: // disable scanning and restore defaults
		kb.q = kb.q[:0]
		kb.scanning = false
		kb.defaults()
		kb.respond(kbdACK)
	case 0xF6: // restore defaults
		kb.q = kb.q[:0]
		kb.defaults()
		kb.respond(kbdACK)
	case 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD: // scan code set 3 key types
		kb.respond(kbdACK)
	case 0xFE: // resend
		kb.respond(kb.last)
	case 0xFF: // reset and basic assurance test
		kb.q = kb.q[:0]
		kb.scanning = true
		kb.defaults()
		kb.leds = 0
		kb.respond(kbdACK, kbdBATOK)
	default:
		kb.respond(kbdResend)
	}
}

// translated applies the controller's set 2 to set 1 translation to a byte
// that is not a scancode (the ID and scan code set numbers), when on.
func (k *KBC) translated(b byte) byte {
	if k.ram[0]&kbcCmdTranslate == 0 {
		return b
	}
	switch b {
	case 0x83:
		return 0x41
	case 1:
		return 0x43
	case 2:
		return 0x41
	case 3:
		return 0x3F
	}
	return b
}

// LEDs returns the keyboard LEDs as last set by the guest (bit 0 Scroll
// Lock, bit 1 Num Lock, bit 2 Caps Lock).
func (k *KBC) LEDs() uint8 { return k.kbd.leds }

// KBCState is the 8042's and the keyboard's state for a machine state
// (state.go): the controller's RAM, ports, status bits, output buffer and
// queued answers, the keyboard's settings and the bytes it has still to
// send, the times their links are free, and host key bytes not yet taken.
// The PS/2 mouse behind the auxiliary port has its own (PS2MouseState).
type KBCState struct {
	RAM      [32]byte
	OutPort  uint8
	Sys      bool
	A2       bool
	Timeout  bool
	PollIn   uint8
	OB       uint8
	OBF      bool
	OBAux    bool
	CtrlQ    []KBCByte
	Cmd      uint8
	KbdAt    int64
	AuxAt    int64
	IRQ1     bool
	IRQ12    bool
	Inbox    []byte
	Keyboard KeyboardState
}

// KBCByte is a byte the controller has for the output buffer, from the
// auxiliary port or not.
type KBCByte struct {
	B   byte
	Aux bool
}

// KeyboardState is the MF2 keyboard behind the 8042.
type KeyboardState struct {
	Queue     []byte
	Scanning  bool
	Expect    uint8
	Last      byte
	Set       uint8
	LEDs      uint8
	Typematic uint8
}

// State returns the controller's and the keyboard's state.
func (k *KBC) State() KBCState {
	s := KBCState{
		RAM: k.ram, OutPort: k.outPort, Sys: k.sys, A2: k.a2, Timeout: k.timeout, PollIn: uint8(k.pollIn),
		OB: k.ob, OBF: k.obf, OBAux: k.obAux, Cmd: k.cmd, KbdAt: k.kbdAt, AuxAt: k.auxAt,
		IRQ1: k.irq1, IRQ12: k.irq12, Inbox: append([]byte(nil), k.inbox...),
		Keyboard: KeyboardState{
			Queue: append([]byte(nil), k.kbd.q...), Scanning: k.kbd.scanning, Expect: k.kbd.expect,
			Last: k.kbd.last, Set: k.kbd.set, LEDs: k.kbd.leds, Typematic: k.kbd.typematic,
		},
	}
	for _, b := range k.ctrlQ {
		s.CtrlQ = append(s.CtrlQ, KBCByte{b.b, b.aux})
	}
	return s
}

// SetState puts the controller and the keyboard in state s. The IRQ lines'
// levels are the PIC's state and the A20 gate the system control's; the
// CPU's reset line is not touched.
func (k *KBC) SetState(s KBCState) error {
	switch {
	case s.PollIn > 2:
		return fmt.Errorf("8042: PollIn %d is not 0, 1 or 2", s.PollIn)
	case len(s.Keyboard.Queue) > kbdQueueMax:
		return fmt.Errorf("8042: Keyboard.Queue holds %d bytes, more than the keyboard's %d", len(s.Keyboard.Queue), kbdQueueMax)
	case s.Keyboard.Set < 1 || s.Keyboard.Set > 3:
		return fmt.Errorf("8042: Keyboard.Set %d is not a scan code set (1-3)", s.Keyboard.Set)
	}
	k.ram, k.outPort, k.sys, k.a2, k.timeout, k.pollIn = s.RAM, s.OutPort, s.Sys, s.A2, s.Timeout, int(s.PollIn)
	k.ob, k.obf, k.obAux, k.cmd, k.kbdAt, k.auxAt = s.OB, s.OBF, s.OBAux, s.Cmd, s.KbdAt, s.AuxAt
	k.irq1, k.irq12 = s.IRQ1, s.IRQ12
	k.inbox = append([]byte(nil), s.Inbox...)
	k.ctrlQ = nil
	for _, b := range s.CtrlQ {
		k.ctrlQ = append(k.ctrlQ, kbcByte{b.B, b.Aux})
	}
	kb := s.Keyboard
	k.kbd = keyboard{
		q: append([]byte(nil), kb.Queue...), scanning: kb.Scanning, expect: kb.Expect,
		last: kb.Last, set: kb.Set, leds: kb.LEDs, typematic: kb.Typematic,
	}
	return nil
}
