package fat

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"
)

// Changes are made in the order that leaves the volume consistent, or at
// worst with lost clusters that a checker reclaims, should they stop
// half-way: a file's data first, then its chain in every copy of the FAT
// (Flush), then the directory entry that points at it. Removal goes the
// other way: the entry is marked deleted before its clusters are freed.

// Flush writes the changed sectors of the FAT to every copy (only the
// active one when BPB_ExtFlags turns mirroring off) and, on FAT32, the
// free count and next-free hint to the FSInfo sector.
func (f *FS) Flush() error {
	if f.w == nil {
		return nil
	}
	ss := int(f.secSize)
	for i, d := range f.fat.dirty {
		if !d || i*ss >= len(f.fat.b) {
			continue
		}
		sec := f.fat.b[i*ss : min((i+1)*ss, len(f.fat.b))]
		for n := range int(f.BootSector.NumFATs) {
			if f.active >= 0 && n != f.active {
				continue
			}
			if err := f.write(sec, f.fatStart+int64(n)*f.fatBytes+int64(i*ss), "FAT"); err != nil {
				return err
			}
		}
		f.fat.dirty[i] = false
	}
	if f.fsinfo {
		fi := FSInfo{FreeCount: f.freeClusters(), NextFree: f.nextFree}
		if fi.NextFree > f.clusters+1 {
			fi.NextFree = 2
		}
		var s [SectorSize]byte
		at := int64(f.BootSector.FSInfoSector) * f.secSize
		if err := readAt(f.r, s[:], f.off+at, "FSInfo"); err != nil {
			return err
		}
		// Only the two counts change; the reserved bytes are kept.
		var enc [SectorSize]byte
		fi.Encode(enc[:])
		copy(s[488:496], enc[488:496])
		if err := f.write(s[:], at, "FSInfo"); err != nil {
			return err
		}
	}
	return nil
}

// write writes b at byte off of the volume.
func (f *FS) write(b []byte, off int64, what string) error {
	if f.w == nil {
		return ErrReadOnly
	}
	if _, err := f.w.WriteAt(b, f.off+off); err != nil {
		return fmt.Errorf("fat: write %s at %d: %w", what, f.off+off, err)
	}
	return nil
}

// parentOf resolves the directory that is to hold the last element of
// name, and returns it, its entries and that element.
func (f *FS) parentOf(op, name string) (*directory, []DirEntry, string, error) {
	parts, err := splitPath(name)
	if err == nil && len(parts) == 0 {
		err = errors.New("is the root directory")
	}
	if err != nil {
		return nil, nil, "", &fs.PathError{Op: op, Path: name, Err: err}
	}
	dirName := strings.Join(parts[:len(parts)-1], "/")
	pe, _, err := f.walk(dirName)
	if err == nil && !pe.IsDir() {
		err = fmt.Errorf("%s is not a directory", dirName)
	}
	if err != nil {
		return nil, nil, "", &fs.PathError{Op: op, Path: name, Err: err}
	}
	d, err := f.readDir(f.dirCluster(pe), dirName)
	if err != nil {
		return nil, nil, "", &fs.PathError{Op: op, Path: name, Err: err}
	}
	return d, f.entries(d), parts[len(parts)-1], nil
}

// FileOptions are the attributes and times of a new file or directory.
type FileOptions struct {
	Attr    Attr      // extra attributes (read-only, hidden, system, archive)
	ModTime time.Time // DIR_WrtDate/Time; also the creation and access date
}

