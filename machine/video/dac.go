package video

// The DAC: 256 entries of 6-bit red, green and blue. An index written to
// 3C8h (write) or 3C7h (read) is followed by three data transfers at 3C9h,
// red, green, blue; after the third the index advances by one.

func (a *Adapter) dacSetWriteIndex(v uint8) {
	a.dacWrite = v
	a.dacWrSub = 0
	a.dacState = 0
}

func (a *Adapter) dacSetReadIndex(v uint8) {
	a.dacRead = v
	a.dacReadSub = 0
	a.dacState = 3
}

func (a *Adapter) dacWriteData(v uint8) {
	a.dacLatch[a.dacWrSub] = v & 0x3F
	a.dacWrSub++
	if a.dacWrSub == 3 {
		a.dac[a.dacWrite] = a.dacLatch
		a.dacWrite++
		a.dacWrSub = 0
	}
}

func (a *Adapter) dacReadData() uint8 {
	v := a.dac[a.dacRead][a.dacReadSub]
	a.dacReadSub++
	if a.dacReadSub == 3 {
		a.dacRead++
		a.dacReadSub = 0
	}
	return v
}

// DAC returns entry i as 6-bit red, green, blue.
func (a *Adapter) DAC(i uint8) (r, g, b uint8) {
	e := a.dac[i]
	return e[0], e[1], e[2]
}

// SetDAC sets entry i to 6-bit red, green, blue (INT 10h AX=1010h).
func (a *Adapter) SetDAC(i, r, g, b uint8) {
	a.dac[i] = [3]uint8{r & 0x3F, g & 0x3F, b & 0x3F}
	a.changes++
}

// expand6 widens a 6-bit DAC value to 8 bits, full scale to full scale.
func expand6(v uint8) uint8 { return v<<2 | v>>4 }

// rgba is the colour of DAC entry i after the PEL mask, as packed RGBA bytes.
func (a *Adapter) rgba(i uint8) [4]uint8 {
	e := a.dac[i&a.pelMask]
	return [4]uint8{expand6(e[0]), expand6(e[1]), expand6(e[2]), 0xFF}
}
