package testroms

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pcemu/internal/shared"
)

// The committed binaries are what nasm makes of the committed sources.
func TestBinariesMatchSources(t *testing.T) {
	sources, _ := filepath.Glob("*.asm")
	binaries, _ := filepath.Glob("*.bin")
	var names []string
	for _, s := range sources {
		names = append(names, strings.TrimSuffix(s, ".asm"))
	}
	for _, b := range binaries {
		if !slices.Contains(names, strings.TrimSuffix(b, ".bin")) {
			t.Errorf("%s has no source %s.asm", b, strings.TrimSuffix(b, ".bin"))
		}
	}
	all := allPrograms()
	for _, n := range names {
		if !slices.Contains(all, n) {
			t.Errorf("%s.asm is not listed in Programs or MousePrograms", n)
		}
	}
	if len(names) != len(all) {
		t.Errorf("%d sources for %d programs", len(names), len(all))
	}
	nasm := shared.Tool(t, "nasm") // the binaries must be checked against their sources
	dir := t.TempDir()
	for _, n := range names {
		out := filepath.Join(dir, n+".bin")
		cmd := exec.Command(nasm, "-f", "bin", "-I", "./", "-o", out, n+".asm")
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("nasm %s.asm: %v\n%s", n, err, msg)
			continue
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(n + ".bin")
		if err != nil {
			t.Errorf("%s.bin: %v", n, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s.bin differs from what nasm makes of %s.asm: reassemble with `nasm -f bin -I testroms/ -o testroms/%s.bin testroms/%s.asm`", n, n, n, n)
		}
	}
}

// Every program is a boot sector (55AAh at 510) and fits the loader of
// lib.inc (32 KiB).
func TestBinariesAreBootable(t *testing.T) {
	for _, n := range allPrograms() {
		b, err := Binary(n)
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		if len(b) < 512 || b[510] != 0x55 || b[511] != 0xAA {
			t.Errorf("%s.bin: no boot signature at offset 510", n)
		}
		if len(b) > 0x8000 {
			t.Errorf("%s.bin: %d bytes, more than the loader takes", n, len(b))
		}
	}
}

func TestImagePattern(t *testing.T) {
	img := Image([]byte{1, 2, 3}, 4, TagHardDisk)
	if len(img) != 4*512 || img[0] != 1 || img[3] != 0 {
		t.Fatalf("program sector wrong")
	}
	s := img[2*512 : 3*512]
	want := []byte{2, 0, 0, 0, 0xFD, 0xFF, 0xFF, 0xFF, 'H', 11, 12}
	if !bytes.Equal(s[:11], want) || s[511] != (511+2)&0xFF {
		t.Errorf("sector 2 starts % X, want % X", s[:11], want)
	}
}
