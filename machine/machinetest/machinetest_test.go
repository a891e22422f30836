package machinetest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pcemu/machine"
)

// recorder is a testing.TB whose Fatal records the message and ends the
// goroutine with a panic that failed recovers, so that the test goes on.
type recorder struct {
	testing.TB
	msg string
}

func (r *recorder) Helper() {}
func (r *recorder) Fatal(a ...any) {
	r.msg = fmt.Sprint(a...)
	panic(r)
}
func (r *recorder) Fatalf(format string, a ...any) { r.Fatal(fmt.Sprintf(format, a...)) }

// failed calls f with m reporting to a recorder and returns what f failed
// with ("" if it did not).
func failed(t *testing.T, m *M, f func(m *M)) (msg string) {
	r := &recorder{TB: t}
	defer func() {
		if p := recover(); p != nil && p != r {
			panic(p)
		}
		msg = r.msg
	}()
	f(&M{Machine: m.Machine, t: r})
	return ""
}

// WaitFor is the script engine's wait: it returns when the text is on the
// screen and fails with the step, the reason and the screen otherwise.
func TestWaitFor(t *testing.T) {
	blank := filepath.Join(t.TempDir(), "blank.img")
	if err := os.WriteFile(blank, make([]byte, 1<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	m := Boot(t, machine.Config{HardDisks: [4]string{blank}, WaitOnNoBoot: true})
	if msg := failed(t, m, func(m *M) { m.WaitFor("No bootable device", 30*time.Second) }); msg != "" {
		t.Fatalf("WaitFor of a shown text failed: %s", msg)
	}
	msg := failed(t, m, func(m *M) { m.WaitFor("never shown", 100*time.Millisecond) })
	for _, want := range []string{`WaitFor: wait "never shown" 100ms: "never shown" did not appear within 100ms`, "--- screen ---", "No bootable device"} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure %q lacks %q", msg, want)
		}
	}
}
