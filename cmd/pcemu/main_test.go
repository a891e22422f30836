package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"pcemu/cmd/pcemu/sdl"
	"pcemu/internal/shared"
	"pcemu/internal/wavcheck"
	"pcemu/vhd"
)

// pcemuBin is the pcemu program built once for the tests that run it as a
// user would (exit statuses, signals).
var pcemuBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pcemu-test-")
	if err != nil {
		panic(err)
	}
	pcemuBin = filepath.Join(dir, "pcemu")
	out, err := exec.Command("go", "build", "-o", pcemuBin, ".").CombinedOutput()
	if err != nil {
		os.Stderr.Write(out)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// pcemu runs the program and returns its exit status, stdout and stderr.
func pcemu(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(pcemuBin, args...)
	cmd.Env = headless()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), stdout.String(), stderr.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, stdout.String(), stderr.String()
}

// headless is the environment without a graphical session, so that pcemu
// defaults to -display none.
func headless() []string {
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "DISPLAY=") && !strings.HasPrefix(e, "WAYLAND_DISPLAY=") {
			env = append(env, e)
		}
	}
	return env
}

func benchDisk(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(shared.Path(t, filepath.Join("bench", name)))
	if err != nil {
		t.Fatal(err)
	}
	img := make([]byte, 1<<20)
	copy(img, b)
	p := filepath.Join(t.TempDir(), name+".img")
	if err := os.WriteFile(p, img, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// bootDisk is a 1 MiB raw image whose boot sector holds code.
func bootDisk(t *testing.T, name string, code []byte) string {
	t.Helper()
	img := make([]byte, 1<<20)
	copy(img, code)
	img[510], img[511] = 0x55, 0xAA
	p := filepath.Join(t.TempDir(), name+".img")
	if err := os.WriteFile(p, img, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestBenchExitStatusAndDebugcon(t *testing.T) {
	disk := benchDisk(t, "bench0.bin")
	out := filepath.Join(t.TempDir(), "e9.txt")
	status, _, stderr := pcemu(t, "-hda", disk, "-cpu", "8086", "-debugcon", "file:"+out, "--stats")
	if status != 1 {
		t.Errorf("exit status %d, want 1 (OUT F4h,0); stderr: %s", status, stderr)
	}
	if b, _ := os.ReadFile(out); string(b) != "DX=5678 BX=1234\n" {
		t.Errorf("debugcon file %q", b)
	}
	if !strings.Contains(stderr, "instructions") || !strings.Contains(stderr, "MIPS") || !strings.Contains(stderr, "sectors read") {
		t.Errorf("--stats output: %q", stderr)
	}
	status, stdout, _ := pcemu(t, "--hda", disk, "--debugcon", "stdio")
	if status != 1 || stdout != "DX=5678 BX=1234\n" {
		t.Errorf("debugcon stdio: status %d, output %q", status, stdout)
	}
	// -mips sets how much virtual time an instruction takes.
	_, _, slow := pcemu(t, "-hda", benchDisk(t, "bench.bin"), "-mips", "1", "--stats")
	if !strings.Contains(slow, "200.00") || !strings.Contains(slow, " s virtual time") {
		t.Errorf("-mips 1: %q, want 200s of virtual time for 200 million instructions", slow)
	}
}

func TestDemoDiskWithoutArguments(t *testing.T) {
	status, stdout, stderr := pcemu(t, "--timeout", "2m")
	if status != 0 {
		t.Errorf("exit status %d, want 0 (APM power-off); stderr: %s", status, stderr)
	}
	for _, want := range []string{"pcemu demo disk", "Scratch disk 81h write/read (03h, 42h, 43h, 02h): OK", "Powering off"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, stdout)
		}
	}
}

func TestExpectAndScreendump(t *testing.T) {
	dir := t.TempDir()
	txt, png := filepath.Join(dir, "s.txt"), filepath.Join(dir, "s.png")
	status, _, stderr := pcemu(t, "--expect", "Drive 80h C/H/S", "--screendump", txt, "--timeout", "2m")
	if status != 0 {
		t.Fatalf("--expect: status %d; stderr: %s", status, stderr)
	}
	if b, _ := os.ReadFile(txt); !strings.Contains(string(b), "Drive 80h C/H/S") {
		t.Errorf("screendump text: %q", b)
	}
	// --screendump may be given more than once: the same screen in each.
	txt2 := filepath.Join(dir, "s2.txt")
	status, _, stderr = pcemu(t, "--expect", "Processor", "--screendump", png, "--screendump", txt2)
	b, _ := os.ReadFile(png)
	if status != 0 || !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("png screendump: status %d, %d bytes; stderr %s", status, len(b), stderr)
	}
	if b, _ := os.ReadFile(txt2); !strings.Contains(string(b), "Processor") {
		t.Errorf("second --screendump: %q", b)
	}
	// --fail-screendump writes nothing when the run passes.
	unused := filepath.Join(dir, "unused.png")
	if status, _, stderr = pcemu(t, "--expect", "Processor", "--fail-screendump", unused); status != 0 {
		t.Errorf("status %d; stderr %s", status, stderr)
	}
	if _, err := os.Stat(unused); !os.IsNotExist(err) {
		t.Errorf("--fail-screendump after a pass: %v", err)
	}
	if status, _, stderr = pcemu(t, "--fail-screendump", dir+"/none/x.txt"); status != 1 || !strings.Contains(stderr, "--fail-screendump "+dir+"/none/x.txt: cannot be written") {
		t.Errorf("--fail-screendump into a missing folder: status %d, %s", status, stderr)
	}
}

func TestExpectNeverSeen(t *testing.T) {
	// The demo powers off without showing this text: pcemu fails.
	// --fail-screendump keeps the screen of a failed run.
	dump := filepath.Join(t.TempDir(), "failed.txt")
	status, _, stderr := pcemu(t, "--expect", "no such text", "--timeout", "2m", "--fail-screendump", dump)
	if status != 1 || !strings.Contains(stderr, "before \"no such text\" appeared") {
		t.Errorf("status %d, stderr %q", status, stderr)
	}
	if b, err := os.ReadFile(dump); err != nil || !strings.Contains(string(b), "Powering off") {
		t.Errorf("--fail-screendump after a failure: %v %q", err, b)
	}
}

// --expect is the script step wait "TEXT" without a limit of virtual
// time: the host's --timeout ends it with 124 and says so.
func TestExpectTimeout(t *testing.T) {
	disk := benchDisk(t, "bench2g.bin")
	status, _, stderr := pcemu(t, "-hda", disk, "--expect", "never shown", "--timeout", "300ms")
	if status != 124 || !strings.Contains(stderr, `--expect: wait "never shown": stopped by the host`) || !strings.Contains(stderr, "timeout after 300ms") {
		t.Errorf("status %d, stderr %q", status, stderr)
	}
}

// A script that cannot succeed is refused before the machine starts (the
// demo disk, which writes to the debug console at once, never runs), in one
// line that names the script's line and says each thing once.
func TestScriptCheckedBeforeTheMachineStarts(t *testing.T) {
	dir := t.TempDir()
	sc := filepath.Join(dir, "dump.pcs")
	os.WriteFile(sc, []byte("wait \"Press a key\"\nscreendump out.bmp\n"), 0o644)
	status, stdout, stderr := pcemu(t, "--script", sc, "-debugcon", "stdio")
	if want := "pcemu: " + sc + ":2: screendump out.bmp: the name must end in .txt or .png\n"; status != 1 || stderr != want || stdout != "" {
		t.Errorf("status %d, stdout %q, stderr %q; want 1, nothing, %q", status, stdout, stderr, want)
	}
	os.WriteFile(sc, []byte("screendump "+dir+"/none/s.txt\n"), 0o644)
	status, stdout, stderr = pcemu(t, "--script", sc, "-debugcon", "stdio")
	if status != 1 || stdout != "" || !strings.Contains(stderr, "the folder "+dir+"/none does not exist") {
		t.Errorf("status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	status, stdout, stderr = pcemu(t, "--screendump", dir+"/none/s.txt", "-debugcon", "stdio")
	if status != 1 || stdout != "" || !strings.Contains(stderr, "pcemu: --screendump "+dir+"/none/s.txt: cannot be written") {
		t.Errorf("--screendump: status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
}

func TestTimeout(t *testing.T) {
	// bench2g runs for far longer than 300ms of host time.
	disk := benchDisk(t, "bench2g.bin")
	status, _, stderr := pcemu(t, "-hda", disk, "--timeout", "300ms")
	if status != 124 || !strings.Contains(stderr, "timeout after 300ms") {
		t.Errorf("status %d, stderr %q", status, stderr)
	}
}

func TestSignalClosesImages(t *testing.T) {
	dir := t.TempDir()
	disk := filepath.Join(dir, "d.vhd")
	b, err := os.ReadFile(shared.Path(t, "bench/bench2g.bin"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := vhd.Create(disk, vhd.CreateOptions{Size: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	d.WriteAt(b, 0)
	d.Close()
	cmd := exec.Command(pcemuBin, "-hda", disk)
	cmd.Env = headless()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Once pcemu has the image open it has its signal handler (installed
	// first thing); /proc shows the open file without touching its lock.
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		cmd.Process.Kill()
		t.Skip("no /proc to see pcemu's open files")
	}
	for i := 0; ; i++ {
		if hasOpen(cmd.Process.Pid, disk) {
			break
		}
		if i == 3000 {
			cmd.Process.Kill()
			t.Fatal("pcemu did not open the image within 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGTERM)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 128+int(syscall.SIGTERM) {
		t.Errorf("after SIGTERM: %v; stderr %s", err, stderr.String())
	}
	// The image was closed cleanly: it opens for writing again.
	d, err = vhd.Open(disk, nil)
	if err != nil {
		t.Fatalf("image after SIGTERM: %v", err)
	}
	d.Close()
}

// hasOpen reports whether process pid has the file name open.
func hasOpen(pid int, name string) bool {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	fds, _ := os.ReadDir(dir)
	for _, fd := range fds {
		if target, err := os.Readlink(filepath.Join(dir, fd.Name())); err == nil && target == name {
			return true
		}
	}
	return false
}

func TestImageErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.vhd")
	os.WriteFile(bad, bytes.Repeat([]byte{0x42}, 8192), 0o644)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-hda", filepath.Join(dir, "missing.vhd")}, "missing.vhd"},
		{[]string{"-hda", bad}, "bad.vhd"},
		{[]string{"-fda", filepath.Join(dir, "nofloppy.img")}, "nofloppy.img"},
		{[]string{"-cpu", "486"}, "-cpu 486"},
		{[]string{"-display", "vnc"}, "unknown display"},
		{[]string{"-m", "64M"}, "memory size"},
		{[]string{"-cpu", "8086", "-m", "2M"}, "memory size"},
	} {
		status, _, stderr := pcemu(t, tc.args...)
		if status != 1 || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, "panic") {
			t.Errorf("pcemu %q: status %d, stderr %q; want 1 and a message naming %q", tc.args, status, stderr, tc.want)
		}
	}
}

func TestLockedImage(t *testing.T) {
	dir := t.TempDir()
	disk := filepath.Join(dir, "d.vhd")
	d, err := vhd.Create(disk, vhd.CreateOptions{Size: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	status, _, stderr := pcemu(t, "-hda", disk) // d holds the write lock, as another pcemu would
	if status != 1 || !strings.Contains(stderr, "in use") {
		t.Errorf("status %d, stderr %q", status, stderr)
	}
	d.Close()

	// Two -snapshot runs share an image: each reads it under a shared
	// lock and writes to its own temporary overlay.
	b, err := os.ReadFile(shared.Path(t, "bench/bench0.bin"))
	if err != nil {
		t.Fatal(err)
	}
	d, err = vhd.Open(disk, nil)
	if err != nil {
		t.Fatal(err)
	}
	d.WriteAt(append(b, make([]byte, 512*7)...), 0)
	d.Close()
	reader, err := vhd.Open(disk, &vhd.OpenOptions{ReadOnly: true}) // the other -snapshot user
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	status, stdout, stderr := pcemu(t, "-hda", disk, "-snapshot", "-debugcon", "stdio")
	if status != 1 || stdout != "DX=5678 BX=1234\n" {
		t.Errorf("-snapshot beside another reader: status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
}

func TestHelp(t *testing.T) {
	status, _, stderr := pcemu(t, "-help")
	if status != 0 || !strings.Contains(stderr, "usage: pcemu") {
		t.Errorf("status %d, %q", status, stderr)
	}
}

// With -display sdl (under Xvfb) the machine runs in the window's process
// and --expect still ends the run.
func TestDisplaySDLUnderXvfb(t *testing.T) {
	if !sdl.Built {
		t.Skip("built without SDL")
	}
	xvfb := shared.Tool(t, "xvfb-run")
	cmd := exec.Command(xvfb, "-a", pcemuBin, "-display", "sdl", "--expect", "Scratch disk 81h write/read (03h, 42h, 43h, 02h): OK", "--timeout", "60s")
	cmd.Env = headless()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("pcemu -display sdl: %v\n%s", err, out)
	}
}

// The acceptance commands: FreeDOS to C:\> from the VHD with
// -snapshot (the image is not touched) and to A:\> from the floppy.
func TestFreeDOSExpect(t *testing.T) {
	hd := shared.Path(t, "images/freedos-hd.vhd")
	before, err := os.ReadFile(hd)
	if err != nil {
		t.Fatal(err)
	}
	status, _, stderr := pcemu(t, "-hda", hd, "-snapshot", "-display", "none", "--expect", `C:\>`, "--timeout", "60s", "--stats")
	if status != 0 {
		t.Errorf("C:\\>: status %d\n%s", status, stderr)
	}
	t.Log(strings.TrimSpace(stderr))
	if after, _ := os.ReadFile(hd); !bytes.Equal(before, after) {
		t.Error("-snapshot changed the image")
	}
	fd := shared.Path(t, "images/freedos-boot-1440k.img")
	status, _, stderr = pcemu(t, "-fda", fd, "-boot", "a", "-display", "none", "--expect", `A:\>`, "--timeout", "60s")
	if status != 0 {
		t.Errorf("A:\\>: status %d\n%s", status, stderr)
	}
}

// --script drives the machine; a failing step gives status 1 with its line
// and the screen, a wait that times out 124.
func TestScript(t *testing.T) {
	dir := t.TempDir()
	dump := filepath.Join(dir, "screen.txt")
	ok := filepath.Join(dir, "ok.pcs")
	os.WriteFile(ok, []byte("wait \"Press a key\" 30s\nexpect \"Scratch disk 81h\"\nreject \"FAILED\"\nscreendump "+dump+"\ntype \" \"\nsleep 1s\n"), 0o644)
	status, _, stderr := pcemu(t, "--script", ok, "--timeout", "2m")
	if status != 0 {
		t.Errorf("passing script: status %d\n%s", status, stderr)
	}
	if b, _ := os.ReadFile(dump); !strings.Contains(string(b), "pcemu demo disk") {
		t.Errorf("script screendump: %q", b)
	}
	bad := filepath.Join(dir, "bad.pcs")
	os.WriteFile(bad, []byte("wait \"Press a key\" 30s\nexpect \"no such text\"\n"), 0o644)
	status, _, stderr = pcemu(t, "--script", bad)
	if status != 1 || !strings.Contains(stderr, "bad.pcs:2") || !strings.Contains(stderr, "pcemu demo disk") {
		t.Errorf("failing script: status %d\n%s", status, stderr)
	}
	slow := filepath.Join(dir, "slow.pcs")
	os.WriteFile(slow, []byte("wait \"no such text\" 1s\n"), 0o644)
	status, _, stderr = pcemu(t, "--script", slow)
	if status != 124 {
		t.Errorf("timed-out wait: status %d\n%s", status, stderr)
	}
	syntax := filepath.Join(dir, "syntax.pcs")
	os.WriteFile(syntax, []byte("frobnicate\n"), 0o644)
	status, _, stderr = pcemu(t, "--script", syntax)
	if status != 1 || !strings.Contains(stderr, "syntax.pcs:1") {
		t.Errorf("syntax error: status %d\n%s", status, stderr)
	}
}

// A disk with nothing bootable: the BIOS's message on stderr, status 1.
func TestNoBootDevice(t *testing.T) {
	blank := filepath.Join(t.TempDir(), "blank.img")
	os.WriteFile(blank, make([]byte, 1<<20), 0o644)
	status, _, stderr := pcemu(t, "-hda", blank, "--timeout", "60s")
	if status != 1 || !strings.Contains(stderr, "No bootable device") {
		t.Errorf("status %d, stderr %q", status, stderr)
	}
}

// -serial stdio carries COM1 both ways: the guest echoes what it receives
// on the serial line back to it, upper-cased, until a newline.
func TestSerialStdio(t *testing.T) {
	nasm := shared.Tool(t, "nasm")
	dir := t.TempDir()
	src := `bits 16
org 0x7C00
        mov dx, 0x3FB
        mov al, 3                  ; 8N1 (the BIOS set the baud rate)
        out dx, al
next:   mov dx, 0x3FD
rx:     in al, dx
        test al, 1                 ; data ready
        jz rx
        mov dx, 0x3F8
        in al, dx
        cmp al, 'a'
        jb send
        cmp al, 'z'
        ja send
        sub al, 32
send:   mov ah, al
        mov dx, 0x3FD
tx:     in al, dx
        test al, 0x20
        jz tx
        mov dx, 0x3F8
        mov al, ah
        out dx, al
        cmp al, 10
        jne next
        mov dx, 0x3FD
drain:  in al, dx
        test al, 0x40
        jz drain
        mov al, 0
        out 0xF4, al
times 510-($-$$) db 0
dw 0xAA55
`
	asm := filepath.Join(dir, "echo.asm")
	os.WriteFile(asm, []byte(src), 0o644)
	bin := filepath.Join(dir, "echo.bin")
	if out, err := exec.Command(nasm, "-f", "bin", "-o", bin, asm).CombinedOutput(); err != nil {
		t.Fatalf("nasm: %v\n%s", err, out)
	}
	code, _ := os.ReadFile(bin)
	img := filepath.Join(dir, "echo.img")
	os.WriteFile(img, append(code, make([]byte, 1<<20-len(code))...), 0o644)

	cmd := exec.Command(pcemuBin, "-hda", img, "-serial", "stdio", "--timeout", "60s")
	cmd.Env = headless()
	cmd.Stdin = strings.NewReader("hello, com1\n")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || stdout.String() != "HELLO, COM1\n" {
		t.Errorf("exit %v, stdout %q, stderr %q", err, stdout.String(), stderr.String())
	}
}

// beepDisk is a boot sector that plays 1193182/1192 Hz on the speaker for
// about 105 ms (16 x 65536 LOOPs at 100 ns) and exits through port F4h.
func beepDisk(t *testing.T) string {
	t.Helper()
	code := []byte{
		0xB0, 0xB6, 0xE6, 0x43, // mov al, B6h; out 43h, al: channel 2, mode 3
		0xB0, 0xA8, 0xE6, 0x42, 0xB0, 0x04, 0xE6, 0x42, // divisor 04A8h
		0xE4, 0x61, 0x0C, 0x03, 0xE6, 0x61, // gate and speaker data on
		0xBA, 0x10, 0x00, // mov dx, 16
		0xB9, 0x00, 0x00, 0xE2, 0xFE, 0x4A, 0x75, 0xF8, // mov cx, 0; loop $; dec dx; jnz
		0xE4, 0x61, 0x24, 0xFC, 0xE6, 0x61, // speaker off
		0xB0, 0x00, 0xE6, 0xF4, // exit status 1
	}
	return bootDisk(t, "beep", code)
}

// --audio-out writes the speaker's sound, headless, as a WAV file.
func TestAudioOut(t *testing.T) {
	wav := filepath.Join(t.TempDir(), "beep.wav")
	status, _, stderr := pcemu(t, "-hda", beepDisk(t), "--audio-out", wav)
	if status != 1 {
		t.Fatalf("exit status %d, want 1; stderr: %s", status, stderr)
	}
	b, err := os.ReadFile(wav)
	if err != nil {
		t.Fatal(err)
	}
	s, rate, err := wavcheck.Read(b)
	if err != nil {
		t.Fatal(err)
	}
	tones := wavcheck.Tones(s, 500, 2000, rate/40)
	if len(tones) != 1 {
		t.Fatalf("%d sounds, want 1", len(tones))
	}
	if f := wavcheck.Dominant(s[tones[0].Start:tones[0].End], rate, 50, 10000); f < 995 || f > 1006 {
		t.Errorf("dominant frequency %.1f Hz, want 1001", f)
	}
}

// With a window, the speaker plays through SDL's audio device: on SDL's
// dummy video and disk audio drivers, the device's file holds the beep.
func TestSDLAudio(t *testing.T) {
	if !sdl.Built {
		t.Skip("built without SDL")
	}
	raw := filepath.Join(t.TempDir(), "audio.raw")
	cmd := exec.Command(pcemuBin, "-hda", beepDisk(t), "-display", "sdl")
	cmd.Env = append(headless(), "SDL_VIDEODRIVER=dummy", "SDL_AUDIODRIVER=disk", "SDL_DISKAUDIOFILE="+raw)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("pcemu -display sdl: %v, want exit status 1\n%s", err, out)
	}
	b, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	s := make([]int16, len(b)/2)
	for i := range s {
		s[i] = int16(uint16(b[2*i]) | uint16(b[2*i+1])<<8)
	}
	// The device plays in real time: a host too busy to feed it for longer
	// than the window's queue breaks the tone into pieces with silence
	// between (the rate within each stays right); the longest is measured.
	tones := wavcheck.Tones(s, 500, 2000, 48000/40)
	var tone wavcheck.Span
	for _, sp := range tones {
		if sp.End-sp.Start > tone.End-tone.Start {
			tone = sp
		}
	}
	if tone.End-tone.Start < 48000/50 {
		t.Fatalf("sounds %v in %d samples the device played, want one of 20 ms or more", tones, len(s))
	}
	if len(tones) > 1 {
		t.Logf("the tone came in %d pieces (the host was busy): %v", len(tones), tones)
	}
	if f := wavcheck.Dominant(s[tone.Start:tone.End], 48000, 50, 10000); f < 980 || f > 1020 {
		t.Errorf("the device played %.1f Hz, want 1001", f)
	}
}

// A script drives CuteMouse in FreeDOS headless: mouse steps open EDIT's
// File menu and leave through its Exit item.
func TestMouseScript(t *testing.T) {
	img := shared.Path(t, "images/freedos-hd.vhd")
	sc := filepath.Join(t.TempDir(), "edit.pcs")
	os.WriteFile(sc, []byte(`wait "C:\>" 60s
type "ctmouse\r"
wait "Installed at PS/2 port"
type "edit\r"
wait "File  Edit  Search"
mouse move 4 1
mouse click
wait "Exit             Alt+X"   # the menu, drawn to its last line
mouse move 6 14                  # on Exit
mouse click left
wait "C:\>" 10s
reject "FreeDOS Edit"
`), 0o644)
	status, _, stderr := pcemu(t, "-hda", img, "-snapshot", "-m", "4M", "--script", sc, "--timeout", "3m")
	if status != 0 {
		t.Errorf("script: status %d\n%s", status, stderr)
	}
}

// loopDisk is a boot sector that counts its boots in the byte at 0000:0600
// and waits in a loop with interrupts on (the monitor tests' guest).
func loopDisk(t *testing.T) string {
	t.Helper()
	code := []byte{
		0xFE, 0x06, 0x00, 0x06, // inc byte [0x600]
		0xB8, 0x34, 0x12, // mov ax, 0x1234
		0xFB,       // sti
		0xEB, 0xFE, // jmp $
	}
	return bootDisk(t, "loop", code)
}

// monitorSession talks to a monitor: each command's reply is what comes
// before the next prompt.
type monitorSession struct {
	t *testing.T
	w io.Writer
	r *bufio.Reader
}

// until reads up to and including the prompt.
func (s *monitorSession) until() string {
	s.t.Helper()
	var out strings.Builder
	for !strings.HasSuffix(out.String(), "(pcemu) ") {
		b, err := s.r.ReadByte()
		if err != nil {
			s.t.Fatalf("monitor: %v after %q", err, out.String())
		}
		out.WriteByte(b)
	}
	return strings.TrimSuffix(out.String(), "(pcemu) ")
}

func (s *monitorSession) cmd(line string) string {
	s.t.Helper()
	if _, err := io.WriteString(s.w, line+"\n"); err != nil {
		s.t.Fatal(err)
	}
	return s.until()
}

// poll repeats a command until its reply contains want.
func (s *monitorSession) poll(line, want string) string {
	s.t.Helper()
	var out string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if out = s.cmd(line); strings.Contains(out, want) {
			return out
		}
	}
	s.t.Fatalf("%s: %q, never %q", line, out, want)
	return out
}

// -monitor stdio through a pipe: look, stop, reset, continue, quit.
func TestMonitorStdio(t *testing.T) {
	cmd := exec.Command(pcemuBin, "-hda", loopDisk(t), "-monitor", "stdio", "--timeout", "60s")
	cmd.Env = headless()
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &monitorSession{t: t, w: stdin, r: bufio.NewReader(stdout)}
	if banner := s.until(); banner != "pcemu monitor - type 'help' for more information\n" {
		t.Errorf("banner %q", banner)
	}
	s.poll("xp/1xb 0x600", "00000600: 0x01\n") // the boot sector ran
	if out := s.cmd("stop"); out != "" {
		t.Errorf("stop: %q", out)
	}
	if out := s.cmd("info status"); out != "VM status: paused\n" {
		t.Errorf("info status: %q", out)
	}
	if out := s.cmd("x/2i 0:0x7c04"); out != "0000:7C04  B83412             mov ax,0x1234\n0000:7C07  FB                 sti\n" {
		t.Errorf("x/2i: %q", out)
	}
	if out := s.cmd("info registers"); !strings.Contains(out, "AX=1234") {
		t.Errorf("info registers: %q", out)
	}
	s.cmd("system_reset")
	s.cmd("cont")
	s.poll("xp/1xb 0x600", "00000600: 0x02\n") // booted again
	io.WriteString(stdin, "quit\n")
	err := cmd.Wait()
	if err != nil {
		t.Errorf("pcemu after quit: %v, stderr %q", err, stderr.String())
	}
}

// -monitor unix:PATH,server waits for a client before the machine starts;
// system_powerdown ends the run, and the socket goes with it.
func TestMonitorUnixSocket(t *testing.T) {
	dir, err := os.MkdirTemp("", "pcemu-mon")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "m.sock")
	cmd := exec.Command(pcemuBin, "-hda", loopDisk(t), "-monitor", "unix:"+sock+",server", "--timeout", "60s")
	cmd.Env = headless()
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var c net.Conn
	for deadline := time.Now().Add(30 * time.Second); c == nil; time.Sleep(10 * time.Millisecond) {
		if c, err = net.Dial("unix", sock); err != nil && time.Now().After(deadline) {
			t.Fatalf("no socket: %v; stderr %q", err, stderr.String())
		}
	}
	defer c.Close()
	if !strings.Contains(stderr.String(), "waiting for a monitor connection on "+sock) {
		t.Errorf("stderr %q", stderr.String())
	}
	s := &monitorSession{t: t, w: c, r: bufio.NewReader(c)}
	s.until()
	s.poll("xp/1xb 0x600", "00000600: 0x01\n")
	io.WriteString(c, "system_powerdown\n")
	if err := cmd.Wait(); err != nil {
		t.Errorf("pcemu after system_powerdown: %v, stderr %q", err, stderr.String())
	}
	if _, err := os.Lstat(sock); err == nil {
		t.Error("the socket stayed after pcemu ended")
	}
}

// syncBuffer is a bytes.Buffer safe for the writer (the process) and a
// reader (the test).
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// serialFloodDisk is a boot sector that sends 'x' to COM1 as fast as it
// can: blocks times 64 KiB, then exit status 1 through port F4h, or for
// ever when blocks is 0.
func serialFloodDisk(t *testing.T, blocks uint8) string {
	t.Helper()
	code := []byte{
		0xBA, 0xF8, 0x03, // mov dx, 3F8h
		0xBB, blocks, 0x00, // mov bx, blocks
		0xB9, 0x00, 0x00, // L1: mov cx, 0 (65536 times)
		0xB0, 0x78, // L2: mov al, 'x'
		0xEE,       // out dx, al
		0xE2, 0xFB, // loop L2
		0x4B,       // dec bx
		0x75, 0xF5, // jnz L1
		0xB0, 0x00, 0xE6, 0xF4, // exit status 1
	}
	if blocks == 0 {
		code[14], code[15], code[16] = 0xEB, 0xF6, 0x90 // jmp L1; nop
	}
	return bootDisk(t, "flood", code)
}

// -serial file:FIFO with nobody reading: the pipe fills, and the machine
// goes on (the output beyond a bounded buffer is dropped, with a warning)
// and ends as the guest, a signal or --timeout says. A reader that reads
// gets every byte.
func TestSerialToStalledFIFO(t *testing.T) {
	fifo := func(t *testing.T) string {
		p := filepath.Join(t.TempDir(), "com1")
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skip("mkfifo:", err)
		}
		return p
	}
	t.Run("guest ends", func(t *testing.T) {
		t.Parallel()
		status, _, stderr := pcemu(t, "-hda", serialFloodDisk(t, 32), "-serial", "file:"+fifo(t), "--timeout", "60s")
		if status != 1 {
			t.Errorf("exit status %d, want the guest's 1; stderr %s", status, stderr)
		}
		if !strings.Contains(stderr, "does not keep up: output is dropped") || !strings.Contains(stderr, "took nothing for 1s") {
			t.Errorf("stderr %q, want the warnings of a reader that does not read", stderr)
		}
	})
	t.Run("signal", func(t *testing.T) {
		t.Parallel()
		cmd := exec.Command(pcemuBin, "-hda", serialFloodDisk(t, 0), "-serial", "file:"+fifo(t))
		cmd.Env = headless()
		var stderr syncBuffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Process.Kill()
		for deadline := time.Now().Add(30 * time.Second); !strings.Contains(stderr.String(), "does not keep up"); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("no warning within 30 s; stderr %q", stderr.String())
			}
		}
		cmd.Process.Signal(syscall.SIGTERM)
		err := cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 128+int(syscall.SIGTERM) {
			t.Errorf("after SIGTERM: %v; stderr %s", err, stderr.String())
		}
	})
	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		status, _, stderr := pcemu(t, "-hda", serialFloodDisk(t, 0), "-serial", "file:"+fifo(t), "--timeout", "2s")
		if status != 124 {
			t.Errorf("exit status %d, want 124; stderr %s", status, stderr)
		}
	})
	t.Run("reader", func(t *testing.T) {
		t.Parallel()
		// Two blocks (128 KiB) are more than the pipe holds: every byte
		// reaches a reader that reads.
		p := fifo(t)
		got := make(chan int, 1)
		go func() {
			f, err := os.Open(p)
			if err != nil {
				got <- -1
				return
			}
			defer f.Close()
			n, _ := io.Copy(io.Discard, f)
			got <- int(n)
		}()
		status, _, stderr := pcemu(t, "-hda", serialFloodDisk(t, 2), "-serial", "file:"+p, "--timeout", "60s")
		if status != 1 || strings.Contains(stderr, "dropped") {
			t.Errorf("exit status %d, stderr %q", status, stderr)
		}
		select {
		case n := <-got:
			if n != 2<<16 {
				t.Errorf("the reader got %d bytes, want %d", n, 2<<16)
			}
		case <-time.After(30 * time.Second):
			t.Error("the reader saw no end of the output within 30 s")
		}
	})
}

// freePort returns a TCP port on localhost that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "localhost:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// -S -gdb tcp::PORT: the machine waits at power-on for gdb, which finds
// it at the reset vector, runs it to the boot sector, uses the monitor
// through `monitor`, and kills it: pcemu exits 0, as QEMU does.
func TestGDBStartStopped(t *testing.T) {
	gdb := shared.Tool(t, "gdb")
	port := freePort(t)
	cmd := exec.Command(pcemuBin, "-hda", loopDisk(t), "-S", "-gdb", fmt.Sprintf("tcp::%d", port), "--timeout", "60s")
	cmd.Env = headless()
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		c, err := net.Dial("tcp", fmt.Sprintf("localhost:%d", port))
		if err == nil {
			c.Close() // a session lost at once: the machine stays stopped, pcemu accepts the next
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("pcemu does not listen: %v; stderr %q", err, stderr.String())
		}
	}
	script := fmt.Sprintf(`set confirm off
target remote :%d
printf "AT %%04x:%%04x %%02x\n", $cs, $eip, *(unsigned char *)0x600
break *0x7c04
continue
printf "BOOT %%04x:%%04x %%02x\n", $cs, $eip, *(unsigned char *)0x600
monitor info registers
kill
`, port)
	path := filepath.Join(t.TempDir(), "s.gdb")
	os.WriteFile(path, []byte(script), 0o644)
	out, err := exec.Command(gdb, "-batch", "-nx", "-x", path).CombinedOutput()
	if err != nil {
		t.Fatalf("gdb: %v\n%s", err, out)
	}
	for _, want := range []string{"AT f000:fff0 00", "BOOT 0000:7c04 01", "AX=0000"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("gdb's output lacks %q:\n%s", want, out)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("pcemu after gdb's kill: %v, stderr %q", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "stopped at power-on (-S)") {
		t.Errorf("stderr %q", stderr.String())
	}
}

// gdb's writes to memory and registers change the run, so --record keeps
// them (as the state they made), and --replay repeats the debugged run:
// here a boot sector exits with AL = [7D00h] + BL, both set by gdb, after
// a step back and forth. A write to the ROM cannot be recorded: refused,
// with the reason on pcemu's stderr.
func TestGDBWritesRecorded(t *testing.T) {
	gdb := shared.Tool(t, "gdb")
	code := []byte{
		0xA0, 0x00, 0x7D, // 7C00 mov al, [7D00h]
		0x00, 0xD8, // 7C03 add al, bl
		0xE6, 0xF4, // 7C05 out F4h, al: exit status AL*2+1
	}
	img := bootDisk(t, "gdbwrite", code)
	rec := filepath.Join(t.TempDir(), "gdb.rec")
	cmd, port, stderr := startStopped(t, "-hda", img, "-snapshot", "--record", rec)
	// The ROM write comes last: its error ends gdb's batch script, and
	// gdb detaches, so that the machine runs on to the exit.
	script := fmt.Sprintf(`set confirm off
target remote :%d
break *0x7c00
continue
stepi
reverse-stepi
printf "AT %%04x:%%04x\n", $cs, $eip
set {unsigned char}0x7d00 = 3
set $ebx = 0x1204
set {unsigned char}0xf0000 = 0x55
`, port)
	path := filepath.Join(t.TempDir(), "s.gdb")
	os.WriteFile(path, []byte(script), 0o644)
	out, _ := exec.Command(gdb, "-batch", "-nx", "-x", path).CombinedOutput()
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 7*2+1 {
		t.Fatalf("pcemu: %v (want exit status 15: AL = 3 + 4, the ROM unchanged)\ngdb:\n%s\npcemu: %s", err, out, stderr.String())
	}
	for _, want := range []string{"AT 0000:7c00", "Cannot access memory at address 0xf0000"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("gdb's output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr.String(), "cannot hold a write to the BIOS ROM") {
		t.Errorf("a ROM write while recording was not refused with its reason:\ngdb:\n%s\npcemu: %s", out, stderr.String())
	}
	b, _ := os.ReadFile(rec)
	if n := strings.Count(string(b), " load "); n < 3 { // the step back, the two writes
		t.Errorf("the recording has %d loaded states, want 3 or more", n)
	}
	status, _, rerr := pcemu(t, "--replay", rec, "--timeout", "60s")
	if status != 0 || !strings.Contains(rerr, "repeated exactly to its end") {
		t.Errorf("replay of the debugged run: status %d\n%s", status, rerr)
	}
}

// startStopped starts pcemu with args and -S -gdb on a free port, and
// returns once it listens.
func startStopped(t *testing.T, args ...string) (*exec.Cmd, int, *syncBuffer) {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(pcemuBin, append(args, "-S", "-gdb", fmt.Sprintf("tcp::%d", port), "--timeout", "60s")...)
	cmd.Env = headless()
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		c, err := net.Dial("tcp", fmt.Sprintf("localhost:%d", port))
		if err == nil {
			c.Close() // a session lost at once: the machine stays stopped
			return cmd, port, stderr
		}
		if time.Now().After(deadline) {
			t.Fatalf("pcemu does not listen: %v; stderr %q", err, stderr.String())
		}
	}
}

// Without -snapshot the guest's writes go to the image at once: gdb steps
// back through the run after a write, and is told why it cannot go back
// to before it (the machine stays where it was).
func TestGDBReverseOverAWriteInPlace(t *testing.T) {
	gdb := shared.Tool(t, "gdb")
	code := []byte{
		0x0E, 0x07, // 7C00 push cs; pop es
		0xB8, 0x01, 0x03, // 7C02 mov ax, 0301h: write one sector
		0xB9, 0x02, 0x00, // 7C05 mov cx, 2: cylinder 0, sector 2
		0xBA, 0x80, 0x00, // 7C08 mov dx, 80h
		0xBB, 0x00, 0x7C, // 7C0B mov bx, 7C00h
		0xCD, 0x13, // 7C0E int 13h
		0x90,       // 7C10 nop
		0xEB, 0xFE, // 7C11 jmp $
	}
	img := bootDisk(t, "inplace", code)
	_, port, stderr := startStopped(t, "-hda", "raw:"+img)
	script := fmt.Sprintf(`set confirm off
target remote :%d
break *0x7c11
continue
reverse-stepi
printf "BACK1 %%04x:%%04x\n", $cs, $eip
reverse-continue
printf "STAYED %%04x:%%04x\n", $cs, $eip
kill
`, port)
	path := filepath.Join(t.TempDir(), "s.gdb")
	os.WriteFile(path, []byte(script), 0o644)
	out, err := exec.Command(gdb, "-batch", "-nx", "-x", path).CombinedOutput()
	if err != nil {
		t.Fatalf("gdb: %v\n%s\npcemu: %s", err, out, stderr.String())
	}
	for _, want := range []string{"BACK1 0000:7c10", "the guest writes this image in place: use -snapshot to go back to states", "STAYED 0000:7c10"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("gdb's output lacks %q:\n%s", want, out)
		}
	}
	if b, _ := os.ReadFile(img); !bytes.Equal(b[512:512+len(code)], code) {
		t.Error("the guest's write did not reach the image")
	}
}

// -d exec,int,ioport -D FILE -dfilter --trace-range: the boot sector's
// instructions, its port write and its exit, and nothing else.
func TestDebugLog(t *testing.T) {
	code := []byte{
		0xB8, 0x34, 0x12, // mov ax, 1234h
		0xB0, 0x00, // mov al, 0
		0xE6, 0xF4, // out F4h, al: exit status 1
	}
	log := filepath.Join(t.TempDir(), "pcemu.log")
	status, _, stderr := pcemu(t, "-hda", bootDisk(t, "exit", code), "-d", "exec,int,ioport", "-D", log,
		"-dfilter", "0x7c00+0x200", "--trace-range", "0..")
	if status != 1 {
		t.Fatalf("exit status %d; stderr %s", status, stderr)
	}
	b, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	want := []string{
		`^exec +\d+ 0000:7C00  B83412 +mov ax,0x1234 +AX=1234$`,
		`^exec +\d+ 0000:7C03  B000 +mov al,0x0 +AX=1200$`,
		`^io +\d+ OUT 00F4 <- 00 +exit port +at 0000:7C05$`,
		`^exec +\d+ 0000:7C05  E6F4 +out 0xf4,al$`,
	}
	if len(lines) != len(want) {
		t.Fatalf("log:\n%s", b)
	}
	for i, w := range want {
		if !regexp.MustCompile(w).MatchString(lines[i]) {
			t.Errorf("line %d %q, want %s", i+1, lines[i], w)
		}
	}
	if status, out, _ := pcemu(t, "-d", "help"); status != 0 || !strings.Contains(out, "ioport") {
		t.Errorf("-d help: %d %q", status, out)
	}
}

// -D's log and --record's recording to a FIFO nobody reads: the pipe
// fills and the write waits (neither output may drop a byte), but a signal
// or --timeout still ends pcemu, with its status, and says the output was
// cut; the wait held the machine, SIGTERM and --timeout for ever. A WAV
// file must be seekable: --audio-out FIFO is refused before the run.
func TestOutputsToStalledFIFO(t *testing.T) {
	fifo := func(t *testing.T, name string) string {
		p := filepath.Join(t.TempDir(), name)
		if err := syscall.Mkfifo(p, 0o600); err != nil {
			t.Skip("mkfifo:", err)
		}
		return p
	}
	// ended runs pcemu, sends sig after a second (none: --timeout 2s
	// ends it) and fails if it has not ended 20 s later.
	ended := func(t *testing.T, sig syscall.Signal, args ...string) (int, string) {
		t.Helper()
		if sig == 0 {
			args = append(args, "--timeout", "2s")
		}
		cmd := exec.Command(pcemuBin, args...)
		cmd.Env = headless()
		var stderr syncBuffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Process.Kill()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		if sig != 0 {
			time.Sleep(time.Second)
			cmd.Process.Signal(sig)
		}
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("pcemu %s: still running 20 s after %v; stderr %s", strings.Join(args, " "), sig, stderr.String())
		}
		return cmd.ProcessState.ExitCode(), stderr.String()
	}
	t.Run("-D", func(t *testing.T) {
		t.Parallel()
		for _, sig := range []syscall.Signal{0, syscall.SIGTERM} {
			log := fifo(t, "log")
			status, stderr := ended(t, sig, "-hda", loopDisk(t), "-d", "exec", "-D", log)
			want := 124
			if sig != 0 {
				want = 128 + int(sig)
			}
			if status != want || !strings.Contains(stderr, "pcemu: -D: writing the log: "+log+": cut where pcemu was stopped") {
				t.Errorf("%v: exit status %d, want %d; stderr %s", sig, status, want, stderr)
			}
		}
	})
	t.Run("--record", func(t *testing.T) {
		t.Parallel()
		// A recording from a state holds the state file whole: more than
		// a pipe takes, so the start of the recording waits.
		dir := t.TempDir()
		state := filepath.Join(dir, "s.state")
		sc := filepath.Join(dir, "save.script")
		os.WriteFile(sc, []byte("sleep 100ms\nsavestate "+state+"\n"), 0o644)
		img := loopDisk(t)
		if status, _, stderr := pcemu(t, "-hda", img, "-snapshot", "--script", sc); status != 0 {
			t.Fatalf("savestate: exit status %d; stderr %s", status, stderr)
		}
		for _, sig := range []syscall.Signal{0, syscall.SIGTERM} {
			rec := fifo(t, "rec")
			status, stderr := ended(t, sig, "-hda", img, "-snapshot", "-loadstate", state, "--record", rec)
			want := 124
			if sig != 0 {
				want = 128 + int(sig)
			}
			if status != want {
				t.Errorf("%v: exit status %d, want %d; stderr %s", sig, status, want, stderr)
			}
		}
	})
	t.Run("--audio-out", func(t *testing.T) {
		t.Parallel()
		wav := fifo(t, "out.wav")
		status, stderr := ended(t, syscall.SIGTERM, "-hda", loopDisk(t), "--audio-out", wav)
		if status != 1 || !strings.Contains(stderr, "pcemu: --audio-out "+wav+": cannot be written: the file is not seekable") {
			t.Errorf("exit status %d; stderr %s", status, stderr)
		}
	})
}
