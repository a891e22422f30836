package suite

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"pcemu/machine/script"
)

// Outcome is how a script's run ended.
type Outcome int

const (
	// Passed: every step passed (pcemu exited 0).
	Passed Outcome = iota + 1
	// Failed: a step failed or timed out (JUnit <failure>).
	Failed
	// Errored: the script could not run as written: a bad header or
	// syntax, an image that does not open, a crash (JUnit <error>).
	Errored
	// NotRun: the suite was interrupted before the script ran (JUnit
	// <skipped>).
	NotRun
)

func (o Outcome) String() string {
	switch o {
	case Passed:
		return "PASS"
	case Failed:
		return "FAIL"
	case Errored:
		return "ERROR"
	case NotRun:
		return "SKIP"
	}
	return "?"
}

// The files of a failure's evidence folder.
const (
	ScreenText  = "screen.txt"  // the screen when the run ended, as text
	ScreenImage = "screen.png"  // the same screen as pcemu's window showed it
	StdoutFile  = "stdout.txt"  // pcemu's standard output (-debugcon stdio, -serial stdio)
	StderrFile  = "stderr.txt"  // pcemu's messages: the failing step and the screen
	RecordFile  = "run.rec"     // the run's recording (--record), for --replay
	CommandFile = "command.txt" // the commands that repeat the run
)

// evidenceFiles are the names the runner writes into a script's folder,
// and so the only ones it ever removes there.
var evidenceFiles = []string{ScreenText, ScreenImage, StdoutFile, StderrFile, RecordFile, CommandFile}

// Marker is the file that marks an output folder as the runner's: the
// runner writes into an existing folder only if it is empty or has it.
const Marker = ".pcemu-test"

// Result is the outcome of one script.
type Result struct {
	Script
	Outcome Outcome
	// Kind says what went wrong, as the JUnit type: "step", "timeout",
	// "script" (header, syntax or flags), "run" (pcemu could not run the
	// machine), "interrupted".
	Kind    string
	Message string // one line: the failing step and why, or the error
	Screen  string // the screen when the run ended, as text
	Output  string // the end of pcemu's standard output
	Log     string // the end of pcemu's standard error
	// Command is the pcemu command line (without the program) that ran
	// the script, less the runner's evidence flags; Rerun is that command
	// as one shell line. Replay is the shell line that replays the run's
	// recording (pcemu --replay), which needs neither the script nor the
	// flags.
	Command  []string
	Rerun    string
	Replay   string
	Dir      string   // the evidence folder, kept for a failure
	Evidence []string // the evidence files kept, with absolute paths
	Status   int      // pcemu's exit status
	Time     time.Duration
}

// Runner runs scripts, each in a pcemu process of its own.
type Runner struct {
	// Program is the pcemu executable; Name is how the commands in the
	// report call it ("pcemu").
	Program, Name string
	// Command returns pcemu's arguments for the script (the machine flags
	// with the script's header flags, -snapshot, -display none and
	// --script), checked; header is the script's header (Header). An
	// error fails the script without running it.
	Command func(s Script, header []string) ([]string, error)
	// Replay returns pcemu's arguments that replay the recording of a run
	// of command (--replay and the places of its images).
	Replay func(recording string, command []string) []string
	// KeepRecording, when not nil, is called on a failed run's recording
	// before it is kept. Runs are recorded with --record-state path (a run
	// from -loadstate names the state file instead of carrying it, which
	// every passing run would pay for); pcemu's KeepRecording embeds the
	// state, so that the evidence replays without the file.
	KeepRecording func(recording string) error
	// Jobs is how many scripts run at a time (at least 1).
	Jobs int
	// Out is the output folder that keeps the evidence of failures.
	Out string
	// Progress receives a line per finished script, or, when Live, one
	// line rewritten in place (a terminal) of at most Width columns (0:
	// no limit) and a line per failure.
	Progress io.Writer
	Live     bool
	Width    int
}

// keepOutput is how much of a run's standard output and error the report
// and the JUnit file quote; the evidence files keep all of it.
const keepOutput = 64 << 10

