package fat

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

// run runs a tool and fails the test with its output on error.
func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(shared.Tool(t, name), args...)
	cmd.Env = append(os.Environ(), "MTOOLS_SKIP_CHECK=1", "MTOOLS_NO_VFAT=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// mkfs makes a raw image of kib KiB holding one FAT volume of the given
// type (12, 16, 32) made by mkfs.fat; extra arguments go to mkfs.fat.
func mkfs(t testing.TB, typ, kib int, extra ...string) string {
	t.Helper()
	img := filepath.Join(t.TempDir(), fmt.Sprintf("fat%d.img", typ))
	args := append([]string{"-C", "-F", fmt.Sprint(typ), "-i", "12345678", "--invariant"}, extra...)
	run(t, "mkfs.fat", append(args, img, fmt.Sprint(kib))...)
	return img
}

// fsck runs fsck.fat -n (check only) and fails unless the volume is clean.
func fsck(t testing.TB, img string) {
	t.Helper()
	cmd := exec.Command(shared.Tool(t, "fsck.fat"), "-n", "-v", img)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Contains(string(out), "differences") || strings.Contains(string(out), "Free cluster summary wrong") {
		t.Fatalf("fsck.fat -n %s: %v\n%s", img, err, out)
	}
}

// hostTree is a set of files and folders on the host to put into images:
// long names, names that need shortening, empty and odd-sized files, a
// directory big enough to need several clusters, nesting.
func hostTree(t testing.TB, clusterHint int) string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	data := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return b
	}
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
	for name, n := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data(n), 0o644); err != nil {
			t.Fatal(err)
		}
		mt := time.Date(2001, 2, 3, 4, 5, 6, 0, time.Local)
		os.Chtimes(p, mt, mt)
	}
	return dir
}

// compareTrees fails unless the two folders hold the same names (case
// and all) and bytes.
func compareTrees(t testing.TB, want, got string) {
	t.Helper()
	list := func(root string) map[string][]byte {
		m := map[string][]byte{}
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(root, p)
			if d.IsDir() {
				m[rel+"/"] = nil
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			m[rel] = b
			return nil
		})
		return m
	}
	w, g := list(want), list(got)
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

// openImage opens the volume of a raw image file.
func openImage(t testing.TB, img string, writable bool) (*FS, *os.File) {
	t.Helper()
	flag := os.O_RDONLY
	if writable {
		flag = os.O_RDWR
	}
	f, err := os.OpenFile(img, flag, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	st, _ := f.Stat()
	off, n, err := FindVolume(f, st.Size(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var v *FS
	if writable {
		v, err = OpenWritable(f, off, n, nil)
	} else {
		v, err = Open(f, off, n, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return v, f
}
