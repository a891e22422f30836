package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"

	"pcemu/vhd"
)

// source is what convert reads: a VHD (any chain) or a raw file.
type source interface {
	io.ReaderAt
	Size() int64
	// BlockStatus: may the range at off hold data, and for how long.
	BlockStatus(off int64) (bool, int64)
}

// rawSource is a raw image, opened for reading and locked as an image is
// (shared: nobody writes it while it is read); holes of a sparse file are
// skipped without reading them.
type rawSource struct {
	f    *os.File
	size int64
}

func (r *rawSource) ReadAt(p []byte, off int64) (int, error) { return r.f.ReadAt(p, off) }
func (r *rawSource) Size() int64                             { return r.size }
func (r *rawSource) BlockStatus(off int64) (bool, int64)     { return vhd.DataStatus(r.f, off, r.size) }

// openSource opens a VHD (it has a footer cookie) read-only with its chain,
// or else a raw image. Neither is ever written, or mapped.
func openSource(name string, ignoreParentTime bool) (source, func(), error) {
	f, size, err := vhd.OpenImageFile(name, false)
	if err != nil {
		return nil, nil, err
	}
	if vhd.HasFooterCookie(f, size) {
		f.Close()
		d, err := vhd.Open(name, &vhd.OpenOptions{ReadOnly: true, IgnoreParentTime: ignoreParentTime})
		if err != nil {
			return nil, nil, err
		}
		return d, func() { d.Close() }, nil
	}
	if err := vhd.LockFile(f, true); err != nil {
		f.Close()
		return nil, nil, err
	}
	return &rawSource{f, size}, func() { f.Close() }, nil
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
	ignoreTime := fs.Bool("ignore-parent-time", false, "read a chain whose parent was modified after the child was made")
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
		if blockSize, err = parseBlockSize("convert", *bsS); err != nil {
			return err
		}
	}
	src, closeSrc, err := openSource(srcName, *ignoreTime)
	if err != nil {
		return fileError{srcName, err}
	}
	defer closeSrc()
	size := src.Size()
	out, err := newOutput(dstName, "")
	if err != nil {
		return err
	}

	var dst destination
	chunk := int64(2 << 20)
	switch *outFmt {
	case "raw":
		f, err := os.OpenFile(out.tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return fileError{dstName, out.abort(err)}
		}
		// Sparse: only non-zero chunks are written.
		if err := f.Truncate(size); err != nil {
			f.Close()
			return fileError{dstName, out.abort(err)}
		}
		dst = rawDest{f}
	default:
		opt := vhd.CreateOptions{Type: vhd.Fixed, Size: size, ForceSize: *force, BlockSize: blockSize}
		if d, ok := src.(*vhd.Disk); ok {
			// Keep the source's size exactly: when the guest size is not
			// the CHS size, the CHS cannot describe it.
			if d.Geometry().Sectors()*vhd.SectorSize != d.Size() {
				opt.ForceSize = true
			}
			if blockSize == 0 && d.BlockSize() > 0 {
				opt.BlockSize = uint32(d.BlockSize())
			}
		}
		if *outFmt == "dynamic" {
			opt.Type = vhd.Dynamic
		}
		d, err := vhd.Create(out.tmp, opt)
		if err != nil {
			return fileError{dstName, out.abort(err)}
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
		var we writeError
		if errors.As(err, &we) {
			return fileError{dstName, out.abort(we.err)}
		}
		out.remove()
		return fileError{srcName, fmt.Errorf("%w (%s was not written)", err, dstName)}
	}
	if *syncOut {
		if err := dst.Flush(); err != nil {
			dst.Close()
			return fileError{dstName, out.abort(err)}
		}
	}
	if err := dst.Close(); err != nil {
		return fileError{dstName, out.abort(err)}
	}
	return out.publish(*syncOut)
}

// copyData copies every chunk that may hold data and is not all zeros.
// Chunks are aligned to chunk (the destination's block size), so a dynamic
// output allocates a block only for data that is not zero. Workers read
// chunks ahead in parallel with pread (the source is never mapped: a
// mapping of a file on a full file system can fault); one writer writes
// them in order, so a dynamic output is laid out sequentially. (Parallel
// writers measured slower: writes to one file serialize on its inode lock.)
func copyData(src source, dst destination, size, chunk int64, progress bool, stderr io.Writer) error {
	const workers = 3
	type job struct {
		off  int64
		buf  []byte
		zero bool
		err  error
		done chan struct{}
	}
	bufs := make(chan []byte, workers+2)
	for i := 0; i < cap(bufs); i++ {
		bufs <- make([]byte, chunk)
	}
	work := make(chan *job, cap(bufs))
	order := make(chan *job, cap(bufs))
	stop := make(chan struct{})
	var skipped atomic.Int64 // bytes of holes passed over

	for i := 0; i < workers; i++ {
		go func() {
			for j := range work {
				k, err := src.ReadAt(j.buf, j.off)
				if err == io.EOF {
					clear(j.buf[k:])
					err = nil
				}
				if err != nil {
					j.err = fmt.Errorf("read at %d: %w", j.off, err)
				}
				j.zero = allZero(j.buf)
				close(j.done)
			}
		}()
	}
	// The producer walks the ranges that may hold data, in order.
	go func() {
		defer close(work)
		defer close(order)
		for off := int64(0); off < size; {
			data, n := src.BlockStatus(off)
			if n <= 0 {
				n = size - off
			}
			if !data {
				off += n
				skipped.Add(n)
				continue
			}
			for end := off + n; off < end; {
				m := min(chunk-off%chunk, end-off)
				var buf []byte
				select {
				case buf = <-bufs:
				case <-stop:
					return
				}
				j := &job{off: off, buf: buf[:m], done: make(chan struct{})}
				work <- j
				order <- j
				off += m
			}
		}
	}()

	bar := newBar(progress, stderr, size)
	var err error
	var copied int64
	for j := range order {
		<-j.done
		if err == nil {
			err = j.err
			if err == nil && !j.zero {
				if _, werr := dst.WriteAt(j.buf, j.off); werr != nil {
					err = writeError{werr}
				}
			}
			if err != nil {
				close(stop)
			}
		}
		copied += int64(len(j.buf))
		bar.update(copied + skipped.Load())
		bufs <- j.buf[:cap(j.buf)]
	}
	if err != nil {
		return err
	}
	bar.done()
	return nil
}

// allZero reports whether b holds only zero bytes, eight at a time.
func allZero(b []byte) bool {
	for len(b) >= 8 {
		if binary.NativeEndian.Uint64(b) != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// writeError is copyData's failure to write the destination (any other
// failure is the source's), so convert names the right file.
type writeError struct{ err error }

func (e writeError) Error() string { return e.err.Error() }
func (e writeError) Unwrap() error { return e.err }

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
