package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pcemu/fat"
	"pcemu/internal/fattest"
	"pcemu/internal/shared"
	"pcemu/vhd"
)

// fatDisk makes a raw image holding a FAT volume of the given type made
// by mkfs.fat: FAT12 a 1.44M diskette (no partition table), FAT16 and
// FAT32 a hard disk with an MBR whose partition 1 starts at sector 63.
// It returns the image and the volume's byte offset and size.
func fatDisk(t *testing.T, typ int) (img string, off, size int64) {
	t.Helper()
	if typ == 12 {
		return fattest.Mkfs(t, 12, 1440), 0, 1440 << 10
	}
	const start = 63
	sectors := int64(32 << 11)
	extra := []string{}
	if typ == 32 {
		sectors, extra = 48<<11, []string{"-s", "1"}
	}
	img = filepath.Join(t.TempDir(), fmt.Sprintf("fat%d.img", typ))
	disk := make([]byte, (start+sectors)*512)
	m := fat.MBR{Signature: fat.BootSignature}
	m.Partitions[0] = fat.PartitionEntry{Status: 0x80, Type: map[int]uint8{16: 0x06, 32: 0x0C}[typ], StartLBA: start, Sectors: uint32(sectors)}
	m.Encode(disk)
	if err := os.WriteFile(img, disk, 0o644); err != nil {
		t.Fatal(err)
	}
	args := append([]string{"-F", fmt.Sprint(typ), "--offset", fmt.Sprint(start), "-h", fmt.Sprint(start), "--invariant"}, extra...)
	fattest.Run(t, "mkfs.fat", append(args, img, fmt.Sprint(sectors/2))...)
	return img, start * 512, sectors * 512
}

// asVHD converts a raw image with qemu-img (the reference) to a fixed or
// dynamic VHD of the same size, or makes a differencing child (ours) of a
// dynamic one.
func asVHD(t *testing.T, raw, kind string) (img, parent string) {
	t.Helper()
	if kind == "raw" {
		return raw, ""
	}
	sub := kind
	if kind == "differencing" {
		sub = "dynamic"
	}
	out := filepath.Join(t.TempDir(), sub+".vhd")
	runTool(t, shared.Tool(t, "qemu-img"), "convert", "-f", "raw", "-O", "vpc", "-o", "subformat="+sub+",force_size=on", raw, out)
	if kind != "differencing" {
		return out, ""
	}
	child := filepath.Join(t.TempDir(), "child.vhd")
	vtOK(t, "create", "--parent", out, child)
	return child, out
}

// toRaw reads an image back as a raw disk through qemu-img (not our VHD
// code), so that the checks see what another tool sees.
func toRaw(t *testing.T, img string) string {
	t.Helper()
	if !strings.HasSuffix(img, ".vhd") {
		return img
	}
	out := filepath.Join(t.TempDir(), "back.img")
	if strings.HasSuffix(img, "child.vhd") {
		// qemu-img has no differencing VHDs: our convert flattens the
		// chain (the FAT checks stay independent of our FAT code).
		vtOK(t, "convert", "-O", "raw", img, out)
		return out
	}
	runTool(t, shared.Tool(t, "qemu-img"), "convert", "-f", "vpc", "-O", "raw", img, out)
	return out
}

