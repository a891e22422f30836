package recording

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pcemu/machine"
)

const good = `pcemu recording 1
machine model=2 memory=655360 mouse=0 boot=ca ns=100 snapshot=true noreboot=false waitnoboot=false realtime=true ignoreparenttime=false demo=false
rtc 1735732800000000000
hd 0 "/images/dos.vhd"
image vhd "/images/dos.vhd" 1000 2000 07f47e9241244c339cc2d7564760d7ea
run
10 1000 key 1C
10 1000 key E0,1C typed
20 2000 mouse-motion 5 -3
30 3000 mouse-moves -2048 -2048 64
40 4000 mouse-button 1 true
50 5000 serial 41,42
60 6000 clock 9000
70 9100 check ram=0000000000000000000000000000000000000000000000000000000000000001 screen=0000000000000000000000000000000000000000000000000000000000000002 disk-writes=0000000000000000000000000000000000000000000000000000000000000003
80 9200 reset
90 9300 end power-off ram=0000000000000000000000000000000000000000000000000000000000000001 screen=0000000000000000000000000000000000000000000000000000000000000002 disk-writes=0000000000000000000000000000000000000000000000000000000000000003
`

func TestRead(t *testing.T) {
	r, err := Read(strings.NewReader(good), "g.rec")
	if err != nil {
		t.Fatal(err)
	}
	c := r.Start.Config
	if c.MemorySize != 655360 || c.HardDisks[0] != "/images/dos.vhd" || !c.RealTime || c.RTCStart.Year() != 2025 || len(r.Start.Disks) != 1 || r.Start.Disks[0].Size != 1000 {
		t.Errorf("start: %+v", r.Start)
	}
	if !r.Ended || len(r.Events) != 10 {
		t.Fatalf("%d events, ended %v", len(r.Events), r.Ended)
	}
	in := r.Events[1].Input
	if in.Kind != machine.InputKey || !in.Typed || len(in.Bytes) != 2 || in.Bytes[0] != 0xE0 {
		t.Errorf("event 1: %+v", in)
	}
	if in := r.Events[3].Input; in.Kind != machine.InputMouseMoves || in.DX != -2048 || in.Step != 64 {
		t.Errorf("event 3: %+v", in)
	}
	if e := r.Events[7]; e.Input != nil || e.Digest.RAM[31] != 1 || e.Digest.Instructions != 70 {
		t.Errorf("check: %+v", e)
	}
}

// A file that is not a recording, of another version, or with a line
// that does not read is refused, naming the line.
func TestReadRefuses(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"", ":0: empty"},
		{"hello\n", ":1: not a pcemu recording"},
		{"pcemu recording 2\n", ":1: format version 2"},
		{"pcemu recording 1\nmachine frob=1\nrun\n", ":2: machine: \"frob=1\""},
		{"pcemu recording 1\nmachine model=2\n", "no run line"},
		{"pcemu recording 1\nrun\n10 x key 1C\n", ":3: an event is"},
		{"pcemu recording 1\nrun\n10 100 key ZZ\n", ":3: key: \"ZZ\" is not bytes"},
		{"pcemu recording 1\nrun\n10 100 teleport\n", ":3: \"teleport\": not an event"},
		{"pcemu recording 1\nrun\n10 100 check ram=00\n", ":3: check: a digest is"},
		{"pcemu recording 1\nrun\n20 200 reset\n10 100 reset\n", ":4: instant"},
		{"pcemu recording 1\nrun\n10 100 load 00 5\nAAAA\n.\n", ":3: an embedded state needs"},
		{"pcemu recording 1\nstate " + strings.Repeat("0", 64) + " 3\nAAAA\n.\nrun\n", ":4: an embedded state does not match"},
	} {
		_, err := Read(strings.NewReader(tc.src), "x.rec")
		var fe *FormatError
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.src, err, tc.want)
		} else if !errors.As(err, &fe) {
			t.Errorf("%q: %T is not a FormatError", tc.src, err)
		}
	}
}

// The player gives each event at its instant and says where digests part.
func TestPlayerChecks(t *testing.T) {
	r, err := Read(strings.NewReader(good), "g.rec")
	if err != nil {
		t.Fatal(err)
	}
	p := NewPlayer(r)
	for i := 0; i < 7; i++ {
		at, _, _ := p.Next()
		if in, err := p.Play(at, nil); err != nil || in == nil {
			t.Fatalf("event %d: %v %v", i, in, err)
		}
	}
	at, what, _ := p.Next()
	if !strings.Contains(what, "checkpoint") {
		t.Errorf("next is %q", what)
	}
	_, err = p.Play(at, func() machine.Digest { return machine.Digest{} })
	if !errors.Is(err, machine.ErrDiverged) || !strings.Contains(err.Error(), "memory, screen and disk writes differ") || !strings.Contains(err.Error(), "after the start") {
		t.Errorf("a digest that differs: %v", err)
	}
}

// A recording made with a StateFile names the state file (its SHA-256 and
// length) instead of carrying it; reading it reads the file back and
// refuses one that changed or is gone; EmbedState makes it carry the state,
// after which it reads without the file.
func TestStateFileByPath(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "s.state")
	content := []byte(strings.Repeat("a machine state ", 1000))
	os.WriteFile(state, content, 0o644)
	rec := filepath.Join(dir, "r.rec")
	r, err := Create(rec, &Start{State: content, StateFile: state})
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	b, _ := os.ReadFile(rec)
	if !strings.Contains(string(b), "\nstatefile ") || len(b) > 2000 {
		t.Fatalf("the recording does not name its state file (%d bytes):\n%.500s", len(b), b)
	}
	got, err := Open(rec)
	if err != nil || string(got.Start.State) != string(content) || got.Start.StateFile != state {
		t.Fatalf("reading it back: %v", err)
	}
	os.WriteFile(state, []byte(strings.Repeat("a machine state!", 1000)), 0o644)
	if _, err := Open(rec); err == nil || !strings.Contains(err.Error(), "changed since the run") {
		t.Errorf("a state file changed since: %v", err)
	}
	if err := EmbedState(rec); err == nil {
		t.Error("EmbedState took a changed state file")
	}
	os.WriteFile(state, content, 0o644)
	if err := EmbedState(rec); err != nil {
		t.Fatal(err)
	}
	os.Remove(state)
	got, err = Open(rec)
	if err != nil || string(got.Start.State) != string(content) || got.Start.StateFile != "" {
		t.Fatalf("after EmbedState, without the file: %v", err)
	}
	if err := EmbedState(rec); err != nil {
		t.Errorf("EmbedState of a recording that carries its state: %v", err)
	}
	if _, err := Create(rec+"2", &Start{State: content, StateFile: state}); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(rec + "2"); err == nil || !strings.Contains(err.Error(), "the state file the run started from") {
		t.Errorf("a state file that is gone: %v", err)
	}
}
