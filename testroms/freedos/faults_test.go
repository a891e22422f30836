package freedos

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"pcemu/vhd"
)

// hostTimeout bounds every pcemu child process (its own --timeout) and
// every wait for one, so that a hang fails the test instead of the suite.
const hostTimeout = 5 * time.Minute

// proc is a pcemu child process whose COM1 output (-serial stdio) the test
// watches.
type proc struct {
	t      testing.TB
	name   string
	cmd    *exec.Cmd
	mu     sync.Mutex
	serial bytes.Buffer
	stderr bytes.Buffer
	seen   map[string][]time.Time // when each serial line arrived
	change chan struct{}          // closed and replaced on new output
	done   chan struct{}          // closed when the process has ended
	state  *os.ProcessState
}

// startPcemu starts pcemu with args and COM1 on its standard output. The
// process is killed at the end of the test if it is still running.
func startPcemu(t testing.TB, name string, args ...string) *proc {
	t.Helper()
	p := &proc{t: t, name: name, seen: map[string][]time.Time{}, change: make(chan struct{}), done: make(chan struct{})}
	p.cmd = exec.Command(command(t, "pcemu"), append([]string{"-display", "none", "-serial", "stdio", "--timeout", hostTimeout.String()}, args...)...)
	p.cmd.Stderr = &lockedWriter{mu: &p.mu, w: &p.stderr}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: pcemu %s", name, strings.Join(args, " "))
	go p.read(out)
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// read collects the serial output line by line until the process ends.
func (p *proc) read(r io.Reader) {
	var line []byte
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		now := time.Now()
		p.mu.Lock()
		p.serial.Write(buf[:n])
		for _, c := range buf[:n] {
			if c == '\n' || c == '\r' {
				if s := strings.TrimSpace(string(line)); s != "" {
					p.seen[s] = append(p.seen[s], now)
				}
				line = line[:0]
				continue
			}
			line = append(line, c)
		}
		close(p.change)
		p.change = make(chan struct{})
		p.mu.Unlock()
		if err != nil {
			break
		}
	}
	p.cmd.Wait()
	p.mu.Lock()
	p.state = p.cmd.ProcessState
	p.mu.Unlock()
	close(p.done)
}

// waitLine waits until the guest has sent the line to COM1 n times and
// returns when each arrived. It fails the test if the process ends first.
func (p *proc) waitLine(line string, n int) []time.Time {
	p.t.Helper()
	deadline := time.After(hostTimeout)
	for {
		p.mu.Lock()
		got, change := p.seen[line], p.change
		p.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-change:
		case <-p.done:
			p.mu.Lock()
			got = p.seen[line]
			p.mu.Unlock()
			if len(got) >= n {
				return got
			}
			p.t.Fatalf("%s ended (%v) before sending %q to COM1 %d times\nCOM1:\n%s\nstderr:\n%s", p.name, p.state, line, n, p.output(), p.errors())
		case <-deadline:
			p.t.Fatalf("%s did not send %q to COM1 within %v\nCOM1:\n%s\nstderr:\n%s", p.name, line, hostTimeout, p.output(), p.errors())
		}
	}
}

// running reports whether the process has not ended yet.
func (p *proc) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// wait waits for the process to end and returns its state.
func (p *proc) wait() *os.ProcessState {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(hostTimeout + time.Minute):
		p.t.Fatalf("%s did not end (its --timeout is %v)", p.name, hostTimeout)
	}
	return p.state
}

func (p *proc) signal(s os.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(s); err != nil {
		p.t.Fatalf("signalling %s: %v", p.name, err)
	}
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.serial.String()
}

func (p *proc) errors() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

// runPcemu runs pcemu to its end and returns the exit status, standard
// output and standard error.
func runPcemu(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(command(t, "pcemu"), append([]string{"-display", "none", "--timeout", hostTimeout.String()}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("pcemu: %v", err)
	}
	return cmd.ProcessState.ExitCode(), stdout.String(), stderr.String()
}

// vhdtoolCheck runs vhdtool check on an image and fails the test unless
// it exits with status 0.
func vhdtoolCheck(t testing.TB, img string) {
	t.Helper()
	cmd := exec.Command(command(t, "vhdtool"), "check", img)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("vhdtool check %s: %v\n%s", filepath.Base(img), err, out)
		return
	}
	t.Logf("vhdtool check: %s", strings.TrimSpace(string(out)))
}

