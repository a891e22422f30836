package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
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
func (r *rawSource) FileExtent(off, n int64) (*os.File, int64, bool) {
	return r.f, off, off >= 0 && n > 0 && off+n <= r.size
}
func (r *rawSource) Size() int64 { return r.size }
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

// openSource opens a VHD (it has a footer cookie) read-only with its chain,
// or else a raw image.
func openSource(name string) (source, func(), error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if vhd.HasFooterCookie(f, fi.Size()) {
		f.Close()
		d, err := vhd.Open(name, &vhd.OpenOptions{ReadOnly: true})
		if err != nil {
			return nil, nil, err
		}
		return d, func() { d.Close() }, nil
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
		if blockSize, err = parseBlockSize("convert", *bsS); err != nil {
			return err
		}
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
		var we writeError
		if errors.As(err, &we) {
			return fileError{dstName, we.err}
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
// output allocates a block only for data that is not zero. Workers map (or
// read) chunks ahead in parallel; one writer writes them in order, so a
// dynamic output is laid out sequentially. (Parallel writers measured
// slower: writes to one file serialize on its inode lock.)
func copyData(src source, dst destination, size, chunk int64, progress bool, stderr io.Writer) error {
	const workers = 3
	type job struct {
		off     int64
		buf     []byte
		data    []byte // buf, or the chunk in the source file's mapping
		zero    bool
		touched byte
		err     error
		done    chan struct{}
	}
	bufs := make(chan []byte, workers+2)
	for i := 0; i < cap(bufs); i++ {
		bufs <- make([]byte, chunk)
	}
	zero := make([]byte, chunk)
	work := make(chan *job, cap(bufs))
	order := make(chan *job, cap(bufs))
	stop := make(chan struct{})
	var skipped atomic.Int64 // bytes of holes passed over

	mapper, _ := src.(extentMapper)
	maps := newFileMaps()
	defer maps.close()
	for i := 0; i < workers; i++ {
		go func() {
			for j := range work {
				j.data = j.buf
				mapped := false
				if mapper != nil {
					if f, at, ok := mapper.FileExtent(j.off, int64(len(j.buf))); ok {
						if m := maps.get(f); m != nil && at+int64(len(j.buf)) <= int64(len(m)) {
							j.data, mapped = m[at:at+int64(len(j.buf))], true
						}
					}
				}
				if !mapped {
					k, err := src.ReadAt(j.buf, j.off)
					if err == io.EOF {
						clear(j.buf[k:])
						err = nil
					}
					if err != nil {
						j.err = fmt.Errorf("read at %d: %w", j.off, err)
					}
				}
				// The zero test also faults the mapped pages in, here
				// rather than in the writer.
				j.zero = bytes.Equal(j.data, zero[:len(j.data)])
				if mapped && !j.zero {
					var sum byte
					for p := 0; p < len(j.data); p += 4096 {
						sum += j.data[p]
					}
					j.touched = sum
				}
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
				if _, werr := dst.WriteAt(j.data, j.off); werr != nil {
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

// extentMapper is a source that can say where its data lies in a file
// (vhd.Disk, rawSource).
type extentMapper interface {
	FileExtent(off, n int64) (*os.File, int64, bool)
}

// fileMaps maps whole source files read-only, once each, so that data is
// checked for zeros and written straight from the page cache: one copy
// instead of two, and no map/unmap per chunk.
type fileMaps struct {
	mu   sync.Mutex
	maps map[*os.File][]byte
}

func newFileMaps() *fileMaps { return &fileMaps{maps: make(map[*os.File][]byte)} }

func (m *fileMaps) get(f *os.File) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	if b, ok := m.maps[f]; ok {
		return b
	}
	var b []byte
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 && fi.Size() == int64(int(fi.Size())) {
		if mem, err := syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_SHARED); err == nil {
			syscall.Madvise(mem, syscall.MADV_SEQUENTIAL)
			b = mem
		}
	}
	m.maps[f] = b // nil: read instead
	return b
}

func (m *fileMaps) close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for f, b := range m.maps {
		if b != nil {
			syscall.Munmap(b)
		}
		delete(m.maps, f)
	}
}
