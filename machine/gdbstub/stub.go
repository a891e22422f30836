// Package gdbstub is pcemu's gdb remote stub: gdb (target remote :1234)
// debugs the guest through the remote serial protocol, as with QEMU's
// -gdb, -s and -S.
//
// It serves one gdb at a time on a TCP listener. Attaching stops the
// machine; breakpoints (Z0, Z1), watchpoints of any length (Z2 write, Z3
// read, Z4 access), stepping and continuing (s, c, vCont), Ctrl-C, and
// reverse stepping and continuing (bs, bc: machine/history.go) go through the
// machine's debugging API (machine/debug.go), which keeps the run loop's
// thread free: while gdb holds the machine stopped, the window still
// redraws, and closing it powers the machine off (gdb then sees the
// connection end). Addresses are physical, as QEMU's are for a real-mode
// guest; registers follow gdb's i386 layout (regs.go) with the i8086
// architecture.
//
// Files: stub.go (the server, sessions and the packets), packet.go (the
// framing), regs.go (the register layout and the target description).
package gdbstub

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"

	"pcemu/cpu"
	"pcemu/machine"
)

// Options configure a Server.
type Options struct {
	// Kill ends pcemu when gdb kills the target (k, vKill), as QEMU
	// exits; nil powers the machine off.
	Kill func()
	// Monitor runs a monitor command for gdb's `monitor CMD` (qRcmd) and
	// returns its output; nil answers that there is no monitor.
	Monitor func(cmd string) string
	// ReverseMemory is the memory the machine's history may take for
	// reverse execution while gdb is attached (machine.StartHistory);
	// 0 turns reverse execution off.
	ReverseMemory int64
	// Log, if not nil, is told why a write from gdb was refused (gdb
	// itself shows only that it failed).
	Log io.Writer
}

// Server is a gdb stub for one machine.
type Server struct {
	m    *machine.Machine
	l    net.Listener
	opts Options

	mu   sync.Mutex
	conn net.Conn // the session's connection, nil between sessions
	done bool
}

// Listen listens for gdb on addr (host:port; pcemu's -gdb gives localhost
// unless told otherwise).
func Listen(m *machine.Machine, addr string, opts Options) (*Server, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("gdb stub: %w", err)
	}
	return &Server{m: m, l: l, opts: opts}, nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() net.Addr { return s.l.Addr() }

// Serve accepts gdb connections, one session after another, until Close.
func (s *Server) Serve() error {
	for {
		c, err := s.l.Accept()
		if err != nil {
			s.mu.Lock()
			done := s.done
			s.mu.Unlock()
			if done {
				return nil
			}
			return fmt.Errorf("gdb stub: %w", err)
		}
		s.mu.Lock()
		if s.done {
			s.mu.Unlock()
			c.Close()
			return nil
		}
		s.conn = c
		s.mu.Unlock()
		newSession(s, c).run()
		s.mu.Lock()
		s.conn = nil
		s.mu.Unlock()
		c.Close()
	}
}

// Close stops listening and ends the session in progress.
func (s *Server) Close() error {
	s.mu.Lock()
	s.done = true
	c := s.conn
	s.mu.Unlock()
	if c != nil {
		c.Close()
	}
	return s.l.Close()
}

// session is one gdb connection.
type session struct {
	srv    *Server
	m      *machine.Machine
	w      io.Writer
	events chan event
	queue  []event // packets that arrived while a reply waited for its ack
	noAck  bool

	// Breakpoints and watchpoints as gdb inserted them (gdb may insert
	// the same address as Z0 and Z1).
	breaks  map[uint32]int
	hwbreak map[uint32]bool // addresses inserted by Z1 (reported as hwbreak)
	watches []machine.Watchpoint

	reverse bool // the machine keeps a history: bs and bc work
}

func newSession(srv *Server, c net.Conn) *session {
	s := &session{srv: srv, m: srv.m, w: c, events: make(chan event, 16),
		breaks: map[uint32]int{}, hwbreak: map[uint32]bool{}}
	go readEvents(c, s.events)
	return s
}

