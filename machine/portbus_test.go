package machine

import (
	"testing"
)

type regDevice struct {
	regs      map[uint16]uint8
	in8, out8 int
}

func (d *regDevice) In8(p uint16) uint8     { d.in8++; return d.regs[p] }
func (d *regDevice) Out8(p uint16, v uint8) { d.out8++; d.regs[p] = v }

type wordDevice struct {
	regDevice
	word        uint16
	in16, out16 int
	bulkIn      int
}

func (d *wordDevice) In16(p uint16) uint16     { d.in16++; return d.word }
func (d *wordDevice) Out16(p uint16, v uint16) { d.out16++; d.word = v }
func (d *wordDevice) InsBulk(p uint16, w int, dst []byte) int {
	for i := range dst {
		dst[i] = byte(i)
	}
	d.bulkIn += len(dst)
	return len(dst)
}
func (d *wordDevice) OutsBulk(p uint16, w int, src []byte) int { return len(src) / 2 * 2 }

func TestPortBusOpenBus(t *testing.T) {
	b := NewPortBus()
	if b.In8(0x1234) != 0xFF || b.In16(0x1234) != 0xFFFF {
		t.Error("unmapped ports must read FFh")
	}
	b.Out8(0x1234, 0)
	b.Out16(0xFFFF, 0) // wraps to port 0 for the high byte, no panic
	if b.In16(0xFFFF) != 0xFFFF {
		t.Error("word read at FFFFh")
	}
	if b.Decoder(0x20) != "open bus" {
		t.Errorf("Decoder = %q", b.Decoder(0x20))
	}
	if n := b.InsBulk(0x1F0, 2, make([]byte, 8)); n != 0 {
		t.Errorf("InsBulk on open bus moved %d bytes", n)
	}
	if n := b.OutsBulk(0x1F0, 2, make([]byte, 8)); n != 0 {
		t.Errorf("OutsBulk on open bus moved %d bytes", n)
	}
}

func TestPortBusByteDevice(t *testing.T) {
	b := NewPortBus()
	d := &regDevice{regs: map[uint16]uint8{}}
	if err := b.Map("pic", 0x20, 0x21, d); err != nil {
		t.Fatal(err)
	}
	b.Out16(0x20, 0xBEEF) // split: 20h gets EF, 21h gets BE
	if d.regs[0x20] != 0xEF || d.regs[0x21] != 0xBE || d.out8 != 2 {
		t.Errorf("word write split wrong: %v", d.regs)
	}
	if got := b.In16(0x20); got != 0xBEEF {
		t.Errorf("In16 = %04X", got)
	}
	// A word access at the last port reads the next, unmapped port as FF.
	if got := b.In16(0x21); got != 0xFFBE {
		t.Errorf("In16(21h) = %04X, want FFBE", got)
	}
	if err := b.Map("other", 0x21, 0x22, d); err == nil {
		t.Error("mapping a decoded port twice must fail")
	}
	if err := b.Map("bad", 0x30, 0x2F, d); err == nil {
		t.Error("empty range accepted")
	}
	b.Unmap(0x20, 0x21)
	if b.In8(0x20) != 0xFF {
		t.Error("Unmap")
	}
}

func TestPortBusWordAndBulkDevice(t *testing.T) {
	b := NewPortBus()
	d := &wordDevice{regDevice: regDevice{regs: map[uint16]uint8{}}}
	if err := b.Map("ide0", 0x1F0, 0x1F7, d); err != nil {
		t.Fatal(err)
	}
	b.Out16(0x1F0, 0x1234)
	if d.out16 != 1 || d.word != 0x1234 || d.out8 != 0 {
		t.Error("word write not passed as one access")
	}
	if b.In16(0x1F0) != 0x1234 || d.in16 != 1 {
		t.Error("word read not passed as one access")
	}
	buf := make([]byte, 512)
	if n := b.InsBulk(0x1F0, 2, buf); n != 512 || buf[5] != 5 {
		t.Errorf("InsBulk moved %d", n)
	}
	if n := b.OutsBulk(0x1F0, 2, buf); n != 512 {
		t.Errorf("OutsBulk moved %d", n)
	}
}

func TestPortBusManyDevices(t *testing.T) {
	b := NewPortBus()
	d := &regDevice{regs: map[uint16]uint8{}}
	for i := 0; i < 255; i++ {
		if err := b.Map("dev", uint16(0x1000+i), uint16(0x1000+i), d); err != nil {
			t.Fatalf("device %d: %v", i, err)
		}
	}
	if err := b.Map("one too many", 0x2000, 0x2000, d); err == nil {
		t.Error("the 256th device must be refused")
	}
}

func BenchmarkPortBusIn8(b *testing.B) {
	bus := NewPortBus()
	bus.Map("post", PortPOST, PortPOST, &POSTPort{})
	b.ReportAllocs()
	var s uint8
	for i := 0; i < b.N; i++ {
		s += bus.In8(PortPOST)
	}
	_ = s
}

// bulkDev is a port device with a bulk path.
type bulkDev struct{ in8 int }

func (d *bulkDev) In8(uint16) uint8                         { d.in8++; return 0x5A }
func (d *bulkDev) Out8(uint16, uint8)                       {}
func (d *bulkDev) InsBulk(_ uint16, _ int, dst []byte) int  { return len(dst) }
func (d *bulkDev) OutsBulk(_ uint16, _ int, src []byte) int { return len(src) }

// Trace sees every access, takes the bulk path away while it traces (so
// that each element is seen) and gives the bus back as it was.
func TestPortBusTrace(t *testing.T) {
	b := NewPortBus()
	d := &bulkDev{}
	if err := b.Map("dev", 0x100, 0x101, d); err != nil {
		t.Fatal(err)
	}
	var seen []PortAccess
	b.Trace(func(a PortAccess) { seen = append(seen, a) })
	if v := b.In8(0x100); v != 0x5A || len(seen) != 1 || seen[0] != (PortAccess{Port: 0x100, Value: 0x5A, Device: "dev"}) {
		t.Fatalf("traced In8: %02X, seen %+v", v, seen)
	}
	b.Out8(0x101, 7)
	b.In8(0x300) // the open bus is traced too
	if len(seen) != 3 || !seen[1].Out || seen[2].Device != "open bus" {
		t.Fatalf("seen %+v", seen)
	}
	if n := b.InsBulk(0x100, 2, make([]byte, 8)); n != 0 {
		t.Fatalf("a bulk run of %d bytes while traced", n)
	}
	// A device mapped while traced is traced.
	b.Map("late", 0x200, 0x200, &bulkDev{})
	b.In8(0x200)
	if len(seen) != 4 || seen[3].Device != "late" {
		t.Fatalf("the device mapped while traced: %+v", seen)
	}
	b.Trace(nil)
	b.In8(0x100)
	b.In8(0x200)
	if len(seen) != 4 || d.in8 != 2 {
		t.Fatalf("after Trace(nil): seen %d, device read %d times", len(seen), d.in8)
	}
	if n := b.InsBulk(0x100, 2, make([]byte, 8)); n != 8 || b.InsBulk(0x200, 2, make([]byte, 4)) != 4 {
		t.Fatalf("the bulk path is not back (%d)", n)
	}
}
