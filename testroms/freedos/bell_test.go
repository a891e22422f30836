package freedos

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/wavcheck"
	"pcemu/machine"
	"pcemu/machine/machinetest"
)

// A DOS user's bell: `type` of a file holding BEL reaches the BIOS through
// DOS's console (INT 29h, INT 10h AH=0Eh), which rings the speaker as the
// IBM PC AT BIOS does (bios/beep.go): one tone of 1193182/1331 Hz for
// 31/64 s in the WAV file of --audio-out.
func TestBellFromDOS(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "folder")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(folder, "BEL.TXT"), []byte("ring\x07done\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wav := filepath.Join(dir, "bell.wav")
	f, err := os.Create(wav)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := machinetest.Boot(t, machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20,
		HardDisks: [4]string{sharedImage(t), "fat:" + folder}, Snapshot: true, AudioOut: f})
	m.WaitFor(`C:\>`, 60*time.Second)
	m.WaitPrompt(`C:\>`, 60*time.Second)
	m.Type("type d:bel.txt\r")
	m.WaitFor("ringdone", 10*time.Second)
	m.WaitPrompt(`C:\>`, 10*time.Second)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(wav)
	if err != nil {
		t.Fatal(err)
	}
	s, rate, err := wavcheck.Read(b)
	if err != nil {
		t.Fatal(err)
	}
	tones := wavcheck.Tones(s, 500, 2000, rate*25/1000)
	if len(tones) != 1 {
		t.Fatalf("%d sounds in the WAV file, want the one beep: %v", len(tones), tones)
	}
	wantHz, wantDur := machine.PITHz/1331.0, time.Duration(31*1035*15085737/1000)
	sp := tones[0]
	dur := time.Duration(sp.End-sp.Start) * time.Second / time.Duration(rate)
	hz := wavcheck.Dominant(s[sp.Start:sp.End], rate, 50, 10000)
	t.Logf("beep: %.2f Hz for %v", hz, dur)
	if math.Abs(hz-wantHz) > wantHz/100 {
		t.Errorf("beep at %.2f Hz, want %.2f within 1%%", hz, wantHz)
	}
	if d := dur - wantDur; d > 5*time.Millisecond || d < -5*time.Millisecond {
		t.Errorf("beep %v long, want %v within 5 ms", dur, wantDur)
	}
}
