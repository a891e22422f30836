// Command pcemu runs a PC/AT (8086, 80186 or 80286 real mode) that boots DOS
// from VHD and raw disk images. Its flags follow QEMU's spellings:
//
//	pcemu -hda freedos.vhd -snapshot
//	pcemu -fda boot.img -boot a -display none --expect 'A:\>' --timeout 30s
//
// Exit status: 0 after a guest power-off, a reset with -no-reboot or when
// --expect's text appeared; (v<<1)|1 after the guest wrote v to port F4h;
// 124 on --timeout; 128+n on signal n; 1 on errors (bad flags, bad images,
// nothing to boot, an emulation error).
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"pcemu/cmd/pcemu/sdl"
	"pcemu/cmd/pcemu/term"
	"pcemu/machine"
	"pcemu/machine/gdbstub"
	"pcemu/machine/monitor"
	"pcemu/machine/recording"
	"pcemu/machine/script"
	"pcemu/machine/statefile"
	"pcemu/machine/trace"
)

// SDL must run on the process's main thread (see package sdl): lock main's
// goroutine to it before main runs.
func init() { runtime.LockOSThread() }

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Exit statuses of pcemu besides the guest's own.
const (
	exitError   = 1
	exitTimeout = 124 // as timeout(1)
)

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "test" {
		return runTest(args[1:], stdout, stderr) // testcmd.go
	}
	// Signals are caught from the start, so that one arriving while the
	// images are being opened still closes them.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)

	o, err := parseArgs(args, stderr)
	if errors.Is(err, pflag.ErrHelp) {
		return 0
	}
	if errors.Is(err, errTraceHelp) {
		fmt.Fprint(stdout, trace.Help())
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "pcemu: %v\n", err)
		return exitError
	}

	// The host may end pcemu at every stage: a signal or --timeout (host
	// time from here) while files and images are being opened stops the
	// wait for them (a FIFO, an image on a hung network file system);
	// once the machine runs, they end the run.
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	var waiting waitingOutputs // -D's and --record's files, if FIFOs or pipes
	quit := make(chan struct{})
	defer close(quit) // after the other deferred calls: pcemu's end is watched too
	go watchHost(ctx, cancel, sigs, o.timeout, quit, waiting.closeAll)
	stopped := func(err error, what string) (int, bool) {
		var h *hostStop
		if !errors.As(err, &h) {
			return 0, false
		}
		fmt.Fprintf(stderr, "pcemu: %v while opening %s\n", h, what)
		return h.exitStatus(), true
	}

	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	// Output to a reader (a FIFO, a pipe, a terminal) never waits for it
	// (hostout.go); what the reader has not taken is given to it, for a
	// while, once the machine has stopped, before the files close.
	var outputs []*hostOutput
	defer func() {
		for _, o := range outputs {
			o.drain()
		}
	}()
	hostWriter := func(name string, w io.Writer) io.Writer {
		for _, o := range outputs {
			if o.w == w { // -serial stdio -debugcon stdio: one stream, in order
				o.name += " and " + name
				return o
			}
		}
		w, o := newHostOutput(name, w, stderr)
		if o != nil {
			outputs = append(outputs, o)
		}
		return w
	}
	sink := func(name string, c chardev) (io.Writer, error) {
		var w io.Writer
		switch {
		case c.stdio:
			w = stdout
		case c.path != "":
			f, err := interruptible(ctx, func() (*os.File, error) { return os.Create(c.path) }, closeFile)
			if err != nil {
				return nil, err
			}
			files = append(files, f)
			w = f
		default:
			return nil, nil
		}
		return hostWriter(name, w), nil
	}
	cfg := machine.Config{
		Model:      o.model,
		MemorySize: o.memory,
		HardDisks:  o.hd,
		Floppies:   o.fd,
		Snapshot:   o.snapshot,
		// A child whose parent changed is refused unless told.
		IgnoreParentTime: o.ignoreParentTime,
		BootOrder:        o.boot,
		RealTime:         o.realTime,
		NoReboot:         o.noReboot,
		// At a display the BIOS's "no bootable device" stays on the
		// screen until the user closes the window.
		WaitOnNoBoot: o.display != "none",
		Log:          stderr,
	}
	if o.mips > 0 {
		cfg.NsPerInstruction = int64(1000 / o.mips)
		if cfg.NsPerInstruction == 0 {
			cfg.NsPerInstruction = 1
		}
	}
	if cfg.DebugCon, err = sink("-debugcon", o.debugcon); err != nil {
		if st, ok := stopped(err, "-debugcon's file"); ok {
			return st
		}
		fmt.Fprintf(stderr, "pcemu: -debugcon: %v\n", err)
		return exitError
	}
	if cfg.Serial, err = sink("-serial", o.serial); err != nil {
		if st, ok := stopped(err, "-serial's file"); ok {
			return st
		}
		fmt.Fprintf(stderr, "pcemu: -serial: %v\n", err)
		return exitError
	}
	if o.serial.msmouse {
		cfg.Mouse = machine.MouseSerial
	}
	if o.audioOut != "" {
		f, err := interruptible(ctx, func() (*os.File, error) { return os.Create(o.audioOut) }, closeFile)
		if err != nil {
			if st, ok := stopped(err, "--audio-out's file"); ok {
				return st
			}
			fmt.Fprintf(stderr, "pcemu: --audio-out: %v\n", err)
			return exitError
		}
		files = append(files, f)
		// The WAV header's sizes are written when the run ends, at the
		// file's start: a FIFO or pipe cannot take them (and its writes
		// would wait for a reader).
		if _, err := f.Seek(0, io.SeekCurrent); err != nil {
			fmt.Fprintf(stderr, "pcemu: --audio-out %s: cannot be written: the file is not seekable (a FIFO or pipe), and a WAV file's sizes are written into its header at the end\n", o.audioOut)
			return exitError
		}
		cfg.AudioOut = f
	}
	// -loadstate: the state's file is read before the machine is made
	// from it, and stays open while the machine runs (its disks read the
	// writes it holds).
	// --replay: the recorded machine (and the state it started from).
	var from *machine.State
	var rec *recording.Recording
	if o.replay != "" {
		if rec, err = interruptible(ctx, func() (*recording.Recording, error) { return recording.Open(o.replay) }, func(*recording.Recording) {}); err != nil {
			if st, ok := stopped(err, "the recording"); ok {
				return st
			}
			fmt.Fprintf(stderr, "pcemu: --replay: %v\n", err)
			return exitError
		}
		replayConfig(&cfg, o, rec)
		if from, err = replayState(rec); err != nil {
			fmt.Fprintf(stderr, "pcemu: --replay: %v\n", err)
			return exitError
		}
	}
	var loaded *statefile.File
	if o.loadState != "" {
		loaded, err = interruptible(ctx, func() (*statefile.File, error) { return statefile.Open(o.loadState) }, func(f *statefile.File) { f.Close() })
		if err != nil {
			if st, ok := stopped(err, "the state file"); ok {
				return st
			}
			fmt.Fprintf(stderr, "pcemu: -loadstate: %v\n", err)
			return exitError
		}
		defer loaded.Close()
		stateConfig(&cfg, o)
		from = loaded.State
	}
	demo := o.hd == [4]string{} && o.fd == [2]string{} && (from == nil || from.HardDisks[0].Identity.Format == "memory")
	if rec != nil {
		demo = rec.Start.Demo
	}
	if demo {
		if err := useDemoDisk(&cfg); err != nil {
			fmt.Fprintf(stderr, "pcemu: demo disk: %v\n", err)
			return exitError
		}
		// Without a display the demo's report is seen through the debug
		// console it also writes to (unless standard output is the
		// monitor's).
		if o.display == "none" && cfg.DebugCon == nil && !o.monitor.stdio {
			cfg.DebugCon = hostWriter("the demo's debug console", stdout)
		}
	}

	// A script is checked before the machine starts. --expect TEXT is the
	// one-step script `wait "TEXT"` without a limit of virtual time.
	var sc *script.Script
	switch {
	case o.script != "":
		// A script may come from a pipe (--script <(...)), whose open
		// waits for a writer.
		if sc, err = interruptible(ctx, func() (*script.Script, error) { return script.ParseFile(o.script) }, func(*script.Script) {}); err != nil {
			if st, ok := stopped(err, "the script"); ok {
				return st
			}
			fmt.Fprintf(stderr, "pcemu: %v\n", err)
			return exitError
		}
	case o.expect != "":
		sc = script.Wait("--expect", o.expect, script.Forever)
	}

	m, err := interruptible(ctx, func() (*machine.Machine, error) {
		if from != nil {
			return machine.Restore(from, cfg, false)
		}
		return machine.New(cfg)
	}, func(m *machine.Machine) { m.Close() })
	if err != nil {
		if st, ok := stopped(err, "the images"); ok {
			return st
		}
		fmt.Fprintf(stderr, "pcemu: %v\n", err)
		return exitError
	}
	if o.serial.stdio {
		// -serial stdio is both ways, as in QEMU: what is typed on
		// standard input arrives at COM1's receiver.
		go forward(stdin, m.SerialInput)
	}
	var player *recording.Player
	if rec != nil {
		checkImages(m, rec, stderr)
		player = recording.NewPlayer(rec)
		m.SetReplay(player)
	}
	var recorder *recording.Recorder
	var recordFile *os.File
	if o.record != "" {
		if recorder, recordFile, err = startRecording(ctx, m, o, demo, &waiting); err != nil {
			m.Close()
			if st, ok := stopped(err, "--record's file"); ok {
				return st
			}
			fmt.Fprintf(stderr, "pcemu: %v\n", err)
			return exitError
		}
		m.SetRecorder(recorder)
	}
	status, started, closeMonitor := startMonitor(ctx, cancel, m, o.monitor, stdin, stdout, stderr)
	defer closeMonitor()
	if started && o.gdb != "" {
		var stopGDB func()
		if stopGDB, err = startGDB(cancel, m, o.gdb, o.reverseMem, stderr); err != nil {
			fmt.Fprintf(stderr, "pcemu: -gdb: %v\n", err)
			status, started = exitError, false
		} else {
			defer stopGDB()
		}
	}
	if started && o.traceItems != 0 {
		stopTrace, err := startTrace(ctx, m, o, stderr, &files, &waiting)
		if err != nil {
			if st, ok := stopped(err, "-D's file"); ok {
				return st
			}
			fmt.Fprintf(stderr, "pcemu: -D: %v\n", err)
			status, started = exitError, false
		} else {
			defer func() {
				if err := stopTrace(); err != nil {
					fmt.Fprintf(stderr, "pcemu: -D: writing the log: %v\n", err)
				}
			}()
		}
	}
	if started {
		if o.startStopped {
			// -S: the machine waits for gdb's continue or the monitor's cont.
			m.Pause()
			fmt.Fprintln(stderr, "pcemu: stopped at power-on (-S): continue from gdb or with the monitor's cont")
		}
		status = runMachine(ctx, cancel, m, o, sc, stderr)
	}
	if recorder != nil {
		m.SetRecorder(nil)
		recorder.End(m)
		if err := recorder.Close(); err != nil {
			if waiting.cut(recordFile) {
				fmt.Fprintf(stderr, "pcemu: --record: %s: cut where pcemu was stopped (its reader had not taken the rest)\n", o.record)
			} else {
				fmt.Fprintf(stderr, "pcemu: --record: %v\n", err)
				status = exitError
			}
		}
	}
	if player != nil && started {
		status = replayStatus(m, player, rec, status, stderr)
	}

	dumps := o.screendump
	if status != 0 {
		dumps = append(dumps, o.failDump...)
	}
	for _, f := range dumps {
		if !started {
			break
		}
		if err := m.Screendump(f); err != nil {
			fmt.Fprintf(stderr, "pcemu: --screendump: %v\n", err)
			status = exitError
		}
	}
	if o.stats {
		s := m.Stats()
		fmt.Fprintf(stderr, "pcemu: %d instructions, %.1f MIPS, %.3f s virtual time, %d sectors read, %d sectors written\n",
			s.Instructions, s.MIPS(), s.VirtualTime.Seconds(), s.SectorsRead, s.SectorsWritten)
		fmt.Fprintf(stderr, "pcemu: digest %v\n", m.Digest())
	}
	if err := m.Close(); err != nil {
		fmt.Fprintf(stderr, "pcemu: closing images: %v\n", err)
		status = exitError
	}
	return status
}

