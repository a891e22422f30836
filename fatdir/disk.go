package fatdir

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"time"

	"pcemu/fat"
	"pcemu/ide"
	"pcemu/vhd"
)

// Options modify Open.
type Options struct {
	Floppy   bool         // a diskette (FAT12) instead of a hard disk (FAT16 in an MBR partition)
	Writable bool         // fat:rw: write the guest's changes back to the folder at Close
	Warn     func(string) // told of every file left out and every change not written back; nil: dropped
}

// State is everything a synthesized disk is, as plain data: New rebuilds
// the same disk from it.
type State struct {
	Root     string // the host folder, absolute
	Writable bool
	Layout   Layout
	Nodes    []Node                      // Nodes[0] is the root folder
	Overlay  map[int64]*[sectorSize]byte // sectors the guest wrote, by sector number
}

// Disk is a host folder as a FAT disk. It implements ide.Drive (a hard
// disk) and bios.FloppyImage (a diskette).
type Disk struct {
	mu   sync.Mutex
	st   *State
	warn func(string)
	lock *os.File // the folder, flocked: exclusive for fat:rw:, shared otherwise

	// Generated from st: the MBR, the boot sector, one FAT, the root
	// directory (FAT12/16's fixed area) and the subdirectories' bytes.
	mbr, boot [sectorSize]byte
	fat       []byte
	root      []byte
	dirs      map[int][]byte
	extents   []extent // the nodes' cluster runs, by first cluster

	dirty map[int64]bool // sectors written since the last TakeWritten (state.go)

	files  map[int]*os.File // host files open for reading, at most maxOpen
	opened []int
	closed bool
}

// extent is a node's run of clusters.
type extent struct {
	first, n uint32
	node     int
}

const maxOpen = 16

// timeZone is the zone of the entries' dates: DOS keeps local time.
var timeZone = time.Local

// Open walks the folder and builds its disk. Files that cannot be shown
// are reported through opt.Warn. The folder is locked (flock) as images
// are: a second pcemu may read it too unless one of them has it with
// fat:rw:, which is refused with vhd.ErrInUse ("image is in use").
func Open(dir string, opt Options) (*Disk, error) {
	warn := opt.Warn
	if warn == nil {
		warn = func(string) {}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	// O_DIRECTORY: a name that is not a folder fails at once, before
	// open(2) of a FIFO would wait for a writer (the kernel checks the
	// flag before it opens the file).
	lock, err := os.OpenFile(abs, os.O_RDONLY|syscall.O_DIRECTORY, 0)
	if errors.Is(err, syscall.ENOTDIR) {
		return nil, fmt.Errorf("fat:%s: %s is not a folder", dir, abs)
	}
	if err != nil {
		return nil, fmt.Errorf("fat:%s: %w", dir, unwrap(err))
	}
	if err := vhd.LockFile(lock, !opt.Writable); err != nil {
		lock.Close()
		return nil, fmt.Errorf("fat:%s: %w", dir, err)
	}
	nodes, err := scan(abs, warn)
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("fat:%s: %w", dir, unwrap(err))
	}
	l, nodes := plan(nodes, abs, opt.Floppy, warn)
	d, err := New(&State{Root: abs, Writable: opt.Writable, Layout: l, Nodes: nodes, Overlay: map[int64]*[sectorSize]byte{}}, warn)
	if err != nil {
		lock.Close()
		return nil, err
	}
	d.lock = lock
	return d, nil
}

