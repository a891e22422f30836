package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
	terminal "golang.org/x/term"

	"pcemu/cmd/pcemu/sdl"
	"pcemu/cpu"
	"pcemu/machine"
	"pcemu/machine/trace"
)

// options is the command line, checked and decoded.
type options struct {
	hd       [4]string // -hda .. -hdd
	fd       [2]string // -fda, -fdb
	boot     string    // drive letters in boot order, "" for the default
	memory   int       // bytes
	model    cpu.Model
	snapshot bool
	// ignoreParentTime opens a VHD child whose parent changed after it
	// was made.
	ignoreParentTime bool
	display          string
	debugcon         chardev
	serial           chardev
	monitor          monitorDev
	audio            string // "sdl" or "none"
	audioOut         string // --audio-out: a .wav file
	noReboot         bool
	realTime         bool
	mips             int // instructions per virtual microsecond, 0 for the default

	gdb          string // -gdb, -s: the address the gdb stub listens on, "" for none
	startStopped bool   // -S: the machine waits for gdb's (or the monitor's) cont
	reverseMem   int64  // --reverse-memory: bytes for gdb's reverse execution (0: off)

	traceItems trace.Items   // -d
	traceLog   string        // -D FILE ("" is standard error)
	traceAddr  []trace.Range // -dfilter
	traceCount trace.Range   // --trace-range (the zero Range: all)

	expect     string
	script     string
	timeout    time.Duration
	screendump []string // at exit, in order
	failDump   []string // at exit after a failure
	stats      bool

	// loadState starts the run from a state file; given names the
	// machine flags the command line gave (which must then agree with
	// the state).
	loadState string
	given     map[string]bool

	record, replay string // --record, --replay: a recording's file
	recordState    string // --record-state: "embed" or "path"
}

// usageHeader opens the -help text.
const usageHeader = `pcemu - a PC/AT emulator (8086, 80186, 80286 real mode) booting DOS from VHD images

usage: pcemu [options]            (options take one dash or two: -hda or --hda)

With no disk, pcemu boots its built-in demo disk.

`

