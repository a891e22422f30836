package fat

import (
	"encoding/binary"
	"fmt"
)

// The file allocation table holds one entry per cluster: 0 free, the next
// cluster of the chain, a bad-cluster mark or end of chain [FAT "FAT Data
// Structure"]. FAT12 packs two 12-bit entries in three bytes, FAT16 has
// 16-bit entries, FAT32 32-bit entries of which the low 28 bits count (the
// high 4 are reserved and kept as found).
const (
	entryFreeCluster = 0
	eoc32            = 0x0FFFFFFF // the end-of-chain mark written
	bad32            = 0x0FFFFFF7
	mask32           = 0x0FFFFFFF
)

// table is one copy of the FAT in memory, as bytes, so that a change is
// written back sector by sector exactly as it sits on the disk.
type table struct {
	typ   Type
	b     []byte
	dirty []bool // per sector of the FAT
	ssize int
}

// get returns the entry of cluster c, widened: FAT12 and FAT16 special
// values are mapped to their FAT32 equivalents, so that callers compare
// against one set of constants.
func (t *table) get(c uint32) uint32 {
	var v, eoc, bad uint32
	switch t.typ {
	case FAT12:
		o := c + c/2
		w := uint32(binary.LittleEndian.Uint16(t.b[o:]))
		if c&1 != 0 {
			v = w >> 4
		} else {
			v = w & 0xFFF
		}
		eoc, bad = 0xFF8, 0xFF7
	case FAT16:
		v = uint32(binary.LittleEndian.Uint16(t.b[2*c:]))
		eoc, bad = 0xFFF8, 0xFFF7
	default:
		return binary.LittleEndian.Uint32(t.b[4*c:]) & mask32
	}
	switch {
	case v >= eoc:
		return eoc32
	case v == bad:
		return bad32
	}
	return v
}

// set stores v (in the widened FAT32 values) as the entry of cluster c and
// marks the sectors it touches dirty.
func (t *table) set(c, v uint32) {
	var o, n uint32
	switch t.typ {
	case FAT12:
		if v >= bad32 {
			v &= 0xFFF
		}
		o, n = c+c/2, 2
		w := binary.LittleEndian.Uint16(t.b[o:])
		if c&1 != 0 {
			w = w&0x000F | uint16(v)<<4
		} else {
			w = w&0xF000 | uint16(v&0xFFF)
		}
		binary.LittleEndian.PutUint16(t.b[o:], w)
	case FAT16:
		if v >= bad32 {
			v &= 0xFFFF
		}
		o, n = 2*c, 2
		binary.LittleEndian.PutUint16(t.b[o:], uint16(v))
	default:
		o, n = 4*c, 4
		old := binary.LittleEndian.Uint32(t.b[o:])
		binary.LittleEndian.PutUint32(t.b[o:], old&^mask32|v&mask32)
	}
	t.dirty[int(o)/t.ssize] = true
	t.dirty[int(o+n-1)/t.ssize] = true
}

// isEOC reports whether a widened entry ends a chain.
func isEOC(v uint32) bool { return v >= 0x0FFFFFF8 }

// chain follows the FAT from cluster start and returns the chain's
// clusters, checking that every link stays on the volume, ends in an
// end-of-chain mark and does not loop.
func (f *FS) chain(start uint32, what string) ([]uint32, error) {
	var out []uint32
	c := start
	for {
		if c < 2 || c > f.clusters+1 {
			return nil, formatErr("FAT", "", "%s: cluster %d of its chain is not on the volume (2 to %d)", what, c, f.clusters+1)
		}
		if len(out) > int(f.clusters) {
			return nil, formatErr("FAT", "", "%s: its cluster chain loops", what)
		}
		out = append(out, c)
		next := f.fat.get(c)
		switch {
		case isEOC(next):
			return out, nil
		case next == entryFreeCluster:
			return nil, formatErr("FAT", "", "%s: cluster %d of its chain is marked free", what, c)
		case next == bad32:
			return nil, formatErr("FAT", "", "%s: cluster %d of its chain links to a bad-cluster mark", what, c)
		}
		c = next
	}
}

// Chain returns the clusters of the chain that starts at cluster start,
// in order; what names the chain's owner in errors.
func (f *FS) Chain(start uint32, what string) ([]uint32, error) { return f.chain(start, what) }

// freeClusters counts the free entries (once; allocate and release keep
// the count).
func (f *FS) freeClusters() uint32 {
	if f.free < 0 {
		n := int64(0)
		for c := uint32(2); c <= f.clusters+1; c++ {
			if f.fat.get(c) == entryFreeCluster {
				n++
			}
		}
		f.free = n
	}
	return uint32(f.free)
}

// allocate takes n free clusters, searching from the FSInfo-style hint so
// that a file's clusters follow each other when the free space allows,
// links them into a chain ending in end of chain, and returns them.
func (f *FS) allocate(n uint32) ([]uint32, error) {
	if n == 0 {
		return nil, nil
	}
	if free := f.freeClusters(); free < n {
		return nil, fmt.Errorf("%w: %d clusters needed, %d free", ErrNoSpace, n, free)
	}
	out := make([]uint32, 0, n)
	c := f.nextFree
	for uint32(len(out)) < n {
		if c < 2 || c > f.clusters+1 {
			c = 2
		}
		if f.fat.get(c) == entryFreeCluster {
			out = append(out, c)
		}
		c++
	}
	for i, c := range out {
		if i+1 < len(out) {
			f.fat.set(c, out[i+1])
		} else {
			f.fat.set(c, eoc32)
		}
	}
	f.nextFree = out[len(out)-1] + 1
	f.free -= int64(n)
	return out, nil
}

// release marks a chain's clusters free.
func (f *FS) release(chain []uint32) {
	f.freeClusters()
	for _, c := range chain {
		f.fat.set(c, entryFreeCluster)
	}
	f.free += int64(len(chain))
}
