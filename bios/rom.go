package bios

// The ROM image: F000:0000-F000:FFFF. Entry points sit at the offsets of the
// IBM PC/AT BIOS (IBM AT Technical Reference, "BIOS listing") because some
// software jumps to them directly; the free space below E000h holds the wait
// loops and tables of our own.

const (
	romSeg  = 0xF000
	romBase = 0xF0000
	romSize = 0x10000
)

// Fixed offsets in the ROM segment.
const (
	offPOST        = 0xE05B // cold/warm start after the reset jump
	offNMI         = 0xE2C3
	offInt13       = 0xE3FE
	offFDPT        = 0xE401 // fixed disk parameter tables for INT 41h/46h (ours: one per drive)
	offInt19       = 0xE6F2
	offConfigTable = 0xE6F5 // INT 15h AH=C0h system configuration table
	offInt14       = 0xE739
	offInt16       = 0xE82E
	offInt09       = 0xE987
	offInt40       = 0xEC59 // diskette services when INT 13h is taken by a fixed disk BIOS
	offInt0E       = 0xEF57
	offDisketteTab = 0xEFC7 // INT 1Eh diskette parameter table
	offInt17       = 0xEFD2
	offInt10       = 0xF065
	offVideoParms  = 0xF0A4 // INT 1Dh video parameter table
	offInt12       = 0xF841
	offInt11       = 0xF84D
	offInt15       = 0xF859
	offFont8Low    = 0xFA6E // 8x8 font, characters 00h-7Fh, as on the PC
	offInt1A       = 0xFE6E
	offInt08       = 0xFEA5
	offDummyIRET   = 0xFF53
	offInt05       = 0xFF54
	offReset       = 0xFFF0
	offDate        = 0xFFF5 // "MM/DD/YY"
	offModel       = 0xFFFE
)

// Offsets of our own, in the free space at the start of the segment.
const (
	offFont8Full       = 0x0100 // 2048 bytes: the whole 8x8 font for INT 43h, INT 1Fh points at its upper half
	offFont14          = 0x0900 // 3584 bytes: 8x14 font
	offFont16          = 0x1700 // 4096 bytes: 8x16 font
	offSavePointer     = 0x2700 // 28 bytes: video save pointer table (0040:00A8 points here)
	offSecondarySave   = 0x2720 // 26 bytes: VGA secondary save pointer table
	offDCCTable        = 0x2740 // display combination code table (INT 10h AH=1Ah)
	offAltFont         = 0x27E0 // the 9x14 and 9x16 alternate glyph tables: empty (a 0 terminator)
	offStaticFunc      = 0x27F0 // 16 bytes: INT 10h AH=1Bh static functionality table
	offVideoParamTable = 0x2800 // 29 x 64 bytes: the video parameter table (vgatable.go)
	offCode            = 0x2F40 // stubs and loops that have no fixed address
)

// asm is a tiny emitter of the few 8086 instructions the stubs need.
type asm struct {
	rom []byte
	pc  uint16
}

func (a *asm) org(off uint16) { a.pc = off }
func (a *asm) here() uint16   { return a.pc }
func (a *asm) db(bs ...byte) {
	for _, v := range bs {
		a.rom[a.pc] = v
		a.pc++
	}
}
func (a *asm) dw(ws ...uint16) {
	for _, w := range ws {
		a.db(byte(w), byte(w>>8))
	}
}
func (a *asm) out() uint16            { a.db(0xE6, byte(ServicePort)); return a.pc } // OUT imm8, AL; returns the IP the handler sees
func (a *asm) iret()                  { a.db(0xCF) }
func (a *asm) sti()                   { a.db(0xFB) }
func (a *asm) cli()                   { a.db(0xFA) }
func (a *asm) cld()                   { a.db(0xFC) }
func (a *asm) hlt()                   { a.db(0xF4) }
func (a *asm) nop()                   { a.db(0x90) }
func (a *asm) pushAX()                { a.db(0x50) }
func (a *asm) popAX()                 { a.db(0x58) }
func (a *asm) intN(n uint8)           { a.db(0xCD, n) }
func (a *asm) jmpFar(seg, off uint16) { a.db(0xEA); a.dw(off, seg) }

// jmp emits a near JMP to target (E9 rel16: works for any distance in the segment).
func (a *asm) jmp(target uint16) {
	a.db(0xE9)
	a.dw(target - (a.pc + 2))
}

// service is a handler entered from a stub's OUT.
type service func(b *BIOS)

// on registers h for the OUT just emitted.
func (b *BIOS) on(ip uint16, h service) {
	if b.svc.at(ip) != nil {
		panic("bios: two services at one ROM address") // a layout bug, found by every test
	}
	if b.svc.index == nil {
		b.svc.index = make([]uint8, romSize)
	}
	b.svc.h = append(b.svc.h, h)
	if len(b.svc.h) > 0xFF {
		panic("bios: more services than the index holds")
	}
	b.svc.index[ip] = uint8(len(b.svc.h))
}

// services maps the IP after each stub's OUT to its handler: an index by
// ROM offset into the handlers. A table, not a map: a DOS polling the
// keyboard enters the service port for every poll, and a map lookup cost
// 2% of a FreeDOS boot.
type services struct {
	index []uint8 // by IP: 0 for none, else 1 + the handler's place in h
	h     []service
}

// at returns the handler of the stub whose OUT ends at ip, or nil.
func (s *services) at(ip uint16) service {
	if int(ip) < len(s.index) {
		if i := s.index[ip]; i != 0 {
			return s.h[i-1]
		}
	}
	return nil
}
