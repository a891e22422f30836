package video

// The adapter decodes 3B0h-3DFh (IBM VGA Technical Reference, "I/O
// Address Map"). The CRT controller and input status 1 / feature control
// answer at 3B4h/3B5h/3BAh with the monochrome I/O address and at
// 3D4h/3D5h/3DAh with the colour one, as the miscellaneous output
// register's bit 0 selects; the other block is not decoded. The CGA and
// MDA mode registers (3D8h, 3D9h, 3B8h) are not part of the VGA and read
// as an open bus, as on IBM's card.

// Port numbers.
const (
	PortAttr          = 0x3C0 // attribute controller index/data write, index read
	PortAttrData      = 0x3C1 // attribute controller data read
	PortMisc          = 0x3C2 // misc output write, input status 0 read
	PortVideoEnable   = 0x3C3
	PortSeqIndex      = 0x3C4
	PortSeqData       = 0x3C5
	PortPELMask       = 0x3C6
	PortDACReadIndex  = 0x3C7 // write: read index; read: DAC state
	PortDACWriteIndex = 0x3C8
	PortDACData       = 0x3C9
	PortFeatureRead   = 0x3CA
	PortMiscRead      = 0x3CC
	PortGCIndex       = 0x3CE
	PortGCData        = 0x3CF
	PortCRTCIndex     = 0x3D4 // 3B4h with the monochrome I/O address
	PortCRTCData      = 0x3D5 // 3B5h
	PortStatus        = 0x3DA // input status 1 read, feature control write; 3BAh
	PortMonoCRTCIndex = 0x3B4
	PortMonoStatus    = 0x3BA
)

// Misc output register bits: the CRTC and status at 3Dxh; the CPU's
// access to display memory.
const (
	miscColourIO  = 0x01
	miscRAMEnable = 0x02
)

// Ports reports the range of I/O ports the adapter decodes, inclusive.
func Ports() (first, last uint16) { return 0x3B0, 0x3DF }

// CRTCPort is the CRT controller index port the misc output register
// selects: 3D4h or 3B4h (what the BIOS keeps at 0040:0063).
func (a *Adapter) CRTCPort() uint16 {
	if a.misc&miscColourIO != 0 {
		return PortCRTCIndex
	}
	return PortMonoCRTCIndex
}

// blockPort folds a port of the 3Bxh or 3Dxh block onto its 3Dxh name
// when that block is the decoded one; ok is false for the other block,
// and for every port but 3C3h while the video subsystem is disabled
// (3C3h bit 0, IBM VGA Technical Reference "Video Subsystem Enable").
func (a *Adapter) blockPort(port uint16) (p uint16, ok bool) {
	if a.enable&1 == 0 && port != PortVideoEnable {
		return port, false
	}
	colour := a.misc&miscColourIO != 0
	switch {
	case port >= 0x3D0:
		return port, colour
	case port < 0x3C0:
		return port + 0x20, !colour
	}
	return port, true
}

// In8 reads an adapter I/O port. Ports it does not decode read FFh.
func (a *Adapter) In8(port uint16) uint8 {
	p, ok := a.blockPort(port)
	if !ok {
		return 0xFF
	}
	switch p {
	case PortAttr:
		return a.attrIndex
	case PortAttrData:
		return a.attrRead()
	case PortMisc:
		return a.inputStatus0()
	case PortVideoEnable:
		return a.enable
	case PortSeqIndex:
		return a.seqIndex
	case PortSeqData:
		if a.seqIndex < seqRegs {
			return a.seq[a.seqIndex]
		}
		return 0xFF
	case PortPELMask:
		return a.pelMask
	case PortDACReadIndex:
		return a.dacState
	case PortDACWriteIndex:
		return a.dacWriteIndex
	case PortDACData:
		return a.dacReadData()
	case PortFeatureRead:
		return a.feature
	case PortMiscRead:
		return a.misc
	case PortGCIndex:
		return a.gcIndex
	case PortGCData:
		if a.gcIndex < gcRegs {
			return a.gc[a.gcIndex]
		}
		return 0xFF
	case PortCRTCIndex:
		return a.crtcIndex
	case PortCRTCData:
		return a.crtcRead()
	case PortStatus:
		return a.inputStatus1()
	}
	return 0xFF
}

// Out8 writes an adapter I/O port. Writes to ports it does not decode are
// ignored.
func (a *Adapter) Out8(port uint16, v uint8) {
	p, ok := a.blockPort(port)
	if !ok {
		return
	}
	a.changes++
	switch p {
	case PortAttr:
		a.attrWrite(v)
	case PortMisc:
		a.misc = v
	case PortVideoEnable:
		a.enable = v & 1
	case PortSeqIndex:
		a.seqIndex = v & seqIndexBit
	case PortSeqData:
		if a.seqIndex < seqRegs {
			a.seq[a.seqIndex] = v
		}
	case PortPELMask:
		a.pelMask = v
	case PortDACReadIndex:
		a.dacSetReadIndex(v)
	case PortDACWriteIndex:
		a.dacSetWriteIndex(v)
	case PortDACData:
		a.dacWriteData(v)
	case PortGCIndex:
		a.gcIndex = v & 0x0F
	case PortGCData:
		if a.gcIndex < gcRegs {
			a.gc[a.gcIndex] = v
		}
	case PortCRTCIndex:
		a.crtcIndex = v & crtcIndexBits
	case PortCRTCData:
		a.crtcWrite(v)
	case PortStatus:
		a.feature = v
	}
}
