package gdbstub

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/disk"
	"pcemu/ide"
	"pcemu/machine"
	"pcemu/machine/demo"
)

// The protocol as the GDB manual gives it, through a client of our own:
// framing, acks and no-ack mode, the queries, registers, memory, Z
// packets and stop replies. gdb_test.go drives the stub with gdb itself.

// demoMachine is the built-in demo disk's machine, running (stopped by the
// session on attach), with a stub on a free local port.
func demoMachine(t *testing.T, opts Options) (*machine.Machine, *Server) {
	t.Helper()
	boot, _ := disk.NewMem("mem", demo.BootDiskSize, demo.Image)
	scratch, _ := disk.NewMem("mem", demo.ScratchSize, nil)
	m, err := machine.New(machine.Config{Model: cpu.Model80286, Drives: [4]ide.Drive{boot, scratch}})
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, m, opts)
}

// serve starts m paused (-S) and a stub for it; both end with the test.
func serve(t *testing.T, m *machine.Machine, opts Options) (*machine.Machine, *Server) {
	t.Helper()
	srv, err := Listen(m, "127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	m.Pause()
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan struct{})
	go func() {
		defer close(ran)
		m.Run(ctx)
	}()
	served := make(chan struct{})
	go func() {
		defer close(served)
		srv.Serve()
	}()
	t.Cleanup(func() {
		srv.Close()
		<-served
		cancel()
		<-ran
		m.Close()
	})
	return m, srv
}

// client speaks the protocol to the stub.
type client struct {
	t     *testing.T
	c     net.Conn
	r     *bufio.Reader
	noAck bool
}

func dial(t *testing.T, srv *Server) *client {
	t.Helper()
	c, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(time.Minute))
	return &client{t: t, c: c, r: bufio.NewReader(c)}
}

// raw sends bytes as they are.
func (c *client) raw(s string) {
	c.t.Helper()
	if _, err := c.c.Write([]byte(s)); err != nil {
		c.t.Fatal(err)
	}
}

// readByte reads one byte.
func (c *client) readByte() byte {
	c.t.Helper()
	b, err := c.r.ReadByte()
	if err != nil {
		c.t.Fatal(err)
	}
	return b
}

// recv reads a packet (after the stub's ack when acks are on) and acks it.
func (c *client) recv() string {
	c.t.Helper()
	for {
		b := c.readByte()
		if b == '$' {
			break
		}
		if b != '+' {
			c.t.Fatalf("unexpected byte %q before a packet", b)
		}
	}
	var data []byte
	for {
		b := c.readByte()
		if b == '#' {
			break
		}
		data = append(data, b)
	}
	sum := string([]byte{c.readByte(), c.readByte()})
	if want := fmt.Sprintf("%02x", checksum(data)); sum != want {
		c.t.Fatalf("packet %q has checksum %s, want %s", data, sum, want)
	}
	if !c.noAck {
		c.raw("+")
	}
	return string(unescape(data))
}

func checksum(b []byte) byte {
	var s byte
	for _, c := range b {
		s += c
	}
	return s
}

func unescape(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] == '}' && i+1 < len(b) {
			i++
			out = append(out, b[i]^0x20)
			continue
		}
		out = append(out, b[i])
	}
	return out
}

// cmd sends a packet and returns the reply.
func (c *client) cmd(p string) string {
	c.t.Helper()
	c.raw(string(frame([]byte(p))))
	return c.recv()
}

func (c *client) expect(p, want string) {
	c.t.Helper()
	if got := c.cmd(p); got != want {
		c.t.Fatalf("%s: got %q, want %q", p, got, want)
	}
}

