// Package disk opens the disk images of the emulated PC: a name and options
// in, a drive the IDE controller (ide.Drive) or the BIOS's diskette service
// can use out. It is the one place that decides what an image name means,
// what kind of image a file is, how it is locked, how -snapshot keeps the
// guest's writes away from it, which ATA geometry it reports, and what the
// user is told when the host fails it.
//
// A name is a file (a VHD, fixed, dynamic or differencing, or a raw image),
// or a backend by prefix (see schemes in open.go): "raw:FILE" and
// "vhd:FILE" force the format instead of probing the file. A file literally
// named with such a prefix is given as "./raw:FILE".
//
// Every image is opened without blocking and locked as package vhd opens
// its files (vhd.OpenImage): a FIFO, socket or character device is refused
// at once; a writer holds an exclusive flock, a reader a shared one, so two
// emulators never write one image and nobody writes an image that a
// -snapshot run reads.
//
// -snapshot opens the image read-only and keeps the guest's writes in a
// temporary file in $TMPDIR, or /var/tmp when TMPDIR is not set (as QEMU
// does: /tmp is often a RAM file system): a differencing child for a VHD,
// an overlay file with an in-memory bitmap of the written sectors for a raw
// image. The temporary file is unlinked as soon as it is open, so nothing
// is left behind, even after kill -9. A diskette's -snapshot copy (at most
// 2.88 MB) is kept in memory.
//
// Host I/O errors while the machine runs (a full disk, EIO) reach the
// guest as disk errors, and the user once per image and kind of error
// through Options.Report.
package disk
