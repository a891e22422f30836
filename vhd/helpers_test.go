package vhd

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func run(tb testing.TB, name string, args ...string) string {
	tb.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		tb.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func mustCreate(tb testing.TB, name string, opt CreateOptions) *Disk {
	tb.Helper()
	d, err := Create(name, opt)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func mustOpen(tb testing.TB, name string, opt *OpenOptions) *Disk {
	tb.Helper()
	d, err := Open(name, opt)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func readAll(tb testing.TB, d *Disk) []byte {
	tb.Helper()
	b := make([]byte, d.Size())
	if n, err := d.ReadAt(b, 0); err != nil || n != len(b) {
		tb.Fatalf("ReadAt whole disk: n=%d err=%v", n, err)
	}
	return b
}

func equalOrFail(tb testing.TB, what string, got, want []byte) {
	tb.Helper()
	if !bytes.Equal(got, want) {
		for i := range got {
			if i >= len(want) || got[i] != want[i] {
				tb.Fatalf("%s: first difference at byte %d (len %d vs %d)", what, i, len(got), len(want))
			}
		}
		tb.Fatalf("%s: lengths differ %d vs %d", what, len(got), len(want))
	}
}

func tmp(tb testing.TB, name string) string {
	return filepath.Join(tb.TempDir(), name)
}

func fileSize(tb testing.TB, name string) int64 {
	fi, err := os.Stat(name)
	if err != nil {
		tb.Fatal(err)
	}
	return fi.Size()
}

func readFile(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
