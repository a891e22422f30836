package fat

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"time"
	"unicode/utf16"
)

// Options modify Open. The zero value reads times in the local time zone
// and names in ASCII.
type Options struct {
	// Location is the time zone of the entries' times (DOS keeps local
	// time); nil is time.Local.
	Location *time.Location
	// CodePage decodes and encodes the bytes of 8.3 names (see CodePage).
	CodePage CodePage
}

// FS is an open FAT volume. It is not safe for concurrent use.
type FS struct {
	r   io.ReaderAt
	w   io.WriterAt // nil: read-only
	off int64       // the volume's first byte in r

	BootSector BootSector
	Type       Type

	secSize   int64
	clusSize  int64
	fatStart  int64 // byte offset of FAT copy 0 in the volume
	fatBytes  int64 // one copy
	rootStart int64 // FAT12/16: byte offset of the root directory
	rootCount int   // FAT12/16: root directory entries
	dataStart int64 // byte offset of cluster 2
	clusters  uint32
	rootClus  uint32 // FAT32 root directory cluster; 0 on FAT12/16

	fat      table
	active   int // the FAT copy read and, with mirroring off, the only one written; -1: all
	fsinfo   bool
	nextFree uint32
	free     int64 // free clusters, -1 until counted

	loc *time.Location
	cp  CodePage
}

// Open opens the FAT volume of size bytes at byte off of r for reading.
func Open(r io.ReaderAt, off, size int64, opt *Options) (*FS, error) {
	return open(r, nil, off, size, opt)
}

// ReadWriterAt is a disk that can be changed.
type ReadWriterAt interface {
	io.ReaderAt
	io.WriterAt
}

// OpenWritable opens the volume for reading and writing. Changes to the FAT
// are written by Flush (and by every WriteFile, Mkdir and Remove, which
// call it before they write the directory entry that uses them).
func OpenWritable(rw ReadWriterAt, off, size int64, opt *Options) (*FS, error) {
	return open(rw, rw, off, size, opt)
}

func open(r io.ReaderAt, w io.WriterAt, off, size int64, opt *Options) (*FS, error) {
	f := &FS{r: r, w: w, off: off, loc: time.Local, free: -1}
	if opt != nil {
		if opt.Location != nil {
			f.loc = opt.Location
		}
		f.cp = opt.CodePage
	}
	var s [SectorSize]byte
	if err := readAt(r, s[:], off, structBoot); err != nil {
		return nil, err
	}
	bs := DecodeBootSector(s[:])
	if err := bs.Validate(size); err != nil {
		return nil, err
	}
	f.BootSector, f.Type = bs, bs.Type()
	f.secSize = int64(bs.BytesPerSector)
	f.clusSize = f.secSize * int64(bs.SectorsPerCluster)
	f.fatStart = int64(bs.ReservedSectors) * f.secSize
	f.fatBytes = int64(bs.FATSize()) * f.secSize
	f.rootStart = f.fatStart + int64(bs.NumFATs)*f.fatBytes
	f.rootCount = int(bs.RootEntries)
	f.dataStart = int64(bs.FirstDataSector()) * f.secSize
	f.clusters = bs.Clusters()
	f.active = -1
	if f.Type == FAT32 {
		f.rootClus = bs.RootCluster
		if bs.ExtFlags&0x80 != 0 {
			f.active = int(bs.ExtFlags & 0x0F)
		}
	}
	// The FAT copy in use, up to the last cluster's entry.
	used := (int64(f.clusters) + 2) * int64(f.Type) / 8
	if f.Type == FAT12 {
		used = (int64(f.clusters)+2)*3/2 + 1
	}
	used = (used + f.secSize - 1) / f.secSize * f.secSize
	f.fat = table{typ: f.Type, b: make([]byte, min(used, f.fatBytes)+1), ssize: int(f.secSize)}
	f.fat.b = f.fat.b[:min(used, f.fatBytes)]
	f.fat.dirty = make([]bool, len(f.fat.b)/int(f.secSize)+1)
	copyNo := max(f.active, 0)
	if err := readAt(r, f.fat.b, off+f.fatStart+int64(copyNo)*f.fatBytes, "FAT"); err != nil {
		return nil, err
	}
	if f.Type == FAT32 && bs.FSInfoSector != 0 && bs.FSInfoSector != 0xFFFF {
		if err := readAt(r, s[:], off+int64(bs.FSInfoSector)*f.secSize, "FSInfo"); err != nil {
			return nil, err
		}
		if fi, ok := DecodeFSInfo(s[:]); ok {
			f.fsinfo = true
			f.nextFree = fi.NextFree
		}
	}
	if f.nextFree < 2 || f.nextFree > f.clusters+1 {
		f.nextFree = 2
	}
	// The root directory must be readable: it is the way into everything.
	if _, err := f.readDir(f.rootClus, "\\"); err != nil {
		return nil, err
	}
	return f, nil
}

