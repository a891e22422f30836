package freedos

import (
	"bytes"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pcemu/vhd"
)

// The review's worst probe: BAT entry 0 of the FreeDOS disk (its only
// block: the MBR and the whole FAT file system) pointed past the end of the
// file. pcemu refuses the image, naming the entry; vhdtool check -r all
// re-links the block; FreeDOS boots from it again.
func TestRepairedImageBoots(t *testing.T) {
	orig, err := os.ReadFile(sharedImage(t))
	if err != nil {
		t.Fatal(err)
	}
	ft, _ := vhd.DecodeFooter(orig)
	h, _ := vhd.DecodeHeader(orig[ft.DataOffset:])
	img := filepath.Join(t.TempDir(), "fd.vhd")
	bad := bytes.Clone(orig)
	binary.BigEndian.PutUint32(bad[h.TableOffset:], uint32(len(orig)/512+1000))
	if err := os.WriteFile(img, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runPcemu(t, "-hda", img, "-snapshot", "--expect", `C:\>`)
	if code != 1 || !strings.Contains(stderr, "BAT: entry 0 (sector") {
		t.Fatalf("pcemu on the damaged image: exit %d\n%s", code, stderr)
	}
	out, err := exec.Command(command(t, "vhdtool"), "check", "-r", "all", img).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "re-linked BAT entry 0") {
		t.Fatalf("vhdtool check -r all: %v\n%s", err, out)
	}
	code, _, stderr = runPcemu(t, "-hda", img, "-snapshot", "--expect", `C:\>`)
	if code != 0 {
		t.Fatalf("pcemu on the repaired image: exit %d\n%s", code, stderr)
	}
}
