package main

import (
	"os"
	"testing"

	"pcemu/cmd/pcemu/internal/displaytest"
)

// Without a graphical session the default display is the terminal only
// when standard input and output are terminals (isatty), not merely
// character devices: /dev/null and /dev/zero, a pipe or a file mean none.
func TestDefaultDisplayIsATerminalCheck(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	_, slave := displaytest.OpenPTY(t, 25, 80)
	open := func(name string) *os.File {
		f, err := os.OpenFile(name, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	null, zero := open(os.DevNull), open("/dev/zero")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, tc := range []struct {
		name    string
		in, out *os.File
		want    string
	}{
		{"terminal", slave, slave, "term"},
		{"/dev/null", null, null, "none"},
		{"/dev/zero", zero, zero, "none"},
		{"input from a pipe", r, slave, "none"},
		{"output to a pipe", slave, w, "none"},
	} {
		if got := defaultDisplay(tc.in, tc.out); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
