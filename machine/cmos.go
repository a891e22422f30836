package machine

import (
	"fmt"
	"math"
	"time"
)

// The Motorola MC146818A real-time clock and its 128 bytes of battery-backed
// CMOS RAM, at ports 70h (index; bit 7 masks NMI) and 71h (data).
//
// Registers 00h-09h are the clock (seconds, alarm seconds, minutes, alarm
// minutes, hours, alarm hours, day of week, day of month, month, year), in
// BCD or binary and 12- or 24-hour form as register B says; 0Ah-0Dh are
// status registers A-D. The rest is RAM laid out as the IBM PC/AT BIOS does
// (IBM PC/AT Technical Reference, "CMOS RAM Address Map"): 0Eh diagnostic
// status, 0Fh shutdown status, 10h floppy types, 12h hard disk types, 14h
// equipment, 15h-18h memory sizes, 19h/1Ah extended disk types, 2Eh/2Fh the
// checksum of 10h-2Dh, 30h/31h extended memory found by POST, 32h century.
//
// The clock runs on virtual time: an update cycle completes every second
// (on the second of virtual time since power-on), and reading the time
// catches up on the updates due. UIP is set for the 244 us before an update
// cycle and the 1984 us it lasts (MC146818A datasheet, "Update Cycle").

// CMOS port numbers.
const (
	PortCMOSIndex = 0x70
	PortCMOSData  = 0x71
)

// CMOS register and RAM addresses.
const (
	CMOSSeconds      = 0x00
	CMOSAlarmSeconds = 0x01
	CMOSMinutes      = 0x02
	CMOSAlarmMinutes = 0x03
	CMOSHours        = 0x04
	CMOSAlarmHours   = 0x05
	CMOSDayOfWeek    = 0x06
	CMOSDayOfMonth   = 0x07
	CMOSMonth        = 0x08
	CMOSYear         = 0x09
	CMOSRegA         = 0x0A
	CMOSRegB         = 0x0B
	CMOSRegC         = 0x0C
	CMOSRegD         = 0x0D
	CMOSDiagnostic   = 0x0E
	CMOSShutdown     = 0x0F
	CMOSFloppyTypes  = 0x10
	CMOSDiskTypes    = 0x12
	CMOSEquipment    = 0x14
	CMOSBaseMemLo    = 0x15
	CMOSBaseMemHi    = 0x16
	CMOSExtMemLo     = 0x17
	CMOSExtMemHi     = 0x18
	CMOSDisk0Type    = 0x19
	CMOSDisk1Type    = 0x1A
	CMOSDisk0Params  = 0x1B // user-defined type 47 parameters, drive 0
	CMOSDisk1Params  = 0x24 // and drive 1
	CMOSChecksumHi   = 0x2E
	CMOSChecksumLo   = 0x2F
	CMOSPostExtMemLo = 0x30
	CMOSPostExtMemHi = 0x31
	CMOSCentury      = 0x32
)

// Register A, B and C bits.
const (
	rtcAUIP     = 0x80
	rtcADivider = 0x70 // DV2-DV0: 010 is the 32.768 kHz time base, running
	rtcARate    = 0x0F // RS3-RS0: periodic interrupt rate
	rtcBSET     = 0x80
	rtcBPIE     = 0x40
	rtcBAIE     = 0x20
	rtcBUIE     = 0x10
	rtcBDM      = 0x04 // binary, not BCD
	rtcB24      = 0x02 // 24-hour mode
	rtcCIRQF    = 0x80
	rtcCPF      = 0x40
	rtcCAF      = 0x20
	rtcCUF      = 0x10
	rtcDVRT     = 0x80
)

// Update cycle timing (datasheet: tBUC 244 us, tUC 1984 us at 32.768 kHz).
const (
	rtcUIPLead   = 244_000
	rtcUpdateLen = 1_984_000
	rtcSecond    = 1_000_000_000
	rtcHz        = 32768
)

// CMOS is the RTC with its RAM. It implements PortDevice for 70h/71h and
// Timed for the run loop.
type CMOS struct {
	clk    Clock
	irq    IRQLine
	index  uint8
	nmiOff bool
	ram    [128]byte // RAM and registers A, B; the clock lives in the fields below

	// The clock's counters as plain numbers; registers 0-9 and 32h are
	// encoded from them on read.
	sec, min, hour, dow, day, month, year, century int

	phase   int64 // updates complete at phase + k seconds
	lastUpd int64 // k of the last update applied
	lastPer int64 // index of the last periodic interrupt tick seen
	flags   uint8 // register C's PF, AF, UF
	irqOn   bool
}

