package vhd

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"strings"
	"sync"
	"syscall"
)

// SizePolicy chooses which size the guest sees.
type SizePolicy int

const (
	// SizeAuto: the CHS size for creator_app "vpc " and "qemu" (Virtual PC
	// and old qemu-img use the geometry), current_size for every other
	// creator ("win ", "d2v ", "qem2", "vbox", ...) and whenever the CHS is
	// the maximum 65535/16/255.
	SizeAuto SizePolicy = iota
	// SizeCHS: always cylinders*heads*sectors*512 (unless the CHS is 0).
	SizeCHS
	// SizeCurrent: always the footer's current_size.
	SizeCurrent
)

// OpenOptions modify Open. The zero value opens read-write when the file is
// writable, with the automatic size policy.
type OpenOptions struct {
	ReadOnly bool
	Size     SizePolicy
	// IgnoreParentTime opens a differencing chain whose parent's
	// modification time differs from the time the child recorded (see
	// ErrParentChanged). The unique id must still match.
	IgnoreParentTime bool

	// noParent leaves a differencing disk's parent closed (commit opens the
	// parent for writing itself).
	noParent bool
	// chain lists the children being opened above this disk, for
	// openParent's loop and depth checks.
	chain []chainLink
}

// block states for the bitmap cache.
const (
	bmUnknown = iota // bitmap not read yet
	bmFull           // every sector present: read straight through
	bmPartial        // bitmap kept in Disk.partial
)

// Disk is an open VHD image: an io.ReaderAt and io.WriterAt over the
// virtual disk.
type Disk struct {
	name     string
	f        *os.File
	readOnly bool
	policy   SizePolicy

	footer   Footer
	header   *Header // nil for fixed disks
	size     int64   // bytes the guest sees
	footerAt int64   // offset of the footer at the end: data ends here, new blocks start here

	// Dynamic and differencing disks.
	bat        []uint32
	blockSize  int64
	blockShift uint
	secPerBlk  int
	bitmapSize int64
	state      []uint8           // per block: bmUnknown, bmFull, bmPartial
	partial    map[uint32]bitmap // bitmaps of blocks that are not full
	parent     *Disk
	parentPath string

	syncAlloc bool
	pending   []uint32 // blocks allocated by the current write, BAT entries not yet written
	warnings  []string

	mu      sync.Mutex
	scratch []byte // bitmapSize bytes for reading bitmaps, footers, BAT entries
}