// Run runs the scripts, Jobs at a time, and returns their results in the
// order of scripts. When ctx ends, running scripts get SIGTERM (pcemu then
// closes its images and reports where it was) and the scripts not yet
// started are NotRun. The error is about the output folder only.
func (r *Runner) Run(ctx context.Context, scripts []Script) ([]Result, error) {
	made, err := r.prepareOut()
	if err != nil {
		return nil, err
	}
	dirs := evidenceDirs(scripts)
	results := make([]Result, len(scripts))
	p := &progress{r: r, total: len(scripts)}
	jobs := max(r.Jobs, 1)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(jobs, len(scripts)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				s := scripts[i]
				if ctx.Err() != nil {
					results[i] = Result{Script: s, Outcome: NotRun, Kind: "interrupted", Message: "not run: the suite was interrupted"}
					p.done(&results[i])
					continue
				}
				p.start(s)
				results[i] = r.runOne(ctx, s, filepath.Join(r.Out, dirs[i]))
				p.done(&results[i])
			}
		}()
	}
	for i := range scripts {
		next <- i
	}
	close(next)
	wg.Wait()
	p.finish()
	kept := false
	for _, res := range results {
		kept = kept || res.Outcome == Failed || res.Outcome == Errored
	}
	if made && !kept {
		// Nothing to keep: leave no empty folder behind.
		os.Remove(filepath.Join(r.Out, Marker))
		os.Remove(r.Out)
	}
	return results, nil
}

// prepareOut makes the output folder, or checks that an existing one is
// the runner's, and reports whether it made it.
func (r *Runner) prepareOut() (bool, error) {
	fi, err := os.Stat(r.Out)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(r.Out, 0o755); err != nil {
			return false, fmt.Errorf("--out %s: %w", r.Out, err)
		}
		return true, writeMarker(r.Out)
	case err != nil:
		return false, fmt.Errorf("--out %s: %w", r.Out, err)
	case !fi.IsDir():
		return false, fmt.Errorf("--out %s: not a folder", r.Out)
	}
	if _, err := os.Stat(filepath.Join(r.Out, Marker)); err == nil {
		return false, nil
	}
	ents, err := os.ReadDir(r.Out)
	if err != nil {
		return false, fmt.Errorf("--out %s: %w", r.Out, err)
	}
	if len(ents) > 0 {
		return false, fmt.Errorf("--out %s: the folder has files that pcemu test did not make (no %s in it): choose an empty or new folder", r.Out, Marker)
	}
	return false, writeMarker(r.Out)
}

func writeMarker(dir string) error {
	const text = "This folder is pcemu test's output: the evidence of failed scripts, one folder per script.\n" +
		"pcemu test replaces a script's files here when it runs the script again.\n"
	if err := os.WriteFile(filepath.Join(dir, Marker), []byte(text), 0o644); err != nil {
		return fmt.Errorf("--out %s: %w", dir, err)
	}
	return nil
}

// evidenceDirs names each script's evidence folder inside the output
// folder: its name without the ending, with ~2, ~3 added in order to names
// that would otherwise be shared.
func evidenceDirs(scripts []Script) []string {
	dirs := make([]string, len(scripts))
	used := map[string]bool{}
	for i, s := range scripts {
		base := filepath.FromSlash(strings.TrimSuffix(s.Name(), Ext))
		d := base
		for n := 2; used[d]; n++ {
			d = fmt.Sprintf("%s~%d", base, n)
		}
		used[d] = true
		dirs[i] = d
	}
	return dirs
}

