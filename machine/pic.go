package machine

import "fmt"

// The PC/AT interrupt controller: two Intel 8259A PICs, the slave's INT
// output wired to the master's IR2 (Intel 8259A datasheet, "Cascading").
// Master at 20h/21h serves IRQ 0-7, slave at A0h/A1h serves IRQ 8-15.
//
// Request latching follows the datasheet ("Edge and Level Triggered
// Modes"): the IRR bit is set on a rising edge (or while the level is high
// in level mode) and is cleared when the request goes away before INTA, so
// a device that withdraws its request (the 8042 after port 60h is read,
// the IDE drive after its status is read) leaves no stale interrupt behind.
// Devices that compute their output for a whole run-loop slice keep a
// pulse high until the next slice (see the PIT), so that the CPU sees it.

// PIC port numbers.
const (
	PortPIC1Cmd  = 0x20
	PortPIC1Data = 0x21
	PortPIC2Cmd  = 0xA0
	PortPIC2Data = 0xA1
)

// cascadeIR is the master input that the slave's INT output drives on the AT.
const cascadeIR = 2

// pic8259 is one 8259A: its registers and the state of its init sequence.
type pic8259 struct {
	irr, isr, imr uint8 // interrupt request, in-service and mask registers
	level         uint8 // current level of the IR inputs, for edge detection

	base   uint8 // ICW2: vector of IR0 (T7-T3; low 3 bits are the IR number)
	icw3   uint8 // master: which IRs have slaves; slave: its ID
	single bool  // ICW1 SNGL: no cascade
	ltim   bool  // ICW1 LTIM: level-triggered inputs
	needs4 bool  // ICW1 IC4: an ICW4 follows
	aeoi   bool  // ICW4 AEOI: automatic EOI at the end of INTA
	sfnm   bool  // ICW4 SFNM: special fully nested mode
	initAt int   // next ICW expected at the odd port: 2, 3, 4, or 0 when ready

	lowest      uint8 // IR with the lowest priority (7 after init; rotation moves it)
	rotateAEOI  bool  // OCW2 R=1 SL=0 EOI=0: rotate in automatic EOI mode
	specialMask bool  // OCW3 SMM
	readISR     bool  // OCW3 RIS: the even port reads ISR instead of IRR
	poll        bool  // OCW3 P: the next even-port read is a poll
	master      bool
}

// prio is the priority rank of IR n: 0 is the highest.
func (p *pic8259) prio(n int) int { return (n - int(p.lowest) - 1) & 7 }

// highest returns the IR with the highest priority among the bits in m, or -1.
func (p *pic8259) highest(m uint8) int {
	if m == 0 {
		return -1
	}
	for i := 0; i < 8; i++ {
		n := (int(p.lowest) + 1 + i) & 7
		if m&(1<<n) != 0 {
			return n
		}
	}
	return -1
}

// request is the IR this chip asks the CPU (or the master) to serve, or -1:
// the highest unmasked request whose priority beats every level in service
// (datasheet "Fully Nested Mode"; in special mask mode masked in-service
// levels do not block, and in special fully nested mode the cascade input
// does not block further requests from the same slave).
func (p *pic8259) request() int {
	n := p.highest(p.irr &^ p.imr)
	if n < 0 {
		return -1
	}
	blocking := p.isr
	if p.specialMask {
		blocking &^= p.imr
	}
	if p.sfnm && p.master {
		blocking &^= p.icw3
	}
	if s := p.highest(blocking); s >= 0 && p.prio(s) <= p.prio(n) {
		return -1
	}
	return n
}

// setLine drives IR n (datasheet "Edge and Level Triggered Modes").
func (p *pic8259) setLine(n int, high bool) {
	bit := uint8(1) << n
	if high {
		if p.level&bit == 0 || p.ltim {
			p.irr |= bit
		}
		p.level |= bit
	} else {
		p.level &^= bit
		p.irr &^= bit // the request is withdrawn
	}
}

