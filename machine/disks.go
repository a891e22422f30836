package machine

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"pcemu/ide"
	"pcemu/vhd"
)

// hardDisk is an opened -hda..-hdd image with what must happen at the end.
type hardDisk struct {
	drive ide.Drive
	close func() error
	warn  string // shown to the user: the image cannot be written, ...
}

// openHardDisk opens a disk image as QEMU would: a VHD (fixed, dynamic or
// differencing) when it carries a VHD footer or is named .vhd, else a raw
// image. A VHD becomes an ide.VHDDrive, whose IDENTIFY geometry is the
// footer's CHS made ATA-valid, so the BIOS's INT 13h AH=08h agrees with the
// geometry the disk was partitioned with. With snapshot, writes go to a
// temporary differencing child (VHD) or to memory (raw) and the image itself
// is opened read-only.
func openHardDisk(name string, snapshot bool) (*hardDisk, error) {
	isVHD, err := looksLikeVHD(name)
	if err != nil {
		return nil, err
	}
	if !isVHD {
		raw, err := ide.OpenRawFile(name, snapshot || !writable(name))
		if err != nil {
			return nil, err
		}
		if snapshot {
			return &hardDisk{drive: newOverlay(raw), close: raw.Close}, nil
		}
		return openedImage(name, raw, raw), nil
	}
	if snapshot {
		parent, err := vhd.Open(name, &vhd.OpenOptions{ReadOnly: true})
		if err != nil {
			return nil, err
		}
		parent.Close() // validated; the child opens it again as its parent
		dir, err := os.MkdirTemp("", "pcemu-snapshot-")
		if err != nil {
			return nil, fmt.Errorf("-snapshot: %w", err)
		}
		abs, err := filepath.Abs(name)
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("-snapshot: %w", err)
		}
		child, err := vhd.CreateDifferencing(filepath.Join(dir, "snapshot.vhd"), abs)
		// The open child lives on without its name: nothing is left
		// behind in the temporary folder, even if pcemu is killed.
		os.RemoveAll(dir)
		if err != nil {
			return nil, err
		}
		return &hardDisk{drive: ide.NewVHDDrive(child), close: child.Close}, nil
	}
	d, err := vhd.Open(name, nil)
	if err != nil {
		return nil, err
	}
	return openedImage(name, ide.NewVHDDrive(d), d), nil
}

// openedImage is an image opened without -snapshot: flushed before it is
// closed, and with a warning when it could be opened only for reading.
func openedImage(name string, drive ide.Drive, f interface {
	Flush() error
	Close() error
	ReadOnly() bool
}) *hardDisk {
	hd := &hardDisk{drive: drive, close: func() error {
		err := f.Flush()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}}
	if f.ReadOnly() {
		hd.warn = fmt.Sprintf("%s: the image is read-only, the guest's writes will fail (use -snapshot to write to a temporary copy)", name)
	}
	return hd
}

// sameImageTwice refuses a configuration that gives one image file to two
// drives (-hda x.vhd -hdb x.vhd, or a hard disk and a floppy), which would
// otherwise fail on the second open with the image lock's "in use", as if
// another process had it. Files are compared by identity (os.SameFile), so
// another spelling of the path or a link is caught too. Under -snapshot,
// or for a file without write permission, every open is a reader and the
// drives may share the file.
func (c *Config) sameImageTwice() error {
	type image struct {
		flag, name string
		st         os.FileInfo
		writer     bool
	}
	var seen []image
	check := func(flag, name string) error {
		if name == "" {
			return nil
		}
		// A fat: folder is shared by readers; fat:rw: writes it, even
		// under -snapshot.
		file, writer := name, !c.Snapshot && writable(name)
		if dir, rw, isFat, _ := fatFolder(name); isFat {
			file, writer = dir, rw
		}
		st, err := os.Stat(file)
		if err != nil {
			return nil // the open names the file and the reason
		}
		for _, s := range seen {
			if os.SameFile(s.st, st) && (writer || s.writer) {
				what := name
				if name != s.name {
					what = s.name + " and " + name
				}
				return fmt.Errorf("%s: the same image is given twice (%s and %s); an image can back only one drive, except under -snapshot", what, s.flag, flag)
			}
		}
		seen = append(seen, image{flag, name, st, writer})
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

// looksLikeVHD reports whether name is to be opened as a VHD: its name ends
// in .vhd, or a footer cookie is at its end (512 or, for images made by old
// Virtual PC versions, 511 bytes before it) or at its start.
func looksLikeVHD(name string) (bool, error) {
	if strings.EqualFold(filepath.Ext(name), ".vhd") {
		return true, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return false, &vhd.PathError{File: name, Err: unwrapPath(err)}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return false, &vhd.PathError{File: name, Op: "stat", Err: unwrapPath(err)}
	}
	return vhd.HasFooterCookie(f, st.Size()), nil
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// overlay keeps a read-only drive's writes in memory (-snapshot on a raw
// image). A sector's first write allocates its copy; reads of written
// sectors come from memory.
type overlay struct {
	base    ide.Drive
	written map[int64]*[ide.SectorSize]byte
}

func newOverlay(base ide.Drive) *overlay {
	return &overlay{base: base, written: map[int64]*[ide.SectorSize]byte{}}
}

func (o *overlay) ReadAt(p []byte, off int64) (int, error) {
	if len(o.written) == 0 {
		return o.base.ReadAt(p, off)
	}
	if off%ide.SectorSize != 0 || len(p)%ide.SectorSize != 0 {
		return 0, fmt.Errorf("snapshot overlay: unaligned read of %d bytes at %d", len(p), off)
	}
	n := 0
	for n < len(p) {
		s := (off + int64(n)) / ide.SectorSize
		if sec, ok := o.written[s]; ok {
			n += copy(p[n:n+ide.SectorSize], sec[:])
			continue
		}
		// A run of unwritten sectors in one read from the base.
		end := n + ide.SectorSize
		for end < len(p) {
			if _, ok := o.written[(off+int64(end))/ide.SectorSize]; ok {
				break
			}
			end += ide.SectorSize
		}
		m, err := o.base.ReadAt(p[n:end], off+int64(n))
		n += m
		if err != nil && !(err == io.EOF && n == end) {
			return n, err
		}
	}
	return n, nil
}

func (o *overlay) WriteAt(p []byte, off int64) (int, error) {
	if off%ide.SectorSize != 0 || len(p)%ide.SectorSize != 0 {
		return 0, fmt.Errorf("snapshot overlay: unaligned write of %d bytes at %d", len(p), off)
	}
	if off < 0 || off+int64(len(p)) > o.base.Size() {
		return 0, fmt.Errorf("snapshot overlay: write of %d bytes at %d is beyond the disk", len(p), off)
	}
	for n := 0; n < len(p); n += ide.SectorSize {
		s := (off + int64(n)) / ide.SectorSize
		sec := o.written[s]
		if sec == nil {
			sec = new([ide.SectorSize]byte)
			o.written[s] = sec
		}
		copy(sec[:], p[n:])
	}
	return len(p), nil
}

func (o *overlay) Size() int64            { return o.base.Size() }
func (o *overlay) ReadOnly() bool         { return false }
func (o *overlay) Flush() error           { return nil }
func (o *overlay) Geometry() ide.Geometry { return o.base.Geometry() }
