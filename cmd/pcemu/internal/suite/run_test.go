package suite

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"pcemu/internal/shared"
)

// The runner's mechanics (processes, parallelism, evidence, interruption)
// are tested against a stand-in for pcemu: this test binary, run with
// FAKE_PCEMU=1, which acts out the "# fake: ..." lines of the script it is
// given. cmd/pcemu's tests run the real pcemu on FreeDOS.
func TestMain(m *testing.M) {
	if os.Getenv("FAKE_PCEMU") == "1" {
		os.Exit(fakePCemu(os.Args[1:]))
	}
	xsd, _ = filepath.Abs("testdata/junit-10.xsd") // before any test changes folder
	os.Exit(m.Run())
}

// xsd is Jenkins' junit-10.xsd (testdata/README.md says where it comes from).
var xsd string

// fakePCemu reads pcemu's arguments as the runner gives them
// (--fail-screendump FILE... --record FILE --script FILE), records a line,
// and does what the script's
// "# fake:" lines say:
//
//	pass (the default), fail, timeout, crash, hang   how the run ends
//	stdout TEXT                                      print TEXT on standard output
//	barrier DIR N                                    wait until N runs have reached DIR
//	count DIR                                        note in DIR/max how many run at once
func fakePCemu(args []string) int {
	var dumps []string
	var path string
	for i := 0; i+1 < len(args); i += 2 {
		switch args[i] {
		case "--fail-screendump":
			dumps = append(dumps, args[i+1])
		case "--record":
			os.WriteFile(args[i+1], []byte("pcemu recording 1\n"), 0o644)
		case "--script":
			path = args[i+1]
		}
	}
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pcemu: %v\n", err)
		return 1
	}
	const screen = "C:\\>dir\nFILE     TXT   <&>\n"
	end := "pass"
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		f := strings.Fields(strings.TrimPrefix(sc.Text(), "# fake:"))
		if !strings.HasPrefix(sc.Text(), "# fake:") || len(f) == 0 {
			continue
		}
		switch f[0] {
		case "stdout":
			fmt.Println(strings.Join(f[1:], " "))
		case "barrier":
			n, _ := strconv.Atoi(f[2])
			os.WriteFile(filepath.Join(f[1], strconv.Itoa(os.Getpid())), nil, 0o644)
			for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(5 * time.Millisecond) {
				if ents, _ := os.ReadDir(f[1]); len(ents) >= n {
					break
				}
				if time.Now().After(deadline) {
					fmt.Fprintln(os.Stderr, "pcemu: barrier: the others never came")
					return 3
				}
			}
		case "count":
			me := filepath.Join(f[1], "run."+strconv.Itoa(os.Getpid()))
			os.WriteFile(me, nil, 0o644)
			ents, _ := os.ReadDir(f[1])
			n := 0
			for _, e := range ents {
				if strings.HasPrefix(e.Name(), "run.") {
					n++
				}
			}
			f, _ := os.OpenFile(filepath.Join(f[1], "max"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
			fmt.Fprintln(f, n)
			f.Close()
			time.Sleep(100 * time.Millisecond)
			os.Remove(me)
		default:
			end = f[0]
		}
	}
	for _, d := range dumps {
		if strings.HasSuffix(d, ".png") {
			os.WriteFile(d, []byte("\x89PNG\r\n\x1a\n"), 0o644)
		} else {
			os.WriteFile(d, []byte(screen), 0o644)
		}
	}
	report := func(reason string) {
		fmt.Fprintf(os.Stderr, "pcemu: a log line first\n%s:2: wait \"X\": %s\n--- screen ---\n%s--------------\n", path, reason, screen)
	}
	switch end {
	case "fail":
		report(`"X" did not appear within 30s`)
		return 1
	case "timeout":
		report("stopped by the host: timeout after 10m0s")
		return 124
	case "crash":
		fmt.Fprintln(os.Stderr, "pcemu: opening disk.vhd: bad footer")
		return 1
	case "hang":
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, syscall.SIGTERM)
		os.WriteFile(path+".started", nil, 0o644)
		select {
		case <-sigs:
			report("stopped by the host: terminated")
			return 128 + int(syscall.SIGTERM)
		case <-time.After(30 * time.Second):
			return 0
		}
	}
	return 0
}

// fakeRunner is a Runner on the stand-in, writing into out.
func fakeRunner(t *testing.T, jobs int, out string) *Runner {
	t.Setenv("FAKE_PCEMU", "1")
	return &Runner{
		Program: os.Args[0], Name: "pcemu",
		Command: func(s Script, header []string) ([]string, error) {
			return append(header, "--script", s.Path), nil
		},
		Replay: func(rec string, command []string) []string { return []string{"--replay", rec} },
		Jobs:   jobs, Out: out,
	}
}

