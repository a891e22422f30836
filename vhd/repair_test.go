package vhd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pcemu/internal/shared"
)

// The probes of the data-safety review: BAT entry 0 of the FreeDOS image
// (its only block, holding the MBR and the whole FAT file system) pointed
// past the end of the file, into the header, the BAT, the footer, or at 0.
// Check finds the error and the orphaned block; a dry run changes nothing;
// -r all re-links the entry, giving back the image byte for byte, after
// saving what it overwrites; UndoRepair puts the damage back.
func TestRepairRelinksLostBlock(t *testing.T) {
	orig := readFile(t, shared.Path(t, "images/freedos-hd.vhd"))
	ft, _ := DecodeFooter(orig)
	h, _ := DecodeHeader(orig[ft.DataOffset:])
	at := int(h.TableOffset)
	footer := uint32((len(orig) - FooterSize) / SectorSize)
	for _, c := range []struct {
		name  string
		entry uint32
		why   string
	}{
		{"past the end", footer + 100000, "points past the end of the data"},
		{"into the header", 1, "points into the dynamic header"},
		{"into the BAT", uint32(at / SectorSize), "points into the BAT"},
		{"at the footer", footer, "points past the end of the data"},
		{"zero", 0, "points into the footer copy"},
	} {
		t.Run(c.name, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "fd.vhd")
			bad := bytes.Clone(orig)
			put32(bad, at, c.entry)
			os.WriteFile(name, bad, 0o644)

			rep, err := Check(name, nil)
			if err != nil || rep.OK() || !strings.Contains(rep.Errors[0], "BAT: entry 0 (sector") || !strings.Contains(rep.Errors[0], c.why) {
				t.Fatalf("check: %v %+v", err, rep)
			}
			if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "orphaned block at offset") || !strings.Contains(rep.Warnings[0], "holds data: kept") {
				t.Fatalf("check warnings: %q", rep.Warnings)
			}
			rep, err = Check(name, &CheckOptions{Repair: RepairAll, DryRun: true})
			if err != nil || !rep.DryRun || len(rep.Repaired) != 1 || !strings.HasPrefix(rep.Repaired[0], "re-linked BAT entry 0") {
				t.Fatalf("dry run: %v %+v", err, rep)
			}
			equalOrFail(t, "image after a dry run", readFile(t, name), bad)
			if _, err := os.Stat(BackupName(name)); !os.IsNotExist(err) {
				t.Fatalf("a dry run wrote a backup: %v", err)
			}
			// -r leaks repairs no error and cuts no data.
			rep, err = Check(name, &CheckOptions{Repair: RepairLeaks})
			if err != nil || rep.OK() || len(rep.Repaired) != 0 {
				t.Fatalf("-r leaks: %v %+v", err, rep)
			}
			equalOrFail(t, "image after -r leaks", readFile(t, name), bad)

			rep, err = Check(name, &CheckOptions{Repair: RepairAll})
			if err != nil || !rep.OK() || len(rep.Warnings) != 0 || rep.Backup != BackupName(name) {
				t.Fatalf("repair: %v %+v", err, rep)
			}
			equalOrFail(t, "repaired image", readFile(t, name), orig)
			// A second repair does not replace the first one's backup.
			put32(bad, at, c.entry)
			os.WriteFile(name, bad, 0o644)
			if _, err := Check(name, &CheckOptions{Repair: RepairAll}); err == nil || !strings.Contains(err.Error(), "exists, from an earlier repair") {
				t.Fatalf("repair over an old backup: %v", err)
			}
			equalOrFail(t, "image after a refused repair", readFile(t, name), bad)
			os.WriteFile(name, orig, 0o644)
			if err := UndoRepair(name); err != nil {
				t.Fatal(err)
			}
			equalOrFail(t, "image after undo", readFile(t, name), bad)
			if _, err := os.Stat(BackupName(name)); !os.IsNotExist(err) {
				t.Fatalf("backup left after undo: %v", err)
			}
		})
	}
}

// When the evidence is not unambiguous (two entries lost, two orphaned
// blocks; an entry that shares another's block), repair clears the
// entries but every orphaned block stays in the file byte for byte.
func TestRepairKeepsAmbiguousOrphans(t *testing.T) {
	base := baseImage(t) // blocks 0 and 1 allocated, in that order
	blocks := func(b []byte) []byte { return b[baseBlock0*512 : baseBlock0*512+2*baseBlockN*512] }
	for _, c := range []struct {
		name string
		edit func(b []byte)
		want []string
	}{
		{"two lost", func(b []byte) {
			put32(b, baseBAT, 1)
			put32(b, baseBAT+4, 0x7FFFFFFF)
		}, []string{"cleared BAT entry 0", "cleared BAT entry 1", "may be in one of the 2 orphaned blocks"}},
		{"shared", func(b []byte) {
			put32(b, baseBAT+4, baseBlock0)
		}, []string{"cleared BAT entry 1", "which of the two entries is wrong cannot be known"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			name := filepath.Join(t.TempDir(), "x.vhd")
			b := bytes.Clone(base)
			c.edit(b)
			os.WriteFile(name, b, 0o644)
			rep, err := Check(name, &CheckOptions{Repair: RepairAll})
			if err != nil || !rep.OK() {
				t.Fatalf("repair: %v %+v", err, rep)
			}
			got := strings.Join(rep.Repaired, "\n")
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("repair says %q\nwant %q", got, w)
				}
			}
			after := readFile(t, name)
			equalOrFail(t, "blocks after repair", blocks(after), blocks(base))
			if len(after) != len(base) {
				t.Fatalf("file size %d, was %d", len(after), len(base))
			}
			if !strings.Contains(strings.Join(rep.Warnings, "\n"), "holds data: kept in place") {
				t.Fatalf("warnings %q", rep.Warnings)
			}
		})
	}
}

// A block allocated but never linked (a crash between writing it and its
// BAT entry) holding only zeros is garbage: -r leaks cuts it.
func TestRepairCutsZeroLeak(t *testing.T) {
	base := baseImage(t)
	name := filepath.Join(t.TempDir(), "z.vhd")
	b := bytes.Clone(base)
	n := len(b) - FooterSize
	b = append(append(b[:n:n], make([]byte, baseBlockN*512)...), base[n:]...)
	os.WriteFile(name, b, 0o644)
	rep, err := Check(name, nil)
	if err != nil || !rep.OK() || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "leaked space (all zeros") {
		t.Fatalf("check: %v %+v", err, rep)
	}
	rep, err = Check(name, &CheckOptions{Repair: RepairLeaks})
	if err != nil || !rep.OK() || len(rep.Warnings) != 0 || !strings.Contains(rep.Repaired[0], "cut 2097664 bytes of leaked space at the end of the file (all zeros)") {
		t.Fatalf("repair: %v %+v", err, rep)
	}
	equalOrFail(t, "repaired", readFile(t, name), base)
}
