package freedos

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"pcemu/internal/shared"
	"pcemu/vhd"
)

// binDir holds the commands built for this test run (see command).
var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pcemu-freedos-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// sharedImage is the FreeDOS hard disk everyone reads and nobody writes.
func sharedImage(t testing.TB) string {
	t.Helper()
	return shared.Path(t, "images/freedos-hd.vhd")
}

// tool finds a host program, looking in the sbin folders too (fsck.fat
// lives there and they are not on every user's PATH). Without it the test
// is skipped, or fails under CI=true.
func tool(t testing.TB, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	if shared.InCI() {
		t.Fatalf("%s is not installed (mtools and dosfstools are required under CI)", name)
	}
	t.Skipf("%s is not installed (install mtools and dosfstools)", name)
	return ""
}

// needTools checks for every host program the disk tests use.
func needTools(t testing.TB) {
	t.Helper()
	for _, name := range []string{"mcopy", "mformat", "fsck.fat"} {
		tool(t, name)
	}
}

var (
	buildMu sync.Mutex
	built   = map[string]error{}
)

// command builds ./cmd/NAME of this module once per test run and returns
// the program's path. pcemu is built without SDL: the tests run it with
// -display none, and the build then needs no C compiler or libsdl2.
func command(t testing.TB, name string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	out := filepath.Join(binDir, name)
	err, done := built[name]
	if !done {
		goTool, lerr := exec.LookPath("go")
		if lerr != nil {
			goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		cmd := exec.Command(goTool, "build", "-tags", "nosdl", "-o", out, "pcemu/cmd/"+name)
		if b, cerr := cmd.CombinedOutput(); cerr != nil {
			err = fmt.Errorf("go build pcemu/cmd/%s: %v\n%s", name, cerr, b)
		}
		built[name] = err
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// pattern returns n bytes of a fixed pseudo-random sequence: every byte
// value (Ctrl-Z included, which COPY without /B would stop at) appears.
func pattern(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 0x70636d75))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32() >> 24)
	}
	return b
}

// The seed files the host puts on C:. Their sizes are chosen so that the
// 32 copies of S in BIG1.BIN start at 32 different offsets within a
// sector, and the 37 copies of T too: no two sectors of the big file are
// alike (TestPiecesDiffer), so a sector written to the wrong place shows.
var (
	seedS = pattern(65519, 1)
	seedT = pattern(1001, 2)
)

// cat joins byte slices.
func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// The files AUTOEXEC.BAT builds with COPY /B, as the host computes them.
var (
	wantA   = cat(seedS, seedT, seedS, seedT)
	wantB   = cat(wantA, wantA, seedT, wantA, wantA)
	wantBig = cat(wantB, wantB, seedT, wantB, wantB)
)

// buildLines are the AUTOEXEC.BAT lines that make BIG1.BIN (2,133,645
// bytes) out of S.BIN and T.BIN; the same as wantBig.
var buildLines = []string{
	`COPY /B S.BIN+T.BIN+S.BIN+T.BIN A.BIN`,
	`COPY /B A.BIN+A.BIN+T.BIN+A.BIN+A.BIN B.BIN`,
	`COPY /B B.BIN+B.BIN+T.BIN+B.BIN+B.BIN BIG1.BIN`,
}

// batch makes a DOS batch file: the environment FreeDOS's own AUTOEXEC.BAT
// sets up, then lines, with CR LF line ends.
func batch(lines ...string) []byte {
	all := append([]string{
		`@ECHO OFF`,
		`SET DOSDIR=C:\FREEDOS`,
		`SET PATH=C:\FREEDOS\BIN`,
		`PROMPT $P$G`,
	}, lines...)
	return []byte(strings.Join(all, "\r\n") + "\r\n")
}

// partition returns the byte offset and length of the first partition of
// a raw disk, from the MBR's partition table.
func partition(t testing.TB, raw []byte) (off, n int64) {
	t.Helper()
	if len(raw) < 512 || raw[510] != 0x55 || raw[511] != 0xAA {
		t.Fatal("the disk has no MBR (no 55AAh signature)")
	}
	e := raw[0x1BE:]
	lba := int64(binary.LittleEndian.Uint32(e[8:]))
	count := int64(binary.LittleEndian.Uint32(e[12:]))
	if lba == 0 || count == 0 || (lba+count)*512 > int64(len(raw)) {
		t.Fatalf("partition 1 at LBA %d, %d sectors, does not fit a disk of %d bytes", lba, count, len(raw))
	}
	return lba * 512, count * 512
}

