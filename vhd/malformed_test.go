package vhd

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// baseImage is a dynamic image with blocks 0 and 1 allocated (in that
// order), as bytes: footer copy 0, header 512, BAT 1536, block 0 at 2048.
func baseImage(t *testing.T) []byte {
	t.Helper()
	name := tmp(t, "base.vhd")
	d := mustCreate(t, name, CreateOptions{Type: Dynamic, Size: 6 << 20})
	for _, off := range []int64{0, 2 << 20} {
		if _, err := d.WriteAt([]byte(strings.Repeat("data", 128)), off); err != nil {
			t.Fatal(err)
		}
	}
	d.Close()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const (
	baseBAT    = 1536
	baseBlock0 = 2048 / 512
	baseBlockN = (512 + 2<<20) / 512 // sectors per block incl. bitmap
)

func resealFooter(b []byte, off int) {
	f, _ := DecodeFooter(b[off:])
	f.Seal(b[off:])
}

func resealHeader(b []byte) {
	h, _ := DecodeHeader(b[512:])
	h.Seal(b[512:])
}

// editFooters changes both footer copies and reseals them.
func editFooters(b []byte, fn func(f []byte)) {
	for _, off := range []int{0, len(b) - 512} {
		fn(b[off : off+512])
		resealFooter(b, off)
	}
}

func editHeader(b []byte, fn func(h []byte)) {
	fn(b[512 : 512+1024])
	resealHeader(b)
}

func put32(b []byte, off int, v uint32) { binary.BigEndian.PutUint32(b[off:], v) }
func put64(b []byte, off int, v uint64) { binary.BigEndian.PutUint64(b[off:], v) }

func TestMalformedImages(t *testing.T) {
	base := baseImage(t)
	size := len(base)
	cases := []struct {
		name string
		edit func(b []byte) []byte
		want string // substring of the error: structure and field
	}{
		{"footer cookie", func(b []byte) []byte {
			copy(b[size-512:], "notavhd!")
			copy(b, "notavhd!")
			return b
		}, `footer: cookie is "notavhd!"`},
		{"footer checksums", func(b []byte) []byte { b[size-512+70]++; b[70]++; return b }, "footer: checksum is"},
		{"file_format_version", func(b []byte) []byte {
			editFooters(b, func(f []byte) { put32(f, ftVersion, 0x00020000) })
			return b
		}, "footer: file_format_version"},
		{"disk_type unknown", func(b []byte) []byte {
			editFooters(b, func(f []byte) { put32(f, ftDiskType, 7) })
			return b
		}, "footer: disk_type 7 is not"},
		{"current_size above 2040 GiB", func(b []byte) []byte {
			editFooters(b, func(f []byte) { put64(f, ftCurSize, 2041<<30) })
			return b
		}, "footer: current_size 2191507062784 exceeds the 2040 GiB maximum"},
		{"current_size not sectors", func(b []byte) []byte {
			editFooters(b, func(f []byte) { put64(f, ftCurSize, 6<<20+100) })
			return b
		}, "footer: current_size 6291556 is not a multiple of 512"},
		{"footer copies disagree", func(b []byte) []byte {
			put64(b, ftCurSize, 4<<20)
			resealFooter(b, 0)
			return b
		}, "footer copy at offset 0: disagrees with the footer at the end of the file: current_size"},
		{"data_offset beyond the file", func(b []byte) []byte {
			editFooters(b, func(f []byte) { put64(f, ftDataOffset, 1<<40) })
			return b
		}, "footer: data_offset 1099511627776 points outside the file"},
		{"data_offset unaligned", func(b []byte) []byte {
			editFooters(b, func(f []byte) { put64(f, ftDataOffset, 513) })
			return b
		}, "footer: data_offset 513 is not a multiple of 512"},
		{"header cookie", func(b []byte) []byte { copy(b[512:], "cxsparsX"); return b }, `dynamic header: cookie is "cxsparsX"`},
		{"header checksum", func(b []byte) []byte { b[512+hdParentTime]++; return b }, "dynamic header: checksum is"},
		{"header_version", func(b []byte) []byte {
			editHeader(b, func(h []byte) { put32(h, hdVersion, 0x00030000) })
			return b
		}, "dynamic header: header_version"},
		{"block_size zero", func(b []byte) []byte {
			editHeader(b, func(h []byte) { put32(h, hdBlockSize, 0) })
			return b
		}, "dynamic header: block_size is zero"},
		{"block_size not a power of two", func(b []byte) []byte {
			editHeader(b, func(h []byte) { put32(h, hdBlockSize, 3000) })
			return b
		}, "dynamic header: block_size 3000 is not a power of two"},
		{"block_size absurd", func(b []byte) []byte {
			editHeader(b, func(h []byte) { put32(h, hdBlockSize, 1<<31) })
			return b
		}, "dynamic header: block_size 2147483648 is outside"},
		{"table_offset beyond the file", func(b []byte) []byte {
			editHeader(b, func(h []byte) { put64(h, hdTableOffset, 1<<33) })
			return b
		}, "dynamic header: table_offset 8589934592 is beyond the end of the file"},
		{"table_offset unaligned", func(b []byte) []byte {
			editHeader(b, func(h []byte) { put64(h, hdTableOffset, 1537) })
			return b
		}, "dynamic header: table_offset 1537 is not sector-aligned"},
		{"table_offset on the header", func(b []byte) []byte {
			editHeader(b, func(h []byte) { put64(h, hdTableOffset, 1024) })
			return b
		}, "dynamic header: table_offset 1024 makes the BAT overlap the dynamic header"},
		{"max_table_entries too small", func(b []byte) []byte {
			editHeader(b, func(h []byte) { put32(h, hdMaxEntries, 2) })
			return b
		}, "dynamic header: max_table_entries 2 is too small for current_size"},
		{"max_table_entries too large for the file", func(b []byte) []byte {
			editHeader(b, func(h []byte) { put32(h, hdMaxEntries, 1<<30) })
			return b
		}, "dynamic header: max_table_entries 1073741824 is too large for the file"},
		{"BAT entry into the header", func(b []byte) []byte { put32(b, baseBAT, 1); return b },
			"BAT: entry 0 (sector 1) points into the dynamic header"},
		{"BAT entry into the BAT", func(b []byte) []byte { put32(b, baseBAT+4, 3); return b },
			"BAT: entry 1 (sector 3) points into the BAT"},
		{"BAT entry past the end", func(b []byte) []byte { put32(b, baseBAT+4, 1<<30); return b },
			"BAT: entry 1 (sector 1073741824) points past the end"},
		{"BAT entry on another block", func(b []byte) []byte { put32(b, baseBAT+8, baseBlock0); return b },
			"BAT: entry 2 (sector 4) points at the same block as entry 0"},
		{"BAT entry off the block stride", func(b []byte) []byte { put32(b, baseBAT+4, baseBlock0+8); return b },
			"BAT: entry 1 (sector 12) overlaps the block of entry 0"},
		{"truncated in a block", func(b []byte) []byte { return b[:size-4096] },
			"BAT: entry 1 (sector 4101) points past the end"},
		{"truncated to a few bytes", func(b []byte) []byte { return b[:100] },
			"footer: missing: the file is 100 bytes"},
		{"empty file", func(b []byte) []byte { return nil }, "footer: missing: the file is 0 bytes"},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := c.edit(append([]byte(nil), base...))
			name := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".vhd")
			if err := os.WriteFile(name, b, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Open(name, &OpenOptions{ReadOnly: true})
			if err == nil {
				t.Fatalf("opened; want an error with %q", c.want)
			}
			want := "vhd: " + name + ": " + c.want
			if !strings.Contains(err.Error(), want) {
				t.Fatalf("error %q\nwant it to contain %q", err, want)
			}
			if !errors.Is(err, ErrFormat) {
				t.Errorf("error is not ErrFormat: %v", err)
			}
			rep, err := Check(name, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() || !strings.Contains(strings.Join(rep.Errors, "\n"), c.want) {
				t.Fatalf("check errors %q do not name %q", rep.Errors, c.want)
			}
		})
	}
}

