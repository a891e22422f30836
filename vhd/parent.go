package vhd

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf16"
)

// decodeUTF16LE decodes W2ru/W2ku locator data.
func decodeUTF16LE(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}

func encodeUTF16LE(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

// hostPath turns a Windows-style locator path into one for this host.
func hostPath(p string) string {
	return filepath.FromSlash(strings.ReplaceAll(p, `\`, "/"))
}

// parentCandidates lists where the parent may be, in the order of [VHD
// "Implementing a Differencing Hard Disk"]: the relative locator (W2ru)
// from the child's folder, the absolute one (W2ku), a Mac URL (MacX), and
// finally the parent_unicode_name beside the child.
func parentCandidates(child string, im *image) []string {
	dir := filepath.Dir(child)
	var rel, abs, other []string
	for _, l := range im.locData {
		switch l.code {
		case PlatformW2ru, PlatformWi2r:
			p := hostPath(decodeUTF16LE(l.data))
			if l.code == PlatformWi2r {
				p = hostPath(strings.TrimRight(string(l.data), "\x00"))
			}
			if p == "" {
				continue
			}
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			rel = append(rel, p)
		case PlatformW2ku, PlatformWi2k:
			p := hostPath(decodeUTF16LE(l.data))
			if l.code == PlatformWi2k {
				p = hostPath(strings.TrimRight(string(l.data), "\x00"))
			}
			if p != "" {
				abs = append(abs, p)
			}
		case PlatformMacX:
			if u, err := url.Parse(strings.TrimRight(string(l.data), "\x00")); err == nil && u.Path != "" {
				other = append(other, u.Path)
			}
		}
	}
	out := append(append(rel, abs...), other...)
	if name := im.header.ParentNameString(); name != "" {
		out = append(out, filepath.Join(dir, filepath.Base(hostPath(name))))
	}
	return out
}

// findParent picks the first candidate that exists.
func findParent(name string, im *image) (string, error) {
	c := parentCandidates(name, im)
	for _, p := range c {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p, nil
		}
	}
	if len(c) == 0 {
		return "", formatErr(name, "dynamic header", "parent_unicode_name", "is empty and no parent locator names the parent")
	}
	return "", formatErr(name, "parent", "", "%q not found (tried %s)", im.header.ParentNameString(), strings.Join(c, ", "))
}

// maxChain bounds the length of a differencing chain (the child and its
// parents), so that a chain too long to be real ends in an error instead of
// running out of file descriptors. Open, Check and Commit apply it alike.
const maxChain = 64

// chainLink is one disk of a differencing chain being opened, child first.
type chainLink struct {
	name string
	fi   fs.FileInfo
}

// chainNames is "a.vhd → b.vhd → c.vhd".
func chainNames(chain []chainLink, last string) string {
	var b strings.Builder
	for _, l := range chain {
		b.WriteString(l.name)
		b.WriteString(" → ")
	}
	b.WriteString(last)
	return b.String()
}

// openParent opens parent, the parent file of the last disk of chain (whose
// dynamic header is h), read-only. A parent that is already in the chain
// (the same file, by device and inode, under any name) is a loop, named
// from the first child; a chain longer than maxChain is refused. Then the
// parent must be the one the child was made from: the same unique id and,
// unless ignoreTime, the modification time the child recorded.
func openParent(parent string, h *Header, chain []chainLink, ignoreTime bool) (*Disk, error) {
	child := chain[len(chain)-1].name
	top := chain[0].name
	if fi, err := os.Stat(parent); err == nil {
		for i, l := range chain {
			if os.SameFile(l.fi, fi) {
				return nil, &FormatError{File: top, Structure: "parent", Msg: "chain loops: " + chainNames(chain[i:], parent), loop: true}
			}
		}
	}
	if len(chain) >= maxChain {
		return nil, &FormatError{File: top, Structure: "parent", Msg: fmt.Sprintf("chain is longer than %d disks (%s)", maxChain, chainNames(chain[len(chain)-2:], parent+" → ...")), loop: true}
	}
	pd, err := Open(parent, &OpenOptions{ReadOnly: true, IgnoreParentTime: ignoreTime, chain: chain})
	if err != nil {
		var fe *FormatError
		if errors.As(err, &fe) && fe.loop {
			return nil, err // names the whole chain already
		}
		return nil, &ParentError{Child: child, Err: err}
	}
	if err := checkParent(child, h, pd, ignoreTime); err != nil {
		pd.Close()
		return nil, err
	}
	return pd, nil
}

// checkParent verifies that p is the parent this differencing disk was made
// from [VHD "Dynamic Disk Header Format", Parent Unique ID and Parent Time
// Stamp]: the unique id always; the parent file's modification time unless
// ignoreTime, or when the child recorded none (0).
func checkParent(child string, h *Header, p *Disk, ignoreTime bool) error {
	if p.footer.UniqueID != h.ParentUniqueID {
		return formatErr(child, "dynamic header", "parent_unique_id", "%s does not match the unique_id %s of the parent %s",
			h.ParentUniqueID, p.footer.UniqueID, p.name)
	}
	if ignoreTime || h.ParentTimeStamp == 0 {
		return nil
	}
	fi, err := p.f.Stat()
	if err != nil {
		return &PathError{File: p.name, Op: "stat", Err: unwrapPathErr(err)}
	}
	if now := vhdTime(fi.ModTime()); now != h.ParentTimeStamp {
		return &ParentChangedError{Child: child, Parent: p.name, Recorded: fromVHDTime(h.ParentTimeStamp), Modified: fromVHDTime(now)}
	}
	return nil
}

// ParentChangedError: the parent of a differencing disk was modified after
// the child was made (its modification time is not the parent_time_stamp
// the child recorded). The child's sectors were written over the parent as
// it was; read over a changed parent, the guest would see a mix of old and
// new data. If only the file's time changed (a copy without -p, touch),
// `vhdtool accept-parent` records the new time; IgnoreParentTime opens it
// anyway.
type ParentChangedError struct {
	Child, Parent      string
	Recorded, Modified time.Time
}

func (e *ParentChangedError) Error() string {
	const layout = "2006-01-02 15:04:05 UTC"
	return fmt.Sprintf("vhd: %s: parent %s was modified after this child was made (the child recorded its time as %s, it is now %s): "+
		"the child's sectors were written over the parent as it was, and reading them over a changed parent mixes old and new data. "+
		"If the parent's contents did not change (only its time, by a copy or a touch), run `vhdtool accept-parent %s`, or open it anyway with --ignore-parent-time",
		e.Child, e.Parent, e.Recorded.UTC().Format(layout), e.Modified.UTC().Format(layout), e.Child)
}

// Is makes errors.Is(err, ErrParentChanged) true.
func (e *ParentChangedError) Is(target error) bool { return target == ErrParentChanged }

// maxChildScan bounds how many .vhd files Children reads in a folder.
const maxChildScan = 1000

// Children lists the differencing images beside d (in its folder, named
// *.vhd in any case) whose parent_unique_id is d's unique_id: the children
// a write to d would silently change, in the order the folder lists them.
// Only each file's footer copy and dynamic header are read, without
// locking; files that cannot be read are passed over. Children elsewhere
// cannot be seen.
func (d *Disk) Children() []string {
	dir := filepath.Dir(d.name)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	self, err := d.f.Stat()
	if err != nil {
		return nil
	}
	var out []string
	scanned := 0
	for _, e := range ents {
		if !strings.EqualFold(filepath.Ext(e.Name()), ".vhd") || e.IsDir() {
			continue
		}
		if scanned++; scanned > maxChildScan {
			break
		}
		name := filepath.Join(dir, e.Name())
		if fi, err := os.Stat(name); err != nil || os.SameFile(fi, self) {
			continue
		}
		if id, ok := parentIDOf(name); ok && id == d.footer.UniqueID {
			out = append(out, name)
		}
	}
	return out
}

// parentIDOf reads the parent_unique_id of the differencing image name
// from its footer copy and dynamic header; ok is false for anything else.
func parentIDOf(name string) (id [16]byte, ok bool) {
	f, _, err := OpenImageFile(name, false)
	if err != nil {
		return id, false
	}
	defer f.Close()
	var fb [FooterSize]byte
	if _, err := f.ReadAt(fb[:], 0); err != nil {
		return id, false
	}
	ft, ok := DecodeFooter(fb[:])
	if !ok || string(ft.Cookie[:]) != footerCookie || ft.DiskType != Differencing || ft.DataOffset > 1<<40 {
		return id, false
	}
	hb := make([]byte, headerSize)
	if _, err := f.ReadAt(hb, int64(ft.DataOffset)); err != nil {
		return id, false
	}
	h, ok := DecodeHeader(hb)
	if !ok || string(h.Cookie[:]) != headerCookie {
		return id, false
	}
	return h.ParentUniqueID, true
}
