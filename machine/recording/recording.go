// Package recording writes and reads records of runs (pcemu --record,
// --replay): the machine a run started as, and every input that is not a
// function of the machine (keys, mouse, serial input, the reset and power
// buttons, real time's jumps, states loaded) with the instant it arrived
// at, plus a digest of the machine every virtual second and at the end.
// Replaying gives the inputs back at the same instants (machine.Player),
// so the run repeats exactly; where it does not, the replay says between
// which checkpoints it went elsewhere. docs/RECORDING.md is the format: a
// text file, one line per event, written as the run goes, so that a run
// that is killed leaves a recording up to its last event.
package recording

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"pcemu/cpu"
	"pcemu/disk"
	"pcemu/machine"
	"pcemu/machine/statefile"
)

// Version of the format.
const Version = 1

// header is the first line.
const header = "pcemu recording"

// CheckEvery is the virtual time between two checkpoints.
const CheckEvery = time.Second

// Start is how a recorded run began.
type Start struct {
	Config   machine.Config // the hardware, the disks' names, RTCStart, Snapshot, NoReboot, WaitOnNoBoot, RealTime
	Demo     bool           // the built-in demo disks (pcemu without a disk)
	Disks    []disk.Identity
	State    []byte // a state file the run started from (-loadstate), whole
	StateSum [32]byte
	// StateFile, when not empty, is the state file's absolute path: the
	// recording names it (with State's SHA-256 and length) instead of
	// carrying State, and reading the recording reads it back, refusing a
	// file that is missing or changed. EmbedState makes such a recording
	// carry its state.
	StateFile string
}

// Recorder writes a recording as the machine runs (a machine.Recorder).
type Recorder struct {
	w         *bufio.Writer
	f         io.Closer
	nextCheck int64
	err       error
}

// Create starts a recording in the file path (replaced if it is there).
func Create(path string, st *Start) (*Recorder, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	r, err := New(f, st)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("recording %s: %w", path, err)
	}
	return r, nil
}

