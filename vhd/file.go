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

// OpenImage opens an image file, of any format, as Open opens a VHD: for
// writing unless readOnly, the file has no write permission bit (an image
// without one is not written, even by root) or the system refuses writing
// (then for reading, and ro reports it); without blocking
// (OpenImageFile); and locked, shared for a reader and exclusive for a
// writer (LockFile). The error names the file.
func OpenImage(name string, readOnly bool) (f *os.File, size int64, ro bool, err error) {
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

// LockFile takes the advisory lock (flock) that keeps two programs from
// writing one image file: shared for a reader, exclusive for a writer,
// without waiting. It lasts until f is closed. A conflict is ErrInUse; the
// caller names the file. Raw images and diskettes (package disk, through
// OpenImage) take the same lock, so every kind of image is protected alike.
func LockFile(f *os.File, readOnly bool) error {
	how := syscall.LOCK_EX
	if readOnly {
		how = syscall.LOCK_SH
	}
	err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, syscall.EWOULDBLOCK) && readOnly:
		return fmt.Errorf("%w: another process has it open for writing", ErrInUse)
	case errors.Is(err, syscall.EWOULDBLOCK):
		return fmt.Errorf("%w: another process has it open", ErrInUse)
	}
	return fmt.Errorf("lock: %w", err)
}

// lockFile is LockFile with the error naming the image.
func lockFile(f *os.File, name string, readOnly bool) error {
	if err := LockFile(f, readOnly); err != nil {
		return &PathError{File: name, Err: err}
	}
	return nil
}

// unwrapPathErr drops the *os.PathError wrapper: our errors name the file.
func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
