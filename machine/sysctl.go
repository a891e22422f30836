package machine

// System control ports of the AT chipset:
//
//   - 61h, system control port B (IBM PC/AT Technical Reference, "System
//     Board I/O"): bit 0 PIT channel 2 gate, bit 1 speaker data, bits 2-3
//     parity/channel check enables; reads add bit 4, the refresh request
//     toggle (every 15.085 us, which BIOSes use for short delays), and bit
//     5, PIT channel 2's output.
//   - 92h, system control port A (IBM PS/2, the "fast A20" port): bit 1 A20
//     gate, bit 0 a 0-to-1 write pulses the CPU reset.
//
// The A20 line the CPU sees is the OR of port 92h bit 1 and the keyboard
// controller's output port bit 1, as in the chipsets that have both.

// System control port numbers.
const (
	PortSysCtlB = 0x61
	PortSysCtlA = 0x92
)

// refreshNs is the period of the DRAM refresh request that port 61h bit 4
// toggles with (PIT channel 1 at count 18).
const refreshNs = 15085

// SystemControl is ports 61h and 92h. It implements PortDevice.
type SystemControl struct {
	clk    Clock
	pit    *PIT
	a20    func(bool)
	reset  func()
	portB  uint8 // bits 0-3 as written
	portA  uint8
	kbcA20 bool

	speaker *Speaker // told of bit 1; nil without sound
}

// SetSpeaker connects the speaker that port 61h bit 1 drives.
func (s *SystemControl) SetSpeaker(sp *Speaker) {
	s.speaker = sp
	sp.SetData(s.portB&0x02 != 0)
}

// NewSystemControl returns the ports with the channel 2 gate and speaker
// off and A20 off. a20 is called with the combined A20 state on every
// write that can affect it; reset pulses the CPU's reset line. Both may be
// nil. pit is the timer whose channel 2 port 61h gates and reads.
func NewSystemControl(clk Clock, pit *PIT, a20 func(enabled bool), reset func()) *SystemControl {
	s := &SystemControl{clk: clk, pit: pit, a20: a20, reset: reset}
	pit.SetGate2(false)
	return s
}

// SetKBCA20 is the keyboard controller's A20 output: pass it as
// KBCConfig.A20.
func (s *SystemControl) SetKBCA20(on bool) {
	s.kbcA20 = on
	s.updateA20()
}

// A20 reports the combined A20 gate.
func (s *SystemControl) A20() bool { return s.kbcA20 || s.portA&0x02 != 0 }

func (s *SystemControl) updateA20() {
	if s.a20 != nil {
		s.a20(s.A20())
	}
}

// Speaker reports whether the speaker cone is pushed out now: speaker data
// enabled and PIT channel 2's output high.
func (s *SystemControl) Speaker() bool {
	return s.portB&0x02 != 0 && s.pit.Out2()
}

// In8 reads port 61h or 92h.
func (s *SystemControl) In8(port uint16) uint8 {
	if port == PortSysCtlA {
		return s.portA
	}
	v := s.portB & 0x0F
	if s.clk.Now()/refreshNs&1 != 0 {
		v |= 0x10
	}
	if s.pit.Out2() {
		v |= 0x20
	}
	return v
}

// Out8 writes port 61h or 92h.
func (s *SystemControl) Out8(port uint16, v uint8) {
	if port == PortSysCtlA {
		s.portA = v &^ 0x01 // bit 0 is a pulse and reads back 0
		s.updateA20()
		if v&0x01 != 0 && s.reset != nil {
			s.reset()
		}
		return
	}
	s.portB = v & 0x0F
	if s.speaker != nil {
		s.speaker.SetData(v&0x02 != 0)
	}
	s.pit.SetGate2(v&0x01 != 0)
}

// Reset restores the power-on state.
func (s *SystemControl) Reset() {
	s.portA, s.portB, s.kbcA20 = 0, 0, false
	if s.speaker != nil {
		s.speaker.SetData(false)
	}
	s.pit.SetGate2(false)
}

// SystemControlState is ports 61h and 92h for a machine state (state.go).
type SystemControlState struct {
	PortB, PortA uint8
	KBCA20       bool
}

// State returns the ports' state.
func (s *SystemControl) State() SystemControlState {
	return SystemControlState{PortB: s.portB, PortA: s.portA, KBCA20: s.kbcA20}
}

// SetState puts the ports in state st. What they drive (the A20 gate, PIT
// channel 2's gate, the speaker's data bit) is restored with the CPU, the
// PIT and the speaker.
func (s *SystemControl) SetState(st SystemControlState) error {
	s.portB, s.portA, s.kbcA20 = st.PortB, st.PortA, st.KBCA20
	return nil
}
