package script

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pcemu/machine"
)

// fakePC is a Target whose screen is a timeline: each entry shows from its
// virtual time on. It records keys, dumps and power-off.
type fakePC struct {
	now      time.Duration
	timeline []frame
	stopAt   time.Duration // the machine stops at this time (0 = never)
	runErr   error
	keys     [][]byte
	queue    int           // transitions not yet taken by the "guest"
	perKey   time.Duration // virtual time the guest needs per transition

	dumps   []string
	off     bool
	dumpErr error
	runs    int
	onRun   func()

	mouse        []string // the mouse input, as "by 1 2", "to 3 4", "down 1", "up 1"
	mousePending int      // runs until the "guest" has had it
}

func (f *fakePC) MouseBy(dx, dy int) {
	f.mouse = append(f.mouse, fmt.Sprintf("by %d %d", dx, dy))
	f.mousePending = 2
}

func (f *fakePC) MouseButton(b uint8, down bool) {
	f.mouse = append(f.mouse, fmt.Sprintf("%s %d", map[bool]string{true: "down", false: "up"}[down], b))
	f.mousePending = 2
}

func (f *fakePC) MouseMoveTo(x, y int) error {
	if x >= 80 || y >= 25 {
		return fmt.Errorf("mouse move %d %d: no such cell on the 80x25 screen", x, y)
	}
	f.mouse = append(f.mouse, fmt.Sprintf("to %d %d", x, y))
	f.mousePending = 2
	return nil
}

func (f *fakePC) MousePending() bool { return f.mousePending > 0 }

type frame struct {
	at   time.Duration
	text string
}

func (f *fakePC) ScreenText() string {
	s := ""
	for _, fr := range f.timeline {
		if fr.at <= f.now {
			s = fr.text
		}
	}
	return s
}

func (f *fakePC) SendScancodes(c []byte) {
	f.keys = append(f.keys, append([]byte(nil), c...))
	f.queue++
}

func (f *fakePC) KeysPending() bool { return f.queue > 0 }

func (f *fakePC) RunFor(ctx context.Context, d time.Duration) (machine.StopReason, error) {
	f.runs++
	f.mousePending = max(f.mousePending-1, 0)
	if f.onRun != nil {
		f.onRun()
	}
	if err := ctx.Err(); err != nil {
		return machine.Running, err
	}
	if f.runErr != nil {
		return machine.Running, f.runErr
	}
	if f.stopAt > 0 && f.now+d >= f.stopAt {
		f.now = f.stopAt
		return machine.PowerOff, nil
	}
	f.now += d
	if f.perKey > 0 {
		f.queue -= min(f.queue, int(d/f.perKey))
	} else {
		f.queue = 0
	}
	return machine.Running, nil
}

func (f *fakePC) Screendump(p string) error {
	if f.dumpErr != nil {
		return f.dumpErr
	}
	f.dumps = append(f.dumps, p)
	return nil
}

func (f *fakePC) PowerOff() { f.off = true }

func (f *fakePC) Save() (*machine.State, error) { return nil, errors.New("a fake has no state") }

