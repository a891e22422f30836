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

	trace func(PortAccess) // Trace's observer, nil when untraced
	plain []portSlot       // the slots as mapped, while traced
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
	if b.trace != nil {
		b.plain = append(b.plain, s)
		s = b.traced(s)
	}
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

// PortAccess is one access an I/O trace sees (Trace): a write as it is
// made (before the device acts on it: the BIOS's service port runs a whole
// service), a read with the value read.
type PortAccess struct {
	Port   uint16
	Value  uint16
	Word   bool // a 16-bit access to a device that takes words (else a byte)
	Out    bool
	Device string // the name the device was mapped with ("open bus": none)
}

// Trace makes f see every port access (-d ioport);
// nil stops it. While traced, every device is reached through a wrapper
// and string I/O runs go element by element (no bulk path), so f sees
// each element; untraced, the bus is as it was, at no cost.
func (b *PortBus) Trace(f func(PortAccess)) {
	if b.trace != nil {
		b.slots, b.plain = b.plain, nil // back to the devices as mapped
	}
	b.trace = f
	if f == nil {
		return
	}
	b.plain = b.slots
	b.slots = make([]portSlot, len(b.plain))
	for i, s := range b.plain {
		b.slots[i] = b.traced(s)
	}
}

// traced is slot s behind the trace's wrapper.
func (b *PortBus) traced(s portSlot) portSlot {
	t := &tracedPorts{slot: s, f: b.trace}
	w := portSlot{dev: t, name: s.name}
	if s.dev16 != nil {
		w.dev16 = t
	}
	return w
}

// tracedPorts is a device seen through Trace.
type tracedPorts struct {
	slot portSlot
	f    func(PortAccess)
}

func (t *tracedPorts) In8(port uint16) uint8 {
	v := t.slot.dev.In8(port)
	t.f(PortAccess{Port: port, Value: uint16(v), Device: t.slot.name})
	return v
}

func (t *tracedPorts) Out8(port uint16, v uint8) {
	t.f(PortAccess{Port: port, Value: uint16(v), Out: true, Device: t.slot.name})
	t.slot.dev.Out8(port, v)
}

func (t *tracedPorts) In16(port uint16) uint16 {
	v := t.slot.dev16.In16(port)
	t.f(PortAccess{Port: port, Value: v, Word: true, Device: t.slot.name})
	return v
}

func (t *tracedPorts) Out16(port uint16, v uint16) {
	t.f(PortAccess{Port: port, Value: v, Word: true, Out: true, Device: t.slot.name})
	t.slot.dev16.Out16(port, v)
}