// ack performs the INTA sequence for IR n: ISR set (unless AEOI), IRR
// cleared for an edge request.
func (p *pic8259) ack(n int) {
	bit := uint8(1) << n
	if !p.ltim {
		p.irr &^= bit
	}
	if p.aeoi {
		if p.rotateAEOI {
			p.lowest = uint8(n)
		}
		return
	}
	p.isr |= bit
}

// eoi handles OCW2 (datasheet "Operation Command Word 2").
func (p *pic8259) eoi(v uint8) {
	l := int(v & 7)
	switch v >> 5 {
	case 0b001: // non-specific EOI
		if n := p.highest(p.isr); n >= 0 {
			p.isr &^= 1 << n
		}
	case 0b011: // specific EOI
		p.isr &^= 1 << l
	case 0b101: // rotate on non-specific EOI
		if n := p.highest(p.isr); n >= 0 {
			p.isr &^= 1 << n
			p.lowest = uint8(n)
		}
	case 0b100: // set rotate in AEOI mode
		p.rotateAEOI = true
	case 0b000: // clear rotate in AEOI mode
		p.rotateAEOI = false
	case 0b111: // rotate on specific EOI
		p.isr &^= 1 << l
		p.lowest = uint8(l)
	case 0b110: // set priority: L becomes the lowest
		p.lowest = uint8(l)
	case 0b010: // no operation
	}
}

// icw1 starts the initialization sequence (datasheet "Initialization
// Command Words"): IMR cleared, IR7 lowest priority, special mask mode off,
// status read set to IRR, and the edge sense reset so that a line already
// high must go low and high again to request.
func (p *pic8259) icw1(v uint8) {
	p.needs4 = v&0x01 != 0
	p.single = v&0x02 != 0
	p.ltim = v&0x08 != 0
	p.imr = 0
	p.isr = 0
	p.irr = 0
	if p.ltim {
		p.irr = p.level
	}
	p.lowest = 7
	p.specialMask = false
	p.readISR = false
	p.poll = false
	p.rotateAEOI = false
	p.aeoi = false
	p.sfnm = false
	p.initAt = 2
}

func (p *pic8259) writeData(v uint8) {
	switch p.initAt {
	case 2:
		p.base = v & 0xF8
		switch {
		case !p.single:
			p.initAt = 3
		case p.needs4:
			p.initAt = 4
		default:
			p.initAt = 0
		}
	case 3:
		p.icw3 = v
		if p.needs4 {
			p.initAt = 4
		} else {
			p.initAt = 0
		}
	case 4:
		// ICW4: bit 0 uPM (8086 mode is the only one a PC uses), bit 1
		// AEOI, bits 2-3 buffered mode (no effect here), bit 4 SFNM.
		p.aeoi = v&0x02 != 0
		p.sfnm = v&0x10 != 0
		p.initAt = 0
	default:
		p.imr = v // OCW1
	}
}

func (p *pic8259) writeCmd(v uint8) {
	switch {
	case v&0x10 != 0:
		p.icw1(v)
	case v&0x08 != 0: // OCW3
		if v&0x40 != 0 {
			p.specialMask = v&0x20 != 0
		}
		if v&0x02 != 0 {
			p.readISR = v&0x01 != 0
		}
		p.poll = v&0x04 != 0
	default: // OCW2
		p.eoi(v)
	}
}

// PIC is the cascaded pair of 8259As. It implements PortDevice for ports
// 20h, 21h, A0h, A1h and cpu.InterruptController.
type PIC struct {
	chip [2]pic8259 // 0 master, 1 slave
	intr func(level bool)
	out  bool // current INTR output
	line [16]picLine
}