func TestFixedLengthMismatch(t *testing.T) {
	name := tmp(t, "f.vhd")
	d := mustCreate(t, name, CreateOptions{Type: Fixed, Size: 1 << 20})
	size := d.Size()
	d.Close()
	b, _ := os.ReadFile(name)
	footer := append([]byte(nil), b[len(b)-512:]...)
	// The footer moved: 4 KiB more data than current_size says.
	b = append(append(b[:len(b)-512], make([]byte, 4096)...), footer...)
	os.WriteFile(name, b, 0o644)
	_, err := Open(name, nil)
	want := "footer: current_size " + strconv.FormatInt(size, 10) + " does not match the file: " + strconv.FormatInt(size+4096, 10) + " bytes of data"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("got %v, want %q", err, want)
	}
}

// One damaged footer copy: the image opens read-only with a warning, a
// writer is refused, check reports it and check --repair restores it.
func TestDamagedFooterCopies(t *testing.T) {
	base := baseImage(t)
	for _, which := range []string{"end", "start"} {
		name := tmp(t, which+".vhd")
		b := append([]byte(nil), base...)
		if which == "end" {
			b[len(b)-512+ftCurSize] ^= 0xFF
		} else {
			b[ftCurSize] ^= 0xFF
		}
		os.WriteFile(name, b, 0o644)
		d, err := Open(name, &OpenOptions{ReadOnly: true})
		if err != nil {
			t.Fatalf("%s: read-only open: %v", which, err)
		}
		if w := d.Warnings(); len(w) != 1 || !strings.Contains(w[0], "checksum") {
			t.Fatalf("%s: warnings %q", which, w)
		}
		got := readAll(t, d)
		if string(got[:8]) != "datadata" || string(got[2<<20:2<<20+4]) != "data" {
			t.Fatalf("%s: data lost", which)
		}
		d.Close()
		if which == "end" {
			if _, err := Open(name, nil); err == nil || !strings.Contains(err.Error(), "footer: checksum") || !strings.Contains(err.Error(), "check --repair") {
				t.Fatalf("writer open of a damaged image: %v", err)
			}
		}
		rep, err := Check(name, nil)
		if err != nil || rep.OK() {
			t.Fatalf("%s: check: %v %+v", which, err, rep)
		}
		rep, err = Check(name, &CheckOptions{Repair: RepairAll})
		if err != nil || !rep.OK() || len(rep.Repaired) == 0 {
			t.Fatalf("%s: repair: %v %+v", which, err, rep)
		}
		fixed, _ := os.ReadFile(name)
		equalOrFail(t, which+" repaired file", fixed, base)
		os.Remove(BackupName(name))
	}
	// A truncated end (the footer and the tail of the last block gone):
	// the block keeps what survived, the rest reads as zeros.
	name := tmp(t, "trunc.vhd")
	os.WriteFile(name, base[:len(base)-4096], 0o644)
	rep, err := Check(name, &CheckOptions{Repair: RepairAll})
	if err != nil || !rep.OK() {
		t.Fatalf("repair truncated: %v %+v", err, rep)
	}
	d := mustOpen(t, name, nil)
	got := readAll(t, d)
	if string(got[:8]) != "datadata" || string(got[2<<20:2<<20+8]) != "datadata" {
		t.Fatal("repaired truncated image: blocks 0 and 1 must survive")
	}
	d.Close()
}

