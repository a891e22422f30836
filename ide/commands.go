package ide

// ATA command opcodes implemented (ATA-2 and ATA/ATAPI-6, "Command
// descriptions"). Everything else is aborted with ABRT.
const (
	cmdNOP                = 0x00
	cmdRecalibrate        = 0x10 // 10h-1Fh
	cmdReadSectors        = 0x20
	cmdReadSectorsNoRetry = 0x21
	cmdReadSectorsExt     = 0x24
	cmdReadMultipleExt    = 0x29
	cmdWriteSectors       = 0x30
	cmdWriteSectorsNR     = 0x31
	cmdWriteSectorsExt    = 0x34
	cmdWriteMultipleExt   = 0x39
	cmdReadVerify         = 0x40
	cmdReadVerifyNoRetry  = 0x41
	cmdReadVerifyExt      = 0x42
	cmdSeek               = 0x70 // 70h-7Fh
	cmdExecDiagnostic     = 0x90
	cmdInitParams         = 0x91
	cmdStandbyImm         = 0xE0 // and 94h
	cmdIdleImm            = 0xE1 // and 95h
	cmdStandby            = 0xE2 // and 96h
	cmdIdle               = 0xE3 // and 97h
	cmdCheckPower         = 0xE5 // and 98h
	cmdSleep              = 0xE6 // and 99h
	cmdFlushCache         = 0xE7
	cmdFlushCacheExt      = 0xEA
	cmdIdentify           = 0xEC
	cmdReadMultiple       = 0xC4
	cmdWriteMultiple      = 0xC5
	cmdSetMultiple        = 0xC6
	cmdSetFeatures        = 0xEF
)

// command runs a write to the Command register. Writing it clears the
// pending interrupt (ATA/ATAPI-6, "INTRQ"). A command for an absent device
// is ignored, except EXECUTE DEVICE DIAGNOSTIC, which both devices run
// whatever DEV says.
func (ch *Channel) command(op uint8) {
	if op == cmdExecDiagnostic {
		ch.diagnostic()
		return
	}
	d := ch.selected()
	if !d.present() {
		return
	}
	// A command written while DRQ is still set cuts the old one short;
	// whole blocks it already took are kept.
	d.commitPending()
	d.x = transfer{}
	d.intrq = false
	ch.updateIRQ()
	d.tf.status = statusReady

	if d.power == powerSleep {
		// Only a reset wakes a sleeping device (ATA/ATAPI-6, "Sleep
		// mode"); refuse rather than hang the host.
		d.fail(erABRT, 0)
		return
	}

	// RECALIBRATE and SEEK occupy whole rows of the opcode map (the low
	// nibble was the step rate on ST-506 drives).
	switch op & 0xF0 {
	case cmdRecalibrate:
		d.recalibrate()
		return
	case cmdSeek:
		d.seek()
		return
	}

	switch op {
	case cmdReadSectors, cmdReadSectorsNoRetry:
		d.mediaAccess(op, false, 1, phaseDataIn)
	case cmdReadSectorsExt:
		d.mediaAccess(op, true, 1, phaseDataIn)
	case cmdReadMultiple:
		d.multipleAccess(op, false, phaseDataIn)
	case cmdReadMultipleExt:
		d.multipleAccess(op, true, phaseDataIn)
	case cmdWriteSectors, cmdWriteSectorsNR:
		d.mediaAccess(op, false, 1, phaseDataOut)
	case cmdWriteSectorsExt:
		d.mediaAccess(op, true, 1, phaseDataOut)
	case cmdWriteMultiple:
		d.multipleAccess(op, false, phaseDataOut)
	case cmdWriteMultipleExt:
		d.multipleAccess(op, true, phaseDataOut)
	case cmdReadVerify, cmdReadVerifyNoRetry:
		d.verify(false)
	case cmdReadVerifyExt:
		d.verify(true)
	case cmdInitParams:
		d.initParams()
	case cmdSetMultiple:
		d.setMultiple()
	case cmdSetFeatures:
		d.setFeatures()
	case cmdIdentify:
		d.identify()
	case cmdFlushCache, cmdFlushCacheExt:
		if d.flushDrive() {
			d.finish(true)
		}
	case cmdStandbyImm, 0x94:
		d.power = powerStandby
		d.finish(true)
	case cmdIdleImm, 0x95:
		d.power = powerIdle
		d.finish(true)
	case cmdStandby, 0x96:
		// The Sector Count is the standby timer. This device has no
		// clock to spin down by, so the timer is kept but never fires.
		d.standbyTimer = d.tf.count
		d.power = powerStandby
		d.finish(true)
	case cmdIdle, 0x97:
		d.standbyTimer = d.tf.count
		d.power = powerIdle
		d.finish(true)
	case cmdCheckPower, 0x98:
		d.checkPowerMode()
	case cmdSleep, 0x99:
		d.power = powerSleep
		d.finish(true)
	default:
		// Unsupported opcodes, NOP, the DMA and PACKET commands:
		// aborted (ATA/ATAPI-6, "Command descriptions": ABRT when
		// the command is not supported).
		d.fail(erABRT, 0)
	}
}

