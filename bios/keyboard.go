package bios

import "pcemu/cpu"

// INT 09h (IRQ 1) and INT 16h: scancode set 1 from the 8042, shift
// states, translation to the BIOS's scan/ASCII words, the type-ahead
// buffer in the BDA (IBM AT Technical Reference, "Keyboard"; IBM PS/2
// "Enhanced keyboard" BIOS conventions as listed in Ralf Brown's INT 16h).

// Shift flags at 0040:0017.
const (
	kfRShift = 1 << 0
	kfLShift = 1 << 1
	kfCtrl   = 1 << 2
	kfAlt    = 1 << 3
	kfScroll = 1 << 4
	kfNum    = 1 << 5
	kfCaps   = 1 << 6
	kfInsert = 1 << 7
)

// Flags at 0040:0018 (keys held down) and 0040:0096 (enhanced keyboard).
const (
	kf2LCtrl     = 1 << 0
	kf2LAlt      = 1 << 1
	kf2SysReq    = 1 << 2
	kf2Pause     = 1 << 3
	kf2ScrollDn  = 1 << 4
	kf2NumDn     = 1 << 5
	kf2CapsDn    = 1 << 6
	kf2InsertDn  = 1 << 7
	kf3E1        = 1 << 0
	kf3E0        = 1 << 1
	kf3RCtrl     = 1 << 2
	kf3RAlt      = 1 << 3
	kf3Enhanced  = 1 << 4
	kf3ForceNum  = 1 << 5
	kf3LastFirst = 1 << 6
	kf3ReadID    = 1 << 7
)

// extOnly marks keys that only the extended functions (AH=10h/11h) return;
// in the buffer their ASCII byte is F0h instead of 00h (IBM's convention).
const extOnly = 0x10000

// keyEntry is a key's BIOS words without modifiers, with Shift, with Ctrl
// and with Alt; 0 means the combination produces nothing.
type keyEntry struct{ normal, shift, ctrl, alt uint32 }

// keymap is indexed by set 1 make code (01h-58h).
var keymap [0x59]keyEntry