// New builds the disk a State describes (the folder is not walked again,
// nor locked).
func New(st *State, warn func(string)) (*Disk, error) {
	if warn == nil {
		warn = func(string) {}
	}
	if st.Overlay == nil {
		st.Overlay = map[int64]*[sectorSize]byte{}
	}
	d := &Disk{st: st, warn: warn, dirs: map[int][]byte{}, files: map[int]*os.File{}, dirty: map[int64]bool{}}
	for s := range st.Overlay {
		d.dirty[s] = true
	}
	l := &st.Layout
	if err := l.Boot.Validate(int64(l.Boot.TotalSectors()) * sectorSize); err != nil {
		return nil, err
	}
	l.Boot.Encode(d.boot[:])
	if !l.Floppy {
		d.mbr = l.mbr()
	}
	clus := l.clusterBytes()

	// The FAT: each node's run chained, then end of chain. Entries 0 and
	// 1 hold the media byte and the clean-shutdown bits [FAT "FAT Data
	// Structure"].
	typ := l.Boot.Type()
	d.fat = make([]byte, l.fatSize()*sectorSize)
	set := func(c, v uint32) {
		if typ == fat.FAT12 {
			o := c + c/2
			if c&1 == 0 {
				d.fat[o] = byte(v)
				d.fat[o+1] = d.fat[o+1]&0xF0 | byte(v>>8)&0x0F
			} else {
				d.fat[o] = d.fat[o]&0x0F | byte(v<<4)
				d.fat[o+1] = byte(v >> 4)
			}
			return
		}
		d.fat[2*c], d.fat[2*c+1] = byte(v), byte(v>>8)
	}
	eoc := uint32(0xFFFF)
	if typ == fat.FAT12 {
		eoc = 0xFFF
	}
	set(0, uint32(l.Boot.Media)|eoc&^0xFF)
	set(1, eoc)
	for i := range st.Nodes {
		n := &st.Nodes[i]
		if n.Clusters == 0 {
			continue
		}
		for c := n.Cluster; c < n.Cluster+n.Clusters-1; c++ {
			set(c, c+1)
		}
		set(n.Cluster+n.Clusters-1, eoc)
		d.extents = append(d.extents, extent{n.Cluster, n.Clusters, i})
	}
	sort.Slice(d.extents, func(a, b int) bool { return d.extents[a].first < d.extents[b].first })

	// The directories.
	d.root = make([]byte, int(l.Boot.RootEntries)*fat.DirEntrySize)
	label := fat.RawEntry{Attr: fat.AttrVolumeID}
	copy(label.Name[:], volumeLabel)
	date, tm, _ := fat.DOSDateTime(st.Nodes[0].ModTime, timeZone)
	label.WriteDate, label.WriteTime = date, tm
	label.Encode(d.root)
	d.fillDir(d.root[fat.DirEntrySize:], 0)
	for i := range st.Nodes {
		n := &st.Nodes[i]
		if i == 0 || !n.Dir {
			continue
		}
		b := make([]byte, int64(n.Clusters)*clus)
		dot := d.entry(n, [11]byte{'.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '})
		dot.Encode(b)
		dotdot := d.entry(&st.Nodes[n.Parent], [11]byte{'.', '.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '})
		dotdot.Encode(b[fat.DirEntrySize:])
		d.fillDir(b[2*fat.DirEntrySize:], i)
		d.dirs[i] = b
	}
	return d, nil
}

// entry is n's short directory entry (named name for "." and "..").
func (d *Disk) entry(n *Node, name [11]byte) fat.RawEntry {
	date, tm, tenth := fat.DOSDateTime(n.ModTime, timeZone)
	e := fat.RawEntry{Name: name, Attr: n.Attr, NTRes: n.NTRes, CreateTenth: tenth, CreateTime: tm, CreateDate: date,
		AccessDate: date, WriteTime: tm, WriteDate: date}
	if !n.Dir {
		e.Size = uint32(n.Size)
	}
	if name[0] == '.' {
		e.NTRes = 0
	}
	e.SetCluster(n.Cluster)
	return e
}

// fillDir writes folder i's entries into b: long-name entries, then the
// short entry, for each child.
func (d *Disk) fillDir(b []byte, i int) {
	at := 0
	for _, c := range d.st.Nodes[i].Children {
		n := &d.st.Nodes[c]
		e := d.entry(n, n.Short)
		for _, l := range fat.LongEntries(n.Long, fat.Checksum(n.Short)) {
			l.Encode(b[at:])
			at += fat.DirEntrySize
		}
		e.Encode(b[at:])
		at += fat.DirEntrySize
	}
}

