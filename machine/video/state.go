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
	*s = State{
		VRAM: a.vram, Latch: a.latch, Misc: a.misc, Feature: a.feature, Enable: a.enable,
		SeqIndex: a.seqIndex, Seq: a.seq, GCIndex: a.gcIndex, GC: a.gc,
		CRTCIndex: a.crtcIndex, CRTC: a.crtc, AttrIndex: a.attrIndex, AttrFlip: a.attrFlipFlop, Attr: a.attr,
		DAC: a.dac, DACReadIndex: a.dacReadIndex, DACWriteIndex: a.dacWriteIndex,
		DACReadStep: a.dacReadStep, DACWriteStep: a.dacWriteStep, DACWriteLatch: a.dacWriteLatch,
		DACState: a.dacState, PELMask: a.pelMask, OwnTime: a.ownTime,
	}
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
	changes := a.changes + 1
	clock := a.clock
	*a = Adapter{
		vram: s.VRAM, latch: s.Latch, misc: s.Misc, feature: s.Feature, enable: s.Enable,
		seqIndex: s.SeqIndex, seq: s.Seq, gcIndex: s.GCIndex, gc: s.GC,
		crtcIndex: s.CRTCIndex, crtc: s.CRTC, attrIndex: s.AttrIndex, attrFlipFlop: s.AttrFlip, attr: s.Attr,
		dac: s.DAC, dacReadIndex: s.DACReadIndex, dacWriteIndex: s.DACWriteIndex,
		dacReadStep: s.DACReadStep, dacWriteStep: s.DACWriteStep, dacWriteLatch: s.DACWriteLatch,
		dacState: s.DACState, pelMask: s.PELMask,
		clock: clock, ownTime: s.OwnTime, changes: changes,
	}
	return nil
}

// Hash writes the adapter's state (display memory and every register, as
// State holds them) to h, for a digest of the screen.
func (a *Adapter) Hash(h io.Writer) {
	s := new(State)
	a.SaveState(s)
	binary.Write(h, binary.LittleEndian, s)
}
