package trace

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/disk"
	"pcemu/ide"
	"pcemu/internal/shared"
	"pcemu/machine"
)

// BenchmarkTrace runs bench.bin's loop on the whole machine and reports
// the emulated MIPS (instructions per second of host time in the CPU's
// slices): never traced ("off"), after a tracer was started and stopped
// ("stopped": its hooks gone, the hot path is the untraced one, so the
// figure must be off's within noise), and while -d exec logs every
// instruction (to io.Discard: the cost of the hooks and the formatting,
// not of a disk).
func BenchmarkTrace(b *testing.B) {
	code, err := os.ReadFile(shared.Path(b, "bench/bench.bin"))
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		run  time.Duration // virtual time per run
		on   Items         // traced during the run
		once bool          // a tracer started and stopped before it
	}{
		{"off", 2 * time.Second, 0, false},
		{"stopped", 2 * time.Second, 0, true},
		{"exec", 5 * time.Millisecond, Exec, false},
		{"exec,int,ioport", 5 * time.Millisecond, Exec | Int | IOPort, false},
	} {
		b.Run(c.name, func(b *testing.B) {
			var instr uint64
			var host time.Duration
			for b.Loop() {
				d, _ := disk.NewMem("mem", 1<<20, code)
				m, err := machine.New(machine.Config{Model: cpu.Model8086, Drives: [4]ide.Drive{d}})
				if err != nil {
					b.Fatal(err)
				}
				if c.once {
					t, err := Start(m, Options{Items: Exec | Int | IOPort, Out: io.Discard})
					if err != nil {
						b.Fatal(err)
					}
					t.Stop()
				}
				var t *Tracer
				if c.on != 0 {
					if t, err = Start(m, Options{Items: c.on, Out: io.Discard}); err != nil {
						b.Fatal(err)
					}
				}
				if r, err := m.RunFor(context.Background(), c.run); r != machine.Running {
					b.Fatalf("stopped: %v %v", r, err)
				}
				if t != nil {
					t.Stop()
				}
				s := m.Stats()
				instr += s.Instructions
				host += s.HostTime
				m.Close()
			}
			b.ReportMetric(float64(instr)/host.Seconds()/1e6, "MIPS")
		})
	}
}
