package fat

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// partitionedImage writes a 64 MiB disk with an MBR: partition 1 FAT16 at
// sector 63 (16 MiB), partition 2 an extended partition holding two
// logical FAT12/FAT16 drives (5 and 6), each volume made by mkfs.fat at
// its offset with its label.
func partitionedImage(t *testing.T) string {
	img := filepath.Join(t.TempDir(), "disk.img")
	if err := os.WriteFile(img, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(img, 64<<20); err != nil {
		t.Fatal(err)
	}
	const mib = 2048 // sectors
	ext := uint32(20 * mib)
	m := MBR{Signature: BootSignature}
	m.Partitions[0] = PartitionEntry{Status: 0x80, Type: 0x06, StartLBA: 63, Sectors: 16*mib - 63}
	m.Partitions[1] = PartitionEntry{Type: 0x05, StartLBA: ext, Sectors: 40 * mib}
	var s [512]byte
	m.Encode(s[:])
	f, err := os.OpenFile(img, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteAt(s[:], 0)
	// EBR 1 at the extended partition's start: logical 5 (8 MiB FAT12),
	// link to EBR 2 at +10 MiB: logical 6 (16 MiB FAT16).
	e1 := MBR{Signature: BootSignature}
	e1.Partitions[0] = PartitionEntry{Type: 0x01, StartLBA: 63, Sectors: 8*mib - 63}
	e1.Partitions[1] = PartitionEntry{Type: 0x05, StartLBA: 10 * mib, Sectors: 20 * mib}
	e1.Encode(s[:])
	f.WriteAt(s[:], int64(ext)*512)
	e2 := MBR{Signature: BootSignature}
	e2.Partitions[0] = PartitionEntry{Type: 0x06, StartLBA: 63, Sectors: 16*mib - 63}
	e2.Encode(s[:])
	f.WriteAt(s[:], int64(ext+10*mib)*512)
	for _, p := range []struct {
		start, sectors uint32
		typ            int
		label          string
	}{{63, 16*mib - 63, 16, "PRIMARY"}, {ext + 63, 8*mib - 63, 12, "LOGICAL5"}, {ext + 10*mib + 63, 16*mib - 63, 16, "LOGICAL6"}} {
		run(t, "mkfs.fat", "-F", fmt.Sprint(p.typ), "--offset", fmt.Sprint(p.start), "-h", fmt.Sprint(p.start),
			"-n", p.label, "--invariant", img, fmt.Sprint(p.sectors/2))
	}
	return img
}

func TestPartitions(t *testing.T) {
	img := partitionedImage(t)
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	parts, err := Partitions(f, 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range parts {
		got = append(got, fmt.Sprintf("%d:%02x@%d", p.Number, p.Type, p.Start/512))
	}
	if want := "1:06@63 2:05@40960 5:01@41023 6:06@61503"; strings.Join(got, " ") != want {
		t.Errorf("partitions %s, want %s", strings.Join(got, " "), want)
	}
	for _, c := range []struct {
		part  int
		label string
	}{{0, "PRIMARY"}, {1, "PRIMARY"}, {5, "LOGICAL5"}, {6, "LOGICAL6"}} {
		off, n, err := FindVolume(f, 64<<20, c.part)
		if err != nil {
			t.Fatalf("partition %d: %v", c.part, err)
		}
		v, err := Open(f, off, n, nil)
		if err != nil {
			t.Fatalf("partition %d: %v", c.part, err)
		}
		if v.Label() != c.label {
			t.Errorf("partition %d: label %q, want %q", c.part, v.Label(), c.label)
		}
	}
	for _, c := range []struct {
		part int
		want string
	}{{2, "is the extended partition"}, {3, "there is no partition 3"}, {7, "there is no partition 7"}} {
		if _, _, err := FindVolume(f, 64<<20, c.part); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("partition %d: %v, want %q", c.part, err, c.want)
		}
	}
	// A diskette has no partition table: only the whole volume.
	fl := mkfs(t, 12, 1440)
	g, _ := os.Open(fl)
	defer g.Close()
	if off, n, err := FindVolume(g, 1440<<10, 0); err != nil || off != 0 || n != 1440<<10 {
		t.Errorf("diskette: %d, %d, %v", off, n, err)
	}
	if _, _, err := FindVolume(g, 1440<<10, 1); err == nil {
		t.Error("partition 1 of a diskette was found")
	}
}

// Broken partition tables are errors naming the entry and the field.
func TestPartitionErrors(t *testing.T) {
	disk := make([]byte, 1<<20)
	m := MBR{Signature: BootSignature}
	m.Partitions[0] = PartitionEntry{Type: 0x06, StartLBA: 63, Sectors: 4096}
	m.Encode(disk)
	if _, err := Partitions(bytesReaderAt(disk), int64(len(disk))); err == nil || !strings.Contains(err.Error(), "MBR partition 1: total sectors 4096 from sector 63 end at sector 4159, beyond the disk's 2048") {
		t.Errorf("partition beyond the disk: %v", err)
	}
	m.Partitions[0] = PartitionEntry{Type: 0xEE, StartLBA: 1, Sectors: 2047}
	m.Encode(disk)
	if _, err := Partitions(bytesReaderAt(disk), int64(len(disk))); err == nil || !strings.Contains(err.Error(), "GPT") {
		t.Errorf("GPT: %v", err)
	}
	// An extended partition whose EBR links to itself.
	m.Partitions[0] = PartitionEntry{Type: 0x05, StartLBA: 100, Sectors: 1000}
	m.Encode(disk)
	e := MBR{Signature: BootSignature}
	e.Partitions[1] = PartitionEntry{Type: 0x05, StartLBA: 0x10, Sectors: 10}
	e.Encode(disk[100*512:])
	e.Partitions[1].StartLBA = 0x10
	e.Encode(disk[(100+0x10)*512:])
	if _, err := Partitions(bytesReaderAt(disk), int64(len(disk))); err == nil || !strings.Contains(err.Error(), "loop") {
		t.Errorf("EBR loop: %v", err)
	}
	clear(disk[:512])
	if _, _, err := FindVolume(bytesReaderAt(disk), int64(len(disk)), 0); err == nil || !errors.Is(err, err) || !strings.Contains(err.Error(), "neither a FAT boot sector") {
		t.Errorf("blank disk: %v", err)
	}
}

type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(b)) {
		return 0, fmt.Errorf("EOF")
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, fmt.Errorf("EOF")
	}
	return n, nil
}

func (b bytesReaderAt) WriteAt(p []byte, off int64) (int, error) {
	return copy(b[off:], p), nil
}
