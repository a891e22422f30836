//go:build !nosdl

package sdl

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"pcemu/internal/wavcheck"
	"pcemu/machine"
	"pcemu/testroms"
)

// A program's speaker music through the window's audio device, end to
// end: testroms/speaker.asm runs in real time in a window on SDL's dummy
// video and disk audio drivers (which writes what the device plays to a
// file, at the device's pace), with the machine's speaker as the window's
// Sound, as pcemu wires it. Every sound of the program is in the file, in
// order, at its frequency within 1% (a host too busy to keep the device
// fed may cut a sound into pieces, so lengths are not checked here; the
// WAV tests check them).
func TestSpeakerThroughAudioDisk(t *testing.T) {
	t.Setenv("SDL_VIDEODRIVER", "dummy")
	t.Setenv("SDL_AUDIODRIVER", "disk")
	dir := t.TempDir()
	out := filepath.Join(dir, "sdlaudio.raw")
	t.Setenv("SDL_DISKAUDIOFILE", out)
	prog, err := testroms.Binary("speaker")
	if err != nil {
		t.Fatal(err)
	}
	hd, fd := filepath.Join(dir, "speaker.img"), filepath.Join(dir, "floppy.img")
	if err := testroms.WriteHardDisk(hd, prog); err != nil {
		t.Fatal(err)
	}
	if err := testroms.WriteFloppy(fd); err != nil {
		t.Fatal(err)
	}
	m, err := machine.New(machine.Config{HardDisks: [4]string{hd}, Floppies: [2]string{fd}, RealTime: true, NoReboot: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ran := make(chan machine.StopReason, 1)
	go func() {
		r, _ := m.Run(context.Background())
		ran <- r
	}()
	var reason machine.StopReason
	w := runWindow(t, m, Options{Audio: func(rate int) Sound { return m.AudioOutput(rate, rate/5) }}, func(h *harness) {
		select {
		case reason = <-ran:
		case <-time.After(2 * time.Minute):
			t.Error("the program did not end")
		}
	})
	if reason != machine.ExitPort || m.ExitStatus() != 1 {
		t.Fatalf("the program ended with %v, status %d:\n%s", reason, m.ExitStatus(), m.DebugOutput())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	s := make([]int16, len(b)/2)
	for i := range s {
		s[i] = int16(uint16(b[2*i]) | uint16(b[2*i+1])<<8)
	}
	rate := w.audioRate
	// speaker.asm's sounds (its header): six PIT tones, two passages of
	// port 61h bit 1 toggled every 33 and 11 refresh periods.
	want := []float64{machine.PITHz / 2712, machine.PITHz / 2280, machine.PITHz / 1810, machine.PITHz / 1356,
		machine.PITHz / 597, machine.PITHz / 239, 1e9 / (2 * 33 * 15085), 1e9 / (2 * 11 * 15085)}
	var got []float64
	for _, sp := range wavcheck.Tones(s, 500, 2000, rate*25/1000) {
		if sp.End-sp.Start < rate*30/1000 {
			continue // a piece too short to measure
		}
		f := wavcheck.Dominant(s[sp.Start:sp.End], rate, 50, 10000)
		if n := len(got); n > 0 && math.Abs(f-got[n-1]) < got[n-1]/100 {
			continue // the same sound, cut by an underrun
		}
		got = append(got, f)
	}
	t.Logf("device rate %d Hz, %d samples; sounds at %.1f Hz", rate, len(s), got)
	if len(got) != len(want) {
		t.Fatalf("%d sounds played, want %d: %.1f Hz", len(got), len(want), got)
	}
	for i, f := range got {
		if math.Abs(f-want[i]) > want[i]/100 {
			t.Errorf("sound %d at %.2f Hz, want %.2f within 1%%", i+1, f, want[i])
		}
	}
}
