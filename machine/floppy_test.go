package machine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A diskette must have one of the sizes of the BIOS's diskette table.
func TestFloppySize(t *testing.T) {
	odd := filepath.Join(t.TempDir(), "odd.img")
	os.WriteFile(odd, make([]byte, 1000), 0o644)
	m, err := New(Config{Floppies: [2]string{odd}})
	if err == nil {
		m.Close()
	}
	if err == nil || !strings.Contains(err.Error(), odd+": size 1000 bytes is not a standard diskette") {
		t.Errorf("odd size: %v", err)
	}
}