// Open opens a VHD image. opt may be nil. A differencing disk's parent
// chain is opened read-only. The image is opened read-only when asked, or
// when the file is not writable (no write permission bit, or the operating
// system refuses). A writer holds an exclusive lock (flock) on the file, a
// reader a shared one; a conflicting open fails with ErrInUse.
func Open(name string, opt *OpenOptions) (*Disk, error) {
	var o OpenOptions
	if opt != nil {
		o = *opt
	}
	f, size, ro, err := OpenImage(name, o.ReadOnly)
	if err != nil {
		return nil, err
	}
	d := &Disk{name: name, f: f, readOnly: ro, policy: o.Size, syncAlloc: true}
	if err := d.load(&o, size); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// image is everything load and Check learn from the file.
type image struct {
	file      string
	fileSize  int64
	footer    Footer
	footerAt  int64
	endBad    error // the footer at the end is damaged (copy at 0 used)
	copyBad   error // the footer copy at offset 0 is damaged
	header    *Header
	bat       []uint32
	metadata  []extent
	locData   []extentData
	batProbs  []batProblem
	dataEnd   uint64 // end of the last valid block
	sizeError error
}

type extentData struct {
	code uint32
	data []byte
}

// readFull reads exactly len(b) bytes at off, naming the structure on error.
func readFull(f *os.File, file, structure string, b []byte, off int64) error {
	n, err := f.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == io.EOF || err == nil {
		return formatErr(file, structure, "", "is truncated: file ends within it (at %d)", off+int64(n))
	}
	return &PathError{File: file, Op: "read " + structure, Err: err}
}

// parse reads and validates the footers, the dynamic header, the parent
// locators and the BAT. It stops at the first fatal error; BAT entry
// problems are collected in im.batProbs for Check.
func parse(f *os.File, file string, fileSize int64) (*image, error) {
	im := &image{file: file, fileSize: fileSize}
	size := im.fileSize
	if size < FooterSize-1 {
		return im, formatErr(file, structFooter, "", "missing: the file is %d bytes, shorter than a footer (truncated?)", size)
	}
	// [VHD "Hard Disk Footer Format"]: the footer is the last 512 bytes
	// (511 in images from Virtual PC before 2004); dynamic and
	// differencing disks keep a copy at offset 0.
	var end [FooterSize]byte
	endAt := size - FooterSize
	var endErr error
	var fEnd Footer
	if endAt >= 0 {
		if err := readFull(f, file, structFooter, end[:], endAt); err != nil {
			return im, err
		}
		fEnd, endErr = validateFooter(file, structFooter, end[:], size)
	} else {
		endErr = formatErr(file, structFooter, "", "missing: the file is %d bytes", size)
	}
	if endErr != nil && size >= FooterSize-1 {
		var short [FooterSize]byte
		if readFull(f, file, structFooter, short[:FooterSize-1], size-(FooterSize-1)) == nil && string(short[:8]) == footerCookie {
			if f2, err2 := validateFooter(file, structFooter, short[:], size); err2 == nil {
				fEnd, endErr, endAt = f2, nil, size-(FooterSize-1)
			}
		}
	}
	var cp [FooterSize]byte
	var fCopy Footer
	copyErr := error(formatErr(file, structFooterCopy, "", "missing"))
	if size >= FooterSize {
		if err := readFull(f, file, structFooterCopy, cp[:], 0); err != nil {
			return im, err
		}
		fCopy, copyErr = validateFooter(file, structFooterCopy, cp[:], size)
	}
	switch {
	case endErr == nil && fEnd.DiskType == Fixed:
		im.footer, im.footerAt = fEnd, endAt
	case endErr == nil:
		im.footer, im.footerAt = fEnd, endAt
		if copyErr != nil {
			im.copyBad = copyErr
		} else if diff := diffFooters(&fCopy, &fEnd); diff != "" {
			return im, formatErr(file, structFooterCopy, "", "disagrees with the footer at the end of the file: %s", diff)
		}
	case copyErr == nil && fCopy.DiskType != Fixed:
		// The end is damaged or truncated but the copy is good: usable
		// read-only; check --repair rewrites the end. A damaged footer
		// still starts with its cookie and takes the last 512 bytes;
		// without one the file was cut, and data may run to its end.
		im.footer, im.footerAt, im.endBad = fCopy, size, endErr
		if endAt >= 0 && string(end[:8]) == footerCookie {
			im.footerAt = endAt
		}
	default:
		return im, endErr
	}
	ft := &im.footer
	if ft.DiskType == Fixed {
		if int64(ft.CurrentSize) != im.footerAt {
			return im, formatErr(file, structFooter, "current_size", "%d does not match the file: %d bytes of data before the footer", ft.CurrentSize, im.footerAt)
		}
		return im, nil
	}

	// [VHD "Dynamic Disk Header Format"]
	hb := make([]byte, headerSize)
	if err := readFull(f, file, "dynamic header", hb, int64(ft.DataOffset)); err != nil {
		return im, err
	}
	h, err := validateHeader(file, hb, ft, im.footerAt)
	if err != nil {
		return im, err
	}
	im.header = &h
	im.metadata = []extent{
		{0, FooterSize, "footer copy"},
		{ft.DataOffset, headerSize, "dynamic header"},
		{h.TableOffset, batBytes(h.MaxTableEntries), "BAT"},
	}
	if ft.DiskType == Differencing {
		for i := range h.Locators {
			l := &h.Locators[i]
			if err := validateLocator(file, i, l, &h, ft, im.footerAt); err != nil {
				return im, err
			}
			if l.PlatformCode == PlatformNone || l.PlatformDataLength == 0 {
				continue
			}
			data := make([]byte, l.PlatformDataLength)
			if err := readFull(f, file, fmt.Sprintf("parent locator %d", i+1), data, int64(l.PlatformDataOffset)); err != nil {
				return im, err
			}
			im.locData = append(im.locData, extentData{l.PlatformCode, data})
			n := (uint64(l.PlatformDataLength) + SectorSize - 1) &^ (SectorSize - 1)
			im.metadata = append(im.metadata, extent{l.PlatformDataOffset, n, fmt.Sprintf("parent locator %d data", i+1)})
		}
	}
	// [VHD "Block Allocation Table and Data Blocks"]
	bb := make([]byte, batBytes(h.MaxTableEntries))
	if err := readFull(f, file, "BAT", bb, int64(h.TableOffset)); err != nil {
		return im, err
	}
	im.bat = decodeBAT(bb, h.MaxTableEntries)
	blockBytes := bitmapBytes(h.BlockSize) + uint64(h.BlockSize)
	im.batProbs, im.dataEnd = checkBAT(file, im.bat, blockBytes, im.metadata, uint64(im.footerAt))
	return im, nil
}

// virtualSize applies the size policy [VHD "Hard Disk Footer Format",
// Current Size; QEMU block/vpc.c explains the creator table].
func virtualSize(ft *Footer, policy SizePolicy) int64 {
	chs := ft.Geometry.Sectors() * SectorSize
	switch policy {
	case SizeCHS:
		if chs > 0 {
			return chs
		}
	case SizeAuto:
		app := string(ft.CreatorApp[:])
		if (app == "vpc " || app == "qemu") && ft.Geometry != maxCHS && chs > 0 {
			return chs
		}
	}
	return int64(ft.CurrentSize)
}

func (d *Disk) load(o *OpenOptions, fileSize int64) error {
	im, err := parse(d.f, d.name, fileSize)
	if err != nil {
		return err
	}
	if len(im.batProbs) > 0 {
		return im.batProbs[0].err
	}
	if im.copyBad != nil {
		d.warnings = append(d.warnings, fmt.Sprintf("vhd: %s: the footer copy at offset 0 is damaged (%s); the footer at the end is good (vhdtool check -r all restores the copy)", d.name, d.unnamed(im.copyBad)))
	}
	if im.endBad != nil {
		if !d.readOnly {
			return fmt.Errorf("%w; the copy at offset 0 is good: open the image read-only or run vhdtool check --repair", im.endBad)
		}
		d.warnings = append(d.warnings, fmt.Sprintf("vhd: %s: the footer at the end of the file is damaged (%s); using the copy at offset 0 (vhdtool check -r all restores it)", d.name, d.unnamed(im.endBad)))
	}
	d.footer, d.footerAt, d.header = im.footer, im.footerAt, im.header
	if w := zeroCHSWarning(d.name, &d.footer); w != "" {
		d.warnings = append(d.warnings, w)
	}
	d.size = virtualSize(&d.footer, d.policy)
	if d.footer.DiskType == Fixed {
		if d.size > d.footerAt {
			return formatErr(d.name, structFooter, "disk_geometry", "%d/%d/%d covers %d bytes, more than the %d bytes of data in the file",
				d.footer.Geometry.Cylinders, d.footer.Geometry.Heads, d.footer.Geometry.SectorsPerTrack, d.size, d.footerAt)
		}
		d.scratch = make([]byte, FooterSize)
		return nil
	}
	h := d.header
	d.bat = im.bat
	d.blockSize = int64(h.BlockSize)
	d.blockShift = uint(bits.TrailingZeros32(h.BlockSize))
	d.secPerBlk = int(h.BlockSize / SectorSize)
	d.bitmapSize = int64(bitmapBytes(h.BlockSize))
	if d.size > int64(h.MaxTableEntries)*d.blockSize {
		return formatErr(d.name, structFooter, "disk_geometry", "gives %d bytes, more than the BAT covers (%d entries of %d bytes)", d.size, h.MaxTableEntries, d.blockSize)
	}
	d.state = make([]uint8, len(d.bat))
	d.partial = make(map[uint32]bitmap)
	d.scratch = make([]byte, max(d.bitmapSize, FooterSize))
	if d.footer.DiskType == Differencing {
		p, err := findParent(d.name, im)
		if err != nil {
			return err
		}
		d.parentPath = p
		if !o.noParent {
			fi, err := d.f.Stat()
			if err != nil {
				return &PathError{File: d.name, Op: "stat", Err: unwrapPathErr(err)}
			}
			chain := append(o.chain[:len(o.chain):len(o.chain)], chainLink{d.name, fi})
			if d.parent, err = openParent(p, d.header, chain, o.IgnoreParentTime); err != nil {
				return err
			}
		}
	}
	return nil
}

// unnamed is err's message without the "vhd: NAME: " that names this disk.
func (d *Disk) unnamed(err error) string {
	return strings.TrimPrefix(err.Error(), "vhd: "+d.name+": ")
}

// Name is the file name the disk was opened with.
func (d *Disk) Name() string { return d.name }

// Size is the number of bytes the guest sees.
func (d *Disk) Size() int64 { return d.size }

// Geometry is the footer's CHS.
func (d *Disk) Geometry() Geometry { return d.footer.Geometry.geometry() }

// ReadOnly reports whether writes are refused.
func (d *Disk) ReadOnly() bool { return d.readOnly }

// Type is fixed, dynamic or differencing.
func (d *Disk) Type() DiskType { return d.footer.DiskType }

// Footer returns a copy of the footer in use.
func (d *Disk) Footer() Footer { return d.footer }

// Header returns a copy of the dynamic header; ok is false for fixed disks.
func (d *Disk) Header() (h Header, ok bool) {
	if d.header == nil {
		return h, false
	}
	return *d.header, true
}

// BlockSize is the dynamic block size, 0 for fixed disks.
func (d *Disk) BlockSize() int64 { return d.blockSize }

// AllocatedBlocks counts BAT entries in use.
func (d *Disk) AllocatedBlocks() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, e := range d.bat {
		if e != batUnused {
			n++
		}
	}
	return n
}

