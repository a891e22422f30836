// Package fatdir presents a host folder to the guest as a FAT disk built on
// the fly, as QEMU's "fat:" (vvfat) driver does: pcemu's -hda..-hdd
// fat:DIR and -fda/-fdb fat:DIR.
//
// At Open the folder is walked once (names, sizes, dates; no file is read)
// and a FAT volume is laid out for it: every file and folder gets an 8.3
// name made as Windows makes it (with long-name entries beside it), a run
// of consecutive clusters, and a directory entry. The boot sector, the FAT,
// the directories and (for a hard disk) the MBR are generated in memory;
// a file's clusters are read from the host file only when the guest reads
// those sectors.
//
//   - A diskette is FAT12 in the smallest standard format that holds the
//     folder (360K, 720K, 1.2M, 1.44M); when none does, 1.44M with the files
//     that fit.
//   - A hard disk is FAT16 in an MBR partition starting at sector 63, sized
//     to the folder's contents plus FreeSpace (256 MiB) of free space, at
//     most 2 GiB (files beyond that are skipped), in whole cylinders of 16
//     heads and 63 sectors.
//
// Files that cannot be shown (special files, links to folders, unreadable
// files, files too big, more entries than a directory holds, more data than
// the disk holds) are skipped with a warning naming each.
//
// The guest's writes go to an overlay in memory, sector by sector, and the
// generated sectors and host files are never changed while the machine
// runs. With Options.Writable (fat:rw:DIR) Close compares the volume the
// guest left with the one it was given and applies the difference to the
// host folder (see writeback.go); otherwise the overlay is dropped.
//
// Everything the disk is made of is plain data in State (the host folder's
// nodes, the layout, the overlay), from which New rebuilds the same disk,
// so that a machine's state can be saved with it.
package fatdir
