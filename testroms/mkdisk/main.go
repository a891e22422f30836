// Command mkdisk writes the disks a test program of testroms/ expects: the
// program in the first sectors of a hard disk whose other sectors carry the
// pattern of pattern.inc, and a patterned 1.44 MB floppy.
//
//	go run ./testroms/mkdisk -hda /tmp/t.vhd -fda /tmp/t-floppy.img bios_disk
//	go run ./cmd/pcemu -hda /tmp/t.vhd -fda /tmp/t-floppy.img -display none -debugcon stdio
//
// A hard disk named .vhd is written as a dynamic VHD, any other name as a
// raw image (for QEMU: -drive file=t.img,format=raw).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"pcemu/testroms"
)

func main() {
	hda := flag.String("hda", "", "hard disk image to write (.vhd: dynamic VHD, else raw)")
	fda := flag.String("fda", "", "1.44 MB floppy image to write (optional)")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: mkdisk -hda FILE [-fda FILE] PROGRAM\nprograms: %s\n", strings.Join(testroms.Programs, ", "))
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 || *hda == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *hda, *fda); err != nil {
		fmt.Fprintf(os.Stderr, "mkdisk: %v\n", err)
		os.Exit(1)
	}
}

func run(prog, hda, fda string) error {
	bin, err := testroms.Binary(prog)
	if err != nil {
		return fmt.Errorf("program %q: no such test program (have %s)", prog, strings.Join(testroms.Programs, ", "))
	}
	if err := testroms.WriteHardDisk(hda, bin); err != nil {
		return err
	}
	if fda != "" {
		return testroms.WriteFloppy(fda)
	}
	return nil
}
