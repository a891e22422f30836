package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"pcemu/vhd"
)

// source is what convert reads: a VHD (any chain) or a raw file.
type source interface {
	io.ReaderAt
	Size() int64
	// BlockStatus: may the range at off hold data, and for how long.
	BlockStatus(off int64) (bool, int64)
}

// rawSource is a raw image; holes of a sparse file are skipped without
// reading them (lseek SEEK_DATA/SEEK_HOLE).
type rawSource struct {
	f    *os.File
	size int64
}

const (
	seekData = 3 // SEEK_DATA
	seekHole = 4 // SEEK_HOLE
)

func (r *rawSource) ReadAt(p []byte, off int64) (int, error) { return r.f.ReadAt(p, off) }
func (r *rawSource) Size() int64                             { return r.size }
func (r *rawSource) BlockStatus(off int64) (bool, int64) {
	fd := int(r.f.Fd())
	data, err := syscall.Seek(fd, off, seekData)
	if err != nil {
		if errors.Is(err, syscall.ENXIO) { // only a hole up to the end
			return false, r.size - off
		}
		return true, r.size - off // no SEEK_DATA: read everything
	}
	if data > off {
		return false, data - off
	}
	hole, err := syscall.Seek(fd, off, seekHole)
	if err != nil || hole <= off {
		return true, r.size - off
	}
	return true, min(hole, r.size) - off
}

// looksLikeVHD: a footer cookie at the end (or 511 bytes from it) or at 0.
func looksLikeVHD(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	b := make([]byte, 8)
	for _, off := range []int64{fi.Size() - 512, fi.Size() - 511, 0} {
		if off >= 0 {
			if n, _ := f.ReadAt(b, off); n == 8 && string(b) == "conectix" {
				return true
			}
		}
	}
	return false
}

func openSource(name string) (source, func(), error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	if looksLikeVHD(f) {
		f.Close()
		d, err := vhd.Open(name, &vhd.OpenOptions{ReadOnly: true})
		if err != nil {
			return nil, nil, err
		}
		return d, func() { d.Close() }, nil
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, errors.New("not a regular file")
	}
	return &rawSource{f, fi.Size()}, func() { f.Close() }, nil
}

// destination is what convert writes.
type destination interface {
	io.WriterAt
	Flush() error
	Close() error
}

type rawDest struct{ f *os.File }

func (r rawDest) WriteAt(p []byte, off int64) (int, error) { return r.f.WriteAt(p, off) }
func (r rawDest) Flush() error                             { return r.f.Sync() }
func (r rawDest) Close() error                             { return r.f.Close() }