// newFlagSet defines the flags, with QEMU's names where QEMU has one. Every
// long flag may be given with one dash or two (see normaliseArgs).
func newFlagSet(o *options, out io.Writer) (*pflag.FlagSet, *flagValues) {
	fs := pflag.NewFlagSet("pcemu", pflag.ContinueOnError)
	fs.SetOutput(out)
	v := &flagValues{}
	fs.StringVar(&o.hd[0], "hda", "", "hard disk 0 (primary master): `FILE` is a VHD (fixed, dynamic, differencing) or raw image (raw:FILE, vhd:FILE force the format), or fat:[rw:]DIR for a host folder")
	fs.StringVar(&o.hd[1], "hdb", "", "hard disk 1 (primary slave) from `FILE`")
	fs.StringVar(&o.hd[2], "hdc", "", "hard disk 2 (secondary master) from `FILE`")
	fs.StringVar(&o.hd[3], "hdd", "", "hard disk 3 (secondary slave) from `FILE`")
	fs.StringVar(&o.fd[0], "fda", "", "floppy drive A: from `FILE`, a raw 360K/720K/1.2M/1.44M/2.88M image, or fat:[rw:]DIR for a host folder")
	fs.StringVar(&o.fd[1], "fdb", "", "floppy drive B: from `FILE`")
	fs.StringVar(&v.boot, "boot", "", "boot `ORDER`: drive letters, a = floppy, c = hard disk (\"c\", \"a\", \"ca\", or order=ca)")
	fs.StringVar(&v.memory, "m", "640K", "memory `SIZE`: a number with K, M or G (no suffix: MiB, as in QEMU); at most 1M on 8086/186, 16M on 286")
	fs.StringVar(&v.cpu, "cpu", "286", "processor `MODEL`: 8086, 186 or 286")
	fs.BoolVar(&o.snapshot, "snapshot", false, "keep the guest's writes in temporary files ($TMPDIR, else /var/tmp); the images are never changed")
	fs.BoolVar(&o.ignoreParentTime, "ignore-parent-time", false, "open a differencing VHD whose parent was modified after the child was made (see vhdtool accept-parent)")
	fs.StringVar(&o.display, "display", "", "where the screen goes, `TYPE`: sdl (a window; the default when $DISPLAY or $WAYLAND_DISPLAY is set), term (this terminal; the default otherwise when it is one) or none (headless; the default in scripts and pipes)")
	fs.StringVar(&v.debugcon, "debugcon", "", "debug console port E9h to `DEV`: stdio or file:PATH")
	fs.StringVar(&v.serial, "serial", "", "COM1 to `DEV`: stdio (both ways), file:PATH, none, or msmouse (a Microsoft serial mouse with a third button, in place of the PS/2 mouse)")
	fs.StringVar(&v.monitor, "monitor", "", "the monitor (QEMU's human monitor commands: info registers, x, xp, sendkey, stop, cont, ...) on `DEV`: stdio, unix:PATH,server (waits for a client before the machine starts; add ,nowait not to wait) or none")
	fs.StringVar(&v.gdb, "gdb", "", "wait for gdb on `DEV`: tcp::PORT (localhost), tcp:HOST:PORT, or none; in gdb: set architecture i8086, target remote :PORT")
	fs.BoolVar(&v.gdbDefault, "s", false, "shorthand for -gdb tcp::1234")
	fs.BoolVar(&o.startStopped, "S", false, "do not start the CPU: wait for gdb's continue (or the monitor's cont)")
	fs.StringVar(&v.reverseMem, "reverse-memory", "256M", "memory for gdb's reverse execution (checkpoints of the run while gdb is attached): `SIZE` with K, M or G; 0 turns it off")
	fs.StringVar(&v.traceItems, "d", "", "log `ITEMS` (comma-separated): exec (instructions), int (interrupts, BIOS and DOS calls), ioport; -d help lists them")
	fs.StringVar(&o.traceLog, "D", "", "write the -d log to `FILE` (default: standard error)")
	fs.StringVar(&v.traceAddr, "dfilter", "", "log only code at these physical `RANGES`: FIRST..LAST or FIRST+SIZE, comma-separated (0x7c00..0x7dff)")
	fs.StringVar(&v.traceCount, "trace-range", "", "log only instructions number `N..M` (both included; N.. or ..M open), or N+COUNT")
	fs.StringVar(&o.audio, "audio", "", "the PC speaker through `DRIVER`: sdl (the default with -display sdl) or none")
	fs.StringVar(&o.audioOut, "audio-out", "", "write what the PC speaker plays to `FILE`.wav (16-bit mono, 48 kHz, in virtual time: the same run writes the same bytes)")
	fs.BoolVar(&o.noReboot, "no-reboot", false, "exit instead of rebooting when the guest resets the machine")
	fs.BoolVar(&o.realTime, "realtime", false, "pace the machine to the host clock (default with a display; headless runs are deterministic)")
	fs.IntVar(&o.mips, "mips", 0, "speed of the emulated CPU: `N` million instructions per (virtual) second, 1-1000 (default 10, about a 25 MHz 386); with a display, the host's share of CPU time while DOS idles grows with it")
	fs.StringVar(&o.expect, "expect", "", "exit 0 as soon as `TEXT` appears on the screen")
	fs.StringVar(&o.script, "script", "", "run the steps of the pcemu script `FILE` (wait, type, key, expect, reject, screendump, sleep, poweroff); exit 0 when all pass")
	fs.DurationVar(&o.timeout, "timeout", 0, "give up after `DURATION` of host time (30s, 2m): print the screen to stderr and exit 124")
	fs.StringArrayVar(&o.screendump, "screendump", nil, "at exit, write the screen to `FILE`: text (.txt) or image (.png); may be given more than once")
	fs.StringArrayVar(&o.failDump, "fail-screendump", nil, "like --screendump, but only when pcemu exits with a status other than 0 (a failed script, a timeout): evidence for CI at no cost to the runs that pass")
	fs.BoolVar(&o.stats, "stats", false, "at exit, print instructions executed, emulated MIPS, IDE sectors read/written and the run's digest (instructions and hashes of memory, screen and disk writes: equal digests, equal runs)")
	fs.StringVar(&o.record, "record", "", "record the run to `FILE`: the machine it starts as and every input that is not a function of the machine (keys, mouse, serial input, the reset and power buttons, real time's jumps) with the instant it arrived, and a digest each virtual second; --replay repeats the run exactly")
	fs.StringVar(&o.recordState, "record-state", "embed", "with --record and -loadstate: `embed` the state file in the recording (it replays without the file), or name it by `path` and SHA-256 (cheaper; the replay needs the file unchanged)")
	fs.StringVar(&o.replay, "replay", "", "repeat the run recorded in `FILE`, exactly, headless or in a window (the host's keys and mouse are ignored); -hda etc. give its images at another place; says where the run goes elsewhere if the images or pcemu changed; exit 0 when it reached the recording's end with the same digest")
	fs.StringVar(&o.loadState, "loadstate", "", "start from the machine state in `FILE` (saved by the savestate script step, the monitor's savevm or the window's Ctrl+Alt+W) instead of powering on; its disks are the images it names, read-only, with the writes it holds: -hda etc. may give the same images at another path, -m, -cpu, -boot, -mips must agree with it")
	fs.SortFlags = false
	fs.Usage = func() {
		fmt.Fprint(out, usageHeader)
		fs.PrintDefaults()
	}
	return fs, v
}