// NewCMOS returns the RTC set to start's wall-clock fields (its location's
// local time, as DOS keeps the RTC) at virtual time 0, with register A
// 26h (32.768 kHz, 1024 Hz periodic rate), B 02h (24-hour BCD, interrupts
// off) and valid RAM. irq8 may be nil.
func NewCMOS(clk Clock, start time.Time, irq8 IRQLine) *CMOS {
	c := &CMOS{clk: clk, irq: irq8}
	c.ram[CMOSRegA] = 0x26
	c.ram[CMOSRegB] = rtcB24
	c.ram[CMOSRegD] = rtcDVRT
	c.setTime(start)
	c.phase = 0
	c.lastUpd = c.updateIndex(clk.Now())
	c.UpdateChecksum()
	return c
}

func (c *CMOS) setTime(t time.Time) {
	c.sec, c.min, c.hour = t.Second(), t.Minute(), t.Hour()
	c.day, c.month = t.Day(), int(t.Month())
	c.year, c.century = t.Year()%100, t.Year()/100
	c.dow = int(t.Weekday()) + 1 // Sunday is 1
}

// Time returns the clock's current date and time (as a UTC time.Time
// holding the RTC's wall-clock fields).
func (c *CMOS) Time() time.Time {
	c.sync(c.clk.Now())
	return c.wall()
}

