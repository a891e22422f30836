// Package fat reads and writes FAT12, FAT16 and FAT32 file systems inside a
// disk image, in the manner of archive/zip and debug/elf: the on-disk
// structures (boot sector and BPB, FSInfo, file allocation table, directory
// entries, long-name entries, the MBR partition table) are plain Go types
// with explicit little-endian encode and decode, everything is validated
// when a volume is opened, and errors name the structure and the field as
// Microsoft's "FAT: General Overview of On-Disk Format" (version 1.03,
// December 2000, cited as [FAT] with the section name) spells it.
//
// A volume is reached through an io.ReaderAt (and an io.WriterAt for
// changes) at a byte offset, so that it can live in a raw image, a VHD or a
// disk synthesized in memory. FS implements io/fs.FS for reading; WriteFile,
// Mkdir and Remove change a volume the way DOS does, with 8.3 names made
// from long names as Windows makes them (NAME~1.EXT) and long-name entries
// beside them.
//
// Layout of a volume [FAT "Boot Sector and BPB"]:
//
//	0                 boot sector (BPB), then the other reserved sectors
//	                  (FAT32: FSInfo at BPB_FSInfo, a backup boot sector at
//	                  BPB_BkBootSec)
//	reserved          BPB_NumFATs copies of the FAT, BPB_FATSz sectors each
//	+FATs             FAT12/16 only: the root directory, BPB_RootEntCnt
//	                  entries of 32 bytes
//	data              clusters 2, 3, ... of BPB_SecPerClus sectors each
package fat