// flagValues holds the flags that need decoding after parsing.
type flagValues struct {
	boot, memory, cpu, debugcon, serial, monitor, gdb string
	traceItems, traceAddr, traceCount, reverseMem     string
	gdbDefault                                        bool
}

// normaliseArgs turns QEMU's single-dash long options (-hda, -no-reboot,
// -m) into pflag's double-dash form. pflag would read "-hda" as the
// shorthands -h -d -a. A lone "-" and everything after "--" are left alone.
func normaliseArgs(fs *pflag.FlagSet, args []string) []string {
	out := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			return append(out, args[i:]...)
		}
		if len(a) >= 2 && a[0] == '-' && a[1] != '-' {
			name, _, _ := strings.Cut(a[1:], "=")
			if fs.Lookup(name) != nil {
				a = "-" + a
			}
		}
		out = append(out, a)
	}
	return out
}

// parseArgs parses and checks the command line (without the program name).
func parseArgs(args []string, out io.Writer) (*options, error) {
	o := &options{}
	fs, v := newFlagSet(o, out)
	if err := fs.Parse(normaliseArgs(fs, args)); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		// QEMU takes a lone image name as -hda.
		if fs.NArg() > 1 || o.hd[0] != "" {
			return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
		}
		o.hd[0] = fs.Arg(0)
	}
	o.given = map[string]bool{}
	for _, f := range []string{"m", "cpu", "boot", "mips", "serial", "no-reboot", "snapshot"} {
		o.given[f] = fs.Changed(f)
	}
	if o.replay != "" {
		for _, f := range []string{"record", "loadstate", "script", "expect", "m", "cpu", "boot", "mips", "serial", "no-reboot"} {
			if fs.Changed(f) {
				return nil, fmt.Errorf("--replay repeats the recorded run as it was: --%s cannot be given with it (only the images' places, -hda etc., the display and the outputs)", f)
			}
		}
	}
	if o.recordState != "embed" && o.recordState != "path" {
		return nil, fmt.Errorf("--record-state %s: embed or path", o.recordState)
	}
	var err error
	if o.boot, err = parseBoot(v.boot); err != nil {
		return nil, err
	}
	if o.memory, err = parseMemory(v.memory); err != nil {
		return nil, err
	}
	switch v.cpu {
	case "8086", "8088":
		o.model = cpu.Model8086
	case "186", "80186", "188", "80188":
		o.model = cpu.Model80186
	case "286", "80286":
		o.model = cpu.Model80286
	default:
		return nil, fmt.Errorf("-cpu %s: unknown processor (choose 8086, 186 or 286)", v.cpu)
	}
	if o.debugcon, err = parseChardev("debugcon", v.debugcon, false); err != nil {
		return nil, err
	}
	if o.serial, err = parseChardev("serial", v.serial, true); err != nil {
		return nil, err
	}
	if o.monitor, err = parseMonitor(v.monitor); err != nil {
		return nil, err
	}
	if o.monitor.stdio {
		// The monitor reads standard input and answers on standard output.
		switch {
		case o.serial.stdio:
			return nil, errors.New("-monitor stdio and -serial stdio both read standard input: send one of them to a file or socket")
		case o.debugcon.stdio:
			return nil, errors.New("-monitor stdio and -debugcon stdio both write standard output: send -debugcon to file:PATH")
		}
	}
	if o.gdb, err = parseGDB(v.gdb, v.gdbDefault); err != nil {
		return nil, err
	}
	if err := parseTrace(o, v); err != nil {
		return nil, err
	}
	if v.reverseMem != "0" {
		n, err := parseMemory(v.reverseMem)
		if err != nil {
			return nil, fmt.Errorf("--reverse-memory %s: not a size (examples: 256M, 1G, 0 for none)", v.reverseMem)
		}
		o.reverseMem = int64(n)
	}
	if o.display == "" {
		o.display = defaultDisplay(os.Stdin, os.Stdout)
		if o.display == "term" && o.monitor.stdio {
			o.display = "none" // the terminal is the monitor's
		}
	}
	switch o.display {
	case "none":
	case "sdl":
		if !sdl.Built {
			return nil, errors.New("-display sdl: this pcemu was built without SDL (-tags nosdl); use -display none")
		}
	case "term":
		if o.debugcon.stdio || o.serial.stdio || o.monitor.stdio {
			return nil, errors.New("-display term draws on the terminal: send -debugcon, -serial and -monitor elsewhere than stdio")
		}
	case "curses":
		return nil, errors.New("-display curses: use -display term")
	default:
		return nil, fmt.Errorf("-display %s: unknown display (choose sdl, term or none)", o.display)
	}
	switch o.audio {
	case "":
		o.audio = "none"
		if o.display == "sdl" {
			o.audio = "sdl"
		}
	case "none", "driver=none":
		o.audio = "none"
	case "sdl", "driver=sdl":
		if o.display != "sdl" {
			return nil, fmt.Errorf("-audio sdl plays through the window: it needs -display sdl (the display is %s)", o.display)
		}
		o.audio = "sdl"
	default:
		return nil, fmt.Errorf("-audio %s: unknown audio driver (choose sdl or none)", o.audio)
	}
	if o.audioOut != "" && !strings.HasSuffix(strings.ToLower(o.audioOut), ".wav") {
		return nil, fmt.Errorf("--audio-out %s: the name must end in .wav", o.audioOut)
	}
	// A display is for people: real time unless -realtime=false was given.
	if !fs.Changed("realtime") {
		o.realTime = o.display != "none"
	}
	if o.mips < 0 || o.mips > 1000 {
		return nil, fmt.Errorf("-mips %d: choose 1 to 1000", o.mips)
	}
	if o.script != "" && o.expect != "" {
		return nil, errors.New("--script and --expect cannot be combined: use an expect or wait step in the script")
	}
	if o.timeout < 0 {
		return nil, fmt.Errorf("-timeout %v: must not be negative", o.timeout)
	}
	for _, f := range o.screendump {
		if err := machine.CheckScreendump(f); err != nil {
			return nil, fmt.Errorf("--screendump %v", err)
		}
	}
	for _, f := range o.failDump {
		if err := machine.CheckScreendump(f); err != nil {
			return nil, fmt.Errorf("--fail-screendump %v", err)
		}
	}
	return o, nil
}