// mediaAccess starts READ/WRITE SECTORS (EXT) in DRQ blocks of block
// sectors.
func (d *device) mediaAccess(op uint8, ext bool, block int, dir phase) {
	if dir == phaseDataOut && d.drive.ReadOnly() {
		d.fail(erABRT, 0) // write-protected medium: refused, nothing written
		return
	}
	mode := d.addressMode(ext)
	if ext && d.tf.device&devLBA == 0 {
		d.fail(erABRT, 0) // 48-bit commands take LBAs only
		return
	}
	lba, ok := d.address(mode)
	count := d.sectorCount(ext)
	if !ok {
		d.x = transfer{mode: mode, ext: ext, next: lba, left: count}
		d.setCount(count)
		d.fail(erIDNF, 0)
		return
	}
	d.power = powerActive // a media access spins the drive up
	d.startTransfer(op, mode, ext, lba, count, block, dir)
}

// multipleAccess starts READ/WRITE MULTIPLE (EXT): DRQ blocks of the
// multiple count, aborted while multiple mode is disabled (ATA/ATAPI-6,
// "READ MULTIPLE").
func (d *device) multipleAccess(op uint8, ext bool, dir phase) {
	if d.multiple == 0 {
		d.fail(erABRT, 0)
		return
	}
	d.mediaAccess(op, ext, d.multiple, dir)
}

// verify is READ VERIFY SECTORS (EXT): the sectors are read from the medium
// but not transferred; one interrupt at the end.
func (d *device) verify(ext bool) {
	if ext && d.tf.device&devLBA == 0 {
		d.fail(erABRT, 0)
		return
	}
	mode := d.addressMode(ext)
	lba, ok := d.address(mode)
	count := d.sectorCount(ext)
	d.x = transfer{mode: mode, ext: ext, next: lba, left: count, limit: d.limit(mode), bufLBA: lba}
	if !ok {
		d.fail(erIDNF, 0)
		return
	}
	d.power = powerActive
	x := &d.x
	for x.left > 0 {
		if x.next >= x.limit {
			d.failAt(x.next, erIDNF, 0)
			return
		}
		d.readAhead()
		if x.badSet {
			d.failAt(x.bad, erUNC, 0)
			return
		}
		x.next += uint64(x.bufN)
		x.left -= uint32(x.bufN)
	}
	x.bufN = 0
	d.complete(true)
}

// seek is SEEK (7xh): the address is checked against the drive and the
// heads "move"; IDNF for an address that does not exist.
func (d *device) seek() {
	mode := d.addressMode(false)
	lba, ok := d.address(mode)
	if !ok || lba >= d.limit(mode) {
		d.fail(erIDNF, 0)
		return
	}
	d.power = powerActive
	d.finish(true)
}

