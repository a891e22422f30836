// Package demo holds pcemu's built-in demo disk: a boot program (demo.asm,
// assembled into demo.img) that shows the BIOS's view of the machine,
// exercises INT 13h writes and reads on a scratch disk (drive 81h) and
// powers the machine off through APM. pcemu boots it when no disk is given.
package demo

import _ "embed"

// Image is the assembled program, whole 512-byte sectors, to be placed at
// the start of the boot disk (drive 80h).
//
//go:embed demo.img
var Image []byte

// ScratchSize is the size of the blank scratch disk (drive 81h) the
// program writes to: big enough for its test sectors, small enough to
// live in memory.
const ScratchSize = 1 << 20

// BootDiskSize is the size of the boot disk holding Image.
const BootDiskSize = 1 << 20