func mustParse(t *testing.T, src string) *Script {
	t.Helper()
	s, err := Parse("t.script", src)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

func flat(k [][]byte) []byte { return bytes.Join(k, nil) }

func TestWaitSucceedsWhenTextAppears(t *testing.T) {
	pc := &fakePC{timeline: []frame{{0, "booting"}, {2 * time.Second, "Starting...\nC:\\>"}}}
	s := mustParse(t, `wait "C:\\>" 5s`)
	if err := s.Run(context.Background(), pc, Options{}); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if pc.now < 2*time.Second || pc.now > 2*time.Second+10*time.Millisecond {
		t.Errorf("wait returned at %v, want just after 2s", pc.now)
	}
}

func TestWaitTimeoutIs124(t *testing.T) {
	pc := &fakePC{timeline: []frame{{0, "booting"}, {10 * time.Second, "C:\\>"}}}
	s := mustParse(t, "# boot\n\nwait \"C:\\\\>\" 3s\n")
	err := s.Run(context.Background(), pc, Options{})
	var e *Error
	if !errors.As(err, &e) || e.Kind != TimedOut || e.Line != 3 {
		t.Fatalf("Run = %v, want a timeout on line 3", err)
	}
	if ExitStatus(err) != 124 {
		t.Errorf("ExitStatus = %d, want 124", ExitStatus(err))
	}
	if pc.now != 3*time.Second {
		t.Errorf("virtual time at timeout %v, want 3s", pc.now)
	}
	if e.Screen != "booting" || !strings.Contains(e.Report(), "booting") || !strings.Contains(e.Report(), "t.script:3") {
		t.Errorf("report lacks the screen or the line:\n%s", e.Report())
	}
	if e.Step != `wait "C:\\>" 3s` {
		t.Errorf("Step = %q", e.Step)
	}
}

func TestWaitDefaultTimeout(t *testing.T) {
	pc := &fakePC{timeline: []frame{{0, "x"}}}
	err := mustParse(t, `wait "never"`).Run(context.Background(), pc, Options{WaitTimeout: 700 * time.Millisecond})
	if ExitStatus(err) != 124 || pc.now != 700*time.Millisecond {
		t.Fatalf("err %v at %v, want timeout at 700ms", err, pc.now)
	}
	pc = &fakePC{timeline: []frame{{0, "x"}}}
	err = mustParse(t, `wait "never"`).Run(context.Background(), pc, Options{})
	if ExitStatus(err) != 124 || pc.now != 30*time.Second {
		t.Fatalf("err %v at %v, want timeout at the default 30s", err, pc.now)
	}
}

func TestWaitMachineStops(t *testing.T) {
	pc := &fakePC{timeline: []frame{{0, "x"}}, stopAt: time.Second}
	err := mustParse(t, `wait "C:\\>" 10s`).Run(context.Background(), pc, Options{})
	var e *Error
	if !errors.As(err, &e) || e.Kind != Failed || !strings.Contains(e.Reason, "stopped") {
		t.Fatalf("Run = %v, want a failure because the machine stopped", err)
	}
	// Text shown in the last frame before the stop still counts.
	pc = &fakePC{timeline: []frame{{0, "x"}, {time.Second, "bye"}}, stopAt: time.Second}
	if err := mustParse(t, `wait "bye" 10s`).Run(context.Background(), pc, Options{}); err != nil {
		t.Fatalf("Run = %v, want success", err)
	}
}

func TestScreenTextEscapes(t *testing.T) {
	for src, want := range map[string]string{
		`wait "C:\>"`:        `C:\>`,
		`wait "C:\\>"`:       `C:\>`,
		`expect "a\"b\"c"`:   `a"b"c`,
		`reject "x\ny\tz"`:   "x\ny\tz",
		`expect "dir C:\\"`:  `dir C:\`,
		`expect "\{F1}\q\e"`: `\{F1}\q\e`,
	} {
		s, err := Parse("t", src)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if s.Steps[0].Text != want {
			t.Errorf("%s: text %q, want %q", src, s.Steps[0].Text, want)
		}
	}
}

func TestWaitMultiLine(t *testing.T) {
	pc := &fakePC{timeline: []frame{{0, "A   \nB  \n   \n"}}}
	if err := mustParse(t, `wait "A\nB"`).Run(context.Background(), pc, Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestTypeSendsScancodes(t *testing.T) {
	pc := &fakePC{timeline: []frame{{0, ""}}, perKey: 5 * time.Millisecond}
	s := mustParse(t, `type "dA\r"`)
	if err := s.Run(context.Background(), pc, Options{}); err != nil {
		t.Fatal(err)
	}
	want := [][]byte{
		{0x20}, {0xA0}, // d
		{0x2A}, {0x1E}, {0x9E}, {0xAA}, // Shift-A
		{0x1C}, {0x9C}, // Enter
	}
	if !bytes.Equal(flat(pc.keys), flat(want)) || len(pc.keys) != len(want) {
		t.Fatalf("keys % X, want % X", pc.keys, want)
	}
	// The step lasts until the guest has taken all 8 transitions
	// (5ms each here), polled every 10ms.
	if pc.now != 40*time.Millisecond {
		t.Errorf("typing took %v, want 40ms", pc.now)
	}
}

func TestKeysNotTakenTimeOut(t *testing.T) {
	pc := &fakePC{perKey: time.Hour}
	err := mustParse(t, "\ntype \"x\"").Run(context.Background(), pc, Options{KeyTimeout: time.Second})
	var e *Error
	if !errors.As(err, &e) || e.Kind != TimedOut || e.Line != 2 || !strings.Contains(e.Reason, "did not take the keys") {
		t.Fatalf("Run = %v, want a timeout on line 2", err)
	}

}

func TestTypeEscapes(t *testing.T) {
	cases := []struct {
		src  string
		want []byte
	}{
		{`type "\n"`, []byte{0x1C, 0x9C}},
		{`type "\e"`, []byte{0x01, 0x81}},
		{`type "\t"`, []byte{0x0F, 0x8F}},
		{`type "\b"`, []byte{0x0E, 0x8E}},
		{`type "\\"`, []byte{0x2B, 0xAB}},
		{`type "\""`, []byte{0x2A, 0x28, 0xA8, 0xAA}},
		{`type " "`, []byte{0x39, 0xB9}},
		{`type "\{F1}"`, []byte{0x3B, 0xBB}},
		{`type "\{f12}"`, []byte{0x58, 0xD8}},
		{`type "\{Ctrl-C}"`, []byte{0x1D, 0x2E, 0xAE, 0x9D}},
		{`type "\{Alt-X}"`, []byte{0x38, 0x2D, 0xAD, 0xB8}},
		{`type "\{Shift-Tab}"`, []byte{0x2A, 0x0F, 0x8F, 0xAA}},
		{`type "\{Up}"`, []byte{0xE0, 0x48, 0xE0, 0xC8}},
		{`type "\{RCtrl+Del}"`, []byte{0xE0, 0x1D, 0xE0, 0x53, 0xE0, 0xD3, 0xE0, 0x9D}},
		{`type "\{KP-}"`, []byte{0x4A, 0xCA}},
		{`type "\{Ctrl--}"`, []byte{0x1D, 0x0C, 0x8C, 0x9D}},
		{`type "\{PrintScreen}"`, []byte{0xE0, 0x2A, 0xE0, 0x37, 0xE0, 0xB7, 0xE0, 0xAA}},
		{`type "\{Pause}"`, []byte{0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5}},
		{`type "~|"`, []byte{0x2A, 0x29, 0xA9, 0xAA, 0x2A, 0x2B, 0xAB, 0xAA}},
		{`type "a#b" # comment with "quotes"`, []byte{0x1E, 0x9E, 0x2A, 0x04, 0x84, 0xAA, 0x30, 0xB0}},
		{`key Ctrl-Alt-Del`, []byte{0x1D, 0x38, 0xE0, 0x53, 0xE0, 0xD3, 0xB8, 0x9D}},
		{`key Ctrl-Alt-KPDel`, []byte{0x1D, 0x38, 0x53, 0xD3, 0xB8, 0x9D}},
		{`key F1 enter`, []byte{0x3B, 0xBB, 0x1C, 0x9C}},
		{`KEY kpenter`, []byte{0xE0, 0x1C, 0xE0, 0x9C}},
	}
	for _, c := range cases {
		pc := &fakePC{}
		s, err := Parse("t", c.src)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if err := s.Run(context.Background(), pc, Options{}); err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		if got := flat(pc.keys); !bytes.Equal(got, c.want) {
			t.Errorf("%s: scancodes % X, want % X", c.src, got, c.want)
		}
	}
}

func TestExpectAndReject(t *testing.T) {
	pc := &fakePC{timeline: []frame{{0, "Volume in drive C\n 3 file(s)"}}}
	if err := mustParse(t, "expect \"file(s)\"\nreject \"Abort, Retry\"").Run(context.Background(), pc, Options{}); err != nil {
		t.Fatal(err)
	}
	err := mustParse(t, "expect \"file(s)\"\nexpect \"bytes free\"").Run(context.Background(), pc, Options{})
	var e *Error
	if !errors.As(err, &e) || e.Line != 2 || e.Kind != Failed || ExitStatus(err) != 1 || !strings.Contains(e.Screen, "Volume") {
		t.Fatalf("expect failure = %#v", err)
	}
	err = mustParse(t, `reject "Volume"`).Run(context.Background(), pc, Options{})
	if !errors.As(err, &e) || e.Line != 1 || ExitStatus(err) != 1 || !strings.Contains(e.Error(), `"Volume" is on the screen`) {
		t.Fatalf("reject failure = %v", err)
	}
}

func TestScreendumpSleepPowerOff(t *testing.T) {
	pc := &fakePC{timeline: []frame{{0, "x"}}}
	src := "sleep 1.5s\nscreendump out.png\nscreendump \"my dump.txt\"\nsleep 2\npoweroff # done\n"
	if err := mustParse(t, src).Run(context.Background(), pc, Options{}); err != nil {
		t.Fatal(err)
	}
	if pc.now != 3500*time.Millisecond {
		t.Errorf("slept %v, want 3.5s", pc.now)
	}
	if len(pc.dumps) != 2 || pc.dumps[0] != "out.png" || pc.dumps[1] != "my dump.txt" {
		t.Errorf("dumps %q", pc.dumps)
	}
	if !pc.off {
		t.Error("poweroff did not power off")
	}
	pc = &fakePC{dumpErr: errors.New("disk full")}
	err := mustParse(t, "screendump x.png").Run(context.Background(), pc, Options{})
	if ExitStatus(err) != 1 || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("screendump error = %v", err)
	}
}

