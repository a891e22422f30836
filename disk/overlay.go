package disk

import (
	"fmt"
	"io"
	"os"

	"pcemu/ide"
)

// overlay keeps the guest's writes to a raw image under -snapshot in a
// temporary file, sector n at byte n*512 of a sparse file as large as the
// disk, so that they cost disk space, not memory. A bitmap in memory (one
// bit per sector, allocated per MiB of disk the guest writes) says which
// sectors the overlay holds; the others are read from the image. The file
// is unlinked as soon as it is made.
type overlay struct {
	base    medium
	f       *os.File
	size    int64
	regions []*[regionSectors / 8]byte // nil: nothing written in that MiB
}

// regionSectors is the span of one bitmap allocation: 2048 sectors, 1 MiB.
const regionSectors = 2048

func newOverlay(base medium, size int64) (*overlay, error) {
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
	return &overlay{base: base, f: f, size: size, regions: make([]*[regionSectors / 8]byte, n)}, nil
}

// written reports whether the overlay holds sector s.
func (o *overlay) written(s int64) bool {
	r := o.regions[s/regionSectors]
	if r == nil {
		return false
	}
	i := s % regionSectors
	return r[i/8]&(1<<(i%8)) != 0
}

func (o *overlay) mark(s int64) {
	r := o.regions[s/regionSectors]
	if r == nil {
		r = new([regionSectors / 8]byte)
		o.regions[s/regionSectors] = r
	}
	i := s % regionSectors
	r[i/8] |= 1 << (i % 8)
}

// check refuses what the controller never asks: partial sectors, or
// sectors beyond the disk.
func (o *overlay) check(op string, n int, off int64) error {
	if off%ide.SectorSize != 0 || n%ide.SectorSize != 0 || off < 0 || off+int64(n) > o.size {
		return fmt.Errorf("snapshot overlay: %s of %d bytes at %d: not whole sectors of the disk", op, n, off)
	}
	return nil
}

// ReadAt reads runs of sectors from the overlay or the image, whichever
// holds them.
func (o *overlay) ReadAt(p []byte, off int64) (int, error) {
	if err := o.check("read", len(p), off); err != nil {
		return 0, err
	}
	for done := 0; done < len(p); {
		s := (off + int64(done)) / ide.SectorSize
		w := o.written(s)
		end := done + ide.SectorSize
		for end < len(p) && o.written((off+int64(end))/ide.SectorSize) == w {
			end += ide.SectorSize
		}
		var src io.ReaderAt = o.base
		if w {
			src = o.f
		}
		if n, err := src.ReadAt(p[done:end], off+int64(done)); n < end-done {
			if err == nil {
				err = io.ErrUnexpectedEOF
			}
			return done + n, err
		}
		done = end
	}
	return len(p), nil
}

// WriteAt writes to the overlay file; the sectors count as written only
// once the file has them.
func (o *overlay) WriteAt(p []byte, off int64) (int, error) {
	if err := o.check("write", len(p), off); err != nil {
		return 0, err
	}
	if _, err := o.f.WriteAt(p, off); err != nil {
		return 0, err
	}
	for s := off / ide.SectorSize; s < (off+int64(len(p)))/ide.SectorSize; s++ {
		o.mark(s)
	}
	return len(p), nil
}

// Flush has nothing to make durable: the overlay dies with the run.
func (o *overlay) Flush() error { return nil }

// Close closes the overlay file (and so frees its space) and the image.
func (o *overlay) Close() error {
	err := o.f.Close()
	if berr := o.base.Close(); err == nil {
		err = berr
	}
	return err
}
