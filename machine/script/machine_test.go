package script

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/shared"
	"pcemu/machine"
)

// keyechoMachine boots testdata/keyecho.bin, which prints "KEY hhhh c" for
// every key INT 16h AH=10h returns.
func keyechoMachine(t *testing.T) *machine.Machine {
	t.Helper()
	b, err := os.ReadFile("testdata/keyecho.bin")
	if err != nil {
		t.Fatal(err)
	}
	img := make([]byte, 1<<20)
	copy(img, b)
	disk := filepath.Join(t.TempDir(), "keyecho.img")
	if err := os.WriteFile(disk, img, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := machine.New(machine.Config{Model: cpu.Model80286, HardDisks: [4]string{disk}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// The keys of type and key steps reach the guest through the 8042 and the
// BIOS's INT 09h as the keys a PC/AT BIOS reports for them (IBM PC/AT
// Technical Reference, keyboard scan code/character tables).
func TestScriptOnTheMachine(t *testing.T) {
	m := keyechoMachine(t)
	src := `# keys through the real keyboard path
wait "READY>" 10s
type "aZ\r"
wait "KEY 1C0D"
expect "KEY 1E61 a"
expect "KEY 2C5A Z"
type "\{F1}\{Ctrl-C}\{Alt-X}\{Up}\{Shift-Tab}\t\b"
wait "KEY 0E08"
expect "KEY 3B00"
expect "KEY 2E03"
expect "KEY 2D00"
expect "KEY 48E0"
expect "KEY 0F00"
expect "KEY 0F09"
key F12 KP5 Home
wait "KEY 47E0"
expect "KEY 8600"
expect "KEY 4C"          # keypad 5: 4C00h with Num Lock off, 4C35h with it on
reject "KEY FFFF"
sleep 100ms
key Esc
sleep 100ms
`
	s, err := Parse("keys.script", src)
	if err != nil {
		t.Fatal(err)
	}
	// Esc ends keyecho through the exit port: the key step and the sleep
	// after it end early and the script succeeds.
	if err := s.Run(context.Background(), m, Options{}); err != nil {
		t.Fatalf("Run = %v\nscreen:\n%s", err, m.ScreenText())
	}
	if m.Stopped() != machine.ExitPort {
		t.Errorf("stopped by %v, want the exit port", m.Stopped())
	}
	// On a stopped machine a wait fails; expect still sees the last screen.
	s, _ = Parse("t.script", "expect \"KEY 011B\"\nwait \"C:\\\\>\"\n")
	err = s.Run(context.Background(), m, Options{})
	var e *Error
	if !errors.As(err, &e) || e.Line != 2 || e.Kind != Failed || !strings.Contains(e.Reason, "stopped") {
		t.Fatalf("wait on a stopped machine = %v", err)
	}
}

func TestScriptOnTheMachineFailsAndTimesOut(t *testing.T) {
	m := keyechoMachine(t)
	s, err := Parse("t.script", "wait \"READY>\"\nexpect \"C:\\\\>\"\n")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Run(context.Background(), m, Options{})
	if ExitStatus(err) != 1 || !strings.Contains(err.(*Error).Screen, "READY>") {
		t.Fatalf("Run = %v, want a failure showing the screen", err)
	}
	s, _ = Parse("t.script", "wait \"never shown\" 2s\n")
	err = s.Run(context.Background(), m, Options{})
	if ExitStatus(err) != 124 {
		t.Fatalf("Run = %v, want a timeout", err)
	}
	// A host deadline (the --timeout of pcemu) is a timeout too.
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	<-ctx.Done() // not a sleep: under load the deadline's timer may fire later
	s, _ = Parse("t.script", "sleep 10s\n")
	if err := s.Run(ctx, m, Options{}); ExitStatus(err) != 124 {
		t.Fatalf("Run past the host deadline = %v, want a timeout", err)
	}
	// poweroff stops the machine; screendump writes the screen.
	dump := filepath.Join(t.TempDir(), "screen.txt")
	s, _ = Parse("t.script", "screendump \""+dump+"\"\npoweroff\n")
	if err := s.Run(context.Background(), m, Options{}); err != nil {
		t.Fatal(err)
	}
	if m.Stopped() != machine.PowerOff {
		t.Errorf("stopped by %v after poweroff", m.Stopped())
	}
	if b, err := os.ReadFile(dump); err != nil || !bytes.Contains(b, []byte("READY>")) {
		t.Errorf("screendump: %v %q", err, b)
	}
}

// testdata/keyecho.bin is what nasm makes of keyecho.asm.
func TestKeyechoMatchesSource(t *testing.T) {
	nasm := shared.Tool(t, "nasm")
	out := filepath.Join(t.TempDir(), "keyecho.bin")
	if msg, err := exec.Command(nasm, "-f", "bin", "-o", out, "testdata/keyecho.asm").CombinedOutput(); err != nil {
		t.Fatalf("nasm: %v\n%s", err, msg)
	}
	got, _ := os.ReadFile(out)
	want, _ := os.ReadFile("testdata/keyecho.bin")
	if !bytes.Equal(got, want) {
		t.Error("testdata/keyecho.bin differs from what nasm makes of testdata/keyecho.asm")
	}
}

// The example script of the README runs on FreeDOS from the shared image
// (with -snapshot: the image is not changed), and twice gives the same
// run, instruction for instruction.
func TestFreeDOSScript(t *testing.T) {
	img := shared.Path(t, "images/freedos-hd.vhd")
	if testing.Short() {
		t.Skip("boots FreeDOS; skipped with -short")
	}
	s, err := ParseFile("testdata/freedos.script")
	if err != nil {
		t.Fatal(err)
	}
	run := func() (string, machine.Stats) {
		m, err := machine.New(machine.Config{Model: cpu.Model80286, HardDisks: [4]string{img}, Snapshot: true})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		if err := s.Run(ctx, m, Options{}); err != nil {
			var e *Error
			if errors.As(err, &e) {
				t.Fatal(e.Report())
			}
			t.Fatal(err)
		}
		if m.Stopped() != machine.PowerOff {
			t.Errorf("stopped by %v, want power off", m.Stopped())
		}
		return m.ScreenText(), m.Stats()
	}
	screen1, stats1 := run()
	screen2, stats2 := run()
	if screen1 != screen2 || stats1.Instructions != stats2.Instructions || stats1.VirtualTime != stats2.VirtualTime {
		t.Errorf("two runs differ: %d/%d instructions, %v/%v virtual\nfirst:\n%s\nsecond:\n%s",
			stats1.Instructions, stats2.Instructions, stats1.VirtualTime, stats2.VirtualTime, screen1, screen2)
	}
	t.Logf("%d instructions, virtual time %v; screen at the end:\n%s", stats1.Instructions, stats1.VirtualTime, screen1)
}

// Ctrl-Alt-Del from a script reboots FreeDOS.
func TestCtrlAltDelScript(t *testing.T) {
	img := shared.Path(t, "images/freedos-hd.vhd")
	if testing.Short() {
		t.Skip("boots FreeDOS twice; skipped with -short")
	}
	s, err := ParseFile("testdata/ctrl-alt-del.script")
	if err != nil {
		t.Fatal(err)
	}
	m, err := machine.New(machine.Config{Model: cpu.Model80286, HardDisks: [4]string{img}, Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := s.Run(context.Background(), m, Options{}); err != nil {
		var e *Error
		if errors.As(err, &e) {
			t.Fatal(e.Report())
		}
		t.Fatal(err)
	}
}