// WriteFile creates the file name (its directory must exist, the name must
// not) with size bytes read from r.
func (f *FS) WriteFile(name string, r io.Reader, size int64, opt FileOptions) error {
	if f.w == nil {
		return &fs.PathError{Op: "write", Path: name, Err: ErrReadOnly}
	}
	if size < 0 || size > 0xFFFFFFFF {
		return &fs.PathError{Op: "write", Path: name, Err: fmt.Errorf("%d bytes: a FAT file holds at most 4 GiB - 1", size)}
	}
	d, list, base, err := f.parentOf("write", name)
	if err != nil {
		return err
	}
	if _, ok := lookup(list, base); ok {
		return &fs.PathError{Op: "write", Path: name, Err: fs.ErrExist}
	}
	n := uint32((size + f.clusSize - 1) / f.clusSize)
	ch, err := f.allocate(n)
	if err != nil {
		return &fs.PathError{Op: "write", Path: name, Err: err}
	}
	fail := func(err error) error {
		f.release(ch)
		f.Flush()
		return &fs.PathError{Op: "write", Path: name, Err: err}
	}
	// The data, a run of consecutive clusters at a time, in chunks of at
	// most 1 MiB; the last cluster's tail is zeroed.
	buf := make([]byte, min(max(f.clusSize, 1<<20), (size+f.clusSize-1)/f.clusSize*f.clusSize))
	left := size
	for i := 0; i < len(ch); {
		j := i + 1
		for j < len(ch) && ch[j] == ch[j-1]+1 && int64(j-i+1)*f.clusSize <= int64(len(buf)) {
			j++
		}
		chunk := buf[:int64(j-i)*f.clusSize]
		k := min(int64(len(chunk)), left)
		if _, err := io.ReadFull(r, chunk[:k]); err != nil {
			if err == io.ErrUnexpectedEOF || err == io.EOF {
				err = fmt.Errorf("the source ended before %d bytes", size)
			}
			return fail(err)
		}
		clear(chunk[k:])
		if err := f.write(chunk, f.ClusterOffset(ch[i]), "data"); err != nil {
			return fail(err)
		}
		left -= k
		i = j
	}
	if err := f.Flush(); err != nil {
		return fail(err)
	}
	var first uint32
	if len(ch) > 0 {
		first = ch[0]
	}
	if err := f.addEntry(d, list, base, f.newEntry(opt.Attr&^(AttrDirectory|AttrVolumeID)|AttrArchive, first, uint32(size), opt.ModTime)); err != nil {
		return fail(err)
	}
	return nil
}

// Mkdir creates the directory name; its parent must exist.
func (f *FS) Mkdir(name string, opt FileOptions) error {
	if f.w == nil {
		return &fs.PathError{Op: "mkdir", Path: name, Err: ErrReadOnly}
	}
	d, list, base, err := f.parentOf("mkdir", name)
	if err != nil {
		return err
	}
	if _, ok := lookup(list, base); ok {
		return &fs.PathError{Op: "mkdir", Path: name, Err: fs.ErrExist}
	}
	ch, err := f.allocate(1)
	if err != nil {
		return &fs.PathError{Op: "mkdir", Path: name, Err: err}
	}
	fail := func(err error) error {
		f.release(ch)
		f.Flush()
		return &fs.PathError{Op: "mkdir", Path: name, Err: err}
	}
	// A new directory: "." (itself) and ".." (the parent, 0 for the root)
	// [FAT "FAT Directory Structure", "dot" and "dotdot"].
	b := make([]byte, f.clusSize)
	date, tm, tenth := DOSDateTime(modTime(opt.ModTime), f.loc)
	dot := RawEntry{Name: [11]byte{'.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '}, Attr: AttrDirectory,
		CreateTenth: tenth, CreateTime: tm, CreateDate: date, AccessDate: date, WriteTime: tm, WriteDate: date}
	dot.SetCluster(ch[0])
	dot.Encode(b)
	dotdot := dot
	dotdot.Name[1] = '.'
	parent := d.clus
	if parent == f.rootClus {
		parent = 0
	}
	dotdot.SetCluster(parent)
	dotdot.Encode(b[DirEntrySize:])
	if err := f.write(b, f.ClusterOffset(ch[0]), "directory"); err != nil {
		return fail(err)
	}
	if err := f.Flush(); err != nil {
		return fail(err)
	}
	if err := f.addEntry(d, list, base, f.newEntry(opt.Attr&(AttrReadOnly|AttrHidden|AttrSystem|AttrArchive)|AttrDirectory, ch[0], 0, opt.ModTime)); err != nil {
		return fail(err)
	}
	return nil
}

func modTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Now()
	}
	return t
}

// newEntry is the short entry of a new file or directory: the given
// attributes, cluster and size, every date and time from mod.
func (f *FS) newEntry(attr Attr, clus, size uint32, mod time.Time) RawEntry {
	date, tm, tenth := DOSDateTime(modTime(mod), f.loc)
	e := RawEntry{Attr: attr, CreateTenth: tenth, CreateTime: tm, CreateDate: date,
		AccessDate: date, WriteTime: tm, WriteDate: date, Size: size}
	e.SetCluster(clus)
	return e
}