func (c *CMOS) wall() time.Time {
	return time.Date(c.century*100+c.year, time.Month(c.month), c.day, c.hour, c.min, c.sec, 0, time.UTC)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func (c *CMOS) updateIndex(now int64) int64 { return floorDiv(now-c.phase, rtcSecond) }

// dividerRunning reports register A's DV bits selecting the running
// 32.768 kHz time base; other values hold the divider chain in reset.
func (c *CMOS) dividerRunning() bool { return c.ram[CMOSRegA]&rtcADivider == 0x20 }

// halted reports whether update cycles are inhibited (SET, or the divider).
func (c *CMOS) halted() bool { return c.ram[CMOSRegB]&rtcBSET != 0 || !c.dividerRunning() }

// periodTicks is the periodic interrupt period in 32.768 kHz ticks, 0 for
// none (datasheet, "Periodic Interrupt Rate" table).
func (c *CMOS) periodTicks() int64 {
	rs := c.ram[CMOSRegA] & rtcARate
	switch {
	case rs == 0:
		return 0
	case rs <= 2:
		return 1 << (rs + 6)
	}
	return 1 << (rs - 1)
}

func rtcTicks(ns int64) int64 { return ns/1e9*rtcHz + ns%1e9*rtcHz/1e9 }

func rtcTime(k int64) int64 {
	q, r := k/rtcHz, k%rtcHz
	return q*1e9 + (r*1e9+rtcHz-1)/rtcHz
}

// sync applies the update cycles and periodic ticks due by now and sets
// register C's flags for them.
func (c *CMOS) sync(now int64) {
	if p := c.periodTicks(); p != 0 && c.dividerRunning() {
		if i := rtcTicks(now) / p; i > c.lastPer {
			c.lastPer = i
			c.flags |= rtcCPF
		}
	}
	k := c.updateIndex(now)
	if k <= c.lastUpd {
		return
	}
	n := k - c.lastUpd
	c.lastUpd = k
	if c.halted() {
		return
	}
	c.flags |= rtcCUF
	if c.alarmWithin(n) {
		c.flags |= rtcCAF
	}
	t0 := c.wall()
	t1 := t0.Add(time.Duration(n) * time.Second)
	days := floorDiv(t1.Unix(), 86400) - floorDiv(t0.Unix(), 86400)
	dow := c.dow
	c.setTime(t1)
	c.dow = int(mod(int64(dow-1)+days, 7)) + 1
}

// alarmWithin reports whether the alarm matches at one of the next n
// seconds. An alarm byte with its two top bits set matches any value.
func (c *CMOS) alarmWithin(n int64) bool {
	match := func(reg uint8, v int, hours bool) bool {
		a := c.ram[reg]
		if a&0xC0 == 0xC0 {
			return true
		}
		if hours {
			return c.decodeHour(a) == v
		}
		return c.decode(a) == v
	}
	sod := int64(c.hour*3600 + c.min*60 + c.sec)
	for i := int64(1); i <= min(n, 86400); i++ {
		s := (sod + i) % 86400
		if match(CMOSAlarmSeconds, int(s%60), false) &&
			match(CMOSAlarmMinutes, int(s/60%60), false) &&
			match(CMOSAlarmHours, int(s/3600), true) {
			return true
		}
	}
	return false
}

func (c *CMOS) binary() bool { return c.ram[CMOSRegB]&rtcBDM != 0 }

func (c *CMOS) encode(v int) uint8 {
	if c.binary() {
		return uint8(v)
	}
	return uint8(v/10%10<<4 | v%10)
}

func (c *CMOS) decode(v uint8) int {
	if c.binary() {
		return int(v)
	}
	return int(v>>4)*10 + int(v&15)
}

// encodeHour gives the hours register: in 12-hour mode 1-12 with bit 7 for PM.
func (c *CMOS) encodeHour(h int) uint8 {
	if c.ram[CMOSRegB]&rtcB24 != 0 {
		return c.encode(h)
	}
	h12 := h % 12
	if h12 == 0 {
		h12 = 12
	}
	v := c.encode(h12)
	if h >= 12 {
		v |= 0x80
	}
	return v
}

func (c *CMOS) decodeHour(v uint8) int {
	if c.ram[CMOSRegB]&rtcB24 != 0 {
		return c.decode(v)
	}
	h := c.decode(v&0x7F) % 12
	if v&0x80 != 0 {
		h += 12
	}
	return h
}

// uip reports register A's update-in-progress bit at now.
func (c *CMOS) uip(now int64) bool {
	if c.halted() {
		return false
	}
	r := mod(now-c.phase, rtcSecond)
	return r >= rtcSecond-rtcUIPLead-rtcUpdateLen
}

// drive sets IRQ 8 from register C: IRQF is PF, AF or UF with its enable.
func (c *CMOS) drive() {
	setLine(c.irq, &c.irqOn, c.irqf())
}

func (c *CMOS) irqf() bool {
	return c.flags&c.ram[CMOSRegB]&(rtcCPF|rtcCAF|rtcCUF) != 0
}

// In8 reads port 71h (the indexed register); port 70h is write-only and
// reads as FFh.
func (c *CMOS) In8(port uint16) uint8 {
	if port == PortCMOSIndex {
		return 0xFF
	}
	return c.Read(c.index)
}

// Out8 writes port 70h (index and NMI mask) or 71h.
func (c *CMOS) Out8(port uint16, v uint8) {
	if port == PortCMOSIndex {
		c.index = v & 0x7F
		c.nmiOff = v&0x80 != 0
		return
	}
	c.Write(c.index, v)
}

// NMIEnabled reports port 70h bit 7 clear.
func (c *CMOS) NMIEnabled() bool { return !c.nmiOff }

// Read returns register or RAM byte i as the guest reads it.
func (c *CMOS) Read(i uint8) uint8 {
	i &= 0x7F
	now := c.clk.Now()
	c.sync(now)
	switch i {
	case CMOSSeconds:
		return c.encode(c.sec)
	case CMOSMinutes:
		return c.encode(c.min)
	case CMOSHours:
		return c.encodeHour(c.hour)
	case CMOSDayOfWeek:
		return c.encode(c.dow)
	case CMOSDayOfMonth:
		return c.encode(c.day)
	case CMOSMonth:
		return c.encode(c.month)
	case CMOSYear:
		return c.encode(c.year)
	case CMOSCentury:
		return c.encode(c.century)
	case CMOSRegA:
		v := c.ram[CMOSRegA] &^ rtcAUIP
		if c.uip(now) {
			v |= rtcAUIP
		}
		return v
	case CMOSRegC:
		// Reading C clears the flags and releases IRQ 8.
		v := c.flags
		if c.irqf() {
			v |= rtcCIRQF
		}
		c.flags = 0
		c.drive()
		return v
	case CMOSRegD:
		return rtcDVRT
	}
	return c.ram[i]
}

// Write stores register or RAM byte i as the guest writes it.
func (c *CMOS) Write(i uint8, v uint8) {
	i &= 0x7F
	now := c.clk.Now()
	c.sync(now)
	switch i {
	case CMOSSeconds:
		c.sec = c.decode(v)
	case CMOSMinutes:
		c.min = c.decode(v)
	case CMOSHours:
		c.hour = c.decodeHour(v)
	case CMOSDayOfWeek:
		c.dow = c.decode(v)
	case CMOSDayOfMonth:
		c.day = c.decode(v)
	case CMOSMonth:
		c.month = c.decode(v)
	case CMOSYear:
		c.year = c.decode(v)
	case CMOSCentury:
		c.century = c.decode(v)
	case CMOSRegA:
		wasRunning := c.dividerRunning()
		oldRate := c.periodTicks()
		c.ram[CMOSRegA] = v &^ rtcAUIP
		if !wasRunning && c.dividerRunning() {
			// Leaving divider reset: the first update is 500 ms later.
			c.phase = now + rtcSecond/2
			c.lastUpd = c.updateIndex(now)
		}
		if p := c.periodTicks(); p != 0 && (p != oldRate || !wasRunning) {
			c.lastPer = rtcTicks(now) / p
		}
	case CMOSRegB:
		wasHalted := c.halted()
		if v&rtcBSET != 0 {
			v &^= rtcBUIE // setting SET clears UIE
		}
		c.ram[CMOSRegB] = v
		if wasHalted && !c.halted() {
			// Resume on the divider's phase, without the frozen seconds.
			c.lastUpd = c.updateIndex(now)
		}
	case CMOSRegC, CMOSRegD:
		// Read-only.
	default:
		c.ram[i] = v
	}
	c.drive()
}

// AdvanceTo sets register C's flags for what happened up to now and raises
// IRQ 8 if an enabled one is set.
func (c *CMOS) AdvanceTo(now int64) {
	c.sync(now)
	c.drive()
}

// NextEvent returns the time of the next enabled interrupt source's next
// event, or math.MaxInt64 (also while IRQ 8 waits for register C to be read).
func (c *CMOS) NextEvent() int64 {
	if c.irqOn {
		return math.MaxInt64
	}
	next := int64(math.MaxInt64)
	b := c.ram[CMOSRegB]
	if b&rtcBPIE != 0 && c.dividerRunning() {
		if p := c.periodTicks(); p != 0 {
			next = rtcTime((c.lastPer + 1) * p)
		}
	}
	if b&(rtcBUIE|rtcBAIE) != 0 && !c.halted() {
		next = min(next, c.phase+(c.lastUpd+1)*rtcSecond)
	}
	return next
}

// Power-on setup: the machine fills the configuration bytes the BIOS and
// DOS read, then the checksum is kept right.

// SetFloppyTypes sets the drive types at 10h (0 none, 1 360K, 2 1.2M,
// 3 720K, 4 1.44M, 5 2.88M) for drives A: and B:.
func (c *CMOS) SetFloppyTypes(a, b uint8) {
	c.ram[CMOSFloppyTypes] = a<<4 | b&0x0F
	c.UpdateChecksum()
}

// SetHardDiskType sets drive 0 or 1's type: 1-14 in the 12h nibble, 15 and
// above as nibble Fh with the type at 19h/1Ah; 0 for no drive.
func (c *CMOS) SetHardDiskType(drive int, typ uint8) {
	shift := 4 * uint(1-drive&1)
	nib := typ
	if typ >= 15 {
		nib = 15
		c.ram[CMOSDisk0Type+drive&1] = typ
	} else {
		c.ram[CMOSDisk0Type+drive&1] = 0
	}
	c.ram[CMOSDiskTypes] = c.ram[CMOSDiskTypes]&^(0x0F<<shift) | nib<<shift
	c.UpdateChecksum()
}

// SetHardDiskParams makes drive 0 or 1 user-defined type 47 with the given
// geometry, stored the way AT BIOSes keep it (1Bh or 24h: cylinders, heads,
// write precompensation (none), control byte, landing zone, sectors).
func (c *CMOS) SetHardDiskParams(drive, cylinders, heads, sectors int) {
	c.SetHardDiskType(drive, 47)
	p := c.ram[CMOSDisk0Params:]
	if drive&1 != 0 {
		p = c.ram[CMOSDisk1Params:]
	}
	ctrl := uint8(0)
	if heads > 8 {
		ctrl = 0x08
	}
	copy(p[:9], []byte{
		uint8(cylinders), uint8(cylinders >> 8), uint8(heads),
		0xFF, 0xFF, ctrl,
		uint8(cylinders), uint8(cylinders >> 8), uint8(sectors),
	})
	c.UpdateChecksum()
}

// SetEquipment sets the equipment byte at 14h (bits 7-6 floppy drives - 1,
// bits 5-4 primary display: 00 EGA/VGA, 01 CGA 40, 10 CGA 80, 11 MDA;
// bit 1 math coprocessor; bit 0 floppy drives present).
func (c *CMOS) SetEquipment(v uint8) {
	c.ram[CMOSEquipment] = v
	c.UpdateChecksum()
}

// SetMemory sets the base memory (KiB below 1 MiB, usually 640) at 15h and
// the extended memory (KiB above 1 MiB) at 17h and 30h.
func (c *CMOS) SetMemory(baseKB, extKB int) {
	extKB = min(extKB, 0xFFFF)
	c.ram[CMOSBaseMemLo], c.ram[CMOSBaseMemHi] = uint8(baseKB), uint8(baseKB>>8)
	c.ram[CMOSExtMemLo], c.ram[CMOSExtMemHi] = uint8(extKB), uint8(extKB>>8)
	c.ram[CMOSPostExtMemLo], c.ram[CMOSPostExtMemHi] = uint8(extKB), uint8(extKB>>8)
	c.UpdateChecksum()
}

// UpdateChecksum stores the sum of 10h-2Dh at 2Eh (high) and 2Fh (low).
func (c *CMOS) UpdateChecksum() {
	var sum uint16
	for i := 0x10; i <= 0x2D; i++ {
		sum += uint16(c.ram[i])
	}
	c.ram[CMOSChecksumHi], c.ram[CMOSChecksumLo] = uint8(sum>>8), uint8(sum)
}

// CMOSState is the RTC and its RAM for a machine state (state.go): the
// index register and NMI mask, the 128 bytes, the clock's counters, the
// divider's phase and the interrupt flags.
type CMOSState struct {
	Index   uint8
	NMIOff  bool
	RAM     [128]byte
	Sec     uint8
	Min     uint8
	Hour    uint8
	DOW     uint8
	Day     uint8
	Month   uint8
	Year    uint8
	Century uint8
	Phase   int64
	LastUpd int64
	LastPer int64
	Flags   uint8
	IRQ     bool
}

// State returns the RTC's state.
func (c *CMOS) State() CMOSState {
	return CMOSState{
		Index: c.index, NMIOff: c.nmiOff, RAM: c.ram,
		Sec: uint8(c.sec), Min: uint8(c.min), Hour: uint8(c.hour), DOW: uint8(c.dow),
		Day: uint8(c.day), Month: uint8(c.month), Year: uint8(c.year), Century: uint8(c.century),
		Phase: c.phase, LastUpd: c.lastUpd, LastPer: c.lastPer, Flags: c.flags, IRQ: c.irqOn,
	}
}

// SetState puts the RTC in state s. IRQ 8's level is the PIC's state.
func (c *CMOS) SetState(s CMOSState) error {
	for _, f := range []struct {
		name   string
		v      uint8
		lo, hi uint8
	}{
		{"Sec", s.Sec, 0, 59}, {"Min", s.Min, 0, 59}, {"Hour", s.Hour, 0, 23}, {"DOW", s.DOW, 1, 7},
		{"Day", s.Day, 1, 31}, {"Month", s.Month, 1, 12}, {"Year", s.Year, 0, 99}, {"Century", s.Century, 0, 99},
	} {
		if f.v < f.lo || f.v > f.hi {
			return fmt.Errorf("CMOS: %s %d is outside %d-%d", f.name, f.v, f.lo, f.hi)
		}
	}
	if s.Index > 0x7F {
		return fmt.Errorf("CMOS: Index %02Xh is beyond the 128 bytes", s.Index)
	}
	c.index, c.nmiOff, c.ram = s.Index, s.NMIOff, s.RAM
	c.sec, c.min, c.hour, c.dow = int(s.Sec), int(s.Min), int(s.Hour), int(s.DOW)
	c.day, c.month, c.year, c.century = int(s.Day), int(s.Month), int(s.Year), int(s.Century)
	c.phase, c.lastUpd, c.lastPer, c.flags, c.irqOn = s.Phase, s.LastUpd, s.LastPer, s.Flags, s.IRQ
	return nil
}
