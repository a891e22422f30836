package fat

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// volumes are the FAT types with mkfs.fat's arguments: a 1.44M diskette,
// a 32 MiB FAT16 disk, a FAT32 volume just big enough to be FAT32 with
// 512-byte clusters.
var volumes = []struct {
	typ, kib int
	extra    []string
}{
	{12, 1440, nil},
	{16, 32 << 10, nil},
	{32, 40 << 10, []string{"-s", "1"}},
}

// Volumes made by mkfs.fat and filled by mcopy read back with the same
// names (long names where mtools wrote them) and bytes, and pass
// testing/fstest's checks of the io/fs implementation.
func TestReadMtoolsVolumes(t *testing.T) {
	for _, v := range volumes {
		t.Run(FAT12.String()[:3]+itoa(v.typ), func(t *testing.T) {
			img := mkfs(t, v.typ, v.kib, v.extra...)
			tree := hostTree(t, 2048)
			ents, _ := os.ReadDir(tree)
			args := []string{"-i", img, "-s", "-m"}
			for _, e := range ents {
				args = append(args, filepath.Join(tree, e.Name()))
			}
			run(t, "mcopy", append(args, "::/")...)
			fsys, _ := openImage(t, img, false)
			if fsys.Type != Type(v.typ) {
				t.Fatalf("type %v, mkfs.fat made FAT%d", fsys.Type, v.typ)
			}
			out := t.TempDir()
			if err := copyOut(fsys, out); err != nil {
				t.Fatal(err)
			}
			compareTrees(t, tree, out)
			if err := fstest.TestFS(fsys, "README.TXT", "sub/nested/deeper/leaf.dat", "Long File Name.txt"); err != nil {
				t.Fatal(err)
			}
			// Short names reach the same files, in any case.
			for _, p := range []string{"LONGFI~1.TXT", "sub/nested/DEEPER/LEAF.DAT", "SUB/AFILEW~1.DOC", "mylong~1.tex"} {
				if _, err := fsys.Stat(p); err != nil {
					t.Errorf("Stat(%q): %v", p, err)
				}
			}
			e, err := fsys.Entry("lower.txt")
			if err != nil {
				t.Fatal(err)
			}
			if want := time.Date(2001, 2, 3, 4, 5, 6, 0, time.Local); !e.ModTime().Equal(want) {
				t.Errorf("lower.txt modified %v, want %v", e.ModTime(), want)
			}
		})
	}
}

func itoa(n int) string { return strings.TrimLeft(string(rune('0'+n/10))+string(rune('0'+n%10)), "0") }

// copyOut copies a whole volume into a host folder, with fs.WalkDir.
func copyOut(fsys fs.FS, dir string) error {
	return fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		host := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(host, 0o755)
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		return os.WriteFile(host, b, 0o644)
	})
}

// copyIn writes a host folder into a volume with Mkdir and WriteFile.
func copyIn(v *FS, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			return v.Mkdir(filepath.ToSlash(rel), FileOptions{ModTime: info.ModTime()})
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		return v.WriteFile(filepath.ToSlash(rel), f, info.Size(), FileOptions{ModTime: info.ModTime()})
	})
}

// Files and folders written by this package pass fsck.fat -n and read back
// through mtools with the same names and bytes; removing some keeps the
// volume clean.
func TestWriteCheckedByMtoolsAndFsck(t *testing.T) {
	for _, v := range volumes {
		t.Run("FAT"+itoa(v.typ), func(t *testing.T) {
			img := mkfs(t, v.typ, v.kib, v.extra...)
			tree := hostTree(t, 2048)
			fsys, f := openImage(t, img, true)
			if err := copyIn(fsys, tree); err != nil {
				t.Fatal(err)
			}
			f.Sync()
			fsck(t, img)
			out := t.TempDir()
			run(t, "mcopy", "-i", img, "-s", "-n", "::/*", out)
			compareTrees(t, tree, out)
			listing := run(t, "mdir", "-i", img, "-/", "::/")
			for _, w := range []string{"LONGFI~1 TXT", "Long File Name.txt", "README   TXT", "lower    txt"} {
				if !strings.Contains(listing, w) {
					t.Errorf("mdir lacks %q:\n%s", w, listing)
				}
			}

			// Remove a file, a whole folder's files and the folder.
			if err := fsys.Remove("Long File Name.txt"); err != nil {
				t.Fatal(err)
			}
			if err := fsys.Remove("sub/nested"); err == nil {
				t.Fatal("removing a non-empty folder succeeded")
			}
			ents, _ := fsys.List("many")
			for _, e := range ents {
				if err := fsys.Remove("many/" + e.Name()); err != nil {
					t.Fatal(err)
				}
			}
			if err := fsys.Remove("MANY"); err != nil {
				t.Fatal(err)
			}
			fsck(t, img)
			os.Remove(filepath.Join(tree, "Long File Name.txt"))
			os.RemoveAll(filepath.Join(tree, "many"))
			out2 := t.TempDir()
			run(t, "mcopy", "-i", img, "-s", "-n", "::/*", out2)
			compareTrees(t, tree, out2)

			// Existing names are refused, in any case, long or short.
			for _, n := range []string{"readme.txt", "SUB", "My.Long.File.Name.text", "MYLONG~1.TEX"} {
				if err := fsys.WriteFile(n, strings.NewReader(""), 0, FileOptions{}); !errors.Is(err, fs.ErrExist) {
					t.Errorf("WriteFile(%q) over an existing name: %v", n, err)
				}
			}
		})
	}
}

