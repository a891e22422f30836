package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"pcemu/internal/shared"
	"pcemu/machine/machinetest"
)

// freedosSuite writes a small suite of FreeDOS scripts into dir/tests: the
// commands a regression suite runs (ver, dir, type), one that writes to the
// disk, one that fails, one whose header boots the FreeDOS floppy instead of
// the default disk, and one whose header asks for what a suite refuses.
func freedosSuite(t *testing.T, dir string) map[string]string {
	t.Helper()
	floppy := shared.Path(t, "images/freedos-boot-1440k.img")
	scripts := map[string]string{
		"ver.script": `wait "C:\>" 60s
type "ver\r"
wait "FreeDOS kernel" 10s
`,
		"dos/dir.script": `wait "C:\>" 60s
type "dir C:\\\r"
wait "bytes free" 10s
expect "FREEDOS"
`,
		"dos/type.script": `wait "C:\>" 60s
type "type C:\\AUTOEXEC.BAT\r"
wait "SET DOSDIR" 10s
`,
		// Written to the disk and read back: -snapshot keeps it from the image.
		"dos/write.script": `wait "C:\>" 60s
type "echo written-by-a-script > C:\\NEW.TXT\r"
type "type C:\\NEW.TXT\r"
wait "written-by-a-script\nC:\>" 10s
`,
		"fail.script": `wait "C:\>" 60s
type "dir C:\\FREEDOS\r"
wait "bytes free" 10s
expect "NO-SUCH-FILE"
`,
		"floppy.script": "# The default disk is C:; this script boots the floppy.\n# pcemu: -fda '" + floppy + `' -boot a
wait "A:\>" 60s
`,
		"unsafe.script": `# pcemu: -snapshot=false
wait "C:\>" 60s
`,
	}
	for name, text := range scripts {
		p := filepath.Join(dir, "tests", filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return scripts
}

func sha(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// junitFile is what the tests read back from --junit.
type junitFile struct {
	Suites []struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			File    string `xml:"file,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// readJUnit validates the file against Jenkins' junit-10.xsd and reads it.
func readJUnit(t *testing.T, path string) junitFile {
	t.Helper()
	xmllint := shared.Tool(t, "xmllint")
	if out, err := exec.Command(xmllint, "--noout", "--schema", "internal/suite/testdata/junit-10.xsd", path).CombinedOutput(); err != nil {
		b, _ := os.ReadFile(path)
		t.Fatalf("xmllint: %v\n%s\n%s", err, out, b)
	}
	b, _ := os.ReadFile(path)
	var j junitFile
	if err := xml.Unmarshal(b, &j); err != nil {
		t.Fatal(err)
	}
	if len(j.Suites) != 1 {
		t.Fatalf("%d test suites", len(j.Suites))
	}
	return j
}

// pcemu test runs a FreeDOS suite two at a time: the passes pass, the
// failure is reported with its step, screen and evidence, the JUnit file is
// valid, the image is never written, and the printed command repeats the
// failure exactly.
func TestSuiteOnFreeDOS(t *testing.T) {
	dir := t.TempDir()
	img := machinetest.Image(t, shared.Path(t, "images/freedos-hd.vhd"))
	before := sha(t, img)
	freedosSuite(t, dir)
	junit := filepath.Join(dir, "junit.xml")
	const out = "evidence" // in dir
	cmd := exec.Command(pcemuBin, "test", "-hda", img, "-j", "2", "--junit", junit, "--out", out, "tests")
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("pcemu test: %v, want exit status 1\n%s%s", err, stdout.String(), stderr.String())
	}
	report := stdout.String()
	for _, want := range []string{
		"PASS  tests/ver.script (", "PASS  tests/dos/dir.script (", "PASS  tests/dos/type.script (",
		"PASS  tests/dos/write.script (", "PASS  tests/floppy.script (",
		`FAIL  tests/fail.script (`, `tests/fail.script:4: expect "NO-SUCH-FILE": "NO-SUCH-FILE" is not on the screen`,
		"ERROR tests/unsafe.script (", "-snapshot=false: scripts always run with -snapshot",
		"--- screen ---\n", "evidence: evidence/tests/fail/ (screen.txt, screen.png, stderr.txt, run.rec, command.txt)\n",
		"replay:   pcemu --replay evidence/tests/fail/run.rec -hda " + img + "\n",
		"rerun:    pcemu -hda " + img + " -timeout 10m0s -snapshot -display none --script tests/fail.script\n",
		"7 scripts: 5 passed, 1 failed, 1 errors (",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s\nstderr: %s", want, report, stderr.String())
		}
	}
	if after := sha(t, img); after != before {
		t.Errorf("the image changed: scripts run with -snapshot")
	}

	j := readJUnit(t, junit)
	s := j.Suites[0]
	if s.Tests != 7 || s.Failures != 1 || s.Errors != 1 {
		t.Errorf("JUnit counts: %d tests, %d failures, %d errors", s.Tests, s.Failures, s.Errors)
	}
	for _, c := range s.Cases {
		if c.File != "tests/fail.script" {
			continue
		}
		if c.Failure == nil || !strings.HasPrefix(c.Failure.Message, "tests/fail.script:4: expect") ||
			!strings.Contains(c.Failure.Text, "bytes free") || !strings.Contains(c.Failure.Text, "replay: pcemu --replay ") {
			t.Errorf("JUnit failure: %+v", c.Failure)
		}
		if !strings.Contains(c.SystemOut, "[[ATTACHMENT|"+filepath.Join(dir, out, "tests/fail/screen.png")+"]]") {
			t.Errorf("JUnit attachments: %q", c.SystemOut)
		}
	}

	// The evidence: the screen at the failure as text and image.
	ev := filepath.Join(dir, out, "tests", "fail")
	screen, err := os.ReadFile(filepath.Join(ev, "screen.txt"))
	if err != nil || !strings.Contains(string(screen), "bytes free") {
		t.Errorf("screen.txt: %v\n%s", err, screen)
	}
	if b, _ := os.ReadFile(filepath.Join(ev, "screen.png")); !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("screen.png is not a PNG (%d bytes)", len(b))
	}
	for _, passed := range []string{"ver", "dos/dir", "floppy"} {
		if _, err := os.Stat(filepath.Join(dir, out, "tests", passed)); !os.IsNotExist(err) {
			t.Errorf("a passed script kept evidence in %s: %v", passed, err)
		}
	}

	// The commands in the report repeat the run: the replay of its
	// recording and the script run again end on the same screen, and the
	// script fails the same way.
	replay, rerun := commands(t, filepath.Join(ev, "command.txt"))
	if out, status := shell(t, dir, replay+" -display none --screendump replayed.txt"); status != 0 || !strings.Contains(out, "repeated exactly") {
		t.Errorf("%s: status %d\n%s", replay, status, out)
	}
	if out, status := shell(t, dir, rerun+" --screendump rerun.txt"); status != 1 || !strings.Contains(out, `tests/fail.script:4: expect "NO-SUCH-FILE"`) {
		t.Errorf("%s: status %d\n%s", rerun, status, out)
	}
	for _, f := range []string{"replayed.txt", "rerun.txt"} {
		if b, _ := os.ReadFile(filepath.Join(dir, f)); !bytes.Equal(b, screen) {
			t.Errorf("%s ends on another screen:\n%s\nwant\n%s", f, b, screen)
		}
	}
}

// commands reads the replay and rerun commands of an evidence folder's
// command.txt.
func commands(t *testing.T, path string) (replay, rerun string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cmds []string
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			cmds = append(cmds, l)
		}
	}
	if len(cmds) != 2 || !strings.HasPrefix(cmds[0], "pcemu --replay ") || !strings.HasPrefix(cmds[1], "pcemu ") {
		t.Fatalf("%s: %q", path, b)
	}
	return cmds[0], cmds[1]
}

// shell runs a command line as a user would, pcemu on the PATH, in dir.
func shell(t *testing.T, dir, line string) (string, int) {
	t.Helper()
	cmd := exec.Command("sh", "-c", line)
	cmd.Dir = dir
	cmd.Env = append(headless(), "PATH="+filepath.Dir(pcemuBin)+":"+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

// A suite starts from a saved state: -loadstate as every script's default,
// or in a script's header. A failure's recording carries the state, so its
// replay needs neither the state file nor the script.
func TestSuiteFromState(t *testing.T) {
	dir := t.TempDir()
	img := shared.Path(t, "images/freedos-hd.vhd")
	if out, status := shell(t, dir, "printf 'wait \"C:\\\\>\" 60s\\nsavestate booted.state\\n' > boot.script && pcemu -hda "+img+" -snapshot -display none --script boot.script"); status != 0 {
		t.Fatalf("saving the state: %d\n%s", status, out)
	}
	os.Mkdir(filepath.Join(dir, "tests"), 0o755)
	for name, text := range map[string]string{
		"ver.script":  "type \"ver\\r\"\nwait \"FreeDOS kernel\" 10s\n",
		"dir.script":  "type \"dir\\r\"\nwait \"bytes free\" 10s\n",
		"fail.script": "type \"dir\\r\"\nwait \"bytes free\" 10s\nexpect \"NO-SUCH-FILE\"\n",
		// The header names the state: no default needed.
		"header.script": "# pcemu: -loadstate booted.state\ntype \"ver\\r\"\nwait \"FreeDOS kernel\" 10s\n",
	} {
		os.WriteFile(filepath.Join(dir, "tests", name), []byte(text), 0o644)
	}
	out, status := shell(t, dir, "pcemu test -loadstate booted.state --out evidence tests")
	for _, want := range []string{"PASS  tests/ver.script", "PASS  tests/dir.script", "PASS  tests/header.script", "FAIL  tests/fail.script",
		"replay:   pcemu --replay evidence/tests/fail/run.rec\n", "4 scripts: 3 passed, 1 failed"} {
		if status != 1 || !strings.Contains(out, want) {
			t.Errorf("pcemu test -loadstate: status %d, want 1 and %q in\n%s", status, want, out)
		}
	}
	os.Remove(filepath.Join(dir, "booted.state"))
	replay, _ := commands(t, filepath.Join(dir, "evidence/tests/fail/command.txt"))
	if out, status := shell(t, dir, replay+" -display none"); status != 0 || !strings.Contains(out, "repeated exactly") {
		t.Errorf("%s without the state file: status %d\n%s", replay, status, out)
	}
}

// --shard K/N: the shards of a suite partition it, each script in exactly
// one, and their union is the suite.
func TestSuiteShards(t *testing.T) {
	dir := t.TempDir()
	img := shared.Path(t, "images/freedos-hd.vhd")
	all := freedosSuite(t, dir)
	seen := map[string]int{}
	for _, shard := range []string{"1/3", "2/3", "3/3"} {
		junit := filepath.Join(dir, "junit.xml")
		cmd := exec.Command(pcemuBin, "test", "-hda", img, "--shard", shard, "--junit", junit, "--out", filepath.Join(dir, "out"), "tests")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil && !strings.Contains(string(out), "scripts:") {
			t.Fatalf("--shard %s: %v\n%s", shard, err, out)
		}
		for _, c := range readJUnit(t, junit).Suites[0].Cases {
			seen[c.File]++
		}
	}
	var names []string
	for name := range all {
		names = append(names, "tests/"+name)
		if seen["tests/"+name] != 1 {
			t.Errorf("%s ran in %d shards", name, seen["tests/"+name])
		}
	}
	sort.Strings(names)
	if len(seen) != len(all) {
		t.Errorf("the shards ran %v, want %v", seen, names)
	}
}

func TestSuiteUsageErrors(t *testing.T) {
	dir := t.TempDir()
	sc := filepath.Join(dir, "a.script")
	os.WriteFile(sc, []byte("poweroff\n"), 0o644)
	foreign := filepath.Join(dir, "mine")
	os.Mkdir(foreign, 0o755)
	os.WriteFile(filepath.Join(foreign, "notes.txt"), []byte("mine"), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"test"}, "no SCRIPT or DIR given"},
		{[]string{"test", filepath.Join(dir, "nope")}, "nope: no such file or directory"},
		{[]string{"test", "-j", "0", sc}, "-j 0: run at least 1 script at a time"},
		{[]string{"test", "--shard", "3/2", sc}, "--shard 3/2: K must be from 1 to N"},
		{[]string{"test", "-m", "9Q", sc}, "-m 9Q: not a memory size"},
		{[]string{"test", "-display", "sdl", sc}, "-display sdl: scripts run headless"},
		{[]string{"test", "-monitor", "stdio", sc}, "-monitor stdio: a suite has no one at the monitor"},
		{[]string{"test", "--script", sc, sc}, "--script: pcemu test runs each script itself"},
		{[]string{"test", "--record", "x.rec", sc}, "--record: pcemu test records every run itself"},
		{[]string{"test", "--record-state", "embed", sc}, "--record-state: pcemu test records every run itself"},
		{[]string{"test", "-hdb", "fat:rw:" + dir, sc}, "-hdb fat:rw:" + dir + ": scripts never change what they are given (-snapshot); a fat:rw: folder would be written back by every script: use fat:" + dir},
		{[]string{"test", "--replay", "x.rec", sc}, "--replay: a recording is replayed by pcemu --replay"},
		{[]string{"test", "--no-such-flag", sc}, "unknown flag: --no-such-flag"},
		{[]string{"test", "--out", foreign, sc}, "the folder has files that pcemu test did not make"},
		{[]string{"test", "--junit", filepath.Join(dir, "none", "j.xml"), sc}, "j.xml: the folder " + filepath.Join(dir, "none") + " does not exist"},
		{[]string{"test", "--junit", dir, sc}, "not a regular file"},
	} {
		status, stdout, stderr := pcemu(t, tc.args...)
		if status != 2 || !strings.Contains(stderr, "pcemu test: ") || !strings.Contains(stderr, tc.want) || stdout != "" {
			t.Errorf("pcemu %q: status %d, stdout %q, stderr %q; want 2 and %q", tc.args, status, stdout, stderr, tc.want)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(foreign, "notes.txt")); string(b) != "mine" {
		t.Errorf("the foreign output folder was changed")
	}
	if status, _, stderr := pcemu(t, "--record-state", "inline", "-display", "none"); status == 0 || !strings.Contains(stderr, "--record-state inline: embed or path") {
		t.Errorf("pcemu --record-state inline: status %d, %q", status, stderr)
	}
	status, _, stderr := pcemu(t, "test", "-help")
	if status != 0 || !strings.Contains(stderr, "usage: pcemu test [flags] SCRIPT|DIR...") || !strings.Contains(stderr, "--shard K/N") || !strings.Contains(stderr, "--hda FILE") {
		t.Errorf("pcemu test -help: status %d\n%s", status, stderr)
	}
}

// SIGINT stops the suite: the running script is stopped (its images
// closed), the others are not run, the JUnit file still says so, and the
// exit status is 128+2.
func TestSuiteInterrupted(t *testing.T) {
	dir := t.TempDir()
	img := machinetest.Image(t, shared.Path(t, "images/freedos-hd.vhd"))
	before := sha(t, img)
	os.Mkdir(filepath.Join(dir, "tests"), 0o755)
	// An hour of virtual time: far longer than the test waits.
	os.WriteFile(filepath.Join(dir, "tests", "a-long.script"), []byte("wait \"C:\\>\" 60s\nsleep 3600s\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "tests", "b-short.script"), []byte("wait \"C:\\>\" 60s\n"), 0o644)
	junit := filepath.Join(dir, "junit.xml")
	cmd := exec.Command(pcemuBin, "test", "-hda", img, "-j", "1", "--junit", junit, "tests")
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Fatalf("pcemu test after SIGINT: %v, want exit status 130\n%s", err, out.String())
	}
	s := readJUnit(t, junit).Suites[0]
	if s.Tests != 2 || s.Cases[1].Skipped == nil {
		t.Errorf("JUnit after SIGINT: %+v\n%s", s, out.String())
	}
	if c := s.Cases[0]; c.Error == nil && c.Skipped == nil {
		t.Errorf("the long script is neither stopped nor skipped: %+v", c)
	}
	if !strings.Contains(out.String(), "1 not run") {
		t.Errorf("report:\n%s", out.String())
	}
	if sha(t, img) != before {
		t.Errorf("the image changed")
	}
}

// smallScripts are the commands of the benchmark suite: a script each
// types one and waits for its output at the FreeDOS prompt.
var smallScripts = []struct{ name, typed, output string }{
	{"ver", `ver\r`, "FreeDOS kernel"},
	{"dir", `dir C:\\FREEDOS\r`, "bytes free"},
	{"type", `type C:\\AUTOEXEC.BAT\r`, "SET DOSDIR"},
}

// BenchmarkSuiteFreeDOS runs a suite of small FreeDOS scripts (ver, dir,
// type) with pcemu test -j 2, each script booting FreeDOS from the disk
// (boot) or starting at C:\> from a state saved once (loadstate): the
// figure of issue 17 is this with PCEMU_SUITE_SCRIPTS=200. Reported: the
// suite's wall time, the wall time per script, and the CPU time per script
// of the runner and its pcemu processes together (less sensitive to the
// other work on a shared host than the wall time).
func BenchmarkSuiteFreeDOS(b *testing.B) {
	img := shared.Path(b, "images/freedos-hd.vhd")
	n := 20
	if s := os.Getenv("PCEMU_SUITE_SCRIPTS"); s != "" {
		if _, err := fmt.Sscan(s, &n); err != nil || n < 1 {
			b.Fatalf("PCEMU_SUITE_SCRIPTS=%q: want a number of scripts", s)
		}
	}
	dir := b.TempDir()
	for i := range n {
		sc := smallScripts[i%len(smallScripts)]
		text := fmt.Sprintf("wait \"C:\\>\" 60s\ntype \"%s\"\nwait %q 10s\n", sc.typed, sc.output)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%03d-%s.script", i, sc.name)), []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	state := filepath.Join(b.TempDir(), "booted.state")
	boot := filepath.Join(b.TempDir(), "boot.script")
	os.WriteFile(boot, []byte("wait \"C:\\>\" 60s\nsavestate "+state+"\n"), 0o644)
	if out, err := exec.Command(pcemuBin, "-hda", img, "-snapshot", "-display", "none", "--script", boot).CombinedOutput(); err != nil {
		b.Fatalf("saving the state: %v\n%s", err, out)
	}
	for _, start := range []struct{ name, flag, file string }{{"boot", "-hda", img}, {"loadstate", "-loadstate", state}} {
		b.Run(start.name, func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				cmd := exec.Command(pcemuBin, "test", start.flag, start.file, "-j", "2", "--out", filepath.Join(b.TempDir(), "out"), dir)
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("pcemu test: %v\n%s", err, out)
				}
				// The rusage of a waited-for process includes its
				// waited-for children: the scripts' pcemu processes.
				cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			}
			per := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(per, "s/suite")
			b.ReportMetric(per*1000/float64(n), "ms/script")
			b.ReportMetric(cpu.Seconds()*1000/float64(b.N*n), "cpu-ms/script")
			b.ReportMetric(0, "ns/op")
		})
	}
}
