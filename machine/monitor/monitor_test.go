package monitor_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/disk"
	"pcemu/ide"
	"pcemu/machine"
	"pcemu/machine/machinetest"
	"pcemu/machine/monitor"
)

// bootSector counts its boots in the byte at 0000:0600, loads AX and BX and
// waits with interrupts on:
//
//	7C00 FE060006  inc byte [0x600]
//	7C04 B83412    mov ax,0x1234
//	7C07 BB7856    mov bx,0x5678
//	7C0A FB        sti
//	7C0B EBFE      jmp 0x7c0b
var bootSector = []byte{0xFE, 0x06, 0x00, 0x06, 0xB8, 0x34, 0x12, 0xBB, 0x78, 0x56, 0xFB, 0xEB, 0xFE}

const loopIP = 0x7C0B

// boot returns a machine that has booted bootSector and sits in its loop.
func boot(t *testing.T, cfg machine.Config) *machinetest.M {
	t.Helper()
	img := make([]byte, 512)
	copy(img, bootSector)
	img[510], img[511] = 0x55, 0xAA
	d, err := disk.NewMem("mem", 1<<20, img)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Model = cpu.Model80286
	cfg.Drives = [4]ide.Drive{d}
	m := machinetest.Boot(t, cfg)
	runToLoop(t, m)
	return m
}

// runToLoop runs until the CPU is in the boot sector's loop.
func runToLoop(t *testing.T, m *machinetest.M) {
	t.Helper()
	for i := 0; i < 200; i++ {
		m.Run(10 * time.Millisecond)
		var ip, cs uint16
		m.Locked(func() { ip, cs = m.CPU.IP, m.CPU.Segs[cpu.CS] })
		if cs == 0 && ip == loopIP {
			return
		}
	}
	t.Fatalf("the boot sector did not run; screen:\n%s", m.ScreenText())
}

// exec runs one command and returns its output.
func exec(mon *monitor.Monitor, line string) string {
	var b strings.Builder
	mon.Exec(&b, line)
	return b.String()
}

func TestInfoRegisters(t *testing.T) {
	m := boot(t, machine.Config{})
	mon := monitor.New(m.Machine, nil)
	out := exec(mon, "info registers")
	for _, want := range []string{"AX=1234 BX=5678 ", "CS=0000 ", "IP=7C0B ", "0000:7C0B  EBFE               jmp 0x7c0b\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("info registers lacks %q:\n%s", want, out)
		}
	}
	for _, re := range []string{`FL=[0-9A-F]{4} \[[D-][O-][S-][Z-][A-][P-][C-]\] IF=1 TF=0 HLT=0 A20=[01]\n`, `instructions=\d+ virtual-time=\d+\.\d{6}s\n`} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("info registers does not match %s:\n%s", re, out)
		}
	}
}