// run serves the session until gdb detaches or the connection ends. The
// machine is stopped while gdb is attached, unless it runs for gdb. When
// the session ends its breakpoints and watchpoints go; after gdb's detach
// the machine runs on, after a connection lost it stays stopped (as in
// QEMU: a new gdb, or the monitor's cont, goes on).
func (s *session) run() {
	s.m.Pause()
	if n := s.srv.opts.ReverseMemory; n > 0 {
		// The history starts here; without it (a machine that cannot
		// be saved) gdb is told there is no reverse execution.
		s.reverse = s.m.StartHistory(n) == nil
	}
	detached := false
	defer func() {
		s.m.SetBreakpoints(nil)
		s.m.SetWatchpoints(nil)
		s.m.StopHistory()
		if detached {
			s.m.Resume()
		}
	}()
	for {
		ev, ok := s.next()
		if !ok {
			return
		}
		if ev.kind != 'p' {
			continue // an interrupt while stopped, a stray ack
		}
		if ev.badSum {
			if !s.noAck {
				s.w.Write([]byte{'-'})
			}
			continue
		}
		if !s.noAck {
			if _, err := s.w.Write([]byte{'+'}); err != nil {
				return
			}
		}
		reply, end := s.handle(ev.data)
		if reply != nil {
			if err := s.send(reply); err != nil {
				return
			}
		}
		if end {
			detached = ev.data[0] == 'D'
			return
		}
	}
}

// next returns the next event: a queued packet first.
func (s *session) next() (event, bool) {
	if len(s.queue) > 0 {
		ev := s.queue[0]
		s.queue = s.queue[1:]
		return ev, true
	}
	ev, ok := <-s.events
	return ev, ok
}

// send writes a packet and, unless in no-ack mode, waits for gdb's +
// (resending on -).
func (s *session) send(data []byte) error {
	f := frame(data)
	for {
		if _, err := s.w.Write(f); err != nil {
			return err
		}
		if s.noAck {
			return nil
		}
		for {
			ev, ok := <-s.events
			if !ok {
				return errClosed
			}
			switch ev.kind {
			case '+':
				return nil
			case '-':
			case 'p':
				s.queue = append(s.queue, ev)
				continue
			default:
				continue
			}
			break // '-': send again
		}
	}
}

var (
	replyOK    = []byte("OK")
	replyEmpty = []byte{}
)

func replyErr(n int) []byte { return []byte(fmt.Sprintf("E%02x", n)) }

// Errors the stub answers with (gdb shows only the number).
const (
	errBadPacket = 1  // malformed arguments
	errMemory    = 14 // EFAULT: outside the address space
	errRegister  = 22 // EINVAL: no such register, or a value it cannot take
	errReverse   = 5  // EIO: reverse execution failed (re-execution went elsewhere)
)

// handle answers one packet. end says the session is over (D, k).
func (s *session) handle(p []byte) (reply []byte, end bool) {
	if len(p) == 0 {
		return replyEmpty, false
	}
	cmd, args := p[0], string(p[1:])
	switch cmd {
	case '?':
		return []byte("T05thread:01;"), false
	case 'g':
		return s.readRegisters(), false
	case 'G':
		return s.writeRegisters(args), false
	case 'p':
		return s.readRegister(args), false
	case 'P':
		return s.writeRegister(args), false
	case 'm':
		return s.readMemory(args), false
	case 'M':
		return s.writeMemory(args, false), false
	case 'X':
		return s.writeMemory(args, true), false
	case 'c', 'C':
		return s.resume(false), false
	case 's', 'S':
		return s.resume(true), false
	case 'b':
		return s.reverseExec(args), false
	case 'Z', 'z':
		return s.breakpoint(cmd == 'Z', args), false
	case 'H':
		return replyOK, false // one thread: any selection is it
	case 'T':
		if args == "1" || args == "01" || args == "-1" {
			return replyOK, false
		}
		return replyErr(errBadPacket), false
	case 'D':
		return replyOK, true
	case 'k':
		s.kill()
		return nil, true
	case 'q', 'Q':
		return s.query(string(p)), false
	case 'v':
		return s.vPacket(string(p))
	}
	return replyEmpty, false // not supported: gdb falls back
}

