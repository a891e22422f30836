package fatdir

import (
	"crypto/sha256"
	"fmt"
	"maps"
	"slices"
)

// A machine state holds a fat: disk as the folder's fingerprint and the
// sectors the guest wrote (package disk): loading rebuilds the disk from
// the folder, refuses it if the fingerprint differs, and puts the written
// sectors back over it.

// Fingerprint is the SHA-256 of the disk as the guest sees it, except the
// files' contents: the layout (geometry, boot sector with its volume
// serial number, made from the folder's path) and every file and folder
// (host path, 8.3 and long names, attributes, size, modification time,
// clusters). A file's contents are known by its size and time, as an
// image file's are (a copy that keeps the times is the same folder); the
// host's inode numbers are left out for the same reason.
func (d *Disk) Fingerprint() [32]byte {
	h := sha256.New()
	l := &d.st.Layout
	fmt.Fprintf(h, "layout %t %d %d %d %d %d\n", l.Floppy, l.Sectors, l.Cylinders, l.Heads, l.SPT, l.VolumeStart)
	h.Write(d.mbr[:])
	h.Write(d.boot[:])
	for _, n := range d.st.Nodes {
		fmt.Fprintf(h, "node %q %d %v %t %q %d %q %d %d %d %d %d\n", n.Path, n.Parent, n.Children, n.Dir, n.Short[:], n.NTRes,
			n.Long, n.Attr, n.Size, n.ModTime.UnixNano(), n.Cluster, n.Clusters)
	}
	return [32]byte(h.Sum(nil))
}

// TakeWritten calls f with each sector the guest wrote since the last
// TakeWritten or SetWritten, in order, and forgets that they were written
// since (a machine state takes only what changed since the one before); f
// must not keep b.
func (d *Disk) TakeWritten(f func(s int64, b []byte)) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, s := range slices.Sorted(maps.Keys(d.dirty)) {
		f(s, d.st.Overlay[s][:])
	}
	clear(d.dirty)
}

// SetWritten makes ov the sectors the guest wrote, in place of those it
// wrote so far; the disk keeps ov. Every sector must be on the disk.
func (d *Disk) SetWritten(ov map[int64]*[sectorSize]byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	for s := range ov {
		if s < 0 || s >= d.st.Layout.Sectors {
			return fmt.Errorf("fat:%s: a written sector %d is beyond the disk's %d", d.st.Root, s, d.st.Layout.Sectors)
		}
	}
	if ov == nil {
		ov = map[int64]*[sectorSize]byte{}
	}
	d.st.Overlay = ov
	clear(d.dirty)
	return nil
}
