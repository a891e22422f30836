package shared

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRootHonoursEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PCEMU_SHARED", dir)
	if got := Root(); got != dir {
		t.Fatalf("Root() = %q, want %q", got, dir)
	}
	if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := Path(t, "x"); got != filepath.Join(dir, "x") {
		t.Fatalf("Path = %q", got)
	}
}

func TestDefaultRootHasReadme(t *testing.T) {
	t.Setenv("PCEMU_SHARED", "")
	Path(t, "README.md")
}

func TestMissingDataFailsInCI(t *testing.T) {
	t.Setenv("PCEMU_SHARED", t.TempDir())
	t.Setenv("CI", "true")
	ft := &fakeTB{TB: t}
	func() {
		defer func() { recover() }()
		Path(ft, "nope")
	}()
	if !ft.failed || ft.skipped {
		t.Fatalf("under CI a missing path must fail, got failed=%v skipped=%v", ft.failed, ft.skipped)
	}
	t.Setenv("CI", "")
	ft = &fakeTB{TB: t}
	func() {
		defer func() { recover() }()
		Path(ft, "nope")
	}()
	if ft.failed || !ft.skipped {
		t.Fatalf("outside CI a missing path must skip, got failed=%v skipped=%v", ft.failed, ft.skipped)
	}
}

// fakeTB records Fatalf/Skipf instead of stopping the real test.
type fakeTB struct {
	testing.TB
	failed, skipped bool
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(string, ...any) {
	f.failed = true
	panic("fatal")
}
func (f *fakeTB) Skipf(string, ...any) {
	f.skipped = true
	panic("skip")
}

func TestToolFoundAndMissing(t *testing.T) {
	if p := Tool(t, "sh"); p == "" {
		t.Fatal("Tool(sh) returned no path")
	}
	t.Setenv("CI", "true")
	ft := &fakeTB{TB: t}
	func() {
		defer func() { recover() }()
		Tool(ft, "no-such-tool-pcemu")
	}()
	if !ft.failed {
		t.Fatal("under CI a missing tool must fail the test")
	}
}
