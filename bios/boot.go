package bios

import "pcemu/cpu"

// INT 19h bootstrap and INT 18h. The ROM calls int19Select, then INT 13h
// to read sector 0 of the chosen drive to 0000:7C00, then int19Check.

// bootOrder returns the BIOS drive numbers to try.
func (b *BIOS) bootOrder() []uint8 {
	order := b.cfg.BootOrder
	if order == "" {
		order = "ca"
	}
	var drives []uint8
	for _, c := range order {
		switch c {
		case 'a':
			drives = append(drives, 0x00)
		case 'c':
			drives = append(drives, 0x80)
		}
	}
	return drives
}

// int19Start begins the boot order again: INT 19h may be called by
// software long after POST.
func (b *BIOS) int19Start() { b.bootIndex = 0 }

// int19Select sets up INT 13h AH=02h for the next boot device, or sends
// the CPU to INT 18h when none is left.
func (b *BIOS) int19Select() {
	order := b.bootOrder()
	for b.bootIndex < len(order) {
		d := order[b.bootIndex]
		b.bootIndex++
		if d < 0x80 && b.floppy[d] == nil || d >= 0x80 && len(b.hd) == 0 {
			continue
		}
		b.bootDrive = d
		b.setAX(0x0201)
		b.setCX(0x0001)
		b.setDX(uint16(d))
		b.p.SetSeg(cpu.ES, 0)
		b.setBX(0x7C00)
		return
	}
	b.p.SetIP(b.int18)
}

// int19Check runs after INT 13h: a read error or (for a hard disk) a
// missing 55AAh signature moves on to the next device; otherwise the boot
// sector gets control with DL = drive.
func (b *BIOS) int19Check() {
	flags := b.p.Flags()
	if flags&cpu.FlagCF != 0 {
		return // the ROM jumps back to int19Select
	}
	if b.bootDrive >= 0x80 && b.rd16(0x7DFE) != 0xAA55 {
		return
	}
	b.setAX(0)
	b.setBX(0)
	b.setCX(0)
	b.setDX(uint16(b.bootDrive))
	b.p.SetReg(cpu.SI, 0)
	b.p.SetReg(cpu.DI, 0)
	b.p.SetReg(cpu.BP, 0)
	b.p.SetSeg(cpu.ES, 0)
	b.p.SetSeg(cpu.DS, 0)
	b.p.SetSeg(cpu.SS, 0)
	b.p.SetReg(cpu.SP, postSP)
	b.p.SetSeg(cpu.CS, 0)
	b.p.SetIP(0x7C00)
	b.p.SetFlags(b.p.Flags() | cpu.FlagIF)
}

// NoBootMessage is what INT 18h prints when no device could be booted.
const NoBootMessage = "No bootable device found. Insert a boot disk and press Ctrl-Alt-Del."

// int18Handler shows the failure on screen and tells the machine; the ROM
// then idles with interrupts on.
func (b *BIOS) int18Handler() {
	b.writeString("\r\n" + NoBootMessage + "\r\n")
	if b.cfg.NoBoot != nil {
		b.cfg.NoBoot(NoBootMessage)
	}
}
