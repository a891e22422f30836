package machine

import "testing"

type fakeVideo struct{ mem [0x20000]byte }

func (v *fakeVideo) Read8(a uint32) uint8     { return v.mem[a-VideoBase] }
func (v *fakeVideo) Write8(a uint32, b uint8) { v.mem[a-VideoBase] = b }

func TestMemorySizes(t *testing.T) {
	for _, tc := range []struct {
		total     int
		at        bool
		conv, ext int
		wantErr   bool
	}{
		{640 << 10, false, 640 << 10, 0, false},
		{256 << 10, false, 256 << 10, 0, false},
		{1 << 20, false, 640 << 10, 0, false},
		{16 << 20, true, 640 << 10, 15 << 20, false},
		{2 << 20, false, 0, 0, true},  // 8086: 1 MiB address space
		{32 << 20, true, 0, 0, true},  // beyond the 286's 24-bit bus
		{32 << 10, false, 0, 0, true}, // too small to boot
		{1000, false, 0, 0, true},
	} {
		c, e, err := MemorySizes(tc.total, tc.at)
		if (err != nil) != tc.wantErr || c != tc.conv || e != tc.ext {
			t.Errorf("MemorySizes(%d, %v) = %d, %d, %v; want %d, %d, err=%v", tc.total, tc.at, c, e, err, tc.conv, tc.ext, tc.wantErr)
		}
	}
}

func TestMemoryMap(t *testing.T) {
	v := &fakeVideo{}
	m := &Memory{RAM: make([]byte, 512<<10), High: make([]byte, 64<<10), Video: v}
	rom := make([]byte, BIOSSize)
	rom[0xFFF0] = 0xEA
	if err := m.LoadROM(rom); err != nil {
		t.Fatal(err)
	}
	if err := m.LoadROM(rom[:100]); err == nil {
		t.Error("LoadROM accepted a short image")
	}

	m.Write8(0x1234, 0x56)
	if m.RAM[0x1234] != 0x56 || m.Read8(0x1234) != 0x56 {
		t.Error("conventional RAM write/read")
	}
	// Between the end of a 512 KiB RAM and 640 KiB nothing answers.
	m.Write8(0x90000, 1)
	if got := m.Read8(0x90000); got != 0xFF {
		t.Errorf("hole above RAM reads %02X, want FF", got)
	}
	m.Write8(0xB8000, 'A')
	if v.mem[0x18000] != 'A' || m.Read8(0xB8000) != 'A' {
		t.Error("video window not routed to the video device")
	}
	m.Write8(0xC0000, 0)
	if got := m.Read8(0xC8000); got != 0xFF {
		t.Errorf("option-ROM area reads %02X, want FF", got)
	}
	m.Write8(0xFFFF0, 0)
	if got := m.Read8(0xFFFF0); got != 0xEA {
		t.Errorf("BIOS ROM reads %02X after a write, want EA (read-only)", got)
	}
	m.Write8(0x100010, 0x77)
	if got := m.Read8(0x100010); got != 0x77 || m.High[0x10] != 0x77 {
		t.Errorf("HMA reads %02X, want 77", got)
	}
	if got := m.Read8(0x100000 + 64<<10); got != 0xFF {
		t.Errorf("above extended memory reads %02X, want FF", got)
	}
	m.Write8(0x100000+64<<10, 1) // lost, no panic

	none := &Memory{RAM: make([]byte, 640<<10)}
	if none.Read8(0xA0000) != 0xFF || none.Read8(0x100000) != 0xFF {
		t.Error("without video or extended memory the bus must read FF")
	}
	none.Write8(0xA0000, 1)
	none.Write8(0x100000, 1)
}
