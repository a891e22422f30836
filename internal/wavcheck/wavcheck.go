// Package wavcheck reads 16-bit mono WAV files and measures what tests of
// the PC speaker need: where the sounds are, and their dominant frequency.
package wavcheck

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// Read decodes a 16-bit mono PCM WAV file.
func Read(b []byte) (samples []int16, rate int, err error) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, 0, errors.New("wav: not a RIFF WAVE file")
	}
	var fmtOK bool
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:]))
		body := b[p+8:]
		if size > len(body) {
			return nil, 0, fmt.Errorf("wav: chunk %q of %d bytes runs past the end", id, size)
		}
		body = body[:size]
		switch id {
		case "fmt ":
			if size < 16 {
				return nil, 0, errors.New("wav: short fmt chunk")
			}
			format, channels := binary.LittleEndian.Uint16(body), binary.LittleEndian.Uint16(body[2:])
			rate = int(binary.LittleEndian.Uint32(body[4:]))
			bits := binary.LittleEndian.Uint16(body[14:])
			if format != 1 || channels != 1 || bits != 16 {
				return nil, 0, fmt.Errorf("wav: format %d, %d channels, %d bits; want PCM, mono, 16", format, channels, bits)
			}
			fmtOK = true
		case "data":
			if !fmtOK {
				return nil, 0, errors.New("wav: data before fmt")
			}
			samples = make([]int16, size/2)
			for i := range samples {
				samples[i] = int16(binary.LittleEndian.Uint16(body[2*i:]))
			}
			return samples, rate, nil
		}
		p += 8 + size + size&1
	}
	return nil, 0, errors.New("wav: no data chunk")
}

// Span is a stretch of sound, in samples [Start, End).
type Span struct{ Start, End int }

// Tones finds the stretches of oscillation in s: runs of zero crossings
// (with a hysteresis of hyst, in sample units) no more than maxGap
// samples apart. A stretch starts at the first sample beyond onset in
// magnitude before its first crossing (a tone starting from silence jumps
// there) and ends at its last crossing: the decay after a tone, through
// the output's high-pass, does not oscillate.
func Tones(s []int16, hyst, onset int16, maxGap int) []Span {
	var spans []Span
	sign := 0 // the side of zero last seen beyond the hysteresis
	prevEnd := 0
	var cur *Span
	for i, v := range s {
		side := 0
		switch {
		case v > hyst:
			side = 1
		case v < -hyst:
			side = -1
		}
		if side == 0 || side == sign {
			continue
		}
		crossed := sign != 0
		sign = side
		if !crossed {
			continue
		}
		if cur != nil && i-cur.End <= maxGap {
			cur.End = i
			continue
		}
		if cur != nil {
			prevEnd = cur.End
		}
		start := i
		for j := i - 1; j >= prevEnd && j > i-maxGap; j-- {
			if s[j] > onset || s[j] < -onset {
				start = j
			}
		}
		spans = append(spans, Span{Start: start, End: i})
		cur = &spans[len(spans)-1]
	}
	return spans
}

// Magnitude is the amplitude of frequency f (Hz) in s (Goertzel).
func Magnitude(s []int16, rate int, f float64) float64 {
	w := 2 * math.Pi * f / float64(rate)
	c := 2 * math.Cos(w)
	var s1, s2 float64
	for _, v := range s {
		s0 := float64(v) + c*s1 - s2
		s2, s1 = s1, s0
	}
	re := s1 - s2*math.Cos(w)
	im := s2 * math.Sin(w)
	return math.Sqrt(re*re+im*im) / float64(len(s))
}

// Dominant returns the frequency between lo and hi Hz with the largest
// magnitude in s: a scan in steps of the resolution (rate/len(s)),
// then a finer one around the peak.
func Dominant(s []int16, rate int, lo, hi float64) float64 {
	res := float64(rate) / float64(len(s))
	best, bestMag := lo, -1.0
	scan := func(a, b, step float64) {
		for f := a; f <= b; f += step {
			if m := Magnitude(s, rate, f); m > bestMag {
				best, bestMag = f, m
			}
		}
	}
	scan(lo, hi, res)
	scan(best-res, best+res, res/100)
	return best
}