// flatten reads a whole VHD (any type; a differencing disk through its
// parents) with package vhd.
func flatten(t testing.TB, name string) []byte {
	t.Helper()
	d, err := vhd.Open(name, &vhd.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatalf("opening %s: %v", name, err)
	}
	defer d.Close()
	raw := make([]byte, d.Size())
	if _, err := d.ReadAt(raw, 0); err != nil && !errors.Is(err, io.EOF) {
		t.Fatalf("reading %s: %v", name, err)
	}
	return raw
}

// writeFile writes data to a new file in dir and returns its path.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// run runs a host program and fails the test if it does not succeed.
func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
	return string(out)
}

// withFiles returns a copy of the raw disk with files (DOS 8.3 names in
// upper case) put into the root of its first partition by mcopy,
// replacing files of the same name.
func withFiles(t testing.TB, raw []byte, files map[string][]byte) []byte {
	t.Helper()
	dir := t.TempDir()
	img := writeFile(t, dir, "disk.img", raw)
	off, _ := partition(t, raw)
	args := []string{"-o", "-i", fmt.Sprintf("%s@@%d", img, off)}
	src := filepath.Join(dir, "files")
	if err := os.Mkdir(src, 0o755); err != nil {
		t.Fatal(err)
	}
	// In a fixed order: the order decides directory slots and clusters.
	for _, name := range slices.Sorted(maps.Keys(files)) {
		p := writeFile(t, src, name, files[name])
		if err := os.Chtimes(p, fileTime, fileTime); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	// -m keeps the files' times: the same image every run, so the same
	// guest run instruction for instruction.
	cmd := exec.Command(tool(t, "mcopy"), append(append([]string{"-m"}, args...), "::/")...)
	cmd.Env = append(os.Environ(), "TZ=UTC")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("mcopy: %v\n%s", err, out)
	}
	out, err := os.ReadFile(img)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// fileTime is the time stamp of the files the host puts on C:.
var fileTime = time.Date(2024, time.December, 31, 10, 0, 0, 0, time.UTC)

// guestFiles reads several files at once (one copy of the disk for all).
func guestFiles(t testing.TB, raw []byte, names ...string) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	img := writeFile(t, dir, "disk.img", raw)
	off, _ := partition(t, raw)
	got := map[string][]byte{}
	for _, name := range names {
		dst := filepath.Join(dir, name)
		out, err := exec.Command(tool(t, "mcopy"), "-n", "-i", fmt.Sprintf("%s@@%d", img, off), "::/"+name, dst).CombinedOutput()
		if err != nil {
			t.Errorf("%s is not on the guest's C: (mcopy: %v)\n%s", name, err, out)
			continue
		}
		data, err := os.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		got[name] = data
	}
	return got
}

// fsck runs fsck.fat -n (check only, change nothing) on the first
// partition of a raw disk and returns its output and whether it found the
// file system clean (exit status 0).
func fsck(t testing.TB, raw []byte) (string, bool) {
	t.Helper()
	off, n := partition(t, raw)
	part := writeFile(t, t.TempDir(), "part.img", raw[off:off+n])
	out, err := exec.Command(tool(t, "fsck.fat"), "-n", part).CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("fsck.fat: %v", err)
	}
	return strings.ReplaceAll(string(out), part, "C:"), err == nil
}

// sameBytes reports a mismatch between got and want by the first
// differing offset, not by printing megabytes.
func sameBytes(t testing.TB, what string, got, want []byte) {
	t.Helper()
	if bytes.Equal(got, want) {
		return
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	diff := 0
	for j := range min(len(got), len(want)) {
		if got[j] != want[j] {
			diff++
		}
	}
	t.Errorf("%s: %d bytes, want %d; first difference at offset %d (sector %d of the file), %d bytes differ",
		what, len(got), len(want), i, i/512, diff)
}

// hashFile returns the SHA-256 of a file, hex encoded.
func hashFile(t testing.TB, name string) string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// copyFile copies src to dst with mode perm.
func copyFile(t testing.TB, src, dst string, perm os.FileMode) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dst, perm); err != nil {
		t.Fatal(err)
	}
}

