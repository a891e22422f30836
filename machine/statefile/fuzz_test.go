package statefile

import (
	"bytes"
	"context"
	"testing"
	"time"

	"pcemu/machine"
)

// smallState is the state file of a small machine with no disks, a few
// milliseconds into its BIOS.
func smallState(t testing.TB) []byte {
	m, err := machine.New(machine.Config{MemorySize: 64 << 10, WaitOnNoBoot: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	m.RunFor(context.Background(), 5*time.Millisecond)
	s, err := m.Save()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Write(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// FuzzDecode: whatever the bytes, decoding a state file and making a
// machine of what decodes refuses or succeeds, never panics. The inputs
// are large (a third of a megabyte): fuzz with -fuzzminimizetime 1x, or
// the fuzzer spends its time minimizing.
func FuzzDecode(f *testing.F) {
	good := smallState(f)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("PCEMU STATE\r\n\x1a\n\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Decode(bytes.NewReader(b), int64(len(b)), "fuzz.state")
		if err != nil {
			return
		}
		m, err := machine.Restore(s, machine.Config{WaitOnNoBoot: true}, true)
		if err != nil {
			return
		}
		m.Close()
	})
}

// A small machine's state survives the file: the same digest.
func TestSmallState(t *testing.T) {
	b := smallState(t)
	s, err := Decode(bytes.NewReader(b), int64(len(b)), "small.state")
	if err != nil {
		t.Fatal(err)
	}
	m, err := machine.Restore(s, machine.Config{WaitOnNoBoot: true}, true)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.Stats().VirtualTime != 5*time.Millisecond {
		t.Errorf("restored at %v", m.Stats().VirtualTime)
	}
}