// Parent is the open parent of a differencing disk, else nil.
func (d *Disk) Parent() *Disk { return d.parent }

// ParentPath is the resolved parent file of a differencing disk.
func (d *Disk) ParentPath() string { return d.parentPath }

// Warnings lists problems that did not prevent opening (a damaged footer
// copy, for example), each "vhd: NAME: what".
func (d *Disk) Warnings() []string { return append([]string(nil), d.warnings...) }

// SetAllocationSync chooses whether a block allocation waits for its data
// to reach the disk before the BAT entry is written (the default, which
// keeps the image consistent after a power failure). A bulk writer that
// syncs once at the end, such as convert writing a new file, may turn it
// off.
func (d *Disk) SetAllocationSync(on bool) {
	d.mu.Lock()
	d.syncAlloc = on
	d.mu.Unlock()
}

// Flush makes all written data durable (fsync).
func (d *Disk) Flush() error {
	if d.readOnly || d.f == nil {
		return nil
	}
	if err := d.f.Sync(); err != nil {
		return &PathError{File: d.name, Op: "flush", Err: err}
	}
	return nil
}

// Close closes the image and its parent chain, releasing the locks.
func (d *Disk) Close() error {
	var err error
	if d.parent != nil {
		err = d.parent.Close()
		d.parent = nil
	}
	if d.f != nil {
		if e := d.f.Close(); e != nil && err == nil {
			err = &PathError{File: d.name, Op: "close", Err: e}
		}
		d.f = nil
	}
	return err
}

