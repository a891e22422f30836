package fat

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf16"
)

// CodePage maps the bytes of 8.3 names to Unicode (the OEM code page of the
// DOS that wrote them, normally 437). A nil CodePage knows ASCII only:
// other bytes read as U+FFFD and other characters cannot be in short names.
type CodePage *[256]rune

// shortChar reports whether the OEM byte c may appear in a short name
// (upper case, not a control code or one of "*+,./:;<=>?[\]|) [FAT "FAT
// Directory Structure", DIR_Name].
func shortChar(c byte) bool {
	switch {
	case c < 0x20, c >= 'a' && c <= 'z', c == 0x7F:
		return false
	}
	return !strings.ContainsRune(" \"*+,./:;<=>?[\\]|", rune(c))
}

// ShortNameString is the 11-byte name as DOS shows it: base, and a dot and
// the extension when there is one, with the NT lower-case flags of ntres
// applied and the bytes decoded in cp.
func ShortNameString(name [11]byte, ntres uint8, cp CodePage) string {
	n := name
	if n[0] == entryKanji {
		n[0] = entryDeleted
	}
	base := bytes.TrimRight(n[:8], " ")
	ext := bytes.TrimRight(n[8:], " ")
	var sb strings.Builder
	put := func(b []byte, lower bool) {
		for _, c := range b {
			switch {
			case c < 0x80:
				if lower && c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				sb.WriteByte(c)
			case cp != nil:
				sb.WriteRune(cp[c])
			default:
				sb.WriteRune('\uFFFD')
			}
		}
	}
	put(base, ntres&ntLowerBase != 0)
	if len(ext) > 0 {
		sb.WriteByte('.')
		put(ext, ntres&ntLowerExt != 0)
	}
	return sb.String()
}

// encodeOEM is the OEM byte for r in cp, or false.
func encodeOEM(r rune, cp CodePage) (byte, bool) {
	if r < 0x80 {
		return byte(r), true
	}
	if cp != nil {
		for i := 0x80; i < 256; i++ {
			if cp[i] == r {
				return byte(i), true
			}
		}
	}
	return 0, false
}

// ParseShortName returns the 11-byte form of a name that is a valid 8.3
// name as it stands (at most 8 characters, a dot, at most 3, all of them
// allowed in short names, upper case).
func ParseShortName(s string, cp CodePage) (name [11]byte, ok bool) {
	if s == "" || s == "." || s == ".." {
		return name, false
	}
	base, ext, dot := strings.Cut(s, ".")
	if dot && (ext == "" || strings.Contains(ext, ".")) {
		return name, false
	}
	enc := func(s string, n int) ([]byte, bool) {
		var out []byte
		for _, r := range s {
			c, ok := encodeOEM(r, cp)
			if !ok || !shortChar(c) {
				return nil, false
			}
			out = append(out, c)
		}
		return out, len(out) >= 1 && len(out) <= n
	}
	b, ok1 := enc(base, 8)
	if !ok1 {
		return name, false
	}
	var e []byte
	if dot {
		var ok2 bool
		if e, ok2 = enc(ext, 3); !ok2 {
			return name, false
		}
	}
	for i := range name {
		name[i] = ' '
	}
	copy(name[:8], b)
	copy(name[8:], e)
	if name[0] == entryDeleted {
		name[0] = entryKanji
	}
	return name, true
}

// ShortName makes the 8.3 name for a long name as Windows does [FAT
// "Basis-Name Generation Algorithm", "Numeric-Tail Generation Algorithm"]:
// the name upper-cased, characters a short name cannot hold replaced by
// "_", spaces and leading dots dropped, the base cut to 8 characters and
// the text after the last dot to 3; when that loses anything, or the
// result is taken, "~1", "~2", ... replaces the end of the base
// (NAME~1.EXT). taken reports whether a short name is already used in the
// directory. ntres carries the NT lower-case flags when the long name is
// the short name in lower case ("readme.txt", "README.txt"); long is true
// when the name needs long-name entries beside the short one.
func ShortName(name string, cp CodePage, taken func([11]byte) bool) (short [11]byte, ntres uint8, long bool, ok bool) {
	// A name that is valid 8.3 in upper case, or with an all-lower-case
	// base or extension, needs no long name (Windows NT keeps the case in
	// DIR_NTRes).
	upper := strings.ToUpper(name)
	if s, valid := ParseShortName(upper, cp); valid && !taken(s) {
		if upper == name {
			return s, 0, false, true
		}
		base, ext, _ := strings.Cut(name, ".")
		ubase, uext, _ := strings.Cut(upper, ".")
		flags := uint8(0)
		baseOK, extOK := base == ubase, ext == uext
		if !baseOK && base == strings.ToLower(ubase) {
			flags |= ntLowerBase
			baseOK = true
		}
		if !extOK && ext == strings.ToLower(uext) {
			flags |= ntLowerExt
			extOK = true
		}
		if baseOK && extOK {
			return s, flags, false, true
		}
		return s, 0, true, true
	}

	// The basis name.
	lossy := false
	var conv []byte
	for _, r := range upper {
		c, enc := encodeOEM(r, cp)
		switch {
		case r == ' ':
			lossy = true // spaces are dropped
			continue
		case r == '.':
			c = '.'
		case !enc || !shortChar(c):
			c, lossy = '_', true
		}
		conv = append(conv, c)
	}
	// Leading dots are dropped; the extension is what follows the last
	// remaining dot, and the other dots are dropped from the base.
	trimmed := bytes.TrimLeft(conv, ".")
	if len(trimmed) != len(conv) {
		lossy = true
	}
	var base, ext []byte
	if i := bytes.LastIndexByte(trimmed, '.'); i >= 0 {
		base, ext = trimmed[:i], trimmed[i+1:]
		if bytes.Contains(base, []byte{'.'}) {
			base = bytes.ReplaceAll(base, []byte{'.'}, nil)
			lossy = true
		}
	} else {
		base = trimmed
	}
	if len(base) > 8 || len(ext) > 3 {
		lossy = true
	}
	base = base[:min(len(base), 8)]
	ext = ext[:min(len(ext), 3)]
	if len(base) == 0 {
		base, lossy = []byte{'_'}, true
	}
	var basis [11]byte
	for i := range basis {
		basis[i] = ' '
	}
	copy(basis[8:], ext)
	if !lossy {
		copy(basis[:8], base)
		if basis[0] == entryDeleted {
			basis[0] = entryKanji
		}
		if !taken(basis) {
			return basis, 0, true, true
		}
	}
	for n := 1; n <= 999999; n++ {
		tail := "~" + strconv.Itoa(n)
		s := basis
		copy(s[:8], "        ")
		k := copy(s[:8], base[:min(len(base), 8-len(tail))])
		copy(s[k:8], tail)
		if s[0] == entryDeleted {
			s[0] = entryKanji
		}
		if !taken(s) {
			return s, 0, true, true
		}
	}
	return short, 0, false, false
}

// ValidLongName reports whether name can be a long name: 1 to 255 UTF-16
// code units, none of them a control code or one of "*/:<>?\| , and not
// "." or ".." [FAT "FAT Long Directory Entries", legal characters].
func ValidLongName(name string) bool {
	if name == "" || name == "." || name == ".." || len(utf16.Encode([]rune(name))) > MaxLongName {
		return false
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7F || strings.ContainsRune("\"*/:<>?\\|", r) {
			return false
		}
	}
	return true
}
