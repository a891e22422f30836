package machine

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
)

// A WAV file of 16-bit mono PCM (Microsoft/IBM RIFF WAVE, "fmt " chunk
// with format 1, then the "data" chunk). The header is written first with
// the sizes zero and completed when the file is closed; the samples come
// in virtual time, so the same run writes the same bytes.

const wavHeaderSize = 44

// wavWriter writes samples to a WAV file as they come.
type wavWriter struct {
	f    io.WriteSeeker
	w    *bufio.Writer
	rate int
	n    int64 // samples written
	err  error
}

func newWAVWriter(f io.WriteSeeker, rate int) (*wavWriter, error) {
	w := &wavWriter{f: f, w: bufio.NewWriterSize(f, 64<<10), rate: rate}
	if _, err := w.w.Write(w.header()); err != nil {
		return nil, err
	}
	return w, nil
}

// header is the RIFF header for the samples so far.
func (w *wavWriter) header() []byte {
	data := uint32(w.n * 2)
	h := make([]byte, 0, wavHeaderSize)
	h = append(h, "RIFF"...)
	h = binary.LittleEndian.AppendUint32(h, 36+data)
	h = append(h, "WAVEfmt "...)
	h = binary.LittleEndian.AppendUint32(h, 16) // fmt chunk size
	h = binary.LittleEndian.AppendUint16(h, 1)  // PCM
	h = binary.LittleEndian.AppendUint16(h, 1)  // mono
	h = binary.LittleEndian.AppendUint32(h, uint32(w.rate))
	h = binary.LittleEndian.AppendUint32(h, uint32(w.rate*2)) // bytes per second
	h = binary.LittleEndian.AppendUint16(h, 2)                // bytes per frame
	h = binary.LittleEndian.AppendUint16(h, 16)               // bits per sample
	h = append(h, "data"...)
	return binary.LittleEndian.AppendUint32(h, data)
}

// write appends samples; the first error is kept for close.
func (w *wavWriter) write(s []int16) {
	if w.err != nil {
		return
	}
	if w.n+int64(len(s)) > (1<<32-1-36)/2 {
		w.err = fmt.Errorf("audio output: more than a WAV file holds (4 GiB)")
		return
	}
	var b [2]byte
	for _, v := range s {
		binary.LittleEndian.PutUint16(b[:], uint16(v))
		if _, err := w.w.Write(b[:]); err != nil {
			w.err = err
			return
		}
	}
	w.n += int64(len(s))
}

// close completes the header.
func (w *wavWriter) close() error {
	if w.err != nil {
		return w.err
	}
	if err := w.w.Flush(); err != nil {
		return err
	}
	if _, err := w.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if _, err := w.f.Write(w.header()); err != nil {
		return err
	}
	_, err := w.f.Seek(0, io.SeekEnd)
	return err
}