// defaultDisplay is the window when a graphical session is there to show
// it, else the terminal when pcemu runs in one (standard input and output
// are both terminals), else none (scripts, pipes, tests, /dev/null).
func defaultDisplay(in, out *os.File) string {
	if sdl.Built && (os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != "") {
		return "sdl"
	}
	if terminal.IsTerminal(int(in.Fd())) && terminal.IsTerminal(int(out.Fd())) {
		return "term"
	}
	return "none"
}

// parseBoot accepts QEMU's legacy "-boot c" and "-boot order=ca[,...]".
func parseBoot(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	order := s
	if strings.Contains(s, "=") {
		order = ""
		for _, kv := range strings.Split(s, ",") {
			k, val, _ := strings.Cut(kv, "=")
			switch k {
			case "order", "once":
				order = val
			case "menu", "splash", "splash-time", "reboot-timeout", "strict":
				// QEMU options without a meaning here.
			default:
				return "", fmt.Errorf("-boot %s: unknown option %q", s, k)
			}
		}
	}
	if order == "" {
		return "", fmt.Errorf("-boot %s: no boot order given", s)
	}
	for _, c := range order {
		if c != 'a' && c != 'c' {
			return "", fmt.Errorf("-boot %s: drive %q cannot be booted (a = floppy, c = hard disk)", s, c)
		}
	}
	return order, nil
}

