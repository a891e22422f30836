package machine

import (
	"context"
	"fmt"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/shared"
)

// A real-time run on a host that keeps falling behind (a loaded machine),
// so that virtual time jumps to catch up while typed keys wait for their
// turn, is replayed exactly: the jumps are inputs like the keys, and the
// recorded run does at a jump what the replay does when it applies it.
// The host clock is a fake that moves 1 ms at every look, deterministic,
// so that the recorded run makes the same jumps every time; on the real
// host clock only load made them, and the window's recorded run once
// ended with another RAM than its replays. The digest is compared at
// every slice boundary while the keys go in: a key handed to the keyboard
// controller an instruction later in the recorded run than in the replay
// (the jump's instant against the next slice's end) is found there, even
// where the guest's memory comes back to the same later on.
func TestCatchUpReplays(t *testing.T) {
	img := shared.Path(t, "images/freedos-hd.vhd")
	ctx := context.Background()
	m, err := New(Config{Model: cpu.Model80286, MemorySize: 4 << 20, HardDisks: [4]string{img}, Snapshot: true, RealTime: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	host := time.Unix(1000, 0)
	m.Clock.hostStart = host
	m.Clock.hostNow = func() time.Time { host = host.Add(time.Millisecond); return host }
	m.Clock.sleep = func(d time.Duration) { host = host.Add(d) }
	rec := &inputList{}
	m.SetRecorder(rec)
	if r, err := m.RunFor(ctx, 2*time.Second); r != Running {
		t.Fatalf("booting: %v %v", r, err)
	}
	m.TypeKeys("dir\r")
	m.SendScancodes([]byte{0x1D}) // Ctrl, as a window sends it
	m.SendScancodes([]byte{0x9D})
	rec.check = true
	if r, err := m.RunFor(ctx, 300*time.Millisecond); r != Running {
		t.Fatalf("typing: %v %v", r, err)
	}
	end, want := m.Instant(), m.Digest()
	clocks := 0
	for _, e := range rec.events {
		if e.in != nil && e.in.Kind == InputClock {
			clocks++
		}
	}
	if clocks < 10 {
		t.Fatalf("the run caught up with the host %d times; the test wants a host that falls behind", clocks)
	}

	c := m.Config()
	c.RealTime = false
	r, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.SetReplay(&inputList{events: append(rec.events, event{at: end, in: &Input{Kind: InputEnd}})})
	if reason, err := r.Run(ctx); reason != Replayed {
		t.Fatalf("the replay ended with %v (%v)", reason, err)
	}
	if got := r.Digest(); got != want {
		t.Errorf("replayed to %v, recorded %v (%d catch-ups)", got, want, clocks)
	}
}

// inputList records a run's inputs (a Recorder) and, while check is
// set, its digest at every slice boundary; it gives them back (a Player),
// checking the digests.
type inputList struct {
	events []event
	next   int
	check  bool
}

type event struct {
	at Instant
	in *Input // nil: a checkpoint
	d  Digest
}

func (l *inputList) Input(at Instant, in Input) { l.events = append(l.events, event{at: at, in: &in}) }

func (l *inputList) Boundary(at Instant, digest func() Digest) {
	if l.check {
		l.events = append(l.events, event{at: at, d: digest()})
	}
}

func (l *inputList) Next() (Instant, string, bool) {
	if l.next >= len(l.events) {
		return Instant{}, "", false
	}
	e := l.events[l.next]
	if e.in == nil {
		return e.at, "a checkpoint", true
	}
	return e.at, e.in.Kind.String(), true
}

func (l *inputList) Play(at Instant, digest func() Digest) (*Input, error) {
	e := l.events[l.next]
	l.next++
	if e.in == nil {
		if d := digest(); d != e.d {
			return nil, fmt.Errorf("at %v the replay is at %v, the recorded run was at %v", at, d, e.d)
		}
	}
	return e.in, nil
}
