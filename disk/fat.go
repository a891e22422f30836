package disk

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"pcemu/fatdir"
	"pcemu/ide"
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

// WithoutWriteBack is name with a fat: folder's rw: option left out (a
// replay, which never writes what it was given); other names as they are.
func WithoutWriteBack(name string) string {
	rest, ok := strings.CutPrefix(name, "fat:")
	if !ok {
		return name
	}
	var opts []string
	for {
		opt, after, found := strings.Cut(rest, ":")
		if !found || !slices.Contains([]string{"rw", "floppy", "12", "16", "32"}, opt) {
			break
		}
		if opt != "rw" {
			opts = append(opts, opt+":")
		}
		rest = after
	}
	return "fat:" + strings.Join(opts, "") + rest
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
	d.path, d.format = f.State().Root, "fat"
	d.ident = Identity{Name: d.name, Path: d.path, Format: "fat", Size: d.size, Hash: f.Fingerprint()}
	return nil
}

// A fat: disk in a machine state is its folder's fingerprint (Identity.Hash:
// fatdir's Fingerprint, the disk as the guest sees it except the files'
// contents, known by size and time) and the sectors the guest wrote. The
// state is loaded over the folder rebuilt as it is then, refused when the
// fingerprint differs.

// fatWrites are the sectors the guest wrote to fat: disk f: those of the
// last state saved or loaded (d.fatSaved), shared, with the pages the
// guest wrote since copied and changed, so that periodic states (a
// debugger's checkpoints) cost what the guest wrote in between.
func (d *Disk) fatWrites(f *fatdir.Disk) (*Writes, error) {
	prev := d.fatSaved
	w := &Writes{pages: make(map[int64]*page, len(prev.pagesOrNil())), src: prev.srcOrNil()}
	for k, p := range prev.pagesOrNil() {
		w.pages[k] = p
	}
	own := map[int64]bool{} // pages of w not shared with prev
	var err error
	f.TakeWritten(func(s int64, b []byte) {
		k := s / pageSectors
		if !own[k] {
			np := &page{data: new([pageSize]byte)}
			if p := w.pages[k]; p != nil && err == nil {
				err = prev.materialize(np, p, k)
			}
			w.pages[k], own[k] = np, true
		}
		p := w.pages[k]
		copy(p.sector(s), b)
		p.mask |= 1 << (s % pageSectors)
	})
	if err != nil {
		return nil, err
	}
	d.fatSaved = w
	return w, nil
}

// setFATWrites makes w's sectors the fat: disk's written sectors.
func (d *Disk) setFATWrites(f *fatdir.Disk, w *Writes) error {
	ov := map[int64]*[ide.SectorSize]byte{}
	for _, r := range w.Runs() {
		for s := r.Sector; s < r.Sector+r.Count; s++ {
			b := new([ide.SectorSize]byte)
			if err := w.readSector(b[:], s); err != nil {
				return err
			}
			ov[s] = b
		}
	}
	if err := f.SetWritten(ov); err != nil {
		return err
	}
	d.fatSaved = w
	return nil
}

// openFATState opens the folder of a fat: disk's state: at the path it
// records, or at name ("fat:DIR", "fat:rw:DIR" or a plain DIR: the same
// folder elsewhere, or written back at exit with rw:). Without rw: the
// folder is only read.
func openFATState(s State, name string, opt Options) (*Disk, error) {
	id := &s.Identity
	spelling := "fat:" + id.Path
	if name != "" {
		spelling = name
		if !strings.HasPrefix(name, "fat:") {
			spelling = "fat:" + name
		}
	}
	opt.Snapshot, opt.ReadOnly = false, false
	d, err := Open(spelling, opt)
	if err != nil {
		return nil, err
	}
	if err := id.Same(&d.ident); err != nil {
		d.Close()
		return nil, err
	}
	if err := d.setFATWrites(d.m.(*fatdir.Disk), s.Writes); err != nil {
		d.Close()
		return nil, fmt.Errorf("%s: %w", d.name, err)
	}
	return d, nil
}