// floppy makes a formatted 1.44 MB diskette image with the given files.
func floppy(t testing.TB, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	img := filepath.Join(dir, "floppy.img")
	run(t, tool(t, "mformat"), "-C", "-f", "1440", "-v", "PCEMU", "-i", img, "::")
	for _, name := range slices.Sorted(maps.Keys(files)) {
		run(t, tool(t, "mcopy"), "-i", img, writeFile(t, dir, name, files[name]), "::/"+name)
	}
	return img
}

// killBatch is the AUTOEXEC.BAT of TestKillDuringCopy. With GO.FLG on the
// diskette in A: it builds BIG1.BIN and then copies it to BIG2.BIN over
// and over, telling COM1 before each copy; without, it goes straight to
// the prompt (the boot after the kill).
var killBatch = batch(append(append([]string{
	`IF NOT EXIST A:\GO.FLG GOTO END`,
	`ECHO PCEMU-BUILD>COM1`,
}, buildLines...),
	`:LOOP`,
	`ECHO PCEMU-COPY>COM1`,
	`COPY /B BIG1.BIN BIG2.BIN`,
	`GOTO LOOP`,
	`:END`,
	`ECHO PCEMU-READY>COM1`,
)...)

// TestKillDuringCopy kills pcemu with SIGKILL while FreeDOS copies a 2 MB
// file: the image must still be sound (vhdtool check), readable through
// package vhd, hold every file FreeDOS had finished, and boot again. With
// SIGTERM, pcemu must moreover finish its writes and close the image
// cleanly: exit status 128+15 and not even leaked space.
func TestKillDuringCopy(t *testing.T) {
	needTools(t)
	sharedImage(t)
	for _, tc := range []struct {
		kind     string
		sig      syscall.Signal
		name     string
		fraction float64 // of the build's time, waited after the copy began
	}{
		{kindDynamic, syscall.SIGKILL, "SIGKILL", 1.0 / 3},
		{kindDifferencing, syscall.SIGKILL, "SIGKILL", 2.0 / 3},
		{kindDynamic, syscall.SIGTERM, "SIGTERM", 1.0 / 3},
	} {
		kind := tc.kind
		t.Run(kind+"/"+tc.name, func(t *testing.T) {
			img := makeImage(t, kind, map[string][]byte{
				"AUTOEXEC.BAT": killBatch,
				"S.BIN":        seedS,
				"T.BIN":        seedT,
			})
			var parentHash string
			if img.parent != "" {
				parentHash = hashFile(t, img.parent)
			}
			goFloppy := floppy(t, map[string][]byte{"GO.FLG": []byte("go\r\n")})
			emptyFloppy := floppy(t, nil)

			p := startPcemu(t, "first run", "-hda", img.path, "-fda", goFloppy)
			build := p.waitLine("PCEMU-BUILD", 1)[0]
			copying := p.waitLine("PCEMU-COPY", 1)[0]
			// The first copy moves 2.1 MB, the build before it 2.8 MB:
			// a third of the build's time into the copy is about its
			// middle, two thirds near its end, on a fast host or a
			// slow one. Should the host stall the test for longer, the
			// kill still falls into one of the copies that follow.
			delay := time.Duration(float64(copying.Sub(build)) * tc.fraction)
			time.Sleep(delay)
			p.mu.Lock()
			copies := len(p.seen["PCEMU-COPY"])
			p.mu.Unlock()
			if !p.running() {
				t.Fatalf("pcemu ended by itself (%v) before the kill\nstderr:\n%s", p.state, p.errors())
			}
			p.signal(tc.sig)
			st := p.wait()
			if tc.sig == syscall.SIGKILL {
				if ws, ok := st.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
					t.Fatalf("pcemu ended with %v, not by the SIGKILL\nstderr:\n%s", st, p.errors())
				}
			} else if st.ExitCode() != 128+int(tc.sig) {
				t.Fatalf("pcemu ended with %v after %v, want exit status %d\nstderr:\n%s", st, tc.sig, 128+int(tc.sig), p.errors())
			}
			t.Logf("%s %v after the copy began (the build took %v; copy number %d)",
				tc.name, delay.Round(time.Millisecond), copying.Sub(build).Round(time.Millisecond), copies)

			// The image as the signal left it.
			vhdtoolCheck(t, img.path)
			if tc.sig != syscall.SIGKILL {
				rep, err := vhd.Check(img.path, nil)
				if err != nil {
					t.Fatal(err)
				}
				if len(rep.Warnings) > 0 {
					t.Errorf("after a clean exit on %v the image has warnings: %v", tc.sig, rep.Warnings)
				}
			}
			raw := flatten(t, img.path)
			files := guestFiles(t, raw, "S.BIN", "T.BIN", "A.BIN", "B.BIN", "BIG1.BIN")
			for _, f := range []struct {
				name string
				want []byte
			}{
				{"S.BIN", seedS}, {"T.BIN", seedT}, {"A.BIN", wantA}, {"B.BIN", wantB}, {"BIG1.BIN", wantBig},
			} {
				if got, ok := files[f.name]; ok {
					sameBytes(t, f.name+" (finished before the kill)", got, f.want)
				}
			}
			t.Logf("sectors of BIG2.BIN's data on the disk at the %s: %d of %d", tc.name, copiedSectors(raw, wantBig), len(wantBig)/512)
			out, clean := fsck(t, raw)
			t.Logf("fsck.fat -n after the signal (clean: %v; DOS's FAT is not crash-safe, so lost clusters are expected):\n%s", clean, out)

			// FreeDOS boots from it again.
			status, stdout, stderr := runPcemu(t, "-hda", img.path, "-fda", emptyFloppy, "-serial", "stdio", "--expect", `C:\>`)
			if status != 0 {
				t.Fatalf("booting again: exit status %d\nstderr:\n%s", status, stderr)
			}
			if !strings.Contains(stdout, "PCEMU-READY") {
				t.Errorf("booting again: AUTOEXEC.BAT did not run to its end; COM1:\n%s", stdout)
			}
			vhdtoolCheck(t, img.path)
			if img.parent != "" {
				if h := hashFile(t, img.parent); h != parentHash {
					t.Errorf("the read-only parent changed: SHA-256 %s, was %s", h, parentHash)
				}
			}
		})
	}
}

