package machine

import (
	"math"
	"slices"
	"testing"
	"time"

	"pcemu/internal/wavcheck"
)

type speakerRig struct {
	clk *fakeClock
	pit *PIT
	sys *SystemControl
	sp  *Speaker
	out []int16
}

func newSpeakerRig() *speakerRig {
	r := &speakerRig{clk: &fakeClock{}}
	r.pit = NewPIT(r.clk, nil)
	r.sys = NewSystemControl(r.clk, r.pit, nil, nil)
	r.sp = NewSpeaker(r.clk, r.pit)
	r.sys.SetSpeaker(r.sp)
	r.sp.AddOutput(48000, func(s []int16) { r.out = append(r.out, s...) }, 0)
	return r
}

// run lets d ns pass, with the machine's AdvanceTo every millisecond.
func (r *speakerRig) run(d int64) {
	end := r.clk.ns + d
	for r.clk.ns < end {
		r.clk.ns = min(r.clk.ns+1e6, end)
		r.sp.AdvanceTo(r.clk.ns)
	}
}

// tone programs channel 2 in mode 3 with divisor and turns gate and data on.
func (r *speakerRig) tone(divisor int) {
	r.pit.Out8(PortPITCtrl, 0xB6)
	r.pit.Out8(PortPIT2, uint8(divisor))
	r.pit.Out8(PortPIT2, uint8(divisor>>8))
	r.sys.Out8(PortSysCtlB, 0x03)
}

func rms(s []int16) float64 {
	sum := 0.0
	for _, v := range s {
		sum += float64(v) * float64(v)
	}
	return math.Sqrt(sum / float64(len(s)))
}

func TestSpeakerSilentUntilPlayed(t *testing.T) {
	r := newSpeakerRig()
	r.run(100e6)
	if len(r.out) < 4700 || slices.ContainsFunc(r.out, func(v int16) bool { return v != 0 }) {
		t.Fatalf("%d samples, not all zero", len(r.out))
	}
}

func TestSpeakerTone(t *testing.T) {
	r := newSpeakerRig()
	r.tone(1193) // 1000.15 Hz
	r.run(300e6)
	s := r.out[4800:] // after the high-pass settles
	if f := wavcheck.Dominant(s, 48000, 50, 12000); math.Abs(f-PITHz/1193.0) > 1 {
		t.Errorf("dominant frequency %.2f Hz, want %.2f", f, PITHz/1193.0)
	}
	if a := rms(s); a < 7000 || a > 9000 {
		t.Errorf("RMS %.0f, want about %d (a square wave of +-%d)", a, speakerLevel/2, speakerLevel/2)
	}
	// The data bit off silences it; the gate off holds OUT2 high.
	r.sys.Out8(PortSysCtlB, 0x01)
	n := len(r.out)
	r.run(500e6)
	if a := rms(r.out[n+12000:]); a > 50 {
		t.Errorf("RMS %.0f with port 61h bit 1 off", a)
	}
}

// A 15 kHz square wave's third harmonic (44.7 kHz) must not fold back to
// 3.3 kHz at 48 kHz, as it would if the edges fell on whole samples.
func TestSpeakerBandLimited(t *testing.T) {
	r := newSpeakerRig()
	r.tone(80) // 14914.8 Hz
	r.run(200e6)
	s := r.out[4800:]
	f0 := PITHz / 80.0
	alias := 48000 - 3*f0
	fund, al := wavcheck.Magnitude(s, 48000, f0), wavcheck.Magnitude(s, 48000, alias)
	if al > fund/100 {
		t.Errorf("alias at %.0f Hz is %.1f dB below the tone, want at least 40 dB", alias, 20*math.Log10(fund/al))
	}
}

// A count of 2 (596 kHz) is far above hearing: the speaker averages it
// to a constant, and after the high-pass nothing is heard.
func TestSpeakerAboveNyquistIsAverage(t *testing.T) {
	r := newSpeakerRig()
	r.tone(2)
	r.run(800e6)
	if a := rms(r.out[len(r.out)-4800:]); a > 50 {
		t.Errorf("RMS %.0f for a 596 kHz carrier", a)
	}
}