func sum(t *testing.T, name string) [32]byte {
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// vhdtool cp -r puts a folder into FAT12/16/32 volumes in raw, fixed,
// dynamic and differencing images; fsck.fat -n finds the volume clean and
// mtools reads back the same names and bytes; vhdtool cp -r reads back
// what mtools wrote; a differencing child's parent is left unchanged.
func TestCpRoundTrip(t *testing.T) {
	for _, typ := range []int{12, 16, 32} {
		for _, kind := range []string{"raw", "fixed", "dynamic", "differencing"} {
			t.Run(fmt.Sprintf("FAT%d/%s", typ, kind), func(t *testing.T) {
				raw, off, size := fatDisk(t, typ)
				img, parent := asVHD(t, raw, kind)
				var parentSum [32]byte
				if parent != "" {
					parentSum = sum(t, parent)
				}
				tree := fattest.Tree(t, 2048)
				vtOK(t, "cp", "-r", tree+"/.", img+":/")
				if parent != "" && sum(t, parent) != parentSum {
					t.Error("writing to the child changed its parent")
				}
				back := toRaw(t, img)
				vol := fattest.Extract(t, back, off, size)
				fattest.Fsck(t, vol)
				out := t.TempDir()
				fattest.Run(t, "mcopy", "-i", vol, "-s", "-n", "-m", "::/*", out)
				fattest.Compare(t, tree, out)

				// The other way: what mtools puts in, vhdtool takes out.
				extra := filepath.Join(t.TempDir(), "From mtools.txt")
				os.WriteFile(extra, []byte("written by mcopy\n"), 0o644)
				fattest.Run(t, "mcopy", "-i", vol, extra, "::/sub/")
				fattest.Run(t, "mmd", "-i", vol, "::/newdir")
				mixed := vol
				if kind != "raw" || typ != 12 {
					mixed = filepath.Join(t.TempDir(), "mixed.img")
					b, _ := os.ReadFile(back)
					v, _ := os.ReadFile(vol)
					copy(b[off:], v)
					os.WriteFile(mixed, b, 0o644)
				}
				got := t.TempDir()
				vtOK(t, "cp", "-r", mixed+":/", got)
				os.WriteFile(filepath.Join(tree, "sub", "From mtools.txt"), []byte("written by mcopy\n"), 0o644)
				os.Mkdir(filepath.Join(tree, "newdir"), 0o755)
				fattest.Compare(t, tree, got)
			})
		}
	}
}

// ls shows 8.3 and long names, sizes and folders; a file path shows one
// entry; -r descends.
func TestLs(t *testing.T) {
	raw, _, _ := fatDisk(t, 16)
	img, _ := asVHD(t, raw, "dynamic")
	tree := fattest.Tree(t, 2048)
	vtOK(t, "cp", "-r", tree+"/.", img+":")
	out := vtOK(t, "ls", img)
	for _, w := range []string{"2001-02-03 04:05          100  README.TXT", "LONGFI~1.TXT  Long File Name.txt",
		"<DIR>  SUB           sub", "0  EMPTY         empty", "6 file(s), 10854 bytes"} {
		if !strings.Contains(out, w) {
			t.Errorf("ls lacks %q:\n%s", w, out)
		}
	}
	out = vtOK(t, "ls", img+"@1:\\SUB\\NESTED\\X.Y")
	if !strings.Contains(out, "1  X.Y           x.y") || !strings.Contains(out, "1 file(s), 1 bytes") {
		t.Errorf("ls of one file:\n%s", out)
	}
	out = vtOK(t, "ls", "-r", img+":sub")
	if !strings.Contains(out, "Directory of \\sub/nested/deeper") && !strings.Contains(out, "Directory of \\sub\\nested\\deeper") {
		t.Errorf("ls -r:\n%s", out)
	}
	if !strings.Contains(out, "70000  LEAF.DAT") {
		t.Errorf("ls -r lacks the deepest file:\n%s", out)
	}
}

// Refusals: an image in use, existing files without -f, folders without
// -r, a missing path, a partition that is not there, special files.
func TestCpRefusals(t *testing.T) {
	raw, _, _ := fatDisk(t, 16)
	img, _ := asVHD(t, raw, "dynamic")
	host := filepath.Join(t.TempDir(), "a.txt")
	os.WriteFile(host, []byte("one"), 0o644)
	vtOK(t, "cp", host, img+":/")

	expectFail := func(want string, args ...string) {
		t.Helper()
		r := vt(t, args...)
		if r.code == 0 || !strings.Contains(r.stderr, want) {
			t.Errorf("vhdtool %s: exit %d, stderr %q; want an error with %q", strings.Join(args, " "), r.code, r.stderr, want)
		}
	}
	expectFail("exists (use -f to replace it)", "cp", host, img+":/A.TXT")
	os.WriteFile(host, []byte("two!"), 0o644)
	vtOK(t, "cp", "-f", host, img+":/a.txt")
	dir := t.TempDir()
	vtOK(t, "cp", img+":a.txt", dir)
	if b, _ := os.ReadFile(filepath.Join(dir, "a.txt")); string(b) != "two!" {
		t.Errorf("after cp -f the file holds %q", b)
	}
	expectFail("exists (use -f to replace it)", "cp", img+":a.txt", dir)
	expectFail("is a directory (use -r)", "cp", dir, img+":/")
	expectFail("is a directory (use -r)", "cp", img+":/", dir)
	expectFail("file does not exist", "cp", img+":/nothing.txt", dir)
	expectFail("file does not exist", "ls", img+":/nothing")
	expectFail("there is no partition 3", "ls", img+"@3:/")
	expectFail("is not a regular file", "cp", "/dev/null", img+":/")
	expectFail("no such image file", "ls", filepath.Join(dir, "missing.img"))
	if r := vt(t, "cp", host, dir); r.code != 2 {
		t.Errorf("cp between host paths: exit %d, want 2 (usage)", r.code)
	}

	// In use: pcemu (here the vhd package) has the image open for writing.
	d, err := vhd.Open(img, nil)
	if err != nil {
		t.Fatal(err)
	}
	expectFail("image is in use", "cp", host, img+":/b.txt")
	expectFail("image is in use", "ls", img)
	d.Close()
	rawImg := fattest.Mkfs(t, 12, 1440)
	f, _ := os.OpenFile(rawImg, os.O_RDWR, 0)
	if err := vhd.LockFile(f, false); err != nil {
		t.Fatal(err)
	}
	expectFail("image is in use", "cp", host, rawImg+":/")
	f.Close()
	vtOK(t, "cp", host, rawImg+":/")
	fattest.Fsck(t, rawImg)
}

// ls and cp open an image as pcemu opens -hda (disk.Open): a raw image
// named .vhd needs raw:, one without write permission is not written (even
// for root), and writing a parent with a child beside it warns.
func TestFilesOpenAsPcemu(t *testing.T) {
	raw, _, _ := fatDisk(t, 16)
	host := filepath.Join(t.TempDir(), "a.txt")
	os.WriteFile(host, []byte("one"), 0o644)

	named := filepath.Join(t.TempDir(), "raw.vhd")
	b, _ := os.ReadFile(raw)
	os.WriteFile(named, b, 0o644)
	if r := vt(t, "ls", named); r.code == 0 || !strings.Contains(r.stderr, "cookie") {
		t.Errorf("ls of a raw image named .vhd: exit %d, stderr %q; want the VHD footer refused", r.code, r.stderr)
	}
	vtOK(t, "cp", host, "raw:"+named+":/")
	if out := vtOK(t, "ls", "raw:"+named); !strings.Contains(out, "A.TXT") {
		t.Errorf("ls raw:IMAGE after cp:\n%s", out)
	}

	os.Chmod(raw, 0o444)
	if r := vt(t, "cp", host, raw+":/"); r.code == 0 || !strings.Contains(r.stderr, "read-only") {
		t.Errorf("cp into an image without write permission: exit %d, stderr %q", r.code, r.stderr)
	}
	vtOK(t, "ls", raw)
	os.Chmod(raw, 0o644)

	parent, _ := asVHD(t, raw, "dynamic")
	vtOK(t, "create", "--parent", parent, filepath.Join(filepath.Dir(parent), "child.vhd"))
	r := vt(t, "cp", host, parent+":/")
	if r.code != 0 || !strings.Contains(r.stderr, "differencing child beside it") {
		t.Errorf("cp into a parent: exit %d, stderr %q; want the child's warning", r.code, r.stderr)
	}
}
