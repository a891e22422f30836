package script

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"pcemu/machine"
	"pcemu/machine/statefile"
)

// Target is the machine a script drives: a *machine.Machine, or a fake in
// tests. All durations are virtual time: the same script on the same images
// gives the same screens.
type Target interface {
	// ScreenText returns the screen as text, one line per text row, rows
	// joined by "\n" (trailing blanks of a row are ignored).
	ScreenText() string
	// SendScancodes queues one key transition for the keyboard: the bytes
	// of scancode set 1 a key sends going down or up (a make or break code
	// with its E0h/E1h prefixes). The machine feeds queued transitions to
	// the keyboard controller at its own pace as virtual time runs.
	SendScancodes(codes []byte)
	// KeysPending reports whether queued transitions have not all been
	// handed to the guest yet.
	KeysPending() bool
	// RunFor runs the machine for d of virtual time. The reason is
	// machine.Running unless the machine stopped (power-off, exit port,
	// reset without reboot, an emulation error reported in err) before or
	// during that time. When ctx ends first, RunFor returns ctx's error.
	RunFor(ctx context.Context, d time.Duration) (machine.StopReason, error)
	// Screendump writes the screen to path: text for .txt, PNG for .png.
	Screendump(path string) error
	// PowerOff turns the machine off.
	PowerOff()
	// MouseBy, MouseButton and MouseMoveTo queue host mouse input
	// (machine.Machine's methods of those names); MousePending reports
	// whether the mouse has not reported all of it to the guest yet.
	MouseBy(dx, dy int)
	MouseButton(button uint8, down bool)
	MouseMoveTo(x, y int) error
	MousePending() bool
	// Save returns the machine's state (savestate writes it to a file).
	Save() (*machine.State, error)
}

// Forever is a wait step's timeout for "no limit of virtual time": pcemu's
// --expect waits until the text appears, the machine stops or the host's
// --timeout passes.
const Forever time.Duration = math.MaxInt64

// Wait is the one-step script `wait "TEXT" TIMEOUT` (Forever: no limit),
// called name in its messages. pcemu's --expect and machinetest's WaitFor
// are this script, so that there is one way to wait for text.
func Wait(name, text string, timeout time.Duration) *Script {
	src := "wait " + quoteText(text)
	if timeout != Forever {
		src += " " + timeout.String()
	}
	return &Script{Name: name, Steps: []Step{{Source: src, Op: OpWait, Text: text, Timeout: timeout}}}
}

// Options tune how a script runs. The zero value gives the defaults.
type Options struct {
	// WaitTimeout is the timeout of a wait step that names none (default 30s).
	WaitTimeout time.Duration
	// Poll is how much virtual time passes between two looks at the screen
	// while waiting (default 10ms).
	Poll time.Duration
	// KeyTimeout is how long a type or key step may wait for the guest to
	// take its keys (default 30s).
	KeyTimeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.WaitTimeout <= 0 {
		o.WaitTimeout = 30 * time.Second
	}
	if o.Poll <= 0 {
		o.Poll = 10 * time.Millisecond
	}
	if o.KeyTimeout <= 0 {
		o.KeyTimeout = 30 * time.Second
	}
	return o
}

// Kind says how a step went wrong.
type Kind int

const (
	// Failed: a step's check failed or the machine stopped (exit status 1).
	Failed Kind = iota + 1
	// TimedOut: a wait ran out of time, or the run's context hit its
	// deadline (exit status 124).
	TimedOut
)

// Error is a failed run: which line and step, why, and the screen text at
// that moment.
type Error struct {
	Name   string // script name
	Line   int    // 1-based line of the step
	Step   string // the step as written
	Kind   Kind
	Reason string
	Screen string
	Err    error // the underlying error (target or context), if any
}

func (e *Error) Error() string {
	if e.Line == 0 { // a script made in Go (Wait), not read from a file
		return fmt.Sprintf("%s: %s: %s", e.Name, e.Step, e.Reason)
	}
	return fmt.Sprintf("%s:%d: %s: %s", e.Name, e.Line, e.Step, e.Reason)
}

func (e *Error) Unwrap() error { return e.Err }

// Report is the message for stderr: the error line followed by the screen.
func (e *Error) Report() string {
	var b strings.Builder
	b.WriteString(e.Error())
	b.WriteString("\n--- screen ---\n")
	b.WriteString(e.Screen)
	if !strings.HasSuffix(e.Screen, "\n") {
		b.WriteString("\n")
	}
	b.WriteString("--------------\n")
	return b.String()
}

// Report is the message for stderr about the result of Run or Parse: an
// *Error's report with the screen, or the error's text.
func Report(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Report()
	}
	return err.Error() + "\n"
}

// ExitStatus is the process exit status for the error: 1 for a failure, 124
// for a timeout.
func (e *Error) ExitStatus() int {
	if e.Kind == TimedOut {
		return 124
	}
	return 1
}

// ExitStatus returns the exit status pcemu uses for the result of Run or
// Parse: 0 for nil, 124 for a timeout, 1 for anything else.
func ExitStatus(err error) int {
	if err == nil {
		return 0
	}
	var e *Error
	if errors.As(err, &e) {
		return e.ExitStatus()
	}
	return 1
}

// Run executes the script against t. It returns nil when every step passed,
// or an *Error naming the step that failed or timed out. When ctx ends (the
// host-time --timeout, an interrupt), Run stops between two slices of
// virtual time and reports a timeout.
func (s *Script) Run(ctx context.Context, t Target, opt Options) error {
	r := runner{ctx: ctx, t: t, opt: opt.withDefaults(), name: s.Name}
	for i := range s.Steps {
		if err := r.step(&s.Steps[i]); err != nil {
			return err
		}
	}
	return nil
}

