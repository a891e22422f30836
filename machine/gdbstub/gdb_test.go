package gdbstub

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/shared"
	"pcemu/machine"
)

// Debian's gdb drives the stub as a user would: the session of the README
// (set architecture i8086, target remote, break *0x7c00, x/i
// $cs*16+$eip), stepping, registers, memory, a watchpoint on a BIOS data
// area word that FreeDOS has the BIOS write, Ctrl-C, and kill.

// gdbRun runs gdb in batch mode on script and returns its output. When
// the output shows a line "INTERRUPT-ME", gdb gets SIGINT once the machine
// has run on, as when a user presses Ctrl-C at gdb's prompt.
func gdbRun(t *testing.T, m *machine.Machine, script string) string {
	t.Helper()
	gdb := shared.Tool(t, "gdb")
	path := filepath.Join(t.TempDir(), "test.gdb")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(gdb, "-batch", "-nx", "-x", path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(3*time.Minute, func() { cmd.Process.Kill() })
	defer timer.Stop()
	var all strings.Builder
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		all.WriteString(line + "\n")
		if line == "INTERRUPT-ME" {
			go func() {
				// gdb is waiting for the stop; let the machine run.
				start := m.Stats().Instructions
				for deadline := time.Now().Add(time.Minute); m.Stats().Instructions < start+100000 && time.Now().Before(deadline); {
					time.Sleep(10 * time.Millisecond)
				}
				cmd.Process.Signal(syscall.SIGINT)
			}()
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("gdb: %v\n%s", err, all.String())
	}
	return all.String()
}

// field returns the text after "NAME " on the output's line that starts
// with it (the script's printf markers).
func field(t *testing.T, out, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + name + ` (.*)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("gdb printed no %s line:\n%s", name, out)
	}
	return strings.TrimSpace(m[1])
}

func freeDOS(t *testing.T, opts Options) (*machine.Machine, *Server) {
	t.Helper()
	img := shared.Path(t, "images/freedos-hd.vhd")
	m, err := machine.New(machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20, HardDisks: [4]string{img}, Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, m, opts)
}

func TestGDBDrivesFreeDOS(t *testing.T) {
	killed := make(chan struct{})
	m, srv := freeDOS(t, Options{Kill: func() { close(killed) }})
	out := gdbRun(t, m, fmt.Sprintf(`
set architecture i8086
set confirm off
set pagination off
target remote %s
printf "START %%04x:%%04x\n", $cs, $eip
break *0x7c00
continue
printf "BP %%04x:%%04x\n", $cs, $eip
x/i $cs*16+$eip
printf "SIG %%02x%%02x\n", *(unsigned char *)0x7dff, *(unsigned char *)0x7dfe
stepi
printf "STEP %%04x:%%04x\n", $cs, $eip
set $old = $ebx
set $ebx = 0xbeef
printf "BX %%04x\n", $ebx
set $ebx = $old
printf "BXBACK %%04x\n", $ebx
delete
watch *(unsigned short *)0x450
continue
printf "WATCH %%04x %%04x\n", $cs, *(unsigned short *)0x450
delete
echo INTERRUPT-ME\n
continue
printf "INTERRUPTED %%04x:%%04x\n", $cs, $eip
kill
`, srv.Addr()))
	t.Logf("gdb's session:\n%s", out)
	for _, c := range []struct{ name, want string }{
		{"START", "f000:fff0"},
		{"BP", "0000:7c00"},
		{"SIG", "aa55"},
		{"STEP", "0000:7c01"}, // the boot sector starts with CLI
		{"BX", "beef"},
		{"BXBACK", "0000"},
	} {
		if got := field(t, out, c.name); got != c.want {
			t.Errorf("%s %s, want %s", c.name, got, c.want)
		}
	}
	for _, want := range []string{"Breakpoint 1, 0x00007c00", "0x7c00:\tcli", "Hardware watchpoint 2: *(unsigned short *)0x450", "New value =", "Program received signal SIGINT"} {
		if !strings.Contains(out, want) {
			t.Errorf("gdb's output lacks %q", want)
		}
	}
	// The cursor position is written by the BIOS's INT 10h, in Go behind
	// the ROM at F000h, for FreeDOS printing its banner.
	if w := field(t, out, "WATCH"); !strings.HasPrefix(w, "f000 ") {
		t.Errorf("the watchpoint stopped in segment %s, want the BIOS's f000", w)
	}
	select {
	case <-killed:
	case <-time.After(10 * time.Second):
		t.Error("gdb's kill did not reach pcemu")
	}
}

// Reverse execution driven by gdb: reverse-continue from the second stop
// at 7C00h (the partition's boot sector, which the master boot record
// loaded where it ran) back to the first (the master boot record), and
// reverse-stepi back across the timer's IRQ into the code it interrupted.
func TestGDBReverse(t *testing.T) {
	m, srv := freeDOS(t, Options{ReverseMemory: 256 << 20})
	out := gdbRun(t, m, fmt.Sprintf(`
set confirm off
set pagination off
target remote %s
break *0x7c00
continue
printf "HIT1 %%04x:%%04x sp=%%04x si=%%04x bx=%%04x dx=%%04x\n", $cs, $eip, $esp, $esi, $ebx, $edx
continue
printf "HIT2 %%04x:%%04x sp=%%04x si=%%04x bx=%%04x dx=%%04x\n", $cs, $eip, $esp, $esi, $ebx, $edx
reverse-continue
printf "BACK %%04x:%%04x sp=%%04x si=%%04x bx=%%04x dx=%%04x\n", $cs, $eip, $esp, $esi, $ebx, $edx
delete
break *0xffea5
continue
printf "IRQ %%04x:%%04x sp=%%04x\n", $cs, $eip, $esp
reverse-stepi
printf "BEFORE %%04x:%%04x sp=%%04x\n", $cs, $eip, $esp
stepi
printf "AGAIN %%04x:%%04x sp=%%04x\n", $cs, $eip, $esp
delete
reverse-continue
printf "START %%04x:%%04x\n", $cs, $eip
kill
`, srv.Addr()))
	t.Logf("gdb's session:\n%s", out)
	hit1, hit2, back := field(t, out, "HIT1"), field(t, out, "HIT2"), field(t, out, "BACK")
	if hit1 == hit2 || back != hit1 || !strings.HasPrefix(hit1, "0000:7c00 ") {
		t.Errorf("reverse-continue from %q went to %q, want the first stop %q", hit2, back, hit1)
	}
	irq, before, again := field(t, out, "IRQ"), field(t, out, "BEFORE"), field(t, out, "AGAIN")
	var irqSP, beforeSP uint64
	fmt.Sscanf(irq[strings.Index(irq, "sp=")+3:], "%x", &irqSP)
	fmt.Sscanf(before[strings.Index(before, "sp=")+3:], "%x", &beforeSP)
	if !strings.HasPrefix(irq, "f000:fea5 ") || strings.HasPrefix(before, "f000:fea5") || beforeSP != irqSP+6 || again != irq {
		t.Errorf("reverse-stepi from the IRQ handler %q to %q (the entry pushes 6 bytes), stepi again to %q", irq, before, again)
	}
	if !strings.Contains(out, "No more reverse-execution history.") || field(t, out, "START") != "f000:fff0" {
		t.Errorf("reverse-continue with nothing to meet did not reach the start of the history (power-on)")
	}
}

// gdb's other kinds: hbreak (Z1), rwatch (Z3) and awatch (Z4), on the BIOS
// data area's tick count, which the BIOS's timer interrupt (Go behind
// the ROM) reads and writes.
func TestGDBHardwareBreakAndWatchKinds(t *testing.T) {
	m, srv := freeDOS(t, Options{})
	out := gdbRun(t, m, fmt.Sprintf(`
set confirm off
set pagination off
target remote %s
hbreak *0x7c00
continue
printf "HB %%04x:%%04x\n", $cs, $eip
delete
rwatch *(unsigned short *)0x46c
continue
printf "RW %%04x\n", $cs
delete
awatch *(unsigned short *)0x46c
continue
printf "AW %%04x\n", $cs
kill
`, srv.Addr()))
	t.Logf("gdb's session:\n%s", out)
	if got := field(t, out, "HB"); got != "0000:7c00" {
		t.Errorf("hbreak stopped at %s", got)
	}
	for _, name := range []string{"RW", "AW"} {
		if got := field(t, out, name); got != "f000" {
			t.Errorf("%s stopped in segment %s, want the BIOS's f000", name, got)
		}
	}
	for _, want := range []string{"Hardware assisted breakpoint 1", "Hardware read watchpoint 2: *(unsigned short *)0x46c", "Value = ", "Hardware access (read/write) watchpoint 3: *(unsigned short *)0x46c"} {
		if !strings.Contains(out, want) {
			t.Errorf("gdb's output lacks %q", want)
		}
	}
}
