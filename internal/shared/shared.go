// Package shared locates the read-only test data that every checkout has
// beside it (../shared from the repository root, or $PCEMU_SHARED): the
// SingleStepTests vectors, the classic CPU test ROMs, FreeDOS images and the
// CPU benchmark boot sectors. See ../shared/README.md.
//
// Tests ask for a path through Path. When the data is missing, the test is
// skipped on a developer's machine but fails under CI (CI=true), because a
// CI run that silently skips its conformance tests proves nothing.
package shared

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Root returns the shared data folder: $PCEMU_SHARED if set, else ../shared
// relative to the repository root.
func Root() string {
	if d := os.Getenv("PCEMU_SHARED"); d != "" {
		return d
	}
	// This file lives at <repo>/internal/shared/shared.go.
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return filepath.Join("..", "shared")
	}
	repo := filepath.Dir(filepath.Dir(filepath.Dir(file)))
	return filepath.Join(filepath.Dir(repo), "shared")
}

// InCI reports whether the tests run under CI, where missing data is an error.
func InCI() bool { return os.Getenv("CI") == "true" }

// Path returns Root()/rel and makes sure it exists. If it does not, the test
// fails under CI and is skipped elsewhere, naming the missing path.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	return Require(tb, filepath.Join(Root(), rel))
}

// Require checks that an absolute or relative path (for example one taken
// from an environment variable such as PCEMU_SST_8086) exists, failing
// under CI and skipping elsewhere when it does not.
func Require(tb testing.TB, p string) string {
	tb.Helper()
	if _, err := os.Stat(p); err != nil {
		if InCI() {
			tb.Fatalf("shared test data missing: %v (set PCEMU_SHARED)", err)
		}
		tb.Skipf("shared test data missing: %v (set PCEMU_SHARED)", err)
	}
	return p
}

// Tool finds an external program a test needs (nasm, qemu-img, mtools,
// Xvfb, ...) on $PATH. Like Path, a missing tool fails the test under CI
// and skips it elsewhere; `make deps` installs them all.
func Tool(tb testing.TB, name string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if InCI() {
			tb.Fatalf("%s is not installed (make deps installs it): %v", name, err)
		}
		tb.Skipf("%s is not installed: %v", name, err)
	}
	return p
}