// runOne runs one script in pcemu with its evidence going to dir.
func (r *Runner) runOne(ctx context.Context, s Script, dir string) (res Result) {
	res = Result{Script: s}
	start := time.Now()
	defer func() { res.Time = time.Since(start) }()
	fail := func(kind string, err error) Result {
		res.Outcome, res.Kind, res.Message = Errored, kind, err.Error()
		return res
	}

	src, err := os.ReadFile(s.Path)
	if err != nil {
		return fail("script", err)
	}
	header, err := Header(s.Path, string(src))
	if err != nil {
		return fail("script", err)
	}
	// The script is checked here, as pcemu would check it, so that a
	// syntax error is an error of the suite and not a failed run, and its
	// screendump steps are known for the report.
	sc, err := script.Parse(s.Path, string(src))
	if err == nil {
		err = sc.Check()
	}
	if err != nil {
		return fail("script", err)
	}
	if res.Command, err = r.Command(s, header); err != nil {
		return fail("script", fmt.Errorf("%s: %w", s.Path, err))
	}
	res.Rerun = shellQuote(append([]string{r.Name}, res.Command...))

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fail("run", fmt.Errorf("evidence folder: %w", err))
	}
	for _, f := range evidenceFiles {
		os.Remove(filepath.Join(dir, f)) // an earlier run's
	}
	res.Dir = dir
	stdout, err := os.Create(filepath.Join(dir, StdoutFile))
	if err != nil {
		return fail("run", fmt.Errorf("evidence folder: %w", err))
	}
	defer stdout.Close()
	stderr, err := os.Create(filepath.Join(dir, StderrFile))
	if err != nil {
		return fail("run", fmt.Errorf("evidence folder: %w", err))
	}
	defer stderr.Close()

	// The screen is kept only when the run fails: a PNG costs about a
	// tenth of a FreeDOS boot. The recording is made for every run and
	// kept for a failure.
	args := []string{
		"--fail-screendump", filepath.Join(dir, ScreenText),
		"--fail-screendump", filepath.Join(dir, ScreenImage),
		"--record", filepath.Join(dir, RecordFile), "--record-state", "path",
	}
	cmd := exec.Command(r.Program, append(args, res.Command...)...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// Standard input stays /dev/null: a run reads nothing from the host.
	if err := cmd.Start(); err != nil {
		return fail("run", fmt.Errorf("starting %s: %w", r.Program, err))
	}
	// An interrupted suite stops its runs as a user would, with SIGTERM:
	// pcemu closes its images (removing the -snapshot files) and reports
	// the step and the screen it stopped at.
	stop := context.AfterFunc(ctx, func() { cmd.Process.Signal(syscall.SIGTERM) })
	err = cmd.Wait()
	stop()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		res.Status = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			res.Status = 128 + int(ws.Signal())
		}
	default:
		return fail("run", fmt.Errorf("running %s: %w", r.Program, err))
	}
	res.Output = tail(stdout.Name())
	res.Log = tail(stderr.Name())

	if res.Status == 0 && ctx.Err() == nil {
		res.Outcome = Passed
		for _, f := range evidenceFiles {
			os.Remove(filepath.Join(dir, f))
		}
		removeEmpty(dir, r.Out)
		return res
	}
	r.classify(ctx, &res)
	r.keepEvidence(&res, sc)
	return res
}

// classify decides, from pcemu's exit status and messages, whether a run
// that did not pass failed a step or could not run.
func (r *Runner) classify(ctx context.Context, res *Result) {
	// pcemu reports a failed step as "FILE:LINE: STEP: reason" followed by
	// the screen (script.Error.Report), FILE being the --script argument.
	prefix := res.Path + ":"
	for _, line := range strings.Split(res.Log, "\n") {
		if strings.HasPrefix(line, prefix) {
			res.Message = line
			break
		}
	}
	switch {
	case ctx.Err() != nil:
		res.Outcome, res.Kind = Errored, "interrupted"
		if res.Message == "" {
			res.Message = lastLine(res.Log) // pcemu: terminated
		}
		res.Message = strings.TrimSuffix("interrupted: "+res.Message, ": ")
	case res.Message != "" && res.Status == 124:
		res.Outcome, res.Kind = Failed, "timeout"
	case res.Message != "":
		res.Outcome, res.Kind = Failed, "step"
	default:
		// No step failed: pcemu stopped before or outside the script (an
		// image that does not open, an emulation error, a signal).
		res.Outcome, res.Kind = Errored, "run"
		res.Message = lastLine(res.Log)
		if res.Message == "" {
			res.Message = fmt.Sprintf("pcemu exited with status %d", res.Status)
		}
	}
}

// keepEvidence lists the failure's evidence and writes the commands that
// repeat it.
func (r *Runner) keepEvidence(res *Result, sc *script.Script) {
	if b, err := os.ReadFile(filepath.Join(res.Dir, ScreenText)); err == nil {
		res.Screen = string(b)
	}
	var cmds strings.Builder
	rec := filepath.Join(res.Dir, RecordFile)
	if r.KeepRecording != nil && fileSize(rec) > 0 {
		if err := r.KeepRecording(rec); err != nil {
			res.Log += fmt.Sprintf("\npcemu test: %v (the recording names the state file instead of carrying it)", err)
		}
	}
	if r.Replay != nil && fileSize(rec) > 0 {
		res.Replay = shellQuote(append([]string{r.Name}, r.Replay(rec, res.Command)...))
		fmt.Fprintf(&cmds, "# Replay the run from its recording, exactly (in a window, or add -display none):\n%s\n", res.Replay)
	}
	fmt.Fprintf(&cmds, "# Run the script again:\n%s\n", res.Rerun)
	os.WriteFile(filepath.Join(res.Dir, CommandFile), []byte(cmds.String()), 0o644)
	for _, f := range evidenceFiles {
		p := filepath.Join(res.Dir, f)
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		if fi.Size() == 0 {
			os.Remove(p) // an empty stdout.txt says nothing
			continue
		}
		res.Evidence = append(res.Evidence, absPath(p))
	}
	// The script's own screen dumps, where the run got to write them.
	for _, st := range sc.Steps {
		if st.Op != script.OpScreendump {
			continue
		}
		if _, err := os.Stat(st.Text); err == nil {
			res.Evidence = append(res.Evidence, absPath(st.Text))
		}
	}
}