// Toggling port 61h bit 1 directly, every 500 us, is a 1 kHz tone: the
// edges fall at the exact times of the writes.
func TestSpeakerDirectToggle(t *testing.T) {
	r := newSpeakerRig()
	v := uint8(0)
	for i := 0; i < 600; i++ {
		v ^= 0x02
		r.sys.Out8(PortSysCtlB, v)
		r.run(500e3)
	}
	s := r.out[4800:]
	if f := wavcheck.Dominant(s, 48000, 50, 12000); math.Abs(f-1000) > 1 {
		t.Errorf("dominant frequency %.2f Hz, want 1000", f)
	}
}

func TestSpeakerDeterministic(t *testing.T) {
	play := func() []int16 {
		r := newSpeakerRig()
		r.tone(2712)
		r.run(50e6)
		r.tone(1000)
		r.clk.ns += 123457
		r.sys.Out8(PortSysCtlB, 0)
		r.run(50e6)
		return r.out
	}
	if a, b := play(), play(); !slices.Equal(a, b) {
		t.Fatal("two identical runs rendered different samples")
	}
}

// An output read by another goroutine (the SDL window's) while the
// machine's goroutine renders into it; run with -race (scripts/gotest).
func TestSpeakerOutputConcurrentRead(t *testing.T) {
	r := newSpeakerRig()
	o := r.sp.AddOutput(44100, nil, 44100/5)
	done := make(chan struct{})
	got := 0
	go func() {
		defer close(done)
		buf := make([]int16, 512)
		for end := time.Now().Add(10 * time.Second); got < 4000 && time.Now().Before(end); time.Sleep(time.Millisecond) {
			got += o.Read(buf)
			_ = o.Buffered()
		}
	}()
	r.tone(1193)
	for i := 0; i < 100; i++ {
		r.run(1e6)
		_ = r.sp.lead(time.Now())
	}
	<-done
	if got < 4000 {
		t.Fatalf("the reader got %d samples of 100 ms at 44.1 kHz", got)
	}
	if o.Rate() != 44100 {
		t.Fatalf("rate %d", o.Rate())
	}
}

// BenchmarkSpeaker renders a second of a tone at 48 kHz: the cost of the
// band-limited steps (two per period) and the samples.
func BenchmarkSpeaker(b *testing.B) {
	for _, c := range []struct {
		name    string
		divisor int
	}{{"1kHz", 1193}, {"10kHz", 119}, {"silence", 0}} {
		b.Run(c.name, func(b *testing.B) {
			r := newSpeakerRig()
			n := 0
			r.sp.outputs[0].sink = func(s []int16) { n += len(s) }
			if c.divisor > 0 {
				r.tone(c.divisor)
			}
			b.ResetTimer()
			for range b.N {
				r.run(1e9)
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/virtual-s")
			b.ReportMetric(float64(n)/b.Elapsed().Seconds()/1e6, "Msamples/s")
		})
	}
}

// The audio device's reader paces the machine in real-time mode: lead is
// how long the machine must wait so that it runs no more than audioLead
// ahead of what the reader has taken; nothing while no reader has read or
// after one stopped reading (a window that closed its audio); the queue
// drops its oldest samples beyond its bound.
func TestSpeakerReaderPacesMachine(t *testing.T) {
	r := newSpeakerRig()
	o := r.sp.AddOutput(48000, nil, 48000) // up to a second waits for the reader
	r.tone(1193)
	r.run(300e6)
	if d := r.sp.lead(time.Now()); d != 0 {
		t.Fatalf("lead %v before any reader read: nobody to wait for", d)
	}
	o.Read(nil) // a reader is there
	queued := func() time.Duration { return time.Duration(o.Buffered()) * time.Second / 48000 }
	if q, d := queued(), r.sp.lead(time.Now()); q < 290*time.Millisecond || d != q-audioLead {
		t.Fatalf("%v queued, lead %v: want the queue less %v", q, d, audioLead)
	}
	o.Read(make([]int16, 4800)) // the device plays 100 ms
	if q, d := queued(), r.sp.lead(time.Now()); d != q-audioLead || d > 110*time.Millisecond {
		t.Fatalf("after 100 ms read: %v queued, lead %v", q, d)
	}
	if d := r.sp.lead(time.Now().Add(readerGone + time.Millisecond)); d != 0 {
		t.Fatalf("lead %v for a reader that stopped reading %v ago", d, readerGone)
	}
	r.run(2e9)
	if n := o.Buffered(); n != 48000 {
		t.Fatalf("%d samples queued after 2 s unread, want the bound 48000", n)
	}
}