func TestMemoryDumps(t *testing.T) {
	m := boot(t, machine.Config{})
	mon := monitor.New(m.Machine, nil)
	check := func(cmd, want string) {
		t.Helper()
		if got := exec(mon, cmd); got != want {
			t.Errorf("%s:\n got %q\nwant %q", cmd, got, want)
		}
	}
	check("xp/8xb 0x7c00", "00007c00: 0xfe 0x06 0x00 0x06 0xb8 0x34 0x12 0xbb\n")
	check("xp/10xb 0x7c00", "00007c00: 0xfe 0x06 0x00 0x06 0xb8 0x34 0x12 0xbb\n00007c08: 0x78 0x56\n")
	check("x/2xh 0:0x7c04", "0000:7C04: 0x34b8 0xbb12\n")
	check("x/xw 0x7c0:4", "07C0:0004: 0xbb1234b8\n")
	check("x/xg 0x7c00", "00007c00: 0xbb1234b8060006fe\n")
	check("x 0x7c04", "00007c04: 0xebfb5678bb1234b8\n") // the last format and size stay
	check("x/3ub 0x7c04", "00007c04: 184  52  18\n")
	check("x/2dh 0x7c04", "00007c04:  13496 -17646\n")
	check("x/ob 0x7c04", "00007c04: 0270\n")
	check("x/4c 0x7c04", "00007c04: '\\xb8' '4' '\\x12' '\\xbb'\n")
	// Disassembly, segmented and linear, and from registers.
	check("x/3i 0:0x7c04", "0000:7C04  B83412             mov ax,0x1234\n0000:7C07  BB7856             mov bx,0x5678\n0000:7C0A  FB                 sti\n")
	check("x/2i 0x7c0a", "00007c0a:  FB                 sti\n00007c0b:  EBFE               jmp 0x7c0b\n")
	check("x/i $cs:$ip", "0000:7C0B  EBFE               jmp 0x7c0b\n")
	check("x/i $pc", "00007c0b:  EBFE               jmp 0x7c0b\n")
	check("x/i $cs:$ip-(3+4)*1", "0000:7C04  B83412             mov ax,0x1234\n")
	check("x/i 0x7c0:0xb", "07C0:000B  EBFE               jmp 0xb\n")
	// The boot count at 0000:0600; the BIOS data area segmented and linear.
	check("xp/1xb 0x600", "00000600: 0x01\n")
	bda := strings.Fields(exec(mon, "xp/1xh 0x413"))[1]
	check("x/1xh 0x40:0x13", "0040:0013: "+bda+"\n")
	// Errors name the command and the reason.
	for cmd, want := range map[string]string{
		"x":              "x: needs an address\n",
		"x/3q 0":         "x: invalid char in format: 'q'\n",
		"x/2x $zz":       "x: unknown register $zz\n",
		"x/0x 0":         "x: count \"0\": choose 1 to 65536\n",
		"xp 0:0":         "xp: \"0:0\": xp takes a physical address, not SEG:OFF\n",
		"x 0x10000:0":    "x: \"0x10000:0\": segment and offset are 16-bit (0 to 0xffff)\n",
		"xp 0x1000000":   "xp: \"0x1000000\" = 0x1000000: beyond the address space (0 to 0xffffff)\n",
		"x 1/0":          "x: \"1/0\": division by zero\n",
		"x (1":           "x: \"(1\": missing )\n",
		"x 7c00":         "x: \"7c00\" is not a number (0x1f hex, 31 decimal) or a $register\n",
		"frobnicate 1 2": "unknown command: 'frobnicate'\n",
		"stop now":       "stop: takes no argument (got \"now\")\n",
		"info nothing":   "info: unknown subject \"nothing\" (info alone lists them)\n",
	} {
		check(cmd, want)
	}
}

// The machine's run loop goes on while the monitor reads memory: looking
// changes nothing of a deterministic run.
func TestLookingChangesNothing(t *testing.T) {
	run := func(look bool) string {
		m := boot(t, machine.Config{})
		mon := monitor.New(m.Machine, nil)
		for i := 0; i < 20; i++ {
			if look {
				exec(mon, "info registers")
				exec(mon, "xp/64xb 0xb8000")
				exec(mon, "x/10i $cs:$ip")
			}
			m.Run(time.Millisecond)
		}
		return exec(mon, "info registers") + exec(mon, "xp/32xw 0")
	}
	if a, b := run(false), run(true); a != b {
		t.Errorf("a run the monitor looked at differs:\n%s\n%s", a, b)
	}
}