// New starts a recording in f, which the Recorder closes.
func New(f io.WriteCloser, st *Start) (*Recorder, error) {
	r := &Recorder{w: bufio.NewWriter(f), f: f}
	r.writeStart(st)
	if err := r.w.Flush(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Recorder) printf(format string, args ...any) {
	if r.err == nil {
		_, r.err = fmt.Fprintf(r.w, format, args...)
	}
}

func (r *Recorder) writeStart(st *Start) {
	c := &st.Config
	r.printf("%s %d\n", header, Version)
	r.printf("machine model=%d memory=%d mouse=%d boot=%s ns=%d snapshot=%t noreboot=%t waitnoboot=%t realtime=%t ignoreparenttime=%t demo=%t\n",
		c.Model, c.MemorySize, c.Mouse, orDash(c.BootOrder), c.NsPerInstruction, c.Snapshot, c.NoReboot, c.WaitOnNoBoot, c.RealTime, c.IgnoreParentTime, st.Demo)
	r.printf("rtc %d\n", c.RTCStart.UnixNano())
	for i, n := range c.HardDisks {
		if n != "" {
			r.printf("hd %d %s\n", i, strconv.Quote(n))
		}
	}
	for i, n := range c.Floppies {
		if n != "" {
			r.printf("fd %d %s\n", i, strconv.Quote(n))
		}
	}
	for _, id := range st.Disks {
		sum := id.UUID[:]
		if id.Format == "fat" || id.Format == "memory" {
			sum = id.Hash[:]
		}
		r.printf("image %s %s %d %d %s\n", id.Format, strconv.Quote(id.Path), id.Size, id.ModTime, hex.EncodeToString(sum))
	}
	switch {
	case st.State != nil && st.StateFile != "":
		r.printf("statefile %x %d %s\n", sha256.Sum256(st.State), len(st.State), strconv.Quote(st.StateFile))
	case st.State != nil:
		r.printf("state %x %d\n", sha256.Sum256(st.State), len(st.State))
		r.blob(st.State)
	}
	r.printf("run\n")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// blob writes b in base64, 76 characters a line, and a line with a dot.
func (r *Recorder) blob(b []byte) {
	enc := base64.StdEncoding.EncodeToString(b)
	for len(enc) > 76 {
		r.printf("%s\n", enc[:76])
		enc = enc[76:]
	}
	if enc != "" {
		r.printf("%s\n", enc)
	}
	r.printf(".\n")
}

// Input writes an input (machine.Recorder).
func (r *Recorder) Input(at machine.Instant, in machine.Input) {
	r.printf("%d %d %s", at.Instructions, at.Time, in.Kind)
	switch in.Kind {
	case machine.InputKey:
		r.printf(" %s", hexBytes(in.Bytes))
		if in.Typed {
			r.printf(" typed")
		}
	case machine.InputMouseMotion:
		r.printf(" %d %d", in.DX, in.DY)
	case machine.InputMouseMoves:
		r.printf(" %d %d %d", in.DX, in.DY, in.Step)
	case machine.InputMouseButton:
		r.printf(" %d %t", in.Button, in.Down)
	case machine.InputSerial:
		r.printf(" %s", hexBytes(in.Bytes))
	case machine.InputClock:
		r.printf(" %d", in.Time)
	case machine.InputLoad:
		var b bytes.Buffer
		if err := statefile.Write(&b, in.State); err != nil && r.err == nil {
			r.err = err
		}
		r.printf(" %x %d\n", sha256.Sum256(b.Bytes()), b.Len())
		r.blob(b.Bytes())
		r.w.Flush()
		return
	}
	r.printf("\n")
	r.w.Flush() // an input is rare, and a killed run keeps it
}

// Boundary writes a checkpoint every CheckEvery of virtual time
// (machine.Recorder).
func (r *Recorder) Boundary(at machine.Instant, digest func() machine.Digest) {
	if at.Time < r.nextCheck {
		return
	}
	r.nextCheck = (at.Time/int64(CheckEvery) + 1) * int64(CheckEvery)
	r.printf("%d %d check %s\n", at.Instructions, at.Time, digestText(digest()))
	r.w.Flush()
}

// End writes the last line: where the run ended, why, and its digest. The
// machine must be stopped, or not running on another goroutine.
func (r *Recorder) End(m *machine.Machine) {
	at, d := m.Instant(), m.Digest()
	r.printf("%d %d end %s %s\n", at.Instructions, at.Time, strings.ReplaceAll(m.Stopped().String(), " ", "-"), digestText(d))
}

// Close flushes and closes the file; the first error of the recording.
func (r *Recorder) Close() error {
	if err := r.w.Flush(); r.err == nil {
		r.err = err
	}
	if err := r.f.Close(); r.err == nil {
		r.err = err
	}
	return r.err
}

func hexBytes(b []byte) string {
	s := make([]string, len(b))
	for i, x := range b {
		s[i] = fmt.Sprintf("%02X", x)
	}
	return strings.Join(s, ",")
}

func digestText(d machine.Digest) string {
	return fmt.Sprintf("ram=%x screen=%x disk-writes=%x", d.RAM, d.Screen, d.DiskWrites)
}

// Recording is a recording read back.
type Recording struct {
	Name   string
	Start  Start
	Events []Event
	Ended  bool // it has its end line (a run that was killed has not)
}

// Event is one line after the start: an input, a check or the end.
type Event struct {
	Line   int
	At     machine.Instant
	Input  *machine.Input // nil for a check and the end
	Digest machine.Digest // check, end
	End    string         // the end: why the run stopped
}

func (e *Event) what() string {
	switch {
	case e.Input != nil:
		return fmt.Sprintf("the input %s (line %d)", e.Input.Kind, e.Line)
	case e.End != "":
		return fmt.Sprintf("the end of the run (line %d)", e.Line)
	}
	return fmt.Sprintf("a checkpoint (line %d)", e.Line)
}

// FormatError is a recording that cannot be read: the file, the line and
// what is wrong.
type FormatError struct {
	File string
	Line int
	Msg  string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("recording %s:%d: %s", e.File, e.Line, e.Msg)
}

// Open reads the recording at path.
func Open(path string) (*Recording, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("recording: %w", err)
	}
	defer f.Close()
	return Read(f, path)
}

// Read reads a recording from r; name is for messages.
func Read(r io.Reader, name string) (*Recording, error) {
	p := &parser{sc: bufio.NewScanner(r), name: name}
	p.sc.Buffer(make([]byte, 64<<10), 1<<20)
	rec := &Recording{Name: name}
	if err := p.start(&rec.Start); err != nil {
		return nil, err
	}
	last := machine.Instant{}
	for p.next() {
		if rec.Ended {
			return nil, p.errorf("a line after the end")
		}
		e, err := p.event()
		if err != nil {
			return nil, err
		}
		// Instants only go forward, except after a state loaded in
		// place, whose instants are its own.
		afterLoad := len(rec.Events) > 0 && rec.Events[len(rec.Events)-1].Input != nil && rec.Events[len(rec.Events)-1].Input.Kind == machine.InputLoad
		if (e.At.Instructions < last.Instructions || e.At.Time < last.Time) && !afterLoad {
			return nil, p.errorf("instant %v is before the previous event's %v", e.At, last)
		}
		last = e.At
		rec.Events = append(rec.Events, e)
		if e.End != "" {
			rec.Ended = true
		}
	}
	if err := p.sc.Err(); err != nil {
		return nil, fmt.Errorf("recording %s: %w", name, err)
	}
	return rec, nil
}

type parser struct {
	sc   *bufio.Scanner
	name string
	line int
	text string
}

func (p *parser) next() bool {
	if !p.sc.Scan() {
		return false
	}
	p.line++
	p.text = p.sc.Text()
	return true
}

func (p *parser) errorf(format string, args ...any) error {
	return &FormatError{p.name, p.line, fmt.Sprintf(format, args...)}
}

func (p *parser) start(st *Start) error {
	if !p.next() {
		return p.errorf("empty: not a pcemu recording")
	}
	f := strings.Fields(p.text)
	if len(f) != 3 || f[0]+" "+f[1] != header {
		return p.errorf("not a pcemu recording (it starts %q)", truncate(p.text))
	}
	if v, err := strconv.Atoi(f[2]); err != nil || v != Version {
		return p.errorf("format version %s; this pcemu reads version %d", f[2], Version)
	}
	c := &st.Config
	for p.next() {
		f := strings.Fields(p.text)
		if len(f) == 0 {
			return p.errorf("an empty line")
		}
		switch f[0] {
		case "run":
			return nil
		case "machine":
			for _, kv := range f[1:] {
				k, v, _ := strings.Cut(kv, "=")
				var err error
				switch k {
				case "model":
					var n int
					n, err = strconv.Atoi(v)
					c.Model = cpu.Model(n)
				case "memory":
					c.MemorySize, err = strconv.Atoi(v)
				case "mouse":
					var n int
					n, err = strconv.Atoi(v)
					c.Mouse = machine.MouseType(n)
				case "boot":
					if v != "-" {
						c.BootOrder = v
					}
				case "ns":
					c.NsPerInstruction, err = strconv.ParseInt(v, 10, 64)
				case "snapshot":
					c.Snapshot, err = strconv.ParseBool(v)
				case "noreboot":
					c.NoReboot, err = strconv.ParseBool(v)
				case "waitnoboot":
					c.WaitOnNoBoot, err = strconv.ParseBool(v)
				case "realtime":
					c.RealTime, err = strconv.ParseBool(v)
				case "ignoreparenttime":
					c.IgnoreParentTime, err = strconv.ParseBool(v)
				case "demo":
					st.Demo, err = strconv.ParseBool(v)
				default:
					err = errors.New("unknown")
				}
				if err != nil {
					return p.errorf("machine: %q: not a setting this pcemu knows", kv)
				}
			}
		case "rtc":
			ns, err := p.int(f, 1)
			if err != nil {
				return err
			}
			c.RTCStart = time.Unix(0, ns).UTC()
		case "hd", "fd":
			if len(f) < 3 {
				return p.errorf("%s: a drive number and a quoted name", f[0])
			}
			i, err := strconv.Atoi(f[1])
			name, qerr := strconv.Unquote(strings.Join(f[2:], " "))
			switch {
			case err != nil || qerr != nil || f[0] == "hd" && (i < 0 || i > 3) || f[0] == "fd" && (i < 0 || i > 1):
				return p.errorf("%s: a drive number and a quoted name", f[0])
			case f[0] == "hd":
				c.HardDisks[i] = name
			default:
				c.Floppies[i] = name
			}
		case "image":
			// image FORMAT "PATH" SIZE MTIME UUID (the path may hold spaces)
			rest := strings.TrimPrefix(p.text, "image ")
			format, rest, _ := strings.Cut(rest, " ")
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return p.errorf("image: a format, a quoted path, size, time and id")
			}
			path, _ := strconv.Unquote(q)
			g := strings.Fields(rest[len(q):])
			if len(g) != 3 {
				return p.errorf("image: a format, a quoted path, size, time and id")
			}
			size, err1 := strconv.ParseInt(g[0], 10, 64)
			mtime, err2 := strconv.ParseInt(g[1], 10, 64)
			uuid, err3 := hex.DecodeString(g[2])
			id := disk.Identity{Format: format, Path: path, Size: size, ModTime: mtime}
			switch {
			case err1 != nil || err2 != nil || err3 != nil:
			case len(uuid) == 16:
				id.UUID = [16]byte(uuid)
			case len(uuid) == 32:
				id.Hash = [32]byte(uuid)
			default:
				err1 = errors.New("bad id")
			}
			if err1 != nil || err2 != nil || err3 != nil {
				return p.errorf("image: a format, a quoted path, size, time and id")
			}
			st.Disks = append(st.Disks, id)
		case "state":
			b, sum, err := p.blob(f[1:])
			if err != nil {
				return err
			}
			st.State, st.StateSum = b, sum
		case "statefile":
			b, sum, path, err := p.stateFile(strings.TrimPrefix(p.text, "statefile "))
			if err != nil {
				return err
			}
			st.State, st.StateSum, st.StateFile = b, sum, path
		default:
			return p.errorf("%q: not a line of a recording's start", f[0])
		}
	}
	return p.errorf("the recording ends before its events (no run line)")
}