func init() {
	set := func(sc int, n, s, c, a uint32) { keymap[sc] = keyEntry{n, s, c, a} }
	w := func(sc int, ascii byte) uint32 { return uint32(sc)<<8 | uint32(ascii) }
	x := func(sc int) uint32 { return uint32(sc)<<8 | extOnly }

	set(0x01, w(0x01, 0x1B), w(0x01, 0x1B), w(0x01, 0x1B), x(0x01))
	digits := "1234567890"
	shifted := "!@#$%^&*()"
	for i := range digits {
		sc := 0x02 + i
		set(sc, w(sc, digits[i]), w(sc, shifted[i]), 0, uint32(0x78+i)<<8)
	}
	keymap[0x03].ctrl = w(0x03, 0x00) // Ctrl-2: NUL
	keymap[0x07].ctrl = w(0x07, 0x1E) // Ctrl-6: RS
	set(0x0C, w(0x0C, '-'), w(0x0C, '_'), w(0x0C, 0x1F), 0x8200)
	set(0x0D, w(0x0D, '='), w(0x0D, '+'), 0, 0x8300)
	set(0x0E, w(0x0E, 0x08), w(0x0E, 0x08), w(0x0E, 0x7F), x(0x0E))
	set(0x0F, w(0x0F, 0x09), w(0x0F, 0x00), x(0x94), x(0xA5))
	letters := func(sc int, s string) {
		for i := range s {
			c := s[i]
			set(sc+i, w(sc+i, c), w(sc+i, c-0x20), w(sc+i, c-0x60), w(sc+i, 0))
		}
	}
	letters(0x10, "qwertyuiop")
	letters(0x1E, "asdfghjkl")
	letters(0x2C, "zxcvbnm")
	set(0x1A, w(0x1A, '['), w(0x1A, '{'), w(0x1A, 0x1B), x(0x1A))
	set(0x1B, w(0x1B, ']'), w(0x1B, '}'), w(0x1B, 0x1D), x(0x1B))
	set(0x1C, w(0x1C, 0x0D), w(0x1C, 0x0D), w(0x1C, 0x0A), x(0x1C))
	set(0x27, w(0x27, ';'), w(0x27, ':'), 0, x(0x27))
	set(0x28, w(0x28, '\''), w(0x28, '"'), 0, x(0x28))
	set(0x29, w(0x29, '`'), w(0x29, '~'), 0, x(0x29))
	set(0x2B, w(0x2B, '\\'), w(0x2B, '|'), w(0x2B, 0x1C), x(0x2B))
	set(0x33, w(0x33, ','), w(0x33, '<'), 0, x(0x33))
	set(0x34, w(0x34, '.'), w(0x34, '>'), 0, x(0x34))
	set(0x35, w(0x35, '/'), w(0x35, '?'), 0, x(0x35))
	set(0x37, w(0x37, '*'), w(0x37, '*'), x(0x96), x(0x37))
	set(0x39, w(0x39, ' '), w(0x39, ' '), w(0x39, ' '), w(0x39, ' '))
	for i := 0; i < 10; i++ { // F1-F10
		set(0x3B+i, uint32(0x3B+i)<<8, uint32(0x54+i)<<8, uint32(0x5E+i)<<8, uint32(0x68+i)<<8)
	}
	set(0x57, x(0x85), x(0x87), x(0x89), x(0x8B)) // F11
	set(0x58, x(0x86), x(0x88), x(0x8A), x(0x8C)) // F12
	set(0x56, w(0x56, '\\'), w(0x56, '|'), 0, 0)  // 102nd key
	// Keypad: cursor words without Num Lock, digits with it (see keypadDigit).
	set(0x47, 0x4700, w(0x47, '7'), 0x7700, 0)
	set(0x48, 0x4800, w(0x48, '8'), x(0x8D), 0)
	set(0x49, 0x4900, w(0x49, '9'), 0x8400, 0)
	set(0x4A, w(0x4A, '-'), w(0x4A, '-'), x(0x8E), x(0x4A))
	set(0x4B, 0x4B00, w(0x4B, '4'), 0x7300, 0)
	set(0x4C, x(0x4C), w(0x4C, '5'), x(0x8F), 0)
	set(0x4D, 0x4D00, w(0x4D, '6'), 0x7400, 0)
	set(0x4E, w(0x4E, '+'), w(0x4E, '+'), x(0x90), x(0x4E))
	set(0x4F, 0x4F00, w(0x4F, '1'), 0x7500, 0)
	set(0x50, 0x5000, w(0x50, '2'), x(0x91), 0)
	set(0x51, 0x5100, w(0x51, '3'), 0x7600, 0)
	set(0x52, 0x5200, w(0x52, '0'), x(0x92), 0)
	set(0x53, 0x5300, w(0x53, '.'), x(0x93), 0)
}

// Grey keys (E0 prefix): cursor block, keypad Enter and /. The ASCII byte
// E0h tells them from the keypad's (IBM enhanced keyboard convention).
var greyKeys = map[uint8]keyEntry{
	0x1C: {0xE00D, 0xE00D, 0xE00A, extOnly | 0xA600},
	0x35: {0xE02F, 0xE02F, extOnly | 0x9500, extOnly | 0xA400},
	0x47: {0x47E0, 0x47E0, 0x77E0, extOnly | 0x9700},
	0x48: {0x48E0, 0x48E0, 0x8DE0, extOnly | 0x9800},
	0x49: {0x49E0, 0x49E0, 0x84E0, extOnly | 0x9900},
	0x4B: {0x4BE0, 0x4BE0, 0x73E0, extOnly | 0x9B00},
	0x4D: {0x4DE0, 0x4DE0, 0x74E0, extOnly | 0x9D00},
	0x4F: {0x4FE0, 0x4FE0, 0x75E0, extOnly | 0x9F00},
	0x50: {0x50E0, 0x50E0, 0x91E0, extOnly | 0xA000},
	0x51: {0x51E0, 0x51E0, 0x76E0, extOnly | 0xA100},
	0x52: {0x52E0, 0x52E0, 0x92E0, extOnly | 0xA200},
	0x53: {0x53E0, 0x53E0, 0x93E0, extOnly | 0xA300},
}

func isKeypadDigit(sc uint8) bool {
	return sc >= 0x47 && sc <= 0x53 && sc != 0x4A && sc != 0x4E
}