// runMachine runs m until it stops, the script (or --expect) ends, the
// timeout passes or a signal arrives (watchHost cancels ctx), and returns
// the exit status. With a display, the window runs on this (the main)
// goroutine and the machine on another.
func runMachine(ctx context.Context, cancel context.CancelCauseFunc, m *machine.Machine, o *options, sc *script.Script, stderr io.Writer) int {
	drive := func() int {
		if sc != nil {
			return runScript(ctx, m, sc, stderr)
		}
		return loop(ctx, m, stderr)
	}
	if o.display == "none" {
		return drive()
	}
	// The machine's goroutine keeps its messages until the display has
	// given the terminal back.
	var msgs bytes.Buffer
	realStderr := stderr
	stderr = &msgs
	status := make(chan int, 1)
	go func() {
		// A panic here must still close the display, or the terminal would
		// stay in raw mode; the images are closed by the caller either way.
		defer func() {
			if r := recover(); r != nil {
				fmt.Fprintf(stderr, "pcemu: internal error: %v\n%s", r, debug.Stack())
				cancel(nil)
				status <- exitError
			}
		}()
		s := drive()
		cancel(nil) // the machine stopped: close the display
		status <- s
	}()
	var err error
	switch o.display {
	case "sdl":
		keys := &stateKeys{m: m, last: o.loadState}
		opt := sdl.Options{Image: imageName(o), Log: realStderr, SaveState: keys.save, LoadState: keys.load}
		if o.audio == "sdl" {
			// The ring holds at most 200 ms: a device that stops taking
			// samples does not make the machine keep them all.
			opt.Audio = func(rate int) sdl.Sound { return m.AudioOutput(rate, rate/5) }
		}
		err = sdl.Run(ctx, m, opt)
	case "term":
		err = term.Run(ctx, m, term.Options{Image: imageName(o)})
	}
	if err != nil {
		m.PowerOff()
		<-status
		fmt.Fprintf(realStderr, "pcemu: %v\n", err)
		return exitError
	}
	// The window was closed or the user quit (the machine is being
	// powered off), or the machine stopped.
	s := <-status
	realStderr.Write(msgs.Bytes())
	return s
}

