package bios

// INT 08h (IRQ 0), INT 1Ah and the RTC. The tick count runs at
// 1193182/65536 Hz; a day is 1800B0h ticks (IBM AT Technical Reference,
// "Time of day").

const ticksPerDay = 0x1800B0

// int08 counts the tick, handles midnight and the diskette motor timeout.
// The ROM then calls INT 1Ch and eoiMaster.
func (b *BIOS) int08() {
	t := b.ticks() + 1
	if t >= ticksPerDay {
		t = 0
		b.setBDA8(bdaMidnight, 1)
	}
	b.setTicks(t)
	if n := b.bda8(bdaMotorTimeout); n > 0 {
		if n--; n == 0 {
			b.setBDA8(bdaFloppyMotor, b.bda8(bdaFloppyMotor)&0xF0) // motors off
		}
		b.setBDA8(bdaMotorTimeout, n)
	}
}

func (b *BIOS) eoiMaster() { b.bus.Out8(0x20, 0x20) }

// CMOS RTC registers (MC146818: seconds, minutes, hours, day of month,
// month, year, status A/B, century at 32h per the AT).
const (
	rtcSeconds = 0x00
	rtcMinutes = 0x02
	rtcHours   = 0x04
	rtcDay     = 0x07
	rtcMonth   = 0x08
	rtcYear    = 0x09
	rtcStatusA = 0x0A
	rtcStatusB = 0x0B
	rtcStatusC = 0x0C
	rtcCentury = 0x32
)

func (b *BIOS) cmosRead(reg uint8) uint8 {
	b.bus.Out8(0x70, reg)
	return b.bus.In8(0x71)
}

func (b *BIOS) cmosWrite(reg, v uint8) {
	b.bus.Out8(0x70, reg)
	b.bus.Out8(0x71, v)
}

// rtcReady waits out an update cycle (status A bit 7), bounded.
func (b *BIOS) rtcReady() bool {
	for i := 0; i < 10000; i++ {
		if b.cmosRead(rtcStatusA)&0x80 == 0 {
			return true
		}
	}
	return false
}

func bcd(v uint8) int { return int(v>>4)*10 + int(v&0xF) }

// rtcTime reads the time of day in binary for POST's tick count.
func (b *BIOS) rtcTime() (h, m, s int, ok bool) {
	if !b.rtcReady() {
		return 0, 0, 0, false
	}
	hr, mn, sc := b.cmosRead(rtcHours), b.cmosRead(rtcMinutes), b.cmosRead(rtcSeconds)
	stB := b.cmosRead(rtcStatusB)
	if stB&0x04 == 0 { // BCD mode
		pm := hr&0x80 != 0
		h, m, s = bcd(hr&0x7F), bcd(mn), bcd(sc)
		if stB&0x02 == 0 && pm { // 12-hour mode
			h = h%12 + 12
		} else if stB&0x02 == 0 && h == 12 {
			h = 0
		}
	} else {
		h, m, s = int(hr&0x7F), int(mn), int(sc)
	}
	if h > 23 || m > 59 || s > 59 {
		return 0, 0, 0, false
	}
	return h, m, s, true
}

// int1A: AH=00h/01h tick count, AH=02h-05h RTC time and date in BCD.
func (b *BIOS) int1A() {
	switch b.ah() {
	case 0x00: // read tick count; AL = midnight flag, cleared by reading
		t := b.ticks()
		b.setCX(uint16(t >> 16))
		b.setDX(uint16(t))
		b.setAL(b.bda8(bdaMidnight))
		b.setBDA8(bdaMidnight, 0)
		b.setCF(false)
	case 0x01: // set tick count
		b.setTicks(uint32(b.cx())<<16 | uint32(b.dx()))
		b.setBDA8(bdaMidnight, 0)
		b.setCF(false)
	case 0x02: // read RTC time: CH hours, CL minutes, DH seconds, DL DST
		if !b.rtcReady() {
			b.setCF(true)
			return
		}
		b.setCH(b.cmosRead(rtcHours))
		b.setCL(b.cmosRead(rtcMinutes))
		b.setDH(b.cmosRead(rtcSeconds))
		b.setDL(b.cmosRead(rtcStatusB) & 0x01)
		b.setCF(false)
	case 0x03: // set RTC time
		if !b.rtcReady() {
			b.setCF(true)
			return
		}
		b.cmosWrite(rtcStatusB, b.cmosRead(rtcStatusB)|0x80) // SET: halt updates
		b.cmosWrite(rtcHours, b.ch())
		b.cmosWrite(rtcMinutes, b.cl())
		b.cmosWrite(rtcSeconds, b.dh())
		b.cmosWrite(rtcStatusB, b.cmosRead(rtcStatusB)&^0x81|0x02|b.dl()&1) // 24-hour, BCD, DST
		b.setCF(false)
	case 0x04: // read RTC date: CH century, CL year, DH month, DL day
		if !b.rtcReady() {
			b.setCF(true)
			return
		}
		b.setCH(b.cmosRead(rtcCentury))
		b.setCL(b.cmosRead(rtcYear))
		b.setDH(b.cmosRead(rtcMonth))
		b.setDL(b.cmosRead(rtcDay))
		b.setCF(false)
	case 0x05: // set RTC date
		if !b.rtcReady() {
			b.setCF(true)
			return
		}
		b.cmosWrite(rtcStatusB, b.cmosRead(rtcStatusB)|0x80)
		b.cmosWrite(rtcCentury, b.ch())
		b.cmosWrite(rtcYear, b.cl())
		b.cmosWrite(rtcMonth, b.dh())
		b.cmosWrite(rtcDay, b.dl())
		b.cmosWrite(rtcStatusB, b.cmosRead(rtcStatusB)&^0x80)
		b.setCF(false)
	default: // alarm and the rest: not provided by this RTC service
		b.setCF(true)
	}
}

// irqRTC acknowledges IRQ 8 by reading status C, then EOIs both PICs.
func (b *BIOS) irqRTC() {
	b.cmosRead(rtcStatusC)
	b.irqSlave()
}
