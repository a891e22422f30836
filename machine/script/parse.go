// Package script runs the `pcemu --script FILE` language: a line-oriented
// list of steps that wait for text on the emulated screen, type at the
// keyboard, check the screen, take screen dumps, let virtual time pass and
// power the machine off. It runs against a Target, a small view of the
// machine, so that it can be tested without one.
//
// The language, one step per line (# starts a comment outside quotes):
//
//	wait "TEXT" [TIMEOUT]   run until TEXT is on the screen (default timeout 30s virtual);
//	                        in screen texts \\ \" \n \t are escapes, other backslashes
//	                        are themselves: wait "C:\>"
//	type "TEXT"             type TEXT; escapes \r \n (Enter) \e (Esc) \t (Tab) \b (Backspace)
//	                        \\ \" and \{KEY} for any key or combination: \{F1} \{Ctrl-C} \{Alt-X}
//	key KEY [KEY...]        press and release keys or combinations: key F1, key Ctrl-Alt-Del
//	expect "TEXT"           fail unless TEXT is on the screen now
//	reject "TEXT"           fail if TEXT is on the screen now
//	screendump FILE         write the screen to FILE (.txt as text, .png as image)
//	savestate FILE          save the machine's state to FILE (docs/STATEFILE.md), from which
//	                        pcemu -loadstate FILE starts another run; an existing FILE is
//	                        replaced only if it is a state file
//	sleep DURATION          let DURATION of virtual time pass (500ms, 2s, 1m)
//	poweroff                power the machine off and end the script
//	mouse move X Y          put the mouse pointer on column X, row Y (from 0) in text modes, on
//	                        pixel X, Y in graphics modes (see machine.MouseMoveTo for how and
//	                        the limits)
//	mouse by DX DY          move the mouse by DX, DY counts as it reports them (mickeys;
//	                        right, down), in reports of at most 64 counts
//	mouse click [BUTTON]    press and release BUTTON: left (the default), right or middle
//	mouse down BUTTON       press BUTTON; mouse up BUTTON releases it
//
// Each mouse step ends when the mouse has reported it to the guest (at
// once when no driver has the mouse's reports on).
//
// Time in a script is virtual: the same script on the same images gives
// the same screens. A machine that stops by itself (the guest powers off
// or writes the exit port) ends a type, key or sleep step early; after
// that, expect, reject and screendump look at the last screen and a wait
// fails unless its text is on it.
package script

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"pcemu/machine"
	"pcemu/machine/keys"
	"pcemu/machine/statefile"
)

// Op is the kind of a step.
type Op int

const (
	OpWait Op = iota + 1
	OpType
	OpKey
	OpExpect
	OpReject
	OpScreendump
	OpSleep
	OpPowerOff
	OpMouse
	OpSaveState
)

var opNames = map[string]Op{
	"wait": OpWait, "type": OpType, "key": OpKey, "expect": OpExpect, "reject": OpReject,
	"screendump": OpScreendump, "sleep": OpSleep, "poweroff": OpPowerOff, "mouse": OpMouse,
	"savestate": OpSaveState,
}

// Mouse actions of a mouse step.
const (
	MouseMove  = "move"
	MouseBy    = "by"
	MouseClick = "click"
	MouseDown  = "down"
	MouseUp    = "up"
)

// Step is one parsed line of a script.
type Step struct {
	Line    int           // 1-based line number in the script
	Source  string        // the line as written, without its comment
	Op      Op            // what the step does
	Text    string        // wait, expect, reject: the text; screendump, savestate: the file name
	Keys    []keys.Combo  // type, key: the keys in order
	Timeout time.Duration // wait: how long to wait (0 = the default); sleep: how long
	Mouse   string        // mouse: the action (MouseMove, MouseBy, ...)
	X, Y    int           // mouse move: the position; mouse by: the motion
	Button  uint8         // mouse click, down, up: machine.MouseLeft, ...
}

// Script is a parsed script.
type Script struct {
	Name  string // file name, used in messages
	Steps []Step
}

// ParseError is a syntax error in a script, naming the line.
type ParseError struct {
	Name string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("%s:%d: %s", e.Name, e.Line, e.Msg)
}

// ParseFile reads and parses the script in the file at path and checks it
// (Check), so that a script that cannot succeed is refused before the
// machine starts.
func ParseFile(path string) (*Script, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("script: %w", err)
	}
	s, err := Parse(path, string(src))
	if err != nil {
		return nil, err
	}
	if err := s.Check(); err != nil {
		return nil, err
	}
	return s, nil
}

// Check finds, before the machine starts, the steps that would fail
// whatever the guest does: a screendump whose name has no format
// (.txt or .png) or whose folder does not exist, a savestate whose folder
// does not exist or whose file is there and not a state file. The error
// names the line.
func (s *Script) Check() error {
	for _, st := range s.Steps {
		switch st.Op {
		case OpScreendump:
			if err := machine.CheckScreendump(st.Text); err != nil {
				return &ParseError{s.Name, st.Line, "screendump " + err.Error()}
			}
		case OpSaveState:
			if err := statefile.CheckSave(st.Text); err != nil {
				return &ParseError{s.Name, st.Line, "savestate: " + err.Error()}
			}
		}
	}
	return nil
}