// ReadAt reads len(p) bytes of the virtual disk at off. Reading past the
// end returns io.EOF with the bytes before it, as io.ReaderAt requires.
func (d *Disk) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, &PathError{File: d.name, Op: "read", Err: fmt.Errorf("negative offset %d", off)}
	}
	if off >= d.size {
		if len(p) == 0 {
			return 0, nil
		}
		return 0, io.EOF
	}
	var eof error
	if int64(len(p)) > d.size-off {
		p = p[:d.size-off]
		eof = io.EOF
	}
	var err error
	if d.header == nil {
		err = d.pread(p, off)
	} else {
		d.mu.Lock()
		err = d.readBlocks(p, off, true)
		d.mu.Unlock()
	}
	if err != nil {
		return 0, err
	}
	return len(p), eof
}

// pread fills p from the file at off.
func (d *Disk) pread(p []byte, off int64) error {
	if d.f == nil {
		return &PathError{File: d.name, Op: "read", Err: os.ErrClosed}
	}
	n, err := d.f.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return &PathError{File: d.name, Op: "read", Err: unwrapPathErr(err)}
}

func (d *Disk) pwrite(p []byte, off int64) error {
	if d.f == nil {
		return &PathError{File: d.name, Op: "write", Err: os.ErrClosed}
	}
	if _, err := d.f.WriteAt(p, off); err != nil {
		return &PathError{File: d.name, Op: "write", Err: unwrapPathErr(err)}
	}
	return nil
}

