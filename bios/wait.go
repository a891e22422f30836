package bios

// Services that wait. A service that cannot finish yet (no key, a busy
// drive, a delay) stores a wait and points IP at a ROM loop (STI; HLT or a
// short pause; OUT; IRET); the OUT comes back to resume (core.go), which
// continues the service as its wait says. A wait is plain data — what kind
// of service waits and the little it must remember — never a closure, so
// that the BIOS's state can be saved and restored with the machine's
// (state.go).

type waitKind uint8

const (
	waitKey        waitKind = iota + 1 // INT 16h AH=00h/10h: a key (ext: AH=10h)
	waitPause                          // INT 09h: Pause until a key ends it
	waitDelay                          // INT 15h AH=86h: until virtual time until (ns)
	waitDelayTicks                     // INT 15h AH=86h without a clock: until BIOS tick until
	waitIdle                           // INT 15h AX=5305h: one interrupt
	waitATA                            // a drive's BSY to clear at base, then ataThen(then, arg)
	waitXfer                           // an INT 13h hard disk transfer (xfer)
	waitSerial                         // INT 14h: a line status bit at base, then (serial.go)
	waitMouse                          // INT 15h AH=C2h: the mouse's next byte (BIOS.ms)
	waitBeep                           // INT 10h BEL: the phase then (beep.go) until until; arg: port 61h before
)

// wait is a service waiting in a ROM loop.
type wait struct {
	kind  waitKind
	ext   bool     // waitKey: INT 16h AH=10h
	until int64    // waitDelay, waitDelayTicks, waitBeep: when the delay ends
	base  uint16   // waitATA, waitSerial: the ports
	then  uint8    // waitATA, waitSerial: what follows (thenDetectReady, thenSerialSend, ...); waitBeep: the phase
	arg   int      // waitATA: the IDE position being detected; waitBeep: port 61h before the beep
	busy  busyWait // waitATA, waitSerial: the pauses so far
	xfer  *xfer    // waitXfer: the transfer (&BIOS.xf, or one an interrupt handler started meanwhile)
}

// continueWait goes on with the service w describes.
func (b *BIOS) continueWait(w *wait) {
	switch w.kind {
	case waitKey:
		b.keyRead(w.ext)
	case waitPause:
		b.pauseCheck()
	case waitDelay, waitDelayTicks:
		b.wait86Check(*w)
	case waitIdle:
		b.setAH(0)
		b.setCF(false)
	case waitATA:
		b.ataPollWait(*w)
	case waitXfer:
		b.runXfer(w.xfer)
	case waitSerial:
		b.serialPoll(*w)
	case waitMouse:
		b.mousePoll()
	case waitBeep:
		b.beepPoll(*w)
	}
}
