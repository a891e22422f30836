// Package fullfs gives a test a small file system of its own, to fill up:
// a tmpfs of a chosen size, mounted in a private mount namespace so that
// nothing outside the test sees it and nothing is left mounted if the test
// dies. Mounting needs privilege, so the test runs twice: Enter starts the
// test binary again for that one test under `unshare --user
// --map-root-user --mount` (a user namespace in which the test is root;
// it works unprivileged where user namespaces are allowed, and as root),
// and reports its result; inside, Enter mounts the file system and the
// test goes on.
//
//	func TestX(t *testing.T) {
//		dir, inside := fullfs.Enter(t, 16<<20)
//		if !inside {
//			return // the run inside has passed or failed this test
//		}
//		... files in dir run out of space after 16 MiB ...
//	}
//
// Where the namespace cannot be made, the test is skipped with the reason,
// or fails under CI (CI=true), as missing test tools do.
package fullfs

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"pcemu/internal/shared"
)

// envDir tells the run inside where to mount.
const envDir = "PCEMU_FULLFS_DIR"

// Enter returns a folder on a new tmpfs of size bytes and true when the
// test runs inside its namespace; else it runs the test there, fails t if
// the run inside failed, and returns false.
func Enter(t *testing.T, size int64) (dir string, inside bool) {
	t.Helper()
	if dir := os.Getenv(envDir); dir != "" {
		if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d", size)); err != nil {
			t.Fatalf("mount a %d-byte tmpfs on %s: %v", size, dir, err)
		}
		t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
		return dir, true
	}
	unshare := shared.Tool(t, "unshare")
	dir = t.TempDir()
	args := []string{"--user", "--map-root-user", "--mount", os.Args[0],
		"-test.run", "^" + regexp.QuoteMeta(t.Name()) + "$", "-test.v", "-test.count", "1"}
	cmd := exec.Command(unshare, args...)
	cmd.Env = append(os.Environ(), envDir+"="+dir)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	text := out.String()
	switch {
	case err == nil && strings.Contains(text, "--- PASS: "+t.Name()):
		t.Logf("on a %d-byte tmpfs:\n%s", size, text)
	case err == nil && strings.Contains(text, "--- SKIP: "+t.Name()):
		t.Skipf("skipped inside:\n%s", text)
	case strings.Contains(text, "unshare: "):
		// unshare itself failed: no user namespaces here.
		if shared.InCI() {
			t.Fatalf("a private tmpfs cannot be mounted here: %s", text)
		}
		t.Skipf("a private tmpfs cannot be mounted here: %s", text)
	default:
		t.Fatalf("on a %d-byte tmpfs: %v\n%s", size, err, text)
	}
	return "", false
}

// Fill writes a file in dir that takes all the free space but leave bytes,
// and returns its name.
func Fill(t *testing.T, dir string, leave int64) string {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	free := int64(st.Bavail)*st.Bsize - leave
	name := dir + "/filler"
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	for i := range buf {
		buf[i] = 0xF1
	}
	for free > 0 {
		n := min(free, int64(len(buf)))
		if _, err := f.Write(buf[:n]); err != nil {
			t.Fatalf("filling %s: %v", dir, err)
		}
		free -= n
	}
	return name
}