// State returns the disk's state (not a copy): the layout, the nodes and
// the overlay of written sectors.
func (d *Disk) State() *State { return d.st }

// Size is the disk's size in bytes.
func (d *Disk) Size() int64 { return d.st.Layout.Sectors * sectorSize }

// ReadOnly is false: the guest may write, to the overlay.
func (d *Disk) ReadOnly() bool { return false }

// Flush has nothing to do: the overlay is written back only at Close.
func (d *Disk) Flush() error { return nil }

// Geometry is the IDENTIFY geometry: 16 heads, 63 sectors.
func (d *Disk) Geometry() ide.Geometry {
	l := &d.st.Layout
	return ide.Geometry{Cylinders: l.Cylinders, Heads: l.Heads, SectorsPerTrack: l.SPT}
}

// ReadAt reads the disk: sectors the guest wrote from the overlay, the
// generated structures from memory, files' clusters from the host files.
func (d *Disk) ReadAt(p []byte, off int64) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.readAt(p, off)
}

// locked is the disk for a reader that already holds d.mu (write-back).
type locked struct{ d *Disk }

func (l locked) ReadAt(p []byte, off int64) (int, error) { return l.d.readAt(p, off) }

func (d *Disk) readAt(p []byte, off int64) (int, error) {
	if d.closed {
		return 0, os.ErrClosed
	}
	if off < 0 || off >= d.Size() {
		return 0, io.EOF
	}
	want := len(p)
	p = p[:min(int64(len(p)), d.Size()-off)]
	if off%sectorSize != 0 || len(p)%sectorSize != 0 {
		// Unaligned (the fat package reading entries at write-back):
		// whole sectors into a buffer.
		first := off / sectorSize
		end := (off + int64(len(p)) + sectorSize - 1) / sectorSize
		buf := make([]byte, (end-first)*sectorSize)
		if err := d.readSectors(buf, first); err != nil {
			return 0, err
		}
		copy(p, buf[off-first*sectorSize:])
	} else if err := d.readSectors(p, off/sectorSize); err != nil {
		return 0, err
	}
	if len(p) < want {
		return len(p), io.EOF
	}
	return len(p), nil
}

func (d *Disk) readSectors(p []byte, s int64) error {
	for len(p) > 0 {
		if ov, ok := d.st.Overlay[s]; ok {
			copy(p, ov[:])
			p, s = p[sectorSize:], s+1
			continue
		}
		n, err := d.fill(p, s)
		if err != nil {
			return err
		}
		// The run ends before the next sector the guest wrote.
		if len(d.st.Overlay) > 0 {
			for i := int64(1); i < n; i++ {
				if _, ok := d.st.Overlay[s+i]; ok {
					n = i
					break
				}
			}
		}
		p, s = p[n*sectorSize:], s+n
	}
	return nil
}

