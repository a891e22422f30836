package disk

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"pcemu/vhd"
)

// Options modify Open. The zero value opens the image for reading and
// writing (read-only when the file cannot be written, with a warning).
type Options struct {
	// ReadOnly opens the image for reading only; the guest's writes fail.
	ReadOnly bool
	// Snapshot opens the image for reading only and keeps the guest's
	// writes in a temporary file: the image is never changed.
	Snapshot bool
	// IgnoreParentTime opens a differencing VHD whose parent was modified
	// after it was made (vhd.ErrParentChanged).
	IgnoreParentTime bool
	// MemoryWrites keeps the guest's writes in memory instead of a
	// temporary file, with Snapshot or OpenState: for machines forked in
	// a test, whose writes are few and die young.
	MemoryWrites bool
	// Report receives the host I/O errors of the run (a full disk, EIO),
	// one line per image and kind of error, and warnings that arise after
	// the open (a fat:rw: change not written back). Nil: they are dropped.
	Report func(msg string)

	floppy bool // OpenFloppy: a backend builds a diskette
}

// A scheme is a kind of image named by a prefix of the name. Adding a
// backend (a FAT disk made from a host folder, "fat:DIR") is one line
// here and a function that opens the rest of the name as a medium.
var schemes = []struct {
	prefix string
	open   func(d *Disk, rest string, o *Options) error
}{
	{"raw:", openRaw}, // a raw image, whatever its contents
	{"vhd:", openVHD}, // a VHD, whatever its name
	{"fat:", openFAT}, // a host folder as a FAT disk (fat.go)
}

// Open opens the image name for a hard disk: a backend chosen by the
// name's prefix (schemes), else a file that is a VHD when its name ends in
// .vhd or it carries a VHD footer, and a raw image otherwise, as QEMU
// probes it. The image is refused with an error naming it and the reason
// when it is missing, in use, malformed, not a regular file or block
// device, or (a VHD child) its parent changed.
func Open(name string, opt Options) (*Disk, error) {
	d := &Disk{name: name, report: opt.Report, snapshot: opt.Snapshot}
	open, rest := openFile, name
	for _, s := range schemes {
		if r, ok := strings.CutPrefix(name, s.prefix); ok {
			open, rest = s.open, r
			break
		}
	}
	if err := open(d, rest, &opt); err != nil {
		for i := len(d.closers) - 1; i >= 0; i-- {
			d.closers[i]()
		}
		return nil, err
	}
	return d, nil
}

// openFile opens a file of either format, probed.
func openFile(d *Disk, name string, o *Options) error {
	isVHD, err := looksLikeVHD(name)
	if err != nil {
		return err
	}
	if isVHD {
		return openVHD(d, name, o)
	}
	return openRaw(d, name, o)
}

// looksLikeVHD reports whether name is to be opened as a VHD: its name ends
// in .vhd, or a footer cookie is at its end (512 or, for images made by old
// Virtual PC versions, 511 bytes before it) or at its start. The file is
// opened without blocking, so a FIFO is refused here.
func looksLikeVHD(name string) (bool, error) {
	if strings.EqualFold(filepath.Ext(name), ".vhd") {
		return true, vhd.CheckImageFile(name)
	}
	f, size, err := vhd.OpenImageFile(name, false)
	if err != nil {
		return false, fileError(err) // not known to be a VHD: no "vhd: "
	}
	defer f.Close()
	return vhd.HasFooterCookie(f, size), nil
}

// readOnlyWarning is shown when an image that was to be written could only
// be opened for reading.
func readOnlyWarning(name string) string {
	return fmt.Sprintf("%s: the image is read-only, the guest's writes will fail (use -snapshot to write to a temporary copy)", name)
}

// Source is the host file or folder behind the image name and whether
// opening it with opt writes it: a fat:rw: folder is written, even under
// -snapshot; a file is written unless opt says ReadOnly or Snapshot or it
// has no write permission bit. A name that cannot be parsed gives "" (the
// open reports why).
func Source(name string, opt Options) (path string, writes bool) {
	if rest, ok := strings.CutPrefix(name, "fat:"); ok {
		dir, rw, err := fatFolder(name, rest)
		if err != nil {
			return "", false
		}
		return dir, rw
	}
	for _, s := range schemes {
		if rest, ok := strings.CutPrefix(name, s.prefix); ok {
			name = rest
			break
		}
	}
	if opt.ReadOnly || opt.Snapshot {
		return name, false
	}
	fi, err := os.Stat(name)
	return name, err != nil || fi.Mode().Perm()&0o222 != 0
}