func TestStopCont(t *testing.T) {
	m := boot(t, machine.Config{})
	mon := monitor.New(m.Machine, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan machine.StopReason, 1)
	go func() {
		r, _ := m.Machine.Run(ctx)
		done <- r
	}()
	count := func() uint64 { return m.Stats().Instructions }
	if got := exec(mon, "info status"); got != "VM status: running\n" {
		t.Errorf("info status = %q", got)
	}
	exec(mon, "stop")
	if got := exec(mon, "info status"); got != "VM status: paused\n" {
		t.Errorf("after stop, info status = %q", got)
	}
	before := count()
	time.Sleep(50 * time.Millisecond)
	if after := count(); after != before {
		t.Errorf("the machine ran %d instructions while stopped", after-before)
	}
	exec(mon, "cont")
	deadline := time.Now().Add(10 * time.Second)
	for count() == before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if count() == before {
		t.Error("the machine did not run after cont")
	}
	// Powering off a stopped machine ends its run.
	exec(mon, "stop")
	exec(mon, "system_powerdown")
	select {
	case r := <-done:
		if r != machine.PowerOff {
			t.Errorf("Run returned %v, want power off", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("system_powerdown did not end the run of a stopped machine")
	}
	if got := exec(mon, "info status"); got != "VM status: shut down (power off)\n" {
		t.Errorf("after system_powerdown, info status = %q", got)
	}
}

// The boot sector counts its boots: system_reset and Ctrl-Alt-Del (sendkey)
// both run it again.
func TestResetAndSendkey(t *testing.T) {
	m := boot(t, machine.Config{})
	mon := monitor.New(m.Machine, nil)
	boots := func() string { return strings.Fields(exec(mon, "xp/1xb 0x600"))[1] }
	if exec(mon, "system_reset") != "" {
		t.Error("system_reset printed something")
	}
	runToLoop(t, m)
	if got := boots(); got != "0x02" {
		t.Errorf("after system_reset the boot count is %s, want 0x02", got)
	}

	// Shift-A through the keyboard: the BIOS buffers 'A' (scancode 1Eh)
	// at its buffer's head (BDA 41Ah).
	if out := exec(mon, "sendkey shift-a"); out != "" {
		t.Fatalf("sendkey: %s", out)
	}
	m.Run(100 * time.Millisecond)
	var key uint16
	m.Locked(func() {
		ram := m.Mem.RAM
		head := int(ram[0x41A]) | int(ram[0x41B])<<8
		key = uint16(ram[0x400+head]) | uint16(ram[0x401+head])<<8
	})
	if key != 0x1E41 {
		t.Errorf("after sendkey shift-a the keyboard buffer holds %04X, want 1E41", key)
	}

	exec(mon, "sendkey ctrl-alt-delete")
	runToLoop(t, m)
	m.Run(50 * time.Millisecond)
	runToLoop(t, m)
	if got := boots(); got != "0x03" {
		t.Errorf("after sendkey ctrl-alt-delete the boot count is %s, want 0x03", got)
	}
	for cmd, want := range map[string]string{
		"sendkey":            "sendkey: needs keys, such as ctrl-alt-delete\n",
		"sendkey ctrl-foo":   "sendkey: unknown key \"foo\" in \"ctrl-foo\"\n",
		"sendkey ctrl-c 200": "sendkey: \"ctrl-c 200\": pcemu holds keys for its own key interval; a hold time is not supported\n",
	} {
		if got := exec(mon, cmd); got != want {
			t.Errorf("%s: %q, want %q", cmd, got, want)
		}
	}
}

func TestScreendump(t *testing.T) {
	m := boot(t, machine.Config{})
	mon := monitor.New(m.Machine, nil)
	dir := t.TempDir()
	txt, png := filepath.Join(dir, "s.txt"), filepath.Join(dir, "s.png")
	for _, cmd := range []string{"screendump " + txt, "screendump " + png} {
		if out := exec(mon, cmd); out != "" {
			t.Errorf("%s: %s", cmd, out)
		}
	}
	if b, err := os.ReadFile(txt); err != nil || strings.TrimSpace(string(b)) != strings.TrimSpace(m.ScreenText()) {
		t.Errorf("screendump .txt: %v, %q", err, b)
	}
	if b, err := os.ReadFile(png); err != nil || !strings.HasPrefix(string(b), "\x89PNG") {
		t.Errorf("screendump .png: %v", err)
	}
	if out := exec(mon, "screendump "+filepath.Join(dir, "s.ppm")); !strings.Contains(out, "must end in .txt or .png") {
		t.Errorf("screendump .ppm: %q", out)
	}
}

func TestHelpAndQuit(t *testing.T) {
	m := boot(t, machine.Config{})
	quit := false
	mon := monitor.New(m.Machine, func() { quit = true })
	help := exec(mon, "help")
	for _, c := range []string{"cont|c", "help|?", "info", "quit|q", "screendump", "sendkey", "stop", "system_powerdown", "system_reset", "x /fmt addr", "xp /fmt addr"} {
		if !strings.Contains(help, c) {
			t.Errorf("help lacks %q:\n%s", c, help)
		}
	}
	if out := exec(mon, "help x"); !strings.Contains(out, "i instructions") {
		t.Errorf("help x: %q", out)
	}
	if out := exec(mon, "info"); !strings.Contains(out, "info registers") || !strings.Contains(out, "info status") {
		t.Errorf("info: %q", out)
	}
	var b strings.Builder
	if !mon.Exec(&b, "quit") || !quit {
		t.Error("quit did not quit")
	}
}

// A session through a pipe: banner, prompts, replies, quit.
func TestServe(t *testing.T) {
	m := boot(t, machine.Config{})
	mon := monitor.New(m.Machine, nil)
	in := strings.NewReader("info status\r\nxp/2xb 0x7c00\n\nquit\ninfo status\n")
	var out strings.Builder
	if err := mon.Serve(in, &out); !errors.Is(err, monitor.ErrQuit) {
		t.Fatalf("Serve: %v", err)
	}
	want := monitor.Banner + monitor.Prompt + "VM status: running\n" + monitor.Prompt +
		"00007c00: 0xfe 0x06\n" + monitor.Prompt + monitor.Prompt
	if out.String() != want {
		t.Errorf("session:\n%q\nwant\n%q", out.String(), want)
	}
	// The input ends: the session ends without an error.
	out.Reset()
	if err := mon.Serve(strings.NewReader("info status"), &out); err != nil {
		t.Errorf("Serve at EOF: %v", err)
	}
}

// The Unix socket server: sessions one after another; a stale socket is
// replaced, a live one or a file refused.
func TestUnixSocket(t *testing.T) {
	m := boot(t, machine.Config{})
	mon := monitor.New(m.Machine, nil)
	dir, err := os.MkdirTemp("", "mon") // short: socket paths are limited to 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "m.sock")

	// A stale socket (its listener gone without removing it) is replaced.
	stale, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	stale.SetUnlinkOnClose(false)
	stale.Close()
	l, err := monitor.ListenUnix(path)
	if err != nil {
		t.Fatalf("over a stale socket: %v", err)
	}
	if _, err := monitor.ListenUnix(path); err == nil || !strings.Contains(err.Error(), "another program is listening") {
		t.Errorf("a second listener: %v", err)
	}
	done := make(chan struct{})
	go func() {
		mon.ServeListener(l, nil)
		close(done)
	}()
	session := func(cmds ...string) string {
		c, err := net.Dial("unix", path)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		r := bufio.NewReader(c)
		var out strings.Builder
		readPrompt := func() {
			start := out.Len()
			for out.Len() == start || !strings.HasSuffix(out.String(), monitor.Prompt) {
				b, err := r.ReadByte()
				if err != nil {
					t.Fatalf("reading: %v after %q", err, out.String())
				}
				out.WriteByte(b)
			}
		}
		readPrompt()
		for _, cmd := range cmds {
			io.WriteString(c, cmd+"\n")
			if cmd == "quit" {
				io.Copy(&out, r)
				break
			}
			readPrompt()
		}
		return out.String()
	}
	if out := session("info status"); !strings.HasSuffix(out, "VM status: running\n"+monitor.Prompt) {
		t.Errorf("first session: %q", out)
	}
	if out := session("xp/1xb 0x600", "quit"); !strings.Contains(out, "00000600: 0x01\n") {
		t.Errorf("second session: %q", out)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("quit did not end the server")
	}
	l.Close()
	if _, err := os.Lstat(path); err == nil {
		t.Error("the socket stayed after Close")
	}
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("keep"), 0o644)
	if _, err := monitor.ListenUnix(file); err == nil || !strings.Contains(err.Error(), "is not a socket") {
		t.Errorf("over a file: %v", err)
	}
	if b, _ := os.ReadFile(file); string(b) != "keep" {
		t.Error("the file was changed")
	}
}
