package fatdir

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"pcemu/bios"
	"pcemu/fat"
	"pcemu/internal/fattest"
	"pcemu/vhd"
)

// open opens dir as a disk and collects the warnings.
func open(t *testing.T, dir string, opt Options) (*Disk, *[]string) {
	t.Helper()
	var warns []string
	opt.Warn = func(s string) { warns = append(warns, s) }
	d, err := Open(dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, &warns
}

// dump writes the whole disk to a raw image file, leaving holes where it
// reads zeros (the free space of a hard disk is most of it).
func dump(t *testing.T, d *Disk) string {
	t.Helper()
	img := filepath.Join(t.TempDir(), "disk.img")
	f, err := os.Create(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := make([]byte, 1<<20)
	zero := make([]byte, len(b))
	for off := int64(0); off < d.Size(); off += int64(len(b)) {
		n, err := d.ReadAt(b, off)
		if err != nil && n < len(b) && off+int64(n) < d.Size() {
			t.Fatal(err)
		}
		if !bytes.Equal(b[:n], zero[:n]) {
			f.WriteAt(b[:n], off)
		}
	}
	if err := f.Truncate(d.Size()); err != nil {
		t.Fatal(err)
	}
	return img
}

// dumpVolume writes the disk's FAT volume alone to a file, for fsck.fat
// and mtools.
func dumpVolume(t *testing.T, d *Disk) string {
	t.Helper()
	l := &d.State().Layout
	img := filepath.Join(t.TempDir(), "volume.img")
	f, err := os.Create(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	size := int64(l.Boot.TotalSectors()) * 512
	b := make([]byte, 1<<20)
	zero := make([]byte, len(b))
	for off := int64(0); off < size; off += int64(len(b)) {
		n := min(int64(len(b)), size-off)
		if _, err := d.ReadAt(b[:n], l.VolumeStart*512+off); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b[:n], zero[:n]) {
			f.WriteAt(b[:n], off)
		}
	}
	f.Truncate(size)
	return img
}

// volumeOf returns the volume's offset and size in a dumped disk, found
// as vhdtool finds it.
func volumeOf(t *testing.T, img string) (int64, int64) {
	t.Helper()
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	off, n, err := fat.FindVolume(f, st.Size(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return off, n
}

// The disk made of a folder is a FAT volume that fsck.fat finds clean and
// from which mtools copies the folder back, names (long and short) and
// bytes, for a hard disk (FAT16 in a partition) and a diskette (FAT12).
func TestDiskShowsTheFolder(t *testing.T) {
	tree := fattest.Tree(t, 2048)
	for _, floppy := range []bool{false, true} {
		d, warns := open(t, tree, Options{Floppy: floppy})
		if len(*warns) > 0 {
			t.Errorf("warnings: %q", *warns)
		}
		img := dump(t, d)
		off, n := volumeOf(t, img)
		if want := d.State().Layout.VolumeStart * 512; off != want {
			t.Errorf("the volume is found at %d, want %d", off, want)
		}
		vol := dumpVolume(t, d)
		if st, _ := os.Stat(vol); st.Size() != n {
			t.Errorf("volume of %d bytes, the partition has %d", st.Size(), n)
		}
		fattest.Fsck(t, vol)
		out := t.TempDir()
		fattest.Run(t, "mcopy", "-i", vol, "-s", "-n", "-m", "::/*", out)
		fattest.Compare(t, tree, out)
		listing := fattest.Run(t, "mdir", "-i", vol, "::/")
		for _, w := range []string{"LONGFI~1 TXT", "Long File Name.txt", "HOST FOLDER", "2001-02-03   4:05"} {
			if !strings.Contains(listing, w) {
				t.Errorf("floppy %v: mdir lacks %q:\n%s", floppy, w, listing)
			}
		}
		if floppy && d.Size() != 360<<10 {
			t.Errorf("a small folder makes a %d-byte diskette, want 360K", d.Size())
		}
	}
}

// The hard disk: MBR partition 1 from sector 63 to the last cylinder, its
// CHS fields in the BIOS's translated geometry, FAT16, the contents plus
// FreeSpace free, whole cylinders of 16 heads and 63 sectors.
func TestHardDiskLayout(t *testing.T) {
	tree := t.TempDir()
	for _, size := range []int64{0, 100 << 20, 700 << 20} {
		if size > 0 {
			f, _ := os.Create(filepath.Join(tree, fmt.Sprintf("f%d.bin", size>>20)))
			f.Truncate(size - 1000)
			f.Close()
		}
		d, warns := open(t, tree, Options{})
		if len(*warns) > 0 {
			t.Errorf("warnings: %q", *warns)
		}
		g := d.Geometry()
		if g.Heads != 16 || g.SectorsPerTrack != 63 || int64(g.Cylinders)*16*63*512 != d.Size() {
			t.Errorf("geometry %+v for %d bytes", g, d.Size())
		}
		var s [512]byte
		d.ReadAt(s[:], 0)
		m := fat.DecodeMBR(s[:])
		p := m.Partitions[0]
		lc, lh, ls := bios.Translate(g.Cylinders, g.Heads, g.SectorsPerTrack)
		end := int64(p.StartLBA) + int64(p.Sectors)
		if p.StartLBA != 63 || end != d.Size()/512 || p.Type != 0x06 || m.Signature != 0xAA55 {
			t.Errorf("partition %+v on a %d-sector disk", p, d.Size()/512)
		}
		if p.StartCHS != fat.EncodeCHS(63, lh, ls) || p.EndCHS != fat.EncodeCHS(uint32(end-1), lh, ls) {
			t.Errorf("CHS %v-%v, want them in the translated geometry %d/%d/%d", p.StartCHS, p.EndCHS, lc, lh, ls)
		}
		if int64(lc*lh*ls)*512 != d.Size() {
			t.Errorf("translated geometry %d/%d/%d does not cover the %d bytes", lc, lh, ls, d.Size())
		}
		v, err := fat.Open(d, 63*512, d.Size()-63*512, nil)
		if err != nil {
			t.Fatal(err)
		}
		if v.Type != fat.FAT16 || v.FreeBytes() < FreeSpace || v.FreeBytes() > FreeSpace+16<<20 {
			t.Errorf("%d bytes of files: %v with %d bytes free (%d-byte clusters), want %d and a little more",
				size, v.Type, v.FreeBytes(), v.ClusterSize(), FreeSpace)
		}
	}
}

// Diskettes are the smallest standard format that holds the folder, else
// 1.44M with what fits; each file left out is named in a warning.
func TestFloppySizes(t *testing.T) {
	for _, c := range []struct {
		files []int64
		size  int64
		skips int
	}{
		{[]int64{100}, 360 << 10, 0},
		{[]int64{300 << 10, 300 << 10}, 720 << 10, 0},
		{[]int64{1100 << 10}, 1200 << 10, 0},
		{[]int64{700 << 10, 700 << 10}, 1440 << 10, 0},
		{[]int64{1000 << 10, 1000 << 10, 10}, 1440 << 10, 1},
	} {
		dir := t.TempDir()
		for i, n := range c.files {
			os.WriteFile(filepath.Join(dir, fmt.Sprintf("F%d.BIN", i)), make([]byte, n), 0o644)
		}
		d, warns := open(t, dir, Options{Floppy: true})
		if d.Size() != c.size || len(*warns) != c.skips {
			t.Errorf("files %v: %d bytes with warnings %q, want %d and %d warnings", c.files, d.Size(), *warns, c.size, c.skips)
		}
		for _, w := range *warns {
			if !strings.Contains(w, "F1.BIN: skipped: the disk is full") {
				t.Errorf("warning %q", w)
			}
		}
		fattest.Fsck(t, dumpVolume(t, d))
	}
	// A diskette's fixed root holds 224 entries: the 250th file is left out.
	dir := t.TempDir()
	for i := range 250 {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("F%03d", i)), nil, 0o644)
	}
	d, warns := open(t, dir, Options{Floppy: true})
	if len(*warns) != 250-223 || !strings.Contains((*warns)[0], "F223: skipped: the folder holds no more entries") {
		t.Errorf("%d warnings: %q", len(*warns), *warns)
	}
	fattest.Fsck(t, dumpVolume(t, d))
}

// Special files, links to folders and unreadable files are skipped with a
// warning naming each; links to files are shown as the files.
func TestSkippedFiles(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "real.txt"), []byte("real"), 0o644)
	os.Mkdir(filepath.Join(dir, "folder"), 0o755)
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Symlink("real.txt", filepath.Join(dir, "link.txt"))
	os.Symlink("folder", filepath.Join(dir, "linkdir"))
	os.Symlink("nowhere", filepath.Join(dir, "broken"))
	secret := filepath.Join(dir, "secret.txt")
	os.WriteFile(secret, []byte("x"), 0o000)
	d, warns := open(t, dir, Options{})
	all := strings.Join(*warns, "\n")
	for _, w := range []string{"fifo: skipped: a special file", "linkdir: skipped: a link to a folder", "broken: skipped: no such file"} {
		if !strings.Contains(all, w) {
			t.Errorf("warnings lack %q:\n%s", w, all)
		}
	}
	if os.Geteuid() != 0 && !strings.Contains(all, "secret.txt: skipped: not readable") {
		t.Errorf("warnings lack the unreadable file:\n%s", all)
	}
	v, err := fat.Open(d, 63*512, d.Size()-63*512, nil)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := fsReadFile(v, "link.txt"); err != nil || string(b) != "real" {
		t.Errorf("link.txt: %q, %v", b, err)
	}
}