// readParent reads from the parent, zeros where there is none or beyond
// its end [VHD "Read Operation for a Differencing Hard Disk"].
func (d *Disk) readParent(p []byte, off int64) error {
	if d.parent == nil {
		clear(p)
		return nil
	}
	n, err := d.parent.ReadAt(p, off)
	if err == io.EOF {
		clear(p[n:])
		return nil
	}
	return err
}

// blockData is the file offset of block b's data (after its bitmap).
func (d *Disk) blockData(e uint32) int64 { return int64(e)*SectorSize + d.bitmapSize }

// bitmapOf returns the bitmap state of allocated block b, reading the
// bitmap on first use. Full bitmaps are not kept.
func (d *Disk) bitmapOf(b uint32) (uint8, bitmap, error) {
	switch d.state[b] {
	case bmFull:
		return bmFull, nil, nil
	case bmPartial:
		return bmPartial, d.partial[b], nil
	}
	buf := d.scratch[:d.bitmapSize]
	if err := d.pread(buf, int64(d.bat[b])*SectorSize); err != nil {
		return 0, nil, err
	}
	if bitmap(buf).full(d.secPerBlk) {
		d.state[b] = bmFull
		return bmFull, nil, nil
	}
	bm := bitmap(append([]byte(nil), buf...))
	d.partial[b] = bm
	d.state[b] = bmPartial
	return bmPartial, bm, nil
}

// readBlocks serves a read of a dynamic or differencing disk block by
// block [VHD "Mapping a Disk Sector to a Sector in the Block"]. d.mu is
// held; with unlock, it is released around the data read of a full block
// (an allocated block never moves, and the BAT entry is set only after its
// data is written), so concurrent readers overlap their I/O.
func (d *Disk) readBlocks(p []byte, off int64, unlock bool) error {
	for len(p) > 0 {
		b := uint32(off >> d.blockShift)
		in := off & (d.blockSize - 1)
		n := min(int64(len(p)), d.blockSize-in)
		chunk := p[:n]
		e := d.bat[b]
		if e == batUnused {
			if err := d.readParent(chunk, off); err != nil {
				return err
			}
		} else {
			st, bm, err := d.bitmapOf(b)
			if err != nil {
				return err
			}
			if st == bmFull {
				if unlock {
					d.mu.Unlock()
				}
				err := d.pread(chunk, d.blockData(e)+in)
				if unlock {
					d.mu.Lock()
				}
				if err != nil {
					return err
				}
			} else if err := d.readSectors(chunk, off, in, e, bm); err != nil {
				return err
			}
		}
		p = p[n:]
		off += n
	}
	return nil
}