func cmdConvert(args []string, stdout, stderr io.Writer) error {
	fs := flags("convert")
	outFmt := fs.StringP("output-format", "O", "dynamic", "output format: raw, fixed or dynamic")
	progress := fs.BoolP("progress", "p", false, "show a progress bar")
	force := fs.Bool("force-size", false, "keep the exact source size in a VHD output (no CHS rounding)")
	bsS := fs.String("block-size", "", "block size of a dynamic output (default: the source's, or 2M)")
	// Like qemu-img convert (whose destination cache mode defaults to
	// "unsafe"), the new file is left to the page cache unless asked.
	syncOut := fs.Bool("sync", false, "fsync the output before exiting")
	a, err := parse(fs, args, 2, "SRC DST")
	if err != nil {
		return err
	}
	srcName, dstName := a[0], a[1]
	switch *outFmt {
	case "raw", "fixed", "dynamic":
	default:
		return usageError{fmt.Sprintf("convert: -O %q: want raw, fixed or dynamic", *outFmt)}
	}
	var blockSize uint32
	if *bsS != "" {
		bs, err := parseSize(*bsS)
		if err != nil || bs <= 0 || bs > 1<<31 {
			return usageError{fmt.Sprintf("convert: --block-size %q: invalid", *bsS)}
		}
		blockSize = uint32(bs)
	}
	src, closeSrc, err := openSource(srcName)
	if err != nil {
		return fileError{srcName, err}
	}
	defer closeSrc()
	size := src.Size()
	if _, err := os.Lstat(dstName); err == nil {
		return fileError{dstName, errors.New("file exists (remove it first; vhdtool never overwrites)")}
	}

	var dst destination
	chunk := int64(2 << 20)
	switch *outFmt {
	case "raw":
		f, err := os.OpenFile(dstName, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return fileError{dstName, err}
		}
		// Sparse: only non-zero chunks are written.
		if err := f.Truncate(size); err != nil {
			f.Close()
			os.Remove(dstName)
			return fileError{dstName, err}
		}
		dst = rawDest{f}
	default:
		opt := vhd.CreateOptions{Type: vhd.Fixed, Size: size, ForceSize: *force, BlockSize: blockSize}
		if d, ok := src.(*vhd.Disk); ok {
			// Keep the source's size exactly: when the guest size is not
			// the CHS size, the CHS cannot describe it.
			g := d.Geometry()
			if int64(g.Cylinders*g.Heads*g.SectorsPerTrack)*512 != d.Size() {
				opt.ForceSize = true
			}
			if blockSize == 0 && d.BlockSize() > 0 {
				opt.BlockSize = uint32(d.BlockSize())
			}
		}
		if *outFmt == "dynamic" {
			opt.Type = vhd.Dynamic
		}
		d, err := vhd.Create(dstName, opt)
		if err != nil {
			return fileError{dstName, err}
		}
		if opt.Type == vhd.Dynamic {
			// A new file: one fsync at the end instead of one per block.
			d.SetAllocationSync(false)
			chunk = d.BlockSize()
		}
		dst = d
	}
	if err := copyData(src, dst, size, chunk, *progress, stderr); err != nil {
		dst.Close()
		os.Remove(dstName)
		if strings.HasPrefix(err.Error(), "vhd: ") {
			return fileError{dstName, err}
		}
		return fileError{srcName, err}
	}
	if *syncOut {
		if err := dst.Flush(); err != nil {
			dst.Close()
			os.Remove(dstName)
			return fileError{dstName, err}
		}
	}
	if err := dst.Close(); err != nil {
		return fileError{dstName, err}
	}
	return nil
}

// copyData copies every chunk that may hold data and is not all zeros.
// Chunks are aligned to chunk (the destination's block size), so a dynamic
// output allocates a block only for data that is not zero.
func copyData(src source, dst destination, size, chunk int64, progress bool, stderr io.Writer) error {
	buf := make([]byte, chunk)
	zero := make([]byte, chunk)
	bar := newBar(progress, stderr, size)
	for off := int64(0); off < size; {
		data, n := src.BlockStatus(off)
		if n <= 0 {
			n = size - off
		}
		if !data {
			off += n
			bar.update(off)
			continue
		}
		// Copy the data range chunk by chunk, aligned to chunk.
		end := off + n
		for off < end {
			m := min(chunk-off%chunk, end-off)
			p := buf[:m]
			k, err := src.ReadAt(p, off)
			if err != nil && !(err == io.EOF && int64(k) == m) {
				if err == io.EOF {
					clear(p[k:])
				} else {
					return fmt.Errorf("read at %d: %w", off, err)
				}
			}
			if !bytes.Equal(p, zero[:m]) {
				if _, err := dst.WriteAt(p, off); err != nil {
					return err
				}
			}
			off += m
			bar.update(off)
		}
	}
	bar.done()
	return nil
}

// bar draws "[#####.....]  45%" on stderr, redrawn in place.
type bar struct {
	on    bool
	w     io.Writer
	total int64
	last  int
}

func newBar(on bool, w io.Writer, total int64) *bar {
	b := &bar{on: on, w: w, total: total, last: -1}
	b.update(0)
	return b
}

func (b *bar) update(done int64) {
	if !b.on {
		return
	}
	pct := 100
	if b.total > 0 {
		pct = int(done * 100 / b.total)
	}
	if pct == b.last {
		return
	}
	b.last = pct
	const width = 40
	fill := pct * width / 100
	fmt.Fprintf(b.w, "\r[%s%s] %3d%%", strings.Repeat("#", fill), strings.Repeat(".", width-fill), pct)
}

func (b *bar) done() {
	if b.on {
		b.update(b.total)
		fmt.Fprintln(b.w)
	}
}
