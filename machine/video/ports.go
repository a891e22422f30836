package video

// The adapter decodes 3B0h-3DFh. The CRT controller, the input status
// register and the CGA/MDA mode registers answer either at 3Bxh (monochrome)
// or at 3Dxh (colour), as selected by the miscellaneous output register's
// I/O address select bit (bit 0); the other block is not decoded.

// Port numbers.
const (
	PortMDACRTCIndex  = 0x3B4
	PortMDACRTCData   = 0x3B5
	PortMDAMode       = 0x3B8
	PortMDAStatus     = 0x3BA
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
	PortCRTCIndex     = 0x3D4
	PortCRTCData      = 0x3D5
	PortCGAMode       = 0x3D8
	PortCGAColor      = 0x3D9
	PortStatus        = 0x3DA
)

// Ports reports the range of I/O ports the adapter decodes, inclusive.
func Ports() (first, last uint16) { return 0x3B0, 0x3DF }

// colourIO reports whether the Dx block is decoded (misc output bit 0).
func (a *Adapter) colourIO() bool { return a.misc&1 != 0 }

// CRTCPort is the CRT controller index port in use: 3D4h in colour
// configurations, 3B4h in monochrome ones (BDA 0040:0063).
func (a *Adapter) CRTCPort() uint16 {
	if a.colourIO() {
		return PortCRTCIndex
	}
	return PortMDACRTCIndex
}

// blockPort folds a port of the Bx or Dx block onto its Dx name when that
// block is the decoded one; ok is false for the block that is switched off.
func (a *Adapter) blockPort(port uint16) (p uint16, ok bool) {
	switch {
	case port >= 0x3D0 && port <= 0x3DF:
		return port, a.colourIO()
	case port >= 0x3B0 && port <= 0x3BF:
		return port + 0x20, !a.colourIO()
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
	case PortMisc: // input status 0: bit 4 is the monitor switch sense
		return 0x10
	case PortVideoEnable:
		return 0x01
	case PortSeqIndex:
		return a.seqIndex
	case PortSeqData:
		if int(a.seqIndex) < len(a.seq) {
			return a.seq[a.seqIndex]
		}
		return 0xFF
	case PortPELMask:
		return a.pelMask
	case PortDACReadIndex:
		return a.dacState
	case PortDACWriteIndex:
		return a.dacWrite
	case PortDACData:
		return a.dacReadData()
	case PortFeatureRead:
		return a.feature
	case PortMiscRead:
		return a.misc
	case PortGCIndex:
		return a.gcIndex
	case PortGCData:
		if int(a.gcIndex) < len(a.gc) {
			return a.gc[a.gcIndex]
		}
		return 0xFF
	case PortCRTCIndex:
		return a.crtcIndex
	case PortCRTCData:
		return a.crtcRead()
	case PortCGAMode:
		return a.cgaMode
	case PortCGAColor:
		return a.cgaColor
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
	case PortSeqIndex:
		a.seqIndex = v & 7
	case PortSeqData:
		if int(a.seqIndex) < len(a.seq) {
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
		if int(a.gcIndex) < len(a.gc) {
			a.gc[a.gcIndex] = v
		}
	case PortCRTCIndex:
		a.crtcIndex = v & 0x3F
	case PortCRTCData:
		a.crtcWrite(v)
	case PortCGAMode:
		a.cgaModeWrite(v)
	case PortCGAColor:
		a.cgaColorWrite(v)
	case PortStatus: // feature control write
		a.feature = v
	}
}