// suiteOf writes scripts named name -> text into a new folder and finds them.
func suiteOf(t *testing.T, files map[string]string) []Script {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tests")
	for name, text := range files {
		write(t, filepath.Join(dir, name), text)
	}
	s, err := Find([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// With -j 4, four scripts run at once: each waits until all four have
// started, which a runner that ran them one after the other never sees.
func TestRunnerRunsScriptsInParallel(t *testing.T) {
	barrier := t.TempDir()
	files := map[string]string{}
	for i := range 4 {
		files[fmt.Sprintf("s%d.script", i)] = fmt.Sprintf("# fake: barrier %s 4\n", barrier)
	}
	r := fakeRunner(t, 4, filepath.Join(t.TempDir(), "out"))
	results, err := r.Run(context.Background(), suiteOf(t, files))
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range results {
		if res.Outcome != Passed {
			t.Errorf("%s: %v %s\n%s", res.Name(), res.Outcome, res.Message, res.Log)
		}
	}
}

// -j N is an upper bound: never more than N runs at once.
func TestRunnerKeepsToJobs(t *testing.T) {
	count := t.TempDir()
	files := map[string]string{}
	for i := range 6 {
		files[fmt.Sprintf("s%d.script", i)] = fmt.Sprintf("# fake: count %s\n", count)
	}
	r := fakeRunner(t, 2, filepath.Join(t.TempDir(), "out"))
	if _, err := r.Run(context.Background(), suiteOf(t, files)); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(count, "max"))
	lines := strings.Fields(string(b))
	if len(lines) != 6 {
		t.Fatalf("%d runs counted, want 6: %q", len(lines), b)
	}
	for _, l := range lines {
		if n, _ := strconv.Atoi(l); n < 1 || n > 2 {
			t.Errorf("%d runs at once with -j 2 (%q)", n, b)
		}
	}
}

// A failure keeps its evidence (the screen as text and image, pcemu's
// messages and output, the replay command); a pass leaves nothing.
func TestRunnerFailureEvidence(t *testing.T) {
	scripts := suiteOf(t, map[string]string{
		"pass.script":    "# fake: pass\n",
		"fail.script":    "# fake: fail\n# fake: stdout serial output\nscreendump shot.txt\n",
		"timeout.script": "# fake: timeout\n",
		"crash.script":   "# fake: crash\n",
		"syntax.script":  "wait \"x\"\nfrobnicate\n",
		"header.script":  "wait \"x\"\n# pcemu: -m 1M\n",
	})
	t.Chdir(t.TempDir())
	os.WriteFile("shot.txt", []byte("the script's own dump"), 0o644)
	out := filepath.Join(t.TempDir(), "out")
	r := fakeRunner(t, 3, out)
	var progress bytes.Buffer
	r.Progress = &progress
	results, err := r.Run(context.Background(), scripts)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]*Result{}
	for i := range results {
		by[filepath.Base(results[i].Path)] = &results[i]
	}
	for _, tc := range []struct {
		name    string
		outcome Outcome
		kind    string
		message string
	}{
		{"pass.script", Passed, "", ""},
		{"fail.script", Failed, "step", `fail.script:2: wait "X": "X" did not appear within 30s`},
		{"timeout.script", Failed, "timeout", "timeout.script:2: wait \"X\": stopped by the host: timeout after 10m0s"},
		{"crash.script", Errored, "run", "pcemu: opening disk.vhd: bad footer"},
		{"syntax.script", Errored, "script", `syntax.script:2: unknown command "frobnicate"`},
		{"header.script", Errored, "script", `header.script:2: a "# pcemu:" header line must come before the first step (line 1)`},
	} {
		res := by[tc.name]
		if res.Outcome != tc.outcome || res.Kind != tc.kind || !strings.Contains(res.Message, tc.message) {
			t.Errorf("%s: %v %q %q, want %v %q %q", tc.name, res.Outcome, res.Kind, res.Message, tc.outcome, tc.kind, tc.message)
		}
		if !strings.Contains(progress.String(), fmt.Sprintf("%-5s %s", tc.outcome, res.Name())) {
			t.Errorf("no progress line for %s:\n%s", tc.name, progress.String())
		}
	}
	if _, err := os.Stat(filepath.Join(out, "pass")); !os.IsNotExist(err) {
		t.Errorf("a passed script left %s/pass: %v", out, err)
	}
	fail := by["fail.script"]
	dir := filepath.Join(out, "fail")
	if fail.Dir != dir {
		t.Errorf("evidence folder %s, want %s", fail.Dir, dir)
	}
	var names []string
	for _, e := range fail.Evidence {
		names = append(names, filepath.Base(e))
		if !filepath.IsAbs(e) {
			t.Errorf("evidence path %s is not absolute", e)
		}
	}
	if want := "screen.txt screen.png stdout.txt stderr.txt run.rec command.txt shot.txt"; strings.Join(names, " ") != want {
		t.Errorf("evidence %q, want %q", names, want)
	}
	if fail.Screen != "C:\\>dir\nFILE     TXT   <&>\n" || !strings.Contains(fail.Output, "serial output") {
		t.Errorf("screen %q, output %q", fail.Screen, fail.Output)
	}
	replay, rerun := "pcemu --replay "+filepath.Join(dir, RecordFile), "pcemu --script "+fail.Path
	if b, _ := os.ReadFile(filepath.Join(dir, CommandFile)); !strings.Contains(string(b), "\n"+replay+"\n") || !strings.Contains(string(b), "\n"+rerun+"\n") ||
		fail.Replay != replay || fail.Rerun != rerun {
		t.Errorf("commands %q, %q, %q", b, fail.Replay, fail.Rerun)
	}
	// The crash keeps pcemu's messages but no empty standard output.
	if _, err := os.Stat(filepath.Join(out, "crash", StdoutFile)); !os.IsNotExist(err) {
		t.Errorf("empty stdout.txt kept: %v", err)
	}
	var report bytes.Buffer
	Report(&report, results, time.Second)
	for _, want := range []string{
		"FAIL " + fail.Name() + ": " + fail.Message + "\n--- screen ---\nC:\\>dir\n",
		"evidence: " + dir + "/ (screen.txt, screen.png, stdout.txt, stderr.txt, run.rec, command.txt, " + filepath.Join(mustGetwd(t), "shot.txt") + ")",
		"replay:   " + replay + "\nrerun:    " + rerun + "\n",
		"6 scripts: 1 passed, 2 failed, 3 errors (1.0s)",
	} {
		if !strings.Contains(report.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, report.String())
		}
	}
	checkJUnit(t, results)
}

