package disk

import (
	"fmt"
	"io"
	"math/bits"
	"os"

	"pcemu/ide"
)

// An image the guest's writes never reach (-snapshot, a disk opened from a
// machine state, in-memory disks): each sector is read from the newest
// layer that holds it — the writes of this run (live), the writes a
// machine state brought (saved), the image (base) — and written to live.
// Live keeps its sectors in a temporary file (-snapshot: the guest may
// write gigabytes) or in memory (a machine forked for a test). Saving a
// state takes saved and live together as one immutable Writes (state.go).
type layered struct {
	base  medium // opened read-only
	saved *Writes
	live  store
	size  int64
}

// store is where live keeps the sectors the guest wrote.
type store interface {
	has(s int64) bool
	io.ReaderAt // whole sectors it has
	io.WriterAt // whole sectors
	// each calls f for every sector it has, in no particular order.
	each(f func(s int64) error) error
	Close() error
}

// check refuses what the controller never asks: partial sectors, or
// sectors beyond the disk.
func (l *layered) check(op string, n int, off int64) error {
	if off%ide.SectorSize != 0 || n%ide.SectorSize != 0 || off < 0 || off+int64(n) > l.size {
		return fmt.Errorf("snapshot overlay: %s of %d bytes at %d: not whole sectors of the disk", op, n, off)
	}
	return nil
}

// Layers a sector can come from.
const (
	fromBase = iota
	fromSaved
	fromLive
)

func (l *layered) source(s int64) int {
	switch {
	case l.live.has(s):
		return fromLive
	case l.saved.has(s):
		return fromSaved
	}
	return fromBase
}

// ReadAt reads runs of sectors from the layer that holds them.
func (l *layered) ReadAt(p []byte, off int64) (int, error) {
	if err := l.check("read", len(p), off); err != nil {
		return 0, err
	}
	for done := 0; done < len(p); {
		src := l.source((off + int64(done)) / ide.SectorSize)
		end := done + ide.SectorSize
		for end < len(p) && l.source((off+int64(end))/ide.SectorSize) == src {
			end += ide.SectorSize
		}
		var r io.ReaderAt = l.base
		switch src {
		case fromLive:
			r = l.live
		case fromSaved:
			r = l.saved
		}
		if n, err := r.ReadAt(p[done:end], off+int64(done)); n < end-done {
			if err == nil {
				err = io.ErrUnexpectedEOF
			}
			return done + n, err
		}
		done = end
	}
	return len(p), nil
}

// WriteAt writes to the live layer.
func (l *layered) WriteAt(p []byte, off int64) (int, error) {
	if err := l.check("write", len(p), off); err != nil {
		return 0, err
	}
	return l.live.WriteAt(p, off)
}

// Flush has nothing to make durable: the writes die with the run (or are
// saved in a machine state).
func (l *layered) Flush() error { return nil }

// Close closes the live layer (and so frees its space) and the image.
func (l *layered) Close() error {
	err := l.live.Close()
	if berr := l.base.Close(); err == nil {
		err = berr
	}
	return err
}

// fileStore keeps written sectors in a temporary file, sector n at byte
// n*512 of a sparse file as large as the disk, so that they cost disk
// space, not memory. A bitmap in memory (one bit per sector, allocated per
// MiB of disk the guest writes) says which sectors it holds. The file is
// unlinked as soon as it is made.
type fileStore struct {
	f       *os.File
	regions []*[regionSectors / 8]byte // nil: nothing written in that MiB
}

// regionSectors is the span of one bitmap allocation: 2048 sectors, 1 MiB.
const regionSectors = 2048

func newFileStore(size int64) (*fileStore, error) {
	f, err := os.CreateTemp(snapshotDir(), "pcemu-snapshot-*.raw")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name())
	if err := f.Truncate(size); err != nil {
		f.Close()
		return nil, err
	}
	n := (size/ide.SectorSize + regionSectors - 1) / regionSectors
	return &fileStore{f: f, regions: make([]*[regionSectors / 8]byte, n)}, nil
}

func (o *fileStore) has(s int64) bool {
	r := o.regions[s/regionSectors]
	if r == nil {
		return false
	}
	i := s % regionSectors
	return r[i/8]&(1<<(i%8)) != 0
}

func (o *fileStore) mark(s int64) {
	r := o.regions[s/regionSectors]
	if r == nil {
		r = new([regionSectors / 8]byte)
		o.regions[s/regionSectors] = r
	}
	i := s % regionSectors
	r[i/8] |= 1 << (i % 8)
}

func (o *fileStore) ReadAt(p []byte, off int64) (int, error) { return o.f.ReadAt(p, off) }

// WriteAt writes to the file; the sectors count as written only once the
// file has them.
func (o *fileStore) WriteAt(p []byte, off int64) (int, error) {
	if _, err := o.f.WriteAt(p, off); err != nil {
		return 0, err
	}
	for s := off / ide.SectorSize; s < (off+int64(len(p)))/ide.SectorSize; s++ {
		o.mark(s)
	}
	return len(p), nil
}

func (o *fileStore) each(f func(s int64) error) error {
	for ri, r := range o.regions {
		if r == nil {
			continue
		}
		for i, b := range r {
			for ; b != 0; b &= b - 1 {
				s := int64(ri)*regionSectors + int64(i)*8 + int64(bits.TrailingZeros8(b))
				if err := f(s); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (o *fileStore) Close() error { return o.f.Close() }

// memStore keeps written sectors in memory, by page (pages.go). A page
// that a saved Writes shares is copied before it is written again, so
// that saving a state copies no sector data.
type memStore struct {
	pages map[int64]*page
	saved *Writes // the layer below: a new page starts with its sectors
}

func newMemStore(saved *Writes) *memStore { return &memStore{pages: map[int64]*page{}, saved: saved} }

func (m *memStore) has(s int64) bool {
	p := m.pages[s/pageSectors]
	return p != nil && p.mask&(1<<(s%pageSectors)) != 0
}

func (m *memStore) ReadAt(b []byte, off int64) (int, error) {
	for done := 0; done < len(b); done += ide.SectorSize {
		s := (off + int64(done)) / ide.SectorSize
		p := m.pages[s/pageSectors]
		if p == nil || p.mask&(1<<(s%pageSectors)) == 0 {
			return done, fmt.Errorf("memory overlay: sector %d was not written", s)
		}
		copy(b[done:done+ide.SectorSize], p.sector(s))
	}
	return len(b), nil
}

func (m *memStore) WriteAt(b []byte, off int64) (int, error) {
	for done := 0; done < len(b); done += ide.SectorSize {
		s := (off + int64(done)) / ide.SectorSize
		k := s / pageSectors
		p := m.pages[k]
		switch {
		case p == nil:
			p = &page{data: new([pageSize]byte)}
			if sp := m.saved.pagesOrNil()[k]; sp != nil {
				// The page takes the saved sectors along, so that
				// it alone is the page when a state is saved.
				if err := m.saved.materialize(p, sp, k); err != nil {
					return done, err
				}
			}
			m.pages[k] = p
		case p.shared:
			c := *p.data
			p = &page{mask: p.mask, data: &c}
			m.pages[k] = p
		}
		p.mask |= 1 << (s % pageSectors)
		copy(p.sector(s), b[done:done+ide.SectorSize])
	}
	return len(b), nil
}

func (m *memStore) each(f func(s int64) error) error {
	for k, p := range m.pages {
		for b := p.mask; b != 0; b &= b - 1 {
			if err := f(k*pageSectors + int64(bits.TrailingZeros8(b))); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *memStore) Close() error { m.pages = nil; return nil }