// keypadValue is the digit a keypad key types with Num Lock (Alt+keypad).
var keypadValue = map[uint8]uint8{
	0x47: 7, 0x48: 8, 0x49: 9, 0x4B: 4, 0x4C: 5, 0x4D: 6, 0x4F: 1, 0x50: 2, 0x51: 3, 0x52: 0,
}

// int09Read runs first in INT 09h (AX is saved on the stack): it reads the
// scancode with the keyboard interface disabled and sets up the INT 15h
// AH=4Fh intercept call with CF set.
func (b *BIOS) int09Read() {
	b.bus.Out8(0x64, 0xAD)         // disable the keyboard while the byte is handled
	if b.bus.In8(0x64)&0x01 == 0 { // nothing in the output buffer: a spurious IRQ 1
		b.kbdDone()
		b.p.SetIP(b.int09Exit)
		return
	}
	sc := b.bus.In8(0x60)
	b.setAX(0x4F00 | uint16(sc))
	b.p.SetFlags(b.p.Flags() | cpu.FlagCF)
}

// int09Process runs after the intercept: CF clear means the hook consumed
// the key; otherwise AL (perhaps changed by the hook) is processed.
func (b *BIOS) int09Process() {
	if b.p.Flags()&cpu.FlagCF != 0 {
		b.keyScancode(b.al())
	}
	b.kbdDone()
}

// kbdDone sends EOI and re-enables the keyboard interface.
func (b *BIOS) kbdDone() {
	b.bus.Out8(0x20, 0x20)
	b.bus.Out8(0x64, 0xAE)
}

