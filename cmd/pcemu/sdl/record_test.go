//go:build !nosdl

package sdl

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/shared"
	"pcemu/machine"
	"pcemu/machine/recording"

	"github.com/veandco/go-sdl2/sdl"
)

// waitScreen polls the machine's screen for text.
func waitScreen(t *testing.T, m *machine.Machine, text string, d time.Duration) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if strings.Contains(m.ScreenText(), text) {
			return
		}
	}
	t.Errorf("%q did not appear within %v:\n%s", text, d, m.ScreenText())
}

// waitVer waits for FreeDOS to have run a ver typed at its prompt: the
// command line, FreeCOM's version after it and the next prompt. (The
// kernel's name, which the test waited for, is on the screen from the
// boot already: the run ended before the guest had taken the keys.)
func waitVer(t *testing.T, m *machine.Machine, d time.Duration) {
	t.Helper()
	ran := func(s string) bool {
		i := strings.LastIndex(s, `C:\>ver`)
		if i < 0 {
			return false
		}
		s = s[i+len(`C:\>ver`):]
		k := strings.Index(s, "FreeCom version")
		return k >= 0 && strings.Contains(s[k:], `C:\>`)
	}
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if ran(m.ScreenText()) {
			return
		}
	}
	t.Errorf("ver did not run within %v:\n%s", d, m.ScreenText())
}

// A run in the window, in real time, with keys typed at the window and the
// window closed at the end, is recorded; replayed headless, and replayed
// in the window, it is the same run: the same end, the same digest, every
// checkpoint matched.
func TestRecordInWindowReplay(t *testing.T) {
	t.Setenv("SDL_VIDEODRIVER", "dummy")
	img := shared.Path(t, "images/freedos-hd.vhd")
	cfg := machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20, HardDisks: [4]string{img}, Snapshot: true, RealTime: true}
	m, err := machine.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	path := filepath.Join(t.TempDir(), "window.rec")
	rec, err := recording.Create(path, &recording.Start{Config: m.Config(), Disks: m.DiskIdentities()})
	if err != nil {
		t.Fatal(err)
	}
	m.SetRecorder(rec)
	ran := make(chan machine.StopReason)
	go func() {
		r, _ := m.Run(context.Background())
		ran <- r
	}()
	runWindow(t, m, Options{}, func(h *harness) {
		waitScreen(t, m, `C:\>`, time.Minute)
		typeText(t, "ver\r")
		waitVer(t, m, 30*time.Second)
		// The harness closes the window: the machine powers off.
	})
	if r := <-ran; r != machine.PowerOff {
		t.Fatalf("the recorded run ended with %v", r)
	}
	rec.End(m)
	if err := rec.Close(); err != nil {
		t.Fatal(err)
	}
	want := m.Digest()
	b, _ := os.ReadFile(path)
	for _, kind := range []string{" key ", " poweroff", " check ", " end "} {
		if !strings.Contains(string(b), kind) {
			t.Errorf("the recording has no %q line", strings.TrimSpace(kind))
		}
	}

	replay := func(realTime bool, run func(m *machine.Machine) machine.StopReason) {
		t.Helper()
		r, err := recording.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		c := r.Start.Config
		c.RealTime = realTime
		m, err := machine.New(c)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		p := recording.NewPlayer(r)
		m.SetReplay(p)
		if reason := run(m); reason != machine.PowerOff {
			t.Errorf("realtime=%v: the replay ended with %v (%v)", realTime, reason, m.Err())
		}
		if !p.Done() {
			t.Errorf("realtime=%v: the replay did not reach the recording's end", realTime)
		}
		if got := m.Digest(); got != want {
			t.Errorf("realtime=%v: replayed to %v, recorded %v", realTime, got, want)
		}
	}
	replay(false, func(m *machine.Machine) machine.StopReason {
		r, _ := m.Run(context.Background())
		return r
	})
	replay(true, func(m *machine.Machine) machine.StopReason {
		ran := make(chan machine.StopReason, 1)
		go func() {
			r, _ := m.Run(context.Background())
			ran <- r
		}()
		var r machine.StopReason
		runWindow(t, m, Options{}, func(h *harness) {
			// Keys at the window do not reach a replay.
			typeText(t, "dir\r")
			r = <-ran
		})
		return r
	})
}

// Ctrl+Alt+W and Ctrl+Alt+L call the window's SaveState and LoadState,
// and their keys do not reach the guest: here a FreeDOS saved at the
// prompt, then typed at, goes back to the prompt as it was.
func TestStateKeys(t *testing.T) {
	t.Setenv("SDL_VIDEODRIVER", "dummy")
	img := shared.Path(t, "images/freedos-hd.vhd")
	m, err := machine.New(machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20, HardDisks: [4]string{img}, Snapshot: true, RealTime: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	keysIn := &inputLog{}
	m.SetRecorder(keysIn)
	go m.Run(context.Background())
	var saved *machine.State // the window's goroutine only
	saves, loads := make(chan string, 1), make(chan error, 1)
	opt := Options{
		SaveState: func() (string, error) {
			var err error
			saved, err = m.Save()
			saves <- m.ScreenText()
			return "memory", err
		},
		LoadState: func() (string, error) {
			err := m.Load(saved)
			loads <- err
			return "memory", err
		},
	}
	runWindow(t, m, opt, func(h *harness) {
		waitScreen(t, m, `C:\>`, time.Minute)
		time.Sleep(300 * time.Millisecond)
		hostCombo(t, sdl.SCANCODE_W)
		screen := <-saves
		typeText(t, "ver\r")
		waitVer(t, m, 30*time.Second)
		hostCombo(t, sdl.SCANCODE_L)
		if err := <-loads; err != nil {
			t.Errorf("Ctrl+Alt+L: %v", err)
		}
		if got := m.ScreenText(); got != screen {
			t.Errorf("after Ctrl+Alt+L the screen is\n%s\nnot the saved\n%s", got, screen)
		}
	})
	// The keys the guest got: Ctrl and Alt (as on QEMU), the typed text,
	// never W or L (set 1 make codes 11h and 26h).
	keysIn.mu.Lock()
	defer keysIn.mu.Unlock()
	typed := 0
	for _, in := range keysIn.inputs {
		if in.Kind != machine.InputKey {
			continue
		}
		typed++
		if c := in.Bytes[0] & 0x7F; c == 0x11 || c == 0x26 {
			t.Errorf("the guest got the key %02X of a state key", in.Bytes[0])
		}
	}
	if typed < 8 {
		t.Errorf("the guest got %d key transitions, want ver and Enter at least", typed)
	}
}

// inputLog is a machine.Recorder that keeps the inputs.
type inputLog struct {
	mu     sync.Mutex
	inputs []machine.Input
}

func (l *inputLog) Input(_ machine.Instant, in machine.Input) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inputs = append(l.inputs, in)
}

func (l *inputLog) Boundary(machine.Instant, func() machine.Digest) {}