// ClusterSize is the size of a cluster in bytes.
func (f *FS) ClusterSize() int64 { return f.clusSize }

// Clusters is the number of data clusters.
func (f *FS) Clusters() uint32 { return f.clusters }

// FreeBytes is the free space: free clusters times the cluster size.
func (f *FS) FreeBytes() int64 { return int64(f.freeClusters()) * f.clusSize }

// VolumeOffset is the volume's byte offset in the disk it was opened on.
func (f *FS) VolumeOffset() int64 { return f.off }

// Writer is the disk the volume was opened on for writing (nil when
// read-only), for callers that write sectors themselves.
func (f *FS) Writer() io.WriterAt { return f.w }

// ClusterOffset is the byte offset of cluster c in the volume.
func (f *FS) ClusterOffset(c uint32) int64 { return f.dataStart + int64(c-2)*f.clusSize }

// Label is the volume label: the root directory's volume-ID entry, else
// BS_VolLab, without trailing blanks ("" for NO NAME).
func (f *FS) Label() string {
	if d, err := f.readDir(f.rootClus, "\\"); err == nil {
		for i := 0; i+DirEntrySize <= len(d.b); i += DirEntrySize {
			if d.b[i] == entryFree {
				break
			}
			e := DecodeEntry(d.b[i:])
			if d.b[i] != entryDeleted && e.Attr&AttrLongName != AttrLongName && e.Attr&AttrVolumeID != 0 {
				return strings.TrimRight(string(e.Name[:]), " ")
			}
		}
	}
	l := strings.TrimRight(string(f.BootSector.VolumeLabel[:]), " ")
	if l == "NO NAME" || f.BootSector.BootSignature != 0x29 {
		return ""
	}
	return l
}

// directory is a directory's bytes and where they live.
type directory struct {
	clus  uint32   // first cluster; 0 is the FAT12/16 root
	chain []uint32 // its clusters (nil for the FAT12/16 root)
	b     []byte
}

// maxDirEntries is the largest directory [FAT "FAT Directory Structure"]:
// 65536 entries, 2 MiB.
const maxDirEntries = 65536

// readDir reads the directory whose first cluster is clus (0: the FAT12/16
// root); what names it in errors.
func (f *FS) readDir(clus uint32, what string) (*directory, error) {
	d := &directory{clus: clus}
	if clus == 0 {
		d.b = make([]byte, f.rootCount*DirEntrySize)
		if err := readAt(f.r, d.b, f.off+f.rootStart, "root directory"); err != nil {
			return nil, err
		}
		return d, nil
	}
	ch, err := f.chain(clus, "directory "+what)
	if err != nil {
		return nil, err
	}
	if int64(len(ch))*f.clusSize > maxDirEntries*DirEntrySize {
		return nil, formatErr("directory "+what, "", "has %d clusters, more than the 65536 entries a directory may hold", len(ch))
	}
	d.chain = ch
	d.b = make([]byte, int64(len(ch))*f.clusSize)
	if err := f.readClusters(d.b, ch, 0); err != nil {
		return nil, err
	}
	return d, nil
}

