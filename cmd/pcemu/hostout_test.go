package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// A pipe nobody reads: writes return at once, what is beyond the buffer is
// dropped with one warning, and drain gives up. Once the reader reads, the
// output flows again and a note says how much was lost. (Run with -race:
// the machine's goroutine writes while the output's goroutine takes.)
func TestHostOutput(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
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
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(log.String(), "reads again"); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no note of the reader's return: %q", log.String())
		}
	}
	out.Write([]byte("end"))
	o.drain()
	w.Close()
	n := <-done
	if n < hostOutputMax || n > 2*hostOutputMax+6 {
		t.Errorf("the reader got %d bytes of the %d written", n, 2*hostOutputMax+6)
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
