package fatdir

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"pcemu/fat"
)

// Write-back (fat:rw:) reads the volume the guest left through package fat
// and maps it onto the host folder:
//
//   - An entry whose first cluster is that of a host file or folder (of the
//     same kind) is that file or folder, renamed or moved if its name or
//     folder changed; an empty file is matched by its 8.3 name in the same
//     folder. A file's contents changed when its size, its cluster chain or
//     any sector of its clusters did.
//   - Host names: an unchanged 8.3 name keeps the host name; otherwise the
//     long name the guest wrote, else the host name of the file that had
//     this 8.3 name in the folder (a file deleted and written again keeps
//     its name), else the 8.3 name as the guest shows it.
//   - Order: the new contents are first copied out of the volume into
//     temporary files in the folder (so nothing the guest reads has moved
//     yet); then deleted files are removed, folders created, moved and
//     renamed (top down), files moved and renamed, new contents renamed
//     into place (each file replaced atomically), and deleted folders
//     removed (bottom up, only when empty).
//   - A host file that changed since Open (size, time or inode) is never
//     overwritten, deleted or replaced: the guest's version is written
//     beside it as NAME.guest (NAME.guest2, ...), and the conflict
//     reported. A name the host has taken meanwhile is treated alike.
//
// Attributes other than read-only, the volume label and dates of folders
// and of files whose contents did not change are not written back.

// final is an entry of the volume the guest left.
type final struct {
	e      fat.DirEntry
	fpath  string // its path in the volume, by 8.3 names
	parent int    // index in finals of its folder; -1 for the root's entries
	match  int    // the node it is, or -1 (new)
	name   string // its host name
	host   string // host path (relative) where it ended up
	staged string // a file with new contents: the temporary file holding them
	failed bool
}

// writer applies one write-back.
type writer struct {
	d      *Disk
	root   string
	nodes  []Node
	finals []final
	cur    []string       // each node's current host path ("" once removed)
	at     map[string]int // host path -> the node now there
	placed []bool
	isUsed []bool // nodes some entry of the guest's volume is
	issues int
	dirs   map[string]bool // folders to sync at the end
}

func (w *writer) abs(rel string) string { return filepath.Join(w.root, filepath.FromSlash(rel)) }

func (w *writer) report(format string, args ...any) {
	w.issues++
	w.d.warn(fmt.Sprintf("fat:rw:%s: ", w.root) + fmt.Sprintf(format, args...))
}

func (d *Disk) writeBack() error {
	st := d.st
	if len(st.Overlay) == 0 {
		return nil // the guest wrote nothing
	}
	l := &st.Layout
	vol, err := fat.Open(locked{d}, l.VolumeStart*sectorSize, int64(l.Boot.TotalSectors())*sectorSize,
		&fat.Options{CodePage: codePage, Location: timeZone})
	if err != nil {
		return fmt.Errorf("fat:rw:%s: the guest left no readable FAT volume, nothing is written back: %w", st.Root, err)
	}
	w := &writer{d: d, root: st.Root, nodes: st.Nodes, at: map[string]int{}, dirs: map[string]bool{}}
	if err := w.walk(vol, "", -1, map[uint32]bool{}); err != nil {
		return fmt.Errorf("fat:rw:%s: the guest's volume cannot be read, nothing is written back: %w", st.Root, err)
	}
	w.matchAndName(vol)
	w.cur = make([]string, len(w.nodes))
	w.placed = make([]bool, len(w.nodes))
	for i, n := range w.nodes {
		w.cur[i] = n.Path
		w.at[n.Path] = i
	}
	w.placed[0] = true

	// 0. New contents out of the volume, before anything moves.
	defer func() {
		for i := range w.finals {
			if w.finals[i].staged != "" {
				os.Remove(w.finals[i].staged)
			}
		}
	}()
	for i := range w.finals {
		f := &w.finals[i]
		if !f.e.IsDir() && (f.match < 0 || w.contentsChanged(vol, f)) {
			if err := w.stage(vol, f); err != nil {
				f.failed = true
				w.report("%s: not written back: %v", f.fpath, err)
			}
		}
	}
	// 1. Deleted files.
	for i := 1; i < len(w.nodes); i++ {
		if n := &w.nodes[i]; !n.Dir && !w.matched(i) {
			if !w.unchanged(i) {
				w.report("%s: deleted by the guest but changed on the host meanwhile: kept", w.cur[i])
				continue
			}
			if err := os.Remove(w.abs(w.cur[i])); err != nil {
				w.report("%s: cannot delete: %v", w.cur[i], unwrap(err))
				continue
			}
			w.gone(i)
		}
	}
	// 2. Folders, top down (walk order has parents first), then 3. files.
	for _, pass := range []bool{true, false} {
		for i := range w.finals {
			if f := &w.finals[i]; f.e.IsDir() == pass {
				w.place(i)
			}
		}
	}
	// 4. Deleted folders, deepest first.
	var gone []int
	for i := 1; i < len(w.nodes); i++ {
		if w.nodes[i].Dir && !w.matched(i) && w.cur[i] != "" {
			gone = append(gone, i)
		}
	}
	sort.Slice(gone, func(a, b int) bool { return strings.Count(w.cur[gone[a]], "/") > strings.Count(w.cur[gone[b]], "/") })
	for _, i := range gone {
		if err := os.Remove(w.abs(w.cur[i])); err != nil {
			w.report("%s: deleted by the guest but kept: %v", w.cur[i], unwrap(err))
			continue
		}
		w.dirs[path.Dir(w.cur[i])] = true
		w.gone(i)
	}
	for dir := range w.dirs {
		if f, err := os.Open(w.abs(dir)); err == nil {
			f.Sync()
			f.Close()
		}
	}
	if w.issues > 0 {
		return fmt.Errorf("fat:rw:%s: %d change(s) of the guest were not written back as made (see the warnings)", w.root, w.issues)
	}
	return nil
}

