package fat

import (
	"os"
	"testing"

	"pcemu/internal/fattest"
)

var (
	run          = fattest.Run
	mkfs         = fattest.Mkfs
	fsck         = fattest.Fsck
	hostTree     = fattest.Tree
	compareTrees = fattest.Compare
)

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