func (p *parser) int(f []string, i int) (int64, error) {
	if len(f) <= i {
		return 0, p.errorf("%s: a number is missing", f[0])
	}
	n, err := strconv.ParseInt(f[i], 10, 64)
	if err != nil {
		return 0, p.errorf("%s: %q is not a number", f[0], f[i])
	}
	return n, nil
}

// blob reads the base64 lines after a "SHA256 LENGTH" head, up to the dot.
func (p *parser) blob(head []string) ([]byte, [32]byte, error) {
	var sum [32]byte
	if len(head) != 2 {
		return nil, sum, p.errorf("an embedded state needs its SHA-256 and length")
	}
	want, err := hex.DecodeString(head[0])
	n, err2 := strconv.Atoi(head[1])
	if err != nil || err2 != nil || len(want) != 32 || n < 0 || n > 1<<30 {
		return nil, sum, p.errorf("an embedded state needs its SHA-256 and length")
	}
	var enc strings.Builder
	for {
		if !p.next() {
			return nil, sum, p.errorf("the recording ends inside an embedded state")
		}
		if p.text == "." {
			break
		}
		if enc.Len() > n*4/3+80 {
			return nil, sum, p.errorf("an embedded state longer than its %d bytes", n)
		}
		enc.WriteString(p.text)
	}
	b, err := base64.StdEncoding.DecodeString(enc.String())
	if err != nil {
		return nil, sum, p.errorf("an embedded state: %v", err)
	}
	sum = sha256.Sum256(b)
	if len(b) != n || !bytes.Equal(sum[:], want) {
		return nil, sum, p.errorf("an embedded state does not match its SHA-256 and length: the recording is corrupt")
	}
	return b, sum, nil
}