func TestSleepMachineStopsOrFails(t *testing.T) {
	// A machine that stops ends sleep and key steps early; a later wait
	// fails.
	pc := &fakePC{timeline: []frame{{0, "x"}}, stopAt: 500 * time.Millisecond, perKey: time.Hour}
	err := mustParse(t, "sleep 1s\nkey Enter\nexpect \"x\"\nwait \"y\"").Run(context.Background(), pc, Options{})
	var e *Error
	if !errors.As(err, &e) || e.Line != 4 || !strings.Contains(err.Error(), "stopped") || pc.now != 500*time.Millisecond {
		t.Errorf("steps past a stop = %v at %v", err, pc.now)
	}
	boom := errors.New("unknown opcode 0F FF at F000:1234")
	pc = &fakePC{runErr: boom}
	err = mustParse(t, "type \"x\"").Run(context.Background(), pc, Options{})
	if ExitStatus(err) != 1 || !errors.Is(err, boom) {
		t.Errorf("machine error = %v", err)
	}
}

func TestContextDeadlineIsTimeout(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pc := &fakePC{timeline: []frame{{0, "x"}}}
	pc.onRun = func() {
		if pc.runs == 3 {
			cancel()
		}
	}
	err := mustParse(t, "sleep 1s\nwait \"y\" 100s").Run(ctx, pc, Options{})
	var e *Error
	if !errors.As(err, &e) || e.Kind != TimedOut || e.Line != 1 || ExitStatus(err) != 124 || !errors.Is(err, context.Canceled) {
		t.Fatalf("Run after cancel = %v", err)
	}
	if pc.runs != 3 {
		t.Errorf("ran %d slices after the cancel, want it to stop at once", pc.runs)
	}
}

