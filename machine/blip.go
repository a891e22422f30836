package machine

import "math"

// A band-limited step synthesizer: the speaker's output is a level that
// changes at exact instants, and each change is drawn as a band-limited
// step (a windowed-sinc impulse, integrated) placed at its fractional
// sample position, so that square waves up to the Nyquist frequency carry
// no aliases (Stilson and Smith, "Alias-Free Digital Synthesis of Classic
// Analog Waveforms", 1996; the same method as Shay Green's blip_buf).
// Everything after the kernel table is integer arithmetic, so the samples
// are a pure function of the changes: the same run writes the same bytes.

const (
	blipTaps      = 32  // kernel width in samples
	blipPhases    = 256 // sub-sample positions of a step
	blipShift     = 15  // kernel taps sum to 1<<blipShift
	blipCutoff    = 0.45
	blipHighShift = 10 // DC-blocking high-pass: pole at 1 - 2^-10 (about 7.5 Hz at 48 kHz)
)

// blipKernel[p] is the impulse for a step at sub-sample position p/blipPhases
// after a sample, spread over the blipTaps samples from blipTaps/2-1 before
// it.
var blipKernel = makeBlipKernel()

func makeBlipKernel() *[blipPhases][blipTaps]int32 {
	var k [blipPhases][blipTaps]int32
	for p := range blipPhases {
		f := float64(p) / blipPhases
		var taps [blipTaps]float64
		sum := 0.0
		for i := range blipTaps {
			x := float64(i-blipTaps/2+1) - f // time of the tap from the step, in samples
			s := 2 * blipCutoff
			if x != 0 {
				s = math.Sin(2*math.Pi*blipCutoff*x) / (math.Pi * x)
			}
			// Blackman window over [-taps/2, taps/2].
			w := (x + blipTaps/2) / blipTaps
			win := 0.42 - 0.5*math.Cos(2*math.Pi*w) + 0.08*math.Cos(4*math.Pi*w)
			taps[i] = s * win
			sum += taps[i]
		}
		total := int32(0)
		big := 0
		for i := range blipTaps {
			k[p][i] = int32(math.Round(taps[i] / sum * (1 << blipShift)))
			total += k[p][i]
			if k[p][i] > k[p][big] {
				big = i
			}
		}
		k[p][big] += 1<<blipShift - total // exactly unity gain: steps settle at their height
	}
	return &k
}

// blip renders level changes at one sample rate. Times are in PIT clock
// ticks, the finest unit the speaker's changes have.
type blip struct {
	rate  int64
	buf   []int64 // impulse sums of samples base, base+1, ...
	base  int64   // sample index of buf[0]
	level int64   // the level after the last change
	sum   int64   // integrator
	hpIn  int64   // high-pass filter state: the last input
	hpOut int64   // and the last output, scaled by 2^16 so that it decays to 0
	out   []int16 // finished samples not yet taken
}

func newBlip(rate int) *blip { return &blip{rate: int64(rate)} }

// pos is the position of PIT tick t in sub-sample units.
func (b *blip) pos(t int64) int64 {
	return t/PITHz*b.rate*blipPhases + t%PITHz*b.rate*blipPhases/PITHz
}

// step changes the level at tick t (not before the last step).
func (b *blip) step(t int64, level int64) {
	d := level - b.level
	if d == 0 {
		return
	}
	b.level = level
	pos := b.pos(t)
	n, ph := pos/blipPhases, pos%blipPhases
	first := n - blipTaps/2 + 1
	if first < b.base {
		first = b.base // the samples before were finished: a step at the very start
	}
	end := n + blipTaps/2 + 1 - b.base
	if int64(len(b.buf)) < end {
		b.buf = append(b.buf, make([]int64, end-int64(len(b.buf)))...)
	}
	k := &blipKernel[ph]
	for i := first; i < n+blipTaps/2+1; i++ {
		b.buf[i-b.base] += d * int64(k[i-(n-blipTaps/2+1)])
	}
}

// finish completes the samples that no step at tick t or later can
// change, and appends them to out.
func (b *blip) finish(t int64) {
	last := b.pos(t)/blipPhases - blipTaps/2 + 1 // first sample still open
	for b.base < last {
		if len(b.buf) > 0 {
			b.sum += b.buf[0]
			b.buf = b.buf[1:]
		}
		x := b.sum >> blipShift
		b.hpOut += (x-b.hpIn)<<16 - b.hpOut>>blipHighShift
		b.hpIn = x
		y := (b.hpOut + 1<<15) >> 16
		b.out = append(b.out, int16(min(max(y, math.MinInt16), math.MaxInt16)))
		b.base++
	}
	if len(b.buf) == 0 {
		b.buf = b.buf[:0:0]
	}
}

// take returns the finished samples and forgets them.
func (b *blip) take() []int16 {
	s := b.out
	b.out = nil
	return s
}