// addEntry writes the entries for a new name into directory d: long-name
// entries when the name is no plain 8.3 name, then the short entry (e with
// the name's 8.3 form), growing the directory by a cluster when no run of
// free slots is long enough (the FAT12/16 root cannot grow).
func (f *FS) addEntry(d *directory, list []DirEntry, name string, e RawEntry) error {
	if !ValidLongName(name) {
		return fmt.Errorf("%q is not a valid FAT name", name)
	}
	taken := func(s [11]byte) bool {
		for i := range list {
			if list[i].Raw.Name == s {
				return true
			}
		}
		return false
	}
	short, ntres, long, ok := ShortName(name, f.cp, taken)
	if !ok {
		return fmt.Errorf("%q: no free short name", name)
	}
	var slots [][DirEntrySize]byte
	if long {
		for _, l := range LongEntries(name, Checksum(short)) {
			var b [DirEntrySize]byte
			l.Encode(b[:])
			slots = append(slots, b)
		}
	}
	e.Name, e.NTRes = short, ntres
	var b [DirEntrySize]byte
	e.Encode(b[:])
	slots = append(slots, b)

	at, err := f.freeSlots(d, len(slots))
	if err != nil {
		return err
	}
	wasEnd := d.b[at*DirEntrySize] == entryFree
	for i, s := range slots {
		copy(d.b[(at+i)*DirEntrySize:], s[:])
	}
	n := len(slots)
	// When the entries take the place of the end mark (00h), the slot
	// after them becomes the end mark, whatever stale bytes it held.
	if next := at + n; wasEnd && next < len(d.b)/DirEntrySize && d.b[next*DirEntrySize] != entryFree {
		d.b[next*DirEntrySize] = entryFree
		n++
	}
	// Consecutive slots may straddle clusters: one write per slot.
	for i := range n {
		j := at + i
		if err := f.write(d.b[j*DirEntrySize:(j+1)*DirEntrySize], f.slotOffset(d, j), "directory entry"); err != nil {
			return err
		}
	}
	return nil
}

// freeSlots finds n consecutive free slots in d (deleted entries, or the
// free tail), extending a cluster-chained directory when needed.
func (f *FS) freeSlots(d *directory, n int) (int, error) {
	run := 0
	total := len(d.b) / DirEntrySize
	for i := range total {
		c := d.b[i*DirEntrySize]
		if c == entryFree {
			// Everything from here on is free.
			if total-i >= n {
				return i, nil
			}
			break
		}
		if c == entryDeleted {
			run++
			if run == n {
				return i - n + 1, nil
			}
		} else {
			run = 0
		}
	}
	if d.clus == 0 {
		return 0, fmt.Errorf("%w: the root directory is full (%d entries)", ErrNoSpace, f.rootCount)
	}
	if len(d.b)+int(f.clusSize) > maxDirEntries*DirEntrySize {
		return 0, fmt.Errorf("%w: the directory already has the most entries a directory may hold (65536)", ErrNoSpace)
	}
	// The free tail (or nothing) at the end of the last cluster, plus a
	// new zeroed cluster.
	start := total
	for start > 0 && d.b[(start-1)*DirEntrySize] == entryFree {
		start--
	}
	nc, err := f.allocate(1)
	if err != nil {
		return 0, err
	}
	zero := make([]byte, f.clusSize)
	if err := f.write(zero, f.ClusterOffset(nc[0]), "directory"); err != nil {
		f.release(nc)
		return 0, err
	}
	f.fat.set(d.chain[len(d.chain)-1], nc[0])
	if err := f.Flush(); err != nil {
		return 0, err
	}
	d.chain = append(d.chain, nc[0])
	d.b = append(d.b, zero...)
	if start+n > len(d.b)/DirEntrySize {
		return f.freeSlots(d, n)
	}
	return start, nil
}

