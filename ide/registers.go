package ide

// Command Block register offsets from the channel base (1F0h/170h), as the
// host addresses them with CS0- and DA2-DA0 (ATA/ATAPI-6, "I/O register
// descriptions"). Offsets 1 and 7 name different registers for reads and
// writes.
const (
	regData        = 0 // Data, 16 bits
	regError       = 1 // Error (read) / Features (write)
	regSectorCount = 2 // Sector Count
	regLBALow      = 3 // LBA Low / Sector Number
	regLBAMid      = 4 // LBA Mid / Cylinder Low
	regLBAHigh     = 5 // LBA High / Cylinder High
	regDevice      = 6 // Device / Drive-Head
	regStatus      = 7 // Status (read) / Command (write)
)

// Status register bits (ATA/ATAPI-6, "Status register").
const (
	stBSY  = 0x80 // busy: the device owns the registers
	stDRDY = 0x40 // device ready to accept commands
	stDF   = 0x20 // device fault
	stDSC  = 0x10 // seek complete (command dependent since ATA-4)
	stDRQ  = 0x08 // data request: a DRQ block may be transferred
	stCORR = 0x04 // corrected data (obsolete)
	stIDX  = 0x02 // index (obsolete)
	stERR  = 0x01 // the Error register holds the cause
)

// Error register bits (ATA/ATAPI-6, "Error register").
const (
	erBBK   = 0x80 // bad block (ATA-2) / interface CRC (ATA-4+)
	erUNC   = 0x40 // uncorrectable data error
	erMC    = 0x20 // media changed
	erIDNF  = 0x10 // ID not found: address outside the device
	erMCR   = 0x08 // media change request
	erABRT  = 0x04 // command aborted
	erTK0NF = 0x02 // track 0 not found
	erAMNF  = 0x01 // address mark not found
)

// Device Control register bits, written at 3F6h/376h (ATA/ATAPI-6,
// "Device Control register").
const (
	dcHOB  = 0x80 // read the previously written ("high order") bytes
	dcSRST = 0x04 // software reset of both devices
	dcNIEN = 0x02 // INTRQ disabled
)

// Device register bits (ATA/ATAPI-6, "Device register"); bits 7 and 5 are
// obsolete (always one on ATA-1 drives) and kept as written.
const (
	devLBA  = 0x40 // the address is an LBA, not CHS
	devDEV  = 0x10 // device 1 (slave) selected
	devHead = 0x0F // head number / LBA bits 27:24
)

// Diagnostic codes placed in the Error register by EXECUTE DEVICE
// DIAGNOSTIC and by a reset (ATA/ATAPI-6, "EXECUTE DEVICE DIAGNOSTIC",
// diagnostic codes table).
const (
	diagPassed        = 0x01 // device 0 passed, device 1 passed or absent
	diagDevice1Failed = 0x80 // added by device 0 when device 1 failed
)

// Status values the devices settle in.
const (
	statusReady = stDRDY | stDSC         // idle, accepting commands
	statusData  = stDRDY | stDSC | stDRQ // a DRQ block is ready
	statusError = stDRDY | stDSC | stERR
)

// taskFile is one device's copy of the Command Block registers. Both devices
// on a cable latch every register write; the selected one answers reads.
// The 48-bit feature set makes the address and count registers two-deep
// FIFOs: "prev" holds the byte written before the last one, read back with
// HOB set (ATA/ATAPI-6, "48-bit Address feature set").
type taskFile struct {
	features, featuresPrev uint8
	count, countPrev       uint8
	lbaLow, lbaLowPrev     uint8
	lbaMid, lbaMidPrev     uint8
	lbaHigh, lbaHighPrev   uint8
	device                 uint8
	status                 uint8
	err                    uint8
}

// signature leaves the ATA device signature in the registers after a reset
// or EXECUTE DEVICE DIAGNOSTIC (ATA/ATAPI-6, "Signature and persistence"):
// Sector Count 01h, LBA Low 01h, LBA Mid 00h, LBA High 00h. (A PACKET device
// would show 14h/EBh in LBA Mid/High.)
func (tf *taskFile) signature() {
	tf.count, tf.countPrev = 0x01, 0
	tf.lbaLow, tf.lbaLowPrev = 0x01, 0
	tf.lbaMid, tf.lbaMidPrev = 0, 0
	tf.lbaHigh, tf.lbaHighPrev = 0, 0
}
