package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pcemu/internal/shared"
	"pcemu/vhd"
)

// vhdtoolBin is the command built once for all tests.
var vhdtoolBin string

func TestMain(m *testing.M) {
	// A test run again inside a namespace (internal/fullfs) uses the
	// program the first run built.
	if bin := os.Getenv("PCEMU_VHDTOOL_BIN"); bin != "" {
		vhdtoolBin = bin
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "vhdtool-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	vhdtoolBin = filepath.Join(dir, "vhdtool")
	os.Setenv("PCEMU_VHDTOOL_BIN", vhdtoolBin)
	out, err := exec.Command("go", "build", "-o", vhdtoolBin, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

// vt runs the built vhdtool; a run that takes more than a minute is killed
// and fails the test.
func vt(t testing.TB, args ...string) result {
	t.Helper()
	return vtWithin(t, time.Minute, args...)
}

// vtWithin runs the built vhdtool, killed after d.
func vtWithin(t testing.TB, d time.Duration, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cmd := exec.CommandContext(ctx, vhdtoolBin, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("vhdtool %s: still running after %v", strings.Join(args, " "), d)
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, o.String(), e.String()}
}

func vtOK(t testing.TB, args ...string) string {
	t.Helper()
	r := vt(t, args...)
	if r.code != 0 {
		t.Fatalf("vhdtool %s: exit %d\n%s%s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

func runTool(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func info(t testing.TB, file string) map[string]any {
	t.Helper()
	var m map[string]any
	out := vtOK(t, "info", "--json", file)
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("info --json: %v\n%s", err, out)
	}
	return m
}

func TestCreateAndInfo(t *testing.T) {
	qimg := shared.Tool(t, "qemu-img")
	dir := t.TempDir()
	for _, c := range []struct {
		args               []string
		typ                string
		size               float64
		cyl, heads, sec    float64
		blockSize, creator any
	}{
		{[]string{"--size", "64M"}, "dynamic", 67125248, 964, 8, 17, 2097152.0, "pcem"},
		{[]string{"--type", "fixed", "--size", "10485760"}, "fixed", 302 * 4 * 17 * 512, 302, 4, 17, nil, "pcem"},
		{[]string{"--size", "1G", "--force-size", "--block-size", "512K"}, "dynamic", 1 << 30, 65535, 16, 255, 524288.0, "qem2"},
		{[]string{"--size", "127G"}, "dynamic", 65279 * 16 * 255 * 512, 65279, 16, 255, 2097152.0, "pcem"},
	} {
		file := filepath.Join(dir, c.typ+"-"+c.args[len(c.args)-1]+".vhd")
		vtOK(t, append(append([]string{"create"}, c.args...), file)...)
		m := info(t, file)
		for _, k := range []string{"type", "virtual_size", "current_size", "original_size", "cylinders", "heads",
			"sectors_per_track", "creator_app", "uuid", "file_size"} {
			if _, ok := m[k]; !ok {
				t.Errorf("info --json lacks %q", k)
			}
		}
		if m["type"] != c.typ || m["cylinders"] != c.cyl || m["heads"] != c.heads || m["sectors_per_track"] != c.sec ||
			m["creator_app"] != c.creator || m["block_size"] != c.blockSize {
			t.Errorf("%v: info %v", c.args, m)
		}
		if c.typ == "dynamic" && m["allocated_blocks"] != 0.0 {
			t.Errorf("allocated_blocks %v", m["allocated_blocks"])
		}
		if m["virtual_size"] != c.size {
			t.Errorf("%v: virtual_size %v want %v", c.args, m["virtual_size"], c.size)
		}
		var q struct {
			VirtualSize float64 `json:"virtual-size"`
		}
		json.Unmarshal([]byte(runTool(t, qimg, "info", "-f", "vpc", "--output=json", file)), &q)
		if q.VirtualSize != m["virtual_size"] {
			t.Errorf("%v: qemu-img says %v, we say %v", c.args, q.VirtualSize, m["virtual_size"])
		}
		if !strings.Contains(vtOK(t, "info", file), "virtual size:") {
			t.Error("plain info")
		}
	}
	// A child.
	base := filepath.Join(dir, "fixed-10485760.vhd")
	child := filepath.Join(dir, "child.vhd")
	vtOK(t, "create", "--parent", base, child)
	m := info(t, child)
	if m["type"] != "differencing" || m["parent"] != base || m["virtual_size"] != 302*4*17*512.0 {
		t.Errorf("child info %v", m)
	}
	// freedos image, read-only.
	fd := shared.Path(t, "images/freedos-hd.vhd")
	m = info(t, fd)
	if m["virtual_size"] != 33562624.0 || m["creator_app"] != "qemu" || m["allocated_blocks"] == nil {
		t.Errorf("freedos info %v", m)
	}
}

func TestUsageAndErrors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.vhd")
	vtOK(t, "create", "--size", "1M", good)
	for _, args := range [][]string{
		{}, {"frobnicate"}, {"create"}, {"create", "--size", "12Q", "x.vhd"}, {"create", "--type", "sparse", "--size", "1M", "x.vhd"},
		{"create", "x.vhd"}, {"create", "--parent", good, "--size", "1M", "x.vhd"}, {"info"}, {"info", "--bogus", good},
		{"convert", good}, {"convert", "-O", "qcow2", good, "y"}, {"check", "a", "b"}, {"commit"},
	} {
		r := vt(t, args...)
		if r.code != 2 || !strings.HasPrefix(r.stderr, "vhdtool: ") || !strings.Contains(r.stderr, "usage:") {
			t.Errorf("vhdtool %q: exit %d, stderr %q; want a usage error (2)", args, r.code, r.stderr)
		}
	}
	missing := filepath.Join(dir, "missing.vhd")
	bad := filepath.Join(dir, "bad.vhd")
	b, _ := os.ReadFile(good)
	b[512+32] = 0x0B // block_size high byte, checksum now wrong
	os.WriteFile(bad, b, 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"info", missing}, "vhdtool: " + missing + ": no such file or directory\n"},
		{[]string{"info", bad}, "vhdtool: " + bad + ": dynamic header: checksum is"},
		{[]string{"create", "--size", "1M", good}, "vhdtool: " + good + ": create: file exists"},
		{[]string{"create", "--size", "3000G", filepath.Join(dir, "big.vhd")}, "exceeds the 2040 GiB maximum"},
		{[]string{"create", "--size", "1M", "--block-size", "3000", filepath.Join(dir, "bs.vhd")}, "block size 3000 must be a power of two"},
		{[]string{"convert", missing, filepath.Join(dir, "out")}, "vhdtool: " + missing + ": no such file"},
		{[]string{"convert", good, good}, "vhdtool: " + good + ": file exists"},
		{[]string{"commit", good}, "vhdtool: " + good + ": commit: a dynamic disk has no parent"},
	} {
		r := vt(t, c.args...)
		if r.code != 1 || !strings.HasPrefix(r.stderr, "vhdtool: ") || !strings.Contains(r.stderr, c.want) {
			t.Errorf("vhdtool %q: exit %d, stderr %q; want exit 1 and %q", c.args, r.code, r.stderr, c.want)
		}
	}
	if r := vt(t, "--help"); r.code != 0 || !strings.Contains(r.stdout, "usage:") {
		t.Errorf("--help: %+v", r)
	}
}

func TestCheckCommand(t *testing.T) {
	dir := t.TempDir()
	img := filepath.Join(dir, "c.vhd")
	vtOK(t, "create", "--size", "8M", img)
	d, err := vhd.Open(img, nil)
	if err != nil {
		t.Fatal(err)
	}
	d.WriteAt(bytes.Repeat([]byte("x"), 4096), 0)
	d.WriteAt(bytes.Repeat([]byte("y"), 4096), 4<<20)
	d.Close()
	if out := vtOK(t, "check", img); !strings.Contains(out, "no errors") {
		t.Fatalf("check: %s", out)
	}
	good, _ := os.ReadFile(img)
	// Two problems: a damaged footer copy and a BAT entry into the header.
	b := append([]byte(nil), good...)
	b[60] ^= 1
	b[1536+3] = 1 // entry 0 -> sector 1 (after the first three bytes, which are zero)
	b[1536], b[1537], b[1538] = 0, 0, 0
	os.WriteFile(img, b, 0o644)
	r := vt(t, "check", img)
	if r.code != 1 || !strings.Contains(r.stdout, "footer copy at offset 0: checksum") ||
		!strings.Contains(r.stdout, "BAT: entry 0 (sector 1) points into the dynamic header") ||
		!strings.Contains(r.stderr, "vhdtool: "+img+": 2 error(s) found") {
		t.Fatalf("check of a damaged image: %+v", r)
	}
	// The dry run says what -r all would do and does nothing.
	r = vt(t, "check", "-r", "all", "--dry-run", img)
	if r.code != 1 || !strings.Contains(r.stdout, img+": would repair: restored the footer copy") ||
		!strings.Contains(r.stdout, img+": would repair: re-linked BAT entry 0") {
		t.Fatalf("dry run: %+v", r)
	}
	if now, _ := os.ReadFile(img); !bytes.Equal(now, b) {
		t.Fatal("the dry run changed the image")
	}
	// The block entry 0 lost is the only orphaned one: re-linked.
	r = vt(t, "check", "--repair", img)
	if r.code != 0 || !strings.Contains(r.stdout, "repaired: restored the footer copy") || !strings.Contains(r.stdout, "repaired: re-linked BAT entry 0") ||
		!strings.Contains(r.stdout, "saved in "+img+".repair-backup (vhdtool undo-repair "+img+" puts them back)") {
		t.Fatalf("repair: %+v", r)
	}
	vtOK(t, "check", img)
	if now, _ := os.ReadFile(img); !bytes.Equal(now, good) {
		t.Fatal("the repaired image is not the original")
	}
	vtOK(t, "undo-repair", img)
	if now, _ := os.ReadFile(img); !bytes.Equal(now, b) {
		t.Fatal("undo-repair did not restore the damaged image")
	}
	if r := vt(t, "check", "-r", "most", img); r.code != 2 || !strings.Contains(r.stderr, `-r "most": want leaks or all`) {
		t.Fatalf("bad level: %+v", r)
	}
	// A leaked block is a warning: exit 0.
	b = append([]byte(nil), good...)
	copy(b[1536+4*2:], []byte{0xFF, 0xFF, 0xFF, 0xFF})
	os.WriteFile(img, b, 0o644)
	r = vt(t, "check", img)
	if r.code != 0 || !strings.Contains(r.stdout, "warning:") || !strings.Contains(r.stdout, "leaked") {
		t.Fatalf("leak: %+v", r)
	}
	// It holds data: no repair cuts it without --discard-orphans.
	for _, level := range []string{"leaks", "all"} {
		if r = vt(t, "check", "-r", level, img); r.code != 0 || strings.Contains(r.stdout, "repaired") || !strings.Contains(r.stdout, "holds data: kept in place") {
			t.Fatalf("-r %s: %+v", level, r)
		}
	}
	if now, _ := os.ReadFile(img); !bytes.Equal(now, b) {
		t.Fatal("a repair without --discard-orphans changed the image")
	}
	r = vt(t, "check", "-r", "leaks", "--discard-orphans", img)
	if r.code != 0 || !strings.Contains(r.stdout, "repaired: cut 2097664 bytes of orphaned blocks and leaked space holding data at the end of the file (--discard-orphans)") {
		t.Fatalf("--discard-orphans: %+v", r)
	}
	if r := vt(t, "check", "--discard-orphans", img); r.code != 2 {
		t.Fatalf("--discard-orphans without -r: %+v", r)
	}
}

func TestConvertAndCommit(t *testing.T) {
	qimg := shared.Tool(t, "qemu-img")
	dir := t.TempDir()
	p := func(n string) string { return filepath.Join(dir, n) }
	r := rand.New(rand.NewPCG(9, 9))
	// A raw disk with data in a few places and zero 2 MiB regions.
	raw := make([]byte, 20<<20)
	for _, off := range []int{0, 5<<20 + 512, 11 << 20, 20<<20 - 4096} {
		for i := 0; i < 4096; i++ {
			raw[off+i] = byte(r.Uint32())
		}
	}
	// A block that exists in a sparse raw file but holds only zeros.
	os.WriteFile(p("src.raw"), raw, 0o644)

	vtOK(t, "convert", "-O", "dynamic", p("src.raw"), p("dyn.vhd"))
	m := info(t, p("dyn.vhd"))
	if m["allocated_blocks"] != 4.0 {
		t.Errorf("dynamic output allocated %v blocks, want 4 (zero blocks are skipped)", m["allocated_blocks"])
	}
	runTool(t, qimg, "compare", "-f", "raw", "-F", "vpc", p("src.raw"), p("dyn.vhd"))
	vtOK(t, "convert", "-O", "fixed", p("dyn.vhd"), p("fixed.vhd"))
	runTool(t, qimg, "compare", "-f", "raw", "-F", "vpc", p("src.raw"), p("fixed.vhd"))
	res := vt(t, "convert", "-O", "raw", "--progress", p("fixed.vhd"), p("back.raw"))
	if res.code != 0 || !strings.Contains(res.stderr, "100%") || !strings.Contains(res.stderr, "[####") {
		t.Fatalf("convert --progress: %+v", res)
	}
	back, _ := os.ReadFile(p("back.raw"))
	if !bytes.Equal(back[:len(raw)], raw) || len(back) < len(raw) {
		t.Fatal("raw round trip differs")
	}
	// Dynamic output of a qemu-made image keeps qemu's size.
	runTool(t, qimg, "convert", "-f", "raw", "-O", "vpc", "-o", "force_size=on", p("src.raw"), p("q.vhd"))
	vtOK(t, "convert", p("q.vhd"), p("fromq.vhd"))
	if m := info(t, p("fromq.vhd")); m["virtual_size"] != float64(len(raw)) {
		t.Errorf("size of a converted force_size image: %v", m["virtual_size"])
	}

	// A raw file whose size is not whole sectors: rounded up, tail zero.
	odd := raw[:1000001]
	os.WriteFile(p("odd.raw"), odd, 0o644)
	vtOK(t, "convert", p("odd.raw"), p("odd.vhd"))
	runTool(t, qimg, "compare", "-f", "raw", "-F", "vpc", p("odd.raw"), p("odd.vhd"))
	if m := info(t, p("odd.vhd")); m["virtual_size"].(float64) < 1000001 {
		t.Errorf("odd size: %v", m["virtual_size"])
	}

	// A chain is flattened by convert; commit merges it into the parent.
	vtOK(t, "create", "--parent", p("dyn.vhd"), p("child.vhd"))
	c, err := vhd.Open(p("child.vhd"), nil)
	if err != nil {
		t.Fatal(err)
	}
	patch := bytes.Repeat([]byte{0xEE}, 3000)
	c.WriteAt(patch, 7<<20+100)
	c.Close()
	copy(raw[7<<20+100:], patch)
	vtOK(t, "convert", "-O", "raw", p("child.vhd"), p("flat.raw"))
	flat, _ := os.ReadFile(p("flat.raw"))
	if !bytes.Equal(flat[:len(raw)], raw) {
		t.Fatal("flattened chain differs")
	}
	if out := vtOK(t, "commit", p("child.vhd")); !strings.Contains(out, "Committed") {
		t.Fatal(out)
	}
	os.WriteFile(p("want.raw"), raw, 0o644)
	runTool(t, qimg, "compare", "-f", "raw", "-F", "vpc", p("want.raw"), p("dyn.vhd"))
	vtOK(t, "check", p("dyn.vhd"))
	vtOK(t, "check", p("child.vhd"))
}
