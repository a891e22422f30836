package machine

import (
	"fmt"
	"os"

	"pcemu/bios"
	"pcemu/disk"
)

// diskOptions are the machine's options for opening its images (package
// disk): -snapshot, --ignore-parent-time, and host I/O errors reported on
// the log.
func (m *Machine) diskOptions() disk.Options {
	return disk.Options{
		Snapshot:         m.cfg.Snapshot,
		IgnoreParentTime: m.cfg.IgnoreParentTime,
		Report: func(msg string) {
			if m.cfg.Log != nil {
				fmt.Fprintf(m.cfg.Log, "pcemu: %s\n", msg)
			}
		},
	}
}

// warn shows an opened image's warnings on the log.
func (m *Machine) warn(d *disk.Disk) {
	if m.cfg.Log == nil {
		return
	}
	for _, w := range d.Warnings() {
		fmt.Fprintf(m.cfg.Log, "pcemu: warning: %s\n", w)
	}
}

// openHardDisk opens -hda..-hdd (package disk: VHD or raw, locked, with
// -snapshot's temporary overlay).
func (m *Machine) openHardDisk(name string) (*disk.Disk, error) {
	d, err := disk.Open(name, m.diskOptions())
	if err != nil {
		return nil, err
	}
	m.warn(d)
	return d, nil
}

// openFloppy opens -fda/-fdb: a diskette of one of the sizes the BIOS's
// diskette table knows (bios.FloppyDriveType).
func (m *Machine) openFloppy(name string) (*disk.Disk, error) {
	d, err := disk.OpenFloppy(name, m.diskOptions())
	if err != nil {
		return nil, err
	}
	if bios.FloppyDriveType(d.Size()) == 0 {
		d.Close()
		return nil, fmt.Errorf("%s: size %d bytes is not a standard diskette (360K, 720K, 1.2M, 1.44M, 2.88M)", name, d.Size())
	}
	m.warn(d)
	return d, nil
}

// sameImageTwice refuses a configuration that gives one image file (or a
// fat: folder) to two drives (-hda x.vhd -hdb x.vhd, or a hard disk and a
// floppy) when either writes it, which would otherwise fail on the second
// open with the image lock's "in use", as if another process had it.
// Files are compared by identity (os.SameFile), so another spelling of
// the path or a link is caught too. Under -snapshot, or for a file without
// write permission, every open is a reader and the drives may share the
// file; a fat:rw: folder is written even under -snapshot.
func (c *Config) sameImageTwice() error {
	type image struct {
		flag, name string
		st         os.FileInfo
		writes     bool
	}
	var seen []image
	opt := disk.Options{Snapshot: c.Snapshot}
	check := func(flag, name string) error {
		if name == "" {
			return nil
		}
		path, writes := disk.Source(name, opt)
		st, err := os.Stat(path)
		if path == "" || err != nil {
			return nil // the open names the file and the reason
		}
		for _, s := range seen {
			if os.SameFile(s.st, st) && (writes || s.writes) {
				what := name
				if name != s.name {
					what = s.name + " and " + name
				}
				return fmt.Errorf("%s: the same image is given twice (%s and %s); an image can back only one drive, except under -snapshot", what, s.flag, flag)
			}
		}
		seen = append(seen, image{flag, name, st, writes})
		return nil
	}
	for i, name := range c.HardDisks {
		if c.Drives[i] != nil {
			continue
		}
		if err := check("-hd"+string(rune('a'+i)), name); err != nil {
			return err
		}
	}
	for i, name := range c.Floppies {
		if err := check("-fd"+string(rune('a'+i)), name); err != nil {
			return err
		}
	}
	return nil
}