// Leaked space is a warning, not an error. Repair cuts it only when it is
// all zeros; a block holding data stays unless --discard-orphans.
func TestLeakedSpace(t *testing.T) {
	base := baseImage(t)
	b := append([]byte(nil), base...)
	put32(b, baseBAT+4, batUnused) // block 1 becomes unreferenced
	name := tmp(t, "leak.vhd")
	os.WriteFile(name, b, 0o644)
	rep, err := Check(name, nil)
	if err != nil || !rep.OK() || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "orphaned block at offset") {
		t.Fatalf("check: %v %+v", err, rep)
	}
	os.Chmod(name, 0o444)
	if _, err := Check(name, &CheckOptions{Repair: RepairLeaks}); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("repair of a read-only file: %v", err)
	}
	os.Chmod(name, 0o644)
	for _, level := range []RepairLevel{RepairLeaks, RepairAll} {
		rep, err = Check(name, &CheckOptions{Repair: level})
		if err != nil || !rep.OK() || len(rep.Warnings) != 1 || len(rep.Repaired) != 0 {
			t.Fatalf("repair: %v %+v", err, rep)
		}
		equalOrFail(t, "image after a repair without --discard-orphans", readFile(t, name), b)
	}
	rep, err = Check(name, &CheckOptions{Repair: RepairLeaks, DiscardOrphans: true})
	if err != nil || !rep.OK() || len(rep.Warnings) != 0 {
		t.Fatalf("repair: %v %+v", err, rep)
	}
	if fileSize(t, name) != int64(len(base))-baseBlockN*512 {
		t.Fatalf("size after repair %d", fileSize(t, name))
	}
}
