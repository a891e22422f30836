package disk

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"path/filepath"
	"slices"
	"time"

	"pcemu/fatdir"
	"pcemu/ide"
)

// A disk's part of a machine state: which image it is (Identity) and the
// guest's writes since the image (Writes), never the image itself. A disk
// whose writes are kept apart from its image (-snapshot, a disk opened
// from a state, an in-memory disk) saves them as Writes; a disk written in
// place saves none, and its image must still be as it was when the state
// is loaded. Loading never writes the image: the writes a state brings are
// a layer over it (overlay.go), and the guest's new writes go to another.

// Identity names the image under a disk, so that a state is loaded over
// the bytes it was saved over. A file's identity is its size, its
// modification time and, for a VHD, its unique id: an image written after
// the state was saved has another time and is refused. (A copy that keeps
// the time, cp -p or rsync -t, is the same image.) An in-memory disk is
// known by the SHA-256 of its contents.
type Identity struct {
	Name    string   // as given to Open, for messages
	Path    string   // the image file, absolute ("" for an in-memory disk)
	Format  string   // "raw", "vhd", "memory" or "fat"
	Size    int64    // bytes: the file's size (raw, vhd) or the disk's (memory, fat)
	ModTime int64    // the file's modification time, Unix ns
	UUID    [16]byte // a VHD's unique id (its footer's)
	Hash    [32]byte // an in-memory disk's SHA-256; a fat: folder's fingerprint (fat.go)
}

// Same reports why the image cur is not the image id names, or nil.
func (id *Identity) Same(cur *Identity) error {
	switch {
	case id.Format != cur.Format:
		return fmt.Errorf("%s: the state was saved over a %s image, this is a %s image", cur.Name, id.Format, cur.Format)
	case id.Format == "vhd" && id.UUID != cur.UUID:
		return fmt.Errorf("%s: not the VHD the state was saved over (unique id %x, the state's %x)", cur.Name, cur.UUID, id.UUID)
	case id.Format == "memory" && id.Hash != cur.Hash:
		return fmt.Errorf("%s: not the in-memory disk the state was saved over (other contents)", cur.Name)
	case id.Format == "fat" && id.Hash != cur.Hash:
		if id.Path != cur.Path {
			return fmt.Errorf("%s: not the folder the state was saved over (%s): a fat: disk is made from its folder's place and contents", cur.Name, id.Path)
		}
		return fmt.Errorf("%s: the folder changed after the state was saved (a file or folder added, removed, renamed, resized or modified): the guest's saved writes belong to the folder as it was", cur.Name)
	case id.Size != cur.Size:
		return fmt.Errorf("%s: the image is %d bytes, it was %d when the state was saved", cur.Name, cur.Size, id.Size)
	case id.ModTime != cur.ModTime:
		const layout = "2006-01-02 15:04:05.000000000 UTC"
		return fmt.Errorf("%s: the image was modified after the state was saved (at %s; the state has %s): the guest's saved writes belong to the image as it was",
			cur.Name, time.Unix(0, cur.ModTime).UTC().Format(layout), time.Unix(0, id.ModTime).UTC().Format(layout))
	}
	return nil
}

// fileIdentity is the identity of the image file name as it is now.
func fileIdentity(display, name, format string, uuid [16]byte) (Identity, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return Identity{}, err
	}
	fi, err := os.Stat(name)
	if err != nil {
		return Identity{}, err
	}
	return Identity{Name: display, Path: abs, Format: format, Size: fi.Size(), ModTime: fi.ModTime().UnixNano(), UUID: uuid}, nil
}

// Writes are a disk's sectors written by the guest since its image, by
// page of 8 sectors. A Writes never changes once made, so many machines
// forked from one state share it; it may read its data from a state file
// (ReadFrom), which must stay open while the disks use it.
type Writes struct {
	pages map[int64]*page
	src   io.ReaderAt // file-backed pages' data
}

