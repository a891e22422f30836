package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"pcemu/internal/fattest"
	"pcemu/internal/shared"
)

// BenchmarkCp times vhdtool cp and mcopy putting a 64 MiB file into a
// fresh FAT32 image and taking it out again, alternating which goes first
// so that load from other processes hits both alike. It reports each
// tool's median ms and MB/s and the ratio ours/mtools of the medians
// (below 1: vhdtool is faster).
//
//	go test -run '^$' -bench Cp -benchtime 10x ./cmd/vhdtool
func BenchmarkCp(b *testing.B) {
	mcopy := shared.Tool(b, "mcopy")
	dir := b.TempDir()
	data := make([]byte, 64<<20)
	rand.NewChaCha8([32]byte{3}).Read(data)
	host := filepath.Join(dir, "data.bin")
	if err := os.WriteFile(host, data, 0o644); err != nil {
		b.Fatal(err)
	}
	blank := fattest.Mkfs(b, 32, 256<<10)
	img := filepath.Join(dir, "img")
	out := filepath.Join(dir, "out.bin")
	fresh := func() {
		b.Helper()
		blk, _ := os.ReadFile(blank)
		if err := os.WriteFile(img, blk, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range []struct {
		name        string
		ours, tools []string
		setup       func()
	}{
		{"In", []string{"cp", host, img + ":/"}, []string{"-i", img, host, "::/"}, fresh},
		{"Out", []string{"cp", "-f", img + ":/data.bin", out}, []string{"-n", "-i", img, "::/data.bin", out}, nil},
	} {
		b.Run(c.name, func(b *testing.B) {
			var tOurs, tTools []time.Duration
			timed := func(f func()) time.Duration {
				if c.setup != nil {
					c.setup()
				}
				t0 := time.Now()
				f()
				return time.Since(t0)
			}
			for i := 0; i < b.N; i++ {
				ours := func() { tOurs = append(tOurs, timed(func() { vtOK(b, c.ours...) })) }
				tools := func() { tTools = append(tTools, timed(func() { runTool(b, mcopy, c.tools...) })) }
				if i%2 == 0 {
					ours()
					tools()
				} else {
					tools()
					ours()
				}
			}
			mo, mt := median(tOurs), median(tTools)
			b.ReportMetric(0, "ns/op")
			b.ReportMetric(float64(mo.Microseconds())/1000, "vhdtool-ms")
			b.ReportMetric(float64(mt.Microseconds())/1000, "mcopy-ms")
			b.ReportMetric(float64(len(data))/1e6/mo.Seconds(), "vhdtool-MB/s")
			b.ReportMetric(float64(len(data))/1e6/mt.Seconds(), "mcopy-MB/s")
			b.ReportMetric(mo.Seconds()/mt.Seconds(), "ours/mtools")
		})
	}
}
