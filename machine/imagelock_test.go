package machine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pcemu/vhd"
)

// One image given to two drives is refused before anything is opened, with
// a message that says so, not the lock's "another process has it open".
func TestSameImageTwice(t *testing.T) {
	dir := t.TempDir()
	disk := filepath.Join(dir, "x.vhd")
	d, err := vhd.Create(disk, vhd.CreateOptions{Size: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	raw := filepath.Join(dir, "x.img")
	if err := os.WriteFile(raw, make([]byte, 1474560), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.vhd")
	if err := os.Symlink(disk, link); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		cfg   Config
		flags string
		names []string // the paths the message must show
	}{
		{"-hda -hdb", Config{HardDisks: [4]string{disk, disk}}, "-hda and -hdb", []string{disk}},
		{"-hda -hdd through a link", Config{HardDisks: [4]string{disk, "", "", link}}, "-hda and -hdd", []string{disk, link}},
		{"-hdb -fda", Config{HardDisks: [4]string{"", raw}, Floppies: [2]string{raw}}, "-hdb and -fda", []string{raw}},
		{"-fda -fdb", Config{Floppies: [2]string{raw, raw}}, "-fda and -fdb", []string{raw}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := New(tc.cfg)
			if err == nil {
				m.Close()
				t.Fatal("the machine was built")
			}
			msg := err.Error()
			if !strings.Contains(msg, "same image is given twice") || !strings.Contains(msg, tc.flags) ||
				strings.Contains(msg, "another process") {
				t.Errorf("error %q; want the same image given twice (%s)", msg, tc.flags)
			}
			for _, n := range tc.names {
				if !strings.Contains(msg, n) {
					t.Errorf("error %q does not name %s", msg, n)
				}
			}
		})
	}

	// Under -snapshot nothing writes the image: both drives read it.
	m, err := New(Config{HardDisks: [4]string{disk, disk}, Snapshot: true})
	if err != nil {
		t.Fatalf("-snapshot -hda -hdb of one image: %v", err)
	}
	m.Close()

	// Distinct images are fine, and the check opens nothing: the
	// images can be written afterwards.
	other := filepath.Join(dir, "y.vhd")
	d, err = vhd.Create(other, vhd.CreateOptions{Size: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	m, err = New(Config{HardDisks: [4]string{disk, other}, Floppies: [2]string{raw}})
	if err != nil {
		t.Fatal(err)
	}
	m.Close()
	if d, err := vhd.Open(disk, nil); err != nil {
		t.Errorf("after Close: %v", err)
	} else {
		d.Close()
	}
}
