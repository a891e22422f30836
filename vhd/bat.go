package vhd

import (
	"encoding/binary"
	"fmt"
	"slices"
)

// batUnused marks a block that is not allocated [VHD "Block Allocation
// Table and Data Blocks"].
const batUnused = 0xFFFFFFFF

// batBytes is the size of a BAT of n entries: 4 bytes each, "extended to a
// sector boundary" [VHD "Block Allocation Table and Data Blocks"].
func batBytes(n uint32) uint64 {
	return (uint64(n)*4 + SectorSize - 1) &^ (SectorSize - 1)
}

// decodeBAT converts the on-disk table (big-endian uint32 sector numbers).
func decodeBAT(b []byte, n uint32) []uint32 {
	bat := make([]uint32, n)
	for i := range bat {
		bat[i] = binary.BigEndian.Uint32(b[4*i:])
	}
	return bat
}

// encodeBAT writes the table, padding the last sector with batUnused.
func encodeBAT(bat []uint32) []byte {
	b := make([]byte, batBytes(uint32(len(bat))))
	for i := range b {
		b[i] = 0xFF
	}
	for i, e := range bat {
		binary.BigEndian.PutUint32(b[4*i:], e)
	}
	return b
}

// extent is a byte range of the file that holds metadata or a block.
type extent struct {
	off, n uint64
	what   string
}

// batProblem is one BAT entry that cannot be used.
type batProblem struct {
	entry int
	kind  batFault
	err   *FormatError
}

// batFault is what is wrong with a BAT entry. Repair decides from it
// whether the entry's own block can be found again.
type batFault int

const (
	// The block lies past the footer, or runs into it.
	batPastEnd batFault = iota
	// The block lies on the footer copy, the header, the BAT or locator
	// data.
	batIntoMetadata
	// The block is another entry's, or overlaps it: one of the two
	// entries is wrong, and nothing says which.
	batShared
)

// checkBAT validates every allocated entry: the block (bitmap + data) must
// lie after the metadata, end before the footer at fileEnd, and share no
// byte with another block. metadata lists the footer copy, header, BAT and
// parent locator data. It returns one problem per bad entry, in entry
// order, and the end of the last valid block.
func checkBAT(file string, bat []uint32, blockBytes uint64, metadata []extent, footerAt uint64) ([]batProblem, uint64) {
	var probs []batProblem
	type blk struct {
		start uint64
		entry int
	}
	blocks := make([]blk, 0, 64)
	var dataEnd uint64
	bad := func(i int, kind batFault, format string, args ...any) {
		probs = append(probs, batProblem{i, kind, formatErr(file, "BAT", fmt.Sprintf("entry %d", i), format, args...)})
	}
entries:
	for i, e := range bat {
		if e == batUnused {
			continue
		}
		start := uint64(e) * SectorSize
		if start+blockBytes > footerAt {
			bad(i, batPastEnd, "(sector %d) points past the end of the data: block ends at %d, footer at %d", e, start+blockBytes, footerAt)
			continue
		}
		for _, m := range metadata {
			if overlaps(start, blockBytes, m.off, m.n) {
				bad(i, batIntoMetadata, "(sector %d) points into the %s at %d", e, m.what, m.off)
				continue entries
			}
		}
		blocks = append(blocks, blk{start, i})
	}
	slices.SortFunc(blocks, func(a, b blk) int {
		if a.start != b.start {
			if a.start < b.start {
				return -1
			}
			return 1
		}
		return a.entry - b.entry
	})
	prev := -1
	for k, b := range blocks {
		if prev >= 0 && b.start < blocks[prev].start+blockBytes {
			p := blocks[prev]
			if b.start == p.start {
				bad(b.entry, batShared, "(sector %d) points at the same block as entry %d", bat[b.entry], p.entry)
			} else {
				bad(b.entry, batShared, "(sector %d) overlaps the block of entry %d (sector %d): not a multiple of the block stride", bat[b.entry], p.entry, bat[p.entry])
			}
			continue
		}
		prev = k
		dataEnd = max(dataEnd, b.start+blockBytes)
	}
	slices.SortFunc(probs, func(a, b batProblem) int { return a.entry - b.entry })
	return probs, dataEnd
}
