package machine_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"pcemu/machine"
	"pcemu/machine/machinetest"
)

// What CheckScreendump refuses is what Screendump would fail on, and the
// message names the file once, without a "screendump" prefix the caller
// adds itself.
func TestCheckScreendump(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	fifo := filepath.Join(dir, "pipe.txt")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "d.png"), 0o755)
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "a.txt"), ""},
		{filepath.Join(dir, "A.PNG"), ""},
		{"out.bmp", "out.bmp: the name must end in .txt or .png"},
		{"noext", "noext: the name must end in .txt or .png"},
		{filepath.Join(dir, "no", "a.png"), filepath.Join(dir, "no", "a.png") + ": cannot be written: the folder " + filepath.Join(dir, "no") + " does not exist"},
		{filepath.Join(file, "a.txt"), "is not a folder"},
		{fifo, fifo + ": cannot be written: not a regular file: a named pipe (FIFO)"},
		{filepath.Join(dir, "d.png"), filepath.Join(dir, "d.png") + ": cannot be written: is a folder"},
	} {
		err := machine.CheckScreendump(tc.path)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.path, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want %q", tc.path, err, tc.want)
		case err != nil && strings.Contains(err.Error(), "screendump"):
			t.Errorf("%s: %v repeats the caller's prefix", tc.path, err)
		}
	}
}

// Screendump to a FIFO (made after the check, or by a script's step) is
// refused at once, whether or not a reader waits on it: open(2) of a FIFO
// for writing waits for a reader, and pcemu then ignored its signals and
// --timeout at exit. A regular file is replaced.
func TestScreendumpRefusesFIFO(t *testing.T) {
	m := machinetest.Boot(t, machine.Config{})
	dir := t.TempDir()
	fifo := filepath.Join(dir, "screen.txt")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, reader := range []bool{false, true} {
		if reader {
			go func() {
				if f, err := os.Open(fifo); err == nil {
					f.Close()
				}
			}()
		}
		done := make(chan error, 1)
		go func() { done <- m.Screendump(fifo) }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), fifo+": cannot be written: not a regular file") {
				t.Errorf("reader %v: %v", reader, err)
			}
		case <-time.After(time.Second):
			t.Fatalf("reader %v: Screendump still writing after a second", reader)
		}
	}
	if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		w.Close() // frees the reader of the second case if it still waits
	}
	file := filepath.Join(dir, "screen2.txt")
	os.WriteFile(file, []byte(strings.Repeat("old ", 4096)), 0o644)
	if err := m.Screendump(file); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(file); string(b) != m.ScreenText()+"\n" {
		t.Errorf("the file holds %d bytes, not the screen's %d", len(b), len(m.ScreenText())+1)
	}
}