// Image kinds the disk tests run on.
const (
	kindFixed        = "fixed"
	kindDynamic      = "dynamic"
	kindDifferencing = "differencing"
)

// testImage is a FreeDOS disk prepared for a test.
type testImage struct {
	path   string // the image to boot
	parent string // the read-only parent of a differencing image, else ""
}

// makeImage returns an image of the given kind in a fresh folder holding
// the shared FreeDOS disk with files put into C:\. The host's changes go
// in through package vhd:
//   - fixed: a new fixed VHD of the same size and geometry, written whole;
//   - dynamic: a copy of the shared (qemu-img made) dynamic VHD, with the
//     changed sectors written into it;
//   - differencing: a new child of a read-only copy of the shared image,
//     holding only the changed sectors.
func makeImage(t testing.TB, kind string, files map[string][]byte) testImage {
	t.Helper()
	src := sharedImage(t)
	orig := flatten(t, src)
	mod := withFiles(t, orig, files)
	dir := t.TempDir()
	var img testImage
	var d *vhd.Disk
	var err error
	switch kind {
	case kindFixed:
		img.path = filepath.Join(dir, "fixed.vhd")
		d, err = vhd.Create(img.path, vhd.CreateOptions{Type: vhd.Fixed, Size: int64(len(mod))})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.WriteAt(mod, 0); err != nil {
			t.Fatal(err)
		}
	case kindDynamic:
		img.path = filepath.Join(dir, "dynamic.vhd")
		copyFile(t, src, img.path, 0o644)
		d, err = vhd.Open(img.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		writeChanged(t, d, orig, mod)
	case kindDifferencing:
		img.parent = filepath.Join(dir, "parent.vhd")
		copyFile(t, src, img.parent, 0o444)
		img.path = filepath.Join(dir, "child.vhd")
		d, err = vhd.CreateDifferencing(img.path, img.parent, nil)
		if err != nil {
			t.Fatal(err)
		}
		writeChanged(t, d, orig, mod)
	default:
		t.Fatalf("unknown image kind %q", kind)
	}
	// The guest must see the geometry the disk was partitioned with.
	s, err := vhd.Open(src, &vhd.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	want, wantSize := s.Geometry(), s.Size()
	s.Close()
	if g := d.Geometry(); g != want || d.Size() != wantSize {
		t.Fatalf("%s image: geometry %v and size %d, the shared image has %v and %d", kind, g, d.Size(), want, wantSize)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if got := flatten(t, img.path); !bytes.Equal(got, mod) {
		t.Fatalf("%s image: reading back through package vhd does not give the bytes written", kind)
	}
	return img
}

// writeChanged writes into d the sectors in which mod differs from orig.
func writeChanged(t testing.TB, d *vhd.Disk, orig, mod []byte) {
	t.Helper()
	const sector = 512
	for off := 0; off < len(mod); off += sector {
		end := off
		for end < len(mod) && !bytes.Equal(orig[end:end+sector], mod[end:end+sector]) {
			end += sector
		}
		if end == off {
			continue
		}
		if _, err := d.WriteAt(mod[off:end], int64(off)); err != nil {
			t.Fatal(err)
		}
		off = end
	}
}

// TestPiecesDiffer checks what the disk tests rely on: the sector-sized
// pieces of BIG1.BIN (at multiples of 512 in the file) are all different.
func TestPiecesDiffer(t *testing.T) {
	if len(wantBig) < 2<<20 || len(wantBig) > 2200000 {
		t.Errorf("BIG1.BIN has %d bytes, want about 2 MB", len(wantBig))
	}
	seen := map[string]int{}
	for i := 0; i+512 <= len(wantBig); i += 512 {
		if j, ok := seen[string(wantBig[i:i+512])]; ok {
			t.Fatalf("the pieces at %d and %d of BIG1.BIN are the same", j, i)
		}
		seen[string(wantBig[i:i+512])] = i
	}
}