func TestParseErrorsNameTheLine(t *testing.T) {
	cases := []struct{ src, msg string }{
		{"frobnicate", "unknown command"},
		{"\"wait\" \"x\"", "unknown command"},
		{"wait", "wait takes"},
		{"wait x", "must be quoted"},
		{`wait "x" soon`, "bad duration"},
		{`wait "x" -1s`, "must be positive"},
		{`wait "x" 1s 2s`, "wait takes"},
		{`wait ""`, "empty text"},
		{`wait "unterminated`, "unterminated string"},
		{`wait "a"b`, "missing space"},
		{`type "\{F13}"`, `unknown key "F13"`},
		{`type "\{Ctrl-Q-X}"`, `"Q" in key "Ctrl-Q-X" is not a modifier`},
		{`type "\{F1"`, "unterminated key escape"},
		{`type "é"`, "no key on the US keyboard"},
		{`type "abc\"`, "unterminated string"},
		{`type "\z"`, `unknown escape \z`},
		{`type ""`, "empty text"},
		{`type abc`, "must be quoted"},
		{"key", "key takes"},
		{"key Hyper-X", "not a modifier"},
		{"key Enterprise", "unknown key"},
		{"expect", "expect takes"},
		{`reject "a" "b"`, "reject takes"},
		{"screendump", "screendump takes"},
		{"screendump a b", "screendump takes"},
		{"sleep", "sleep takes"},
		{"sleep forever", "bad duration"},
		{"sleep \"1s\"", "must not be quoted"},
		{"poweroff now", "poweroff takes"},
		{"poweroff\nwait \"x\"", "step after poweroff (line 3)"},
		{"type a\"b", "quote inside word"},
	}
	for _, c := range cases {
		src := "# header\n\n" + c.src
		_, err := Parse("boot.script", src)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%q: err = %v, want a ParseError", c.src, err)
			continue
		}
		wantLine := 3 + strings.Count(c.src, "\n")
		if pe.Line != wantLine || !strings.Contains(err.Error(), c.msg) || !strings.HasPrefix(err.Error(), "boot.script:") {
			t.Errorf("%q: err = %q (line %d), want line %d and %q", c.src, err, pe.Line, wantLine, c.msg)
		}
		if ExitStatus(err) != 1 {
			t.Errorf("%q: exit status %d, want 1", c.src, ExitStatus(err))
		}
	}
}

func TestParseFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "boot.script")
	if err := os.WriteFile(p, []byte("wait \"C:\\\\>\" 60s\r\ntype \"ver\\r\"\r\nexpect \"FreeDOS\"\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := ParseFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Steps) != 3 || s.Steps[0].Text != `C:\>` || s.Steps[0].Timeout != time.Minute || s.Steps[2].Line != 3 {
		t.Fatalf("steps %+v", s.Steps)
	}
	if _, err := ParseFile(filepath.Join(dir, "missing.script")); err == nil || !strings.Contains(err.Error(), "missing.script") {
		t.Errorf("missing file error = %v", err)
	}
}

func TestExitStatusOfPlainErrors(t *testing.T) {
	if ExitStatus(nil) != 0 || ExitStatus(errors.New("x")) != 1 {
		t.Error("ExitStatus of nil/plain error")
	}
}

// A complete session in the style of the README example.
func TestFreeDOSStyleSession(t *testing.T) {
	pc := &fakePC{timeline: []frame{{0, "Starting FreeDOS..."}, {3 * time.Second, "C:\\>"}}}
	pc.onRun = func() {
		// The "guest" prints a directory listing once Enter has been typed.
		for _, k := range pc.keys {
			if bytes.Equal(k, []byte{0x1C}) && len(pc.timeline) == 2 {
				pc.timeline = append(pc.timeline, frame{pc.now + 200*time.Millisecond, "C:\\>dir\n  5 file(s)\nC:\\>"})
			}
		}
	}
	src := `# boot and list the root directory
wait "C:\\>" 10s
type "dir\r"
wait "file(s)" 5s   # output of DIR
reject "Bad command"
screendump dir.txt
poweroff
`
	if err := mustParse(t, src).Run(context.Background(), pc, Options{}); err != nil {
		t.Fatal(err)
	}
	if !pc.off || len(pc.dumps) != 1 {
		t.Errorf("off %v dumps %v", pc.off, pc.dumps)
	}
}

