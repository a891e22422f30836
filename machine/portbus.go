package machine

import (
	"fmt"

	"pcemu/cpu"
)

// PortBus is the ISA I/O space: 65536 ports, each decoded by at most one
// device. Dispatch is one table index per access (no map, no allocation):
// decode holds, per port, an index into slots; slot 0 is the open bus,
// which reads FFh like an ISA bus with nothing driving it.
type PortBus struct {
	decode [65536]uint8
	slots  []portSlot
}

type portSlot struct {
	dev   PortDevice
	dev16 PortDevice16   // nil: word accesses are split into two bytes
	bulk  cpu.BulkPortIO // nil: no bulk path (the CPU goes element by element)
	name  string
}

// openBus answers ports that no device decodes.
type openBus struct{}

func (openBus) In8(uint16) uint8     { return 0xFF }
func (openBus) Out8(uint16, uint8)   {}
func (openBus) In16(uint16) uint16   { return 0xFFFF }
func (openBus) Out16(uint16, uint16) {}

// NewPortBus returns a bus on which every port reads FFh.
func NewPortBus() *PortBus {
	return &PortBus{slots: []portSlot{{dev: openBus{}, dev16: openBus{}, name: "open bus"}}}
}

// Map makes dev decode ports first..last inclusive. If dev also implements
// PortDevice16, word accesses to those ports reach it as one access; if it
// implements cpu.BulkPortIO, string I/O runs are offered to it. It is an
// error to map a port twice: two devices on one port is a wiring bug.
func (b *PortBus) Map(name string, first, last uint16, dev PortDevice) error {
	if last < first {
		return fmt.Errorf("port bus: %s: empty range %03Xh-%03Xh", name, first, last)
	}
	for p := int(first); p <= int(last); p++ {
		if i := b.decode[p]; i != 0 {
			return fmt.Errorf("port bus: %s: port %03Xh is already decoded by %s", name, p, b.slots[i].name)
		}
	}
	if len(b.slots) == 256 {
		return fmt.Errorf("port bus: %s: too many devices", name)
	}
	s := portSlot{dev: dev, name: name}
	s.dev16, _ = dev.(PortDevice16)
	s.bulk, _ = dev.(cpu.BulkPortIO)
	b.slots = append(b.slots, s)
	idx := uint8(len(b.slots) - 1)
	for p := int(first); p <= int(last); p++ {
		b.decode[p] = idx
	}
	return nil
}

// Unmap returns ports first..last to the open bus.
func (b *PortBus) Unmap(first, last uint16) {
	for p := int(first); p <= int(last); p++ {
		b.decode[p] = 0
	}
}

// Decoder names the device that decodes port ("open bus" when none does).
func (b *PortBus) Decoder(port uint16) string { return b.slots[b.decode[port]].name }

// In8 reads a byte port.
func (b *PortBus) In8(port uint16) uint8 { return b.slots[b.decode[port]].dev.In8(port) }

// Out8 writes a byte port.
func (b *PortBus) Out8(port uint16, v uint8) { b.slots[b.decode[port]].dev.Out8(port, v) }

// In16 reads a word: one access for a 16-bit device, else two byte
// accesses, low port first (each byte decoded on its own, as on ISA).
func (b *PortBus) In16(port uint16) uint16 {
	if d := b.slots[b.decode[port]].dev16; d != nil {
		return d.In16(port)
	}
	lo := b.In8(port)
	return uint16(lo) | uint16(b.In8(port+1))<<8
}

// Out16 writes a word, like In16.
func (b *PortBus) Out16(port uint16, v uint16) {
	if d := b.slots[b.decode[port]].dev16; d != nil {
		d.Out16(port, v)
		return
	}
	b.Out8(port, uint8(v))
	b.Out8(port+1, uint8(v>>8))
}

// InsBulk implements cpu.BulkPortIO by forwarding to the device on port.
func (b *PortBus) InsBulk(port uint16, width int, dst []byte) int {
	if d := b.slots[b.decode[port]].bulk; d != nil {
		return d.InsBulk(port, width, dst)
	}
	return 0
}

// OutsBulk implements cpu.BulkPortIO by forwarding to the device on port.
func (b *PortBus) OutsBulk(port uint16, width int, src []byte) int {
	if d := b.slots[b.decode[port]].bulk; d != nil {
		return d.OutsBulk(port, width, src)
	}
	return 0
}
