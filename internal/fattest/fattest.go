// Package fattest holds what the tests of FAT volumes share: making
// volumes with mkfs.fat, checking them with fsck.fat, running mtools, a
// folder of test files with long names and odd sizes, and comparing
// folders. It does not import package fat, so that fat's own tests can use
// it.
package fattest

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"pcemu/internal/shared"
)

// Run runs an external tool (found with shared.Tool) and fails the test
// with its output on error. mtools is told to skip its consistency check
// of the drive geometry, as images made in tests need not have one.
func Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(shared.Tool(t, name), args...)
	cmd.Env = append(os.Environ(), "MTOOLS_SKIP_CHECK=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Mkfs makes a raw image of kib KiB holding one FAT volume of the given
// type (12, 16, 32) made by mkfs.fat; extra arguments go to mkfs.fat.
func Mkfs(t testing.TB, typ, kib int, extra ...string) string {
	t.Helper()
	img := filepath.Join(t.TempDir(), fmt.Sprintf("fat%d.img", typ))
	args := append([]string{"-C", "-F", fmt.Sprint(typ), "-i", "12345678", "--invariant"}, extra...)
	Run(t, "mkfs.fat", append(args, img, fmt.Sprint(kib))...)
	return img
}

// Fsck runs fsck.fat -n (check, change nothing) on a volume image and
// fails unless it is clean.
func Fsck(t testing.TB, img string) {
	t.Helper()
	out, err := exec.Command(shared.Tool(t, "fsck.fat"), "-n", "-v", img).CombinedOutput()
	if err != nil || bytes.Contains(out, []byte("differences")) || bytes.Contains(out, []byte("wrong")) {
		t.Fatalf("fsck.fat -n %s: %v\n%s", img, err, out)
	}
}

// Extract writes n bytes at off of the file img (a partition of a disk)
// to a new file, for the tools that take no offset.
func Extract(t testing.TB, img string, off, n int64) string {
	t.Helper()
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, n)
	if _, err := f.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "volume.img")
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// Tree makes a folder of test files: long names, names that need
// shortening, an upper-case 8.3 name, an empty file, sizes around the
// cluster size, nesting, a folder of 40 files (several directory clusters
// with long names), a non-ASCII name. All files are dated 2001-02-03
// 04:05:06 local time.
func Tree(t testing.TB, clusterHint int) string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	files := map[string]int{
		"README.TXT":                    100,
		"lower.txt":                     513,
		"Long File Name.txt":            clusterHint + 1,
		"My.Long.File.Name.text":        3 * clusterHint,
		"empty":                         0,
		"exact.bin":                     clusterHint,
		"sub/nested/deeper/leaf.dat":    70000,
		"sub/a file with spaces.doc":    10,
		"sub/nested/x.y":                1,
		"Mixed Case Folder/Ünïcödé.txt": 42,
	}
	for i := range 40 {
		files[fmt.Sprintf("many/file number %03d.txt", i)] = i * 37
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	mt := time.Date(2001, 2, 3, 4, 5, 6, 0, time.Local)
	for _, name := range names {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		b := make([]byte, files[name])
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Listing is a folder's contents: relative slash paths (folders end in
// "/") to their bytes.
func Listing(t testing.TB, root string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if d.IsDir() {
			m[rel+"/"] = nil
			return nil
		}
		b, err := os.ReadFile(p)
		m[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Compare fails unless the two folders hold the same names (case and
// all) and bytes.
func Compare(t testing.TB, want, got string) {
	t.Helper()
	CompareListings(t, Listing(t, want), Listing(t, got))
}

// CompareListings fails unless the listings are the same, naming each
// difference.
func CompareListings(t testing.TB, w, g map[string][]byte) {
	t.Helper()
	var names []string
	for n := range w {
		names = append(names, n)
	}
	for n := range g {
		if _, ok := w[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		wb, wok := w[n]
		gb, gok := g[n]
		switch {
		case !gok:
			t.Errorf("%s: missing", n)
		case !wok:
			t.Errorf("%s: not expected", n)
		case !bytes.Equal(wb, gb):
			t.Errorf("%s: %d bytes differ from the %d expected", n, len(gb), len(wb))
		}
	}
}