// parseMemory decodes QEMU's -m: "16" (MiB), "640K", "16M", "1G",
// optionally as "size=16M".
func parseMemory(s string) (int, error) {
	v := strings.TrimPrefix(s, "size=")
	if v == "" {
		return 0, errors.New("-m: no size given")
	}
	mult := 1 << 20
	switch v[len(v)-1] {
	case 'k', 'K':
		mult, v = 1<<10, v[:len(v)-1]
	case 'm', 'M':
		mult, v = 1<<20, v[:len(v)-1]
	case 'g', 'G':
		mult, v = 1<<30, v[:len(v)-1]
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("-m %s: not a memory size (examples: 640K, 16M, 16)", s)
	}
	if n*uint64(mult) > 1<<32 {
		return 0, fmt.Errorf("-m %s: too large: a PC/AT addresses at most 16M (1M on the 8086/186)", s)
	}
	return int(n) * mult, nil
}

// chardev is where a character device's output goes: nowhere (the zero
// value), the standard output, or a file; or, for the serial port, the
// serial mouse.
type chardev struct {
	stdio   bool
	path    string
	msmouse bool
}

// parseChardev decodes QEMU character-device spellings: stdio, file:PATH,
// and for the serial port none/null.
func parseChardev(flag, s string, allowNone bool) (chardev, error) {
	switch {
	case s == "":
		return chardev{}, nil
	case s == "stdio":
		return chardev{stdio: true}, nil
	case (s == "none" || s == "null") && allowNone:
		return chardev{}, nil
	case s == "msmouse" && allowNone:
		return chardev{msmouse: true}, nil
	case strings.HasPrefix(s, "file:") && len(s) > len("file:"):
		return chardev{path: s[len("file:"):]}, nil
	}
	if allowNone {
		return chardev{}, fmt.Errorf("-%s %s: choose stdio, file:PATH, none or msmouse", flag, s)
	}
	return chardev{}, fmt.Errorf("-%s %s: choose stdio or file:PATH", flag, s)
}

// monitorDev is where the monitor is served: nowhere (the zero value),
// standard input and output, or a Unix socket pcemu listens on.
type monitorDev struct {
	stdio bool
	unix  string // socket path
	wait  bool   // wait for a client before the machine starts (QEMU's default)
}

