package ide

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"pcemu/internal/shared"
	"pcemu/vhd"
)

// vhdDrive is a VHD image as a drive for these tests, its default
// geometry the footer's CHS (which is ATA-valid at the sizes used here).
// The emulator's drives are package disk's, with the ATA translation.
type vhdDrive struct{ *vhd.Disk }

func (v vhdDrive) Geometry() Geometry { return Geometry(v.Disk.Geometry()) }

// The VHD drive kinds join the read/write tests of rw_test.go.
func init() {
	driveCases = append(driveCases,
		driveCase{"vhd-fixed", func(t testing.TB, sectors int64) (Drive, func(uint64, int) []byte) {
			return newVHD(t, vhd.Fixed, sectors, false)
		}},
		driveCase{"vhd-dynamic", func(t testing.TB, sectors int64) (Drive, func(uint64, int) []byte) {
			return newVHD(t, vhd.Dynamic, sectors, false)
		}},
		driveCase{"vhd-differencing", func(t testing.TB, sectors int64) (Drive, func(uint64, int) []byte) {
			return newVHD(t, vhd.Dynamic, sectors, true)
		}},
	)
}

// newVHD creates an image of at least sectors sectors (the size rounds up
// to a CHS geometry). A differencing disk gets a parent filled with a
// pattern. contents reads the virtual disk back through a separate handle
// to the image chain, after the drive has written its data.
func newVHD(t testing.TB, typ vhd.DiskType, sectors int64, diff bool) (Drive, func(uint64, int) []byte) {
	t.Helper()
	dir := t.TempDir()
	name := filepath.Join(dir, "disk.vhd")
	d, err := vhd.Create(name, vhd.CreateOptions{Type: typ, Size: sectors * SectorSize})
	if err != nil {
		t.Fatal(err)
	}
	if diff {
		// Fill a few parent blocks so reads of the child see them.
		for _, lba := range []int64{0, 4090, 20000} {
			if lba*SectorSize+8*SectorSize > d.Size() {
				continue
			}
			if _, err := d.WriteAt(pattern(uint64(lba), 8, 0x55), lba*SectorSize); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.Close(); err != nil {
			t.Fatal(err)
		}
		child := filepath.Join(dir, "child.vhd")
		if d, err = vhd.CreateDifferencing(child, name, nil); err != nil {
			t.Fatal(err)
		}
		name = child
	}
	t.Cleanup(func() { d.Close() })
	return vhdDrive{d}, func(lba uint64, n int) []byte {
		if err := d.Flush(); err != nil {
			t.Fatal(err)
		}
		r, err := vhd.Open(name, &vhd.OpenOptions{ReadOnly: true})
		if err != nil {
			// The writer's exclusive lock may keep a second reader
			// out; read through the writer then.
			b := make([]byte, n*SectorSize)
			if _, err := d.ReadAt(b, int64(lba)*SectorSize); err != nil {
				t.Fatal(err)
			}
			return b
		}
		defer r.Close()
		b := make([]byte, n*SectorSize)
		if _, err := r.ReadAt(b, int64(lba)*SectorSize); err != nil {
			t.Fatal(err)
		}
		return b
	}
}

// A transfer that crosses a dynamic disk's 2 MiB block boundary (sector
// 4096), in every block mode, reads back what was written, and the parts
// on each side land in their own blocks.
func TestDynamicBlockBoundary(t *testing.T) {
	for _, diff := range []bool{false, true} {
		d, contents := newVHD(t, vhd.Dynamic, 20000, diff)
		h := newHost(t, d, nil)
		for _, bulk := range []bool{false, true} {
			h.bulk = bulk
			for _, tc := range []struct {
				lba   uint32
				count int
				op    uint8
				m     int
			}{
				{4090, 12, cmdWriteSectors, 1},
				{4095, 2, cmdWriteSectors, 1},
				{4000, 200, cmdWriteMultiple, 16}, // read-ahead crosses too
				{8190, 256, cmdWriteMultiple, 8},
			} {
				if tc.m > 1 {
					h.selectDev(0, true, 0)
					h.setReg(regSectorCount, uint8(tc.m))
					h.command(cmdSetMultiple)
					h.expectOK(h.status(), "SET MULTIPLE")
				}
				data := pattern(uint64(tc.lba), tc.count, byte(tc.count))
				h.setLBA28(0, tc.lba, uint8(tc.count))
				h.expectOK(h.pioOut(tc.op, data, tc.m), "write across a block boundary")
				equalSectors(t, contents(uint64(tc.lba), tc.count), data, "image across a block boundary")
				h.setLBA28(0, tc.lba, uint8(tc.count))
				rd := uint8(cmdReadSectors)
				if tc.m > 1 {
					rd = cmdReadMultiple
				}
				got, s := h.pioIn(rd, tc.count, tc.m)
				h.expectOK(s, "read across a block boundary")
				equalSectors(t, got, data, "read across a block boundary")
			}
		}
	}
}

// A differencing child shows its parent's sectors until it writes its own;
// the parent is never written.
func TestDifferencingReadsParent(t *testing.T) {
	dir := t.TempDir()
	parent := filepath.Join(dir, "parent.vhd")
	p, err := vhd.Create(parent, vhd.CreateOptions{Type: vhd.Dynamic, Size: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	base := pattern(0, 64, 0x33)
	if _, err := p.WriteAt(base, 0); err != nil {
		t.Fatal(err)
	}
	p.Close()
	before, _ := os.ReadFile(parent)
	c, err := vhd.CreateDifferencing(filepath.Join(dir, "child.vhd"), parent, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	h := newHost(t, vhdDrive{c}, nil)
	h.bulk = true
	h.setLBA28(0, 0, 64)
	got, s := h.pioIn(cmdReadSectors, 64, 1)
	h.expectOK(s, "read through to the parent")
	equalSectors(t, got, base, "child before writes")
	mine := pattern(10, 4, 0x77)
	h.setLBA28(0, 10, 4)
	h.expectOK(h.pioOut(cmdWriteSectors, mine, 1), "write to the child")
	h.setLBA28(0, 0, 64)
	got, s = h.pioIn(cmdReadSectors, 64, 1)
	h.expectOK(s, "read child")
	want := append([]byte(nil), base...)
	copy(want[10*SectorSize:], mine)
	equalSectors(t, got, want, "child after writes")
	after, _ := os.ReadFile(parent)
	if !bytes.Equal(before, after) {
		t.Errorf("the parent image changed")
	}
}

// The shared FreeDOS disk, opened read-only: the geometry it reports, its
// boot sectors by LBA and by CHS, and writes refused with the controller
// still working.
func TestFreeDOSImage(t *testing.T) {
	path := shared.Path(t, "images/freedos-hd.vhd")
	d, err := vhd.Open(path, &vhd.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	h := newHost(t, vhdDrive{d}, nil)
	h.selectDev(0, false, 0)
	id, s := h.pioIn(cmdIdentify, 1, 1)
	h.expectOK(s, "IDENTIFY")
	w := words(id)
	if w[1] != 964 || w[3] != 4 || w[6] != 17 {
		t.Errorf("FreeDOS disk geometry %d/%d/%d, want 964/4/17", w[1], w[3], w[6])
	}
	if n := uint32(w[60]) | uint32(w[61])<<16; n != 65552 {
		t.Errorf("capacity %d sectors, want 65552", n)
	}
	h.setLBA28(0, 0, 1)
	mbr, s := h.pioIn(cmdReadSectors, 1, 1)
	h.expectOK(s, "read MBR")
	if mbr[510] != 0x55 || mbr[511] != 0xAA || mbr[446] != 0x80 || mbr[450] != 0x04 {
		t.Errorf("MBR: signature %02X%02X, boot flag %02X, type %02X", mbr[510], mbr[511], mbr[446], mbr[450])
	}
	// The partition starts at LBA 17 = CHS 0/1/1 with 17 sectors a track.
	h.setCHS(0, 0, 1, 1, 1)
	boot, s := h.pioIn(cmdReadSectors, 1, 1)
	h.expectOK(s, "read boot sector by CHS")
	h.setLBA28(0, 17, 1)
	boot2, _ := h.pioIn(cmdReadSectors, 1, 1)
	equalSectors(t, boot, boot2, "boot sector by CHS and LBA")
	if boot[510] != 0x55 || boot[511] != 0xAA || string(boot[54:59]) != "FAT16" {
		t.Errorf("boot sector: %q, %02X%02X", boot[54:62], boot[510], boot[511])
	}
	// Read-only: refused with ABRT, nothing transferred, controller fine.
	h.setLBA28(0, 0, 1)
	h.command(cmdWriteSectors)
	h.expectError(h.status(), erABRT, "write to a read-only image")
	h.setLBA28(0, 0, 1)
	again, s := h.pioIn(cmdReadSectors, 1, 1)
	h.expectOK(s, "read after refused write")
	equalSectors(t, again, mbr, "MBR after refused write")
}

// What the controller writes into a dynamic VHD is what qemu-img sees.
func TestQemuImgSeesWrites(t *testing.T) {
	qemu := shared.Tool(t, "qemu-img")
	dir := t.TempDir()
	name := filepath.Join(dir, "d.vhd")
	d, err := vhd.Create(name, vhd.CreateOptions{Type: vhd.Dynamic, Size: 10 << 20})
	if err != nil {
		t.Fatal(err)
	}
	h := newHost(t, vhdDrive{d}, nil)
	h.bulk = true
	data := pattern(4000, 200, 0x42)
	h.setLBA28(0, 4000, 200)
	h.expectOK(h.pioOut(cmdWriteSectors, data, 1), "write")
	h.command(cmdFlushCache)
	h.expectOK(h.status(), "FLUSH CACHE")
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	raw := filepath.Join(dir, "d.raw")
	if out, err := exec.Command(qemu, "convert", "-f", "vpc", "-O", "raw", name, raw).CombinedOutput(); err != nil {
		t.Fatalf("qemu-img convert: %v\n%s", err, out)
	}
	img, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	equalSectors(t, img[4000*SectorSize:4200*SectorSize], data, "qemu-img's view of the written sectors")
	if !bytes.Equal(img[:4000*SectorSize], make([]byte, 4000*SectorSize)) {
		t.Errorf("qemu-img sees data before the written range")
	}
}
