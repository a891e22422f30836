package machine

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"pcemu/fatdir"
)

// A host folder as a disk, in QEMU's spelling: -hda fat:DIR (the guest's
// writes kept in memory and dropped at exit), fat:rw:DIR (written back to
// the folder at power-off), and -fda fat:DIR for a diskette. QEMU's
// "floppy:" and FAT size ("12:", "16:") options are accepted where they
// describe what pcemu builds anyway: FAT16 hard disks, FAT12 diskettes.

// fatFolder parses fat:[OPTION:]...DIR; ok is false for other names.
func fatFolder(name string) (dir string, rw, ok bool, err error) {
	rest, ok := strings.CutPrefix(name, "fat:")
	if !ok {
		return "", false, false, nil
	}
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
			return "", false, true, fmt.Errorf("%s: FAT32 is not offered (DOS before 7.1 cannot read it): pcemu's fat: disks are FAT16 hard disks and FAT12 diskettes", name)
		default:
			return rest, rw, true, nil
		}
		rest = after
	}
	if rest == "" {
		return "", false, true, errors.New("fat: needs a folder: fat:DIR or fat:rw:DIR")
	}
	return rest, rw, true, nil
}

// openFatDisk builds the disk of a fat: name. -snapshot does not change
// fat:rw:: the folder is written back, as rw: asks (-snapshot is for the
// images beside it, typically the boot disk); fat:DIR is the read-only
// form.
func openFatDisk(name string, floppy bool, log io.Writer) (*fatdir.Disk, error) {
	dir, rw, _, err := fatFolder(name)
	if err != nil {
		return nil, err
	}
	warn := func(s string) {
		if log != nil {
			fmt.Fprintf(log, "pcemu: warning: %s\n", s)
		}
	}
	return fatdir.Open(dir, fatdir.Options{Floppy: floppy, Writable: rw, Warn: warn})
}