// Wait is the step `wait "TEXT" TIMEOUT` as Parse makes it: its source
// reads back as the same step.
func TestWaitIsTheWaitStep(t *testing.T) {
	for _, tc := range []struct {
		text    string
		timeout time.Duration
	}{
		{`C:\>`, 5 * time.Second},
		{"say \"hi\"\n\tthere", 90 * time.Second},
		{`a\nb`, Forever},
	} {
		s := Wait("w", tc.text, tc.timeout)
		if len(s.Steps) != 1 {
			t.Fatalf("%d steps", len(s.Steps))
		}
		p, err := Parse("w", s.Steps[0].Source)
		if err != nil {
			t.Fatalf("%s: %v", s.Steps[0].Source, err)
		}
		want := tc.timeout
		if want == Forever {
			want = 0 // no timeout written: parsed as the default
		}
		if got := p.Steps[0]; got.Op != OpWait || got.Text != tc.text || got.Timeout != want {
			t.Errorf("%s reads back as %+v, want %q %v", s.Steps[0].Source, got, tc.text, want)
		}
	}
}

// A wait with no limit of virtual time (--expect) runs until the text
// appears, however late.
func TestWaitForever(t *testing.T) {
	pc := &fakePC{timeline: []frame{{0, "booting"}, {2 * time.Hour, "C:\\>"}}}
	if err := Wait("--expect", `C:\>`, Forever).Run(context.Background(), pc, Options{Poll: time.Second}); err != nil {
		t.Fatal(err)
	}
	if pc.now != 2*time.Hour {
		t.Errorf("returned at %v, want 2h", pc.now)
	}
}

// A script made in Go has no line: its messages name the script and the
// step, and say why the machine stopped.
func TestWaitMessages(t *testing.T) {
	pc := &fakePC{timeline: []frame{{0, "x"}}, stopAt: time.Second}
	err := Wait("--expect", "y", Forever).Run(context.Background(), pc, Options{})
	if err == nil || err.Error() != `--expect: wait "y": the machine stopped (power off) before "y" appeared` {
		t.Errorf("err = %v", err)
	}
	if r := Report(err); !strings.HasPrefix(r, err.Error()+"\n--- screen ---\nx\n") {
		t.Errorf("Report = %q", r)
	}
	if r := Report(errors.New("plain")); r != "plain\n" {
		t.Errorf("Report of a plain error = %q", r)
	}
}

// The host's reason for ending the run (pcemu's --timeout, a signal) is
// the context's cause and appears in the message.
func TestHostCauseInMessage(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("timeout after 2m0s"))
	pc := &fakePC{timeline: []frame{{0, "x"}}}
	err := mustParse(t, `wait "y"`).Run(ctx, pc, Options{})
	if ExitStatus(err) != 124 || !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "timeout after 2m0s") {
		t.Errorf("err = %v", err)
	}
}

// A failed screendump says why once, after the step that names the file.
func TestScreendumpMessage(t *testing.T) {
	pc := &fakePC{dumpErr: errors.New("open x.png: disk full")}
	err := mustParse(t, "screendump x.png").Run(context.Background(), pc, Options{})
	if err == nil || err.Error() != "t.script:1: screendump x.png: open x.png: disk full" {
		t.Errorf("err = %v", err)
	}
}

