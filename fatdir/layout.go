package fatdir

import (
	"fmt"
	"hash/fnv"

	"pcemu/bios"
	"pcemu/fat"
)

const sectorSize = 512

// FreeSpace is the free space a hard disk gets beyond the folder's
// contents (less when the 2 GiB limit leaves less).
const FreeSpace = 256 << 20

// Hard disk geometry: the partition starts at sector 63 (cylinder 0, head
// 1, sector 1), as DOS's FDISK places the first partition, and the disk is
// a whole number of cylinders of 16 heads and 63 sectors, the geometry
// IDENTIFY reports. Above 1024 cylinders the BIOS translates (bios.Translate)
// and the cylinders are kept a multiple of 8 so that the translated
// geometry covers the disk exactly; 4160 cylinders (2 GiB - 2 MiB) is the
// largest disk, within FAT16's 65524 clusters of 32 KiB.
const (
	hdHeads        = 16
	hdSectors      = 63
	hdStart        = 63
	hdMaxCylinders = 4160
	hdRootEntries  = 512
	cylinder       = hdHeads * hdSectors
)

// floppyFormats are the standard diskettes' BPBs, smallest first, as DOS
// FORMAT writes them (MS-DOS 5 "Disk Formats" table).
var floppyFormats = []struct {
	name                 string
	sectors              uint16
	spc                  uint8
	root                 uint16
	media                uint8
	fatSize              uint16
	sectorsPerTrack, hds uint16
}{
	{"360K", 720, 2, 112, 0xFD, 2, 9, 2},
	{"720K", 1440, 2, 112, 0xF9, 3, 9, 2},
	{"1.2M", 2400, 1, 224, 0xF9, 7, 15, 2},
	{"1.44M", 2880, 1, 224, 0xF0, 9, 18, 2},
}

// Layout is where everything is on the disk.
type Layout struct {
	Floppy      bool
	Sectors     int64 // the whole disk
	Cylinders   int   // IDENTIFY geometry (hard disk) or the diskette's
	Heads       int
	SPT         int
	VolumeStart int64 // sector of the boot sector: 63 (hard disk) or 0
	Boot        fat.BootSector
}

// Volume geometry derived from the boot sector, in sectors of the disk.
func (l *Layout) fatStart() int64  { return l.VolumeStart + int64(l.Boot.ReservedSectors) }
func (l *Layout) fatSize() int64   { return int64(l.Boot.FATSize()) }
func (l *Layout) rootStart() int64 { return l.fatStart() + int64(l.Boot.NumFATs)*l.fatSize() }
func (l *Layout) dataStart() int64 { return l.VolumeStart + int64(l.Boot.FirstDataSector()) }
func (l *Layout) volumeEnd() int64 { return l.VolumeStart + int64(l.Boot.TotalSectors()) }
func (l *Layout) spc() int64       { return int64(l.Boot.SectorsPerCluster) }
func (l *Layout) clusterBytes() int64 {
	return l.spc() * sectorSize
}

// dirClusters is the clusters a subdirectory of n entries (with "." and
// "..") takes.
func dirClusters(slots int, clus int64) uint32 {
	return uint32((int64(slots+2)*fat.DirEntrySize + clus - 1) / clus)
}

func fileClusters(size, clus int64) uint32 { return uint32((size + clus - 1) / clus) }

// entriesOf is the directory entries a folder's children take.
func entriesOf(nodes []Node, i int) int {
	n := 0
	for _, c := range nodes[i].Children {
		n += nodes[c].slots()
	}
	return n
}

// clustersNeeded is the data clusters the tree takes with clusters of clus
// bytes.
func clustersNeeded(nodes []Node, clus int64) int64 {
	var n int64
	for i := 1; i < len(nodes); i++ {
		if nodes[i].Dir {
			n += int64(dirClusters(entriesOf(nodes, i), clus))
		} else {
			n += int64(fileClusters(nodes[i].Size, clus))
		}
	}
	return n
}

