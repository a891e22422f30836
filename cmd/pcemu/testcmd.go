package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	terminal "golang.org/x/term"

	"pcemu/cmd/pcemu/internal/suite"
	"pcemu/disk"
	"pcemu/machine/recording"
)

// `pcemu test [flags] SCRIPT|DIR...` runs scripts as a test suite: the
// machine flags on its command line are every script's defaults, a
// script's `# pcemu:` header overrides them (package suite), and each
// script runs as `pcemu FLAGS -snapshot -display none --script FILE` in a
// process of its own. This file reads the command line and checks each
// script's flags with pcemu's own parser (parseArgs); the suite package
// does the rest.

// Exit statuses of pcemu test.
const (
	exitTestFailed = 1 // a script failed or could not run
	exitTestUsage  = 2 // bad flags, no scripts, an output folder that is not ours
)

// defaultTestTimeout is a script's host-time limit unless --timeout says.
const defaultTestTimeout = 10 * time.Minute

const testUsageHeader = `usage: pcemu test [flags] SCRIPT|DIR...

Runs pcemu scripts (--script) as a test suite, each in a headless machine of
its own, always with -snapshot: no script changes an image. A DIR stands for
every *.script file below it. The machine flags given here (-hda, -fda, -m,
-cpu, ...) are every script's defaults; a script overrides them on
"# pcemu: FLAGS" lines before its first step. --timeout (host time) applies
to each script: 10m unless given. Failures keep their evidence
(the screen as text and PNG, pcemu's output, the run's recording and the
commands that repeat it) in the --out folder. Exit status: 0 when every script passed, 1 when one
failed or could not run, 2 for bad arguments.

Flags of pcemu test:
`

// testFlags are the flags of pcemu test itself, not passed to the scripts.
type testFlags struct {
	jobs  int
	shard string
	junit string
	out   string
}

func runTest(args []string, stdout, stderr io.Writer) int {
	o := &options{}
	fs, _ := newFlagSet(o, stderr)
	machineFlags := map[string]bool{}
	fs.VisitAll(func(f *pflag.Flag) { machineFlags[f.Name] = true })
	var tf testFlags
	fs.IntVarP(&tf.jobs, "jobs", "j", runtime.NumCPU(), "run `N` scripts at a time")
	fs.StringVar(&tf.shard, "shard", "", "run only share `K/N` of the scripts (1 <= K <= N): a stable partition by the hash of each script's path below its DIR, for spreading a suite over N machines")
	fs.StringVar(&tf.junit, "junit", "", "write the results as JUnit XML to `FILE`")
	fs.StringVar(&tf.out, "out", "pcemu-test-out", "keep the evidence of failures in `DIR`, one folder per script")
	fs.Usage = func() {
		own, machine := pflag.NewFlagSet("", pflag.ContinueOnError), pflag.NewFlagSet("", pflag.ContinueOnError)
		own.SortFlags, machine.SortFlags = false, false
		fs.VisitAll(func(f *pflag.Flag) {
			if machineFlags[f.Name] {
				machine.AddFlag(f)
			} else {
				own.AddFlag(f)
			}
		})
		fmt.Fprint(stderr, testUsageHeader)
		own.SetOutput(stderr)
		own.PrintDefaults()
		fmt.Fprint(stderr, "\nMachine flags (see pcemu -help), the defaults of every script:\n")
		machine.SetOutput(stderr)
		machine.PrintDefaults()
	}
	if err := fs.Parse(normaliseArgs(fs, args)); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "pcemu test: %v\n", err)
		return exitTestUsage
	}
	usage := func(err error) int {
		fmt.Fprintf(stderr, "pcemu test: %v\n", err)
		return exitTestUsage
	}
	if tf.jobs < 1 {
		return usage(fmt.Errorf("-j %d: run at least 1 script at a time", tf.jobs))
	}
	shard := suite.Shard{}
	if tf.shard != "" {
		var err error
		if shard, err = suite.ParseShard(tf.shard); err != nil {
			return usage(err)
		}
	}
	if tf.out == "" {
		return usage(errors.New("--out: no folder given"))
	}
	if tf.junit != "" {
		// Found out now, not after the whole suite has run.
		if fi, err := os.Stat(filepath.Dir(tf.junit)); err != nil || !fi.IsDir() {
			return usage(fmt.Errorf("--junit %s: the folder %s does not exist", tf.junit, filepath.Dir(tf.junit)))
		}
		if fi, err := os.Stat(tf.junit); err == nil && !fi.Mode().IsRegular() {
			return usage(fmt.Errorf("--junit %s: not a regular file", tf.junit))
		}
	}
	// The machine flags, as pcemu reads them: checked now, so that a bad
	// default stops the suite before any script runs.
	var given []string
	fs.Visit(func(f *pflag.Flag) {
		if machineFlags[f.Name] {
			given = append(given, flagWords(fs, f)...)
		}
	})
	defaults, err := machineArgs(given)
	if err != nil {
		return usage(err)
	}
	if !fs.Changed("timeout") {
		defaults = append(defaults, "-timeout", defaultTestTimeout.String())
	}
	if _, err := parseArgs(append(defaults, forcedArgs("x.script")...), io.Discard); err != nil {
		return usage(err)
	}
	scripts, err := suite.Find(fs.Args())
	if err != nil {
		return usage(err)
	}
	scripts = shard.Take(scripts)

	program, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "pcemu test: finding pcemu itself: %v\n", err)
		return exitTestFailed
	}
	r := &suite.Runner{
		Program: program,
		Name:    filepath.Base(os.Args[0]),
		Command: func(s suite.Script, header []string) ([]string, error) {
			return scriptArgs(defaults, header, s.Path)
		},
		Replay:        replayArgs,
		KeepRecording: recording.EmbedState,
		Jobs:          tf.jobs,
		Out:           tf.out,
		Progress:      stdout,
	}
	if f, ok := stdout.(*os.File); ok && terminal.IsTerminal(int(f.Fd())) {
		r.Live = true
		r.Width, _, _ = terminal.GetSize(int(f.Fd()))
	}

	// A signal stops the suite: the runs get SIGTERM, the scripts not yet
	// started are reported as not run, and the JUnit file is still written.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	var caught atomic.Value
	go func() {
		select {
		case s := <-sigs:
			caught.Store(s)
			cancel()
		case <-ctx.Done():
		}
	}()

	start := time.Now()
	results, err := r.Run(ctx, scripts)
	if err != nil {
		return usage(err)
	}
	elapsed := time.Since(start)
	suite.Report(stdout, results, elapsed)
	status := 0
	for _, res := range results {
		if res.Outcome != suite.Passed {
			status = exitTestFailed
		}
	}
	if tf.junit != "" {
		info := suite.JUnitInfo{
			Name: "pcemu test", Start: start, Elapsed: elapsed,
			Properties: [][2]string{{"shard", shard.String()}, {"flags", strings.Join(defaults, " ")}},
		}
		if err := suite.WriteJUnit(tf.junit, results, info); err != nil {
			fmt.Fprintf(stderr, "pcemu test: %v\n", err)
			status = exitTestFailed
		}
	}
	if s, ok := caught.Load().(syscall.Signal); ok {
		return 128 + int(s)
	}
	return status
}

