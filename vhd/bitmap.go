package vhd

import "math/bits"

// The sector bitmap precedes each block's data: one bit per sector, most
// significant bit first, padded to a sector boundary; a set bit means the
// sector holds data in this file, a clear bit means it reads as zero in a
// dynamic disk or from the parent in a differencing disk [VHD "Block
// Allocation Table and Data Blocks", "Implementing a Differencing Hard
// Disk"].

// bitmapBytes is the on-disk size of the sector bitmap for a block.
func bitmapBytes(blockSize uint32) uint64 {
	n := (uint64(blockSize)/SectorSize + 7) / 8
	return (n + SectorSize - 1) &^ (SectorSize - 1)
}

// bitmap is the in-memory sector bitmap of one block.
type bitmap []byte

func (b bitmap) get(s int) bool { return b[s>>3]&(0x80>>(s&7)) != 0 }
func (b bitmap) set(s int)      { b[s>>3] |= 0x80 >> (s & 7) }

// run returns the value of sector s and how many sectors from s up to
// limit share it.
func (b bitmap) run(s, limit int) (bool, int) {
	v := b.get(s)
	n := 1
	for s+n < limit {
		i := s + n
		// Whole bytes at a time where possible.
		if i&7 == 0 && i+8 <= limit {
			want := byte(0)
			if v {
				want = 0xFF
			}
			if b[i>>3] == want {
				n += 8
				continue
			}
		}
		if b.get(i) != v {
			break
		}
		n++
	}
	return v, n
}

// full reports whether the first n sectors are all present.
func (b bitmap) full(n int) bool {
	for i := 0; i < n>>3; i++ {
		if b[i] != 0xFF {
			return false
		}
	}
	if r := n & 7; r != 0 {
		m := byte(0xFF) << (8 - r)
		return b[n>>3]&m == m
	}
	return true
}

// count is the number of set bits among the first n sectors.
func (b bitmap) count(n int) int {
	c := 0
	for s := 0; s < n; s++ {
		if s&7 == 0 && s+8 <= n {
			c += bits.OnesCount8(b[s>>3])
			s += 7
			continue
		}
		if b.get(s) {
			c++
		}
	}
	return c
}