// The same folder gives the same disk, byte for byte, in every run; a
// State copied (as a machine's saved state would be) rebuilds it.
func TestStableAcrossRuns(t *testing.T) {
	tree := fattest.Tree(t, 2048)
	d1, _ := open(t, tree, Options{})
	d2, _ := open(t, tree, Options{})
	if !sameDisk(t, d1, d2) {
		t.Error("two opens of one folder differ")
	}
	d2.WriteAt(bytes.Repeat([]byte{0xAB}, 1024), 100*512)
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(d2.State()); err != nil {
		t.Fatal(err)
	}
	var st State
	if err := gob.NewDecoder(&buf).Decode(&st); err != nil {
		t.Fatal(err)
	}
	d3, err := New(&st, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !sameDisk(t, d2, d3) {
		t.Error("the disk rebuilt from its State differs")
	}
	if sameDisk(t, d1, d3) {
		t.Error("the overlay did not survive the State")
	}
}

// sameDisk compares two disks, a MiB at a time.
func sameDisk(t *testing.T, a, b *Disk) bool {
	if a.Size() != b.Size() {
		return false
	}
	x, y := make([]byte, 1<<20), make([]byte, 1<<20)
	for off := int64(0); off < a.Size(); off += int64(len(x)) {
		n := min(int64(len(x)), a.Size()-off)
		if _, err := a.ReadAt(x[:n], off); err != nil {
			t.Fatal(err)
		}
		if _, err := b.ReadAt(y[:n], off); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x[:n], y[:n]) {
			return false
		}
	}
	return true
}

