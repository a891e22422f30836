package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A pipe nobody reads: writes return at once, what is beyond the buffer is
// dropped with one warning, and drain gives up. Once the reader reads, the
// output flows again and a note says how much was lost. (Run with -race:
// the machine's goroutine writes while the output's goroutine takes.)
//
// The pipe is full before the output starts: an unread pipe with room
// takes the output goroutine's first writes, and when that goroutine ran
// late (a loaded host) such a write could land after the drops began —
// the file took data again, so a note and a second warning, rightly —
// which once failed this test. From a full pipe nothing leaves until the
// reader reads, whenever the goroutine runs.
func TestHostOutput(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	full := fillPipe(t, w)
	var log syncBuffer
	out, o := newHostOutput("-serial", w, &log)
	if o == nil {
		t.Fatal("a pipe was given no hostOutput")
	}
	chunk := bytes.Repeat([]byte{'x'}, 4096)
	start := time.Now()
	for n := 0; n < 2*hostOutputMax; n += len(chunk) {
		if _, err := out.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("writing to a pipe nobody reads took %v", d)
	}
	if got := strings.Count(log.String(), "does not keep up"); got != 1 {
		t.Errorf("%d warnings, want 1: %q", got, log.String())
	}
	// The reader comes: everything buffered arrives, then the new output.
	done := make(chan int64)
	go func() {
		n, _ := io.Copy(io.Discard, r)
		done <- n
	}()
	out.Write([]byte("end"))
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(log.String(), "bytes were dropped"); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no note of the reader's return: %q", log.String())
		}
	}
	out.Write([]byte("end"))
	o.drain()
	w.Close()
	// What waited is hostOutputMax (the buffer and the goroutine's chunk
	// together), then one or both "end"s (the first may find the buffer
	// still full).
	n := <-done - full
	if n < hostOutputMax+3 || n > hostOutputMax+6 {
		t.Errorf("the reader got %d bytes of the %d written, want %d to %d", n, 2*hostOutputMax+6, hostOutputMax+3, hostOutputMax+6)
	}
	if strings.Contains(log.String(), "took nothing") {
		t.Errorf("drain gave up on a reader that reads: %q", log.String())
	}
}

// A regular file is written directly, as before: nothing to wait for.
func TestHostOutputRegularFile(t *testing.T) {
	f, err := os.Create(t.TempDir() + "/out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if w, o := newHostOutput("-serial", f, io.Discard); w != io.Writer(f) || o != nil {
		t.Errorf("a regular file got %T", w)
	}
}

// fillPipe writes to w until its pipe is full and returns how much it
// wrote. The write end of os.Pipe is non-blocking (Go polls it): a write
// to a full pipe fails with EAGAIN instead of waiting.
func fillPipe(t *testing.T, w *os.File) int64 {
	t.Helper()
	rc, err := w.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	var werr error
	b := make([]byte, 4096)
	if err := rc.Control(func(fd uintptr) {
		for {
			k, err := syscall.Write(int(fd), b)
			if err != nil {
				if err != syscall.EAGAIN {
					werr = err
				}
				return
			}
			n += int64(k)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if werr != nil || n == 0 {
		t.Fatalf("filling the pipe: %v after %d bytes", werr, n)
	}
	return n
}
