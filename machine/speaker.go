package machine

import (
	"math"
	"sync"
	"time"
)

// The PC speaker (IBM PC/AT Technical Reference, "System Timer" and
// "Speaker"): the cone is driven by PIT channel 2's output ANDed with port
// 61h bit 1 (speaker data); port 61h bit 0 is channel 2's GATE. A program
// plays a tone by running channel 2 in mode 3 with the gate and data bits
// on, or plays samples by toggling bit 1 itself (with the gate off, OUT2
// stays high) or by reprogramming channel 2 quickly (pulse-width tricks).
//
// The speaker follows the exact virtual times of those changes: before a
// port write changes the gate, the data bit or channel 2, the output so
// far is rendered with the old state. Channel 2's edges between writes
// follow from its mode (pit.go); a periodic output above the Nyquist
// frequency (a PWM carrier, or a count of 2 used to silence the speaker)
// is heard as its average, as the speaker's low-pass does. Every level
// change becomes a band-limited step (blip.go) for each output: the WAV
// file of --audio-out and the SDL audio device, each at its own rate.

// speakerLevel is the level of the cone pushed out; after the DC-blocking
// high-pass a square wave swings between +-speakerLevel/2 (-12 dBFS).
const speakerLevel = 16000

// Speaker renders the speaker's sound. Its outputs take the samples;
// the machine advances it between run slices.
type Speaker struct {
	clk  Clock
	pit  *PIT
	data bool // port 61h bit 1

	tick    int64 // rendered up to this PIT tick
	outputs []*SpeakerOutput
}

// SpeakerOutput is one stream of samples at one rate. The machine's
// goroutine writes it; Read may be called from any goroutine.
type SpeakerOutput struct {
	rate int
	b    *blip
	sink func([]int16) // called on the machine's goroutine; nil: buffered for Read

	mu     sync.Mutex
	ring   []int16   // samples for Read, oldest first
	max    int       // ring bound: older samples are dropped beyond it
	readAt time.Time // host time of the last Read
}

// audioLead is how far the machine may run ahead of a reader of its
// samples (the SDL audio device's queue is topped up from them): beyond
// it, the real-time loop waits for the device to play.
const audioLead = 100 * time.Millisecond

// readerGone is how long without a Read makes a reader count as gone
// (a window that stopped playing): the machine then no longer waits for
// it.
const readerGone = 250 * time.Millisecond

// lead is how long the machine should wait for the slowest live reader to
// take what is beyond audioLead.
func (s *Speaker) lead(now time.Time) time.Duration {
	var d time.Duration
	for _, o := range s.outputs {
		if o.sink != nil {
			continue
		}
		o.mu.Lock()
		n, at := len(o.ring), o.readAt
		o.mu.Unlock()
		if at.IsZero() || now.Sub(at) > readerGone {
			continue
		}
		d = max(d, time.Duration(n)*time.Second/time.Duration(o.rate)-audioLead)
	}
	return d
}

// NewSpeaker returns a speaker fed by pit's channel 2. It renders nothing
// until an output is added.
func NewSpeaker(clk Clock, pit *PIT) *Speaker {
	return &Speaker{clk: clk, pit: pit, tick: pitTicks(clk.Now())}
}

// AddOutput adds a stream of samples at rate Hz. With a sink every sample
// goes to it as it is finished (the WAV file); without one the samples
// wait for Read, at most maxSamples of them (the SDL audio device, which
// takes them at its own pace).
func (s *Speaker) AddOutput(rate int, sink func([]int16), maxSamples int) *SpeakerOutput {
	s.Sync()
	s.pit.ch2Sync = s.Sync // from now on channel 2's changes are rendered
	o := &SpeakerOutput{rate: rate, sink: sink, max: maxSamples}
	s.anchor(o)
	s.outputs = append(s.outputs, o)
	return o
}

// anchor starts o's rendering afresh at s.tick, at the level the speaker
// has there.
func (s *Speaker) anchor(o *SpeakerOutput) {
	o.b = newBlip(o.rate)
	o.b.base = o.b.pos(s.tick) / blipPhases
	o.b.level = s.level(&s.pit.ch[2])
	o.b.sum = o.b.level << blipShift
	o.b.hpIn = o.b.level
}

// Rate is the output's sample rate.
func (o *SpeakerOutput) Rate() int { return o.rate }

// Read takes up to len(p) samples and returns how many it took.
func (o *SpeakerOutput) Read(p []int16) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.readAt = time.Now()
	n := copy(p, o.ring)
	o.ring = o.ring[n:]
	if len(o.ring) == 0 {
		o.ring = o.ring[:0:0]
	}
	return n
}

