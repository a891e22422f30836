package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

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

// BenchmarkConvert times vhdtool convert and qemu-img convert side by side
// on the same files: dynamic -> raw and raw -> dynamic. MB/s counts the
// 1 GiB virtual disk.
//
//	go test -run '^$' -bench Convert -benchtime 5x ./cmd/vhdtool
func BenchmarkConvert(b *testing.B) {
	qimg := needTool(b, "qemu-img")
	dir := b.TempDir()
	src := convertSource(b, dir)
	raw := filepath.Join(dir, "src.raw")
	vtOK(b, "convert", "-O", "raw", src, raw)
	out := filepath.Join(dir, "out")
	tools := []struct {
		name string
		run  func(from, to, format string)
	}{
		{"vhdtool", func(from, to, format string) {
			vtOK(b, "convert", "-O", format, from, to)
		}},
		{"qemu-img", func(from, to, format string) {
			args := []string{"convert", "-O", "raw", from, to}
			if format == "dynamic" {
				args = []string{"convert", "-f", "raw", "-O", "vpc", "-o", "subformat=dynamic", from, to}
			} else {
				args = []string{"convert", "-f", "vpc", "-O", "raw", from, to}
			}
			runTool(b, qimg, args...)
		}},
	}
	for _, dirn := range []struct{ name, from, format string }{{"ToRaw", src, "raw"}, {"ToDynamic", raw, "dynamic"}} {
		for _, tool := range tools {
			b.Run(dirn.name+"/"+tool.name, func(b *testing.B) {
				b.SetBytes(1 << 30)
				for i := 0; i < b.N; i++ {
					os.Remove(out)
					tool.run(dirn.from, out, dirn.format)
				}
			})
		}
	}
}
