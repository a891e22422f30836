package video

// The DAC (Inmos IMS G171 / IBM VGA "Video DAC"; FreeVGA "DAC
// Registers"): 256 entries of 6-bit red, green and blue. A write index
// (3C8h) or read index (3C7h) is followed by transfers at 3C9h, red, green,
// blue; after the third the index moves to the next entry. A written
// entry changes only when its blue value arrives. 3C7h reads the state:
// 00b after a write index, 11b after a read index. The PEL mask (3C6h) is
// ANDed with every colour index on its way to the table.

func (a *Adapter) dacSetWriteIndex(v uint8) {
	a.dacWriteIndex = v
	a.dacWriteStep = 0
	a.dacState = 0
}

func (a *Adapter) dacSetReadIndex(v uint8) {
	a.dacReadIndex = v
	a.dacReadStep = 0
	a.dacState = 3
}

func (a *Adapter) dacWriteData(v uint8) {
	a.dacWriteLatch[a.dacWriteStep] = v & 0x3F
	a.dacWriteStep++
	if a.dacWriteStep == 3 {
		a.dac[a.dacWriteIndex] = a.dacWriteLatch
		a.dacWriteIndex++
		a.dacWriteStep = 0
	}
}

func (a *Adapter) dacReadData() uint8 {
	v := a.dac[a.dacReadIndex][a.dacReadStep]
	a.dacReadStep++
	if a.dacReadStep == 3 {
		a.dacReadIndex++
		a.dacReadStep = 0
	}
	return v
}

// DAC returns entry i as 6-bit red, green, blue, without disturbing the
// index state (for tests and tools).
func (a *Adapter) DAC(i uint8) (r, g, b uint8) {
	e := a.dac[i]
	return e[0], e[1], e[2]
}

// expand6 widens a 6-bit DAC value to 8 bits, full scale to full scale.
func expand6(v uint8) uint8 { return v<<2 | v>>4 }

// rgba is the colour of DAC index i after the PEL mask, as packed RGBA
// bytes in memory order.
func (a *Adapter) rgba(i uint8) uint32 {
	e := a.dac[i&a.pelMask]
	return uint32(expand6(e[0])) | uint32(expand6(e[1]))<<8 | uint32(expand6(e[2]))<<16 | 0xFF<<24
}