// readyBatch tells COM1 that FreeDOS has run its AUTOEXEC.BAT; the prompt
// follows.
var readyBatch = batch(`ECHO PCEMU-READY>COM1`)

// TestImageInUse: a second pcemu on an image that one is running from
// refuses to start, naming the image and saying it is in use: a VHD, a raw
// hard disk image and a floppy image, each locked exclusively by a pcemu
// that writes it. A pcemu under -snapshot only reads its images: a writer
// beside it refuses, another -snapshot runs.
func TestImageInUse(t *testing.T) {
	needTools(t)
	sharedImage(t)
	img := makeImage(t, kindDynamic, map[string][]byte{"AUTOEXEC.BAT": readyBatch})
	raw := writeFile(t, t.TempDir(), "freedos.img", flatten(t, img.path))
	fd := floppy(t, nil)

	// second is a pcemu started beside the first; image is the file its
	// message must name.
	type second struct {
		image string
		args  []string
	}
	for _, tc := range []struct {
		name    string
		first   []string
		refused []second
		shared  [][]string // must reach the prompt beside the first
		same    []string   // images that must not change
	}{
		{
			name:  "vhd",
			first: []string{"-hda", img.path},
			refused: []second{
				{img.path, []string{"-hda", img.path}},
				// A snapshot reads the image, which the first one is writing.
				{img.path, []string{"-hda", img.path, "-snapshot"}},
			},
		},
		{
			name:  "raw",
			first: []string{"-hda", raw},
			refused: []second{
				{raw, []string{"-hda", raw}},
				{raw, []string{"-hda", raw, "-snapshot"}},
			},
		},
		{
			name:  "floppy",
			first: []string{"-hda", img.path, "-fda", fd},
			refused: []second{
				{fd, []string{"-fda", fd}},
				{fd, []string{"-fda", fd, "-snapshot"}},
			},
		},
		{
			name:  "snapshot",
			first: []string{"-snapshot", "-hda", raw, "-fda", fd},
			refused: []second{
				{raw, []string{"-hda", raw}},
				{fd, []string{"-hda", img.path, "-fda", fd}},
			},
			shared: [][]string{{"-snapshot", "-hda", raw, "-fda", fd}},
			same:   []string{raw, fd},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hashes := map[string]string{}
			for _, f := range tc.same {
				hashes[f] = hashFile(t, f)
			}
			first := startPcemu(t, "first pcemu", tc.first...)
			first.waitLine("PCEMU-READY", 1)
			for _, sc := range tc.refused {
				start := time.Now()
				// A pcemu that wrongly starts ends at its (later,
				// overriding) --timeout instead of holding up the suite.
				status, _, stderr := runPcemu(t, append(sc.args, "--timeout", "20s")...)
				t.Logf("second pcemu %s: status %d after %v: %s", strings.Join(sc.args, " "), status, time.Since(start).Round(time.Millisecond), strings.TrimSpace(stderr))
				if status != 1 {
					t.Errorf("second pcemu %s: exit status %d, want 1", strings.Join(sc.args, " "), status)
				}
				if !strings.Contains(stderr, sc.image) || !strings.Contains(stderr, "in use") {
					t.Errorf("second pcemu %s: the message does not name %s and say it is in use:\n%s", strings.Join(sc.args, " "), sc.image, stderr)
				}
			}
			for _, args := range tc.shared {
				args = append(args, "-serial", "stdio", "--expect", `C:\>`)
				status, stdout, stderr := runPcemu(t, args...)
				if status != 0 || !strings.Contains(stdout, "PCEMU-READY") {
					t.Errorf("second pcemu %s: exit status %d, COM1 %q\nstderr:\n%s", strings.Join(args, " "), status, stdout, stderr)
				}
			}
			if !first.running() {
				t.Fatalf("the first pcemu ended (%v)\nstderr:\n%s", first.state, first.errors())
			}
			first.signal(syscall.SIGTERM)
			if st := first.wait(); st.ExitCode() != 128+int(syscall.SIGTERM) {
				t.Errorf("the first pcemu ended with %v after SIGTERM, want exit status %d\nstderr:\n%s", st, 128+int(syscall.SIGTERM), first.errors())
			}
			for _, f := range tc.same {
				if h := hashFile(t, f); h != hashes[f] {
					t.Errorf("%s changed: SHA-256 %s, was %s", f, h, hashes[f])
				}
			}
		})
	}
	vhdtoolCheck(t, img.path)
}