// fill fills p from sector s with generated or host data, as far as one
// region (or one node's clusters) goes, and returns the sectors filled.
func (d *Disk) fill(p []byte, s int64) (int64, error) {
	l := &d.st.Layout
	max := int64(len(p)) / sectorSize
	// copyFrom fills from b (sector 0 of b is sector base of the disk),
	// zeros beyond b, up to sector end.
	copyFrom := func(b []byte, base, end int64) int64 {
		n := min(max, end-s)
		dst := p[:n*sectorSize]
		k := int64(0)
		if at := (s - base) * sectorSize; at < int64(len(b)) {
			k = int64(copy(dst, b[at:]))
		}
		clear(dst[k:])
		return n
	}
	switch {
	case s < l.VolumeStart:
		return copyFrom(d.mbr[:], 0, l.VolumeStart), nil
	case s < l.fatStart():
		return copyFrom(d.boot[:], l.VolumeStart, l.fatStart()), nil
	case s < l.rootStart():
		k := (s - l.fatStart()) / l.fatSize()
		base := l.fatStart() + k*l.fatSize()
		return copyFrom(d.fat, base, base+l.fatSize()), nil
	case s < l.dataStart():
		return copyFrom(d.root, l.rootStart(), l.dataStart()), nil
	case s >= l.volumeEnd():
		return copyFrom(nil, l.volumeEnd(), l.Sectors), nil
	}
	spc := l.spc()
	c := uint32((s-l.dataStart())/spc) + 2
	i := sort.Search(len(d.extents), func(i int) bool { return d.extents[i].first+d.extents[i].n > c })
	if i == len(d.extents) || d.extents[i].first > c {
		// A free cluster: zeros up to the next node's clusters.
		end := l.volumeEnd()
		if i < len(d.extents) {
			end = l.dataStart() + int64(d.extents[i].first-2)*spc
		}
		return copyFrom(nil, s, end), nil
	}
	e := d.extents[i]
	base := l.dataStart() + int64(e.first-2)*spc
	end := base + int64(e.n)*spc
	if b, ok := d.dirs[e.node]; ok {
		return copyFrom(b, base, end), nil
	}
	n := min(max, end-s)
	dst := p[:n*sectorSize]
	if err := d.readHost(e.node, dst, (s-base)*sectorSize); err != nil {
		return 0, err
	}
	return n, nil
}

// readHost reads node i's host file at off into p, with zeros beyond the
// size it had at Open (or beyond its end, if it shrank since).
func (d *Disk) readHost(i int, p []byte, off int64) error {
	n := &d.st.Nodes[i]
	k := 0
	if off < n.Size {
		f, err := d.open(i)
		if err != nil {
			return err
		}
		k, err = f.ReadAt(p[:min(int64(len(p)), n.Size-off)], off)
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("fat:%s: %s: %w", d.st.Root, n.Path, unwrap(err))
		}
	}
	clear(p[k:])
	return nil
}

// open returns node i's host file, opening it on first use and keeping at
// most maxOpen open.
func (d *Disk) open(i int) (*os.File, error) {
	if f, ok := d.files[i]; ok {
		return f, nil
	}
	f, err := os.Open(filepath.Join(d.st.Root, filepath.FromSlash(d.st.Nodes[i].Path)))
	if err != nil {
		return nil, fmt.Errorf("fat:%s: %s: %w", d.st.Root, d.st.Nodes[i].Path, unwrap(err))
	}
	if len(d.opened) >= maxOpen {
		d.files[d.opened[0]].Close()
		delete(d.files, d.opened[0])
		d.opened = d.opened[1:]
	}
	d.files[i] = f
	d.opened = append(d.opened, i)
	return f, nil
}

// WriteAt stores the written sectors in the overlay.
func (d *Disk) WriteAt(p []byte, off int64) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return 0, os.ErrClosed
	}
	if off < 0 || off+int64(len(p)) > d.Size() {
		return 0, fmt.Errorf("fat:%s: write of %d bytes at %d is beyond the disk", d.st.Root, len(p), off)
	}
	for n := 0; n < len(p); {
		s := (off + int64(n)) / sectorSize
		in := int((off + int64(n)) % sectorSize)
		sec := d.st.Overlay[s]
		if sec == nil {
			sec = new([sectorSize]byte)
			if in != 0 || len(p)-n < sectorSize {
				// Part of a sector (package fat writing one entry):
				// the rest as it reads now.
				if err := d.readSectors(sec[:], s); err != nil {
					return n, err
				}
			}
			d.st.Overlay[s] = sec
		}
		n += copy(sec[in:], p[n:])
		d.dirty[s] = true
	}
	return len(p), nil
}

// Close ends the disk: with Writable the guest's changes are written back
// to the folder first (errors and conflicts are returned and reported
// through Warn); then the host files and the lock are let go. It is safe
// to call more than once.
func (d *Disk) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	var err error
	if d.st.Writable {
		err = d.writeBack()
	}
	d.closed = true
	for _, f := range d.files {
		f.Close()
	}
	d.files = nil
	if d.lock != nil {
		d.lock.Close()
	}
	return err
}
