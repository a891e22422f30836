package vhd

import (
	"errors"
	"fmt"
)

// Commit merges a differencing child into its parent: every sector present
// in the child (bitmap bit set) is written to the parent, which is opened
// for writing and flushed. The child is left as it was; it stays valid,
// since its sectors now equal the parent's. progress, if not nil, is told
// the bytes done out of the total.
func Commit(child string, progress func(done, total int64)) error {
	c, err := Open(child, &OpenOptions{ReadOnly: true, noParent: true})
	if err != nil {
		return err
	}
	defer c.Close()
	if c.Type() != Differencing {
		return &PathError{File: child, Op: "commit", Err: fmt.Errorf("a %v disk has no parent to commit into", c.Type())}
	}
	p, err := Open(c.parentPath, nil)
	if err != nil {
		return &ParentError{Child: child, Err: err}
	}
	defer p.Close()
	if p.ReadOnly() {
		return &PathError{File: c.parentPath, Op: "commit", Err: errors.New("parent is not writable")}
	}
	if err := c.checkParentID(p); err != nil {
		return err
	}
	buf := make([]byte, c.blockSize)
	total := int64(len(c.bat)) * c.blockSize
	for b, e := range c.bat {
		if progress != nil {
			progress(int64(b)*c.blockSize, total)
		}
		if e == batUnused {
			continue
		}
		base := int64(b) * c.blockSize
		n := min(c.blockSize, c.size-base)
		if n <= 0 {
			break
		}
		st, bm, err := c.bitmapOf(uint32(b))
		if err != nil {
			return err
		}
		last := int(n / SectorSize)
		for s := 0; s < last; {
			present, run := true, last
			if st != bmFull {
				present, run = bm.run(s, last)
			}
			if present {
				part := buf[int64(s)*SectorSize : int64(s+run)*SectorSize]
				if err := c.pread(part, c.blockData(e)+int64(s)*SectorSize); err != nil {
					return err
				}
				if _, err := p.WriteAt(part, base+int64(s)*SectorSize); err != nil {
					return err
				}
			}
			s += run
		}
	}
	if progress != nil {
		progress(total, total)
	}
	return p.Flush()
}