func mustGetwd(t *testing.T) string {
	d, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// An output folder that is not the runner's is left alone.
func TestRunnerOutFolder(t *testing.T) {
	scripts := suiteOf(t, map[string]string{"a.script": "# fake: pass\n", "b.script": "# fake: fail\n"})
	base := t.TempDir()
	foreign := filepath.Join(base, "mine")
	write(t, filepath.Join(foreign, "thesis.txt"), "do not touch")
	file := filepath.Join(base, "file")
	write(t, file, "")
	for _, out := range []string{foreign, file} {
		if _, err := fakeRunner(t, 1, out).Run(context.Background(), scripts); err == nil {
			t.Errorf("--out %s: no error", out)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(foreign, "thesis.txt")); string(b) != "do not touch" {
		t.Errorf("the foreign folder was changed")
	}
	// A new folder is made and marked; a later run reuses it.
	out := filepath.Join(base, "out")
	for range 2 {
		if _, err := fakeRunner(t, 1, out).Run(context.Background(), scripts); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(out, Marker)); err != nil {
			t.Fatal(err)
		}
	}
	// A run with nothing to keep removes the folder it made.
	clean := filepath.Join(base, "clean")
	if _, err := fakeRunner(t, 1, clean).Run(context.Background(), scripts[:1]); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(clean); !os.IsNotExist(err) {
		t.Errorf("all passed, but %s is left: %v", clean, err)
	}
}

// Interrupting the suite stops the running script with SIGTERM (pcemu
// then reports where it was) and skips the rest.
func TestRunnerInterrupted(t *testing.T) {
	scripts := suiteOf(t, map[string]string{"a.script": "# fake: hang\n", "b.script": "# fake: pass\n", "c.script": "# fake: pass\n"})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if _, err := os.Stat(scripts[0].Path + ".started"); err == nil {
				break
			}
		}
		cancel()
	}()
	results, err := fakeRunner(t, 1, filepath.Join(t.TempDir(), "out")).Run(ctx, scripts)
	if err != nil {
		t.Fatal(err)
	}
	if r := results[0]; r.Outcome != Errored || r.Kind != "interrupted" || r.Status != 143 || !strings.Contains(r.Message, "terminated") {
		t.Errorf("the running script: %v %s status %d %q", r.Outcome, r.Kind, r.Status, r.Message)
	}
	for _, r := range results[1:] {
		if r.Outcome != NotRun {
			t.Errorf("%s: %v, want not run", r.Name(), r.Outcome)
		}
	}
	checkJUnit(t, results)
}