// walk lists the guest's volume, parents before children.
func (w *writer) walk(vol *fat.FS, dir string, parent int, seen map[uint32]bool) error {
	list, err := vol.List(dir)
	if err != nil {
		return err
	}
	for _, e := range list {
		f := final{e: e, fpath: path.Join(dir, e.ShortName), parent: parent, match: -1}
		w.finals = append(w.finals, f)
		if e.IsDir() {
			if c := e.Cluster(); seen[c] || c == 0 {
				return fmt.Errorf("%s: the folder's cluster %d is used twice", f.fpath, c)
			} else {
				seen[c] = true
			}
			if err := w.walk(vol, f.fpath, len(w.finals)-1, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// parentNode is the node of final i's folder, or -1 for a new folder.
func (w *writer) parentNode(i int) int {
	if p := w.finals[i].parent; p >= 0 {
		return w.finals[p].match
	}
	return 0
}

func (w *writer) matched(node int) bool { return w.isUsed[node] }

// matchAndName finds which node each entry is and the host name it gets.
func (w *writer) matchAndName(vol *fat.FS) {
	byCluster := map[uint32]int{}
	for i := 1; i < len(w.nodes); i++ {
		if c := w.nodes[i].Cluster; c != 0 {
			byCluster[c] = i
		}
	}
	used := make([]bool, len(w.nodes))
	w.isUsed = used
	for i := range w.finals {
		f := &w.finals[i]
		if c := f.e.Cluster(); c != 0 {
			if o, ok := byCluster[c]; ok && !used[o] && w.nodes[o].Dir == f.e.IsDir() {
				f.match, used[o] = o, true
			}
		} else if pn := w.parentNode(i); !f.e.IsDir() && pn >= 0 {
			for _, c := range w.nodes[pn].Children {
				if n := &w.nodes[c]; !used[c] && !n.Dir && n.Cluster == 0 && n.Short == f.e.Raw.Name {
					f.match, used[c] = c, true
					break
				}
			}
		}
		f.name = ""
		if o := f.match; o >= 0 && w.nodes[o].Short == f.e.Raw.Name && (f.e.LongName == "" || f.e.LongName == w.nodes[o].Long) {
			f.name = path.Base(w.nodes[o].Path)
		} else if f.e.LongName != "" {
			f.name = f.e.LongName
		} else if pn := w.parentNode(i); pn >= 0 {
			for _, c := range w.nodes[pn].Children {
				if w.nodes[c].Short == f.e.Raw.Name {
					f.name = path.Base(w.nodes[c].Path)
					break
				}
			}
		}
		if f.name == "" {
			f.name = f.e.Name()
		}
	}
}

// contentsChanged: the size, the chain or a sector of the clusters of a
// matched file differ from what the guest was given.
func (w *writer) contentsChanged(vol *fat.FS, f *final) bool {
	o := &w.nodes[f.match]
	if f.e.Size() != o.Size {
		return true
	}
	if o.Clusters == 0 {
		return false
	}
	ch, err := vol.Chain(o.Cluster, f.fpath)
	if err != nil || len(ch) != int(o.Clusters) {
		return true
	}
	for k, c := range ch {
		if c != o.Cluster+uint32(k) {
			return true
		}
	}
	l := &w.d.st.Layout
	first := l.dataStart() + int64(o.Cluster-2)*l.spc()
	for s := first; s < first+int64(o.Clusters)*l.spc(); s++ {
		if _, ok := w.d.st.Overlay[s]; ok {
			return true
		}
	}
	return false
}

// stage copies a file's contents out of the volume into a temporary file
// in the folder, synced to disk.
func (w *writer) stage(vol *fat.FS, f *final) error {
	in, err := vol.Open(f.fpath)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := createTemp(w.root, ".pcemu-fat-")
	if err != nil {
		return err
	}
	f.staged = tmp.Name()
	_, err = io.Copy(tmp, in)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		t := f.e.ModTime()
		err = os.Chtimes(tmp.Name(), t, t)
	}
	return err
}

// createTemp creates a new file in dir with mode 0666 less the umask (the
// mode a new file gets), unlike os.CreateTemp's 0600.
func createTemp(dir, prefix string) (*os.File, error) {
	for {
		name := filepath.Join(dir, fmt.Sprintf("%s%08x", prefix, rand.Uint32()))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, os.ErrExist) {
			return f, err
		}
	}
}

// unchanged reports whether node i is on the host as it was at Open.
func (w *writer) unchanged(i int) bool {
	n := &w.nodes[i]
	st, err := os.Stat(w.abs(w.cur[i]))
	if err != nil || st.IsDir() != n.Dir {
		return false
	}
	var probe Node
	setIdentity(&probe, st)
	if probe.Ino != n.Ino || probe.Dev != n.Dev {
		return false
	}
	return n.Dir || st.Size() == n.Size && st.ModTime().Equal(n.ModTime)
}

// gone records that node i left the host.
func (w *writer) gone(i int) {
	delete(w.at, w.cur[i])
	w.cur[i] = ""
}

// move renames node i (and what is inside it) to rel.
func (w *writer) move(i int, rel string) error {
	from := w.cur[i]
	if err := os.Rename(w.abs(from), w.abs(rel)); err != nil {
		return err
	}
	w.dirs[path.Dir(from)], w.dirs[path.Dir(rel)] = true, true
	for k := range w.nodes {
		if c := w.cur[k]; c == from || strings.HasPrefix(c, from+"/") {
			delete(w.at, c)
			w.cur[k] = rel + c[len(from):]
		}
	}
	for k := range w.nodes {
		if c := w.cur[k]; c == rel || strings.HasPrefix(c, rel+"/") {
			w.at[c] = k
		}
	}
	return nil
}

// vacate frees rel for an entry: a node there that has yet to move (or to
// be deleted) is moved aside to a temporary name. It reports whether rel
// is free.
func (w *writer) vacate(rel string) bool {
	if k, ok := w.at[rel]; ok && !w.placed[k] {
		aside := path.Join(path.Dir(rel), fmt.Sprintf(".pcemu-move-%08x", rand.Uint32()))
		if err := w.move(k, aside); err != nil {
			return false
		}
	}
	if _, ok := w.at[rel]; ok {
		return false
	}
	_, err := os.Lstat(w.abs(rel))
	return errors.Is(err, os.ErrNotExist)
}

// conflictName is the first of NAME.guest, NAME.guest2, ... that is free.
func (w *writer) conflictName(rel string) string {
	for n := 1; ; n++ {
		c := rel + ".guest"
		if n > 1 {
			c += fmt.Sprint(n)
		}
		if _, ok := w.at[c]; ok {
			continue
		}
		if _, err := os.Lstat(w.abs(c)); errors.Is(err, os.ErrNotExist) {
			return c
		}
	}
}

// place puts final i where it belongs on the host.
func (w *writer) place(i int) {
	f := &w.finals[i]
	parent := ""
	if f.parent >= 0 {
		p := &w.finals[f.parent]
		if p.failed {
			f.failed = true
			w.report("%s: not written back: its folder could not be", f.fpath)
			return
		}
		parent = p.host
	}
	target := path.Join(parent, f.name)
	o := f.match
	switch {
	case f.e.IsDir() && o >= 0, !f.e.IsDir() && o >= 0 && f.staged == "":
		// A folder or file that is still there: moved or renamed.
		if w.cur[o] == target {
			break
		}
		if w.cur[o] == "" {
			f.failed = true
			return
		}
		if !w.vacate(target) {
			c := w.conflictName(target)
			w.report("%s: renamed by the guest to %s, which the host has taken: named %s", w.cur[o], target, c)
			target = c
		}
		if err := w.move(o, target); err != nil {
			f.failed = true
			w.report("%s: cannot be renamed to %s: %v", w.cur[o], target, unwrap(err))
			return
		}
	case f.e.IsDir():
		// A new folder (or one the host made meanwhile: used as it is).
		if !w.vacate(target) {
			if st, err := os.Lstat(w.abs(target)); err == nil && st.IsDir() {
				if _, ours := w.at[target]; !ours {
					break
				}
			}
			c := w.conflictName(target)
			w.report("%s: made by the guest, but the host has that name: named %s", target, c)
			target = c
		}
		if err := os.Mkdir(w.abs(target), 0o777); err != nil {
			f.failed = true
			w.report("%s: cannot be made: %v", target, unwrap(err))
			return
		}
		w.dirs[path.Dir(target)] = true
	case f.failed:
		return
	default:
		// New contents: a new file, or a host file the guest changed.
		mode := os.FileMode(0)
		if o >= 0 {
			if !w.unchanged(o) {
				c := w.conflictName(target)
				w.report("%s: changed by the guest and on the host: the host's version is kept, the guest's is %s", w.cur[o], c)
				target = c
				o = -1
			} else if st, err := os.Stat(w.abs(w.cur[o])); err == nil {
				mode = st.Mode().Perm()
			}
		}
		replace := o >= 0 && w.cur[o] == target
		if !replace && !w.vacate(target) {
			c := w.conflictName(target)
			w.report("%s: written by the guest, but the host has that name: named %s", target, c)
			target = c
		}
		if err := w.put(f, target, mode); err != nil {
			f.failed = true
			w.report("%s: not written back: %v", target, err)
			return
		}
		switch {
		case replace:
			w.placed[o] = true
		case o >= 0:
			// Moved and changed: the new contents are in place, the old
			// file goes.
			if err := os.Remove(w.abs(w.cur[o])); err != nil {
				w.report("%s: cannot delete: %v", w.cur[o], unwrap(err))
			}
			w.gone(o)
		}
	}
	if o >= 0 {
		w.placed[o] = true
	}
	f.host = target
}

// put renames a staged file into place (atomically replacing what is
// there), with mode (0: keep the new file's) less write permission when
// the guest made it read-only.
func (w *writer) put(f *final, target string, mode os.FileMode) error {
	if mode != 0 || f.e.Raw.Attr&fat.AttrReadOnly != 0 {
		if mode == 0 {
			st, err := os.Stat(f.staged)
			if err != nil {
				return err
			}
			mode = st.Mode().Perm()
		}
		if f.e.Raw.Attr&fat.AttrReadOnly != 0 {
			mode &^= 0o222
		}
		if err := os.Chmod(f.staged, mode); err != nil {
			return err
		}
	}
	err := os.Rename(f.staged, w.abs(target))
	if errors.Is(err, syscall.EXDEV) {
		// The target's folder is another file system: a copy there, then
		// the rename.
		err = w.copyAcross(f, target)
	}
	if err != nil {
		return unwrap(err)
	}
	f.staged = ""
	w.dirs[path.Dir(target)] = true
	return nil
}

func (w *writer) copyAcross(f *final, target string) error {
	in, err := os.Open(f.staged)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := createTemp(filepath.Dir(w.abs(target)), ".pcemu-fat-")
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	st, _ := in.Stat()
	if err == nil {
		err = os.Chmod(out.Name(), st.Mode().Perm())
	}
	if err == nil {
		err = os.Chtimes(out.Name(), st.ModTime(), st.ModTime())
	}
	if err == nil {
		err = os.Rename(out.Name(), w.abs(target))
	}
	if err != nil {
		os.Remove(out.Name())
		return err
	}
	os.Remove(f.staged)
	return nil
}