// parseMonitor decodes QEMU's -monitor spellings: stdio, none, and
// unix:PATH,server with QEMU's options ",nowait" (old) or ",server=on,
// wait=off" (new). pcemu only listens: a client-mode unix: is refused.
func parseMonitor(s string) (monitorDev, error) {
	switch s {
	case "", "none", "null":
		return monitorDev{}, nil
	case "stdio":
		return monitorDev{stdio: true}, nil
	}
	path, ok := strings.CutPrefix(s, "unix:")
	if !ok {
		return monitorDev{}, fmt.Errorf("-monitor %s: choose stdio, unix:PATH,server[,nowait] or none", s)
	}
	parts := strings.Split(path, ",")
	d := monitorDev{unix: parts[0], wait: true}
	server := false
	for _, p := range parts[1:] {
		switch p {
		case "server", "server=on":
			server = true
		case "nowait", "wait=off":
			d.wait = false
		case "wait", "wait=on":
			d.wait = true
		default:
			return monitorDev{}, fmt.Errorf("-monitor %s: unknown option %q (server, nowait)", s, p)
		}
	}
	switch {
	case d.unix == "":
		return monitorDev{}, fmt.Errorf("-monitor %s: no socket path", s)
	case !server:
		return monitorDev{}, fmt.Errorf("-monitor %s: add ,server (pcemu listens on the socket; it does not connect to one)", s)
	}
	return d, nil
}

// parseGDB decodes QEMU's -gdb device (tcp::PORT, tcp:HOST:PORT, none,
// with QEMU's chardev options server and nowait accepted and implied) and
// -s, which is -gdb tcp::1234. It returns the address to listen on. An
// empty host is localhost: QEMU listens on every interface there, which
// would let anyone on the network drive the guest; tcp:0.0.0.0:PORT asks
// for that explicitly.
func parseGDB(dev string, dflt bool) (string, error) {
	if dflt {
		if dev != "" && dev != "tcp::1234" {
			return "", fmt.Errorf("-s is -gdb tcp::1234: it cannot be combined with -gdb %s", dev)
		}
		dev = "tcp::1234"
	}
	switch dev {
	case "", "none":
		return "", nil
	}
	rest, ok := strings.CutPrefix(dev, "tcp:")
	if !ok {
		return "", fmt.Errorf("-gdb %s: choose tcp::PORT, tcp:HOST:PORT or none", dev)
	}
	parts := strings.Split(rest, ",")
	for _, p := range parts[1:] {
		switch p {
		case "server", "server=on", "nowait", "wait=off":
		default:
			return "", fmt.Errorf("-gdb %s: unknown option %q (pcemu always listens and never waits: use -S to start stopped)", dev, p)
		}
	}
	i := strings.LastIndex(parts[0], ":")
	if i < 0 {
		return "", fmt.Errorf("-gdb %s: no port (tcp::PORT or tcp:HOST:PORT)", dev)
	}
	host, port := parts[0][:i], parts[0][i+1:]
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
		return "", fmt.Errorf("-gdb %s: port %q is not a number from 1 to 65535", dev, port)
	}
	if host == "" {
		host = "localhost"
	}
	return net.JoinHostPort(strings.Trim(host, "[]"), port), nil
}

// errTraceHelp is -d help: the items are listed and pcemu ends.
var errTraceHelp = errors.New("-d help")

// parseTrace decodes -d, -dfilter and --trace-range (-D is a plain path).
func parseTrace(o *options, v *flagValues) error {
	if v.traceItems == "help" {
		return errTraceHelp
	}
	if v.traceItems == "" {
		if o.traceLog != "" || v.traceAddr != "" || v.traceCount != "" {
			return errors.New("-D, -dfilter and --trace-range need -d ITEMS (-d help lists them)")
		}
		return nil
	}
	var err error
	if o.traceItems, err = trace.ParseItems(v.traceItems); err != nil {
		return err
	}
	if v.traceAddr != "" {
		if o.traceAddr, err = trace.ParseRanges(v.traceAddr); err != nil {
			return fmt.Errorf("-dfilter: %w", err)
		}
	}
	if v.traceCount != "" {
		rs, err := trace.ParseRanges(v.traceCount)
		if err != nil || len(rs) != 1 {
			if err == nil {
				err = errors.New("one range of instruction counts")
			}
			return fmt.Errorf("--trace-range: %w", err)
		}
		o.traceCount = rs[0]
	}
	return nil
}