// stateFile reads the state file a "statefile SHA256 LENGTH PATH" line
// names, refusing one that is missing or not the recorded run's.
func (p *parser) stateFile(rest string) ([]byte, [32]byte, string, error) {
	var sum [32]byte
	f := strings.SplitN(rest, " ", 3)
	if len(f) != 3 {
		return nil, sum, "", p.errorf("statefile: a SHA-256, a length and a quoted path")
	}
	want, err1 := hex.DecodeString(f[0])
	n, err2 := strconv.Atoi(f[1])
	path, err3 := strconv.Unquote(f[2])
	if err1 != nil || err2 != nil || err3 != nil || len(want) != 32 || n < 0 {
		return nil, sum, "", p.errorf("statefile: a SHA-256, a length and a quoted path")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, sum, "", p.errorf("the state file the run started from: %v (the recording names it instead of carrying it: --record-state path)", err)
	}
	sum = sha256.Sum256(b)
	if len(b) != n || !bytes.Equal(sum[:], want) {
		return nil, sum, "", p.errorf("the state file the run started from, %s, changed since the run (%d bytes, the run's had %d; or other contents)", path, len(b), n)
	}
	return b, sum, path, nil
}

// EmbedState makes the recording at path carry the state file it names
// (a "statefile" line, --record-state path) so that it replays without the
// file; a recording that carries its state, or started without one, is
// left as it is. The recording is rewritten through a temporary file
// renamed over it.
func EmbedState(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	start := bytes.Index(b, []byte("\nstatefile "))
	run := bytes.Index(b, []byte("\nrun\n"))
	if start < 0 || run < 0 || start > run {
		return nil
	}
	rec, err := Read(bytes.NewReader(b), path)
	if err != nil {
		return err
	}
	end := start + 1 + bytes.IndexByte(b[start+1:], '\n')
	var out bytes.Buffer
	out.Write(b[:start+1])
	w := &Recorder{w: bufio.NewWriter(&out)}
	w.printf("state %x %d\n", rec.Start.StateSum, len(rec.Start.State))
	w.blob(rec.Start.State)
	w.w.Flush()
	out.Write(b[end+1:])
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	_, err = tmp.Write(out.Bytes())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("recording %s: %w", path, err)
	}
	return nil
}

