package ide

// IRQLine is the interrupt request input a channel drives: IRQ 14 for the
// primary channel, IRQ 15 for the secondary (the method set of
// machine.IRQLine). INTRQ goes high with Raise and low with Lower.
type IRQLine interface {
	Raise()
	Lower()
}

type noIRQ struct{}

func (noIRQ) Raise() {}
func (noIRQ) Lower() {}

// Standard ISA port assignments of the two channels.
const (
	PrimaryBase      = 0x1F0
	PrimaryControl   = 0x3F6
	SecondaryBase    = 0x170
	SecondaryControl = 0x376
)

// Channel is one ATA cable: a Command Block at base..base+7, a Control Block
// at ctrl (Alternate Status / Device Control) and ctrl+1 (the obsolete
// Drive Address register), two device positions and one INTRQ line.
type Channel struct {
	index int // 0 primary, 1 secondary (used in the serial number)
	base  uint16
	ctrl  uint16
	irq   IRQLine

	dev    [2]device
	sel    int   // selected device: the DEV bit of the last Device write
	devctl uint8 // Device Control as last written
	line   bool  // INTRQ as last driven onto the IRQ line
}

// NewChannel makes a channel at the given Command Block base and Control
// Block port (1F0h/3F6h or 170h/376h) driving irq (nil: not connected).
func NewChannel(base, ctrl uint16, irq IRQLine) *Channel {
	if irq == nil {
		irq = noIRQ{}
	}
	ch := &Channel{base: base, ctrl: ctrl, irq: irq}
	if base == SecondaryBase {
		ch.index = 1
	}
	for i := range ch.dev {
		ch.dev[i].ch = ch
		ch.dev[i].unit = i
	}
	return ch
}

// Attach puts a drive at unit 0 (master) or 1 (slave); nil removes it. The
// drive is powered on: default geometry and settings.
func (ch *Channel) Attach(unit int, d Drive) {
	ch.dev[unit&1].attach(d)
	ch.updateIRQ()
}

// Drive returns the drive at unit 0 or 1, or nil.
func (ch *Channel) Drive(unit int) Drive { return ch.dev[unit&1].drive }

// Reset is a hardware reset (RESET- asserted and released): both devices
// return to their power-on state, device 0 is selected, INTRQ is released.
func (ch *Channel) Reset() {
	ch.commitAll()
	for i := range ch.dev {
		if ch.dev[i].present() {
			ch.dev[i].powerOn()
		} else {
			ch.dev[i].intrq = false
		}
	}
	ch.sel = 0
	ch.devctl = 0
	ch.updateIRQ()
}

