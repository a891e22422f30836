package testroms

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/wavcheck"
	"pcemu/machine"
	"pcemu/machine/machinetest"
)

// refreshNs is the period of port 61h bit 4's refresh toggle the program
// times its sounds with (IBM PC/AT: 15.085 us).
const refreshNs = 15085

// speakerSounds is what speaker.asm plays (its header lists the same):
// the frequency and the length of each sound.
var speakerSounds = []struct {
	hz  float64
	dur time.Duration
}{
	{machine.PITHz / 2712.0, 13258 * refreshNs},
	{machine.PITHz / 2280.0, 6629 * refreshNs},
	{machine.PITHz / 1810.0, 9944 * refreshNs},
	{machine.PITHz / 1356.0, 16573 * refreshNs},
	{machine.PITHz / 597.0, 6629 * refreshNs},
	{machine.PITHz / 239.0, 13258 * refreshNs},
	{1e9 / (2 * 33 * refreshNs), 400 * 33 * refreshNs},
	{1e9 / (2 * 11 * refreshNs), 1200 * 11 * refreshNs},
}

// runSpeaker runs speaker.asm with --audio-out to a file and returns it.
func runSpeaker(t *testing.T, model cpu.Model) []byte { return runSound(t, "speaker", model) }

// runSound runs one of SoundPrograms with --audio-out to a file, checks
// its report and returns the file.
func runSound(t *testing.T, name string, model cpu.Model) []byte {
	t.Helper()
	prog, err := Binary(name)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	hd, fd := writeDisks(t, dir, name, prog)
	wav := filepath.Join(dir, name+".wav")
	f, err := os.Create(wav)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := machinetest.Boot(t, machine.Config{Model: model, HardDisks: [4]string{hd}, Floppies: [2]string{fd},
		NoReboot: true, AudioOut: f})
	reason, status := m.WaitStop(programTimeout)
	out := m.DebugOutput()
	fails, passes, done := summarize(out)
	for _, l := range fails {
		t.Error(l)
	}
	if reason != machine.ExitPort || status != 1 || !done || passes == 0 {
		t.Fatalf("stopped by %v with status %d; debug console:\n%s", reason, status, out)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(wav)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The WAV file of --audio-out holds the program's sounds: each one's
// dominant frequency within 1% and its length within 5 ms.
func TestSpeakerProgram(t *testing.T) {
	for _, model := range []cpu.Model{cpu.Model80286, cpu.Model8086} {
		t.Run(modelName(model), func(t *testing.T) {
			s, rate, err := wavcheck.Read(runSpeaker(t, model))
			if err != nil {
				t.Fatal(err)
			}
			if rate != machine.DefaultAudioRate {
				t.Fatalf("rate %d, want %d", rate, machine.DefaultAudioRate)
			}
			tones := wavcheck.Tones(s, 500, 2000, rate*25/1000)
			if len(tones) != len(speakerSounds) {
				t.Fatalf("%d sounds in the WAV file, want %d: %v", len(tones), len(speakerSounds), tones)
			}
			for i, want := range speakerSounds {
				sp := tones[i]
				dur := time.Duration(sp.End-sp.Start) * time.Second / time.Duration(rate)
				f := wavcheck.Dominant(s[sp.Start:sp.End], rate, 50, 10000)
				t.Logf("sound %d: %.2f Hz for %v (want %.2f Hz for %v)", i+1, f, dur, want.hz, want.dur)
				if math.Abs(f-want.hz) > want.hz/100 {
					t.Errorf("sound %d: dominant frequency %.2f Hz, want %.2f within 1%%", i+1, f, want.hz)
				}
				if d := dur - want.dur; d > 5*time.Millisecond || d < -5*time.Millisecond {
					t.Errorf("sound %d: %v long, want %v within 5 ms", i+1, dur, want.dur)
				}
			}
		})
	}
}

// The same run writes the same bytes.
func TestSpeakerWAVDeterministic(t *testing.T) {
	a, b := runSpeaker(t, cpu.Model80286), runSpeaker(t, cpu.Model80286)
	if string(a) != string(b) {
		t.Fatal("two runs of the same program wrote different WAV files")
	}
	if !strings.HasPrefix(string(a), "RIFF") {
		t.Fatal("not a RIFF file")
	}
}
