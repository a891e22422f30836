package bios

// The bell: INT 10h AH=0Eh (and AH=13h) writing BEL (07h) sounds the PC
// speaker as the IBM BIOS's BEEP does (IBM PC XT Model 286 / PC AT BIOS,
// TEST4.ASM 06/10/85, BEEP and WAITF; WRITE_TTY calls it with CX=1331,
// BL=31): PIT channel 2 in mode 3 with divisor 1331 (1193182/1331 =
// 896.4 Hz), port 61h bits 0 (gate) and 1 (speaker data) on for 31/64 s,
// then the two bits off and a 1/64 s pause "between all beeps", then the
// speaker bits the caller had on before are on again. The BIOS times the
// 1/64 s steps by 1035 toggles of the refresh bit (61h bit 4, 15.085737 us
// each), spinning with interrupts enabled; here the caller waits in the
// ROM's pause loop (interrupts open, wait.go) against virtual time, so
// the timer, the keyboard and a program's own interrupt handlers run on
// during the beep and a guest reading port 61h or channel 2 sees the tone.

const (
	beepDivisor = 1331 // PIT channel 2 count: 896 Hz
	beepCounts  = 31   // length in 1/64 s counts
	pitPortCh2  = 0x42
	pitPortCtl  = 0x43
	portB       = 0x61 // system control port B
	portBGate2  = 0x01 // timer 2 gate
	portBSpk2   = 0x02 // speaker data enable
)

// beepStepNs is one 1/64 s count of BEEP: 1035 refresh periods of
// 15.085737 us.
const beepStepNs = 1035 * 15085737 / 1000

// Beep phases (wait.then).
const (
	beepTone = iota // the tone sounds until wait.until
	beepGap         // silence until wait.until, then the caller's bits again
)

// bell sounds the bell for the service's caller, who waits until the
// beep is over.
func (b *BIOS) bell() { b.waitBriefly(b.startBeep()) }

// startBeep programs channel 2 and turns the speaker on, as BEEP's
// opening does, and returns the wait for the tone's end; arg keeps port
// 61h as it was.
func (b *BIOS) startBeep() wait {
	b.bus.Out8(pitPortCtl, 0xB6) // channel 2, LSB then MSB, mode 3, binary
	b.bus.Out8(pitPortCh2, beepDivisor&0xFF)
	b.bus.Out8(pitPortCh2, beepDivisor>>8)
	was := b.bus.In8(portB)
	b.bus.Out8(portB, was|portBGate2|portBSpk2)
	w := wait{kind: waitBeep, then: beepTone, arg: int(was)}
	w.until = b.beepDeadline(beepCounts)
	return w
}

// beepDeadline is the end of n 1/64 s counts from now: in virtual ns, or
// in BIOS ticks (18.2 Hz, rounded up) without a clock.
func (b *BIOS) beepDeadline(n int64) int64 {
	if b.cfg.Now != nil {
		return b.cfg.Now() + n*beepStepNs
	}
	return int64(b.ticks()) + (n*beepStepNs+54925438)/54925439
}

// beepPoll goes on with a beep: while its phase lasts the caller waits on
// in the pause loop; then the speaker goes off for the gap, and after the
// gap the bits the caller had on come back.
func (b *BIOS) beepPoll(w wait) {
	var over bool
	if b.cfg.Now != nil {
		over = b.cfg.Now() >= w.until
	} else {
		over = int32(b.ticks()-uint32(w.until)) >= 0 || b.bda8(bdaMidnight) != 0
	}
	if !over {
		b.waitBriefly(w)
		return
	}
	now := b.bus.In8(portB)
	if w.then == beepTone {
		// Bits someone turned off during the beep stay off afterwards.
		w.arg &= int(now) | ^(portBGate2 | portBSpk2)
		b.bus.Out8(portB, now&^(portBGate2|portBSpk2))
		w.then = beepGap
		w.until = b.beepDeadline(1)
		b.waitBriefly(w)
		return
	}
	b.bus.Out8(portB, now|uint8(w.arg)&(portBGate2|portBSpk2))
}