func fileSize(p string) int64 {
	fi, err := os.Stat(p)
	if err != nil {
		return -1
	}
	return fi.Size()
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// removeEmpty removes dir and its parents up to (not including) top while
// they are empty.
func removeEmpty(dir, top string) {
	top = filepath.Clean(top)
	for d := filepath.Clean(dir); d != top && strings.HasPrefix(d, top); d = filepath.Dir(d) {
		if os.Remove(d) != nil {
			return
		}
	}
}

// tail returns the last keepOutput bytes of the file at path.
func tail(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > keepOutput {
		f.Seek(fi.Size()-keepOutput, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	return string(b)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// progress shows the suite's progress: a line per finished script, or on a
// terminal one line rewritten in place with a line per failure above it.
type progress struct {
	r        *Runner
	mu       sync.Mutex
	total    int
	finished int
	failed   int
	running  []string
}

func (p *progress) start(s Script) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running = append(p.running, s.Name())
	p.draw()
}

func (p *progress) done(res *Result) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, n := range p.running {
		if n == res.Name() {
			p.running = append(p.running[:i], p.running[i+1:]...)
			break
		}
	}
	p.finished++
	if res.Outcome != Passed && res.Outcome != NotRun {
		p.failed++
	}
	if p.r.Progress == nil {
		return
	}
	line := fmt.Sprintf("%-5s %s (%.2fs)", res.Outcome, res.Name(), res.Time.Seconds())
	if res.Outcome != Passed {
		line += ": " + res.Message
	}
	switch {
	case !p.r.Live:
		fmt.Fprintln(p.r.Progress, line)
	case res.Outcome == Failed || res.Outcome == Errored:
		fmt.Fprintf(p.r.Progress, "\r\x1b[K%s\n", line)
		p.draw()
	default:
		p.draw()
	}
}

// draw rewrites the terminal's progress line (caller holds mu).
func (p *progress) draw() {
	if p.r.Progress == nil || !p.r.Live {
		return
	}
	line := fmt.Sprintf("[%d/%d] %d passed, %d failed, %d running", p.finished, p.total, p.finished-p.failed, p.failed, len(p.running))
	if len(p.running) > 0 {
		line += ": " + strings.Join(p.running, " ")
	}
	if w := p.r.Width; w > 1 && len([]rune(line)) > w-1 {
		line = string([]rune(line)[:w-1])
	}
	fmt.Fprintf(p.r.Progress, "\r\x1b[K%s", line)
}

func (p *progress) finish() {
	if p.r.Progress != nil && p.r.Live {
		fmt.Fprint(p.r.Progress, "\r\x1b[K")
	}
}

// Report writes the details of every failure (the failing step, the screen,
// the evidence and the command that repeats it) and a summary line.
func Report(w io.Writer, results []Result, elapsed time.Duration) {
	var n [NotRun + 1]int
	for i := range results {
		res := &results[i]
		n[res.Outcome]++
		if res.Outcome != Failed && res.Outcome != Errored {
			continue
		}
		var b bytes.Buffer
		fmt.Fprintf(&b, "\n%s %s: %s\n", res.Outcome, res.Name(), res.Message)
		if res.Screen != "" {
			b.WriteString("--- screen ---\n")
			b.WriteString(strings.TrimRight(res.Screen, "\n"))
			b.WriteString("\n--------------\n")
		}
		if len(res.Evidence) > 0 {
			fmt.Fprintf(&b, "evidence: %s/ (", res.Dir)
			for i, e := range res.Evidence {
				if i > 0 {
					b.WriteString(", ")
				}
				if rel, err := filepath.Rel(absPath(res.Dir), e); err == nil && filepath.IsLocal(rel) {
					e = rel
				}
				b.WriteString(e)
			}
			b.WriteString(")\n")
		}
		if res.Replay != "" {
			fmt.Fprintf(&b, "replay:   %s\n", res.Replay)
		}
		if res.Rerun != "" {
			fmt.Fprintf(&b, "rerun:    %s\n", res.Rerun)
		}
		w.Write(b.Bytes())
	}
	plural := "s"
	if len(results) == 1 {
		plural = ""
	}
	fmt.Fprintf(w, "\n%d script%s: %d passed, %d failed, %d errors", len(results), plural, n[Passed], n[Failed], n[Errored])
	if n[NotRun] > 0 {
		fmt.Fprintf(w, ", %d not run", n[NotRun])
	}
	fmt.Fprintf(w, " (%.1fs)\n", elapsed.Seconds())
}