// NewPIC returns the PIC pair in a defined power-on state (the real parts
// are undefined until ICW1): all IRQs masked, vector bases 08h and 70h as
// the PC BIOS programs them. intr is called whenever the master's INT
// output (the CPU's INTR input) changes level; it may be nil.
func NewPIC(intr func(level bool)) *PIC {
	p := &PIC{intr: intr}
	for i := range p.chip {
		c := &p.chip[i]
		c.lowest = 7
		c.imr = 0xFF
	}
	p.chip[0].master = true
	p.chip[0].base = 0x08
	p.chip[0].icw3 = 1 << cascadeIR
	p.chip[1].base = 0x70
	p.chip[1].icw3 = cascadeIR
	for n := range p.line {
		p.line[n] = picLine{p, n}
	}
	return p
}

type picLine struct {
	p *PIC
	n int
}

func (l picLine) Raise() { l.p.SetIRQ(l.n, true) }
func (l picLine) Lower() { l.p.SetIRQ(l.n, false) }

// Line returns IRQ n (0-15) as an IRQLine. IRQ 2 is the cascade input on
// the AT; the ISA bus pin named IRQ2 is wired to IRQ 9, so Line(2) returns
// IRQ 9 as the AT bus does.
func (p *PIC) Line(n int) IRQLine {
	if n == cascadeIR {
		n = 9
	}
	return p.line[n&15]
}

// SetIRQ drives IRQ n (0-15) to the given level.
func (p *PIC) SetIRQ(n int, high bool) {
	if n == cascadeIR {
		n = 9
	}
	p.chip[n>>3&1].setLine(n&7, high)
	p.update()
}

// update recomputes the slave's INT output (a level on the master's
// cascade input) and the master's INT output to the CPU.
func (p *PIC) update() {
	m, s := &p.chip[0], &p.chip[1]
	if s.request() >= 0 {
		m.irr |= 1 << cascadeIR
	} else {
		m.irr &^= 1 << cascadeIR
	}
	out := m.request() >= 0
	if out != p.out {
		p.out = out
		if p.intr != nil {
			p.intr(out)
		}
	}
}

// Pending reports whether the PIC is asserting INTR: the fast check the
// CPU loop makes at an instruction boundary with IF set.
func (p *PIC) Pending() bool { return p.out }

// Acknowledge is the CPU's INTA cycle: it returns the vector of the
// highest-priority request and moves that request to the ISR. With no
// request left (it was masked or withdrawn) the chip answers with IR7's
// vector without setting ISR, the spurious interrupt of the datasheet; a
// spurious slave interrupt (IRQ 15) leaves the master's IR2 in service.
func (p *PIC) Acknowledge() uint8 {
	defer p.update()
	m, s := &p.chip[0], &p.chip[1]
	n := m.request()
	if n < 0 {
		return m.base | 7
	}
	m.ack(n)
	if m.single || m.icw3&(1<<n) == 0 {
		return m.base | uint8(n)
	}
	// The slave on this input supplies the vector.
	k := s.request()
	if k < 0 {
		return s.base | 7
	}
	s.ack(k)
	return s.base | uint8(k)
}

// pollRead answers a read after an OCW3 poll command: bit 7 set with the
// IR number when a request is pending, which is acknowledged as by INTA.
func (p *PIC) pollRead(i int) uint8 {
	c := &p.chip[i]
	c.poll = false
	if i == 1 {
		n := c.request()
		if n < 0 {
			return 0
		}
		c.ack(n)
		// The master's cascade request is served with the slave's.
		m := &p.chip[0]
		if m.request() == cascadeIR {
			m.ack(cascadeIR)
		}
		p.update()
		return 0x80 | uint8(n)
	}
	n := c.request()
	if n < 0 {
		return 0
	}
	c.ack(n)
	p.update()
	return 0x80 | uint8(n)
}

// In8 reads IRR/ISR (even port, per OCW3), a poll result, or the IMR.
func (p *PIC) In8(port uint16) uint8 {
	i := 0
	if port&0x80 != 0 {
		i = 1
	}
	c := &p.chip[i]
	if port&1 != 0 {
		return c.imr
	}
	if c.poll {
		return p.pollRead(i)
	}
	if c.readISR {
		return c.isr
	}
	return c.irr
}