// TestSnapshotTwice: with -snapshot, two pcemu run from one image at the
// same time, both reach the prompt, and the image is not changed.
func TestSnapshotTwice(t *testing.T) {
	needTools(t)
	sharedImage(t)
	img := makeImage(t, kindDynamic, map[string][]byte{"AUTOEXEC.BAT": readyBatch})
	before := hashFile(t, img.path)
	screen := filepath.Join(t.TempDir(), "first.txt")
	first := startPcemu(t, "first pcemu", "-snapshot", "-hda", img.path, "--screendump", screen)
	first.waitLine("PCEMU-READY", 1)

	status, stdout, stderr := runPcemu(t, "-snapshot", "-hda", img.path, "-serial", "stdio", "--expect", `C:\>`)
	if status != 0 || !strings.Contains(stdout, "PCEMU-READY") {
		t.Errorf("second pcemu -snapshot: exit status %d, COM1 %q\nstderr:\n%s", status, stdout, stderr)
	}
	if !first.running() {
		t.Fatalf("the first pcemu ended (%v) before the second reached the prompt: they did not run side by side\nstderr:\n%s", first.state, first.errors())
	}
	first.signal(syscall.SIGTERM)
	if st := first.wait(); st.ExitCode() != 128+int(syscall.SIGTERM) {
		t.Errorf("the first pcemu ended with %v after SIGTERM, want exit status %d\nstderr:\n%s", st, 128+int(syscall.SIGTERM), first.errors())
	}
	if b, err := os.ReadFile(screen); err != nil {
		t.Error(err)
	} else if !strings.Contains(string(b), `C:\>`) {
		t.Errorf("the first pcemu did not reach the prompt; its screen:\n%s", b)
	}
	if h := hashFile(t, img.path); h != before {
		t.Errorf("-snapshot changed the image: SHA-256 %s, was %s", h, before)
	}
	vhdtoolCheck(t, img.path)
}

// copiedSectors tells how far a copy of file had got: how many of file's
// whole 512-byte pieces (at multiples of 512 in the file, so at sector
// starts on the disk) are on the disk twice. The pieces all differ (see
// seedS), so one place holds the original and the other the copy.
func copiedSectors(disk, file []byte) int {
	index := map[string]int{}
	for i := 0; i+512 <= len(file); i += 512 {
		index[string(file[i:i+512])] = i / 512
	}
	seen := make([]int, len(index))
	for o := 0; o+512 <= len(disk); o += 512 {
		if i, ok := index[string(disk[o:o+512])]; ok {
			seen[i]++
		}
	}
	n := 0
	for _, c := range seen {
		if c >= 2 {
			n++
		}
	}
	return n
}
