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
	"pcemu/machine/script"
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

// poll is how much virtual time runs between two looks at the screen for
// --expect and at the host's signals and timeout.
const poll = 10 * time.Millisecond

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// Signals are caught from the start, so that one arriving while the
	// images are being opened still closes them.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)

	o, err := parseArgs(args, stderr)
	if errors.Is(err, pflag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "pcemu: %v\n", err)
		return exitError
	}

	var files []*os.File
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	sink := func(c chardev) (io.Writer, error) {
		switch {
		case c.stdio:
			return stdout, nil
		case c.path != "":
			f, err := os.Create(c.path)
			if err != nil {
				return nil, err
			}
			files = append(files, f)
			return f, nil
		}
		return nil, nil
	}
	cfg := machine.Config{
		Model:      o.model,
		MemorySize: o.memory,
		HardDisks:  o.hd,
		Floppies:   o.fd,
		Snapshot:   o.snapshot,
		BootOrder:  o.boot,
		RealTime:   o.realTime,
		NoReboot:   o.noReboot,
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
	if cfg.DebugCon, err = sink(o.debugcon); err != nil {
		fmt.Fprintf(stderr, "pcemu: -debugcon: %v\n", err)
		return exitError
	}
	if cfg.Serial, err = sink(o.serial); err != nil {
		fmt.Fprintf(stderr, "pcemu: -serial: %v\n", err)
		return exitError
	}
	if o.hd == [4]string{} && o.fd == [2]string{} {
		if err := useDemoDisk(&cfg); err != nil {
			fmt.Fprintf(stderr, "pcemu: demo disk: %v\n", err)
			return exitError
		}
		// Without a display the demo's report is seen through the debug
		// console it also writes to.
		if o.display == "none" && cfg.DebugCon == nil {
			cfg.DebugCon = stdout
		}
	}

	var sc *script.Script
	if o.script != "" {
		if sc, err = script.ParseFile(o.script); err != nil {
			fmt.Fprintf(stderr, "pcemu: %v\n", err)
			return exitError
		}
	}

	m, err := machine.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "pcemu: %v\n", err)
		return exitError
	}
	if o.serial.stdio {
		// -serial stdio is both ways, as in QEMU: what is typed on
		// standard input arrives at COM1's receiver.
		go forward(stdin, m.UART.Receive)
	}
	status := runMachine(m, o, sc, sigs, stderr)

	if o.screendump != "" {
		if err := m.Screendump(o.screendump); err != nil {
			fmt.Fprintf(stderr, "pcemu: --screendump: %v\n", err)
			status = exitError
		}
	}
	if o.stats {
		s := m.Stats()
		fmt.Fprintf(stderr, "pcemu: %d instructions, %.1f MIPS, %.3f s virtual time, %d sectors read, %d sectors written\n",
			s.Instructions, s.MIPS(), s.VirtualTime.Seconds(), s.SectorsRead, s.SectorsWritten)
	}
	if err := m.Close(); err != nil {
		fmt.Fprintf(stderr, "pcemu: closing images: %v\n", err)
		status = exitError
	}
	return status
}

// runMachine runs m until it stops, --expect's text appears, the timeout
// passes or a signal arrives, and returns the exit status. With a display,
// the window runs on this (the main) goroutine and the machine on another.
func runMachine(m *machine.Machine, o *options, sc *script.Script, sigs <-chan os.Signal, stderr io.Writer) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var deadline <-chan time.Time
	if o.timeout > 0 {
		t := time.NewTimer(o.timeout)
		defer t.Stop()
		deadline = t.C
	}
	var got os.Signal
	timedOut := false
	go func() {
		select {
		case got = <-sigs:
		case <-deadline:
			timedOut = true
		case <-ctx.Done():
			return
		}
		cancel()
	}()

	drive := func() int {
		if sc != nil {
			return runScript(ctx, m, sc, stderr, &got)
		}
		return loop(ctx, cancel, m, o, stderr, &got, &timedOut)
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
				cancel()
				status <- exitError
			}
		}()
		s := drive()
		cancel() // the machine stopped: close the display
		status <- s
	}()
	var err error
	switch o.display {
	case "sdl":
		err = sdl.Run(ctx, m, sdl.Options{Image: imageName(o), Log: realStderr})
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

// loop runs the machine in slices of poll virtual time and decides the
// exit status.
func loop(ctx context.Context, cancel func(), m *machine.Machine, o *options, stderr io.Writer, got *os.Signal, timedOut *bool) int {
	for {
		reason, err := m.RunFor(ctx, poll)
		if o.expect != "" && strings.Contains(m.ScreenText(), o.expect) {
			return 0
		}
		switch {
		case reason == machine.Failed:
			fmt.Fprintf(stderr, "pcemu: %v\n", err)
			return exitError
		case reason != machine.Running:
			if o.expect != "" {
				fmt.Fprintf(stderr, "pcemu: the machine stopped (%v) before %q appeared; the screen:\n%s\n", reason, o.expect, m.ScreenText())
				return exitError
			}
			return m.ExitStatus()
		case ctx.Err() != nil:
			cancel()
			if *timedOut {
				post := ""
				if c, ok := m.POSTCode(); ok {
					post = fmt.Sprintf(" (last POST code %02Xh)", c)
				}
				fmt.Fprintf(stderr, "pcemu: timeout after %v%s; the screen:\n%s\n", o.timeout, post, m.ScreenText())
				return exitTimeout
			}
			if s, ok := (*got).(syscall.Signal); ok {
				fmt.Fprintf(stderr, "pcemu: %v\n", s)
				return 128 + int(s)
			}
			return exitError
		case err != nil:
			fmt.Fprintf(stderr, "pcemu: %v\n", err)
			return exitError
		}
	}
}

// runScript runs a --script against the machine and returns the exit
// status: 0 when every step passed; 1 with the failing line, step and
// screen on stderr; 124 when a wait timed out or --timeout passed.
func runScript(ctx context.Context, m *machine.Machine, sc *script.Script, stderr io.Writer, got *os.Signal) int {
	err := sc.Run(ctx, script.ForMachine(m), script.Options{})
	if err == nil {
		return 0
	}
	if s, ok := (*got).(syscall.Signal); ok && ctx.Err() != nil {
		fmt.Fprintf(stderr, "pcemu: %v\n", s)
		return 128 + int(s)
	}
	var e *script.Error
	if errors.As(err, &e) {
		fmt.Fprint(stderr, e.Report())
	} else {
		fmt.Fprintf(stderr, "pcemu: %v\n", err)
	}
	return script.ExitStatus(err)
}

// forward copies r to receive until r ends.
func forward(r io.Reader, receive func(b ...byte)) {
	buf := make([]byte, 256)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			receive(buf[:n]...)
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