const (
	pageSectors = 8
	pageSize    = pageSectors * ide.SectorSize
)

// page is up to 8 sectors: those in mask, in data, or (data nil) at off in
// the Writes' src, the sectors of mask one after the other.
type page struct {
	mask   uint8
	data   *[pageSize]byte
	off    int64
	shared bool // a Writes holds it: copy before writing (memStore)
}

func (p *page) sector(s int64) []byte {
	i := s % pageSectors * ide.SectorSize
	return p.data[i : i+ide.SectorSize]
}

// has reports whether w holds sector s; a nil Writes holds none.
func (w *Writes) has(s int64) bool {
	if w == nil {
		return false
	}
	p := w.pages[s/pageSectors]
	return p != nil && p.mask&(1<<(s%pageSectors)) != 0
}

// ReadAt reads whole sectors that w holds.
func (w *Writes) ReadAt(b []byte, off int64) (int, error) {
	for done := 0; done < len(b); done += ide.SectorSize {
		s := (off + int64(done)) / ide.SectorSize
		if err := w.readSector(b[done:done+ide.SectorSize], s); err != nil {
			return done, err
		}
	}
	return len(b), nil
}

func (w *Writes) readSector(b []byte, s int64) error {
	p := w.pages[s/pageSectors]
	bit := uint8(1) << (s % pageSectors)
	if p == nil || p.mask&bit == 0 {
		return fmt.Errorf("saved writes: sector %d is not among them", s)
	}
	if p.data != nil {
		copy(b, p.sector(s))
		return nil
	}
	at := p.off + int64(bits.OnesCount8(p.mask&(bit-1)))*ide.SectorSize
	if _, err := w.src.ReadAt(b, at); err != nil {
		return fmt.Errorf("saved writes: sector %d: %w", s, err)
	}
	return nil
}

// Sectors is how many sectors w holds.
func (w *Writes) Sectors() int64 {
	if w == nil {
		return 0
	}
	var n int64
	for _, p := range w.pages {
		n += int64(bits.OnesCount8(p.mask))
	}
	return n
}

// A Run is consecutive sectors of a Writes.
type Run struct {
	Sector int64
	Count  int64
}

