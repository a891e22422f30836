package freedos

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"pcemu/vhd"
)

// The review's worst probe: BAT entry 0 of the FreeDOS disk (its only
// block: the MBR and the whole FAT file system) pointed past the end of the
// file. pcemu refuses the image, naming the entry; vhdtool check -r all
// re-links the block; FreeDOS boots from it again.
func TestRepairedImageBoots(t *testing.T) {
	orig, err := os.ReadFile(sharedImage(t))
	if err != nil {
		t.Fatal(err)
	}
	ft, _ := vhd.DecodeFooter(orig)
	h, _ := vhd.DecodeHeader(orig[ft.DataOffset:])
	img := filepath.Join(t.TempDir(), "fd.vhd")
	bad := bytes.Clone(orig)
	binary.BigEndian.PutUint32(bad[h.TableOffset:], uint32(len(orig)/512+1000))
	if err := os.WriteFile(img, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runPcemu(t, "-hda", img, "-snapshot", "--expect", `C:\>`)
	if code != 1 || !strings.Contains(stderr, "BAT: entry 0 (sector") {
		t.Fatalf("pcemu on the damaged image: exit %d\n%s", code, stderr)
	}
	out, err := exec.Command(command(t, "vhdtool"), "check", "-r", "all", img).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "re-linked BAT entry 0") {
		t.Fatalf("vhdtool check -r all: %v\n%s", err, out)
	}
	code, _, stderr = runPcemu(t, "-hda", img, "-snapshot", "--expect", `C:\>`)
	if code != 0 {
		t.Fatalf("pcemu on the repaired image: exit %d\n%s", code, stderr)
	}
}

// pcemuWithin runs pcemu (with its own --timeout of a minute) and fails
// the test if it has not ended after d of host time; it returns the exit
// status and standard error.
func pcemuWithin(t *testing.T, d time.Duration, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cmd := exec.CommandContext(ctx, command(t, "pcemu"), append([]string{"-display", "none"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("pcemu %s: still running after %v", strings.Join(args, " "), d)
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

// A FIFO given as an image is refused at once, as a hard disk (probed,
// named .vhd) or a diskette.
func TestFIFOImageRefused(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"disk.img", "disk.vhd"} {
		fifo := filepath.Join(dir, name)
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, flag := range []string{"-hda", "-fda"} {
			t0 := time.Now()
			code, stderr := pcemuWithin(t, 10*time.Second, flag, fifo, "--timeout", "1m")
			if code != 1 || !strings.Contains(stderr, fifo+": not a regular file: a named pipe (FIFO)") {
				t.Errorf("%s %s: exit %d\n%s", flag, name, code, stderr)
			}
			t.Logf("%s %s refused in %v", flag, name, time.Since(t0))
		}
	}
}

// SIGTERM, SIGINT and --timeout end pcemu while it waits to open a file
// (here --script FIFO, which open(2) holds until a writer comes: a script
// may come from a pipe), not only once the machine runs.
func TestSignalsWhileOpening(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "script")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	code, stderr := pcemuWithin(t, 20*time.Second, "--script", fifo, "--timeout", "1s")
	if code != 124 || !strings.Contains(stderr, "pcemu: timeout after 1s while opening the script") {
		t.Errorf("--timeout while opening: exit %d\n%s", code, stderr)
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		cmd := exec.Command(command(t, "pcemu"), "-display", "none", "--script", fifo, "--timeout", "1m")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(500 * time.Millisecond) // it is blocked in open by now
		t0 := time.Now()
		cmd.Process.Signal(sig)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v: pcemu still running", sig)
		}
		if code := cmd.ProcessState.ExitCode(); code != 128+int(sig) || !strings.Contains(stderr.String(), "while opening the script") {
			t.Errorf("%v: exit %d\n%s", sig, code, stderr.String())
		}
		t.Logf("%v ended pcemu in %v", sig, time.Since(t0))
	}
}

// A parent changed after its child was made: pcemu refuses the child,
// saying what to do; --ignore-parent-time boots it. Writing the parent
// while the child is beside it is warned about.
func TestChangedParentRefused(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "base.vhd")
	child := filepath.Join(dir, "child.vhd")
	copyFile(t, sharedImage(t), base, 0o644)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(base, old, old)
	if out, err := exec.Command(command(t, "vhdtool"), "create", "--parent", base, child).CombinedOutput(); err != nil {
		t.Fatalf("vhdtool create: %v\n%s", err, out)
	}
	// Booting the parent itself, for writing: the child is seen.
	code, stderr := pcemuWithin(t, time.Minute, "-hda", base, "--expect", `C:\>`, "--timeout", "50s")
	if code != 0 || !strings.Contains(stderr, "pcemu: warning: "+base+" has a differencing child beside it, "+child) {
		t.Fatalf("boot of the parent: exit %d\n%s", code, stderr)
	}
	now := time.Now()
	os.Chtimes(base, now, now) // as the boot may not have written
	code, stderr = pcemuWithin(t, time.Minute, "-hda", child, "-snapshot", "--expect", `C:\>`, "--timeout", "50s")
	if code != 1 || !strings.Contains(stderr, "parent "+base+" was modified after this child was made") ||
		!strings.Contains(stderr, "--ignore-parent-time") {
		t.Fatalf("child of a changed parent: exit %d\n%s", code, stderr)
	}
	code, stderr = pcemuWithin(t, time.Minute, "-hda", child, "-snapshot", "--ignore-parent-time", "--expect", `C:\>`, "--timeout", "50s")
	if code != 0 {
		t.Fatalf("--ignore-parent-time: exit %d\n%s", code, stderr)
	}
}

// Two images that name each other as parent: pcemu names the loop, and
// does not say "in use".
func TestParentLoopNamed(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.vhd")
	b := filepath.Join(dir, "b.vhd")
	copyFile(t, sharedImage(t), filepath.Join(dir, "base.vhd"), 0o644)
	vt := command(t, "vhdtool")
	for _, c := range [][2]string{{a, filepath.Join(dir, "base.vhd")}, {b, a}} {
		if out, err := exec.Command(vt, "create", "--parent", c[1], c[0]).CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
	}
	// a's parent becomes b: unique id and name (no locators).
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	fa, _ := vhd.DecodeFooter(ab)
	fb, _ := vhd.DecodeFooter(bb)
	h, _ := vhd.DecodeHeader(ab[fa.DataOffset:])
	h.ParentUniqueID = fb.UniqueID
	h.ParentTimeStamp = 0
	h.Locators = [8]vhd.ParentLocator{}
	name := make([]byte, 512)
	for i, r := range "b.vhd" {
		name[2*i+1] = byte(r)
	}
	copy(h.ParentName[:], name)
	h.Seal(ab[fa.DataOffset:])
	os.WriteFile(a, ab, 0o644)
	code, stderr := pcemuWithin(t, time.Minute, "-hda", a, "--timeout", "50s")
	want := "vhd: " + a + ": parent: chain loops: " + a + " → " + b + " → " + a
	if code != 1 || !strings.Contains(stderr, want) || strings.Contains(stderr, "in use") {
		t.Fatalf("exit %d\n%s\nwant %s", code, stderr, want)
	}
}
