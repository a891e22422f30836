package demo

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"pcemu/internal/shared"
)

func TestImageIsABootSector(t *testing.T) {
	if len(Image) < 1024 || len(Image)%512 != 0 {
		t.Fatalf("image is %d bytes, want whole sectors (boot sector plus program)", len(Image))
	}
	if Image[510] != 0x55 || Image[511] != 0xAA {
		t.Error("sector 0 lacks the 55AAh boot signature")
	}
	if len(Image) > BootDiskSize {
		t.Error("image larger than the boot disk")
	}
}

// The committed binary must be what the committed source assembles to.
func TestImageMatchesSource(t *testing.T) {
	nasm := shared.Tool(t, "nasm")
	out := filepath.Join(t.TempDir(), "demo.img")
	cmd := exec.Command(nasm, "-f", "bin", "-o", out, "demo.asm")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nasm: %v\n%s", err, b)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, Image) {
		t.Error("demo.img differs from what demo.asm assembles to: run nasm -f bin -o demo.img demo.asm")
	}
}