// Buffered returns how many samples wait for Read.
func (o *SpeakerOutput) Buffered() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.ring)
}

func (o *SpeakerOutput) flush() {
	samples := o.b.take()
	if len(samples) == 0 {
		return
	}
	if o.sink != nil {
		o.sink(samples)
		return
	}
	o.mu.Lock()
	o.ring = append(o.ring, samples...)
	if over := len(o.ring) - o.max; over > 0 {
		o.ring = o.ring[over:] // the reader fell behind: drop the oldest
	}
	o.mu.Unlock()
}

// SetData sets port 61h bit 1 (the system control port calls it, at the
// time of the write).
func (s *Speaker) SetData(on bool) {
	if on != s.data {
		s.Sync()
		s.data = on
	}
}

// Sync renders up to the present with the state as it is: called before
// anything that changes the speaker's input.
func (s *Speaker) Sync() { s.renderTo(pitTicks(s.clk.Now())) }

// AdvanceTo renders up to now and hands the finished samples out.
func (s *Speaker) AdvanceTo(now int64) {
	s.renderTo(pitTicks(now))
	for _, o := range s.outputs {
		o.b.finish(s.tick)
		o.flush()
	}
}

// NextEvent: the speaker never needs the CPU stopped; it renders when
// asked.
func (s *Speaker) NextEvent() int64 { return math.MaxInt64 }

// Close renders the last samples up to now, for an output that ends.
func (s *Speaker) Close() {
	s.AdvanceTo(s.clk.Now())
	for _, o := range s.outputs {
		o.b.finish(s.tick + int64(blipTaps)*PITHz/int64(o.rate) + 1) // the open tail
		o.flush()
	}
}

// renderTo turns the input's changes up to tick end into steps.
func (s *Speaker) renderTo(end int64) {
	if len(s.outputs) == 0 {
		s.tick = max(s.tick, end)
		return
	}
	c := &s.pit.ch[2]
	for s.tick < end {
		c.advance(s.tick)
		lvl := s.level(c)
		for _, o := range s.outputs {
			o.b.step(s.tick, lvl)
		}
		next := int64(math.MaxInt64)
		if s.data && !s.aboveNyquist(c) {
			if n := c.nextChange(s.tick); n >= 0 {
				next = n
			}
		}
		if c.pending && c.switchAt > s.tick {
			next = min(next, c.switchAt)
		}
		s.tick = min(next, end)
	}
}

// level is the cone's level at s.tick.
func (s *Speaker) level(c *pitChannel) int64 {
	if !s.data {
		return 0
	}
	if s.aboveNyquist(c) {
		// The average of the periodic output: the share of the period
		// OUT is high (mode 3: (N+1)/2 of N; mode 2: N-1 of N).
		high := int64(half(c.n))
		if c.mode == 2 {
			high = int64(c.n - 1)
		}
		return speakerLevel * high / int64(c.n)
	}
	_, out := c.eval(s.tick)
	if out {
		return speakerLevel
	}
	return 0
}

// aboveNyquist reports whether channel 2 runs a periodic output faster
// than half of the lowest output rate.
func (s *Speaker) aboveNyquist(c *pitChannel) bool {
	if !c.running || s.tick < c.start || (c.mode != 2 && c.mode != 3) || c.n < 2 {
		return false
	}
	rate := int64(math.MaxInt64)
	for _, o := range s.outputs {
		rate = min(rate, int64(o.rate))
	}
	return int64(c.n)*rate < 2*PITHz
}

// DefaultAudioRate is the sample rate of --audio-out and the one asked of
// the host's audio device.
const DefaultAudioRate = 48000

// AudioOutput adds a stream of the speaker's samples at rate Hz for a
// reader on another goroutine (the SDL audio device): at most maxSamples
// wait; older ones are dropped when the reader falls behind.
func (m *Machine) AudioOutput(rate, maxSamples int) *SpeakerOutput {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.Speaker.AddOutput(rate, nil, maxSamples)
}

// SpeakerState is the speaker's part of a machine state (state.go): port
// 61h bit 1 and the PIT tick it has rendered to. The sound already made
// belongs to the outputs, which are the host's.
type SpeakerState struct {
	Data bool
	Tick int64
}

// State returns the speaker's state.
func (s *Speaker) State() SpeakerState { return SpeakerState{Data: s.data, Tick: s.tick} }

// SetState puts the speaker in state st, after the PIT's state: each
// output goes on from there, with what it had not finished dropped.
func (s *Speaker) SetState(st SpeakerState) error {
	s.data, s.tick = st.Data, st.Tick
	for _, o := range s.outputs {
		s.anchor(o)
	}
	return nil
}
