package ide

import (
	"encoding/binary"
	"testing"
)

// FuzzPorts plays random register reads and writes, word and bulk transfers
// and resets against a controller with a master and a slave (one of them
// read-only and failing some sectors), on both channels. It must never
// panic, and DRQ must never be set without a transfer to back it.
//
// Each input is a list of 4-byte operations: kind, port selector, and a
// 16-bit value.
func FuzzPorts(f *testing.F) {
	le := func(ops ...[4]byte) []byte {
		var b []byte
		for _, op := range ops {
			b = append(b, op[:]...)
		}
		return b
	}
	w8 := func(port, v byte) [4]byte { return [4]byte{0, port, v, 0} }
	// Seeds: an IDENTIFY, a read, a write, READ MULTIPLE, LBA48 with
	// count 0, SRST in the middle of a write, INITIALIZE + CHS.
	f.Add(le(w8(6, 0xA0), w8(7, 0xEC), [4]byte{4, 0, 0, 2}, [4]byte{2, 0, 0, 0}))
	f.Add(le(w8(6, 0xE0), w8(2, 3), w8(3, 5), w8(7, 0x20), [4]byte{4, 0, 0, 2}, [4]byte{4, 0, 0, 2}))
	f.Add(le(w8(6, 0xF0), w8(2, 2), w8(3, 9), w8(7, 0x30), [4]byte{5, 0, 0, 2}, [4]byte{3, 0, 0x34, 0x12}))
	f.Add(le(w8(2, 4), w8(7, 0xC6), w8(6, 0xE0), w8(2, 9), w8(7, 0xC4), [4]byte{4, 0, 0, 8}))
	f.Add(le(w8(6, 0xE0), w8(2, 0), w8(2, 0), w8(3, 0xFF), w8(7, 0x24), [4]byte{4, 0, 0xFF, 0xFF}))
	f.Add(le(w8(6, 0xE0), w8(2, 5), w8(7, 0x30), [4]byte{5, 0, 0, 1}, w8(8, 0x04), w8(8, 0x00), [4]byte{1, 7, 0, 0}))
	f.Add(le(w8(6, 0xA3), w8(2, 17), w8(7, 0x91), w8(2, 1), w8(3, 17), w8(7, 0x20), [4]byte{2, 0, 0, 0}))
	f.Add(le(w8(7, 0x90), w8(6, 0xB0), [4]byte{1, 7, 0, 0}, w8(8, 0x82), [4]byte{1, 5, 0, 0}, w8(7, 0xE6), w8(7, 0xEF)))
	f.Add(le(w8(0x16, 0xA0), w8(0x17, 0xEC), [4]byte{4, 0x10, 0, 2}))
	f.Fuzz(runPortOps)
}

// runPortOps plays one fuzz input.
func runPortOps(t *testing.T, data []byte) {
	{
		m0 := newMemDrive(300)
		m0.badRead = map[int64]bool{7: true}
		m0.badWrite = map[int64]bool{9: true}
		m1 := newMemDrive(40)
		m1.ro = true
		c := NewController(&countIRQ{}, &countIRQ{})
		c.Attach(0, 0, m0)
		c.Attach(0, 1, m1)
		c.Attach(1, 1, newMemDrive(70))
		buf := make([]byte, 4096)
		for len(data) >= 4 {
			kind, sel, v := data[0], data[1], binary.LittleEndian.Uint16(data[2:])
			data = data[4:]
			base, ctrl := uint16(PrimaryBase), uint16(PrimaryControl)
			if sel&0x10 != 0 {
				base, ctrl = SecondaryBase, SecondaryControl
			}
			port := base + uint16(sel&7)
			switch sel & 0x0F {
			case 8:
				port = ctrl
			case 9:
				port = ctrl + 1
			}
			switch kind % 8 {
			case 0:
				c.Out8(port, uint8(v))
			case 1:
				c.In8(port)
			case 2:
				c.In16(port)
			case 3:
				c.Out16(port, v)
			case 4:
				n := int(v) % len(buf)
				if got := c.InsBulk(port, int(sel>>5)%3, buf[:n]); got > n || got < 0 {
					t.Fatalf("InsBulk moved %d of %d", got, n)
				}
			case 5:
				n := int(v) % len(buf)
				if got := c.OutsBulk(port, int(sel>>5)%3, buf[:n]); got > n || got < 0 {
					t.Fatalf("OutsBulk moved %d of %d", got, n)
				}
			case 6:
				c.Reset()
			case 7:
				c.Attach(int(sel>>4)&1, int(sel>>5)&1, nil)
				c.Attach(int(sel>>4)&1, int(sel>>5)&1, newMemDrive(int(v%200)+1))
			}
			for _, ch := range []*Channel{c.Primary, c.Secondary} {
				for i := range ch.dev {
					d := &ch.dev[i]
					if !d.present() {
						continue
					}
					drq := d.tf.status&stDRQ != 0
					if drq != (d.x.phase != phaseNone) {
						t.Fatalf("DRQ %v with phase %d", drq, d.x.phase)
					}
					if d.x.phase != phaseNone && (d.x.pos < 0 || d.x.pos >= d.x.end || d.x.end > len(d.buf)) {
						t.Fatalf("transfer window %d..%d of %d", d.x.pos, d.x.end, len(d.buf))
					}
				}
			}
		}
		c.Flush()
	}
}
