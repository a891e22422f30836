package vhd

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"pcemu/internal/shared"
)

// qemuInfo runs qemu-img info --output=json.
func qemuInfo(t *testing.T, img, format string) (virtualSize int64, fmtName string) {
	t.Helper()
	args := []string{"info", "--output=json", "-U"}
	if format != "" {
		args = append(args, "-f", format)
	}
	out := run(t, shared.Tool(t, "qemu-img"), append(args, img)...)
	var v struct {
		VirtualSize int64  `json:"virtual-size"`
		Format      string `json:"format"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("qemu-img info: %v\n%s", err, out)
	}
	return v.VirtualSize, v.Format
}

// rawFooterCHS reads the CHS straight out of the last 512 bytes.
func rawFooterCHS(t *testing.T, img string) (Geometry, string) {
	t.Helper()
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	b := make([]byte, 512)
	if _, err := f.ReadAt(b, fi.Size()-512); err != nil {
		t.Fatal(err)
	}
	return Geometry{int(binary.BigEndian.Uint16(b[56:])), int(b[58]), int(b[59])}, string(b[28:32])
}

// Images made by qemu-img create read back with qemu's virtual size and
// the CHS qemu wrote, which equals our rounding of the requested size.
func TestQemuCreatedImages(t *testing.T) {
	qimg := shared.Tool(t, "qemu-img")
	dir := t.TempDir()
	sizes := []int64{1 << 20, 1000 * 1000, 10 << 20, 32<<20 + 8<<10, 100 << 20, 1 << 30,
		65535 * 16 * 63 * 512, 65535*16*63*512 + 512*1000, 100 << 30, 127 << 30}
	for _, sub := range []string{"dynamic", "fixed"} {
		for _, force := range []bool{false, true} {
			for i, size := range sizes {
				if sub == "fixed" && i%2 == 1 && size > 1<<30 {
					continue // sparse anyway, but keep the run short
				}
				name := fmt.Sprintf("%s/q-%s-%v-%d.vhd", dir, sub, force, size)
				opts := "subformat=" + sub
				if force {
					opts += ",force_size=on"
				}
				run(t, qimg, "create", "-q", "-f", "vpc", "-o", opts, name, fmt.Sprint(size))
				qsize, _ := qemuInfo(t, name, "vpc")
				chs, app := rawFooterCHS(t, name)
				d := mustOpen(t, name, &OpenOptions{ReadOnly: true})
				if d.Size() != qsize {
					t.Errorf("%s: size %d, qemu-img says %d", name, d.Size(), qsize)
				}
				if d.Geometry() != chs {
					t.Errorf("%s: geometry %+v, footer has %+v", name, d.Geometry(), chs)
				}
				wantCHS, wantSize := roundedCHS(size)
				if force {
					wantCHS, wantSize = maxCHS, size
					if app != "qem2" {
						t.Errorf("%s: creator %q", name, app)
					}
				}
				if (wantCHS.geometry() != chs || wantSize != qsize) && !force {
					t.Errorf("%s: our rounding gives %v %d, qemu-img made %+v %d", name, wantCHS, wantSize, chs, qsize)
				}
				// The last sector reads (zeros).
				b := make([]byte, 512)
				if _, err := d.ReadAt(b, d.Size()-512); err != nil {
					t.Errorf("%s: last sector: %v", name, err)
				}
				d.Close()
				os.Remove(name)
			}
		}
	}
}

// Data written by qemu-io and by qemu-img convert reads back byte for byte.
func TestQemuWrittenData(t *testing.T) {
	qimg, qio := shared.Tool(t, "qemu-img"), shared.Tool(t, "qemu-io")
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(3, 4))
	raw := make([]byte, 9<<20+3*512)
	// Scattered random data, some blocks left zero.
	for i := 0; i < 40; i++ {
		off := r.IntN(len(raw) - 70000)
		copy(raw[off:], randBytes(r, r.IntN(70000)))
	}
	rawName := dir + "/src.raw"
	if err := os.WriteFile(rawName, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"dynamic", "fixed"} {
		name := dir + "/conv-" + sub + ".vhd"
		run(t, qimg, "convert", "-f", "raw", "-O", "vpc", "-o", "subformat="+sub, rawName, name)
		d := mustOpen(t, name, &OpenOptions{ReadOnly: true})
		got := readAll(t, d)
		equalOrFail(t, "qemu-img convert "+sub, got[:len(raw)], raw)
		for _, c := range got[len(raw):] {
			if c != 0 {
				t.Fatal("rounding tail not zero")
			}
		}
		d.Close()

		// qemu-io pattern writes, across block boundaries and unaligned.
		name = dir + "/io-" + sub + ".vhd"
		run(t, qimg, "create", "-q", "-f", "vpc", "-o", "subformat="+sub, name, "16M")
		type w struct {
			off, n int64
			pat    byte
		}
		ws := []w{{0, 65536, 0xab}, {2<<20 - 512, 1024, 0x5c}, {5<<20 + 512, 512, 0x01}, {7 << 20, 3 << 20, 0xe7}, {15<<20 + 4096, 4096, 0x77}}
		args := []string{"-f", "vpc"}
		for _, x := range ws {
			args = append(args, "-c", fmt.Sprintf("write -P 0x%x %d %d", x.pat, x.off, x.n))
		}
		run(t, qio, append(args, name)...)
		d = mustOpen(t, name, &OpenOptions{ReadOnly: true})
		got = readAll(t, d)
		want := make([]byte, len(got))
		for _, x := range ws {
			for i := x.off; i < x.off+x.n; i++ {
				want[i] = x.pat
			}
		}
		equalOrFail(t, "qemu-io "+sub, got, want)
		d.Close()
	}
}

// Images created and written by us are accepted by qemu-img info and
// compare equal to the raw data with qemu-img compare; qemu-io writes into
// our images read back too.
func TestQemuReadsOurImages(t *testing.T) {
	qimg := shared.Tool(t, "qemu-img")
	qio := shared.Tool(t, "qemu-io")
	dir := t.TempDir()
	r := rand.New(rand.NewPCG(5, 6))
	for _, c := range []struct {
		typ   DiskType
		size  int64
		force bool
		bs    uint32
	}{
		{Fixed, 5 << 20, false, 0}, {Dynamic, 5 << 20, false, 0}, {Dynamic, 5<<20 + 512, true, 0},
		{Dynamic, 3 << 20, false, 4096}, {Fixed, 3<<20 + 1024, true, 0}, {Dynamic, 100 << 30, false, 0},
		{Dynamic, 130 << 20, false, 64 << 20},
	} {
		name := fmt.Sprintf("%s/ours-%v-%d-%v.vhd", dir, c.typ, c.size, c.force)
		d := mustCreate(t, name, CreateOptions{Type: c.typ, Size: c.size, ForceSize: c.force, BlockSize: c.bs})
		size := d.Size()
		span := min(size, 6<<20)
		raw := make([]byte, span)
		for i := 0; i < 30; i++ {
			off := r.Int64N(span-4096) &^ 511
			n := min(int64(r.IntN(40000)+1), span-off)
			data := randBytes(r, int(n))
			if _, err := d.WriteAt(data, off); err != nil {
				t.Fatal(err)
			}
			copy(raw[off:], data)
		}
		d.Close()
		// qemu-img probes only the footer copy at offset 0, which a fixed
		// image has not: name the format for those.
		probe := ""
		if c.typ == Fixed {
			probe = "vpc"
		}
		qsize, format := qemuInfo(t, name, probe)
		if format != "vpc" || qsize != size {
			t.Errorf("%s: qemu-img info says %s %d, we say %d", name, format, qsize, size)
		}
		if c.size > 1<<30 {
			continue
		}
		rawName := name + ".raw"
		full := make([]byte, size)
		copy(full, raw)
		if err := os.WriteFile(rawName, full, 0o644); err != nil {
			t.Fatal(err)
		}
		run(t, qimg, "compare", "-q", "-f", "vpc", "-F", "raw", name, rawName)
		run(t, qio, "-f", "vpc", "-c", "write -P 0x3c 1M 8K", name)
		d = mustOpen(t, name, nil)
		got := readAll(t, d)
		for i := 1 << 20; i < 1<<20+8192; i++ {
			full[i] = 0x3c
		}
		equalOrFail(t, "after qemu-io write", got, full)
		d.Close()
		if rep, err := Check(name, nil); err != nil || !rep.OK() {
			t.Fatalf("check after qemu-io: %v %+v", err, rep)
		}
	}
}