// recalibrate is RECALIBRATE (1xh, obsolete since ATA-4): the heads return
// to cylinder 0, which always succeeds.
func (d *device) recalibrate() {
	d.finish(true)
}

// initParams is INITIALIZE DEVICE PARAMETERS (91h): Sector Count gives the
// sectors per track and the Device register's head field the number of
// heads minus one. CHS addresses then use this translation; one the device
// cannot use is aborted, and CHS commands fail with IDNF until a valid
// translation is set (ATA/ATAPI-6, "INITIALIZE DEVICE PARAMETERS").
func (d *device) initParams() {
	heads := int(d.tf.device&devHead) + 1
	sectors := int(d.tf.count)
	d.setTranslation(heads, sectors)
	if !d.chsValid {
		d.fail(erABRT, 0)
		return
	}
	d.finish(true)
}

// setMultiple is SET MULTIPLE MODE (C6h): a block of 1, 2, 4, 8 or 16
// sectors enables READ/WRITE MULTIPLE, 0 disables them, anything else is
// aborted and leaves them disabled.
func (d *device) setMultiple() {
	n := int(d.tf.count)
	switch n {
	case 0, 1, 2, 4, 8, 16:
		d.multiple = n
		d.finish(true)
	default:
		d.multiple = 0
		d.fail(erABRT, 0)
	}
}

// setFeatures is SET FEATURES (EFh), subcommand in Features (ATA/ATAPI-6,
// "SET FEATURES"). Unknown subcommands and transfer modes this device does
// not have (DMA) are aborted.
func (d *device) setFeatures() {
	switch d.tf.features {
	case 0x02:
		d.writeCache = true
	case 0x82:
		// Disabling the write cache makes later writes reach stable
		// storage before they complete; what was cached goes now.
		if !d.flushDrive() {
			return
		}
		d.writeCache = false
	case 0x03:
		mode := d.tf.count
		switch {
		case mode == 0x00 || mode == 0x01: // default PIO mode
			d.pioMode = 2
		case mode >= 0x08 && mode <= 0x0C: // PIO flow control mode 0-4
			d.pioMode = int(mode & 7)
		default: // DMA modes: not supported
			d.fail(erABRT, 0)
			return
		}
	case 0x55:
		d.readLookAhead = false
	case 0xAA:
		d.readLookAhead = true
	case 0x66:
		d.revertOnReset = false
	case 0xCC:
		d.revertOnReset = true
	default:
		d.fail(erABRT, 0)
		return
	}
	d.finish(true)
}

// checkPowerMode is CHECK POWER MODE (E5h): Sector Count reports 00h in
// standby, 80h idle, FFh active (ATA/ATAPI-6).
func (d *device) checkPowerMode() {
	var v uint8
	switch d.power {
	case powerStandby:
		v = 0x00
	case powerIdle:
		v = 0x80
	default:
		v = 0xFF
	}
	d.finish(true)
	d.tf.count = v
}

// diagnostic is EXECUTE DEVICE DIAGNOSTIC (90h): both devices test
// themselves and leave the signature; device 0 reports 01h (it and device 1
// passed, or device 1 is absent) and interrupts (ATA/ATAPI-6, "EXECUTE
// DEVICE DIAGNOSTIC command protocol").
func (ch *Channel) diagnostic() {
	d0, d1 := &ch.dev[0], &ch.dev[1]
	if !d0.present() && !d1.present() {
		return
	}
	for _, d := range []*device{d0, d1} {
		if !d.present() {
			continue
		}
		d.commitPending()
		d.x = transfer{}
		d.intrq = false
		d.power = powerActive
		d.tf.signature()
		d.tf.err = diagPassed
		d.tf.status = statusReady
	}
	if d0.present() {
		d0.interrupt()
	} else {
		d1.interrupt()
	}
	ch.updateIRQ()
}