// watchHost cancels ctx with a *hostStop when a signal arrives or the
// timeout passes, and then calls stopped (which closes the outputs that
// may wait for a reader). It watches until quit closes, at pcemu's very
// end: a signal while pcemu ends (after the machine stopped, ctx done)
// still frees an output that waits.
func watchHost(ctx context.Context, cancel context.CancelCauseFunc, sigs <-chan os.Signal, timeout time.Duration, quit <-chan struct{}, stopped func()) {
	var deadline <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		deadline = t.C
	}
	for {
		select {
		case s := <-sigs:
			sig, _ := s.(syscall.Signal)
			cancel(&hostStop{sig: sig})
		case <-deadline:
			deadline = nil
			cancel(&hostStop{timeout: timeout})
		case <-quit:
			return
		}
		stopped()
	}
}

// interruptible runs open, which may block on the host, on another
// goroutine and returns what it returns, or the host's reason to stop
// (context.Cause) when ctx ends first; what open returns after that is
// closed with undo.
func interruptible[T any](ctx context.Context, open func() (T, error), undo func(T)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := open()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		go func() {
			if r := <-done; r.err == nil {
				undo(r.v)
			}
		}()
		var zero T
		return zero, context.Cause(ctx)
	}
}

func closeFile(f *os.File) { f.Close() }