// The JUnit file is valid by Jenkins' junit-10.xsd, whatever the screens
// and messages hold.
func TestJUnitValidates(t *testing.T) {
	nasty := "a <b> & \"c\" 'd' ]]> \x00\x07\x1b[31m \xff\xfe ñ € \U0001F600 \r\n\t end"
	results := []Result{
		{Script: Script{Path: "tests/ok.script", Key: "ok.script"}, Outcome: Passed, Time: 1500 * time.Millisecond},
		{Script: Script{Path: "tests/dos/f.script", Key: "dos/f.script"}, Outcome: Failed, Kind: "step",
			Message: "tests/dos/f.script:3: wait " + nasty, Screen: "C:\\>" + nasty, Output: nasty, Log: nasty,
			Replay: "pcemu --replay out/tests/dos/f/run.rec", Rerun: "pcemu --script tests/dos/f.script",
			Dir: "out/tests/dos/f", Evidence: []string{"/abs/out/tests/dos/f/screen.png"}},
		{Script: Script{Path: "/abs/e.script", Key: "e.script"}, Outcome: Errored, Kind: "run", Message: nasty},
		{Script: Script{Path: "s.script", Key: "s.script"}, Outcome: NotRun, Kind: "interrupted", Message: "not run"},
	}
	doc := checkJUnit(t, results)
	s := doc.Suites[0]
	if s.Tests != 4 || s.Failures != 1 || s.Errors != 1 || s.Skipped != 1 || len(s.Cases) != 4 {
		t.Errorf("counts: %+v", s)
	}
	f := s.Cases[1]
	if f.Name != "f.script" || f.Classname != "tests.dos" || f.File != "tests/dos/f.script" || f.Failure == nil {
		t.Errorf("failed case: %+v", f)
	}
	if !strings.Contains(f.Failure.Text, "]]> ") || !strings.Contains(f.Failure.Text, "\U0001F600") || !strings.Contains(f.Failure.Text, "replay: pcemu --replay out/tests/dos/f/run.rec\nrerun: pcemu --script") {
		t.Errorf("failure text %q", f.Failure.Text)
	}
	if f.SystemOut == nil || !strings.Contains(f.SystemOut.Text, "\n[[ATTACHMENT|/abs/out/tests/dos/f/screen.png]]\n") {
		t.Errorf("system-out %+v", f.SystemOut)
	}
	if s.Cases[0].Classname != "tests" || s.Cases[2].Name != "e.script" || s.Cases[2].Classname != "pcemu" || s.Cases[0].Time != "1.500" {
		t.Errorf("cases %+v", s.Cases)
	}
}

// checkJUnit validates the results' JUnit XML against junit-10.xsd with
// xmllint and reads it back.
func checkJUnit(t *testing.T, results []Result) junitSuites {
	t.Helper()
	b, err := MarshalJUnit(results, JUnitInfo{Name: "pcemu test", Start: time.Now(), Elapsed: time.Second,
		Properties: [][2]string{{"shard", "1/2"}, {"flags", "-hda 'a b.vhd'"}}})
	if err != nil {
		t.Fatal(err)
	}
	xmllint := shared.Tool(t, "xmllint")
	p := filepath.Join(t.TempDir(), "junit.xml")
	os.WriteFile(p, b, 0o644)
	if out, err := exec.Command(xmllint, "--noout", "--schema", xsd, p).CombinedOutput(); err != nil {
		t.Fatalf("xmllint: %v\n%s\n%s", err, out, b)
	}
	var doc junitSuites
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// On a terminal the progress is one line rewritten in place, cut to the
// terminal's width, with each failure printed above it; the line is gone
// at the end.
func TestRunnerProgressLine(t *testing.T) {
	scripts := suiteOf(t, map[string]string{"a-pass.script": "# fake: pass\n", "b-fail.script": "# fake: fail\n"})
	r := fakeRunner(t, 1, filepath.Join(t.TempDir(), "out"))
	var out bytes.Buffer
	r.Progress, r.Live, r.Width = &out, true, 40
	if _, err := r.Run(context.Background(), scripts); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	for _, want := range []string{
		"\r\x1b[K[0/2] 0 passed, 0 failed, 1 running: ",
		"\r\x1b[K[1/2] 1 passed, 0 failed, 0 running",
		"\r\x1b[KFAIL  " + scripts[1].Name() + " (",
		"\r\x1b[K[2/2] 1 passed, 1 failed, 0 running\r\x1b[K",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("progress lacks %q:\n%q", want, s)
		}
	}
	if strings.HasSuffix(s, "\n") || !strings.HasSuffix(s, "\r\x1b[K") {
		t.Errorf("the progress line is not cleared at the end: %q", s)
	}
	for _, part := range strings.Split(s, "\r\x1b[K") {
		if line, failure := strings.CutSuffix(part, "\n"); !failure && len([]rune(line)) > 39 {
			t.Errorf("progress line of %d columns on a 40-column terminal: %q", len([]rune(line)), line)
		}
	}
}