// readClusters fills p from the chain, starting at byte off of the chain's
// data, reading each run of consecutive clusters at once.
func (f *FS) readClusters(p []byte, ch []uint32, off int64) error {
	i := int(off / f.clusSize)
	in := off % f.clusSize
	for len(p) > 0 && i < len(ch) {
		// The run of consecutive clusters, as far as p reaches.
		j := i + 1
		for j < len(ch) && ch[j] == ch[j-1]+1 && int64(j-i)*f.clusSize < in+int64(len(p)) {
			j++
		}
		n := min(int64(len(p)), int64(j-i)*f.clusSize-in)
		if err := readAt(f.r, p[:n], f.off+f.ClusterOffset(ch[i])+in, "data"); err != nil {
			return err
		}
		p, in, i = p[n:], 0, j
	}
	return nil
}

// slotOffset is the byte offset in the volume of entry slot i of d.
func (f *FS) slotOffset(d *directory, i int) int64 {
	if d.clus == 0 {
		return f.rootStart + int64(i)*DirEntrySize
	}
	at := int64(i) * DirEntrySize
	return f.ClusterOffset(d.chain[at/f.clusSize]) + at%f.clusSize
}

// DirEntry is a file or directory as its directory lists it.
type DirEntry struct {
	LongName  string // the long name when a valid one goes with the entry, else ""
	ShortName string // the 8.3 name as DOS shows it: "README.TXT"
	Raw       RawEntry

	dir   uint32 // first cluster of the directory holding it (0: FAT12/16 root)
	slot  int    // its short entry's slot in that directory
	first int    // the first slot of its long-name entries (== slot when none)
	loc   *time.Location
	cp    CodePage
}

// Name is the name Windows shows: the long name, or the short name with
// DIR_NTRes's lower-case flags applied ("readme.txt").
func (e *DirEntry) Name() string {
	if e.LongName != "" {
		return e.LongName
	}
	if e.Raw.NTRes&(ntLowerBase|ntLowerExt) == 0 {
		return e.ShortName
	}
	return ShortNameString(e.Raw.Name, e.Raw.NTRes, e.cp)
}

// IsDir reports whether the entry is a directory.
func (e *DirEntry) IsDir() bool { return e.Raw.Attr&AttrDirectory != 0 }

// Size is the file's size in bytes (0 for a directory).
func (e *DirEntry) Size() int64 { return int64(e.Raw.Size) }

// Cluster is the first cluster (0 for an empty file).
func (e *DirEntry) Cluster() uint32 { return e.Raw.Cluster() }

// ModTime is DIR_WrtDate/DIR_WrtTime.
func (e *DirEntry) ModTime() time.Time {
	return DOSTime(e.Raw.WriteDate, e.Raw.WriteTime, 0, e.loc)
}

// entries decodes a directory: long names assembled with their short
// entries, deleted entries, the volume label and "." and ".." left out.
func (f *FS) entries(d *directory) []DirEntry {
	var out []DirEntry
	var long []uint16 // the long name being assembled
	var want uint8    // the ordinal expected next (counting down), 0 when none
	var sum uint8
	first := -1
	for i := 0; i+DirEntrySize <= len(d.b); i += DirEntrySize {
		b := d.b[i:]
		if b[0] == entryFree {
			break
		}
		if b[0] == entryDeleted {
			want = 0
			continue
		}
		if Attr(b[11])&0x3F == AttrLongName {
			l := DecodeLongEntry(b)
			n := l.Ord &^ lastLongEntry
			switch {
			case l.Ord&lastLongEntry != 0 && n >= 1 && n <= 20:
				long = make([]uint16, int(n)*longNameChars)
				want, sum, first = n, l.Checksum, i/DirEntrySize
			case want > 1 && n == want-1 && l.Checksum == sum:
			default:
				want = 0 // an orphan: ignored [FAT "FAT Long Directory Entries"]
				continue
			}
			copy(long[int(n-1)*longNameChars:], l.Name[:])
			want = n
			continue
		}
		e := DecodeEntry(b)
		slot := i / DirEntrySize
		name := ""
		if want == 1 && Checksum(e.Name) == sum {
			name = decodeLongName(long)
		}
		want = 0
		if e.Attr&AttrVolumeID != 0 {
			continue
		}
		short := ShortNameString(e.Name, 0, f.cp)
		if short == "." || short == ".." {
			continue
		}
		de := DirEntry{ShortName: short, Raw: e, dir: d.clus, slot: slot, first: slot, loc: f.loc, cp: f.cp}
		if name != "" {
			de.LongName, de.first = name, first
		}
		out = append(out, de)
	}
	return out
}

