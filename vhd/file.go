package vhd

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// An image lives in a regular file or on a block device. Anything else (a
// named pipe, a socket, a terminal, a directory) is refused before it is
// read: open(2) of a FIFO blocks until a writer appears, and a device such
// as /dev/zero or /dev/urandom would be read for ever.

// notImage says why fi cannot hold an image, or returns nil.
func notImage(fi fs.FileInfo) error {
	m := fi.Mode()
	switch {
	case m.IsRegular():
		return nil
	case m&fs.ModeDevice != 0 && m&fs.ModeCharDevice == 0:
		return nil // a block device
	case m.IsDir():
		return errors.New("is a directory, not a disk image")
	case m&fs.ModeNamedPipe != 0:
		return errors.New("not a regular file: a named pipe (FIFO)")
	case m&fs.ModeSocket != 0:
		return errors.New("not a regular file: a socket")
	case m&fs.ModeCharDevice != 0:
		return errors.New("not a regular file: a character device")
	}
	return fmt.Errorf("not a regular file (mode %v)", m)
}

// CheckImageFile tells whether name can be opened as an image without
// blocking: it must be a regular file or a block device. It follows
// symbolic links (stat, not lstat) as open does, and never opens the file.
func CheckImageFile(name string) error {
	fi, err := os.Stat(name)
	if err != nil {
		return &PathError{File: name, Err: unwrapPathErr(err)}
	}
	if err := notImage(fi); err != nil {
		return &PathError{File: name, Err: err}
	}
	return nil
}

// OpenImageFile opens an image file without ever blocking: the name is
// checked with stat first, then opened with O_NONBLOCK (a FIFO that
// replaced it in between does not block the open either) and checked
// again on the open descriptor, which is then made blocking as usual. The
// size is the file's, or a block device's capacity. The error is a
// *PathError naming the file.
func OpenImageFile(name string, write bool) (*os.File, int64, error) {
	if err := CheckImageFile(name); err != nil {
		return nil, 0, err
	}
	flag := syscall.O_RDONLY
	if write {
		flag = syscall.O_RDWR
	}
	fd, err := syscall.Open(name, flag|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, 0, &PathError{File: name, Err: err}
	}
	f := os.NewFile(uintptr(fd), name)
	fail := func(op string, err error) (*os.File, int64, error) {
		f.Close()
		return nil, 0, &PathError{File: name, Op: op, Err: unwrapPathErr(err)}
	}
	fi, err := f.Stat()
	if err != nil {
		return fail("stat", err)
	}
	if err := notImage(fi); err != nil {
		return fail("", err)
	}
	if err := syscall.SetNonblock(fd, false); err != nil {
		return fail("", err)
	}
	size := fi.Size()
	if !fi.Mode().IsRegular() {
		// A block device's stat size is 0: its capacity is where it ends.
		if size, err = f.Seek(0, io.SeekEnd); err != nil {
			return fail("size", err)
		}
	}
	return f, size, nil
}

// writable reports whether name has a write permission bit. An image
// without one is opened read-only, even by root, which the permission
// bits would not stop.
func writable(name string) bool {
	fi, err := os.Stat(name)
	return err != nil || fi.Mode().Perm()&0o222 != 0
}

// openForUse opens an image for Open: for writing unless readOnly, the
// file has no write permission bit or the system refuses writing (then
// for reading, and ro reports it), and locked (shared for a reader,
// exclusive for a writer).
func openForUse(name string, readOnly bool) (f *os.File, size int64, ro bool, err error) {
	ro = readOnly || !writable(name)
	if !ro {
		f, size, err = OpenImageFile(name, true)
		if errors.Is(err, syscall.EACCES) || errors.Is(err, syscall.EPERM) || errors.Is(err, syscall.EROFS) {
			ro = true
		} else if err != nil {
			return nil, 0, false, err
		}
	}
	if ro {
		if f, size, err = OpenImageFile(name, false); err != nil {
			return nil, 0, false, err
		}
	}
	if err := lockFile(f, name, ro); err != nil {
		f.Close()
		return nil, 0, false, err
	}
	return f, size, ro, nil
}

// lseek(2) whences that find the data and the holes of a sparse file
// (Linux 3.1, the BSDs, Solaris); not in package syscall.
const (
	seekData = 3
	seekHole = 4
)

// DataStatus tells whether the bytes of f from off may hold data (false:
// they are a hole, zeros the file system does not store) and how many bytes
// up to end share that answer, asking the file system with SEEK_DATA and
// SEEK_HOLE. Where it cannot say, everything may hold data.
func DataStatus(f *os.File, off, end int64) (data bool, n int64) {
	fd := int(f.Fd())
	d, err := syscall.Seek(fd, off, seekData)
	if err != nil {
		if errors.Is(err, syscall.ENXIO) { // only a hole up to the end of the file
			return false, end - off
		}
		return true, end - off // no SEEK_DATA here: read everything
	}
	if d > off {
		return false, min(d, end) - off
	}
	h, err := syscall.Seek(fd, off, seekHole)
	if err != nil || h <= off {
		return true, end - off
	}
	return true, min(h, end) - off
}
