package trace

import (
	"bytes"
	"context"
	"hash/crc32"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/shared"
	"pcemu/machine"
)

func TestParse(t *testing.T) {
	if it, err := ParseItems("exec,ioport"); err != nil || it != Exec|IOPort {
		t.Errorf("exec,ioport: %v %v", it, err)
	}
	if _, err := ParseItems("exec,in_asm"); err == nil || !strings.Contains(err.Error(), `"in_asm"`) {
		t.Errorf("in_asm: %v", err)
	}
	for s, want := range map[string][]Range{
		"0x7c00..0x7dff":         {{0x7C00, 0x7DFF}},
		"0x7c00+512,0xf0000..":   {{0x7C00, 0x7DFF}, {0xF0000, ^uint64(0)}},
		"..1000":                 {{0, 1000}},
		"31744+1":                {{31744, 31744}},
		"0x100..0x100,0x200+0x2": {{0x100, 0x100}, {0x200, 0x201}},
	} {
		got, err := ParseRanges(s)
		if err != nil || len(got) != len(want) {
			t.Errorf("%s: %v %v", s, got, err)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: %v, want %v", s, got, want)
			}
		}
	}
	for _, s := range []string{"..", "5..4", "0x10+0", "abc", "1-2", "0x10+"} {
		if _, err := ParseRanges(s); err == nil {
			t.Errorf("%q parsed", s)
		}
	}
}

func freeDOS(t *testing.T) *machine.Machine {
	t.Helper()
	img := shared.Path(t, "images/freedos-hd.vhd")
	m, err := machine.New(machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20, HardDisks: [4]string{img}, Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// runTo runs m until it has executed at least n instructions.
func runTo(t *testing.T, m *machine.Machine, n uint64) {
	t.Helper()
	for m.Stats().Instructions < n {
		if r, err := m.RunFor(context.Background(), 10*time.Millisecond); r != machine.Running {
			t.Fatalf("stopped: %v %v", r, err)
		}
	}
}

type digest struct {
	Regs  [8]uint16
	Segs  [4]uint16
	IP    uint16
	Count uint64
	RAM   uint32
}

func stateOf(m *machine.Machine) digest {
	var d digest
	m.Locked(func() {
		s := m.CPU.State()
		d = digest{s.Regs, s.Segs, s.IP, s.Instructions, crc32.ChecksumIEEE(m.Mem.RAM)}
	})
	return d
}

// A traced run is the run an untraced one is: FreeDOS boots through the
// same instructions with every item logged.
func TestTracedRunIsTheRun(t *testing.T) {
	const n = 3_000_000
	ref := freeDOS(t)
	runTo(t, ref, n)

	m := freeDOS(t)
	var log countingWriter
	tr, err := Start(m, Options{Items: Exec | Int | IOPort, Out: &log})
	if err != nil {
		t.Fatal(err)
	}
	runTo(t, m, n)
	if err := tr.Stop(); err != nil {
		t.Fatal(err)
	}
	if a, b := stateOf(ref), stateOf(m); a != b {
		t.Fatalf("traced: %+v, untraced: %+v", b, a)
	}
	if log.lines < n/2 {
		t.Fatalf("only %d lines for %d instructions", log.lines, n)
	}
}

type countingWriter struct{ lines int }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.lines += bytes.Count(p, []byte{'\n'})
	return len(p), nil
}

var countRe = regexp.MustCompile(`(?m)^(\w+) +(\d+) `)

// --trace-range: exactly the instructions numbered in the range, each
// once (a REP instruction's iterations on its line), and the interrupts
// and port accesses among them.
func TestCountRange(t *testing.T) {
	m := freeDOS(t)
	var log bytes.Buffer
	const first, last = 2_000_000, 2_000_999
	tr, err := Start(m, Options{Items: Exec | Int | IOPort, Out: &log, Count: Range{first, last}})
	if err != nil {
		t.Fatal(err)
	}
	runTo(t, m, 2_100_000)
	tr.Stop()
	covered := uint64(0)
	var prev uint64
	iter := regexp.MustCompile(`\((\d+) iterations\)$`)
	for i, line := range strings.Split(strings.TrimSuffix(log.String(), "\n"), "\n") {
		f := countRe.FindStringSubmatch(line)
		if f == nil {
			t.Fatalf("line %d: %q", i+1, line)
		}
		n, _ := strconv.ParseUint(f[2], 10, 64)
		if n < first || n > last {
			t.Fatalf("line %d is instruction %d, outside %d..%d", i+1, n, first, last)
		}
		if f[1] != "exec" {
			continue
		}
		if covered > 0 && n != prev {
			t.Fatalf("line %d: instruction %d after %d", i+1, n, prev)
		}
		k := uint64(1)
		if it := iter.FindStringSubmatch(line); it != nil {
			k, _ = strconv.ParseUint(it[1], 10, 64)
		}
		covered += k
		prev = n + k
	}
	if covered < last-first || covered > last-first+1+0x10000 {
		t.Fatalf("%d instructions logged for a range of %d", covered, last-first+1)
	}
}

// IRQs are named by the PIC's bases; the BIOS's timer is IRQ 0.
func TestInterruptLines(t *testing.T) {
	m := freeDOS(t)
	var log bytes.Buffer
	tr, err := Start(m, Options{Items: Int, Out: &log})
	if err != nil {
		t.Fatal(err)
	}
	runTo(t, m, 2_000_000)
	tr.Stop()
	s := log.String()
	for _, want := range []string{
		"INT 08h  IRQ 0  at ",
		"  external: timer\n",
		"INT 13h  AH=02h AL=01h  BX=7C00 CX=0001 DX=0080 ES=0000 DS=",
		"INT 19h ",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the int log lacks %q", want)
		}
	}
	if strings.Contains(s, "exec ") {
		t.Error("exec lines in an int log")
	}
}

// After Stop nothing more is logged, and the ports reach their devices
// again.
func TestStopUnhooks(t *testing.T) {
	m := freeDOS(t)
	var log bytes.Buffer
	tr, _ := Start(m, Options{Items: Exec | Int | IOPort, Out: &log})
	runTo(t, m, 100_000)
	tr.Stop()
	n := log.Len()
	runTo(t, m, 3_000_000)
	if log.Len() != n || n == 0 {
		t.Errorf("the log grew from %d to %d bytes after Stop", n, log.Len())
	}
	var dev string
	m.Locked(func() { dev = m.Ports.Decoder(0x1F0) })
	if dev != "IDE primary" {
		t.Errorf("port 1F0h decoded by %q after the trace", dev)
	}
}