// decodeLongName ends the name at its NUL (or FFFFh padding); a name that
// is not a valid long name is dropped (the short name is used).
func decodeLongName(u []uint16) string {
	for i, c := range u {
		if c == 0 || c == 0xFFFF {
			u = u[:i]
			break
		}
	}
	s := string(utf16.Decode(u))
	if !ValidLongName(s) {
		return ""
	}
	return s
}

// lookup finds name in a directory, matching the long or the short name
// regardless of case, as DOS and Windows do.
func lookup(list []DirEntry, name string) (*DirEntry, bool) {
	for i := range list {
		if strings.EqualFold(list[i].LongName, name) || strings.EqualFold(list[i].ShortName, name) {
			return &list[i], true
		}
	}
	return nil, false
}

// root is the root directory as an entry.
func (f *FS) root() DirEntry {
	e := DirEntry{ShortName: ".", Raw: RawEntry{Attr: AttrDirectory}, loc: f.loc}
	e.Raw.SetCluster(f.rootClus)
	return e
}

// dirCluster is the cluster readDir takes for a directory entry.
func (f *FS) dirCluster(e *DirEntry) uint32 {
	if c := e.Cluster(); c != 0 {
		return c
	}
	return f.rootClus // ".." of a first-level directory points at 0
}

// splitPath turns "a/b/c" (io/fs syntax, with leading or trailing
// slashes accepted) into its elements.
func splitPath(name string) ([]string, error) {
	name = strings.Trim(name, "/")
	if name == "" || name == "." {
		return nil, nil
	}
	parts := strings.Split(name, "/")
	for _, p := range parts {
		if p == "" || p == "." || p == ".." {
			return nil, fs.ErrInvalid
		}
	}
	return parts, nil
}

// Entry returns the entry of a path ("" or "." is the root directory).
func (f *FS) Entry(name string) (*DirEntry, error) {
	e, _, err := f.walk(name)
	if err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	return e, nil
}

// Stat is Entry as an fs.FileInfo (io/fs.StatFS).
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	e, err := f.Entry(name)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// walk resolves a path to its entry and the directory that holds it.
func (f *FS) walk(name string) (*DirEntry, *directory, error) {
	parts, err := splitPath(name)
	if err != nil {
		return nil, nil, err
	}
	cur := f.root()
	var parent *directory
	for i, p := range parts {
		if !cur.IsDir() {
			return nil, nil, fmt.Errorf("%s is not a directory", strings.Join(parts[:i], "/"))
		}
		d, err := f.readDir(f.dirCluster(&cur), strings.Join(parts[:i], "\\"))
		if err != nil {
			return nil, nil, err
		}
		e, ok := lookup(f.entries(d), p)
		if !ok {
			return nil, nil, fs.ErrNotExist
		}
		cur, parent = *e, d
	}
	return &cur, parent, nil
}

