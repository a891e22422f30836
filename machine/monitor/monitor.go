// Package monitor is pcemu's monitor: a command line for a person (or a
// script) to look at and control a running machine, in the manner of
// QEMU's human monitor (HMP), on standard input or a Unix socket
// (-monitor stdio, -monitor unix:PATH,server).
//
// Commands, with QEMU's names and syntax: info registers, info status,
// x and xp (memory dumps with /Nfu formats, i for disassembly), screendump,
// sendkey, stop, cont, system_reset, system_powerdown, quit, help; and
// savevm and loadvm, which in pcemu name a state file (QEMU's take a tag
// of a qcow2 image's internal snapshots, which pcemu does not have).
//
// Every command reaches the machine through its locked API (Locked,
// Pause, SendScancodes, ...) between two run slices, and reads memory with
// Memory.Peek8, which changes no device: a monitor that is not used costs
// the machine nothing, and looking never changes what the guest does.
//
// Files: monitor.go (sessions, the command table, help), commands.go (the
// commands), memory.go (x and xp), expr.go (addresses and expressions),
// listen.go (the Unix socket server).
package monitor

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"pcemu/machine"
)

// Monitor serves monitor sessions for one machine.
type Monitor struct {
	m    *machine.Machine
	quit func()

	mu   sync.Mutex // one command at a time, from any session
	dump dumpFormat // x/xp: the last format and size, which QEMU keeps
}

// New returns a monitor for m. quit is called by the quit command to end
// pcemu (the caller decides how: QEMU exits at once with status 0).
func New(m *machine.Machine, quit func()) *Monitor {
	return &Monitor{m: m, quit: quit, dump: dumpFormat{format: 'x', size: 4}}
}

// Banner and Prompt are what a session shows first and before each command.
const (
	Banner = "pcemu monitor - type 'help' for more information\n"
	Prompt = "(pcemu) "
)

// ErrQuit is what Serve returns after the quit command.
var ErrQuit = errors.New("monitor: quit")

// Serve runs one session on r and w: the banner, then a prompt and a
// command per line until r ends (nil), writing to w fails, or quit
// (ErrQuit). Lines may end in CR LF (telnet, socat).
func (mon *Monitor) Serve(r io.Reader, w io.Writer) error {
	if _, err := io.WriteString(w, Banner+Prompt); err != nil {
		return err
	}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var out strings.Builder
		quit := mon.Exec(&out, strings.TrimRight(sc.Text(), "\r"))
		if !quit {
			out.WriteString(Prompt)
		}
		if _, err := io.WriteString(w, out.String()); err != nil {
			return err
		}
		if quit {
			return ErrQuit
		}
	}
	return sc.Err()
}

// Exec runs one command line, writing its output (or the error) to w. It
// reports whether the command was quit.
func (mon *Monitor) Exec(w io.Writer, line string) (quit bool) {
	line = strings.TrimSpace(line)
	if line == "" {
		return false
	}
	name, args, _ := strings.Cut(line, " ")
	// QEMU writes x's format right after the name: x/10i $pc.
	if i := strings.IndexByte(name, '/'); i > 0 {
		name, args = name[:i], name[i:]+" "+args
	}
	cmd := lookup(name)
	if cmd == nil {
		fmt.Fprintf(w, "unknown command: '%s'\n", name)
		return false
	}
	mon.mu.Lock()
	err := cmd.run(mon, w, strings.TrimSpace(args))
	mon.mu.Unlock()
	switch {
	case errors.Is(err, ErrQuit):
		return true
	case err != nil:
		fmt.Fprintf(w, "%s: %v\n", cmd.names[0], err)
	}
	return false
}

// command is one monitor command.
type command struct {
	names []string // the name and its abbreviations
	args  string   // the syntax of its arguments, for help
	help  string
	run   func(mon *Monitor, w io.Writer, args string) error
}

// commands is the command table (built in init: help refers to it).
var commands []*command

func lookup(name string) *command {
	for _, c := range commands {
		for _, n := range c.names {
			if n == name {
				return c
			}
		}
	}
	return nil
}