// query answers the q and Q packets.
func (s *session) query(p string) []byte {
	name, args, _ := strings.Cut(p, ":")
	switch name {
	case "qSupported":
		r := "PacketSize=4000;qXfer:features:read+;swbreak+;hwbreak+;QStartNoAckMode+;vContSupported+"
		if s.reverse {
			r += ";ReverseStep+;ReverseContinue+"
		}
		return []byte(r)
	case "QStartNoAckMode":
		// The OK still goes out with acks; from the next packet on none.
		defer func() { s.noAck = true }()
		return replyOK
	case "qAttached":
		return []byte("1") // attached to a running machine: quitting gdb detaches
	case "qC":
		return []byte("QC1")
	case "qfThreadInfo":
		return []byte("m1")
	case "qsThreadInfo":
		return []byte("l")
	case "qSymbol":
		return replyOK
	case "qXfer":
		return s.xfer(args)
	case "qRcmd":
		return s.monitor(strings.TrimPrefix(p, "qRcmd,"))
	}
	if strings.HasPrefix(p, "qRcmd,") {
		return s.monitor(strings.TrimPrefix(p, "qRcmd,"))
	}
	return replyEmpty
}

// xfer answers qXfer:features:read:target.xml:OFFSET,LENGTH.
func (s *session) xfer(args string) []byte {
	f := strings.Split(args, ":")
	if len(f) != 4 || f[0] != "features" || f[1] != "read" {
		return replyEmpty
	}
	if f[2] != "target.xml" {
		return replyErr(0) // E00: no such annex
	}
	off, n, ok := parseAddrLen(f[3])
	if !ok {
		return replyErr(errBadPacket)
	}
	doc := targetXML
	if int(off) >= len(doc) {
		return []byte("l")
	}
	end := min(int(off)+int(n), len(doc))
	kind := byte('m')
	if end == len(doc) {
		kind = 'l'
	}
	return append([]byte{kind}, doc[off:end]...)
}

// monitor runs gdb's `monitor CMD` on pcemu's monitor, its output sent as
// console output (O packets) before the OK.
func (s *session) monitor(hexCmd string) []byte {
	cmd, err := hex.DecodeString(hexCmd)
	if err != nil {
		return replyErr(errBadPacket)
	}
	run := s.srv.opts.Monitor
	out := "pcemu: no monitor in this stub\n"
	if run != nil {
		out = run(string(cmd))
	}
	for len(out) > 0 {
		chunk := out[:min(len(out), 0x1000)]
		out = out[len(chunk):]
		if err := s.send([]byte("O" + hex.EncodeToString([]byte(chunk)))); err != nil {
			return nil
		}
	}
	return replyOK
}

// vPacket answers vCont?, vCont, vKill and vMustReplyEmpty.
func (s *session) vPacket(p string) ([]byte, bool) {
	switch {
	case p == "vCont?":
		return []byte("vCont;c;C;s;S"), false
	case strings.HasPrefix(p, "vCont;"):
		// The first action for our one thread decides: s or c (a signal
		// to deliver with C or S means nothing to a PC).
		for _, a := range strings.Split(p[len("vCont;"):], ";") {
			act, thread, _ := strings.Cut(a, ":")
			if thread != "" && thread != "1" && thread != "01" && thread != "-1" {
				continue
			}
			switch {
			case act == "c" || strings.HasPrefix(act, "C"):
				return s.resume(false), false
			case act == "s" || strings.HasPrefix(act, "S"):
				return s.resume(true), false
			}
			return replyErr(errBadPacket), false
		}
		return replyErr(errBadPacket), false
	case strings.HasPrefix(p, "vKill"):
		s.kill()
		return replyOK, true
	}
	return replyEmpty, false
}

