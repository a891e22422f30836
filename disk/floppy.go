package disk

import (
	"fmt"
	"strings"
)

// OpenFloppy opens a diskette image (-fda, -fdb). The BIOS serves
// diskettes itself (this PC has no floppy controller), so the image only
// reads and writes bytes, and never grows. A file that cannot be written
// is a write-protected diskette (writes fail with ErrReadOnly). Under
// -snapshot the writes go to a copy in memory (a diskette is at most
// 2.88 MB); the image stays open and locked to the end, as a hard disk's
// does. The BIOS decides which sizes are diskettes.
func OpenFloppy(name string, opt Options) (*Disk, error) {
	file, forced := strings.CutPrefix(name, "raw:")
	if !forced && hasScheme(name) {
		// Another backend (vhd:FILE, fat:DIR) opens as for a hard
		// disk, told that a diskette is wanted.
		opt.floppy = true
		return Open(name, opt)
	}
	name = file
	d := &Disk{name: name, report: opt.Report}
	r, size, err := openRawFile(d, name, &opt)
	if err != nil {
		return nil, err
	}
	d.size = size
	d.m = r
	d.path, d.format = name, "raw"
	if d.ident, err = fileIdentity(name, name, "raw", [16]byte{}); err != nil {
		r.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if opt.Snapshot {
		// The writes stay in memory: a diskette is at most 2.88 MB.
		// The image stays open, and locked, under them to the end.
		opt.MemoryWrites = true
		if size%512 != 0 {
			r.Close()
			return nil, fmt.Errorf("%s: %d bytes is not a whole number of sectors", name, size)
		}
		d.layer(r, &opt)
	}
	return d, nil
}

// hasScheme reports whether name starts with a backend's prefix.
func hasScheme(name string) bool {
	for _, s := range schemes {
		if strings.HasPrefix(name, s.prefix) {
			return true
		}
	}
	return false
}