// hostStop is why the host ended a run: a signal, --timeout passed, or the
// monitor's quit. It is the cause of the run's context (context.Cause), so
// that the script's messages say it too.
type hostStop struct {
	sig     syscall.Signal // 0 for the timeout and quit
	timeout time.Duration
	quit    bool
	kill    bool // gdb's kill (also a quit)
}

func (h *hostStop) Error() string {
	switch {
	case h.sig != 0:
		return h.sig.String()
	case h.kill:
		return "killed from gdb"
	case h.quit:
		return "quit from the monitor"
	}
	return fmt.Sprintf("timeout after %v", h.timeout)
}

// exitStatus is 128+n after signal n (as a shell reports it), 124 after
// the timeout (as timeout(1)), 0 after quit (as QEMU's).
func (h *hostStop) exitStatus() int {
	switch {
	case h.sig != 0:
		return 128 + int(h.sig)
	case h.quit:
		return 0
	}
	return exitTimeout
}

// startMonitor serves the monitor for the run: on standard input and
// output, or on a Unix socket, waiting there for the first client before
// the machine starts unless told not to. quit ends the run with status 0.
// It reports false, with the exit status, when the run must not start.
// closeMonitor removes the socket; the caller calls it before pcemu exits
// (the context's end also closes it, to stop the wait for a client, but
// on a goroutine of its own that the exit need not wait for).
func startMonitor(ctx context.Context, cancel context.CancelCauseFunc, m *machine.Machine, d monitorDev, stdin io.Reader, stdout, stderr io.Writer) (status int, started bool, closeMonitor func()) {
	closeMonitor = func() {}
	if !d.stdio && d.unix == "" {
		return 0, true, closeMonitor
	}
	mon := monitor.New(m, func() { cancel(&hostStop{quit: true}) })
	if d.stdio {
		go mon.Serve(stdin, stdout)
		return 0, true, closeMonitor
	}
	l, err := monitor.ListenUnix(d.unix)
	if err != nil {
		fmt.Fprintf(stderr, "pcemu: -monitor: %v\n", err)
		return exitError, false, closeMonitor
	}
	closeMonitor = func() { l.Close() }
	context.AfterFunc(ctx, closeMonitor) // the run is over: no more sessions, the socket goes
	var first net.Conn
	if d.wait {
		fmt.Fprintf(stderr, "pcemu: waiting for a monitor connection on %s\n", d.unix)
		if first, err = l.Accept(); err != nil {
			var h *hostStop
			if errors.As(context.Cause(ctx), &h) {
				fmt.Fprintf(stderr, "pcemu: %v\n", h)
				return h.exitStatus(), false, closeMonitor
			}
			fmt.Fprintf(stderr, "pcemu: -monitor: %v\n", err)
			return exitError, false, closeMonitor
		}
	}
	go mon.ServeListener(l, first)
	return 0, true, closeMonitor
}