// Parse parses the text of a script. name is used in error messages.
func Parse(name, src string) (*Script, error) {
	s := &Script{Name: name}
	poweredOff := 0
	for i, raw := range strings.Split(src, "\n") {
		line := i + 1
		raw = strings.TrimSuffix(raw, "\r")
		toks, err := tokenize(raw)
		if err != nil {
			return nil, &ParseError{name, line, err.Error()}
		}
		if len(toks) == 0 {
			continue
		}
		if poweredOff != 0 {
			return nil, &ParseError{name, line, fmt.Sprintf("step after poweroff (line %d) would never run", poweredOff)}
		}
		st, err := parseStep(toks)
		if err != nil {
			return nil, &ParseError{name, line, err.Error()}
		}
		st.Line = line
		st.Source = strings.TrimSpace(stripComment(raw))
		if st.Op == OpPowerOff {
			poweredOff = line
		}
		s.Steps = append(s.Steps, st)
	}
	return s, nil
}

// token is a word or a quoted string (with its escapes still in it).
type token struct {
	text   string
	quoted bool
}

func tokenize(line string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(line) {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '#':
			return toks, nil
		case c == '"':
			j := i + 1
			for j < len(line) && line[j] != '"' {
				if line[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(line) {
				return nil, fmt.Errorf("unterminated string %s", line[i:])
			}
			toks = append(toks, token{line[i+1 : j], true})
			i = j + 1
			if i < len(line) && line[i] != ' ' && line[i] != '\t' && line[i] != '#' {
				return nil, fmt.Errorf("missing space after string %s", line[:i])
			}
		default:
			j := i
			for j < len(line) && line[j] != ' ' && line[j] != '\t' && line[j] != '#' {
				if line[j] == '"' {
					return nil, fmt.Errorf("quote inside word %q", line[i:])
				}
				j++
			}
			toks = append(toks, token{line[i:j], false})
			i = j
		}
	}
	return toks, nil
}

// stripComment returns line without a trailing # comment.
func stripComment(line string) string {
	in := false
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			if in {
				i++
			}
		case '"':
			in = !in
		case '#':
			if !in {
				return line[:i]
			}
		}
	}
	return line
}

func parseStep(toks []token) (Step, error) {
	cmd := toks[0]
	op, ok := opNames[strings.ToLower(cmd.text)]
	if cmd.quoted || !ok {
		return Step{}, fmt.Errorf("unknown command %q (want wait, type, key, expect, reject, screendump, sleep, poweroff, mouse or savestate)", cmd.text)
	}
	args := toks[1:]
	name := strings.ToLower(cmd.text)
	nargs := func(min, max int, usage string) error {
		if len(args) < min || len(args) > max {
			return fmt.Errorf("%s takes %s, got %d argument(s)", name, usage, len(args))
		}
		return nil
	}
	st := Step{Op: op}
	switch op {
	case OpWait, OpExpect, OpReject:
		usage := `"TEXT"`
		max := 1
		if op == OpWait {
			usage, max = `"TEXT" [TIMEOUT]`, 2
		}
		if err := nargs(1, max, usage); err != nil {
			return st, err
		}
		if !args[0].quoted {
			return st, fmt.Errorf("%s: the text must be quoted: %s \"%s\"", name, name, args[0].text)
		}
		text, err := unescapeText(args[0].text)
		if err != nil {
			return st, fmt.Errorf("%s: %v", name, err)
		}
		if text == "" {
			return st, fmt.Errorf("%s: empty text", name)
		}
		st.Text = text
		if len(args) == 2 {
			d, err := parseDuration(args[1])
			if err != nil {
				return st, fmt.Errorf("wait: timeout: %v", err)
			}
			st.Timeout = d
		}
	case OpType:
		if err := nargs(1, 1, `"TEXT"`); err != nil {
			return st, err
		}
		if !args[0].quoted {
			return st, fmt.Errorf("type: the text must be quoted: type \"%s\"", args[0].text)
		}
		combos, err := parseTyped(args[0].text)
		if err != nil {
			return st, fmt.Errorf("type: %v", err)
		}
		if len(combos) == 0 {
			return st, fmt.Errorf("type: empty text")
		}
		st.Keys = combos
	case OpKey:
		if len(args) == 0 {
			return st, fmt.Errorf("key takes one or more KEY names (F1, Enter, Ctrl-Alt-Del), got none")
		}
		for _, a := range args {
			c, err := keys.ParseCombo(a.text)
			if err != nil {
				return st, fmt.Errorf("key: %v", err)
			}
			st.Keys = append(st.Keys, c)
		}
	case OpScreendump, OpSaveState:
		if err := nargs(1, 1, "FILE"); err != nil {
			return st, err
		}
		f := args[0].text
		if args[0].quoted {
			var err error
			if f, err = unescapeText(f); err != nil {
				return st, fmt.Errorf("%s: %v", name, err)
			}
		}
		if f == "" {
			return st, fmt.Errorf("%s: empty file name", name)
		}
		st.Text = f
	case OpSleep:
		if err := nargs(1, 1, "DURATION"); err != nil {
			return st, err
		}
		d, err := parseDuration(args[0])
		if err != nil {
			return st, fmt.Errorf("sleep: %v", err)
		}
		st.Timeout = d
	case OpPowerOff:
		if err := nargs(0, 0, "no arguments"); err != nil {
			return st, err
		}
	case OpMouse:
		return parseMouse(st, args)
	}
	return st, nil
}

