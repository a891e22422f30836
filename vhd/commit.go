package vhd

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// CommitOptions modify Commit.
type CommitOptions struct {
	// IgnoreParentTime commits into a parent whose modification time is
	// not the one the child recorded (a commit that failed half-way, for
	// instance, leaves it so).
	IgnoreParentTime bool
	// Progress, if not nil, is told the bytes done out of the total.
	Progress func(done, total int64)
}

// Commit merges a differencing child into its parent: every sector present
// in the child (bitmap bit set) is written to the parent, which is opened
// for writing and flushed. The child keeps its sectors, which now equal the
// parent's, and records the parent's new modification time, so it stays a
// valid child of the changed parent. Before writing, the space the parent
// may need for new blocks is compared with the free space of its file
// system, so that a commit that cannot fit does not start.
func Commit(child string, opt *CommitOptions) error {
	var o CommitOptions
	if opt != nil {
		o = *opt
	}
	c, err := Open(child, &OpenOptions{noParent: true})
	if err != nil {
		return err
	}
	defer c.Close()
	if c.Type() != Differencing {
		return &PathError{File: child, Op: "commit", Err: fmt.Errorf("a %v disk has no parent to commit into", c.Type())}
	}
	if c.ReadOnly() {
		return &PathError{File: child, Op: "commit", Err: errors.New("the child is read-only: commit records the parent's new time in it")}
	}
	cfi, err := c.f.Stat()
	if err != nil {
		return &PathError{File: child, Op: "stat", Err: unwrapPathErr(err)}
	}
	if pfi, err := os.Stat(c.parentPath); err == nil && os.SameFile(cfi, pfi) {
		return &FormatError{File: child, Structure: "parent", Msg: "chain loops: " + chainNames([]chainLink{{child, cfi}}, c.parentPath)}
	}
	p, err := Open(c.parentPath, &OpenOptions{IgnoreParentTime: o.IgnoreParentTime, chain: []chainLink{{child, cfi}}})
	if err != nil {
		var fe *FormatError
		if errors.As(err, &fe) && fe.loop {
			return err
		}
		return &ParentError{Child: child, Err: err}
	}
	defer p.Close()
	if p.ReadOnly() {
		return &PathError{File: c.parentPath, Op: "commit", Err: errors.New("parent is not writable")}
	}
	if err := checkParent(child, c.header, p, o.IgnoreParentTime); err != nil {
		return err
	}
	if err := p.roomFor(c); err != nil {
		return err
	}
	if err := c.commitInto(p, o.Progress); err != nil {
		return fmt.Errorf("%w (the parent now holds part of the child's data; the child is unchanged: once the cause is fixed, run the commit again with --ignore-parent-time to finish it)", err)
	}
	if err := p.Flush(); err != nil {
		return err
	}
	pfi, err := p.f.Stat()
	if err != nil {
		return &PathError{File: p.name, Op: "stat", Err: unwrapPathErr(err)}
	}
	return c.setParentTime(vhdTime(pfi.ModTime()))
}

// roomFor refuses a commit of c into d (a dynamic parent) that needs more
// new blocks than d's file system has free space for.
func (d *Disk) roomFor(c *Disk) error {
	if d.header == nil {
		return nil // a fixed parent is written in place
	}
	var need int64
	for b, e := range c.bat {
		if e == batUnused {
			continue
		}
		base := int64(b) * c.blockSize
		for off := base; off < min(base+c.blockSize, c.size); off += d.blockSize {
			if d.bat[off>>d.blockShift] == batUnused {
				need += d.bitmapSize + d.blockSize
			}
		}
	}
	var st syscall.Statfs_t
	if need == 0 || syscall.Fstatfs(int(d.f.Fd()), &st) != nil {
		return nil
	}
	if free := int64(st.Bavail) * st.Bsize; need > free {
		return &PathError{File: d.name, Op: "commit", Err: fmt.Errorf("%w: the parent may grow by %d bytes, its file system has %d free (nothing was written)", syscall.ENOSPC, need, free)}
	}
	return nil
}

// commitInto writes every sector present in c to p.
func (c *Disk) commitInto(p *Disk, progress func(done, total int64)) error {
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
	return nil
}

// setParentTime records t as the parent's modification time in the
// differencing disk's header, and syncs it.
func (d *Disk) setParentTime(t uint32) error {
	if d.readOnly {
		return &PathError{File: d.name, Op: "write", Err: ErrReadOnly}
	}
	h := *d.header
	h.ParentTimeStamp = t
	b := make([]byte, headerSize)
	h.Seal(b)
	if err := d.pwrite(b, int64(d.footer.DataOffset)); err != nil {
		return err
	}
	d.header.ParentTimeStamp, d.header.Checksum = t, h.Checksum
	return d.Flush()
}

// AcceptParent records the current modification time of a differencing
// disk's parent in the child, for a parent whose time changed while its
// contents did not (it was copied without keeping times, or touched): the
// user has checked that it is the disk the child was made over. The
// parent's unique id must still match. It returns the time recorded before
// and the one recorded now.
func AcceptParent(child string) (before, now time.Time, err error) {
	c, err := Open(child, &OpenOptions{IgnoreParentTime: true})
	if err != nil {
		return before, now, err
	}
	defer c.Close()
	if c.Type() != Differencing {
		return before, now, &PathError{File: child, Op: "accept parent", Err: fmt.Errorf("a %v disk has no parent", c.Type())}
	}
	if c.ReadOnly() {
		return before, now, &PathError{File: child, Op: "accept parent", Err: ErrReadOnly}
	}
	fi, err := c.parent.f.Stat()
	if err != nil {
		return before, now, &PathError{File: c.parentPath, Op: "stat", Err: unwrapPathErr(err)}
	}
	old, cur := c.header.ParentTimeStamp, vhdTime(fi.ModTime())
	before, now = fromVHDTime(old), fromVHDTime(cur)
	if old == cur {
		return before, now, nil
	}
	return before, now, c.setParentTime(cur)
}