// startTrace starts the -d log on -D's file (created, or truncated) or
// standard error; the function returned ends it. A FIFO or pipe as -D's
// file is closed when the host stops pcemu (waitingOutputs): the log then
// ends there.
func startTrace(ctx context.Context, m *machine.Machine, o *options, stderr io.Writer, files *[]*os.File, waiting *waitingOutputs) (func() error, error) {
	out := stderr
	var file *os.File
	if o.traceLog != "" {
		f, err := interruptible(ctx, func() (*os.File, error) { return os.Create(o.traceLog) }, closeFile)
		if err != nil {
			return nil, err
		}
		*files = append(*files, f)
		waiting.add(f)
		out, file = f, f
	}
	t, err := trace.Start(m, trace.Options{Items: o.traceItems, Out: out, Filter: o.traceAddr, Count: o.traceCount})
	if err != nil {
		return nil, err
	}
	return func() error {
		err := t.Stop()
		if err != nil && file != nil && waiting.cut(file) {
			return fmt.Errorf("%s: cut where pcemu was stopped (its reader had not taken the rest)", o.traceLog)
		}
		return err
	}, nil
}

// startGDB serves gdb on addr for the run (-gdb, -s). gdb's kill ends pcemu
// with status 0, as QEMU exits; its `monitor CMD` runs pcemu's monitor
// commands. The returned function stops the server.
func startGDB(cancel context.CancelCauseFunc, m *machine.Machine, addr string, reverseMem int64, stderr io.Writer) (func(), error) {
	mon := monitor.New(m, func() { cancel(&hostStop{quit: true}) })
	srv, err := gdbstub.Listen(m, addr, gdbstub.Options{
		Kill: func() { cancel(&hostStop{quit: true, kill: true}) },
		Monitor: func(cmd string) string {
			var out strings.Builder
			mon.Exec(&out, cmd)
			return out.String()
		},
		ReverseMemory: reverseMem,
		Log:           stderr,
	})
	if err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(); err != nil {
			fmt.Fprintf(stderr, "pcemu: %v\n", err)
		}
	}()
	return func() {
		srv.Close()
		<-done
	}, nil
}

