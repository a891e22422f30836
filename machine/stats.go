package machine

import (
	"time"

	"pcemu/bios"
	"pcemu/ide"
)

// Stats are counters for the closing report of a run.
type Stats struct {
	Instructions   uint64        // executed by the CPU
	VirtualTime    time.Duration // since power-on
	HostTime       time.Duration // host time spent executing instructions
	SectorsRead    uint64        // by the IDE controller
	SectorsWritten uint64
}

// MIPS is the emulated speed: instructions per microsecond of host time.
func (s Stats) MIPS() float64 {
	if s.HostTime <= 0 {
		return 0
	}
	return float64(s.Instructions) / float64(s.HostTime.Microseconds()+1)
}

// Stats returns the counters so far.
func (m *Machine) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return Stats{
		Instructions:   m.CPU.Instructions,
		VirtualTime:    time.Duration(m.Clock.Now()),
		HostTime:       m.hostRun,
		SectorsRead:    m.sectorsRead,
		SectorsWritten: m.sectorsWritten,
	}
}

// countingDrive counts the sectors the controller moves, for Stats, and
// adds what is written to the digest's hash of disk writes.
type countingDrive struct {
	ide.Drive
	read, written *uint64
	writes        *writeHash
	unit          uint8
}

func (d *countingDrive) ReadAt(p []byte, off int64) (int, error) {
	n, err := d.Drive.ReadAt(p, off)
	*d.read += uint64(n / ide.SectorSize)
	return n, err
}

func (d *countingDrive) WriteAt(p []byte, off int64) (int, error) {
	n, err := d.Drive.WriteAt(p, off)
	*d.written += uint64(n / ide.SectorSize)
	d.writes.add(d.unit, off, p[:n])
	return n, err
}

// countingFloppy adds the BIOS's diskette writes to the hash of disk
// writes.
type countingFloppy struct {
	bios.FloppyImage
	writes *writeHash
	unit   uint8
}

func (d *countingFloppy) WriteAt(p []byte, off int64) (int, error) {
	n, err := d.FloppyImage.WriteAt(p, off)
	d.writes.add(d.unit, off, p[:n])
	return n, err
}
