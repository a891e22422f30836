package vhd

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"pcemu/internal/shared"
)

func TestFreeDOSImage(t *testing.T) {
	p := shared.Path(t, "images/freedos-hd.vhd")
	d := mustOpen(t, p, &OpenOptions{ReadOnly: true})
	defer d.Close()
	if d.Type() != Dynamic {
		t.Fatalf("type %v", d.Type())
	}
	if d.Size() != 32<<20+8<<10 {
		t.Fatalf("size %d", d.Size())
	}
	if g := d.Geometry(); g != (Geometry{964, 4, 17}) {
		t.Fatalf("geometry %+v", g)
	}
	if !d.ReadOnly() {
		t.Fatal("not read-only")
	}
	mbr := make([]byte, 512)
	if _, err := d.ReadAt(mbr, 0); err != nil {
		t.Fatal(err)
	}
	if mbr[510] != 0x55 || mbr[511] != 0xAA {
		t.Fatalf("MBR signature %x %x", mbr[510], mbr[511])
	}
	// Partition 1: active, type 04 (FAT16 < 32 MiB), starting at LBA 17.
	pe := mbr[446:]
	if pe[0] != 0x80 || pe[4] != 0x04 || pe[8] != 17 {
		t.Fatalf("partition entry % x", pe[:16])
	}
	vbr := make([]byte, 512)
	if _, err := d.ReadAt(vbr, 17*512); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(vbr[:90], []byte("FAT16")) || vbr[510] != 0x55 {
		t.Fatalf("volume boot record: % x", vbr[:64])
	}
	if _, err := d.WriteAt(mbr, 0); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("write to read-only disk: %v", err)
	}
	// The whole disk reads, and reading past the end gives io.EOF.
	all := readAll(t, d)
	if int64(len(all)) != d.Size() {
		t.Fatal("short")
	}
	buf := make([]byte, 1024)
	n, err := d.ReadAt(buf, d.Size()-512)
	if n != 512 || err != io.EOF {
		t.Fatalf("read across the end: n=%d err=%v", n, err)
	}
	if len(d.Warnings()) != 0 {
		t.Fatalf("warnings %v", d.Warnings())
	}
}

func TestCreateReadWrite(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, typ := range []DiskType{Fixed, Dynamic} {
		for _, bs := range []uint32{512, 4096, 2 << 20} {
			if typ == Fixed && bs != 512 {
				continue
			}
			name := tmp(t, "d.vhd")
			d := mustCreate(t, name, CreateOptions{Type: typ, Size: 5 << 20, BlockSize: bs})
			size := d.Size()
			if size < 5<<20 {
				t.Fatalf("size %d", size)
			}
			shadow := make([]byte, size)
			for i := 0; i < 200; i++ {
				off := r.Int64N(size)
				n := r.Int64N(min(size-off, 70000)) + 1
				if i%2 == 0 { // sector-aligned
					off &^= 511
					n = (n + 511) &^ 511
					n = min(n, size-off)
				}
				data := randBytes(r, int(n))
				if _, err := d.WriteAt(data, off); err != nil {
					t.Fatal(err)
				}
				copy(shadow[off:], data)
				if i%37 == 0 {
					equalOrFail(t, "readback", readAll(t, d), shadow)
				}
			}
			if err := d.Flush(); err != nil {
				t.Fatal(err)
			}
			if err := d.Close(); err != nil {
				t.Fatal(err)
			}
			d = mustOpen(t, name, nil)
			equalOrFail(t, typ.String()+" after reopen", readAll(t, d), shadow)
			if _, err := d.WriteAt(make([]byte, 512), size); err == nil {
				t.Fatal("write past the end accepted")
			}
			d.Close()
			rep, err := Check(name, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Errors) != 0 || len(rep.Warnings) != 0 {
				t.Fatalf("check: %v %v", rep.Errors, rep.Warnings)
			}
		}
	}
}

func TestLocking(t *testing.T) {
	name := tmp(t, "l.vhd")
	d := mustCreate(t, name, CreateOptions{Size: 1 << 20})
	_, err := Open(name, nil)
	if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second writer: %v", err)
	}
	if _, err := Open(name, &OpenOptions{ReadOnly: true}); !errors.Is(err, ErrInUse) {
		t.Fatalf("reader while a writer has it: %v", err)
	}
	d.Close()
	r1 := mustOpen(t, name, &OpenOptions{ReadOnly: true})
	r2 := mustOpen(t, name, &OpenOptions{ReadOnly: true})
	if _, err := Open(name, nil); !errors.Is(err, ErrInUse) {
		t.Fatalf("writer while readers have it: %v", err)
	}
	r1.Close()
	r2.Close()
	w := mustOpen(t, name, nil)
	w.Close()
	// A file without write permission opens read-only.
	if err := os.Chmod(name, 0o444); err != nil {
		t.Fatal(err)
	}
	ro := mustOpen(t, name, nil)
	if !ro.ReadOnly() {
		t.Fatal("read-only file opened for writing")
	}
	ro.Close()
}

// HasFooterCookie finds the footer at the end, 511 bytes from it, or the
// copy at 0, and nothing in a raw image.
func TestHasFooterCookie(t *testing.T) {
	footer := make([]byte, FooterSize)
	copy(footer, footerCookie)
	data := bytes.Repeat([]byte{0xF6}, 4*SectorSize)
	for _, c := range []struct {
		name string
		img  []byte
		want bool
	}{
		{"footer at the end", append(append([]byte{}, data...), footer...), true},
		{"511-byte footer", append(append([]byte{}, data...), footer[:FooterSize-1]...), true},
		{"copy at offset 0 only", append(append([]byte{}, footer...), data...), true},
		{"raw image", data, false},
		{"shorter than a cookie", []byte("conec"), false},
	} {
		if got := HasFooterCookie(bytes.NewReader(c.img), int64(len(c.img))); got != c.want {
			t.Errorf("%s: HasFooterCookie = %v, want %v", c.name, got, c.want)
		}
	}
}