// ParseFile refuses, before any machine runs, a screendump that cannot be
// written: the line, the step and the reason, each said once.
func TestParseFileChecksScreendumps(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ step, want string }{
		{"screendump out.bmp", ":2: screendump out.bmp: the name must end in .txt or .png"},
		{"screendump " + dir + "/none/s.png", ":2: screendump " + dir + "/none/s.png: cannot be written: the folder " + dir + "/none does not exist"},
	} {
		path := filepath.Join(dir, "s.script")
		os.WriteFile(path, []byte("wait \"x\"\n"+tc.step+"\n"), 0o644)
		_, err := ParseFile(path)
		if err == nil || err.Error() != path+tc.want {
			t.Errorf("%s: %v, want %s%s", tc.step, err, path, tc.want)
		}
	}
	path := filepath.Join(dir, "ok.script")
	os.WriteFile(path, []byte("screendump "+dir+"/s.png\n"), 0o644)
	if _, err := ParseFile(path); err != nil {
		t.Errorf("a writable dump: %v", err)
	}
}

// ParseFile refuses a savestate into a folder that does not exist or over
// a file that is not a state file (which is never overwritten); a
// savestate that fails while running names the line and the reason.
func TestSaveStateStep(t *testing.T) {
	dir := t.TempDir()
	notState := filepath.Join(dir, "notes.txt")
	os.WriteFile(notState, []byte("my notes"), 0o644)
	for _, tc := range []struct{ step, want string }{
		{"savestate " + dir + "/none/s.state", "the folder " + dir + "/none does not exist"},
		{"savestate " + notState, "that is not a pcemu state file is there; not overwritten"},
		{"savestate", "savestate takes"},
	} {
		path := filepath.Join(dir, "s.script")
		os.WriteFile(path, []byte(tc.step+"\n"), 0o644)
		_, err := ParseFile(path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), ":1:") {
			t.Errorf("%s: %v, want %q", tc.step, err, tc.want)
		}
	}
	if b, _ := os.ReadFile(notState); string(b) != "my notes" {
		t.Error("the file that is not a state file was changed")
	}
	s := mustParse(t, "savestate "+dir+"/x.state")
	if s.Steps[0].Op != OpSaveState || s.Steps[0].Text != dir+"/x.state" {
		t.Errorf("parsed as %+v", s.Steps[0])
	}
	err := s.Run(context.Background(), &fakePC{}, Options{})
	if err == nil || !strings.Contains(err.Error(), "t.script:1: savestate") || !strings.Contains(err.Error(), "a fake has no state") {
		t.Errorf("a savestate the target cannot do: %v", err)
	}
}

func TestMouseSteps(t *testing.T) {
	s := mustParse(t, `mouse move 10 5
mouse by -3 4
mouse click
mouse click right
mouse down middle
mouse up middle
`)
	f := &fakePC{}
	if err := s.Run(context.Background(), f, Options{}); err != nil {
		t.Fatal(err)
	}
	want := "to 10 5|by -3 4|down 1|up 1|down 2|up 2|down 4|up 4"
	if got := strings.Join(f.mouse, "|"); got != want {
		t.Errorf("mouse input %s, want %s", got, want)
	}
	if f.now < 10*time.Millisecond {
		t.Errorf("the steps did not wait for the guest to take the input (%v)", f.now)
	}
	err := mustParse(t, "mouse move 80 0").Run(context.Background(), &fakePC{}, Options{})
	if err == nil || !strings.Contains(err.Error(), "no such cell") {
		t.Errorf("mouse move off the screen: %v", err)
	}
}

func TestMouseParseErrors(t *testing.T) {
	for src, want := range map[string]string{
		"mouse":                  "mouse takes move",
		"mouse jump 1 2":         "mouse jump",
		"mouse move 1":           "two numbers",
		"mouse move a b":         "not a whole number",
		"mouse move -1 0":        "count from 0",
		"mouse by 1 2 3":         "two numbers",
		"mouse click fourth":     "choose left, right or middle",
		"mouse down":             "one BUTTON",
		"mouse click left right": "one BUTTON",
	} {
		_, err := Parse("t.script", src)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error containing %q", src, err, want)
		}
	}
}