func TestProtocol(t *testing.T) {
	m, srv := demoMachine(t, Options{})
	c := dial(t, srv)

	sup := c.cmd("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386")
	for _, f := range []string{"PacketSize=4000", "qXfer:features:read+", "swbreak+", "hwbreak+", "QStartNoAckMode+", "vContSupported+"} {
		if !strings.Contains(sup, f) {
			t.Errorf("qSupported lacks %s: %q", f, sup)
		}
	}
	// A bad checksum is refused with '-' and nothing else.
	c.raw("$?#00")
	if b := c.readByte(); b != '-' {
		t.Fatalf("a bad checksum got %q, want -", b)
	}
	c.expect("?", "T05thread:01;")
	c.expect("QStartNoAckMode", "OK")
	c.noAck = true
	c.expect("qAttached", "1")
	c.expect("qC", "QC1")
	c.expect("qfThreadInfo", "m1")
	c.expect("qsThreadInfo", "l")
	c.expect("Hg0", "OK")
	c.expect("T1", "OK")
	c.expect("vCont?", "vCont;c;C;s;S")
	c.expect("vMustReplyEmpty", "")

	// The target description, read in small pieces, is the document.
	var doc strings.Builder
	for off := 0; ; off += 100 {
		r := c.cmd(fmt.Sprintf("qXfer:features:read:target.xml:%x,64", off))
		doc.WriteString(r[1:])
		if r[0] == 'l' {
			break
		}
		if r[0] != 'm' {
			t.Fatalf("qXfer reply %q", r)
		}
	}
	if doc.String() != targetXML || !strings.Contains(targetXML, "<architecture>i8086</architecture>") {
		t.Fatalf("target.xml read back as %q", doc.String())
	}
	c.expect("qXfer:features:read:other.xml:0,100", "E00")

	// Registers: the power-on state, in gdb's i386 layout.
	g := c.cmd("g")
	if len(g) != 2*gSize || gSize != 16*4+8*10+8*4 {
		t.Fatalf("g is %d hex digits, want %d", len(g), 2*(16*4+8*10+8*4))
	}
	if eip, cs := g[8*8:9*8], g[10*8:11*8]; eip != "f0ff0000" || cs != "00f00000" {
		t.Fatalf("eip %s cs %s at power-on, want f0ff0000 00f00000", eip, cs)
	}
	c.expect("P0=34120000", "OK")
	c.expect("p0", "34120000")
	c.expect("P0e=00000000", "OK") // fs exists as zero
	c.expect("P0e=01000000", "E16")
	c.expect("p20", "E16")
	var ax uint16
	m.Locked(func() { ax = m.CPU.Regs[cpu.AX] })
	if ax != 0x1234 {
		t.Fatalf("AX %04X after P0=34120000", ax)
	}
	// G writes them all back: eax back to 0.
	c.expect("G"+strings.Repeat("0", 8)+g[8:], "OK")
	c.expect("p0", "00000000")

	// Memory: physical addresses, ROM at F0000h; M and X (binary, with
	// escaped bytes) write RAM; beyond 16 MiB is an error.
	if r := c.cmd("mffff0,5"); r != "ea5be000f0" {
		t.Fatalf("the reset vector reads %q", r)
	}
	c.expect("M500,4:deadbeef", "OK")
	c.expect("m500,4", "deadbeef")
	c.expect("X504,4:#$}*", "OK") // frame escapes all four
	c.expect("m504,4", hex.EncodeToString([]byte("#$}*")))
	c.expect("mffffff,2", "E0e")

	// A breakpoint stops there; swbreak for Z0.
	c.expect("Z0,7c00,1", "OK")
	c.expect("vCont;c", "T05swbreak:;thread:01;")
	c.expect("p8", "007c0000")
	// Stepping from it runs the instruction there.
	c.expect("vCont;s:1", "T05thread:01;")
	if r := c.cmd("p8"); r == "007c0000" {
		t.Fatal("the step did not leave the breakpoint")
	}
	c.expect("z0,7c00,1", "OK")
	// A write watchpoint of odd length on the BDA's cursor position:
	// the BIOS writes it when the demo prints.
	c.expect("Z2,450,3", "OK")
	r := c.cmd("c")
	if !strings.HasPrefix(r, "T05watch:45") || !strings.HasSuffix(r, ";thread:01;") {
		t.Fatalf("continue with a watchpoint: %q", r)
	}
	c.expect("z2,450,3", "OK")
	// Ctrl-C while it runs (a JMP $ at 0000:0500): T02, and the machine
	// is paused.
	saved := c.cmd("g")
	c.expect("M500,2:ebfe", "OK")
	c.expect("P8=00050000", "OK")
	c.expect("Pa=00000000", "OK")
	c.raw(string(frame([]byte("c"))))
	time.Sleep(50 * time.Millisecond)
	c.raw("\x03")
	if r := c.recv(); r != "T02thread:01;" {
		t.Fatalf("Ctrl-C: %q", r)
	}
	if !m.Paused() {
		t.Fatal("the machine runs after Ctrl-C")
	}
	c.expect("p8", "00050000")
	// Back to the demo, which powers off when it has done: W00.
	c.expect("G"+saved, "OK")
	c.expect("c", "W00")
	c.expect("D", "OK")
}

// With reverse execution on, qSupported says so; at the history's start
// (attached at power-on) a step back stays and says replaylog:begin.
// Without it, b packets are not supported.
func TestProtocolReverse(t *testing.T) {
	_, srv := demoMachine(t, Options{ReverseMemory: 64 << 20})
	c := dial(t, srv)
	if sup := c.cmd("qSupported"); !strings.Contains(sup, "ReverseStep+") || !strings.Contains(sup, "ReverseContinue+") {
		t.Fatalf("qSupported %q", sup)
	}
	c.expect("bs", "T05replaylog:begin;thread:01;")
	c.expect("Z0,7c00,1", "OK")
	c.expect("c", "T05swbreak:;thread:01;")
	c.expect("s", "T05thread:01;")
	c.expect("bs", "T05thread:01;")
	c.expect("p8", "007c0000")
	c.expect("bc", "T05replaylog:begin;thread:01;")
	c.expect("p8", "f0ff0000")
	c.expect("bx", "")

	_, plain := demoMachine(t, Options{})
	p := dial(t, plain)
	p.expect("bs", "")
	p.expect("bc", "")
}
