package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"

	"pcemu/vhd"
)

// A new image (create, convert) is written under a temporary name beside
// its final one, DST.incomplete-XXXXXX, and renamed into place only when it
// is complete: an output that ran out of space, failed to read its source
// or was interrupted never looks like a finished image. On failure, and on
// SIGINT, SIGTERM or SIGHUP, the incomplete file is removed.

// output is one new file being written.
type output struct {
	dst, tmp string
}

var (
	outputsMu sync.Mutex
	outputs   = map[*output]bool{}
	// interrupted, when set, is said on stderr if a signal ends the
	// program while it runs (commit: what state the parent is in).
	interrupted string
)

// catchSignals removes the incomplete outputs and exits 128+n when signal
// n arrives.
func catchSignals() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		s := <-c
		outputsMu.Lock()
		for o := range outputs {
			os.Remove(o.tmp)
			fmt.Fprintf(os.Stderr, "vhdtool: %s: %v: the incomplete output is removed\n", o.dst, s)
		}
		if interrupted != "" {
			fmt.Fprintf(os.Stderr, "vhdtool: %v: %s\n", s, interrupted)
		}
		os.Exit(128 + int(s.(syscall.Signal)))
	}()
}

// newOutput picks the temporary name for dst, refusing a dst that exists
// (vhdtool never overwrites). The caller creates the file under o.tmp.
// op names the command in the error ("create: file exists").
func newOutput(dst, op string) (*output, error) {
	if _, err := os.Lstat(dst); err == nil {
		return nil, fileError{dst, fmt.Errorf("%sfile exists (remove it first; vhdtool never overwrites)", op)}
	}
	var r [6]byte
	rand.Read(r[:])
	o := &output{dst: dst, tmp: filepath.Join(filepath.Dir(dst), filepath.Base(dst)+".incomplete-"+hex.EncodeToString(r[:]))}
	outputsMu.Lock()
	outputs[o] = true
	outputsMu.Unlock()
	return o, nil
}

// abort removes the incomplete file and returns err with the temporary
// name replaced by the final one (the user never asked for the other).
func (o *output) abort(err error) error {
	o.remove()
	return fmt.Errorf("%w (the incomplete output was removed)", o.named(err))
}

// remove removes the incomplete file.
func (o *output) remove() {
	outputsMu.Lock()
	delete(outputs, o)
	outputsMu.Unlock()
	os.Remove(o.tmp)
}

// named rewrites the file names in err from o.tmp to o.dst.
func (o *output) named(err error) error {
	var ve *vhd.PathError
	if errors.As(err, &ve) && ve.File == o.tmp {
		ve.File = o.dst
	}
	var fe *vhd.FormatError
	if errors.As(err, &fe) && fe.File == o.tmp {
		fe.File = o.dst
	}
	var pe *os.PathError
	if errors.As(err, &pe) && pe.Path == o.tmp {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err) // the caller names dst
	}
	return err
}

// publish gives the finished file its final name without replacing a file
// that appeared meanwhile: a hard link (which fails if dst exists), or a
// rename after a last look where the file system has no hard links.
// syncDir makes the new name durable.
func (o *output) publish(syncDir bool) error {
	outputsMu.Lock()
	defer outputsMu.Unlock()
	delete(outputs, o)
	err := os.Link(o.tmp, o.dst)
	switch {
	case err == nil:
		err = os.Remove(o.tmp)
	case errors.Is(err, fs.ErrExist):
		os.Remove(o.tmp)
		return fileError{o.dst, errors.New("file exists (it appeared while vhdtool was writing it; the new output was removed)")}
	default:
		if _, lerr := os.Lstat(o.dst); lerr == nil {
			os.Remove(o.tmp)
			return fileError{o.dst, errors.New("file exists (it appeared while vhdtool was writing it; the new output was removed)")}
		}
		err = os.Rename(o.tmp, o.dst)
	}
	if err != nil {
		os.Remove(o.tmp)
		return fileError{o.dst, err}
	}
	if syncDir {
		if d, err := os.Open(filepath.Dir(o.dst)); err == nil {
			err = d.Sync()
			d.Close()
			if err != nil {
				return fileError{o.dst, fmt.Errorf("sync of the folder: %w", err)}
			}
		}
	}
	return nil
}