type runner struct {
	ctx  context.Context
	t    Target
	opt  Options
	name string
}

// screen is the target's screen with trailing blanks of each row removed,
// so that a text spanning rows ("A\nB") matches.
func (r *runner) screen() string {
	lines := strings.Split(r.t.ScreenText(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}

func (r *runner) onScreen(text string) bool {
	return strings.Contains(r.screen(), text)
}

func (r *runner) fail(st *Step, kind Kind, err error, format string, a ...any) *Error {
	return &Error{
		Name: r.name, Line: st.Line, Step: st.Source, Kind: kind,
		Reason: fmt.Sprintf(format, a...), Screen: r.screen(), Err: err,
	}
}

// run lets d of virtual time pass in slices, checking the context between
// them. It returns early with stopped set when the machine stops.
func (r *runner) run(st *Step, d time.Duration) (stopped bool, err error) {
	for d > 0 {
		if err := r.ctx.Err(); err != nil {
			return false, r.fail(st, TimedOut, err, "stopped by the host: %v", context.Cause(r.ctx))
		}
		slice := min(d, r.opt.Poll)
		reason, err := r.t.RunFor(r.ctx, slice)
		if err != nil {
			return reason != machine.Running, r.runError(st, err)
		}
		if reason != machine.Running {
			return true, nil
		}
		d -= slice
	}
	return false, nil
}

func (r *runner) step(st *Step) error {
	if err := r.ctx.Err(); err != nil {
		return r.fail(st, TimedOut, err, "stopped by the host: %v", context.Cause(r.ctx))
	}
	switch st.Op {
	case OpWait:
		timeout := st.Timeout
		if timeout == 0 {
			timeout = r.opt.WaitTimeout
		}
		var waited time.Duration
		for !r.onScreen(st.Text) {
			if waited >= timeout {
				return r.fail(st, TimedOut, nil, "%q did not appear within %v", st.Text, timeout)
			}
			if err := r.ctx.Err(); err != nil {
				return r.fail(st, TimedOut, err, "stopped by the host while waiting for %q: %v", st.Text, context.Cause(r.ctx))
			}
			slice := min(r.opt.Poll, timeout-waited)
			reason, err := r.t.RunFor(r.ctx, slice)
			if err != nil {
				return r.runError(st, err)
			}
			waited += slice
			if reason != machine.Running && !r.onScreen(st.Text) {
				return r.fail(st, Failed, nil, "the machine stopped (%v) before %q appeared", reason, st.Text)
			}
		}
	case OpType, OpKey:
		for _, c := range st.Keys {
			for _, codes := range c.Strokes() {
				r.t.SendScancodes(codes)
			}
		}
		// The step is done when the guest has taken every key, or has
		// stopped the machine (a typed command that powers off).
		return r.drain(st, r.t.KeysPending, "keys")
	case OpExpect:
		if !r.onScreen(st.Text) {
			return r.fail(st, Failed, nil, "%q is not on the screen", st.Text)
		}
	case OpReject:
		if r.onScreen(st.Text) {
			return r.fail(st, Failed, nil, "%q is on the screen", st.Text)
		}
	case OpScreendump:
		if err := r.t.Screendump(st.Text); err != nil {
			return r.fail(st, Failed, err, "%v", err) // the step names the file
		}
	case OpSleep:
		// A machine that stops ends the sleep early: nothing more happens.
		_, err := r.run(st, st.Timeout)
		return err
	case OpPowerOff:
		r.t.PowerOff()
	case OpSaveState:
		s, err := r.t.Save()
		if err == nil {
			err = statefile.Save(st.Text, s)
		}
		if err != nil {
			return r.fail(st, Failed, err, "%v", err)
		}
	case OpMouse:
		switch st.Mouse {
		case MouseMove:
			if err := r.t.MouseMoveTo(st.X, st.Y); err != nil {
				return r.fail(st, Failed, err, "%v", err)
			}
		case MouseBy:
			r.t.MouseBy(st.X, st.Y)
		case MouseClick:
			r.t.MouseButton(st.Button, true)
			r.t.MouseButton(st.Button, false)
		case MouseDown, MouseUp:
			r.t.MouseButton(st.Button, st.Mouse == MouseDown)
		}
		return r.drain(st, r.t.MousePending, "mouse input")
	}
	return nil
}

// drain runs the machine until pending reports false (the guest took the
// input) or the machine stops; KeyTimeout bounds the wait.
func (r *runner) drain(st *Step, pending func() bool, what string) error {
	var waited time.Duration
	for pending() {
		if waited >= r.opt.KeyTimeout {
			return r.fail(st, TimedOut, nil, "the guest did not take the %s within %v", what, r.opt.KeyTimeout)
		}
		stopped, err := r.run(st, r.opt.Poll)
		if err != nil || stopped {
			return err
		}
		waited += r.opt.Poll
	}
	return nil
}

// runError reports an error from RunFor: the host's deadline or
// cancellation is a timeout, anything else a machine failure.
func (r *runner) runError(st *Step, err error) error {
	if r.ctx.Err() != nil {
		return r.fail(st, TimedOut, err, "stopped by the host: %v", context.Cause(r.ctx))
	}
	return r.fail(st, Failed, err, "machine error: %v", err)
}
