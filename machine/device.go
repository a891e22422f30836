package machine

// The interfaces through which the board wires its devices: a device
// decodes I/O ports (PortDevice, PortDevice16), drives IRQ lines (IRQLine),
// reads the virtual time (Clock) and, when it has a sense of time of its
// own, tells the run loop when it next changes state (Timed). A device
// knows nothing else of the machine.

// PortDevice is a device's view of the I/O ports it decodes. Port numbers
// are absolute (0x20, 0x3F8, ...). 16-bit accesses that a device does not
// handle itself are split by the port bus into two 8-bit ones, low port
// first, as the ISA bus does for an 8-bit device.
type PortDevice interface {
	In8(port uint16) uint8
	Out8(port uint16, v uint8)
}

// PortDevice16 is implemented by devices with 16-bit ports (the IDE data
// port) that must see a word access as one access.
type PortDevice16 interface {
	In16(port uint16) uint16
	Out16(port uint16, v uint16)
}

// IRQLine is one interrupt request input of the 8259A pair as a device
// drives it. The PC's ISA IRQs are edge-triggered: the PIC latches a request
// on the rising edge (Raise after Lower).
type IRQLine interface {
	Raise()
	Lower()
}

// Clock gives devices the virtual time in nanoseconds since power-on. It
// advances with executed instructions (deterministic mode) or is paced to
// the host clock (real-time mode); devices never read the host clock.
type Clock interface {
	Now() int64
}

// Timed is a device with its own sense of time (the PIT, the 8042's
// keyboard link, the RTC, the UART's line): the run loop tells it the virtual time after each slice and
// asks when it next changes state, so that the CPU runs exactly up to the
// next event.
type Timed interface {
	AdvanceTo(now int64)
	NextEvent() int64 // virtual ns of the next state change, math.MaxInt64 for none
}
