package disk

import (
	"errors"
	"fmt"
	"strings"

	"pcemu/fatdir"
)

// A host folder as a disk, in QEMU's spelling (package fatdir builds it):
// fat:DIR (the guest's writes kept in memory and dropped at exit),
// fat:rw:DIR (written back to the folder at Close), and, given to
// OpenFloppy, a diskette. QEMU's "floppy:" and FAT size ("12:", "16:")
// options are accepted where they describe what pcemu builds anyway: FAT16
// hard disks, FAT12 diskettes. -snapshot does not change fat:rw:: the
// folder is written back, as rw: asks (-snapshot is for the images beside
// it, typically the boot disk); fat:DIR is the read-only form.

// fatFolder parses the rest of a fat: name, [OPTION:]...DIR; name is the
// whole name, for messages.
func fatFolder(name, rest string) (dir string, rw bool, err error) {
	for {
		opt, after, found := strings.Cut(rest, ":")
		if !found {
			break
		}
		switch opt {
		case "rw":
			rw = true
		case "floppy", "12", "16":
		case "32":
			return "", false, fmt.Errorf("%s: FAT32 is not offered (DOS before 7.1 cannot read it): pcemu's fat: disks are FAT16 hard disks and FAT12 diskettes", name)
		default:
			return rest, rw, nil
		}
		rest = after
	}
	if rest == "" {
		return "", false, errors.New("fat: needs a folder: fat:DIR or fat:rw:DIR")
	}
	return rest, rw, nil
}

// openFAT builds the disk of a fat: name. The folder's warnings (files
// left out, changes not written back) are the Disk's warnings while it
// opens and go to Options.Report afterwards.
func openFAT(d *Disk, rest string, o *Options) error {
	dir, rw, err := fatFolder("fat:"+rest, rest)
	if err != nil {
		return err
	}
	opened := false
	warn := func(s string) {
		switch {
		case !opened:
			d.warnings = append(d.warnings, s)
		case d.report != nil:
			d.report("warning: " + s)
		}
	}
	f, err := fatdir.Open(dir, fatdir.Options{Floppy: o.floppy, Writable: rw, Warn: warn})
	if err != nil {
		return err
	}
	opened = true
	d.m = f
	d.size, d.geo, d.readOnly = f.Size(), f.Geometry(), f.ReadOnly()
	d.snapshot = false
	d.fat = true
	return nil
}
