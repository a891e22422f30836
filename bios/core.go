package bios

import "pcemu/cpu"

// Memory access for the handlers: RAM directly, the rest (video memory,
// ROM) through the bus, as the CPU does; everything through the bus while
// a debugger watches memory (RAMThroughBus).

// RAMThroughBus, when on, makes the services read and write guest RAM
// through the bus a byte at a time instead of through the RAM slice (and
// the disk services move sectors a word at a time), so that a bus that
// watches addresses (a debugger's watchpoints) sees every access the
// firmware makes. Off, the default, is the fast path.
func (b *BIOS) RAMThroughBus(on bool) {
	b.ram = b.cfg.RAM
	if on {
		b.ram = nil
	}
}

func (b *BIOS) rd8(addr uint32) uint8 {
	if int(addr) < len(b.ram) {
		return b.ram[addr]
	}
	return b.bus.Read8(addr)
}

func (b *BIOS) wr8(addr uint32, v uint8) {
	if int(addr) < len(b.ram) {
		b.ram[addr] = v
		return
	}
	b.bus.Write8(addr, v)
}

func (b *BIOS) rd16(addr uint32) uint16 {
	if ram := b.ram; int(addr)+1 < len(ram) {
		return uint16(ram[addr]) | uint16(ram[addr+1])<<8
	}
	return uint16(b.rd8(addr)) | uint16(b.rd8(addr+1))<<8
}

func (b *BIOS) wr16(addr uint32, v uint16) {
	b.wr8(addr, uint8(v))
	b.wr8(addr+1, uint8(v>>8))
}

// ramSlice returns guest RAM [addr, addr+n) when it lies wholly in the RAM
// slice, for bulk transfers; nil otherwise.
func (b *BIOS) ramSlice(addr uint32, n int) []byte {
	if int(addr)+n <= len(b.ram) {
		return b.ram[addr : int(addr)+n]
	}
	return nil
}

func linear(seg, off uint16) uint32 { return uint32(seg)<<4 + uint32(off) }

// BIOS data area (segment 0040h) accessors.
func (b *BIOS) bda8(off uint16) uint8       { return b.rd8(0x400 + uint32(off)) }
func (b *BIOS) bda16(off uint16) uint16     { return b.rd16(0x400 + uint32(off)) }
func (b *BIOS) setBDA8(off uint16, v uint8) { b.wr8(0x400+uint32(off), v) }
func (b *BIOS) setBDA16(off uint16, v uint16) {
	b.wr16(0x400+uint32(off), v)
}

// Register helpers in the BIOS listings' words.
func (b *BIOS) ax() uint16 { return b.p.Reg(cpu.AX) }
func (b *BIOS) bx() uint16 { return b.p.Reg(cpu.BX) }
func (b *BIOS) cx() uint16 { return b.p.Reg(cpu.CX) }
func (b *BIOS) dx() uint16 { return b.p.Reg(cpu.DX) }
func (b *BIOS) ah() uint8  { return uint8(b.ax() >> 8) }
func (b *BIOS) al() uint8  { return uint8(b.ax()) }
func (b *BIOS) bh() uint8  { return uint8(b.bx() >> 8) }
func (b *BIOS) bl() uint8  { return uint8(b.bx()) }
func (b *BIOS) ch() uint8  { return uint8(b.cx() >> 8) }
func (b *BIOS) cl() uint8  { return uint8(b.cx()) }
func (b *BIOS) dh() uint8  { return uint8(b.dx() >> 8) }
func (b *BIOS) dl() uint8  { return uint8(b.dx()) }

func (b *BIOS) setAX(v uint16) { b.p.SetReg(cpu.AX, v) }
func (b *BIOS) setBX(v uint16) { b.p.SetReg(cpu.BX, v) }
func (b *BIOS) setCX(v uint16) { b.p.SetReg(cpu.CX, v) }
func (b *BIOS) setDX(v uint16) { b.p.SetReg(cpu.DX, v) }
func (b *BIOS) setAH(v uint8)  { b.setAX(b.ax()&0x00FF | uint16(v)<<8) }
func (b *BIOS) setAL(v uint8)  { b.setAX(b.ax()&0xFF00 | uint16(v)) }
func (b *BIOS) setBH(v uint8)  { b.setBX(b.bx()&0x00FF | uint16(v)<<8) }
func (b *BIOS) setBL(v uint8)  { b.setBX(b.bx()&0xFF00 | uint16(v)) }
func (b *BIOS) setCH(v uint8)  { b.setCX(b.cx()&0x00FF | uint16(v)<<8) }
func (b *BIOS) setCL(v uint8)  { b.setCX(b.cx()&0xFF00 | uint16(v)) }
func (b *BIOS) setDH(v uint8)  { b.setDX(b.dx()&0x00FF | uint16(v)<<8) }
func (b *BIOS) setDL(v uint8)  { b.setDX(b.dx()&0xFF00 | uint16(v)) }

// The caller's FLAGS live in the IRET frame at SS:SP+4 while a simple stub
// runs (its OUT comes before any push). Results in CF and ZF are written
// there so that IRET hands them back.
func (b *BIOS) frameFlagsAddr() uint32 {
	return linear(b.p.Seg(cpu.SS), b.p.Reg(cpu.SP)+4)
}

func (b *BIOS) setFrameFlag(mask uint16, on bool) {
	a := b.frameFlagsAddr()
	f := b.rd16(a)
	if on {
		f |= mask
	} else {
		f &^= mask
	}
	b.wr16(a, f)
}

func (b *BIOS) setCF(on bool) { b.setFrameFlag(cpu.FlagCF, on) }
func (b *BIOS) setZF(on bool) { b.setFrameFlag(cpu.FlagZF, on) }

// pending holds the services waiting in a ROM loop (wait.go), keyed by the
// linear address of the waiting stack, so a service interrupted while
// waiting (a timer hook calling INT 16h) does not disturb another.
type pending map[uint32]wait

func (b *BIOS) stackKey() uint32 { return linear(b.p.Seg(cpu.SS), b.p.Reg(cpu.SP)) }

// waitInterrupt makes the current service continue as w says after the
// next interrupt (STI; HLT in the ROM), for waits on the keyboard or the
// timer.
func (b *BIOS) waitInterrupt(w wait) {
	b.pend[b.stackKey()] = w
	b.p.SetIP(b.waitHLT)
}

// waitBriefly makes the current service continue as w says after a few
// instructions with interrupts open, for waits on a device whose status
// changes with time but may not interrupt (a busy drive).
func (b *BIOS) waitBriefly(w wait) {
	b.pend[b.stackKey()] = w
	b.p.SetIP(b.waitPause)
}

// resume continues the service waiting on this stack. After it the ROM's
// IRET returns to the service's caller, unless the service waits again or
// sets IP itself.
func (b *BIOS) resume() {
	key := b.stackKey()
	w, ok := b.pend[key]
	if !ok {
		return
	}
	delete(b.pend, key)
	b.continueWait(&w)
}