// keyScancode is the heart of INT 09h. It may redirect the ROM to INT 1Bh,
// INT 05h or the reset entry, or hold the CPU in the Pause loop; the EOI
// and keyboard re-enable follow it in int09Process either way.
func (b *BIOS) keyScancode(sc uint8) {
	f1, f2, f3 := b.bda8(bdaKbdFlags1), b.bda8(bdaKbdFlags2), b.bda8(bdaKbdFlags3)
	e0, e1 := f3&kf3E0 != 0, f3&kf3E1 != 0
	f3 &^= kf3E0 | kf3E1
	defer func() {
		b.setBDA8(bdaKbdFlags1, f1)
		b.setBDA8(bdaKbdFlags2, f2)
		b.setBDA8(bdaKbdFlags3, f3)
		b.setBDA8(bdaKbdLEDs, b.bda8(bdaKbdLEDs)&^7|f1>>4&7)
	}()
	switch sc {
	case 0xE0:
		f3 |= kf3E0
		return
	case 0xE1:
		f3 |= kf3E1
		return
	case 0x00, 0xFF, 0xFA, 0xFE, 0xEE: // overrun, ACK, resend, echo (AAh is Left Shift's break code)
		return
	}
	make_ := sc&0x80 == 0
	code := sc & 0x7F

	if e1 || f3&kf3E1 != 0 { // Pause: E1 1D 45 E1 9D C5
		if code == 0x1D {
			f3 |= kf3E1 // the 1D/9D of the sequence: wait for 45/C5
			return
		}
		if code == 0x45 && make_ {
			f2 |= kf2Pause
			b.pauseLoop()
		}
		return
	}
	if f2&kf2Pause != 0 && make_ && code != 0x1D && code != 0x38 && code != 0x2A && code != 0x36 {
		f2 &^= kf2Pause // any key ends Pause and is otherwise ignored
		return
	}

	switch code {
	case 0x2A, 0x36: // shifts (E0 2A/E0 36 are the grey keys' fake shifts)
		if e0 {
			return
		}
		bit := uint8(kfLShift)
		if code == 0x36 {
			bit = kfRShift
		}
		f1 = setBit(f1, bit, make_)
		return
	case 0x1D:
		if e0 {
			f3 = setBit(f3, kf3RCtrl, make_)
		} else {
			f2 = setBit(f2, kf2LCtrl, make_)
		}
		f1 = setBit(f1, kfCtrl, f2&kf2LCtrl != 0 || f3&kf3RCtrl != 0)
		return
	case 0x38:
		if e0 {
			f3 = setBit(f3, kf3RAlt, make_)
		} else {
			f2 = setBit(f2, kf2LAlt, make_)
		}
		f1 = setBit(f1, kfAlt, f2&kf2LAlt != 0 || f3&kf3RAlt != 0)
		if !make_ && f1&kfAlt == 0 { // Alt released: deliver an Alt+keypad code
			if v := b.bda8(bdaAltKeypad); v != 0 {
				b.keyStore(uint16(v))
				b.setBDA8(bdaAltKeypad, 0)
			}
		}
		return
	case 0x3A, 0x45, 0x46: // Caps, Num, Scroll Lock toggle on make
		lock, held := uint8(kfCaps), uint8(kf2CapsDn)
		switch code {
		case 0x45:
			lock, held = kfNum, kf2NumDn
		case 0x46:
			lock, held = kfScroll, kf2ScrollDn
		}
		if code == 0x46 && make_ && (e0 || f1&kfCtrl != 0) { // Ctrl-Break
			b.setBDA8(bdaBreak, 0x80)
			b.setBDA16(bdaKbdHead, b.bda16(bdaKbdStart))
			b.setBDA16(bdaKbdTail, b.bda16(bdaKbdStart))
			b.keyStore(0x0000)
			b.p.SetIP(b.int09Break)
			return
		}
		if make_ {
			if f2&held == 0 {
				f1 ^= lock
			}
			f2 |= held
		} else {
			f2 &^= held
		}
		return
	}
	if !make_ {
		if code == 0x52 {
			f2 &^= kf2InsertDn
		}
		return
	}

	// Ctrl-Alt-Del.
	if code == 0x53 && f1&(kfCtrl|kfAlt) == kfCtrl|kfAlt {
		b.reboot()
		return
	}
	// Print Screen (E0 37; Alt+PrtSc is SysRq and is not handled).
	if code == 0x37 && e0 {
		if f1&kfAlt == 0 {
			b.p.SetIP(b.int09PrtSc)
		}
		return
	}
	// Alt + keypad digits build a character code.
	if f1&kfAlt != 0 && !e0 && isKeypadDigit(code) {
		if v, ok := keypadValue[code]; ok {
			b.setBDA8(bdaAltKeypad, b.bda8(bdaAltKeypad)*10+v)
		}
		return
	}
	// Insert toggles the insert state (not when it types a 0).
	if code == 0x52 && (e0 || f1&kfNum == 0 || f1&(kfLShift|kfRShift) != 0) && f1&(kfCtrl|kfAlt) == 0 {
		if f2&kf2InsertDn == 0 {
			f1 ^= kfInsert
		}
		f2 |= kf2InsertDn
	}

	var k keyEntry
	if e0 {
		g, ok := greyKeys[code]
		if !ok {
			return
		}
		k = g
	} else {
		if int(code) >= len(keymap) {
			return
		}
		k = keymap[code]
	}
	shift := f1&(kfLShift|kfRShift) != 0
	var v uint32
	switch {
	case f1&kfAlt != 0:
		v = k.alt
	case f1&kfCtrl != 0:
		v = k.ctrl
	case !e0 && isKeypadDigit(code):
		if (f1&kfNum != 0) != shift {
			v = k.shift
		} else {
			v = k.normal
		}
	case shift:
		v = k.shift
	default:
		v = k.normal
	}
	if v == 0 {
		return
	}
	// Caps Lock inverts the case of letters.
	if f1&kfCaps != 0 && f1&(kfCtrl|kfAlt) == 0 {
		c := byte(v)
		switch {
		case c >= 'a' && c <= 'z' && !shift:
			v -= 0x20
		case c >= 'A' && c <= 'Z' && shift:
			v += 0x20
		}
	}
	w := uint16(v)
	if v&extOnly != 0 {
		w = uint16(v)&0xFF00 | 0xF0
	}
	b.keyStore(w)
}

func setBit(f, bit uint8, on bool) uint8 {
	if on {
		return f | bit
	}
	return f &^ bit
}

// pauseLoop holds the CPU in INT 09h, interrupts on, until a key ends
// Pause (a nested INT 09h clears the flag).
func (b *BIOS) pauseLoop() { b.waitInterrupt(wait{kind: waitPause}) }

// pauseCheck ends Pause when a key has cleared the flag.
func (b *BIOS) pauseCheck() {
	if b.bda8(bdaKbdFlags2)&kf2Pause != 0 {
		b.waitInterrupt(wait{kind: waitPause})
		return
	}
	b.p.SetIP(b.int09Exit)
}

