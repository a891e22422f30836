package disk

import (
	"strings"
	"testing"
)

func TestFatFolderNames(t *testing.T) {
	for _, c := range []struct {
		name, dir string
		rw        bool
		err       string
	}{
		{"fat:dir", "dir", false, ""},
		{"fat:rw:dir", "dir", true, ""},
		{"fat:floppy:rw:/a/b", "/a/b", true, ""},
		{"fat:16:dir", "dir", false, ""},
		{"fat:rw", "rw", false, ""}, // a folder named rw
		{"fat:32:dir", "", false, "FAT32 is not offered"},
		{"fat:", "", false, "needs a folder"},
		{"fat:rw:", "", false, "needs a folder"},
	} {
		dir, rw, err := fatFolder(c.name, strings.TrimPrefix(c.name, "fat:"))
		if dir != c.dir || rw != c.rw || (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("%q: %q %v %v", c.name, dir, rw, err)
		}
	}
}