// loop runs the machine without a script until it stops or the host ends
// the run, and decides the exit status.
func loop(ctx context.Context, m *machine.Machine, stderr io.Writer) int {
	reason, err := m.Run(ctx)
	switch {
	case reason == machine.Failed:
		fmt.Fprintf(stderr, "pcemu: %v\n", err)
		return exitError
	case reason != machine.Running:
		return m.ExitStatus()
	}
	var h *hostStop
	if !errors.As(context.Cause(ctx), &h) {
		fmt.Fprintf(stderr, "pcemu: %v\n", err)
		return exitError
	}
	if h.quit {
		return 0
	}
	if h.sig != 0 {
		fmt.Fprintf(stderr, "pcemu: %v\n", h)
		return h.exitStatus()
	}
	post := ""
	if c, ok := m.POSTCode(); ok {
		post = fmt.Sprintf(" (last POST code %02Xh)", c)
	}
	fmt.Fprintf(stderr, "pcemu: %v%s; the screen:\n%s\n", h, post, m.ScreenText())
	return h.exitStatus()
}

// runScript runs a --script (or --expect) against the machine and returns
// the exit status: 0 when every step passed; 1 with the failing line, step
// and screen on stderr; 124 when a wait timed out or --timeout passed;
// 128+n after signal n.
func runScript(ctx context.Context, m *machine.Machine, sc *script.Script, stderr io.Writer) int {
	err := sc.Run(ctx, m, script.Options{})
	if err == nil {
		return 0
	}
	var h *hostStop
	if errors.As(context.Cause(ctx), &h) && h.quit {
		return 0
	}
	if errors.As(context.Cause(ctx), &h) && h.sig != 0 {
		fmt.Fprintf(stderr, "pcemu: %v\n", h)
		return h.exitStatus()
	}
	fmt.Fprint(stderr, script.Report(err))
	return script.ExitStatus(err)
}

// forward copies r to receive until r ends.
func forward(r io.Reader, receive func(b []byte)) {
	buf := make([]byte, 256)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			receive(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// imageName is the boot image's file name for the window title.
func imageName(o *options) string {
	order := o.boot
	if order == "" {
		order = "ca"
	}
	for _, c := range order {
		if c == 'a' && o.fd[0] != "" {
			return filepath.Base(o.fd[0])
		}
		if c == 'c' && o.hd[0] != "" {
			return filepath.Base(o.hd[0])
		}
	}
	return "demo disk"
}