// keyStore appends a word to the type-ahead buffer; a full buffer drops it.
func (b *BIOS) keyStore(w uint16) bool {
	tail := b.bda16(bdaKbdTail)
	next := tail + 2
	if next >= b.bda16(bdaKbdEnd) {
		next = b.bda16(bdaKbdStart)
	}
	if next == b.bda16(bdaKbdHead) {
		return false
	}
	b.wr16(0x400+uint32(tail), w)
	b.setBDA16(bdaKbdTail, next)
	return true
}

// keyPeek returns the word at the buffer head.
func (b *BIOS) keyPeek() (uint16, bool) {
	head := b.bda16(bdaKbdHead)
	if head == b.bda16(bdaKbdTail) {
		return 0, false
	}
	return b.rd16(0x400 + uint32(head)), true
}

func (b *BIOS) keyDrop() {
	head := b.bda16(bdaKbdHead) + 2
	if head >= b.bda16(bdaKbdEnd) {
		head = b.bda16(bdaKbdStart)
	}
	b.setBDA16(bdaKbdHead, head)
}

// keyForStandard converts a buffered word for AH=00h/01h; ok is false for
// keys only the extended functions return (they are discarded).
func keyForStandard(w uint16) (uint16, bool) {
	ah, al := uint8(w>>8), uint8(w)
	switch {
	case ah == 0xE0: // keypad Enter and /
		if al == 0x2F {
			return 0x352F, true
		}
		return 0x1C00 | uint16(al), true
	case al == 0xF0 && ah != 0, ah > 0x84:
		return 0, false
	case al == 0xE0 && ah != 0:
		return w & 0xFF00, true
	}
	return w, true
}

func keyForExtended(w uint16) uint16 {
	if uint8(w) == 0xF0 && w>>8 != 0 {
		return w & 0xFF00
	}
	return w
}

// keyRead is INT 16h AH=00h (AH=10h when ext): it takes the next key, or
// waits for one.
func (b *BIOS) keyRead(ext bool) {
	for {
		w, ok := b.keyPeek()
		if !ok {
			b.waitInterrupt(wait{kind: waitKey, ext: ext})
			return
		}
		b.keyDrop()
		if ext {
			b.setAX(keyForExtended(w))
			return
		}
		if v, ok := keyForStandard(w); ok {
			b.setAX(v)
			return
		}
	}
}

// int16 is the keyboard service.
func (b *BIOS) int16() {
	switch b.ah() {
	case 0x00, 0x10: // wait for a key and remove it
		b.keyRead(b.ah() == 0x10)
	case 0x01, 0x11: // is a key available? ZF=1 none, else AX = key (kept)
		for {
			w, ok := b.keyPeek()
			if !ok {
				b.setZF(true)
				return
			}
			if b.ah() == 0x11 {
				b.setAX(keyForExtended(w))
				b.setZF(false)
				return
			}
			if v, ok := keyForStandard(w); ok {
				b.setAX(v)
				b.setZF(false)
				return
			}
			b.keyDrop() // an extended-only key: invisible to AH=01h
		}
	case 0x02: // shift flags
		b.setAL(b.bda8(bdaKbdFlags1))
	case 0x12: // extended shift flags
		f1, f2, f3 := b.bda8(bdaKbdFlags1), b.bda8(bdaKbdFlags2), b.bda8(bdaKbdFlags3)
		hi := f2&(kf2LCtrl|kf2LAlt) | f3&(kf3RCtrl|kf3RAlt) |
			f2&kf2ScrollDn | f2&kf2NumDn | f2&kf2CapsDn | (f2&kf2SysReq)<<5
		b.setAX(uint16(hi)<<8 | uint16(f1))
	case 0x03: // typematic rate: accepted (the keyboard's own rate is used)
	case 0x05: // store CH:CL as scan/ASCII; AL=0 stored, 1 buffer full
		if b.keyStore(b.cx()) {
			b.setAL(0)
		} else {
			b.setAL(1)
		}
	case 0x0A: // keyboard ID: MF2 keyboard behind a translating 8042
		b.setBX(0x41AB)
	case 0x09: // keyboard functionality: 10h-12h supported
		b.setAL(0x20)
	}
}
