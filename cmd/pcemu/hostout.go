package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// A character device's output (-serial, -debugcon) goes to a host file the
// guest cannot wait for: the machine writes each byte as the guest sends it,
// under its lock. A regular file takes the bytes at once. A FIFO, a pipe, a
// socket or a terminal takes them only as fast as the program at the other
// end reads, and not at all when nobody does (a FIFO opened with no reader:
// its 64 KiB fill and the next write would wait for ever, with the machine,
// its display, the monitor and the end of the run behind it). Output to
// those goes through a hostOutput: the machine only appends to a bounded
// buffer, a goroutine of its own writes it to the file, and what does not
// fit is dropped, with one warning, until the reader takes data again.

// hostOutputMax bounds what waits for a slow reader (in the buffer and in
// the goroutine's hands): a second of a fast guest's chatter, far beyond
// what a live reader falls behind by.
const hostOutputMax = 1 << 20

// hostOutputPiece is the most one write to the file carries: a pipe's
// capacity.
const hostOutputPiece = 64 << 10

// hostDrainWait is how long the end of the run waits for a reader that
// takes nothing before it gives up on what is left.
const hostDrainWait = time.Second

// hostOutput is the buffered, never-blocking writer of one device's output.
type hostOutput struct {
	name string    // the option, "-serial", for messages
	w    io.Writer // the file
	log  io.Writer // where warnings go (stderr)

	mu      sync.Mutex
	buf     []byte // written by the machine, waiting for the goroutine
	spare   []byte // the goroutine's last chunk, reused
	taken   int    // bytes of the goroutine's chunk not yet in the file
	dropped int64  // bytes dropped since the reader last took some
	stalled bool   // the warning was given
	err     error  // the file's write error: output stops
	closing bool
	gaveUp  bool // drain stopped waiting: the file may close under the write

	more chan struct{} // cap 1: buf has data, or closing
	took chan struct{} // cap 1: the goroutine wrote a chunk
	done chan struct{} // the goroutine has ended
}

// newHostOutput returns w itself when it is a regular file (or any writer
// that is not a file), and otherwise a hostOutput writing to it. The caller
// calls drain when the machine has stopped.
func newHostOutput(name string, w io.Writer, log io.Writer) (io.Writer, *hostOutput) {
	f, ok := w.(*os.File)
	if !ok {
		return w, nil
	}
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		return w, nil
	}
	o := &hostOutput{name: name, w: w, log: log,
		more: make(chan struct{}, 1), took: make(chan struct{}, 1), done: make(chan struct{})}
	go o.run()
	return o, o
}

// Write keeps p for the goroutine, or drops it when the buffer is full. It
// never waits for the file.
func (o *hostOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch {
	case o.err != nil:
		// Output has stopped; the error was reported.
	case len(o.buf)+o.taken+len(p) > hostOutputMax:
		if !o.stalled {
			fmt.Fprintf(o.log, "pcemu: %s: the reader of %s does not keep up: output is dropped until it reads again\n", o.name, fileName(o.w))
			o.stalled = true
		}
		o.dropped += int64(len(p))
	default:
		o.buf = append(o.buf, p...)
		wake(o.more)
	}
	return len(p), nil
}

// run writes the buffer to the file, a chunk at a time.
func (o *hostOutput) run() {
	defer close(o.done)
	for {
		<-o.more
		o.mu.Lock()
		chunk := o.buf
		o.buf, o.spare, o.taken = o.spare[:0], nil, len(chunk)
		closing := o.closing
		o.mu.Unlock()
		for rest := chunk; len(rest) > 0 && !o.failed(); {
			// A piece at a time, so that drain sees a slow reader's
			// progress.
			n := min(len(rest), hostOutputPiece)
			_, err := o.w.Write(rest[:n])
			rest = rest[n:]
			o.mu.Lock()
			o.taken = len(rest)
			if err != nil && o.err == nil {
				o.err = err
				if !o.gaveUp {
					fmt.Fprintf(o.log, "pcemu: %s: %v; no more output is written\n", o.name, err)
				}
			}
			if o.dropped > 0 && err == nil {
				fmt.Fprintf(o.log, "pcemu: %s: the reader of %s reads again; %d bytes were dropped\n", o.name, fileName(o.w), o.dropped)
				o.dropped, o.stalled = 0, false
			}
			o.mu.Unlock()
			wake(o.took)
		}
		o.mu.Lock()
		o.spare, o.taken = chunk, 0
		more := len(o.buf) > 0 || o.closing
		closing = o.closing && len(o.buf) == 0
		o.mu.Unlock()
		if more {
			wake(o.more)
		}
		if closing || o.failed() {
			return
		}
	}
}

func (o *hostOutput) failed() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err != nil
}

// drain waits until the reader has taken everything written, giving up
// when it takes nothing for hostDrainWait (the goroutine then stays in its
// write until the file is closed or pcemu exits).
func (o *hostOutput) drain() {
	if o == nil {
		return
	}
	o.mu.Lock()
	o.closing = true
	o.mu.Unlock()
	wake(o.more)
	t := time.NewTimer(hostDrainWait)
	defer t.Stop()
	for {
		select {
		case <-o.done:
			return
		case <-o.took:
			t.Reset(hostDrainWait)
		case <-t.C:
			o.mu.Lock()
			o.gaveUp = true
			o.mu.Unlock()
			fmt.Fprintf(o.log, "pcemu: %s: the reader of %s took nothing for %v: the rest of the output is dropped\n", o.name, fileName(o.w), hostDrainWait)
			return
		}
	}
}

// wake wakes the receiver of c without waiting.
func wake(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// fileName names w in messages.
func fileName(w io.Writer) string {
	if f, ok := w.(*os.File); ok {
		return f.Name()
	}
	return "the output"
}

// waitingOutputs are the output files that must not drop a byte (-D's log,
// --record's recording) when they are not regular files: a write to a FIFO
// or a pipe waits while its reader does not read, for ever when nobody
// does (pcemu opens a FIFO read-write, so that the open itself never
// waits). When a signal or --timeout ends pcemu, they are closed: a write
// waiting on one then ends with an error (Go's poller wakes it), so that
// neither the machine nor pcemu's end waits for the reader.
type waitingOutputs struct {
	mu     sync.Mutex
	files  []*os.File
	closed bool
}

// add keeps f to be closed when the host stops pcemu, unless it is a
// regular file (whose writes do not wait for anyone).
func (w *waitingOutputs) add(f *os.File) {
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.files = append(w.files, f)
	if w.closed {
		f.Close()
	}
}

// closeAll closes the files; it is called when the host stops pcemu.
func (w *waitingOutputs) closeAll() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	for _, f := range w.files {
		f.Close()
	}
}

// cut reports whether f was closed by closeAll: its write errors say only
// that the output ends where pcemu was stopped.
func (w *waitingOutputs) cut(f *os.File) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, g := range w.files {
		if g == f {
			return w.closed
		}
	}
	return false
}
