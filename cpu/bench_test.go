package cpu

// The throughput benchmark of ../shared/bench (bench.asm): the boot sector
// runs at 0000:7C00 on a minimal machine with the QEMU-style debug console
// (port E9h) and exit port (F4h).

import (
	"os"
	"testing"

	"pcemu/internal/shared"
)

// benchBus is the minimal machine: 1 MiB of RAM (all in the RAM slice),
// port E9h collects the output, port F4h ends the run.
type benchBus struct {
	cpu    *CPU
	out    []byte
	exited bool
}

func (b *benchBus) Read8(uint32) uint8   { return 0xFF }
func (b *benchBus) Write8(uint32, uint8) {}
func (b *benchBus) In8(uint16) uint8     { return 0xFF }
func (b *benchBus) Out8(port uint16, v uint8) {
	switch port {
	case 0xE9:
		b.out = append(b.out, v)
	case 0xF4:
		b.exited = true
		b.cpu.Stop()
	}
}
func (b *benchBus) In16(uint16) uint16   { return 0xFFFF }
func (b *benchBus) Out16(uint16, uint16) {}

func newBenchMachine(tb testing.TB, name string) (*CPU, *benchBus, func()) {
	bin, err := os.ReadFile(shared.Path(tb, "bench/"+name))
	if err != nil {
		tb.Fatal(err)
	}
	ram := make([]byte, 1<<20)
	bus := &benchBus{}
	c := New(Model8086, ram, bus)
	bus.cpu = c
	boot := func() {
		clear(ram)
		copy(ram[0x7C00:], bin)
		c.Reset()
		c.Segs[CS], c.IP = 0, 0x7C00
		bus.out = bus.out[:0]
		bus.exited = false
	}
	boot()
	return c, bus, boot
}

func TestBenchChecksum(t *testing.T) {
	for _, tc := range []struct{ bin, want string }{
		{"bench0.bin", "DX=5678 BX=1234\n"},
		{"bench.bin", "DX=9E78 BX=3A34\n"},
	} {
		c, bus, _ := newBenchMachine(t, tc.bin)
		for !bus.exited {
			if _, err := c.Run(1 << 30); err != nil {
				t.Fatal(err)
			}
			if c.Halted() && !bus.exited {
				t.Fatalf("%s halted without exiting", tc.bin)
			}
		}
		if string(bus.out) != tc.want {
			t.Errorf("%s printed %q, want %q", tc.bin, bus.out, tc.want)
		}
	}
}

// BenchmarkBenchLoop runs b.N instructions of bench.bin's loop (restarting
// the program whenever it finishes) and reports MIPS.
func BenchmarkBenchLoop(b *testing.B) {
	c, bus, boot := newBenchMachine(b, "bench.bin")
	// Past the prologue (its REP STOSW) into the loop.
	if _, err := c.Run(100); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	left := b.N
	for left > 0 {
		n, err := c.Run(left)
		if err != nil {
			b.Fatal(err)
		}
		left -= n
		if bus.exited || c.Halted() {
			boot()
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds()/1e6, "MIPS")
}