// Out8 writes ICW1/OCW2/OCW3 (even port) or ICW2-4/OCW1 (odd port).
func (p *PIC) Out8(port uint16, v uint8) {
	i := 0
	if port&0x80 != 0 {
		i = 1
	}
	c := &p.chip[i]
	if port&1 != 0 {
		c.writeData(v)
	} else {
		c.writeCmd(v)
	}
	p.update()
}

// VectorIRQ names the IRQ whose vector is vec under the bases ICW2 set
// (the acknowledge cycle sends base | IR number; 8259A data sheet, ICW2),
// for a trace of interrupts; false when neither chip sends vec.
func (p *PIC) VectorIRQ(vec uint8) (int, bool) {
	for i := range p.chip {
		if vec&0xF8 == p.chip[i].base {
			return i*8 + int(vec&7), true
		}
	}
	return 0, false
}

// IRR, ISR and IMR return the registers of the pair as 16-bit values (bit n
// is IRQ n), for the debugger and tests.
func (p *PIC) IRR() uint16 { return uint16(p.chip[1].irr)<<8 | uint16(p.chip[0].irr) }
func (p *PIC) ISR() uint16 { return uint16(p.chip[1].isr)<<8 | uint16(p.chip[0].isr) }
func (p *PIC) IMR() uint16 { return uint16(p.chip[1].imr)<<8 | uint16(p.chip[0].imr) }

// PICState is the pair's state for a machine state (state.go): each
// chip's registers and initialization sequence, and the INTR output.
type PICState struct {
	Chips [2]PICChipState // master, slave
	INTR  bool            // the output to the CPU
}

// PICChipState is one 8259A.
type PICChipState struct {
	IRR, ISR, IMR, Level uint8
	Base, ICW3           uint8
	Single, LTIM, Needs4 bool
	AEOI, SFNM           bool
	InitAt               uint8 // next ICW expected: 2, 3, 4, or 0 when initialized
	Lowest               uint8
	RotateAEOI           bool
	SpecialMask          bool
	ReadISR, Poll        bool
}

// State returns the pair's state.
func (p *PIC) State() PICState {
	s := PICState{INTR: p.out}
	for i := range p.chip {
		c := &p.chip[i]
		s.Chips[i] = PICChipState{
			IRR: c.irr, ISR: c.isr, IMR: c.imr, Level: c.level,
			Base: c.base, ICW3: c.icw3,
			Single: c.single, LTIM: c.ltim, Needs4: c.needs4, AEOI: c.aeoi, SFNM: c.sfnm,
			InitAt: uint8(c.initAt), Lowest: c.lowest,
			RotateAEOI: c.rotateAEOI, SpecialMask: c.specialMask, ReadISR: c.readISR, Poll: c.poll,
		}
	}
	return s
}

// SetState puts the pair in state s. The CPU's INTR input is the CPU's
// own state and is restored with it.
func (p *PIC) SetState(s PICState) error {
	for i, c := range s.Chips {
		switch {
		case c.InitAt != 0 && (c.InitAt < 2 || c.InitAt > 4):
			return fmt.Errorf("PIC: Chips[%d].InitAt %d is not an ICW number (2-4, or 0)", i, c.InitAt)
		case c.Lowest > 7:
			return fmt.Errorf("PIC: Chips[%d].Lowest %d is not an IR (0-7)", i, c.Lowest)
		}
	}
	for i, c := range s.Chips {
		d := &p.chip[i]
		d.irr, d.isr, d.imr, d.level = c.IRR, c.ISR, c.IMR, c.Level
		d.base, d.icw3 = c.Base, c.ICW3
		d.single, d.ltim, d.needs4, d.aeoi, d.sfnm = c.Single, c.LTIM, c.Needs4, c.AEOI, c.SFNM
		d.initAt, d.lowest = int(c.InitAt), c.Lowest
		d.rotateAEOI, d.specialMask, d.readISR, d.poll = c.RotateAEOI, c.SpecialMask, c.ReadISR, c.Poll
	}
	p.out = s.INTR
	return nil
}
