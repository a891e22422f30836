package main

import (
	"bytes"
	"errors"
	"io"
	"syscall"
	"testing"
)

// memSource is a source of size bytes of 0xA5 whose reads fail with err.
type memSource struct {
	size int64
	err  error
}

func (s memSource) ReadAt(p []byte, off int64) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	copy(p, bytes.Repeat([]byte{0xA5}, len(p)))
	return len(p), nil
}
func (s memSource) Size() int64                         { return s.size }
func (s memSource) BlockStatus(off int64) (bool, int64) { return true, s.size - off }

// failDest refuses every write with err.
type failDest struct{ err error }

func (d failDest) WriteAt([]byte, int64) (int, error) { return 0, d.err }
func (d failDest) Flush() error                       { return nil }
func (d failDest) Close() error                       { return nil }

// A failed write is the destination's (convert names the output file), a
// failed read the source's.
func TestCopyDataBlamesTheFailingSide(t *testing.T) {
	err := copyData(memSource{size: 1 << 20}, failDest{syscall.ENOSPC}, 1<<20, 64<<10, false, io.Discard)
	var we writeError
	if !errors.As(err, &we) || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("failing destination: %v, want a writeError wrapping ENOSPC", err)
	}
	err = copyData(memSource{size: 1 << 20, err: syscall.EIO}, failDest{syscall.ENOSPC}, 1<<20, 64<<10, false, io.Discard)
	if errors.As(err, &we) || !errors.Is(err, syscall.EIO) {
		t.Errorf("failing source: %v, want the read error", err)
	}
}
