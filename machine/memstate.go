package machine

import (
	"bytes"
	"fmt"
)

// PagedMemory is memory as a machine state keeps it: in pages of
// PageSize bytes, a page of all zeros as an empty one. A page never
// changes once in a state, so the states one machine saves share the
// pages that did not change between them: periodic checkpoints (a
// debugger going back in time) cost the memory the guest wrote since the
// last one, not the machine's memory each.
type PagedMemory struct {
	Size  int64
	Pages [][]byte // each PageSize bytes (the last may be shorter), or empty for zeros
}

// PageSize is the size of a memory page of a state.
const PageSize = 4096

// savePages copies mem into pages, sharing those equal to prev's.
func savePages(mem []byte, prev *PagedMemory) PagedMemory {
	n := (len(mem) + PageSize - 1) / PageSize
	p := PagedMemory{Size: int64(len(mem)), Pages: make([][]byte, n)}
	if prev != nil && (prev.Size != p.Size || len(prev.Pages) != n) {
		prev = nil
	}
	// First the pages that need copying, then one allocation for them.
	var changed []int
	var zero [PageSize]byte
	for i := range n {
		page := mem[i*PageSize : min((i+1)*PageSize, len(mem))]
		switch {
		case prev != nil && len(prev.Pages[i]) == len(page) && bytes.Equal(prev.Pages[i], page):
			p.Pages[i] = prev.Pages[i]
		case bytes.Equal(page, zero[:len(page)]):
			// empty: zeros
		default:
			changed = append(changed, i)
		}
	}
	slab := make([]byte, 0, len(changed)*PageSize)
	for _, i := range changed {
		page := mem[i*PageSize : min((i+1)*PageSize, len(mem))]
		start := len(slab)
		slab = append(slab, page...)
		p.Pages[i] = slab[start:len(slab):len(slab)]
	}
	return p
}

// check refuses pages that do not make size bytes.
func (p *PagedMemory) check(name string, size int) error {
	n := (size + PageSize - 1) / PageSize
	if p.Size != int64(size) || len(p.Pages) != n {
		return fmt.Errorf("%w: %s is %d bytes in %d pages, the machine has %d bytes", ErrStateMismatch, name, p.Size, len(p.Pages), size)
	}
	for i, page := range p.Pages {
		if want := min(PageSize, size-i*PageSize); len(page) != 0 && len(page) != want {
			return fmt.Errorf("machine: %s.Pages[%d] is %d bytes, not %d", name, i, len(page), want)
		}
	}
	return nil
}

// copyTo puts the pages into mem (of p.Size bytes).
func (p *PagedMemory) copyTo(mem []byte) {
	for i, page := range p.Pages {
		dst := mem[i*PageSize : min((i+1)*PageSize, len(mem))]
		if len(page) == 0 {
			clear(dst)
		} else {
			copy(dst, page)
		}
	}
}

// bytes is the memory whole, in a new slice.
func (p *PagedMemory) bytes() []byte {
	mem := make([]byte, p.Size)
	for i, page := range p.Pages {
		copy(mem[i*PageSize:], page)
	}
	return mem
}
