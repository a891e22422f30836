package machine

import (
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"time"
)

// Digest sums up a run so that two runs can be compared cheaply: the same
// program over the same inputs gives the same digest, and a replay that
// went another way gives another. --stats prints it.
type Digest struct {
	Instructions uint64
	VirtualTime  time.Duration
	RAM          [32]byte // SHA-256 of conventional and extended memory
	Screen       [32]byte // SHA-256 of the video adapter: display memory and every register
	DiskWrites   [32]byte // SHA-256 of every sector written to a disk, in order, with its drive and address
}

// String is the digest on one line, each hash shortened to 64 bits.
func (d Digest) String() string {
	h := func(b [32]byte) string { return hex.EncodeToString(b[:8]) }
	return fmt.Sprintf("instructions=%d virtual=%v ram=%s screen=%s disk-writes=%s",
		d.Instructions, d.VirtualTime, h(d.RAM), h(d.Screen), h(d.DiskWrites))
}

// Digest returns the run's digest so far.
func (m *Machine) Digest() Digest {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.digest()
}

func (m *Machine) digest() Digest {
	d := Digest{Instructions: m.CPU.Instructions, VirtualTime: time.Duration(m.Clock.Now())}
	h := sha256.New()
	h.Write(m.Mem.RAM)
	h.Write(m.Mem.High)
	h.Sum(d.RAM[:0])
	h.Reset()
	m.Video.Hash(h)
	h.Sum(d.Screen[:0])
	d.DiskWrites = m.writes.sum()
	return d
}

// writeHash hashes the guest's disk writes as they happen. Its running
// state is part of a machine state, so a restored run goes on hashing
// where the saved one was.
type writeHash struct {
	h hash.Hash // nil until the first write

	// Not part of a state: the writes this process has seen, and a
	// function told of each (the history's, history.go).
	count   uint64
	onWrite func()
}

func (w *writeHash) add(unit uint8, off int64, p []byte) {
	if len(p) == 0 {
		return
	}
	w.count++
	if w.onWrite != nil {
		w.onWrite()
	}
	if w.h == nil {
		w.h = sha256.New()
	}
	var hdr [9]byte
	hdr[0] = unit
	binary.LittleEndian.PutUint64(hdr[1:], uint64(off))
	w.h.Write(hdr[:])
	w.h.Write(p)
}

func (w *writeHash) sum() (s [32]byte) {
	if w.h != nil {
		w.h.Sum(s[:0])
	}
	return s
}

// state is the hash's running state (nil before any write).
func (w *writeHash) state() []byte {
	if w.h == nil {
		return nil
	}
	b, _ := w.h.(encoding.BinaryMarshaler).MarshalBinary()
	return b
}

func (w *writeHash) setState(b []byte) error {
	if len(b) == 0 {
		w.h = nil
		return nil
	}
	h := sha256.New()
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(b); err != nil {
		return fmt.Errorf("disk write hash: %w", err)
	}
	w.h = h
	return nil
}
