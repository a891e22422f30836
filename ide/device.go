package ide

// maxMultiple is the largest READ/WRITE MULTIPLE block this device accepts,
// reported in IDENTIFY word 47.
const maxMultiple = 16

// bufSectors is the size of a device's sector buffer: the read-ahead of a
// multi-sector read and the write-behind of a multi-sector write move this
// many sectors per drive access, so the guest's per-sector DRQ blocks cost
// a copy, not a file access.
const bufSectors = 128

// maxCHSSectors caps the capacity addressable in CHS, 16383*16*63
// (ATA/ATAPI-6, IDENTIFY DEVICE words 54-58).
const maxCHSSectors = 16383 * 16 * 63

// maxLBA28 is the number of sectors an LBA28 command reaches; IDENTIFY words
// 60-61 never exceed it (ATA/ATAPI-6, "48-bit Address feature set").
const maxLBA28 = 0x0FFFFFFF

// Power modes (ATA/ATAPI-6, "Power Management feature set").
type powerMode uint8

const (
	powerActive powerMode = iota
	powerIdle
	powerStandby
	powerSleep
)

// Transfer phases of the PIO protocols.
type phase uint8

const (
	phaseNone    phase = iota
	phaseDataIn        // PIO data-in: host reads DRQ blocks
	phaseDataOut       // PIO data-out: host writes DRQ blocks
)

// Addressing modes of a media access command.
type addrMode uint8

const (
	modeCHS addrMode = iota
	modeLBA28
	modeLBA48
)

// device is one ATA device position (master or slave) on a channel. With no
// drive attached the position is empty.
type device struct {
	ch   *Channel
	unit int // 0 = master (device 0), 1 = slave (device 1)

	drive   Drive
	sectors uint64   // capacity in sectors
	defGeo  Geometry // default CHS translation (IDENTIFY words 1, 3, 6)

	tf      taskFile
	intrq   bool // interrupt pending (cleared by a Status read)
	inReset bool // SRST asserted

	// Settings that commands change and a reset may revert.
	curHeads, curSectors, curCylinders int  // INITIALIZE DEVICE PARAMETERS
	chsValid                           bool // a usable CHS translation is set
	multiple                           int  // SET MULTIPLE MODE; 0 = disabled
	writeCache                         bool // SET FEATURES 02h/82h
	readLookAhead                      bool // SET FEATURES AAh/55h
	revertOnReset                      bool // SET FEATURES CCh/66h
	pioMode                            int  // SET FEATURES 03h
	power                              powerMode
	standbyTimer                       uint8

	x transfer

	// buf holds read-ahead sectors, write-behind sectors, or the IDENTIFY
	// block. Allocated once when the drive is attached.
	buf []byte
}

// transfer is the state of the PIO command in progress.
type transfer struct {
	phase phase
	cmd   uint8
	mode  addrMode
	ext   bool // 16-bit sector count (EXT commands)

	pos, end int // the DRQ block being transferred is buf[pos:end]

	next  uint64 // LBA of the first sector of the current DRQ block
	left  uint32 // sectors not yet completed, current block included
	block int    // sectors per DRQ block (1, or the multiple count)
	limit uint64 // first LBA the addressing mode cannot reach

	bufLBA uint64 // LBA of buf[0]
	bufN   int    // sectors in buf: read ahead, or waiting to be written
	bad    uint64 // first sector whose read failed (valid if badSet)
	badSet bool
	blockN int // sectors in the current DRQ block
}

func (d *device) present() bool { return d != nil && d.drive != nil }

// attach puts drive in this position (nil empties it) and powers it on.
func (d *device) attach(drive Drive) {
	d.drive = drive
	d.x = transfer{}
	if drive == nil {
		d.buf = nil
		d.sectors = 0
		return
	}
	d.sectors = uint64(drive.Size()) / SectorSize
	d.defGeo = drive.Geometry()
	if d.buf == nil {
		d.buf = make([]byte, bufSectors*SectorSize)
	}
	d.powerOn()
}

// powerOn sets the power-on defaults (ATA/ATAPI-6, "Power-on and hardware
// reset"): default translation, multiple mode disabled, caches on, settings
// revert at software reset.
func (d *device) powerOn() {
	// The current translation starts as the default one, word for word.
	d.curCylinders, d.curHeads, d.curSectors = d.defGeo.Cylinders, d.defGeo.Heads, d.defGeo.SectorsPerTrack
	d.chsValid = true
	d.revertOnReset = true
	d.revertDefaults()
	d.x = transfer{}
	d.intrq = false
	d.inReset = false
	d.tf = taskFile{}
	d.tf.signature()
	d.tf.err = diagPassed
	d.tf.status = statusReady
}

// revertDefaults restores what SET MULTIPLE MODE and SET FEATURES change.
// The CHS translation of INITIALIZE DEVICE PARAMETERS survives a software
// reset (it is what the BIOS set up for the guest) and is restored only at
// power-on.
func (d *device) revertDefaults() {
	d.multiple = 0
	d.writeCache = true
	d.readLookAhead = true
	d.pioMode = 4
	d.power = powerActive
	d.standbyTimer = 0
}

// setTranslation applies a CHS translation of heads x sectors: the number
// of cylinders is what fits the capacity reachable in CHS, at least one
// (ATA/ATAPI-6, "INITIALIZE DEVICE PARAMETERS"; IDENTIFY words 54-58).
// Addresses past the end of the disk inside the last cylinder still get
// IDNF (chsCapacity).
func (d *device) setTranslation(heads, sectors int) {
	d.curHeads, d.curSectors = heads, sectors
	if heads < 1 || heads > 16 || sectors < 1 || sectors > 63 {
		d.chsValid = false
		d.curCylinders = 0
		return
	}
	capacity := d.sectors
	if capacity > maxCHSSectors {
		capacity = maxCHSSectors
	}
	cyl := capacity / uint64(heads*sectors)
	cyl = max(1, min(cyl, 65535))
	d.curCylinders = int(cyl)
	d.chsValid = true
}

// chsCapacity is the number of sectors the current CHS translation reaches.
func (d *device) chsCapacity() uint64 {
	if !d.chsValid {
		return 0
	}
	n := uint64(d.curCylinders) * uint64(d.curHeads) * uint64(d.curSectors)
	if n > d.sectors {
		n = d.sectors
	}
	return n
}

// lba28Capacity is IDENTIFY words 60-61.
func (d *device) lba28Capacity() uint64 {
	if d.sectors > maxLBA28 {
		return maxLBA28
	}
	return d.sectors
}