// readSectors reads within one block whose bitmap is partial: runs of
// present sectors from this file, absent ones from the parent (zeros in a
// dynamic disk).
func (d *Disk) readSectors(chunk []byte, off, in int64, e uint32, bm bitmap) error {
	end := in + int64(len(chunk))
	last := int((end - 1) / SectorSize)
	for pos := in; pos < end; {
		s := int(pos / SectorSize)
		present, run := bm.run(s, last+1)
		stop := min(end, int64(s+run)*SectorSize)
		part := chunk[pos-in : stop-in]
		var err error
		if present {
			err = d.pread(part, d.blockData(e)+pos)
		} else {
			err = d.readParent(part, off+(pos-in))
		}
		if err != nil {
			return err
		}
		pos = stop
	}
	return nil
}

// WriteAt writes p to the virtual disk at off. Sector-aligned writes go
// straight to the file; others read the partial sectors first.
func (d *Disk) WriteAt(p []byte, off int64) (int, error) {
	if d.readOnly {
		return 0, &PathError{File: d.name, Op: "write", Err: ErrReadOnly}
	}
	if off < 0 || off > d.size || int64(len(p)) > d.size-off {
		return 0, &PathError{File: d.name, Op: "write", Err: fmt.Errorf("%d bytes at offset %d: beyond the end of the disk (%d bytes)", len(p), off, d.size)}
	}
	if len(p) == 0 {
		return 0, nil
	}
	if d.header == nil {
		if err := d.pwrite(p, off); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if off%SectorSize != 0 || len(p)%SectorSize != 0 {
		// Widen to whole sectors with the current contents.
		a := off &^ (SectorSize - 1)
		z := (off + int64(len(p)) + SectorSize - 1) &^ (SectorSize - 1)
		buf := make([]byte, z-a)
		if err := d.readBlocks(buf[:SectorSize], a, false); err != nil {
			return 0, err
		}
		if err := d.readBlocks(buf[len(buf)-SectorSize:], z-SectorSize, false); err != nil {
			return 0, err
		}
		copy(buf[off-a:], p)
		if err := d.writeBlocks(buf, a); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	if err := d.writeBlocks(p, off); err != nil {
		return 0, err
	}
	return len(p), nil
}

// writeBlocks writes whole sectors block by block.
func (d *Disk) writeBlocks(p []byte, off int64) error {
	err := d.writeBlocksData(p, off)
	if cerr := d.commitAllocations(); err == nil {
		err = cerr
	}
	return err
}

func (d *Disk) writeBlocksData(p []byte, off int64) error {
	for len(p) > 0 {
		b := uint32(off >> d.blockShift)
		in := off & (d.blockSize - 1)
		n := min(int64(len(p)), d.blockSize-in)
		chunk := p[:n]
		e := d.bat[b]
		if e == batUnused {
			if err := d.allocate(b, chunk, in); err != nil {
				return err
			}
		} else {
			if err := d.pwrite(chunk, d.blockData(e)+in); err != nil {
				return err
			}
			if err := d.markSectors(b, e, in, n); err != nil {
				return err
			}
		}
		p = p[n:]
		off += n
	}
	return nil
}

// markSectors sets the bitmap bits of sectors just written, writing only
// the bitmap sectors that change, after the data [VHD "Write Operation for
// a Differencing Hard Disk"].
func (d *Disk) markSectors(b, e uint32, in, n int64) error {
	st, bm, err := d.bitmapOf(b)
	if err != nil || st == bmFull {
		return err
	}
	s0, s1 := int(in/SectorSize), int((in+n)/SectorSize)
	changed := false
	for s := s0; s < s1; s++ {
		if !bm.get(s) {
			bm.set(s)
			changed = true
		}
	}
	if !changed {
		return nil
	}
	lo := int64(s0/8) &^ (SectorSize - 1)
	hi := (int64((s1-1)/8) + SectorSize) &^ (SectorSize - 1)
	if err := d.pwrite(bm[lo:hi], int64(e)*SectorSize+lo); err != nil {
		return err
	}
	if bm.full(d.secPerBlk) {
		d.state[b] = bmFull
		delete(d.partial, b)
	}
	return nil
}

// allocate appends block b to the file holding chunk at offset in. The
// file stays a valid image at every step [VHD "Implementing a Dynamic
// Disk"]: (1) the footer is written at the new end, so the file always
// ends with a footer; the space between is zeros (a hole); (2) the bitmap
// and the data are written over the old footer and the hole; then, in
// commitAllocations once per write call, (3) they are synced and (4) only
// then the BAT entry points at them. A crash before (4) leaves an
// unreferenced block, never a BAT entry to missing data.
func (d *Disk) allocate(b uint32, chunk []byte, in int64) error {
	start := (d.footerAt + SectorSize - 1) &^ (SectorSize - 1)
	sector := start / SectorSize
	if sector >= batUnused {
		return &PathError{File: d.name, Op: "write", Err: errors.New("image file too large for a 32-bit BAT entry")}
	}
	newEnd := start + d.bitmapSize + d.blockSize
	ft := d.scratch[:FooterSize]
	d.footer.Seal(ft)
	if err := d.pwrite(ft, newEnd); err != nil {
		return err
	}
	d.footerAt = newEnd
	// A dynamic disk's new block is entirely defined (the rest reads as
	// the zeros of the hole), so every bit is set as Virtual PC does; a
	// differencing disk sets bits only for the sectors written.
	bm := bitmap(d.scratch[:d.bitmapSize])
	full := d.footer.DiskType == Dynamic || (in == 0 && int64(len(chunk)) == d.blockSize)
	if full {
		for i := range bm {
			bm[i] = 0xFF
		}
	} else {
		clear(bm)
		for s := int(in / SectorSize); s < int((in+int64(len(chunk)))/SectorSize); s++ {
			bm.set(s)
		}
	}
	if err := d.pwrite(bm, start); err != nil {
		return err
	}
	if err := d.pwrite(chunk, start+d.bitmapSize+in); err != nil {
		return err
	}
	if full {
		d.state[b] = bmFull
	} else {
		d.partial[b] = bitmap(append([]byte(nil), bm...))
		d.state[b] = bmPartial
	}
	d.bat[b] = uint32(sector)
	d.pending = append(d.pending, b)
	return nil
}

// commitAllocations does steps (3) and (4) of allocate for every block a
// write allocated: one sync for all of them, then their BAT entries.
func (d *Disk) commitAllocations() error {
	if len(d.pending) == 0 {
		return nil
	}
	defer func() { d.pending = d.pending[:0] }()
	if d.syncAlloc {
		if err := syscall.Fdatasync(int(d.f.Fd())); err != nil {
			return &PathError{File: d.name, Op: "sync", Err: err}
		}
	}
	var ent [4]byte
	for _, b := range d.pending {
		binary.BigEndian.PutUint32(ent[:], d.bat[b])
		if err := d.pwrite(ent[:], int64(d.header.TableOffset)+4*int64(b)); err != nil {
			return err
		}
	}
	return nil
}

// BlockStatus reports whether the range at off may hold data (false: it
// certainly reads as zeros) and how many bytes from off share that answer.
// Converters use it to skip unallocated blocks without reading them.
func (d *Disk) BlockStatus(off int64) (data bool, n int64) {
	if off < 0 || off >= d.size {
		return false, 0
	}
	if d.header == nil {
		return DataStatus(d.f, off, d.size)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.blockStatus(off)
}

func (d *Disk) blockStatus(off int64) (bool, int64) {
	b := off >> d.blockShift
	in := off & (d.blockSize - 1)
	n := min(d.blockSize-in, d.size-off)
	if d.bat[b] != batUnused {
		return true, n
	}
	if d.parent == nil {
		// Merge runs of unallocated blocks.
		for next := b + 1; next < int64(len(d.bat)) && d.bat[next] == batUnused && off+n < d.size; next++ {
			n = min(n+d.blockSize, d.size-off)
		}
		return false, n
	}
	pd, pn := d.parent.BlockStatus(off)
	if pn == 0 {
		return false, n
	}
	return pd, min(n, pn)
}