// Reads are lazy: a host file is opened only when the guest reads its
// clusters, and sees what the host file holds then.
func TestLazyReads(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "data.bin")
	os.WriteFile(p, bytes.Repeat([]byte("a"), 5000), 0o644)
	d, _ := open(t, dir, Options{})
	if len(d.files) != 0 {
		t.Fatal("a host file was opened at Open")
	}
	v, err := fat.Open(d, 63*512, d.Size()-63*512, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.files) != 0 {
		t.Fatal("reading the directories opened a host file")
	}
	os.WriteFile(p, bytes.Repeat([]byte("b"), 100), 0o644) // shrunk meanwhile
	b, err := fsReadFile(v, "DATA.BIN")
	if err != nil || len(b) != 5000 || b[0] != 'b' || b[99] != 'b' || b[100] != 0 {
		t.Errorf("read %d bytes %q..., %v", len(b), b[:min(len(b), 4)], err)
	}
}

// Without fat:rw: the guest's writes stay in memory: the disk shows them,
// the folder never changes.
func TestReadOnlyOverlay(t *testing.T) {
	tree := fattest.Tree(t, 2048)
	before := fattest.Listing(t, tree)
	d, _ := open(t, tree, Options{})
	v, err := fat.OpenWritable(d, 63*512, d.Size()-63*512, nil)
	if err != nil {
		t.Fatal(err)
	}
	guest(t, v)
	b, err := fsReadFile(v, "NEW/NEW FILE.TXT")
	if err != nil || string(b) != "made by the guest" {
		t.Errorf("the guest's file reads %q, %v", b, err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	fattest.CompareListings(t, before, fattest.Listing(t, tree))
}

// guest changes a volume as a DOS session might: new folder and file, a
// file changed in place, one grown, one renamed, one moved, one deleted,
// a folder renamed, a folder deleted.
func guest(t *testing.T, v *fat.FS) {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(v.Mkdir("NEW", fat.FileOptions{}))
	must(v.WriteFile("NEW/NEW FILE.TXT", strings.NewReader("made by the guest"), 17, fat.FileOptions{ModTime: time.Date(1999, 12, 31, 23, 59, 58, 0, time.Local)}))
	// In place: the first sector of exact.bin's data.
	e, err := v.Entry("EXACT.BIN")
	must(err)
	must(overwrite(v, e, []byte("CHANGED IN PLACE")))
	// Grown: rewritten as DOS's COPY would, delete then create.
	must(v.Remove("LOWER.TXT"))
	must(v.WriteFile("LOWER.TXT", strings.NewReader("shorter now"), 11, fat.FileOptions{}))
	must(v.Rename("README.TXT", "READ.ME"))
	must(v.Rename("sub/a file with spaces.doc", "MOVED.DOC"))
	must(v.Remove("empty"))
	must(v.Rename("MIXEDC~1", "RENAMED"))
	list, err := v.List("many")
	must(err)
	for _, e := range list {
		must(v.Remove("many/" + e.ShortName))
	}
	must(v.Remove("many"))
}

// overwrite writes b at the start of a file's first cluster, in place.
func overwrite(v *fat.FS, e *fat.DirEntry, b []byte) error {
	w := v.Writer()
	_, err := w.WriteAt(b, v.VolumeOffset()+v.ClusterOffset(e.Cluster()))
	return err
}

// fat:rw: writes exactly the guest's changes back at Close: the folder
// afterwards is what the guest left, with host names kept for files the
// guest kept.
func TestWriteBack(t *testing.T) {
	tree := fattest.Tree(t, 2048)
	want := fattest.Listing(t, tree)
	d, warns := open(t, tree, Options{Writable: true})
	v, err := fat.OpenWritable(d, 63*512, d.Size()-63*512, nil)
	if err != nil {
		t.Fatal(err)
	}
	guest(t, v)
	// Nothing reaches the folder before Close.
	fattest.CompareListings(t, want, fattest.Listing(t, tree))
	if err := d.Close(); err != nil {
		t.Fatalf("%v\n%q", err, *warns)
	}
	want["NEW/"] = nil
	want["NEW/NEW FILE.TXT"] = []byte("made by the guest")
	copy(want["exact.bin"], "CHANGED IN PLACE")
	want["lower.txt"] = []byte("shorter now")
	want["READ.ME"] = want["README.TXT"]
	delete(want, "README.TXT")
	want["MOVED.DOC"] = want["sub/a file with spaces.doc"]
	delete(want, "sub/a file with spaces.doc")
	delete(want, "empty")
	want["RENAMED/"] = nil
	want["RENAMED/Ünïcödé.txt"] = want["Mixed Case Folder/Ünïcödé.txt"]
	delete(want, "Mixed Case Folder/")
	delete(want, "Mixed Case Folder/Ünïcödé.txt")
	for k := range want {
		if strings.HasPrefix(k, "many/") {
			delete(want, k)
		}
	}
	fattest.CompareListings(t, want, fattest.Listing(t, tree))
	st, _ := os.Stat(filepath.Join(tree, "NEW", "NEW FILE.TXT"))
	if mt := time.Date(1999, 12, 31, 23, 59, 58, 0, time.Local); !st.ModTime().Equal(mt) {
		t.Errorf("new file dated %v, want the guest's %v", st.ModTime(), mt)
	}
	if len(*warns) > 0 {
		t.Errorf("warnings: %q", *warns)
	}
	ents, _ := os.ReadDir(tree)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".pcemu") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
}

// Names swapped through a third name, a folder moved into another and
// files moved between folders end up as the guest left them.
func TestWriteBackSwapsAndMoves(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("A"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.txt"), []byte("B"), 0o644)
	os.MkdirAll(filepath.Join(dir, "x", "inner"), 0o755)
	os.WriteFile(filepath.Join(dir, "x", "inner", "deep.txt"), []byte("deep"), 0o644)
	os.Mkdir(filepath.Join(dir, "y"), 0o755)
	d, warns := open(t, dir, Options{Writable: true})
	v, err := fat.OpenWritable(d, 63*512, d.Size()-63*512, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range [][2]string{{"A.TXT", "T.TXT"}, {"B.TXT", "A.TXT"}, {"T.TXT", "B.TXT"}, {"X", "Y/X"}, {"Y/X/INNER/DEEP.TXT", "DEEP.TXT"}} {
		if err := v.Rename(r[0], r[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Close(); err != nil {
		t.Fatalf("%v\n%q", err, *warns)
	}
	// a.txt and b.txt keep their host names: the 8.3 names A.TXT and
	// B.TXT were theirs.
	fattest.CompareListings(t, map[string][]byte{
		"a.txt": []byte("B"), "b.txt": []byte("A"), "y/": nil, "y/x/": nil, "y/x/inner/": nil, "deep.txt": []byte("deep"),
	}, fattest.Listing(t, dir))
}

// A file changed on the host while the guest changed it too is not
// overwritten: the guest's version goes beside it and the conflict is
// reported; likewise a name the host took meanwhile. Files the guest did
// not touch are not looked at.
func TestWriteBackConflicts(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"both.txt", "host.txt", "gone.txt", "quiet.txt"} {
		os.WriteFile(filepath.Join(dir, n), []byte("original "+n), 0o644)
	}
	d, warns := open(t, dir, Options{Writable: true})
	v, err := fat.OpenWritable(d, 63*512, d.Size()-63*512, nil)
	if err != nil {
		t.Fatal(err)
	}
	v.Remove("BOTH.TXT")
	v.WriteFile("BOTH.TXT", strings.NewReader("guest"), 5, fat.FileOptions{})
	v.WriteFile("NEW.TXT", strings.NewReader("guest new"), 9, fat.FileOptions{})
	v.Remove("GONE.TXT")
	// Meanwhile on the host:
	time.Sleep(10 * time.Millisecond)
	os.WriteFile(filepath.Join(dir, "both.txt"), []byte("host changed it"), 0o644)
	os.WriteFile(filepath.Join(dir, "NEW.TXT"), []byte("host made it"), 0o644)
	os.WriteFile(filepath.Join(dir, "gone.txt"), []byte("host changed the deleted one"), 0o644)
	os.WriteFile(filepath.Join(dir, "quiet.txt"), []byte("host changed an untouched one"), 0o644)
	err = d.Close()
	if err == nil || !strings.Contains(err.Error(), "3 change(s)") {
		t.Errorf("Close: %v", err)
	}
	all := strings.Join(*warns, "\n")
	for _, w := range []string{"both.txt: changed by the guest and on the host: the host's version is kept, the guest's is both.txt.guest",
		"NEW.TXT: written by the guest, but the host has that name: named NEW.TXT.guest",
		"gone.txt: deleted by the guest but changed on the host meanwhile: kept"} {
		if !strings.Contains(all, w) {
			t.Errorf("warnings lack %q:\n%s", w, all)
		}
	}
	fattest.CompareListings(t, map[string][]byte{
		"both.txt": []byte("host changed it"), "both.txt.guest": []byte("guest"),
		"NEW.TXT": []byte("host made it"), "NEW.TXT.guest": []byte("guest new"),
		"gone.txt": []byte("host changed the deleted one"), "host.txt": []byte("original host.txt"),
		"quiet.txt": []byte("host changed an untouched one"),
	}, fattest.Listing(t, dir))
}

// A folder is one disk at a time for fat:rw:: a second open is refused as
// an image in use is; read-only opens share it.
func TestFolderLock(t *testing.T) {
	dir := t.TempDir()
	d1, _ := open(t, dir, Options{})
	d2, _ := open(t, dir, Options{})
	if _, err := Open(dir, Options{Writable: true}); !errors.Is(err, vhd.ErrInUse) {
		t.Errorf("fat:rw: beside two readers: %v", err)
	}
	d1.Close()
	d2.Close()
	d3, _ := open(t, dir, Options{Writable: true})
	if _, err := Open(dir, Options{}); !errors.Is(err, vhd.ErrInUse) {
		t.Errorf("fat: beside fat:rw:: %v", err)
	}
	d3.Close()
}

// More than 2 GiB of files: the disk stops at 2 GiB and the files that do
// not fit are left out, each named.
func TestHardDiskFull(t *testing.T) {
	dir := t.TempDir()
	for i := range 3 {
		f, _ := os.Create(filepath.Join(dir, fmt.Sprintf("big%d.bin", i)))
		f.Truncate(900 << 20)
		f.Close()
	}
	d, warns := open(t, dir, Options{})
	if d.Size() > 2<<30 || len(*warns) != 1 || !strings.Contains((*warns)[0], "big2.bin: skipped: the disk is full") {
		t.Errorf("%d-byte disk, warnings %q", d.Size(), *warns)
	}
	v, err := fat.Open(d, 63*512, d.Size()-63*512, nil)
	if err != nil {
		t.Fatal(err)
	}
	list, _ := v.List("")
	if len(list) != 2 || v.ClusterSize() != 32<<10 {
		t.Errorf("%d files with %d-byte clusters", len(list), v.ClusterSize())
	}
}

// A name that is not a folder is refused at once: a FIFO (whose open(2)
// would wait for a writer, holding pcemu before its signals and --timeout
// are of use) and a regular file.
func TestNotAFolderRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, name := range []string{fifo, file} {
		for _, opt := range []Options{{}, {Writable: true}, {Floppy: true}} {
			done := make(chan error, 1)
			go func() {
				_, err := Open(name, opt)
				done <- err
			}()
			select {
			case err := <-done:
				if want := "fat:" + name + ": " + name + " is not a folder"; err == nil || err.Error() != want {
					t.Errorf("%s %+v: %v, want %q", name, opt, err, want)
				}
			case <-time.After(time.Second):
				t.Fatalf("%s %+v: still opening after a second", name, opt)
			}
		}
	}
}