// parseMouse reads the arguments of a mouse step.
func parseMouse(st Step, args []token) (Step, error) {
	const usage = "mouse takes move X Y, by DX DY, click [BUTTON], down BUTTON or up BUTTON"
	if len(args) == 0 || args[0].quoted {
		return st, fmt.Errorf("%s", usage)
	}
	st.Mouse = strings.ToLower(args[0].text)
	args = args[1:]
	ints := func() error {
		if len(args) != 2 {
			return fmt.Errorf("mouse %s takes two numbers, got %d argument(s)", st.Mouse, len(args))
		}
		v := [2]int{}
		for i, a := range args {
			n, err := strconv.Atoi(a.text)
			if err != nil || a.quoted {
				return fmt.Errorf("mouse %s: %q is not a whole number", st.Mouse, a.text)
			}
			v[i] = n
		}
		st.X, st.Y = v[0], v[1]
		return nil
	}
	switch st.Mouse {
	case MouseMove:
		if err := ints(); err != nil {
			return st, err
		}
		if st.X < 0 || st.Y < 0 {
			return st, fmt.Errorf("mouse move %d %d: positions count from 0", st.X, st.Y)
		}
	case MouseBy:
		if err := ints(); err != nil {
			return st, err
		}
	case MouseClick, MouseDown, MouseUp:
		name := "left"
		switch {
		case len(args) == 1:
			name = args[0].text
		case len(args) > 1 || st.Mouse != MouseClick:
			return st, fmt.Errorf("mouse %s takes one BUTTON (left, right or middle), got %d argument(s)", st.Mouse, len(args))
		}
		b, err := machine.ParseMouseButton(name)
		if err != nil {
			return st, err
		}
		st.Button = b
	default:
		return st, fmt.Errorf("mouse %s: %s", st.Mouse, usage)
	}
	return st, nil
}

// parseDuration accepts Go durations ("500ms", "1m30s") and a bare number
// of seconds ("10", "2.5").
func parseDuration(t token) (time.Duration, error) {
	if t.quoted {
		return 0, fmt.Errorf("duration %q must not be quoted", t.text)
	}
	d, err := time.ParseDuration(t.text)
	if err != nil {
		f, ferr := strconv.ParseFloat(t.text, 64)
		if ferr != nil {
			return 0, fmt.Errorf("bad duration %q (want e.g. 500ms, 10s, 2m)", t.text)
		}
		d = time.Duration(f * float64(time.Second))
	}
	if d <= 0 {
		return 0, fmt.Errorf("duration %q must be positive", t.text)
	}
	return d, nil
}

// unescapeText decodes the escapes of a text to look for on the screen:
// \\ \" \n (a row break) and \t. A backslash before any other character
// is itself, so that the DOS prompt is written as it looks: "C:\>".
func unescapeText(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		switch s[i+1] {
		case '\\', '"':
			b.WriteByte(s[i+1])
			i++
		case 'n':
			b.WriteByte('\n')
			i++
		case 't':
			b.WriteByte('\t')
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// quoteText writes text as a quoted screen text that unescapeText reads
// back: the inverse of unescapeText, for scripts made in Go (Wait).
func quoteText(text string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`)
	return `"` + r.Replace(text) + `"`
}

// parseTyped turns the text of a type step into keys.
func parseTyped(s string) ([]keys.Combo, error) {
	var combos []keys.Combo
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return nil, fmt.Errorf("invalid UTF-8 in %q", s)
		}
		i += size
		if r == '\\' {
			if i >= len(s) {
				return nil, fmt.Errorf("lone backslash at the end of %q", s)
			}
			e := s[i]
			i++
			switch e {
			case 'r', 'n':
				r = '\r'
			case 'e':
				r = 0x1B
			case 't':
				r = '\t'
			case 'b':
				r = '\b'
			case '\\', '"':
				r = rune(e)
			case '{':
				end := strings.IndexByte(s[i:], '}')
				if end < 0 {
					return nil, fmt.Errorf("unterminated key escape \\{%s", s[i:])
				}
				c, err := keys.ParseCombo(s[i : i+end])
				if err != nil {
					return nil, err
				}
				combos = append(combos, c)
				i += end + 1
				continue
			default:
				return nil, fmt.Errorf("unknown escape \\%c (use \\r \\n \\e \\t \\b \\\\ \\\" or \\{KEY})", e)
			}
		}
		c, ok := keys.CharCombo(r)
		if !ok {
			return nil, fmt.Errorf("character %q has no key on the US keyboard", r)
		}
		combos = append(combos, c)
	}
	return combos, nil
}
