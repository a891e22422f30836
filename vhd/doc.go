// Package vhd reads and writes Virtual Hard Disk images: fixed, dynamic and
// differencing disks as described by Microsoft's "Virtual Hard Disk Image
// Format Specification" (version 1.0, October 2006), cited below as [VHD]
// with the section name.
//
// The on-disk structures (footer, dynamic header, parent locators, BAT and
// sector bitmaps) are plain Go types with explicit big-endian encode and
// decode, in the manner of debug/elf. A Disk validates every structure when
// it is opened and then behaves as an io.ReaderAt and io.WriterAt over the
// virtual disk the guest sees.
//
// Layout of a dynamic or differencing image [VHD "Dynamic Hard Disk Image"]:
//
//	0        footer copy (512 bytes)
//	512      dynamic header (1024 bytes)
//	...      parent locator data (differencing disks)
//	table    BAT: one big-endian uint32 sector number per block
//	...      blocks: sector bitmap, then block_size bytes of data
//	end-512  footer
//
// A fixed image is the raw disk followed by the footer.
package vhd
