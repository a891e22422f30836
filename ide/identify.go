package ide

import "fmt"

// Identification strings. ATA strings are ASCII, space padded, two
// characters a word with the first in the high byte.
const (
	modelNumber      = "PCEMU HARDDISK"
	firmwareRevision = "1.0"
)

// identify is IDENTIFY DEVICE (ECh): one 512-byte DRQ block of PIO data-in.
func (d *device) identify() {
	var w [256]uint16
	d.identifyWords(&w)
	for i, v := range w {
		d.buf[2*i] = uint8(v)
		d.buf[2*i+1] = uint8(v >> 8)
	}
	d.x = transfer{phase: phaseDataIn, cmd: cmdIdentify, pos: 0, end: SectorSize}
	d.tf.status = statusData
	d.tf.err = 0
	d.interrupt()
}

// identifyWords fills the IDENTIFY DEVICE data (ATA/ATAPI-6, IDENTIFY
// DEVICE, Table 27; the obsolete CHS words as ATA-2 defines them).
func (d *device) identifyWords(w *[256]uint16) {
	g := d.defGeo
	w[0] = 0x0040 // ATA device (bit 15 = 0), fixed (bit 6)
	w[1] = uint16(g.Cylinders)
	w[2] = 0xC837 // specific configuration: no SET FEATURES spin-up needed, data complete
	w[3] = uint16(g.Heads)
	w[6] = uint16(g.SectorsPerTrack)
	putString(w[10:20], d.serialNumber())
	putString(w[23:27], firmwareRevision)
	putString(w[27:47], modelNumber)
	w[47] = 0x8000 | maxMultiple // bits 15:8 are 80h; max sectors per READ/WRITE MULTIPLE block
	// Capabilities: IORDY supported (11) and may be disabled (10), LBA
	// supported (9); no DMA (8 = 0).
	w[49] = 1<<11 | 1<<10 | 1<<9
	w[50] = 0x4000 // bit 14 shall be one
	w[51] = 0x0200 // PIO data transfer cycle timing mode 2 (bits 15:8)
	w[53] = 0x0002 // words 64-70 valid; bit 0 below
	if d.chsValid {
		w[53] |= 0x0001 // words 54-58 valid
		w[54] = uint16(d.curCylinders)
		w[55] = uint16(d.curHeads)
		w[56] = uint16(d.curSectors)
		c := uint32(d.curCylinders) * uint32(d.curHeads) * uint32(d.curSectors)
		w[57], w[58] = uint16(c), uint16(c>>16)
	}
	if d.multiple != 0 {
		w[59] = 0x0100 | uint16(d.multiple) // multiple sector setting valid
	}
	lba28 := uint32(d.lba28Capacity())
	w[60], w[61] = uint16(lba28), uint16(lba28>>16)
	w[64] = 0x0003 // PIO modes 3 and 4 supported
	w[67] = 120    // minimum PIO cycle time without flow control, ns
	w[68] = 120    // minimum PIO cycle time with IORDY, ns
	w[80] = 0x007E // major version: ATA-1 to ATA/ATAPI-6
	// Supported command and feature sets (82-84) and those enabled
	// (85-87): NOP (82.14), look-ahead (82.6), write cache (82.5), Power
	// Management (82.3); FLUSH CACHE EXT (83.13), FLUSH CACHE (83.12),
	// 48-bit Address (83.10). Bit 14 of 83, 84 and 87 shall be one.
	w[82] = 1<<14 | 1<<6 | 1<<5 | 1<<3
	w[83] = 1<<14 | 1<<13 | 1<<12 | 1<<10
	w[84] = 1 << 14
	w[85] = 1<<14 | 1<<3
	if d.readLookAhead {
		w[85] |= 1 << 6
	}
	if d.writeCache {
		w[85] |= 1 << 5
	}
	w[86] = 1<<13 | 1<<12 | 1<<10
	w[87] = 1 << 14
	w[93] = d.resetResult()
	n := d.sectors
	w[100], w[101], w[102], w[103] = uint16(n), uint16(n>>16), uint16(n>>32), uint16(n>>48)
	// Integrity word: signature A5h in bits 7:0, and in bits 15:8 the
	// checksum that makes the 512 bytes sum to zero (ATA/ATAPI-6, word
	// 255).
	w[255] = 0x00A5
	var sum uint8
	for _, v := range w[:255] {
		sum += uint8(v) + uint8(v>>8)
	}
	sum += 0xA5
	w[255] |= uint16(-sum) << 8
}

// resetResult is word 93, the hardware reset result (ATA/ATAPI-6): bit 14
// set, bit 13 the cable (80-conductor), and the device's own field: device
// 0 in bits 7:0 (number determined by jumper, diagnostics passed, device 1
// presence seen), device 1 in bits 12:8.
func (d *device) resetResult() uint16 {
	v := uint16(1<<14 | 1<<13)
	if d.unit == 0 {
		v |= 1<<0 | 1<<1 | 1<<3 // bit 0 set, jumper (2:1 = 01b), diagnostics passed
		if d.ch.dev[1].present() {
			v |= 1 << 5 // DASP- asserted by device 1
		} else {
			v |= 1 << 6 // device 0 responds when device 1 is selected
		}
	} else {
		v |= 1<<8 | 1<<9 | 1<<11 // bit 8 set, jumper, PDIAG- asserted
	}
	return v
}

// serialNumber is fixed per channel and position, so a guest sees the same
// disk from run to run.
func (d *device) serialNumber() string {
	return fmt.Sprintf("PCEMU%d%d-%011d", d.ch.index, d.unit, d.sectors)
}

// putString stores s in ATA string order, space padded.
func putString(w []uint16, s string) {
	b := make([]byte, 2*len(w))
	for i := range b {
		b[i] = ' '
	}
	copy(b, s)
	for i := range w {
		w[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
}