// ReadDir lists a directory sorted by name (io/fs.ReadDirFS).
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	list, err := f.List(name)
	if err != nil {
		return nil, err
	}
	out := make([]fs.DirEntry, len(list))
	for i := range list {
		out[i] = &list[i]
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

// List lists a directory in the order of its entries.
func (f *FS) List(name string) ([]DirEntry, error) {
	e, _, err := f.walk(name)
	if err == nil && !e.IsDir() {
		err = errors.New("not a directory")
	}
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	d, err := f.readDir(f.dirCluster(e), name)
	if err != nil {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: err}
	}
	return f.entries(d), nil
}

// Open opens a file or directory for reading (io/fs.FS).
func (f *FS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	e, _, err := f.walk(name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	fl := &File{fs: f, e: *e}
	if e.IsDir() {
		d, err := f.readDir(f.dirCluster(e), name)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		fl.list = f.entries(d)
		return fl, nil
	}
	if e.Raw.Size > 0 {
		ch, err := f.chain(e.Cluster(), "file "+name)
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		if int64(len(ch))*f.clusSize < int64(e.Raw.Size) {
			return nil, &fs.PathError{Op: "open", Path: name, Err: formatErr("directory entry of "+name, "DIR_FileSize", "%d is more than its %d clusters hold", e.Raw.Size, len(ch))}
		}
		fl.chain = ch
	}
	return fl, nil
}

// File is an open file or directory of an FS.
type File struct {
	fs    *FS
	e     DirEntry
	chain []uint32
	pos   int64
	list  []DirEntry // directories: the entries not yet returned by ReadDir
}

func (fl *File) Stat() (fs.FileInfo, error) { return &fl.e, nil }
func (fl *File) Close() error               { return nil }

// Read reads from the current position.
func (fl *File) Read(p []byte) (int, error) {
	n, err := fl.ReadAt(p, fl.pos)
	fl.pos += int64(n)
	return n, err
}

// ReadAt reads the file's data at off.
func (fl *File) ReadAt(p []byte, off int64) (int, error) {
	if fl.e.IsDir() {
		return 0, &fs.PathError{Op: "read", Path: fl.e.Name(), Err: errors.New("is a directory")}
	}
	size := fl.e.Size()
	if off >= size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), size-off))
	if err := fl.fs.readClusters(p[:n], fl.chain, off); err != nil {
		return 0, err
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Seek sets the position for Read.
func (fl *File) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		off += fl.pos
	case io.SeekEnd:
		off += fl.e.Size()
	}
	if off < 0 {
		return 0, &fs.PathError{Op: "seek", Path: fl.e.Name(), Err: fs.ErrInvalid}
	}
	fl.pos = off
	return off, nil
}

// ReadDir returns the directory's next n entries (all when n <= 0).
func (fl *File) ReadDir(n int) ([]fs.DirEntry, error) {
	if !fl.e.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: fl.e.Name(), Err: errors.New("not a directory")}
	}
	k := len(fl.list)
	if n > 0 {
		if k == 0 {
			return nil, io.EOF
		}
		k = min(k, n)
	}
	out := make([]fs.DirEntry, k)
	for i := range k {
		out[i] = &fl.list[i]
	}
	fl.list = fl.list[k:]
	return out, nil
}

// DirEntry as io/fs.DirEntry and io/fs.FileInfo.

func (e *DirEntry) Type() fs.FileMode          { return e.Mode().Type() }
func (e *DirEntry) Info() (fs.FileInfo, error) { return e, nil }
func (e *DirEntry) Sys() any                   { return e }

// Mode is a directory or a regular file, read-only (0444/0555) when
// DIR_Attr has ATTR_READ_ONLY.
func (e *DirEntry) Mode() fs.FileMode {
	m := fs.FileMode(0o666)
	if e.Raw.Attr&AttrReadOnly != 0 {
		m = 0o444
	}
	if e.IsDir() {
		m |= fs.ModeDir | 0o111
	}
	return m
}

var (
	_ fs.FS        = (*FS)(nil)
	_ fs.ReadDirFS = (*FS)(nil)
	_ fs.StatFS    = (*FS)(nil)
)