// plan chooses the format, drops what does not fit (with a warning each),
// assigns the clusters and returns the layout and the nodes that remain.
func plan(nodes []Node, root string, floppy bool, warn func(string)) (Layout, []Node) {
	var l Layout
	var avail int64 // data clusters for the folder's contents
	var rootEntries int
	if floppy {
		f := floppyFormats[len(floppyFormats)-1]
		for _, g := range floppyFormats {
			clus := int64(g.spc) * sectorSize
			data := int64(g.sectors) - 1 - 2*int64(g.fatSize) - int64(g.root)*32/sectorSize
			if clustersNeeded(nodes, clus) <= data/int64(g.spc) && entriesOf(nodes, 0)+1 <= int(g.root) {
				f = g
				break
			}
		}
		l = Layout{Floppy: true, Sectors: int64(f.sectors), Cylinders: int(f.sectors) / int(f.sectorsPerTrack*f.hds),
			Heads: int(f.hds), SPT: int(f.sectorsPerTrack)}
		l.Boot = bootSector(f.sectors, 0, f.spc, f.root, f.media, f.fatSize, f.sectorsPerTrack, f.hds, 0, 0x00, root)
		l.Boot.Code = bootCode(62, notBootable)
		avail = int64(l.Boot.Clusters())
		rootEntries = int(f.root)
	} else {
		// The smallest cluster that keeps the contents plus the free space
		// within FAT16's cluster count and 2 GiB; if none does, 32 KiB
		// clusters and whatever fits.
		spc := uint8(1)
		for ; spc < 64; spc *= 2 {
			clus := int64(spc) * sectorSize
			if n := clustersNeeded(nodes, clus) + FreeSpace/clus; n <= fat.MaxClusters16-1024 && n*clus <= 2<<30-64<<20 {
				break
			}
		}
		clus := int64(spc) * sectorSize
		meta := int64(1 + 2*(fat.MaxClusters16*2/sectorSize+1) + hdRootEntries*32/sectorSize)
		vol := meta + (clustersNeeded(nodes, clus)+FreeSpace/clus)*int64(spc)
		cyls := min((hdStart+vol+cylinder-1)/cylinder, hdMaxCylinders)
		if cyls > 1024 {
			cyls = (cyls + 7) &^ 7
		}
		for {
			l = hdLayout(int(cyls), spc, root)
			if l.Boot.Clusters() <= fat.MaxClusters16 {
				break
			}
			cyls -= 8 // rounding up made too many clusters
		}
		avail = int64(l.Boot.Clusters())
		rootEntries = hdRootEntries
	}
	return l, fit(nodes, avail, rootEntries-1, l.clusterBytes(), warn)
}

// hdLayout is a hard disk of cyls cylinders with one FAT16 volume from
// sector 63 to the end, with clusters of spc sectors.
func hdLayout(cyls int, spc uint8, root string) Layout {
	l := Layout{Sectors: int64(cyls) * cylinder, Cylinders: cyls, Heads: hdHeads, SPT: hdSectors, VolumeStart: hdStart}
	vol := uint32(l.Sectors - hdStart)
	// [FAT "FAT Volume Initialization"]: the FAT size for FAT16.
	tmp1 := vol - (1 + hdRootEntries*32/sectorSize)
	tmp2 := 256*uint32(spc) + 2
	fatSize := (tmp1 + tmp2 - 1) / tmp2
	// The BPB's geometry is the one INT 13h reports, which DOS uses.
	_, th, ts := bios.Translate(cyls, hdHeads, hdSectors)
	var t16 uint16
	t32 := vol
	if vol < 65536 {
		t16, t32 = uint16(vol), 0
	}
	l.Boot = bootSector(t16, hdStart, spc, hdRootEntries, 0xF8, uint16(fatSize), uint16(ts), uint16(th), t32, 0x80, root)
	l.Boot.Code = bootCode(62, notBootable)
	return l
}

// fit keeps the nodes that fit in avail clusters and the directories'
// limits (rootSlots entries in the fixed root, 65536 in a subdirectory),
// in walk order, warning about each one left out, and assigns clusters:
// each directory, then its files, then its subdirectories, each a run of
// consecutive clusters from cluster 2.
func fit(nodes []Node, avail int64, rootSlots int, clus int64, warn func(string)) []Node {
	out := []Node{nodes[0]}
	out[0].Children = nil
	next := uint32(2)
	var used int64
	var place func(src, dst int)
	place = func(src, dst int) {
		limit := 65536 - 2
		if dst == 0 {
			limit = rootSlots
		}
		slots := 0
		var keep []int
		for _, c := range nodes[src].Children {
			n := nodes[c]
			if slots+n.slots() > limit {
				warn(fmt.Sprintf("%s: skipped: the folder holds no more entries", n.Path))
				continue
			}
			// A folder reserves the clusters of all its entries; what it
			// leaves out later is given back when it is placed.
			need := int64(fileClusters(n.Size, clus))
			if n.Dir {
				need = int64(dirClusters(entriesOf(nodes, c), clus))
			}
			if used+need > avail {
				warn(fmt.Sprintf("%s: skipped: the disk is full (%d bytes of clusters)", n.Path, avail*clus))
				continue
			}
			used += need
			slots += n.slots()
			keep = append(keep, c)
		}
		// The directory's own clusters first (subdirectories only).
		if dst != 0 {
			k := dirClusters(slots, clus)
			out[dst].Cluster, out[dst].Clusters = next, k
			next += k
			used -= int64(dirClusters(entriesOf(nodes, src), clus) - k)
		}
		var subdirs [][2]int
		for _, c := range keep {
			n := nodes[c]
			n.Parent, n.Children = dst, nil
			if !n.Dir && n.Size > 0 {
				n.Cluster, n.Clusters = next, fileClusters(n.Size, clus)
				next += n.Clusters
			}
			out = append(out, n)
			k := len(out) - 1
			out[dst].Children = append(out[dst].Children, k)
			if n.Dir {
				subdirs = append(subdirs, [2]int{c, k})
			}
		}
		for _, sd := range subdirs {
			place(sd[0], sd[1])
		}
	}
	place(0, 0)
	return out
}

