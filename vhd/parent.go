package vhd

import (
	"encoding/binary"
	"net/url"
	"os"
	"path/filepath"
	"strings"
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
