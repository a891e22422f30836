// Package testroms holds pcemu's test programs: boot-sector programs in nasm
// assembly (source .asm beside the assembled .bin) that check the emulated
// PC against the IBM PC/AT BIOS interface, the ATA standard and the
// 8254/8259A datasheets, report each check on the debug console (port E9h)
// as a PASS or FAIL line, and end with OUT F4h = number of failures (exit
// status 1 when all passed, as with QEMU's isa-debug-exit). See README.md.
//
// The Go side builds the disks the programs expect: the program in the
// first sectors and every other sector filled with a pattern that names it
// (pattern.inc), so a program can tell exactly which sector it read.
package testroms

import (
	"bytes"
	"embed"
	"encoding/binary"
	"fmt"
	"os"
	"strings"

	"pcemu/vhd"
)

// Programs are the test programs, by name (name.asm / name.bin).
var Programs = []string{"bios_video", "bios_disk", "bios_misc", "ide_ports", "cpu_machine", "pit_pic", "vga_retrace", "trace"}

// MousePrograms check the mice: they ask for host mouse input (motion,
// buttons) at the points they need it, so they run with the steps of
// mouse_test.go rather than on their own like Programs.
var MousePrograms = []string{"mouse_kbc", "mouse_bios", "mouse_serial"}

// SoundPrograms play on the PC speaker for a test to analyse in the WAV
// file the machine writes (speaker_test.go).
var SoundPrograms = []string{"speaker", "bell"}

// VGAPrograms check the video adapter and leave a picture on the screen,
// which vga_test.go compares with a golden PNG and with the same program's
// picture under QEMU's VGA.
var VGAPrograms = []string{"vga_planes", "vga_scroll", "vga_modex", "vga_font", "vga_modes", "vga_tweak"}

// StandardModes are the BIOS video modes vga_modes runs in, one run each.
var StandardModes = []uint8{0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13}

// Tweaks are vga_tweak's variants, by the value of its TWEAK= byte.
var Tweaks = []string{"320x240", "320x400", "360x480"}

// WithByte returns a copy of prog with the byte after marker set to v: a
// program's parameter, such as vga_modes's "VGAMODE=" (the mode it sets)
// or vga_tweak's "TWEAK=".
func WithByte(prog []byte, marker string, v uint8) ([]byte, error) {
	i := bytes.Index(prog, []byte(marker))
	if i < 0 || i+len(marker) >= len(prog) {
		return nil, fmt.Errorf("the program has no %s byte", marker)
	}
	out := append([]byte(nil), prog...)
	out[i+len(marker)] = v
	return out, nil
}

// allPrograms is every program with a source.
func allPrograms() []string {
	all := append(append([]string(nil), Programs...), MousePrograms...)
	return append(append(all, SoundPrograms...), VGAPrograms...)
}

//go:embed *.bin
var bins embed.FS

// Binary returns the assembled program called name.
func Binary(name string) ([]byte, error) {
	return bins.ReadFile(name + ".bin")
}

// Pattern tags of pattern.inc.
const (
	TagHardDisk = 'H'
	TagFloppy   = 'F'
)

// HardDiskSectors is the size of the hard disk the programs get: 10 MiB
// that the VHD geometry algorithm maps to CHS 300/4/17, so that the
// cylinder number needs the high bits of CL in INT 13h.
const HardDiskSectors = 300 * 4 * 17

// FloppySectors is a 1.44 MB diskette (80 x 2 x 18).
const FloppySectors = 2880

// FillSector writes the pattern of pattern.inc for sector lba with tag
// into the 512 bytes of s: the LBA, the LBA inverted, the tag, then
// (offset + LBA) & 0FFh.
func FillSector(s []byte, lba uint32, tag byte) {
	binary.LittleEndian.PutUint32(s[0:], lba)
	binary.LittleEndian.PutUint32(s[4:], ^lba)
	s[8] = tag
	for i := 9; i < 512; i++ {
		s[i] = byte(uint32(i) + lba)
	}
}

// Image returns a disk of sectors 512-byte sectors: prog from sector 0
// (padded to whole sectors) and the pattern with tag in every other
// sector.
func Image(prog []byte, sectors int, tag byte) []byte {
	img := make([]byte, sectors*512)
	copy(img, prog)
	for lba := (len(prog) + 511) / 512; lba < sectors; lba++ {
		FillSector(img[lba*512:(lba+1)*512], uint32(lba), tag)
	}
	return img
}

// WriteHardDisk writes the hard disk a program expects (the program, then
// the pattern with TagHardDisk, HardDiskSectors in all) to name: a dynamic
// VHD when the name ends in .vhd, else a raw image. Like vhdtool it never
// overwrites an existing VHD.
func WriteHardDisk(name string, prog []byte) error {
	img := Image(prog, HardDiskSectors, TagHardDisk)
	if !strings.HasSuffix(strings.ToLower(name), ".vhd") {
		return os.WriteFile(name, img, 0o644)
	}
	d, err := vhd.Create(name, vhd.CreateOptions{Type: vhd.Dynamic, Size: int64(len(img))})
	if err != nil {
		return err
	}
	if _, err := d.WriteAt(img, 0); err != nil {
		d.Close()
		return err
	}
	return d.Close()
}

// WriteFloppy writes the 1.44 MB floppy the programs expect, the pattern
// with TagFloppy in every sector, as a raw image.
func WriteFloppy(name string) error {
	return os.WriteFile(name, Image(nil, FloppySectors, TagFloppy), 0o644)
}
