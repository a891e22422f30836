package vhd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// relinkParent makes the differencing image child (a file name in dir) a
// child of parent by name alone: parent_unique_id, parent_unicode_name,
// no locators, and parent's modification time.
func relinkParent(t *testing.T, child, parent string) {
	t.Helper()
	b := readFile(t, child)
	pf, _ := DecodeFooter(readFile(t, parent))
	fi, err := os.Stat(parent)
	if err != nil {
		t.Fatal(err)
	}
	editHeader(b, func(h []byte) {
		copy(h[hdParentUUID:], pf.UniqueID[:])
		put32(h, hdParentTime, vhdTime(fi.ModTime()))
		for i := 0; i < 8; i++ {
			put32(h, hdLocators+i*24, 0)
		}
		hh, _ := DecodeHeader(h)
		hh.setParentName(filepath.Base(parent))
		copy(h[hdParentName:], hh.ParentName[:])
	})
	if err := os.WriteFile(child, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Two images that name each other as parent: every open, and check, name
// the loop once, never "in use".
func TestParentLoopNamed(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.vhd")
	a := filepath.Join(dir, "a.vhd")
	b := filepath.Join(dir, "b.vhd")
	mustCreate(t, base, CreateOptions{Size: 4 << 20}).Close()
	for _, c := range [][2]string{{a, base}, {b, a}} {
		d, err := CreateDifferencing(c[0], c[1], nil)
		if err != nil {
			t.Fatal(err)
		}
		d.Close()
	}
	relinkParent(t, a, b)
	want := "vhd: " + a + ": parent: chain loops: " + a + " → " + b + " → " + a
	for _, ro := range []bool{true, false} {
		_, err := Open(a, &OpenOptions{ReadOnly: ro})
		if err == nil || err.Error() != want || errors.Is(err, ErrInUse) {
			t.Fatalf("open (read-only %v): %v\nwant %s", ro, err, want)
		}
	}
	rep, err := Check(a, nil)
	if err != nil || len(rep.Errors) != 1 || rep.Errors[0] != want {
		t.Fatalf("check: %v %q\nwant %s", err, rep.Errors, want)
	}
	wantB := "vhd: " + b + ": parent: chain loops: " + b + " → " + a + " → " + b
	if _, err := Open(b, nil); err == nil || err.Error() != wantB {
		t.Fatalf("open b: %v\nwant %s", err, wantB)
	}
}

// makeChain makes a dynamic base and n-1 differencing disks over it and
// returns the names, base first.
func makeChain(t *testing.T, dir string, n int) []string {
	t.Helper()
	names := []string{filepath.Join(dir, "d0.vhd")}
	mustCreate(t, names[0], CreateOptions{Size: 1 << 20}).Close()
	for i := 1; i < n; i++ {
		name := filepath.Join(dir, fmt.Sprintf("d%d.vhd", i))
		// Each child is written by hand from the previous one, as
		// CreateDifferencing would open the whole chain every time.
		if i == 1 {
			d, err := CreateDifferencing(name, names[0], nil)
			if err != nil {
				t.Fatal(err)
			}
			d.Close()
		} else {
			b := readFile(t, names[1])
			f, _ := DecodeFooter(b)
			f.UniqueID[0], f.UniqueID[1] = byte(i), byte(i>>8)
			f.Seal(b)
			f.Seal(b[len(b)-FooterSize:])
			os.WriteFile(name, b, 0o644)
			relinkParent(t, name, names[i-1])
		}
		names = append(names, name)
	}
	return names
}

// The chain limit is the same for Open and Check: 64 disks open, 65 do not.
func TestChainLimitEverywhere(t *testing.T) {
	names := makeChain(t, t.TempDir(), maxChain+1)
	ok, long := names[maxChain-1], names[maxChain]
	d, err := Open(ok, nil)
	if err != nil {
		t.Fatalf("a chain of %d: %v", maxChain, err)
	}
	d.Close()
	if rep, err := Check(ok, nil); err != nil || !rep.OK() {
		t.Fatalf("check of a chain of %d: %v %+v", maxChain, err, rep)
	}
	want := "vhd: " + long + ": parent: chain is longer than 64 disks"
	if _, err := Open(long, nil); err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("a chain of %d: %v", maxChain+1, err)
	}
	if rep, err := Check(long, nil); err != nil || len(rep.Errors) != 1 || !strings.HasPrefix(rep.Errors[0], want) {
		t.Fatalf("check of a chain of %d: %v %q", maxChain+1, err, rep.Errors)
	}
}

// setOld gives name a modification time an hour ago, so that a write now
// changes it by more than the time stamp's one second.
func setOld(t *testing.T, name string) {
	t.Helper()
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(name, old, old); err != nil {
		t.Fatal(err)
	}
}

// A parent changed after its child was made is refused by Open and Check,
// with a message that says what to do; IgnoreParentTime opens it, and
// AcceptParent records the parent's time so that it opens again.
func TestParentTimeChanged(t *testing.T) {
	for _, how := range []string{"written", "touched"} {
		t.Run(how, func(t *testing.T) {
			dir := t.TempDir()
			base := filepath.Join(dir, "base.vhd")
			child := filepath.Join(dir, "child.vhd")
			mustCreate(t, base, CreateOptions{Size: 4 << 20}).Close()
			setOld(t, base)
			c, err := CreateDifferencing(child, base, nil)
			if err != nil {
				t.Fatal(err)
			}
			c.Close()
			if how == "written" {
				p := mustOpen(t, base, nil)
				if _, err := p.WriteAt([]byte("new data"), 0); err != nil {
					t.Fatal(err)
				}
				p.Close()
			} else {
				now := time.Now()
				os.Chtimes(base, now, now)
			}
			_, err = Open(child, &OpenOptions{ReadOnly: true})
			if !errors.Is(err, ErrParentChanged) {
				t.Fatalf("open: %v", err)
			}
			for _, s := range []string{"vhd: " + child + ": parent " + base + " was modified after this child was made",
				"vhdtool accept-parent " + child, "--ignore-parent-time"} {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("message %q\nlacks %q", err, s)
				}
			}
			if rep, err := Check(child, nil); err != nil || rep.OK() || !strings.Contains(rep.Errors[0], "was modified after this child was made") {
				t.Fatalf("check: %v %+v", err, rep)
			}
			if rep, err := Check(child, &CheckOptions{IgnoreParentTime: true}); err != nil || !rep.OK() {
				t.Fatalf("check, ignoring the time: %v %+v", err, rep)
			}
			d, err := Open(child, &OpenOptions{ReadOnly: true, IgnoreParentTime: true})
			if err != nil {
				t.Fatal(err)
			}
			d.Close()
			before, now, err := AcceptParent(child)
			if err != nil || !before.Before(now) {
				t.Fatalf("accept: %v %v %v", before, now, err)
			}
			mustOpen(t, child, nil).Close()
		})
	}
}

// Commit changes the parent and records its new time in the child, which
// stays a valid child of it.
func TestCommitKeepsChildValid(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.vhd")
	child := filepath.Join(dir, "child.vhd")
	mustCreate(t, base, CreateOptions{Size: 4 << 20}).Close()
	setOld(t, base)
	c, err := CreateDifferencing(child, base, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.WriteAt([]byte("child's"), 4096)
	c.Close()
	if err := Commit(child, nil); err != nil {
		t.Fatal(err)
	}
	d := mustOpen(t, child, nil)
	defer d.Close()
	b := make([]byte, 7)
	d.ReadAt(b, 4096)
	if string(b) != "child's" {
		t.Fatalf("read %q", b)
	}
}