// Filling a volume ends in ErrNoSpace with the volume still clean, and the
// fixed FAT12/16 root directory reports when it is full.
func TestWriteUntilFull(t *testing.T) {
	img := mkfs(t, 12, 360)
	fsys, f := openImage(t, img, true)
	big := make([]byte, 100<<10)
	var err error
	for i := 0; err == nil; i++ {
		err = fsys.WriteFile("f"+itoa(i%100)+string(rune('a'+i/100)), bytesReader(big), int64(len(big)), FileOptions{})
	}
	if !errors.Is(err, ErrNoSpace) {
		t.Fatalf("filling the diskette: %v, want ErrNoSpace", err)
	}
	f.Sync()
	fsck(t, img)

	img = mkfs(t, 12, 1440)
	fsys, f = openImage(t, img, true)
	err = nil
	for i := 0; !errors.Is(err, ErrNoSpace); i++ {
		err = fsys.WriteFile("File number "+itoa(i%100)+string(rune('a'+i/100))+".txt", strings.NewReader("x"), 1, FileOptions{})
		if err != nil && !errors.Is(err, ErrNoSpace) {
			t.Fatal(err)
		}
		if i > 1000 {
			t.Fatal("the root directory never filled")
		}
	}
	if !strings.Contains(err.Error(), "root directory is full") {
		t.Errorf("full root directory: %v", err)
	}
	f.Sync()
	fsck(t, img)
}

func bytesReader(b []byte) io.Reader { return strings.NewReader(string(b)) }

// Rename moves entries within and between directories (a directory's ".."
// follows it) and keeps the volume clean; names that exist and moves into
// oneself are refused.
func TestRename(t *testing.T) {
	for _, v := range volumes {
		t.Run("FAT"+itoa(v.typ), func(t *testing.T) {
			img := mkfs(t, v.typ, v.kib, v.extra...)
			tree := hostTree(t, 2048)
			fsys, f := openImage(t, img, true)
			if err := copyIn(fsys, tree); err != nil {
				t.Fatal(err)
			}
			steps := []struct{ from, to string }{
				{"README.TXT", "A much longer name.txt"},
				{"lower.txt", "LOWER.TXT"}, // only the case
				{"sub/nested", "moved nested"},
				{"Long File Name.txt", "moved nested/deeper/LFN.TXT"},
				{"many", "sub/many"},
			}
			for _, s := range steps {
				if err := fsys.Rename(s.from, s.to); err != nil {
					t.Fatalf("Rename(%q, %q): %v", s.from, s.to, err)
				}
				if err := os.Rename(filepath.Join(tree, s.from), filepath.Join(tree, s.to)); err != nil {
					t.Fatal(err)
				}
			}
			if err := fsys.Rename("sub", "sub/many/x"); err == nil {
				t.Error("a directory moved into itself")
			}
			if err := fsys.Rename("exact.bin", "empty"); !errors.Is(err, fs.ErrExist) {
				t.Errorf("rename onto an existing file: %v", err)
			}
			f.Sync()
			fsck(t, img)
			out := t.TempDir()
			run(t, "mcopy", "-i", img, "-s", "-n", "::/*", out)
			compareTrees(t, tree, out)
		})
	}
}