// infoCommands are the subjects of info.
var infoCommands = []*command{
	{names: []string{"registers"}, help: "show the cpu registers", run: (*Monitor).infoRegisters},
	{names: []string{"status"}, help: "show the current VM status (running|paused)", run: (*Monitor).infoStatus},
}

func init() {
	commands = []*command{
		{names: []string{"cont", "c"}, help: "resume emulation", run: action((*machine.Machine).Resume)},
		{names: []string{"help", "?"}, args: "[cmd]", help: "show the help", run: (*Monitor).help},
		{names: []string{"info"}, args: "[subcommand]", help: "show various information about the system state", run: (*Monitor).info},
		{names: []string{"loadvm"}, args: "file", help: "go back to the machine state in a state file (saved by savevm, for this machine and its images)", run: (*Monitor).loadvm},
		{names: []string{"quit", "q"}, help: "quit the emulator", run: (*Monitor).quitCmd},
		{names: []string{"savevm"}, args: "file", help: "save the machine state to a state file (pcemu -loadstate starts from it; an existing file is replaced only if it is a state file)", run: (*Monitor).savevm},
		{names: []string{"screendump"}, args: "filename", help: "save screen to a file: text (.txt) or image (.png)", run: (*Monitor).screendump},
		{names: []string{"sendkey"}, args: "keys", help: "send keys to the VM (e.g. 'sendkey ctrl-alt-delete'): QEMU key names joined by '-', pressed in order and released in reverse", run: (*Monitor).sendkey},
		{names: []string{"stop", "s"}, help: "stop emulation", run: action((*machine.Machine).Pause)},
		{names: []string{"system_powerdown"}, help: "power the system off", run: action((*machine.Machine).PowerOff)},
		{names: []string{"system_reset"}, help: "reset the system", run: action((*machine.Machine).SystemReset)},
		{names: []string{"x"}, args: "/fmt addr", help: "virtual memory dump starting at addr (SEG:OFF, or a linear address)", run: (*Monitor).x},
		{names: []string{"xp"}, args: "/fmt addr", help: "physical memory dump starting at addr", run: (*Monitor).xp},
	}
	sort.Slice(commands, func(i, j int) bool { return commands[i].names[0] < commands[j].names[0] })
}

// help lists the commands, or explains one.
func (mon *Monitor) help(w io.Writer, args string) error {
	list := commands
	if args != "" {
		c := lookup(args)
		if c == nil {
			return fmt.Errorf("unknown command: '%s'", args)
		}
		list = []*command{c}
	}
	for _, c := range list {
		fmt.Fprintf(w, "%s %s -- %s\n", strings.Join(c.names, "|"), c.args, c.help)
		if c.names[0] == "x" || c.names[0] == "xp" {
			if args != "" {
				io.WriteString(w, formatHelp)
			}
		}
	}
	return nil
}

// formatHelp explains x's /fmt.
const formatHelp = `/fmt is /Nfu: N a count, f a format and u a unit size, each optional
(the format and size default to the last used):
  f: x hex, d signed decimal, u unsigned decimal, o octal, c character,
     i instructions (disassembled for the machine's CPU)
  u: b byte, h 16-bit, w 32-bit, g 64-bit
addr is an expression of numbers (0x1f, 31), registers ($ax .. $di, $al ..
$bh, $cs $ds $es $ss, $ip, $flags, $pc = CS*16+IP), + - * / & | ^ ~ and
parentheses; x also takes SEG:OFF (x/10i $cs:$ip, x/8xh 0x40:0x1a).
`

func (mon *Monitor) info(w io.Writer, args string) error {
	if args == "" {
		for _, c := range infoCommands {
			fmt.Fprintf(w, "info %s -- %s\n", c.names[0], c.help)
		}
		return nil
	}
	for _, c := range infoCommands {
		if c.names[0] == args {
			return c.run(mon, w, "")
		}
	}
	return fmt.Errorf("unknown subject %q (info alone lists them)", args)
}
