package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"pcemu/internal/shared"
	"pcemu/machine"
)

// freedosCopy is a copy of the FreeDOS image in a folder of the test's own,
// with the shared image's modification time (so that it is the same
// image), for tests that change it.
func freedosCopy(t *testing.T) string {
	t.Helper()
	src := shared.Path(t, "images/freedos-hd.vhd")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(src)
	dst := filepath.Join(t.TempDir(), "freedos.vhd")
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(dst, fi.ModTime(), fi.ModTime())
	return dst
}

func writeScript(t *testing.T, dir, name, src string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var virtualRE = regexp.MustCompile(`([0-9.]+) s virtual time`)

// A script boots FreeDOS and saves its state at the prompt (after writing
// a file); another run starts from the state with -loadstate, where FreeDOS
// is at its prompt at once with the file there, types and runs commands,
// and the image is never written. What does not fit is refused: another
// memory size, an image changed since the save, a state file cut short.
func TestSaveStateAndLoadState(t *testing.T) {
	img := freedosCopy(t)
	before, _ := os.ReadFile(img)
	dir := t.TempDir()
	state := filepath.Join(dir, "booted.state")
	boot := writeScript(t, dir, "boot.script", "wait \"C:\\\\>\" 60s\ntype \"echo saved>saved.txt\\r\"\nsleep 500ms\nsavestate "+state+"\n")
	status, _, stderr := pcemu(t, "-hda", img, "-m", "4M", "-snapshot", "--script", boot, "--timeout", "2m")
	if status != 0 {
		t.Fatalf("booting and saving: status %d\n%s", status, stderr)
	}
	use := writeScript(t, dir, "use.script", "expect \"C:\\\\>\"\ntype \"type saved.txt\\r\"\nwait \"saved\" 5s\ntype \"ver\\r\"\nwait \"FreeDOS kernel\" 5s\n")
	status, _, stderr = pcemu(t, "-loadstate", state, "--script", use, "--timeout", "1m", "--stats")
	if status != 0 {
		t.Fatalf("from the state: status %d\n%s", status, stderr)
	}
	if m := virtualRE.FindStringSubmatch(stderr); m == nil || m[1] < "2" {
		t.Errorf("the run from the state did not go on from the saved virtual time: %s", stderr)
	}
	if !strings.Contains(stderr, "pcemu: digest instructions=") {
		t.Errorf("--stats gives no digest:\n%s", stderr)
	}
	// The same image at its place given again; another memory size
	// refused.
	status, _, stderr = pcemu(t, "-loadstate", state, "-hda", img, "--expect", `C:\>`, "--timeout", "1m")
	if status != 0 {
		t.Errorf("-loadstate with -hda the same image: status %d\n%s", status, stderr)
	}
	status, _, stderr = pcemu(t, "-loadstate", state, "-m", "8M", "--expect", `C:\>`, "--timeout", "1m")
	if status != 1 || !strings.Contains(stderr, "does not fit") {
		t.Errorf("-loadstate with -m 8M: status %d\n%s", status, stderr)
	}
	if after, _ := os.ReadFile(img); !bytes.Equal(after, before) {
		t.Fatal("the image was written")
	}
	// A state file cut short.
	b, _ := os.ReadFile(state)
	short := filepath.Join(dir, "short.state")
	os.WriteFile(short, b[:len(b)/2], 0o644)
	status, _, stderr = pcemu(t, "-loadstate", short, "--expect", `C:\>`, "--timeout", "1m")
	if status != 1 || !strings.Contains(stderr, "truncated") || !strings.Contains(stderr, "short.state") {
		t.Errorf("a truncated state: status %d\n%s", status, stderr)
	}
	// The image written after the save (here: touched).
	later := time.Now().Add(time.Minute)
	os.Chtimes(img, later, later)
	status, _, stderr = pcemu(t, "-loadstate", state, "--expect", `C:\>`, "--timeout", "1m")
	if status != 1 || !strings.Contains(stderr, "modified after the state was saved") {
		t.Errorf("an image changed after the save: status %d\n%s", status, stderr)
	}
}

// The monitor's savevm writes the state; loadvm goes back to it: a value
// the guest changed since is as it was at the save.
func TestMonitorSaveVMLoadVM(t *testing.T) {
	state := filepath.Join(t.TempDir(), "m.state")
	cmd := exec.Command(pcemuBin, "-hda", loopDisk(t), "-snapshot", "-monitor", "stdio", "--timeout", "60s")
	cmd.Env = headless()
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &monitorSession{t: t, w: stdin, r: bufio.NewReader(stdout)}
	s.until()
	s.poll("xp/1xb 0x600", "00000600: 0x01\n")
	s.cmd("stop")
	if out := s.cmd("savevm " + state); out != "" {
		t.Errorf("savevm: %q", out)
	}
	s.cmd("system_reset")
	s.cmd("cont")
	s.poll("xp/1xb 0x600", "00000600: 0x02\n") // booted again: the counter moved on
	if out := s.cmd("loadvm " + state); out != "" {
		t.Errorf("loadvm: %q", out)
	}
	if out := s.cmd("xp/1xb 0x600"); out != "00000600: 0x01\n" {
		t.Errorf("after loadvm: %q, want the saved 0x01", out)
	}
	if out := s.cmd("loadvm " + filepath.Join(filepath.Dir(state), "none.state")); !strings.Contains(out, "no such file") {
		t.Errorf("loadvm of a missing file: %q", out)
	}
	io.WriteString(stdin, "quit\n")
	if err := cmd.Wait(); err != nil {
		t.Errorf("pcemu after quit: %v, stderr %q", err, stderr.String())
	}
	if _, err := os.Stat(state); err != nil {
		t.Error(err)
	}
}

// --record writes a run's inputs; --replay repeats it exactly, says where a
// changed recording goes elsewhere, replays a recording cut short (a
// killed run) to its last event, carries a -loadstate run's state inside
// it, and warns when an image is not the recorded one.
func TestRecordReplay(t *testing.T) {
	img := freedosCopy(t)
	dir := t.TempDir()
	rec := filepath.Join(dir, "run.rec")
	sc := writeScript(t, dir, "dir.script", "wait \"C:\\\\>\" 60s\ntype \"dir\\r\"\nwait \"bytes free\" 10s\nmouse by 3 4\nsleep 1s\n")
	status, _, stderr := pcemu(t, "-hda", img, "-m", "4M", "-snapshot", "--script", sc, "--record", rec, "--timeout", "2m")
	if status != 0 {
		t.Fatalf("recording: status %d\n%s", status, stderr)
	}
	status, _, stderr = pcemu(t, "--replay", rec, "--timeout", "2m")
	if status != 0 || !strings.Contains(stderr, "repeated exactly to its end") {
		t.Errorf("replay: status %d\n%s", status, stderr)
	}
	b, _ := os.ReadFile(rec)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	// Another key (D becomes F): the replay says where it went elsewhere.
	changed := filepath.Join(dir, "changed.rec")
	other := strings.Replace(string(b), " key 20\n", " key 21\n", 1)
	if other == string(b) {
		t.Fatal("the recording has no D key")
	}
	os.WriteFile(changed, []byte(other), 0o644)
	status, _, stderr = pcemu(t, "--replay", changed, "--timeout", "2m")
	if status != 1 || !strings.Contains(stderr, "diverged") || !strings.Contains(stderr, "went elsewhere after") {
		t.Errorf("a changed recording: status %d\n%s", status, stderr)
	}
	// Cut short, as a killed run leaves it.
	short := filepath.Join(dir, "short.rec")
	os.WriteFile(short, []byte(strings.Join(lines[:len(lines)-1], "\n")+"\n"), 0o644)
	status, _, stderr = pcemu(t, "--replay", short, "--timeout", "2m")
	if status != 0 || !strings.Contains(stderr, "no end line") {
		t.Errorf("a recording without its end: status %d\n%s", status, stderr)
	}
	// Flags that would change the run are refused.
	status, _, stderr = pcemu(t, "--replay", rec, "-m", "8M")
	if status != 1 || !strings.Contains(stderr, "--m cannot be given") {
		t.Errorf("--replay -m: status %d\n%s", status, stderr)
	}

	// From a state: the recording carries it.
	state := filepath.Join(dir, "booted.state")
	boot := writeScript(t, dir, "boot.script", "wait \"C:\\\\>\" 60s\nsavestate "+state+"\n")
	if status, _, stderr = pcemu(t, "-hda", img, "-m", "4M", "-snapshot", "--script", boot); status != 0 {
		t.Fatalf("saving: %d\n%s", status, stderr)
	}
	fromState := filepath.Join(dir, "state.rec")
	ver := writeScript(t, dir, "ver.script", "type \"ver\\r\"\nwait \"FreeDOS kernel\" 10s\n")
	if status, _, stderr = pcemu(t, "-loadstate", state, "--script", ver, "--record", fromState); status != 0 {
		t.Fatalf("recording from the state: %d\n%s", status, stderr)
	}
	// --record-state path names the state file instead: a small
	// recording, which replays while the file is there, unchanged.
	byPath := filepath.Join(dir, "bypath.rec")
	if status, _, stderr = pcemu(t, "-loadstate", state, "--script", ver, "--record", byPath, "--record-state", "path"); status != 0 {
		t.Fatalf("recording from the state by path: %d\n%s", status, stderr)
	}
	if fi, err := os.Stat(byPath); err != nil || fi.Size() > 16<<10 {
		t.Errorf("a recording naming its state file: %v bytes (%v)", fi.Size(), err)
	}
	status, _, stderr = pcemu(t, "--replay", byPath, "--timeout", "2m")
	if status != 0 || !strings.Contains(stderr, "repeated exactly") {
		t.Errorf("replay of a recording naming its state file: status %d\n%s", status, stderr)
	}
	os.Remove(state)
	status, _, stderr = pcemu(t, "--replay", fromState, "--timeout", "2m")
	if status != 0 || !strings.Contains(stderr, "repeated exactly") {
		t.Errorf("replay of a run from a state, the state file gone: status %d\n%s", status, stderr)
	}
	status, _, stderr = pcemu(t, "--replay", byPath, "--timeout", "2m")
	if status != 1 || !strings.Contains(stderr, "the state file the run started from") || !strings.Contains(stderr, "no such file") {
		t.Errorf("replay of a recording naming a state file that is gone: status %d\n%s", status, stderr)
	}
	// The image touched since: a warning; the run is still the same.
	later := time.Now().Add(time.Minute)
	os.Chtimes(img, later, later)
	status, _, stderr = pcemu(t, "--replay", rec, "--timeout", "2m")
	if !strings.Contains(stderr, "warning") || !strings.Contains(stderr, "modified after") {
		t.Errorf("an image changed since the recording: status %d\n%s", status, stderr)
	}
}

// The window's state keys: Ctrl+Alt+W saves to a new file each time, never
// over another; Ctrl+Alt+L goes back to the one saved last (and says so
// when there is none).
func TestStateKeysFiles(t *testing.T) {
	m, err := machine.New(machine.Config{HardDisks: [4]string{loopDisk(t)}, Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	k := &stateKeys{m: m, dir: t.TempDir()}
	if _, err := k.load(); err == nil || !strings.Contains(err.Error(), "save one first") {
		t.Errorf("loading before saving: %v", err)
	}
	m.RunFor(context.Background(), 50*time.Millisecond)
	first, err := k.save()
	if err != nil {
		t.Fatal(err)
	}
	at := m.Instant()
	m.RunFor(context.Background(), 50*time.Millisecond)
	second, err := k.save()
	if err != nil || second == first || filepath.Dir(second) != k.dir || !strings.HasSuffix(second, ".state") {
		t.Fatalf("two saves: %s, %s, %v", first, second, err)
	}
	k.last = first
	if got, err := k.load(); err != nil || got != first {
		t.Fatalf("load: %s, %v", got, err)
	}
	if m.Instant() != at {
		t.Errorf("after loading the first state the machine is at %v, want %v", m.Instant(), at)
	}
}

// A state saved with a host folder as drive D: holds the folder's
// fingerprint and the guest's writes to it: a run from the state sees the
// file the guest wrote before the save, the folder untouched; given again
// as fat:rw: beside -loadstate, the folder gets that file at exit; a
// folder changed since the save is refused, naming it.
func TestSaveStateWithFATFolder(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "host")
	os.Mkdir(folder, 0o755)
	os.WriteFile(filepath.Join(folder, "hello.txt"), []byte("hello from the host\r\n"), 0o644)
	state := filepath.Join(dir, "fat.state")
	boot := writeScript(t, dir, "boot.script", "wait \"C:\\\\>\" 60s\ntype \"copy d:\\\\hello.txt d:\\\\copy.txt\\r\"\nwait \"=>> d:\\\\copy.txt\\nC:\\\\>\" 10s\nsleep 500ms\nsavestate "+state+"\n")
	status, _, stderr := pcemu(t, "-hda", shared.Path(t, "images/freedos-hd.vhd"), "-snapshot", "-hdb", "fat:"+folder, "--script", boot, "--timeout", "2m")
	if status != 0 {
		t.Fatalf("booting and saving: status %d\n%s", status, stderr)
	}
	use := writeScript(t, dir, "use.script", "type \"type d:\\\\copy.txt\\r\"\nwait \"hello from the host\\n\" 5s\n")
	status, _, stderr = pcemu(t, "-loadstate", state, "--script", use, "--timeout", "1m")
	if status != 0 {
		t.Fatalf("from the state: status %d\n%s", status, stderr)
	}
	if names, _ := os.ReadDir(folder); len(names) != 1 {
		t.Fatalf("the read-only folder was written: %v", names)
	}
	status, _, stderr = pcemu(t, "-loadstate", state, "-hdb", "fat:rw:"+folder, "--expect", `C:\>`, "--timeout", "1m")
	if b, err := os.ReadFile(filepath.Join(folder, "COPY.TXT")); status != 0 || string(b) != "hello from the host\r\n" {
		t.Fatalf("from the state with fat:rw: status %d, COPY.TXT %q (%v)\n%s", status, b, err, stderr)
	}
	status, _, stderr = pcemu(t, "-loadstate", state, "--expect", `C:\>`, "--timeout", "1m")
	if status != 1 || !strings.Contains(stderr, "the folder changed after the state was saved") || !strings.Contains(stderr, folder) {
		t.Errorf("a folder changed after the save: status %d\n%s", status, stderr)
	}
}

// A run with a fat:rw: folder writes the guest's file back at its end; its
// replay repeats the run exactly without writing the folder (a replay never
// writes what it is given), and warns when the folder changed since.
func TestReplayOfFATFolderRun(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "host")
	os.Mkdir(folder, 0o755)
	os.WriteFile(filepath.Join(folder, "a.txt"), []byte("a\r\n"), 0o644)
	fi, _ := os.Stat(folder)
	rec := filepath.Join(dir, "run.rec")
	sc := writeScript(t, dir, "new.script", "wait \"C:\\\\>\" 60s\ntype \"echo x>d:\\\\new.txt\\r\"\nsleep 1s\n")
	status, _, stderr := pcemu(t, "-hda", shared.Path(t, "images/freedos-hd.vhd"), "-snapshot", "-hdb", "fat:rw:"+folder, "--script", sc, "--record", rec, "--timeout", "2m")
	if _, err := os.Stat(filepath.Join(folder, "NEW.TXT")); status != 0 || err != nil {
		t.Fatalf("recording: status %d, NEW.TXT: %v\n%s", status, err, stderr)
	}
	os.Remove(filepath.Join(folder, "NEW.TXT"))
	os.Chtimes(folder, fi.ModTime(), fi.ModTime())
	status, _, stderr = pcemu(t, "--replay", rec, "--timeout", "2m")
	if status != 0 || !strings.Contains(stderr, "repeated exactly to its end") || strings.Contains(stderr, "warning") {
		t.Errorf("replay: status %d\n%s", status, stderr)
	}
	if _, err := os.Stat(filepath.Join(folder, "NEW.TXT")); err == nil {
		t.Error("the replay wrote the folder")
	}
	os.WriteFile(filepath.Join(folder, "b.txt"), []byte("b\r\n"), 0o644)
	_, _, stderr = pcemu(t, "--replay", rec, "--timeout", "2m")
	if !strings.Contains(stderr, "warning") || !strings.Contains(stderr, "the folder changed") {
		t.Errorf("a folder changed since the recording: no warning\n%s", stderr)
	}
}
