package fatdir

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"syscall"
	"time"
	"unicode/utf16"

	"pcemu/fat"
	"pcemu/internal/cp437"
)

// codePage is the code page of the 8.3 names the guest sees: 437, the IBM
// PC's own, which DOS uses unless told otherwise.
var codePage fat.CodePage = &cp437.Table

// Node is a host file or folder as the guest sees it.
type Node struct {
	Path     string   // host path relative to State.Root, slash-separated; "" for the root
	Parent   int      // index of the folder holding it; -1 for the root
	Children []int    // folders: their entries, in directory order
	Dir      bool     //
	Short    [11]byte // the 8.3 name
	NTRes    uint8    // NT lower-case flags of the 8.3 name
	Long     string   // the long name stored beside it ("" when the 8.3 name says it all)
	Attr     fat.Attr // DIR_Attr
	Size     int64    // bytes (files)
	ModTime  time.Time

	// The host file's identity at Open, to notice changes made on the host
	// while the machine ran.
	Dev, Ino uint64

	Cluster  uint32 // first cluster; 0 for an empty file and the root
	Clusters uint32 // count of consecutive clusters
}

// slots is the count of directory entries the node takes: its long-name
// entries and its short entry.
func (n *Node) slots() int {
	if n.Long == "" {
		return 1
	}
	return 1 + (len(utf16.Encode([]rune(n.Long)))+12)/13
}

// scanner walks the host folder.
type scanner struct {
	root  string
	nodes []Node
	warn  func(string)
}

// scan walks root: every entry with its 8.3 name (siblings in byte order of
// their host names, so that the same folder gives the same names every
// time), size and date; special files and links to folders are skipped
// with a warning.
func scan(root string, warn func(string)) ([]Node, error) {
	st, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", root)
	}
	s := &scanner{root: root, warn: warn}
	s.nodes = append(s.nodes, Node{Parent: -1, Dir: true, Attr: fat.AttrDirectory, ModTime: st.ModTime()})
	setIdentity(&s.nodes[0], st)
	if err := s.dir(0); err != nil {
		return nil, err
	}
	return s.nodes, nil
}

func setIdentity(n *Node, st os.FileInfo) {
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		n.Dev, n.Ino = uint64(sys.Dev), uint64(sys.Ino)
	}
}

func (s *scanner) skip(rel, why string) {
	s.warn(fmt.Sprintf("%s: skipped: %s", filepath.Join(s.root, filepath.FromSlash(rel)), why))
}

func (s *scanner) dir(i int) error {
	rel := s.nodes[i].Path
	ents, err := os.ReadDir(filepath.Join(s.root, filepath.FromSlash(rel)))
	if err != nil {
		if i == 0 {
			return err
		}
		s.skip(rel, "the folder cannot be read: "+unwrap(err).Error())
		return nil
	}
	var taken [][11]byte
	isTaken := func(n [11]byte) bool {
		for _, t := range taken {
			if t == n {
				return true
			}
		}
		return false
	}
	var subdirs []int
	for _, e := range ents {
		p := path.Join(rel, e.Name())
		full := filepath.Join(s.root, filepath.FromSlash(p))
		st, err := os.Stat(full) // links to files are followed
		switch {
		case err != nil:
			s.skip(p, unwrap(err).Error())
			continue
		case st.IsDir() && e.Type()&os.ModeSymlink != 0:
			s.skip(p, "a link to a folder")
			continue
		case !st.IsDir() && !st.Mode().IsRegular():
			s.skip(p, "a special file ("+st.Mode().Type().String()+")")
			continue
		case !st.IsDir() && st.Size() > maxFile:
			s.skip(p, fmt.Sprintf("%d bytes, more than a FAT file holds", st.Size()))
			continue
		case syscall.Access(full, accessFor(st.IsDir())) != nil:
			s.skip(p, "not readable")
			continue
		}
		n := Node{Path: p, Parent: i, Dir: st.IsDir(), ModTime: st.ModTime()}
		setIdentity(&n, st)
		short, ntres, long, ok := fat.ShortName(e.Name(), codePage, isTaken)
		if !ok {
			s.skip(p, "no 8.3 name is left for it")
			continue
		}
		n.Short, n.NTRes = short, ntres
		if long {
			if fat.ValidLongName(e.Name()) {
				n.Long = e.Name()
			} else {
				// A name a long-name entry cannot hold (":" or "\" in it):
				// the guest sees the 8.3 name only; write-back still
				// knows the host name from Path.
				n.Long = ""
			}
		}
		taken = append(taken, short)
		if n.Dir {
			n.Attr = fat.AttrDirectory
		} else {
			n.Attr = fat.AttrArchive
			n.Size = st.Size()
			if st.Mode().Perm()&0o222 == 0 {
				n.Attr |= fat.AttrReadOnly
			}
		}
		s.nodes = append(s.nodes, n)
		k := len(s.nodes) - 1
		s.nodes[i].Children = append(s.nodes[i].Children, k)
		if n.Dir {
			subdirs = append(subdirs, k)
		}
	}
	for _, k := range subdirs {
		if err := s.dir(k); err != nil {
			return err
		}
	}
	return nil
}

// maxFile is the largest FAT file: DIR_FileSize is 32 bits.
const maxFile = 1<<32 - 1

// accessFor is the access(2) mode the guest needs: read, and for a folder
// also search.
func accessFor(dir bool) uint32 {
	if dir {
		return 4 | 1 // R_OK | X_OK
	}
	return 4
}

func unwrap(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
