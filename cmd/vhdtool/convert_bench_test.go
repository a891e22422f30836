package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"pcemu/internal/shared"
	"pcemu/vhd"
)

// convertSource makes the benchmark's source: a 1 GiB dynamic image with
// 256 MiB of random data (every fourth 2 MiB block).
func convertSource(b *testing.B, dir string) string {
	b.Helper()
	src := filepath.Join(dir, "src.vhd")
	d, err := vhd.Create(src, vhd.CreateOptions{Type: vhd.Dynamic, Size: 1 << 30, ForceSize: true})
	if err != nil {
		b.Fatal(err)
	}
	d.SetAllocationSync(false)
	buf := make([]byte, 2<<20)
	rng := rand.NewChaCha8([32]byte{7})
	for off := int64(0); off < 1<<30; off += 8 << 20 {
		rng.Read(buf)
		if _, err := d.WriteAt(buf, off); err != nil {
			b.Fatal(err)
		}
	}
	if err := d.Close(); err != nil {
		b.Fatal(err)
	}
	return src
}

// BenchmarkConvert times vhdtool convert and qemu-img convert on the same
// files in the same iterations, alternating which goes first so that load
// from other processes hits both alike: dynamic -> raw and raw -> dynamic
// of a 1 GiB image holding 256 MiB. It reports each tool's MB/s (of the
// 1 GiB virtual disk) and the median ms per conversion, and the ratio ours/qemu-img
// of the median times (below 1: vhdtool is faster).
//
//	go test -run '^$' -bench Convert -benchtime 10x ./cmd/vhdtool
func BenchmarkConvert(b *testing.B) {
	qimg := shared.Tool(b, "qemu-img")
	dir := b.TempDir()
	src := convertSource(b, dir)
	raw := filepath.Join(dir, "src.raw")
	vtOK(b, "convert", "-O", "raw", src, raw)
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		name       string
		ours, qemu []string
	}{
		{"ToRaw", []string{"convert", "-O", "raw", src, out}, []string{"convert", "-f", "vpc", "-O", "raw", src, out}},
		{"ToDynamic", []string{"convert", "-O", "dynamic", raw, out}, []string{"convert", "-f", "raw", "-O", "vpc", "-o", "subformat=dynamic", raw, out}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var tOurs, tQemu []time.Duration
			timed := func(f func()) time.Duration {
				os.Remove(out)
				t0 := time.Now()
				f()
				return time.Since(t0)
			}
			for i := 0; i < b.N; i++ {
				ours := func() { tOurs = append(tOurs, timed(func() { vtOK(b, c.ours...) })) }
				qemu := func() { tQemu = append(tQemu, timed(func() { runTool(b, qimg, c.qemu...) })) }
				if i%2 == 0 {
					ours()
					qemu()
				} else {
					qemu()
					ours()
				}
			}
			os.Remove(out)
			// Medians: robust against a stall from another process.
			mo, mq := median(tOurs), median(tQemu)
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(float64(mo.Microseconds())/1000, "vhdtool-ms")
			b.ReportMetric(float64(mq.Microseconds())/1000, "qemu-img-ms")
			b.ReportMetric(float64(1<<30)/1e6/mo.Seconds(), "vhdtool-MB/s")
			b.ReportMetric(float64(1<<30)/1e6/mq.Seconds(), "qemu-img-MB/s")
			b.ReportMetric(mo.Seconds()/mq.Seconds(), "ours/qemu")
		})
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}