// Flush writes any sectors still held by an unfinished write command and
// flushes every drive to stable storage: for an orderly power-off.
func (ch *Channel) Flush() error {
	var first error
	for i := range ch.dev {
		d := &ch.dev[i]
		if !d.present() {
			continue
		}
		if err := d.commitPending(); err != nil && first == nil {
			first = err
		}
		if d.drive.ReadOnly() {
			continue
		}
		if err := d.drive.Flush(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (ch *Channel) commitAll() {
	for i := range ch.dev {
		if ch.dev[i].present() {
			ch.dev[i].commitPending()
			ch.dev[i].x.phase = phaseNone
		}
	}
}

// selected is the device the DEV bit addresses.
func (ch *Channel) selected() *device { return &ch.dev[ch.sel] }

// responder is the device that answers a register read: the selected one,
// or device 0 on its behalf when device 1 is absent (ATA/ATAPI-6, "Device 0
// only configurations": device 0 answers for the missing device 1, Status
// reading 00h).
func (ch *Channel) responder() *device {
	if d := ch.selected(); d.present() {
		return d
	}
	if o := &ch.dev[ch.sel^1]; o.present() {
		return o
	}
	return nil
}

// updateIRQ drives the IRQ line from the selected device's pending
// interrupt, unless nIEN disables INTRQ (ATA/ATAPI-6, "INTRQ").
func (ch *Channel) updateIRQ() {
	d := ch.selected()
	want := d.present() && d.intrq && ch.devctl&dcNIEN == 0
	if want == ch.line {
		return
	}
	ch.line = want
	if want {
		ch.irq.Raise()
	} else {
		ch.irq.Lower()
	}
}

// IRQPending reports whether INTRQ is asserted on the IRQ line.
func (ch *Channel) IRQPending() bool { return ch.line }

// decodes reports whether port belongs to this channel.
func (ch *Channel) decodes(port uint16) bool {
	return port-ch.base < 8 || port == ch.ctrl || port == ch.ctrl+1
}

// In8 reads a register byte. A byte read of the Data register takes one
// 16-bit transfer and returns its low byte, as the ISA bus does.
func (ch *Channel) In8(port uint16) uint8 {
	switch {
	case port == ch.base+regData:
		return uint8(ch.readData())
	case port-ch.base < 8:
		return ch.readReg(port - ch.base)
	case port == ch.ctrl:
		return ch.readStatus(false)
	case port == ch.ctrl+1:
		return ch.driveAddress()
	}
	return 0xFF
}

// Out8 writes a register byte. A byte write of the Data register makes one
// 16-bit transfer with a zero high byte.
func (ch *Channel) Out8(port uint16, v uint8) {
	switch {
	case port == ch.base+regData:
		ch.writeData(uint16(v))
	case port-ch.base < 8:
		ch.writeReg(port-ch.base, v)
	case port == ch.ctrl:
		ch.writeControl(v)
	}
	// ctrl+1, the Drive Address register, is read-only.
}

// In16 reads the Data register; other registers are 8 bits wide and a word
// access to them is two byte accesses, low port first.
func (ch *Channel) In16(port uint16) uint16 {
	if port == ch.base+regData {
		return ch.readData()
	}
	return uint16(ch.In8(port)) | uint16(ch.In8(port+1))<<8
}

// Out16 writes the Data register; see In16 for the others.
func (ch *Channel) Out16(port uint16, v uint16) {
	if port == ch.base+regData {
		ch.writeData(v)
		return
	}
	ch.Out8(port, uint8(v))
	ch.Out8(port+1, uint8(v>>8))
}

// readReg reads Command Block registers 1-7.
func (ch *Channel) readReg(off uint16) uint8 {
	d := ch.responder()
	if d == nil {
		// No device on the cable: nothing drives the bus. Reading 00h
		// (as QEMU does) makes BSY and DRQ clear, so a BIOS probing an
		// empty channel neither hangs nor sees a device.
		return 0
	}
	hob := ch.devctl&dcHOB != 0
	tf := &d.tf
	switch off {
	case regError:
		return tf.err
	case regSectorCount:
		if hob {
			return tf.countPrev
		}
		return tf.count
	case regLBALow:
		if hob {
			return tf.lbaLowPrev
		}
		return tf.lbaLow
	case regLBAMid:
		if hob {
			return tf.lbaMidPrev
		}
		return tf.lbaMid
	case regLBAHigh:
		if hob {
			return tf.lbaHighPrev
		}
		return tf.lbaHigh
	case regDevice:
		return tf.device
	default: // regStatus
		return ch.readStatus(true)
	}
}

// readStatus reads Status (clearing the selected device's pending
// interrupt) or Alternate Status (leaving it).
func (ch *Channel) readStatus(clearIntr bool) uint8 {
	d := ch.selected()
	if !d.present() {
		return 0 // absent device: status 00h, so a BIOS counts no drive
	}
	if d.inReset {
		return stBSY
	}
	if clearIntr && d.intrq {
		d.intrq = false
		ch.updateIRQ()
	}
	return d.tf.status
}

// driveAddress is the obsolete Drive Address register (ATA-2, "Drive
// Address register"): write gate negated, the selected head and device
// inverted. Bit 7 belongs to the floppy controller and is left high.
func (ch *Channel) driveAddress() uint8 {
	d := ch.responder()
	if d == nil {
		return 0xFF
	}
	v := uint8(0x80 | 0x40)
	v |= (^d.tf.device & devHead) << 2
	if ch.sel == 0 {
		v |= 0x02 // nDS1 high: device 1 not selected
	} else {
		v |= 0x01
	}
	return v
}

// writeReg writes Command Block registers 1-7. Both devices latch the
// registers; the Command register goes to the selected device.
func (ch *Channel) writeReg(off uint16, v uint8) {
	if ch.devctl&dcSRST != 0 {
		return // devices in reset ignore the bus
	}
	// A write to any Command Block register clears HOB (ATA/ATAPI-6,
	// "Device Control register").
	ch.devctl &^= dcHOB
	if off == regStatus {
		ch.command(v)
		return
	}
	for i := range ch.dev {
		tf := &ch.dev[i].tf
		switch off {
		case regError:
			tf.featuresPrev, tf.features = tf.features, v
		case regSectorCount:
			tf.countPrev, tf.count = tf.count, v
		case regLBALow:
			tf.lbaLowPrev, tf.lbaLow = tf.lbaLow, v
		case regLBAMid:
			tf.lbaMidPrev, tf.lbaMid = tf.lbaMid, v
		case regLBAHigh:
			tf.lbaHighPrev, tf.lbaHigh = tf.lbaHigh, v
		case regDevice:
			tf.device = v
		}
	}
	if off == regDevice {
		ch.sel = int(v&devDEV) >> 4
		ch.updateIRQ()
	}
}

// writeControl writes Device Control: nIEN gates INTRQ; SRST going from one
// to zero completes a software reset of both devices (ATA/ATAPI-6,
// "Software reset protocol").
func (ch *Channel) writeControl(v uint8) {
	old := ch.devctl
	ch.devctl = v
	switch {
	case v&dcSRST != 0 && old&dcSRST == 0:
		ch.beginReset()
	case v&dcSRST == 0 && old&dcSRST != 0:
		ch.endReset()
	}
	ch.updateIRQ()
}

// beginReset: both devices abandon their command (sectors already written
// by the host are kept) and show BSY.
func (ch *Channel) beginReset() {
	for i := range ch.dev {
		d := &ch.dev[i]
		if !d.present() {
			continue
		}
		d.commitPending()
		d.x.phase = phaseNone
		d.intrq = false
		d.inReset = true
		d.tf.status = stBSY
	}
}

// endReset: each device runs its diagnostic, leaves the signature and the
// diagnostic code in its registers and becomes ready; device 0 is selected.
// No interrupt follows a software reset. Unless SET FEATURES 66h asked
// otherwise, settings revert to their power-on defaults.
func (ch *Channel) endReset() {
	for i := range ch.dev {
		d := &ch.dev[i]
		if !d.present() {
			continue
		}
		d.inReset = false
		d.intrq = false
		if d.revertOnReset {
			d.revertDefaults()
		} else {
			d.power = powerActive
		}
		d.tf.signature()
		d.tf.device = 0
		d.tf.err = diagPassed
		d.tf.status = statusReady
	}
	ch.sel = 0
}
