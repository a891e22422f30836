package testroms

import (
	"math"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/wavcheck"
	"pcemu/machine"
)

// The IBM PC AT BIOS's bell (bell.asm; TEST4.ASM 06/10/85, BEEP called by
// WRITE_TTY with CX=1331, BL=31): PIT channel 2 at 1193182/1331 Hz for 31
// counts of 1035 refresh periods of 15.085737 us.
var (
	bellHz  = machine.PITHz / 1331.0
	bellDur = time.Duration(31 * 1035 * 15085737 / 1000) // ns
)

// INT 10h's BEL, as bell.asm writes it three times, is three 896.4 Hz
// tones of 484 ms in the WAV file of --audio-out (frequency within 1%,
// length within 5 ms); the program itself checks what the ports showed
// during each beep and that the timer ran on.
func TestBIOSBell(t *testing.T) {
	for _, model := range []cpu.Model{cpu.Model80286, cpu.Model8086} {
		t.Run(modelName(model), func(t *testing.T) {
			s, rate, err := wavcheck.Read(runSound(t, "bell", model))
			if err != nil {
				t.Fatal(err)
			}
			tones := wavcheck.Tones(s, 500, 2000, rate*25/1000)
			if len(tones) != 3 {
				t.Fatalf("%d sounds in the WAV file, want 3 beeps: %v", len(tones), tones)
			}
			for i, sp := range tones {
				dur := time.Duration(sp.End-sp.Start) * time.Second / time.Duration(rate)
				f := wavcheck.Dominant(s[sp.Start:sp.End], rate, 50, 10000)
				t.Logf("beep %d: %.2f Hz for %v (want %.2f Hz for %v)", i+1, f, dur, bellHz, bellDur)
				if math.Abs(f-bellHz) > bellHz/100 {
					t.Errorf("beep %d: dominant frequency %.2f Hz, want %.2f within 1%%", i+1, f, bellHz)
				}
				if d := dur - bellDur; d > 5*time.Millisecond || d < -5*time.Millisecond {
					t.Errorf("beep %d: %v long, want %v within 5 ms", i+1, dur, bellDur)
				}
			}
		})
	}
}