func (p *parser) event() (Event, error) {
	e := Event{Line: p.line}
	f := strings.Fields(p.text)
	if len(f) < 3 {
		return e, p.errorf("an event is INSTRUCTIONS TIME KIND ...")
	}
	instr, err1 := strconv.ParseUint(f[0], 10, 64)
	t, err2 := strconv.ParseInt(f[1], 10, 64)
	if err1 != nil || err2 != nil || t < 0 {
		return e, p.errorf("an event is INSTRUCTIONS TIME KIND ...: %q", truncate(p.text))
	}
	e.At = machine.Instant{Instructions: instr, Time: t}
	args := f[3:]
	need := func(n int) error {
		if len(args) < n {
			return p.errorf("%s: %d arguments, want %d", f[2], len(args), n)
		}
		return nil
	}
	num := func(i int) int {
		if err1 != nil {
			return 0
		}
		var n int64
		n, err1 = strconv.ParseInt(args[i], 10, 64)
		return int(n)
	}
	in := &machine.Input{}
	switch f[2] {
	case "check", "end":
		k := 0
		if f[2] == "end" {
			if err := need(4); err != nil {
				return e, err
			}
			e.End, k = args[0], 1
		}
		d, err := parseDigest(args[k:])
		if err != nil {
			return e, p.errorf("%s: %v", f[2], err)
		}
		d.Instructions, d.VirtualTime = instr, time.Duration(t)
		e.Digest = d
		return e, nil
	case "key", "serial":
		if err := need(1); err != nil {
			return e, err
		}
		b, err := parseHexBytes(args[0])
		if err != nil || len(b) == 0 {
			return e, p.errorf("%s: %q is not bytes in hex", f[2], args[0])
		}
		in.Kind, in.Bytes = machine.InputSerial, b
		if f[2] == "key" {
			in.Kind = machine.InputKey
			in.Typed = len(args) > 1 && args[1] == "typed"
		}
	case "mouse-motion":
		if err := need(2); err != nil {
			return e, err
		}
		in.Kind, in.DX, in.DY = machine.InputMouseMotion, num(0), num(1)
	case "mouse-moves":
		if err := need(3); err != nil {
			return e, err
		}
		in.Kind, in.DX, in.DY, in.Step = machine.InputMouseMoves, num(0), num(1), num(2)
		if in.Step < 0 {
			err1 = errors.New("negative")
		}
	case "mouse-button":
		if err := need(2); err != nil {
			return e, err
		}
		in.Kind, in.Button = machine.InputMouseButton, uint8(num(0))
		in.Down = args[1] == "true"
	case "reset":
		in.Kind = machine.InputReset
	case "poweroff":
		in.Kind = machine.InputPowerOff
	case "clock":
		if err := need(1); err != nil {
			return e, err
		}
		in.Kind = machine.InputClock
		n := num(0)
		in.Time = int64(n)
	case "load":
		b, _, err := p.blob(args)
		if err != nil {
			return e, err
		}
		s, err := statefile.Decode(bytes.NewReader(b), int64(len(b)), fmt.Sprintf("%s:%d", p.name, e.Line))
		if err != nil {
			return e, err
		}
		in.Kind, in.State = machine.InputLoad, s
	default:
		return e, p.errorf("%q: not an event this pcemu knows", f[2])
	}
	if err1 != nil {
		return e, p.errorf("%s: a number is not one: %q", f[2], truncate(p.text))
	}
	e.Input = in
	return e, nil
}

func parseHexBytes(s string) ([]byte, error) {
	var b []byte
	for _, x := range strings.Split(s, ",") {
		v, err := strconv.ParseUint(x, 16, 8)
		if err != nil {
			return nil, err
		}
		b = append(b, byte(v))
	}
	return b, nil
}

func parseDigest(f []string) (machine.Digest, error) {
	var d machine.Digest
	if len(f) != 3 {
		return d, errors.New("a digest is ram=HEX screen=HEX disk-writes=HEX")
	}
	for i, dst := range []*[32]byte{&d.RAM, &d.Screen, &d.DiskWrites} {
		k, v, _ := strings.Cut(f[i], "=")
		b, err := hex.DecodeString(v)
		if err != nil || len(b) != 32 || k != [3]string{"ram", "screen", "disk-writes"}[i] {
			return d, errors.New("a digest is ram=HEX screen=HEX disk-writes=HEX")
		}
		*dst = [32]byte(b)
	}
	return d, nil
}

func truncate(s string) string {
	if len(s) > 60 {
		return s[:60] + "..."
	}
	return s
}