// Remove deletes a file, or an empty directory: its entries are marked
// deleted (E5h), then its clusters freed.
func (f *FS) Remove(name string) error {
	if f.w == nil {
		return &fs.PathError{Op: "remove", Path: name, Err: ErrReadOnly}
	}
	d, list, base, err := f.parentOf("remove", name)
	if err != nil {
		return err
	}
	e, ok := lookup(list, base)
	if !ok {
		return &fs.PathError{Op: "remove", Path: name, Err: fs.ErrNotExist}
	}
	var ch []uint32
	if c := e.Cluster(); c != 0 {
		if ch, err = f.chain(c, name); err != nil {
			return &fs.PathError{Op: "remove", Path: name, Err: err}
		}
	}
	if e.IsDir() {
		sub, err := f.readDir(e.Cluster(), name)
		if err != nil {
			return &fs.PathError{Op: "remove", Path: name, Err: err}
		}
		if len(f.entries(sub)) > 0 {
			return &fs.PathError{Op: "remove", Path: name, Err: errors.New("directory not empty")}
		}
	}
	for i := e.first; i <= e.slot; i++ {
		d.b[i*DirEntrySize] = entryDeleted
		if err := f.write(d.b[i*DirEntrySize:(i+1)*DirEntrySize], f.slotOffset(d, i), "directory entry"); err != nil {
			return &fs.PathError{Op: "remove", Path: name, Err: err}
		}
	}
	f.release(ch)
	if err := f.Flush(); err != nil {
		return &fs.PathError{Op: "remove", Path: name, Err: err}
	}
	return nil
}

// Rename gives a file or directory a new name, in the same or another
// directory, as DOS's INT 21h AH=56h does: the entry (with its cluster,
// size, attributes and dates) moves, the data stays; a directory that
// changes parent gets its ".." entry updated. The new name must not exist.
func (f *FS) Rename(oldName, newName string) error {
	if f.w == nil {
		return &fs.PathError{Op: "rename", Path: oldName, Err: ErrReadOnly}
	}
	od, olist, obase, err := f.parentOf("rename", oldName)
	if err != nil {
		return err
	}
	e, ok := lookup(olist, obase)
	if !ok {
		return &fs.PathError{Op: "rename", Path: oldName, Err: fs.ErrNotExist}
	}
	nd, nlist, nbase, err := f.parentOf("rename", newName)
	if err != nil {
		return err
	}
	if x, ok := lookup(nlist, nbase); ok && !(x.dir == e.dir && x.slot == e.slot) {
		return &fs.PathError{Op: "rename", Path: newName, Err: fs.ErrExist}
	}
	if e.IsDir() && nd.clus != od.clus {
		// Not into itself or below it: walk up from the new parent.
		for c := nd.clus; c != 0 && c != f.rootClus; {
			if c == e.Cluster() {
				return &fs.PathError{Op: "rename", Path: newName, Err: errors.New("a directory cannot move into itself")}
			}
			sub, err := f.readDir(c, newName)
			if err != nil {
				return &fs.PathError{Op: "rename", Path: newName, Err: err}
			}
			dotdot := DecodeEntry(sub.b[DirEntrySize:])
			c = dotdot.Cluster()
		}
	}
	// Free the old slots first (the new name may reuse them), then add.
	for i := e.first; i <= e.slot; i++ {
		od.b[i*DirEntrySize] = entryDeleted
		if err := f.write(od.b[i*DirEntrySize:(i+1)*DirEntrySize], f.slotOffset(od, i), "directory entry"); err != nil {
			return &fs.PathError{Op: "rename", Path: oldName, Err: err}
		}
	}
	if nd.clus == od.clus {
		nd = od
		nlist = f.entries(od)
	}
	if err := f.addEntry(nd, nlist, nbase, e.Raw); err != nil {
		return &fs.PathError{Op: "rename", Path: newName, Err: err}
	}
	if e.IsDir() && nd.clus != od.clus {
		sub, err := f.readDir(e.Cluster(), newName)
		if err != nil {
			return &fs.PathError{Op: "rename", Path: newName, Err: err}
		}
		dd := DecodeEntry(sub.b[DirEntrySize:])
		parent := nd.clus
		if parent == f.rootClus {
			parent = 0
		}
		dd.SetCluster(parent)
		dd.Encode(sub.b[DirEntrySize:])
		if err := f.write(sub.b[DirEntrySize:2*DirEntrySize], f.slotOffset(sub, 1), "directory entry"); err != nil {
			return &fs.PathError{Op: "rename", Path: newName, Err: err}
		}
	}
	return nil
}