// forcedArgs are the flags every script runs with, after its own.
func forcedArgs(path string) []string {
	return []string{"-snapshot", "-display", "none", "--script", path}
}

// scriptArgs returns pcemu's arguments for the script at path: the
// defaults, then the header's flags (which override them), then the forced
// flags, checked by pcemu's parser.
func scriptArgs(defaults, header []string, path string) ([]string, error) {
	merged, err := machineArgs(append(append([]string{}, defaults...), header...))
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	args := append(merged, forcedArgs(path)...)
	if _, err := parseArgs(args, io.Discard); err != nil {
		return nil, fmt.Errorf("header: %w", err) // the defaults passed alone
	}
	return args, nil
}

// replayArgs returns the arguments that replay the recording of a run of
// command: --replay and the images' places as command gave them (the
// recording names them by absolute path, which another machine may not
// have). Every other machine flag is in the recording.
func replayArgs(recording string, command []string) []string {
	fs, _ := newFlagSet(&options{}, io.Discard)
	args := []string{"--replay", recording}
	if fs.Parse(normaliseArgs(fs, command)) != nil {
		return args // command was checked by parseArgs: not reached
	}
	fs.Visit(func(f *pflag.Flag) {
		switch f.Name {
		case "hda", "hdb", "hdc", "hdd", "fda", "fdb":
			args = append(args, flagWords(fs, f)...)
		}
	})
	return args
}

// machineArgs reads words as pcemu's machine flags and returns them with
// each flag once, the last value given (a repeatable flag keeps every
// value), in -help order. A flag the suite sets itself, or one that cannot
// work in a suite, is refused.
func machineArgs(words []string) ([]string, error) {
	fs, _ := newFlagSet(&options{}, io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(normaliseArgs(fs, words)); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q: give disks with -hda, -fda", fs.Arg(0))
	}
	var err error
	var out []string
	fs.Visit(func(f *pflag.Flag) {
		v := f.Value.String()
		switch {
		case err != nil:
		case f.Name == "script" || f.Name == "expect":
			err = fmt.Errorf("--%s: pcemu test runs each script itself", f.Name)
		case f.Name == "record" || f.Name == "record-state":
			err = fmt.Errorf("--%s: pcemu test records every run itself, and keeps the recordings of failures in --out", f.Name)
		case f.Name == "replay":
			err = errors.New("--replay: a recording is replayed by pcemu --replay, not by pcemu test")
		case f.Name == "display" && v != "none":
			err = fmt.Errorf("-display %s: scripts run headless (-display none)", v)
		case f.Name == "monitor" && v != "none" && v != "":
			err = fmt.Errorf("-monitor %s: a suite has no one at the monitor", v)
		case slices.Contains([]string{"hda", "hdb", "hdc", "hdd", "fda", "fdb"}, f.Name) && disk.WithoutWriteBack(v) != v:
			err = fmt.Errorf("-%s %s: scripts never change what they are given (-snapshot); a fat:rw: folder would be written back by every script: use fat:%s", f.Name, v, strings.TrimPrefix(disk.WithoutWriteBack(v), "fat:"))
		case f.Name == "snapshot" && v != "true":
			err = errors.New("-snapshot=false: scripts always run with -snapshot, so that no script changes an image")
		case f.Name == "snapshot" || f.Name == "display":
			// forcedArgs adds them.
		default:
			out = append(out, flagWords(fs, f)...)
		}
	})
	return out, err
}

// flagWords writes a parsed flag back as command-line words that
// normaliseArgs and pflag read as the same value.
func flagWords(fs *pflag.FlagSet, f *pflag.Flag) []string {
	name := "-" + f.Name
	if f.Value.Type() == "stringArray" {
		vals, _ := fs.GetStringArray(f.Name)
		var w []string
		for _, v := range vals {
			w = append(w, value(name, v)...)
		}
		return w
	}
	v := f.Value.String()
	if f.Value.Type() == "bool" {
		if v == "true" {
			return []string{name}
		}
		return []string{name + "=" + v}
	}
	return value(name, v)
}

func value(name, v string) []string {
	if v == "" || strings.HasPrefix(v, "-") {
		return []string{name + "=" + v}
	}
	return []string{name, v}
}
