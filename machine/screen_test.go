package machine_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pcemu/machine"
)

// What CheckScreendump refuses is what Screendump would fail on, and the
// message names the file once, without a "screendump" prefix the caller
// adds itself.
func TestCheckScreendump(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o644)
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "a.txt"), ""},
		{filepath.Join(dir, "A.PNG"), ""},
		{"out.bmp", "out.bmp: the name must end in .txt or .png"},
		{"noext", "noext: the name must end in .txt or .png"},
		{filepath.Join(dir, "no", "a.png"), filepath.Join(dir, "no", "a.png") + ": cannot be written: the folder " + filepath.Join(dir, "no") + " does not exist"},
		{filepath.Join(file, "a.txt"), "is not a folder"},
	} {
		err := machine.CheckScreendump(tc.path)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.path, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: %v, want %q", tc.path, err, tc.want)
		case err != nil && strings.Contains(err.Error(), "screendump"):
			t.Errorf("%s: %v repeats the caller's prefix", tc.path, err)
		}
	}
}
