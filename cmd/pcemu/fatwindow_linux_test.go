package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pcemu/cmd/pcemu/internal/displaytest"
	"pcemu/cmd/pcemu/sdl"
	"pcemu/internal/shared"
)

// fat:rw: writes the guest's changes back when the user closes the window
// (the window manager's WM_DELETE_WINDOW, under Xvfb), and not before: the
// guest writes D:\NEW.TXT and says so on COM1, the folder is looked at,
// the window is closed, and the file is on the host after pcemu exits.
func TestFATWriteBackOnWindowClose(t *testing.T) {
	if !sdl.Built {
		t.Skip("built without SDL")
	}
	display := displaytest.StartXvfb(t)
	dir := t.TempDir()
	folder := filepath.Join(dir, "host")
	os.Mkdir(folder, 0o755)
	sc := writeScript(t, dir, "write.script", "wait \"C:\\\\>\" 60s\ntype \"echo from the window>d:\\\\new.txt\\r\"\ntype \"echo written>com1\\r\"\nsleep 10m\n")
	cmd := exec.Command(pcemuBin, "-display", "sdl", "-audio", "none", "-hda", shared.Path(t, "images/freedos-hd.vhd"), "-snapshot",
		"-hdb", "fat:rw:"+folder, "-serial", "stdio", "--script", sc, "--timeout", "3m")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	written := make(chan bool, 1)
	go func() {
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			if strings.Contains(s.Text(), "written") {
				written <- true
			}
		}
		close(written)
	}()
	select {
	case ok := <-written:
		if !ok {
			cmd.Wait()
			t.Fatalf("pcemu ended before the guest wrote:\n%s", stderr.String())
		}
	case <-time.After(3 * time.Minute):
		t.Fatalf("the guest did not write in 3 minutes:\n%s", stderr.String())
	}
	time.Sleep(500 * time.Millisecond)
	if names, _ := os.ReadDir(folder); len(names) != 0 {
		t.Fatalf("the folder was written before the window closed: %v", names)
	}
	if n, err := displaytest.CloseWindows(display); n == 0 || err != nil {
		t.Fatalf("closing the window: %d windows, %v", n, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("pcemu after the window closed: %v\n%s", err, stderr.String())
		}
	case <-time.After(time.Minute):
		t.Fatalf("pcemu did not end when its window was closed:\n%s", stderr.String())
	}
	if b, err := os.ReadFile(filepath.Join(folder, "NEW.TXT")); err != nil || string(b) != "from the window\r\n" {
		t.Errorf("the folder after the window closed: NEW.TXT %q (%v)\n%s", b, err, stderr.String())
	}
}