// Runs lists w's sectors as runs, in order.
func (w *Writes) Runs() []Run {
	if w == nil {
		return nil
	}
	keys := make([]int64, 0, len(w.pages))
	for k := range w.pages {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var runs []Run
	for _, k := range keys {
		for b := w.pages[k].mask; b != 0; b &= b - 1 {
			s := k*pageSectors + int64(bits.TrailingZeros8(b))
			if n := len(runs); n > 0 && runs[n-1].Sector+runs[n-1].Count == s {
				runs[n-1].Count++
			} else {
				runs = append(runs, Run{s, 1})
			}
		}
	}
	return runs
}

// ReadWrites makes the Writes of runs whose sectors lie one after the
// other in src from off on (a state file, which must stay open while the
// Writes is used). size is the disk's, for checking the runs.
func ReadWrites(runs []Run, src io.ReaderAt, off, size int64) (*Writes, error) {
	w := &Writes{pages: map[int64]*page{}, src: src}
	last := int64(-1)
	for i, r := range runs {
		if r.Count <= 0 || r.Sector <= last || r.Sector+r.Count > size/ide.SectorSize || r.Sector+r.Count < r.Sector {
			return nil, fmt.Errorf("run %d (sector %d, %d sectors) is not after the last and within the disk's %d sectors", i, r.Sector, r.Count, size/ide.SectorSize)
		}
		for s := r.Sector; s < r.Sector+r.Count; s++ {
			k := s / pageSectors
			p := w.pages[k]
			if p == nil {
				p = &page{off: off}
				w.pages[k] = p
			}
			p.mask |= 1 << (s % pageSectors)
			off += ide.SectorSize
		}
		last = r.Sector + r.Count - 1
	}
	return w, nil
}

// State is a disk's part of a machine state.
type State struct {
	Identity Identity
	Writes   *Writes // nil: none

	memBase []byte // an in-memory disk's contents, for a fork in this process
}

// ErrNotSaved: the disk's contents cannot be part of a machine state.
var ErrNotSaved = errors.New("a machine state cannot hold this disk")

// SaveState returns the disk's state. The writes the guest made are taken
// without copying their data where they are in memory.
func (d *Disk) SaveState() (State, error) {
	switch {
	case d.fat:
		w, err := d.fatWrites(d.m.(*fatdir.Disk))
		if err != nil {
			return State{}, fmt.Errorf("%s: %w", d.name, err)
		}
		return State{Identity: d.ident, Writes: w}, nil
	case d.lay == nil:
		// Written in place: the image is the disk.
		if err := d.Flush(); err != nil {
			return State{}, err
		}
		id, err := fileIdentity(d.name, d.path, d.format, d.ident.UUID)
		if err != nil {
			return State{}, fmt.Errorf("%s: %w", d.name, err)
		}
		d.ident = id
		return State{Identity: id}, nil
	}
	w, err := d.lay.writes()
	if err != nil {
		return State{}, fmt.Errorf("%s: %w", d.name, err)
	}
	return State{Identity: d.Identity(), Writes: w, memBase: d.memBase}, nil
}

// writes are saved and live together.
func (l *layered) writes() (*Writes, error) {
	w := &Writes{pages: make(map[int64]*page, len(l.saved.pagesOrNil())), src: l.saved.srcOrNil()}
	for k, p := range l.saved.pagesOrNil() {
		w.pages[k] = p
	}
	switch live := l.live.(type) {
	case *memStore:
		// A live page holds its saved sectors too (memStore.WriteAt):
		// it replaces the saved page, shared from now on.
		for k, p := range live.pages {
			p.shared = true
			w.pages[k] = p
		}
		return w, nil
	}
	own := map[int64]bool{} // pages of w not shared with saved
	buf := make([]byte, ide.SectorSize)
	err := l.live.each(func(s int64) error {
		k := s / pageSectors
		p := w.pages[k]
		if !own[k] {
			np := &page{data: new([pageSize]byte)}
			if p != nil {
				if err := l.saved.materialize(np, p, k); err != nil {
					return err
				}
			}
			p, w.pages[k], own[k] = np, np, true
		}
		if _, err := l.live.ReadAt(buf, s*ide.SectorSize); err != nil {
			return err
		}
		copy(p.sector(s), buf)
		p.mask |= 1 << (s % pageSectors)
		return nil
	})
	return w, err
}

func (w *Writes) pagesOrNil() map[int64]*page {
	if w == nil {
		return nil
	}
	return w.pages
}

func (w *Writes) srcOrNil() io.ReaderAt {
	if w == nil {
		return nil
	}
	return w.src
}

// materialize copies page p (page number k) of w into dst's data.
func (w *Writes) materialize(dst, p *page, k int64) error {
	dst.mask = p.mask
	for b := p.mask; b != 0; b &= b - 1 {
		s := k*pageSectors + int64(bits.TrailingZeros8(b))
		if err := w.readSector(dst.sector(s), s); err != nil {
			return err
		}
	}
	return nil
}

// InPlaceHint is what a refusal to go back says of a disk written in
// place.
const InPlaceHint = "the guest writes this image in place: use -snapshot to go back to states"

// LoadState puts the disk back in state s, in place (a debugger going
// back to a checkpoint): the image must be the one s was saved over, and
// unchanged; the writes of this run since are dropped. A disk written in
// place can only go back to a state saved after its last write.
func (d *Disk) LoadState(s State) error {
	switch {
	case d.fat:
		if err := s.Identity.Same(&d.ident); err != nil {
			return err
		}
		if err := d.setFATWrites(d.m.(*fatdir.Disk), s.Writes); err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
		return nil
	case d.lay == nil:
		cur, err := fileIdentity(d.name, d.path, d.format, d.ident.UUID)
		if err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
		if err := s.Identity.Same(&cur); err != nil {
			return fmt.Errorf("%w (%s)", err, InPlaceHint)
		}
		if s.Writes.Sectors() > 0 {
			return fmt.Errorf("%s: the state has writes over the image, and the guest writes this image in place (use -snapshot)", d.name)
		}
		return nil
	}
	cur := d.Identity()
	if err := s.Identity.Same(&cur); err != nil {
		return err
	}
	if err := checkWrites(s.Writes, d.size); err != nil {
		return fmt.Errorf("%s: %w", d.name, err)
	}
	var live store
	switch d.lay.live.(type) {
	case *memStore:
		live = newMemStore(s.Writes)
	default:
		fs, err := newFileStore(d.size)
		if err != nil {
			return fmt.Errorf("%s: %w", d.name, err)
		}
		live = fs
	}
	d.lay.live.Close()
	d.lay.saved, d.lay.live = s.Writes, live
	return nil
}

// checkWrites refuses writes beyond a disk of size bytes.
func checkWrites(w *Writes, size int64) error {
	for k := range w.pagesOrNil() {
		if (k+1)*pageSize > size && (k*pageSectors+int64(8-bits.LeadingZeros8(w.pages[k].mask)))*ide.SectorSize > size {
			return fmt.Errorf("the saved writes reach beyond the disk's %d bytes", size)
		}
	}
	return nil
}

// OpenState opens the disk of state s: its image, found by the path it
// records (or at name, when not empty: the same image elsewhere), checked
// to be the image s was saved over, with s's writes over it. The image is
// opened read-only and locked for reading; the guest's new writes go to a
// temporary file, or to memory with opt.MemoryWrites. An in-memory disk
// can be opened from a state made in this process only. A fat: folder is
// rebuilt and must have the fingerprint it had (openFATState).
func OpenState(s State, name string, opt Options) (*Disk, error) {
	return openState(s, name, opt, false)
}

// OpenFloppyState is OpenState for a diskette (-fda, -fdb): a fat: folder
// is rebuilt as a diskette.
func OpenFloppyState(s State, name string, opt Options) (*Disk, error) {
	return openState(s, name, opt, true)
}

func openState(s State, name string, opt Options, floppy bool) (*Disk, error) {
	id := &s.Identity
	var d *Disk
	switch id.Format {
	case "memory":
		if s.memBase == nil {
			return nil, fmt.Errorf("%s: an in-memory disk: its contents are not in the state; give the disk itself", id.Name)
		}
		d = newMemDisk(id.Name, s.memBase)
		d.ident = *id
	case "fat":
		opt.floppy = floppy
		return openFATState(s, name, opt)
	case "raw", "vhd":
		if name == "" {
			name = id.Path
		}
		opt.Snapshot, opt.ReadOnly = true, false
		var err error
		if d, err = Open(id.Format+":"+name, opt); err != nil {
			return nil, err
		}
		d.name = name
		d.ident.Name = name
		if err := id.Same(&d.ident); err != nil {
			d.Close()
			return nil, err
		}
	default:
		return nil, fmt.Errorf("%s: the state records an image of format %q", id.Name, id.Format)
	}
	if err := checkWrites(s.Writes, d.size); err != nil {
		d.Close()
		return nil, fmt.Errorf("%s: %w", d.name, err)
	}
	d.lay.saved = s.Writes
	if ms, ok := d.lay.live.(*memStore); ok {
		ms.saved = s.Writes
	}
	return d, nil
}

// Identity is the image under the disk as it was opened (or last saved).
// An in-memory disk's hash is made at the first call.
func (d *Disk) Identity() Identity {
	if d.format == "memory" && d.ident.Hash == ([32]byte{}) {
		d.ident.Hash = sha256.Sum256(d.memBase)
	}
	return d.ident
}
