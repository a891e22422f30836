package suite

import (
	"fmt"
	"strings"
)

// HeaderTag opens a header line. A script sets the pcemu flags it needs on
// comment lines before its first step:
//
//	# pcemu: -hda images/dos622.vhd -m 1M
//	# pcemu: -cpu 8086
//	wait "C:\>" 60s
//
// The flags of all header lines, in order, come after the flags given to
// `pcemu test`, so that a header overrides them. To the script language
// they are comments: `pcemu --script` ignores them.
const HeaderTag = "pcemu:"

// Header returns the flags in the header of the script src (named name in
// errors): the words of its `# pcemu:` lines, split as a POSIX shell splits
// them without expansions (blanks separate words; '...' is literal; in
// "..." a backslash escapes " and \; elsewhere it escapes any character).
// A header line after the first step is an error, as it would be silently
// ignored.
func Header(name, src string) ([]string, error) {
	var args []string
	stepLine := 0
	for i, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if t == "" {
			continue
		}
		rest, isComment := strings.CutPrefix(t, "#")
		if !isComment {
			if stepLine == 0 {
				stepLine = i + 1
			}
			continue
		}
		flags, ok := strings.CutPrefix(strings.TrimSpace(rest), HeaderTag)
		if !ok {
			continue
		}
		if stepLine != 0 {
			return nil, fmt.Errorf("%s:%d: a %q header line must come before the first step (line %d)", name, i+1, "# "+HeaderTag, stepLine)
		}
		words, err := splitWords(flags)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: header: %v", name, i+1, err)
		}
		args = append(args, words...)
	}
	return args, nil
}

// splitWords splits s into words as a POSIX shell does, without expansions.
func splitWords(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
			continue
		case c == '\\':
			if i+1 >= len(s) {
				return nil, fmt.Errorf("backslash at the end of %q", s)
			}
			i++
			w.WriteByte(s[i])
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("unterminated ' in %q", s)
			}
			w.WriteString(s[i+1 : i+1+end])
			i += end + 1
		case c == '"':
			j := i + 1
			for ; j < len(s) && s[j] != '"'; j++ {
				if s[j] == '\\' && j+1 < len(s) && (s[j+1] == '"' || s[j+1] == '\\') {
					j++
				}
				w.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, fmt.Errorf("unterminated \" in %q", s)
			}
			i = j
		default:
			w.WriteByte(c)
		}
		inWord = true
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}

// shellQuote writes args as one line a POSIX shell reads back as args (the
// command printed for replaying a failure).
func shellQuote(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = quoteWord(a)
	}
	return strings.Join(q, " ")
}

func quoteWord(a string) string {
	if a == "" {
		return "''"
	}
	safe := true
	for _, c := range a {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-_./:=,+@%", c)) {
			safe = false
			break
		}
	}
	if safe {
		return a
	}
	return "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
}
