package cpu

// FuzzExec runs arbitrary code from arbitrary state on every model: the
// interpreter must never panic or hang, whatever the bytes. The seed corpus
// runs in the normal test suite.

import (
	"strings"
	"testing"
)

type fuzzBus struct {
	data []byte
	i    int
	bulk bool
}

func (b *fuzzBus) next() uint8 {
	if len(b.data) == 0 {
		return 0xFF
	}
	b.i++
	return b.data[b.i%len(b.data)]
}
func (b *fuzzBus) Read8(uint32) uint8   { return b.next() }
func (b *fuzzBus) Write8(uint32, uint8) {}
func (b *fuzzBus) In8(uint16) uint8     { return b.next() }
func (b *fuzzBus) Out8(uint16, uint8)   {}
func (b *fuzzBus) In16(uint16) uint16   { return uint16(b.next()) | uint16(b.next())<<8 }
func (b *fuzzBus) Out16(uint16, uint16) {}
func (b *fuzzBus) Acknowledge() uint8   { return b.next() }
func (b *fuzzBus) InsBulk(_ uint16, w int, dst []byte) int {
	if !b.bulk {
		return 0
	}
	n := int(b.next()) % (len(dst) + 1)
	for i := range dst[:n] {
		dst[i] = b.next()
	}
	return n
}
func (b *fuzzBus) OutsBulk(_ uint16, w int, src []byte) int {
	if !b.bulk {
		return 0
	}
	return int(b.next()) % (len(src) + 1)
}

var fuzzRAM = make([]byte, 0x110000)

func FuzzExec(f *testing.F) {
	f.Add([]byte{0, 0x8B, 0x04, 0x01, 0xD8, 0x89, 0x05, 0x83, 0xC6, 0x02, 0xE2, 0xF6})
	f.Add([]byte{1, 0xF3, 0x6D, 0xF3, 0x6F, 0xFD, 0xF3, 0xA5, 0xC8, 0x10, 0x00, 0x1F, 0x62, 0x00})
	f.Add([]byte{2, 0x0F, 0x01, 0x16, 0x00, 0x00, 0xF7, 0xF0, 0xD4, 0x00, 0xA5, 0xCF, 0xF4})
	f.Add([]byte{0, 0x26, 0x2E, 0x36, 0x3E, 0xF0, 0xF2, 0xF3, 0xF6, 0xFE, 0xFF, 0xFF, 0xD2, 0xE0})
	f.Add([]byte{2, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x2E, 0x81, 0x06})
	f.Add([]byte{0, 0xFB, 0xF4, 0x9C, 0x58, 0x0D, 0x00, 0x01, 0x50, 0x9D, 0x40, 0xCC, 0xCE, 0xCD, 0x21})
	f.Add([]byte{1, 0x60, 0x61, 0x68, 0x34, 0x12, 0x69, 0xC0, 0xFF, 0x7F, 0xC1, 0xE0, 0x21, 0xC9, 0xD6})
	f.Add([]byte{2, 0x8E, 0xD0, 0xBC, 0xFF, 0xFF, 0x50, 0xFF, 0x36, 0xFF, 0xFF, 0xC4, 0x06, 0xFE, 0xFF})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 1 {
			return
		}
		model := Model(data[0] % 3)
		bus := &fuzzBus{data: data, bulk: data[0]&4 != 0}
		ram := fuzzRAM
		clear(ram)
		// Code and data: the input repeated over the first 128 KiB and at
		// the top of memory, so jumps and far pointers land in it.
		for i := 0; i < 0x20000; i += len(data) {
			copy(ram[i:], data)
		}
		copy(ram[0xF0000:], data)
		c := New(model, ram, bus)
		c.SetInterruptController(bus)
		c.Segs = [4]uint16{uint16(bus.next()) << 4, 0x0000, uint16(bus.next()) << 8, uint16(bus.next())}
		c.IP = 1
		for i := range c.Regs {
			c.Regs[i] = uint16(bus.next()) | uint16(bus.next())<<8
		}
		c.SetFlags(uint16(bus.next()) << 4)
		if model == Model80286 && data[0]&8 != 0 {
			c.SetA20(true)
		}
		for i := 0; i < 200; i++ {
			switch bus.next() % 8 {
			case 0:
				c.SetINTR(bus.next()&1 != 0)
			case 1:
				if bus.next()%16 == 0 {
					c.NMI()
				}
			}
			var err error
			if i%2 == 0 {
				err = c.Step()
			} else {
				_, err = c.Run(int(bus.next()))
			}
			if err != nil && !strings.Contains(err.Error(), "not supported") {
				t.Fatalf("unexpected error: %v", err)
			}
			if err != nil {
				return
			}
		}
	})
}