// bootCode is the code of a boot sector or MBR placed at byte at of the
// sector (loaded at 0000:7C00), followed by msg: it prints msg through
// INT 10h AH=0Eh and gives up with INT 18h, the BIOS's "no bootable disk"
// entry, as a DOS boot sector does on a non-system disk:
//
//	xor ax,ax / mov ds,ax / mov si,7C00h+at+25
//	next: lodsb / test al,al / jz done / mov ah,0Eh / mov bx,0007h / int 10h / jmp next
//	done: int 18h / jmp done
func bootCode(at int, msg string) []byte {
	const codeLen = 25
	a := 0x7C00 + at + codeLen
	code := []byte{
		0x31, 0xC0, 0x8E, 0xD8, 0xBE, byte(a), byte(a >> 8),
		0xAC, 0x84, 0xC0, 0x74, 0x09, 0xB4, 0x0E, 0xBB, 0x07, 0x00, 0xCD, 0x10, 0xEB, 0xF2,
		0xCD, 0x18, 0xEB, 0xFC,
	}
	return append(code, msg+"\x00"...)
}

const notBootable = "\r\nThis disk is a host folder (pcemu fat:) and cannot be booted.\r\n"

// volumeID is a serial number that is the same for the same folder.
func volumeID(root string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(root))
	return h.Sum32()
}

// bootSector is a FAT12/16 boot sector with the given BPB.
func bootSector(total uint16, hidden uint32, spc uint8, root uint16, media uint8, fatSize, spt, heads uint16, total32 uint32, drive uint8, dir string) fat.BootSector {
	b := fat.BootSector{
		Jump: [3]byte{0xEB, 0x3C, 0x90}, BytesPerSector: sectorSize, SectorsPerCluster: spc,
		ReservedSectors: 1, NumFATs: 2, RootEntries: root, TotalSectors16: total, Media: media,
		FATSize16: fatSize, SectorsPerTrack: spt, Heads: heads, HiddenSectors: hidden, TotalSectors32: total32,
		DriveNumber: drive, BootSignature: 0x29, VolumeID: volumeID(dir), Signature: fat.BootSignature,
	}
	copy(b.OEMName[:], "MSDOS5.0")
	copy(b.VolumeLabel[:], volumeLabel)
	typ := "FAT12   "
	if b.Clusters() > fat.MaxClusters12 {
		typ = "FAT16   "
	}
	copy(b.FSType[:], typ)
	return b
}

// volumeLabel names the volume in DIR's "Volume in drive D is ...".
const volumeLabel = "HOST FOLDER"

// mbr is the hard disk's partition table: one active FAT16 partition from
// sector 63 to the end, its CHS fields in the BIOS's translated geometry,
// and code that says the disk cannot be booted.
func (l *Layout) mbr() [sectorSize]byte {
	_, th, ts := bios.Translate(l.Cylinders, l.Heads, l.SPT)
	typ := uint8(0x06) // FAT16, 32 MiB and more
	if l.Boot.TotalSectors() < 65536 {
		typ = 0x04
	}
	m := fat.MBR{Signature: fat.BootSignature}
	copy(m.Code[:], bootCode(0, notBootable))
	m.Partitions[0] = fat.PartitionEntry{
		Status: 0x80, Type: typ, StartLBA: uint32(l.VolumeStart), Sectors: l.Boot.TotalSectors(),
		StartCHS: fat.EncodeCHS(uint32(l.VolumeStart), th, ts),
		EndCHS:   fat.EncodeCHS(uint32(l.Sectors-1), th, ts),
	}
	var s [sectorSize]byte
	m.Encode(s[:])
	return s
}