func (s *session) kill() {
	if s.srv.opts.Kill != nil {
		s.srv.opts.Kill()
		return
	}
	s.m.PowerOff()
}

func (s *session) readRegisters() []byte {
	var b []byte
	s.m.Locked(func() {
		for n := range numRegs {
			b = append(b, readReg(s.m.CPU, n)...)
		}
	})
	return []byte(hex.EncodeToString(b))
}

func (s *session) writeRegisters(args string) []byte {
	b, err := hex.DecodeString(args)
	if err != nil || len(b) < regOffset(regFS) {
		return replyErr(errBadPacket)
	}
	// gdb sends every register; those we have are taken, the rest (fs,
	// gs, x87) must be what reading them gives.
	err = s.m.DebugWriteCPU(func(c *cpu.CPU) error {
		for n := range numRegs {
			off := regOffset(n)
			if off+layout[n].size > len(b) {
				break
			}
			if err := writeReg(c, n, b[off:off+layout[n].size]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return s.writeFailed("writing the registers", err, errRegister)
	}
	return replyOK
}

// writeFailed answers a write the machine refused (a replay in progress,
// the ROM while recording) or could not record: the reason goes to
// Options.Log, and to gdb as a textual error (E.errtext), which gdb
// takes as the write's failure.
func (s *session) writeFailed(what string, err error, code int) []byte {
	if errors.Is(err, errRegValue) {
		return replyErr(code) // a value the register cannot take
	}
	if s.srv.opts.Log != nil {
		fmt.Fprintf(s.srv.opts.Log, "pcemu: gdb: %s: %v\n", what, err)
	}
	return []byte("E." + strings.Map(func(r rune) rune {
		if r < ' ' || r > '~' || r == '$' || r == '#' || r == '}' || r == '*' {
			return ' '
		}
		return r
	}, what+": "+err.Error()))
}

func (s *session) readRegister(args string) []byte {
	n, err := strconv.ParseUint(args, 16, 8)
	if err != nil || n >= numRegs {
		return replyErr(errRegister)
	}
	var b []byte
	s.m.Locked(func() { b = readReg(s.m.CPU, int(n)) })
	return []byte(hex.EncodeToString(b))
}

func (s *session) writeRegister(args string) []byte {
	num, val, ok := strings.Cut(args, "=")
	n, err := strconv.ParseUint(num, 16, 8)
	b, err2 := hex.DecodeString(val)
	if !ok || err != nil || err2 != nil || n >= numRegs {
		return replyErr(errRegister)
	}
	if err := s.m.DebugWriteCPU(func(c *cpu.CPU) error { return writeReg(c, int(n), b) }); err != nil {
		return s.writeFailed("writing register "+layout[n].name, err, errRegister)
	}
	return replyOK
}

// addressLimit is the end of the physical address space gdb may read:
// the 80286's 16 MiB (the 8086's 1 MiB wraps there, but every address
// below 16 MiB reads as the bus answers it: RAM, ROM, or FFh in holes).
const addressLimit = machine.AddressLimit286

func parseAddrLen(s string) (addr, n uint64, ok bool) {
	a, l, found := strings.Cut(s, ",")
	addr, err1 := strconv.ParseUint(a, 16, 64)
	n, err2 := strconv.ParseUint(l, 16, 64)
	return addr, n, found && err1 == nil && err2 == nil
}

func (s *session) readMemory(args string) []byte {
	addr, n, ok := parseAddrLen(args)
	if !ok || n > 0x2000 {
		return replyErr(errBadPacket)
	}
	if addr >= addressLimit || addr+n > addressLimit {
		return replyErr(errMemory)
	}
	b := make([]byte, n)
	s.m.Locked(func() {
		for i := range b {
			b[i] = s.m.Mem.Peek8(uint32(addr) + uint32(i))
		}
	})
	return []byte(hex.EncodeToString(b))
}

// writeMemory is M (hex data) and X (binary data).
func (s *session) writeMemory(args string, binary bool) []byte {
	head, data, ok := strings.Cut(args, ":")
	addr, n, ok2 := parseAddrLen(head)
	if !ok || !ok2 {
		return replyErr(errBadPacket)
	}
	var b []byte
	if binary {
		b = []byte(data)
	} else {
		var err error
		if b, err = hex.DecodeString(data); err != nil {
			return replyErr(errBadPacket)
		}
	}
	if uint64(len(b)) != n {
		return replyErr(errBadPacket)
	}
	if addr >= addressLimit || addr+n > addressLimit {
		return replyErr(errMemory)
	}
	if err := s.m.DebugWriteMemory(uint32(addr), b); err != nil {
		return s.writeFailed(fmt.Sprintf("writing memory at %05Xh", addr), err, errMemory)
	}
	return replyOK
}

// breakpoint is Z and z: types 0 and 1 breakpoints, 2-4 watchpoints.
func (s *session) breakpoint(insert bool, args string) []byte {
	f := strings.Split(args, ",")
	if len(f) < 3 {
		return replyErr(errBadPacket)
	}
	typ := f[0]
	addr, err1 := strconv.ParseUint(f[1], 16, 32)
	kind, err2 := strconv.ParseUint(strings.SplitN(f[2], ";", 2)[0], 16, 32)
	if err1 != nil || err2 != nil {
		return replyErr(errBadPacket)
	}
	a := uint32(addr)
	switch typ {
	case "0", "1":
		if insert {
			s.breaks[a]++
			if typ == "1" {
				s.hwbreak[a] = true
			}
		} else if s.breaks[a] > 0 {
			if s.breaks[a]--; s.breaks[a] == 0 {
				delete(s.breaks, a)
				delete(s.hwbreak, a)
			}
		}
		s.m.SetBreakpoints(s.breakList())
		return replyOK
	case "2", "3", "4":
		w := machine.Watchpoint{Addr: a, Len: uint32(kind), Kind: [...]machine.WatchKind{machine.WatchWrite, machine.WatchRead, machine.WatchAccess}[typ[0]-'2']}
		if insert {
			s.watches = append(s.watches, w)
		} else if i := slices.Index(s.watches, w); i >= 0 {
			s.watches = slices.Delete(s.watches, i, i+1)
		}
		if err := s.m.SetWatchpoints(s.watches); err != nil {
			s.watches = slices.DeleteFunc(s.watches, func(x machine.Watchpoint) bool { return x == w })
			return replyErr(errMemory)
		}
		return replyOK
	}
	return replyEmpty // another type: not supported
}

func (s *session) breakList() []uint32 {
	l := make([]uint32, 0, len(s.breaks))
	for a := range s.breaks {
		l = append(l, a)
	}
	slices.Sort(l)
	return l
}

// stopReply is the T packet for a stop of the machine.
func (s *session) stopReply(st machine.DebugStop) []byte {
	// gdb takes a swbreak or hwbreak stop for one of its breakpoints only
	// when $pc (IP, in real mode) is that breakpoint's address, and
	// otherwise resumes as from a stale trap. In a segment other than 0
	// the stop is reported as a plain SIGTRAP, which gdb shows (as with
	// QEMU, which never says swbreak).
	var ip uint32
	s.m.Locked(func() { ip = uint32(s.m.CPU.IP) })
	switch {
	case st.Breakpoint && ip != st.Addr:
		return []byte("T05thread:01;")
	case st.Breakpoint && s.hwbreak[st.Addr]:
		return []byte("T05hwbreak:;thread:01;")
	case st.Breakpoint:
		return []byte("T05swbreak:;thread:01;")
	case st.HistoryStart:
		return []byte("T05replaylog:begin;thread:01;")
	case st.Watch != 0:
		// Name the kind of the watchpoint the access hit, as gdb set it.
		name := "awatch"
		for _, w := range s.watches {
			if st.Addr-w.Addr < w.Len && w.Kind&st.Watch != 0 {
				switch w.Kind {
				case machine.WatchWrite:
					name = "watch"
				case machine.WatchRead:
					name = "rwatch"
				}
				break
			}
		}
		return []byte(fmt.Sprintf("T05%s:%x;thread:01;", name, st.Addr))
	}
	return []byte("T05thread:01;")
}

// exitReply is what gdb is told when the machine stopped for good: W and
// the exit status pcemu will exit with.
func (s *session) exitReply() []byte {
	return []byte(fmt.Sprintf("W%02x", s.m.ExitStatus()&0xFF))
}

// resume continues or steps the machine and waits for the stop. While it
// runs, Ctrl-C from gdb pauses it (T02, SIGINT, as QEMU reports it).
func (s *session) resume(step bool) []byte {
	if step {
		st, hit, reason, _ := s.m.DebugStep()
		if reason != machine.Running {
			return s.exitReply()
		}
		if hit {
			return s.stopReply(st)
		}
		return []byte("T05thread:01;")
	}
	st, why := s.runUntilStop()
	switch why {
	case stopDebug:
		return s.stopReply(st)
	case stopInterrupt:
		return []byte("T02thread:01;")
	case stopExited:
		return s.exitReply()
	}
	return nil // the connection ended
}

// Why runUntilStop returned.
const (
	stopDebug     = iota // a breakpoint or watchpoint
	stopInterrupt        // gdb's Ctrl-C
	stopExited           // the machine stopped for good
	stopClosed           // the connection ended
)

// runUntilStop lets the machine run until a debug stop, Ctrl-C, the end
// of the machine or of the connection; the machine is paused again when
// it returns.
func (s *session) runUntilStop() (machine.DebugStop, int) {
	stops := s.m.DebugStops()
	select {
	case <-stops: // a stale one
	default:
	}
	s.m.Resume()
	for {
		select {
		case st := <-stops:
			return st, stopDebug
		case <-s.m.Done():
			return machine.DebugStop{}, stopExited
		case ev, ok := <-s.events:
			if !ok {
				s.m.Pause()
				return machine.DebugStop{}, stopClosed
			}
			switch ev.kind {
			case 'i':
				s.m.Pause()
				// A stop made while pausing wins: it is where the
				// machine stands.
				select {
				case st := <-stops:
					return st, stopDebug
				default:
				}
				return machine.DebugStop{}, stopInterrupt
			case 'p':
				s.queue = append(s.queue, ev) // answered after the stop
			}
		}
	}
}

// reverseExec is bs and bc: a step back, or back to the last breakpoint
// or watchpoint hit. Ctrl-C ends a long search backwards (T02, where the
// search stood).
func (s *session) reverseExec(args string) []byte {
	if !s.reverse || (args != "s" && args != "c") {
		return replyEmpty
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		st  machine.DebugStop
		err error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		if args == "s" {
			r.st, r.err = s.m.ReverseStep(ctx)
		} else {
			r.st, r.err = s.m.ReverseContinue(ctx)
		}
		done <- r
	}()
	interrupted := false
	for {
		select {
		case r := <-done:
			switch {
			case interrupted && errors.Is(r.err, context.Canceled):
				return []byte("T02thread:01;")
			case r.err != nil:
				if s.m.Stopped() != machine.Running {
					return s.exitReply()
				}
				// Why, on gdb's console (an image written in place
				// cannot go back, for one), then the error.
				s.send([]byte("O" + hex.EncodeToString([]byte("pcemu: "+r.err.Error()+"\n"))))
				return replyErr(errReverse)
			}
			return s.stopReply(r.st)
		case ev, ok := <-s.events:
			switch {
			case !ok:
				cancel()
				<-done
				return nil
			case ev.kind == 'i':
				interrupted = true
				cancel()
			case ev.kind == 'p':
				s.queue = append(s.queue, ev)
			}
		}
	}
}
