package video

import (
	"encoding/binary"
	"fmt"
	"io"
)

// State is the adapter's state for a machine state: display memory, the
// latches and every register with the index registers, the attribute
// controller's flip-flop and the DAC's index state machine: the plain
// fields of Adapter, which is all the adapter is (the picture follows from
// them). The time source is the machine's.
type State struct {
	// VRAM is display memory as Adapter keeps it: word i holds byte i of
	// plane p in bits 8p..8p+7. Latch is the four latches alike.
	VRAM  [planeSize]uint32
	Latch uint32

	Misc, Feature, Enable uint8

	SeqIndex  uint8
	Seq       [seqRegs]uint8
	GCIndex   uint8
	GC        [gcRegs]uint8
	CRTCIndex uint8
	CRTC      [crtcRegs]uint8
	AttrIndex uint8
	AttrFlip  bool // the next 3C0h write is data
	Attr      [attrRegs]uint8

	DAC           [256][3]uint8
	DACReadIndex  uint8
	DACWriteIndex uint8
	DACReadStep   uint8
	DACWriteStep  uint8
	DACWriteLatch [3]uint8
	DACState      uint8
	PELMask       uint8

	OwnTime int64 // the clock of an adapter without one
}

// SaveState copies the adapter's state into s (a quarter megabyte of
// display memory: the caller keeps s to reuse it).
func (a *Adapter) SaveState(s *State) {
	// Field by field: a composite literal of the whole would be built
	// aside and copied.
	s.VRAM, s.Latch = a.vram, a.latch
	s.Misc, s.Feature, s.Enable = a.misc, a.feature, a.enable
	s.SeqIndex, s.Seq, s.GCIndex, s.GC = a.seqIndex, a.seq, a.gcIndex, a.gc
	s.CRTCIndex, s.CRTC = a.crtcIndex, a.crtc
	s.AttrIndex, s.AttrFlip, s.Attr = a.attrIndex, a.attrFlipFlop, a.attr
	s.DAC, s.DACReadIndex, s.DACWriteIndex = a.dac, a.dacReadIndex, a.dacWriteIndex
	s.DACReadStep, s.DACWriteStep, s.DACWriteLatch = a.dacReadStep, a.dacWriteStep, a.dacWriteLatch
	s.DACState, s.PELMask, s.OwnTime = a.dacState, a.pelMask, a.ownTime
}

// SetState puts the adapter in state s. Displays see a change (Changes
// grows).
func (a *Adapter) SetState(s *State) error {
	switch {
	case s.DACReadStep > 2 || s.DACWriteStep > 2:
		return fmt.Errorf("video: DACReadStep %d or DACWriteStep %d is not 0-2", s.DACReadStep, s.DACWriteStep)
	case s.DACState != 0 && s.DACState != 3:
		return fmt.Errorf("video: DACState %d is not 0 or 3", s.DACState)
	}
	a.vram, a.latch = s.VRAM, s.Latch
	a.misc, a.feature, a.enable = s.Misc, s.Feature, s.Enable
	a.seqIndex, a.seq, a.gcIndex, a.gc = s.SeqIndex, s.Seq, s.GCIndex, s.GC
	a.crtcIndex, a.crtc = s.CRTCIndex, s.CRTC
	a.attrIndex, a.attrFlipFlop, a.attr = s.AttrIndex, s.AttrFlip, s.Attr
	a.dac, a.dacReadIndex, a.dacWriteIndex = s.DAC, s.DACReadIndex, s.DACWriteIndex
	a.dacReadStep, a.dacWriteStep, a.dacWriteLatch = s.DACReadStep, s.DACWriteStep, s.DACWriteLatch
	a.dacState, a.pelMask, a.ownTime = s.DACState, s.PELMask, s.OwnTime
	a.changes++
	return nil
}

// Hash writes the adapter's state (display memory and every register, as
// State holds them) to h, for a digest of the screen.
func (a *Adapter) Hash(h io.Writer) {
	s := new(State)
	a.SaveState(s)
	binary.Write(h, binary.LittleEndian, s)
}
