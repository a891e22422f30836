package machine

import (
	"bytes"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A folder may back several fat: drives, but fat:rw: only one: the
// refusal names both flags before anything opens; a missing folder is an
// error naming it; warnings go to the log.
func TestFatFolderDrives(t *testing.T) {
	dir := t.TempDir()
	syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644)
	var log bytes.Buffer
	m, err := New(Config{HardDisks: [4]string{"", "fat:" + dir, "fat:" + dir}, Log: &log})
	if err != nil {
		t.Fatalf("two read-only fat: drives on one folder: %v", err)
	}
	if !strings.Contains(log.String(), "pcemu: warning: "+filepath.Join(dir, "fifo")+": skipped: a special file") {
		t.Errorf("log %q", log.String())
	}
	m.Close()
	_, err = New(Config{HardDisks: [4]string{"", "fat:rw:" + dir}, Floppies: [2]string{"fat:" + dir}})
	if err == nil || !strings.Contains(err.Error(), "same image is given twice (-hdb and -fda)") {
		t.Errorf("fat:rw: and fat: on one folder: %v", err)
	}
	missing := filepath.Join(dir, "missing")
	if _, err := New(Config{HardDisks: [4]string{"fat:" + missing}}); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("missing folder: %v", err)
	}
}
