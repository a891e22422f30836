package ide

import (
	"fmt"
	"strings"
	"testing"
)

func checkSignature(t *testing.T, h *host, what string) {
	t.Helper()
	got := [4]uint8{h.reg(regSectorCount), h.reg(regLBALow), h.reg(regLBAMid), h.reg(regLBAHigh)}
	if got != [4]uint8{1, 1, 0, 0} {
		t.Errorf("%s: signature %02X, want ATA 01 01 00 00", what, got)
	}
}

// Power-on state: signature, diagnostic code, DRDY.
func TestPowerOnState(t *testing.T) {
	h := newHost(t, newMemDrive(100), newMemDrive(100))
	for unit := 0; unit < 2; unit++ {
		h.selectDev(unit, false, 0)
		checkSignature(t, h, fmt.Sprintf("device %d at power-on", unit))
		if e := h.errReg(); e != 0x01 {
			t.Errorf("device %d error %02Xh at power-on, want 01h", unit, e)
		}
		if s := h.status(); s != statusReady {
			t.Errorf("device %d status %02Xh at power-on, want 50h", unit, s)
		}
	}
}

// Software reset (ATA/ATAPI-6 software reset protocol): BSY while SRST is
// set, then signature, diagnostic code, DRDY, device 0 selected, no
// interrupt; settings revert unless SET FEATURES 66h.
func TestSoftwareReset(t *testing.T) {
	h := newHost(t, newMemDrive(1000), newMemDrive(1000))
	// Change settings on device 0 and leave a transfer half done.
	h.selectDev(0, false, 0)
	h.setReg(regSectorCount, 4)
	h.command(cmdSetMultiple)
	h.status()
	h.setLBA28(0, 5, 3)
	h.command(cmdReadSectors)
	h.io.In16(h.base)
	h.selectDev(1, false, 0)

	raises := h.irq.raises
	h.control(dcSRST | dcNIEN)
	if s := h.altStatus(); s&stBSY == 0 {
		t.Errorf("status during SRST %02Xh, want BSY", s)
	}
	h.setReg(regSectorCount, 0x77) // ignored while in reset
	h.control(dcNIEN)
	h.control(0)
	if h.irq.raises != raises || h.irq.high {
		t.Errorf("software reset raised an interrupt")
	}
	if h.reg(regDevice)&devDEV != 0 {
		t.Errorf("device 1 still selected after reset")
	}
	if s := h.waitNotBusy(); s != statusReady {
		t.Errorf("status after reset %02Xh, want 50h", s)
	}
	for unit := 0; unit < 2; unit++ {
		h.setReg(regDevice, uint8(unit)<<4)
		checkSignature(t, h, fmt.Sprintf("device %d after SRST", unit))
		if e := h.errReg(); e != 0x01 {
			t.Errorf("device %d error %02Xh after SRST, want 01h", unit, e)
		}
	}
	// Device 0 is selected: without a Device write, the next command
	// goes to it.
	h.selectDev(1, false, 0)
	h.control(dcSRST)
	h.control(0)
	id, _ := h.pioIn(cmdIdentify, 1, 1)
	if serial := ataString(words(id)[10:20]); !strings.HasPrefix(serial, "PCEMU00") {
		t.Errorf("IDENTIFY after reset answered by %q, want device 0", serial)
	}
	// The transfer is gone, multiple mode reverted.
	h.selectDev(0, false, 0)
	if v := h.io.In16(h.base); v != 0xFFFF || h.altStatus()&stDRQ != 0 {
		t.Errorf("transfer survived the reset")
	}
	h.setLBA28(0, 0, 1)
	h.command(cmdReadMultiple)
	h.expectError(h.status(), erABRT, "READ MULTIPLE after reset (multiple mode reverted)")

	// SET FEATURES 66h: settings survive the reset.
	h.selectDev(0, false, 0)
	h.setReg(regSectorCount, 4)
	h.command(cmdSetMultiple)
	h.setReg(regError, 0x66)
	h.command(cmdSetFeatures)
	h.expectOK(h.status(), "SET FEATURES 66h")
	h.control(dcSRST)
	h.control(0)
	h.setLBA28(0, 0, 8)
	_, s := h.pioIn(cmdReadMultiple, 8, 4)
	h.expectOK(s, "READ MULTIPLE after reset with 66h")
	h.setReg(regError, 0xCC)
	h.command(cmdSetFeatures)
	h.expectOK(h.status(), "SET FEATURES CCh")
	h.control(dcSRST)
	h.control(0)
	h.setLBA28(0, 0, 8)
	h.command(cmdReadMultiple)
	h.expectError(h.status(), erABRT, "READ MULTIPLE after reset with CCh")

	// The CHS translation survives a software reset; a hardware reset
	// restores the default.
	h.selectDev(0, false, 1) // 2 heads
	h.setReg(regSectorCount, 10)
	h.command(cmdInitParams)
	h.expectOK(h.status(), "INITIALIZE DEVICE PARAMETERS")
	h.control(dcSRST)
	h.control(0)
	w := identify(t, h, 0)
	if w[55] != 2 || w[56] != 10 {
		t.Errorf("translation after SRST %d/%d, want 2/10", w[55], w[56])
	}
	h.io.(*Controller).Reset()
	w = identify(t, h, 0)
	if w[55] != w[3] || w[56] != w[6] {
		t.Errorf("translation after hardware reset %d/%d, want default %d/%d", w[55], w[56], w[3], w[6])
	}
}

// A write cut short by a reset keeps the blocks the host already sent.
func TestResetKeepsWrittenBlocks(t *testing.T) {
	m := newMemDrive(1000)
	h := newHost(t, m, nil)
	data := pattern(20, 3, 9)
	h.setLBA28(0, 20, 5)
	h.command(cmdWriteSectors)
	for i := 0; i < 3; i++ {
		h.status()
		h.transferOut(data[i*SectorSize : (i+1)*SectorSize])
	}
	h.io.Out16(h.base, 0x1234) // part of sector 4: not a whole block
	h.control(dcSRST)
	h.control(0)
	equalSectors(t, m.data[20*SectorSize:23*SectorSize], data, "blocks written before the reset")
	equalSectors(t, m.data[23*SectorSize:24*SectorSize], make([]byte, SectorSize), "partial block")
}

// EXECUTE DEVICE DIAGNOSTIC: both devices run it whatever DEV says; the
// signature and code 01h appear; device 0 interrupts.
func TestExecuteDeviceDiagnostic(t *testing.T) {
	for _, tc := range []struct {
		name          string
		master, slave bool
	}{{"master+slave", true, true}, {"master only", true, false}} {
		t.Run(tc.name, func(t *testing.T) {
			var m, s Drive
			if tc.master {
				m = newMemDrive(100)
			}
			if tc.slave {
				s = newMemDrive(100)
			}
			h := newHost(t, m, s)
			h.selectDev(0, false, 0)
			h.setLBA28(0, 9, 9) // scribble over the signature
			// Issued with device 1 selected (absent or not).
			h.setReg(regDevice, devDEV)
			raises := h.irq.raises
			h.command(cmdExecDiagnostic)
			h.setReg(regDevice, 0)
			if h.irq.raises != raises+1 {
				t.Errorf("diagnostic: %d interrupts, want 1", h.irq.raises-raises)
			}
			s0 := h.status()
			if s0 != statusReady {
				t.Errorf("device 0 status %02Xh", s0)
			}
			checkSignature(t, h, "device 0 after diagnostic")
			if e := h.errReg(); e != 0x01 {
				t.Errorf("device 0 diagnostic code %02Xh, want 01h", e)
			}
			if tc.slave {
				h.setReg(regDevice, devDEV)
				checkSignature(t, h, "device 1 after diagnostic")
				if e := h.errReg(); e != 0x01 {
					t.Errorf("device 1 diagnostic code %02Xh, want 01h", e)
				}
			}
		})
	}
}

// Selecting an absent device reads as no device, so a BIOS counts drives:
// status 00h; device 0 answers the other registers for a missing device 1;
// commands to it do nothing. An empty channel reads 00h.
func TestAbsentDevices(t *testing.T) {
	h := newHost(t, newMemDrive(100), nil)
	h.setReg(regDevice, 0xB0) // device 1
	if s := h.status(); s != 0 {
		t.Errorf("status of absent device 1: %02Xh, want 00h", s)
	}
	if s := h.altStatus(); s != 0 {
		t.Errorf("alternate status of absent device 1: %02Xh", s)
	}
	h.setReg(regSectorCount, 0x55)
	h.setReg(regLBALow, 0xAA)
	if h.reg(regSectorCount) != 0x55 || h.reg(regLBALow) != 0xAA {
		t.Errorf("device 0 does not answer the registers for device 1")
	}
	raises := h.irq.raises
	h.command(cmdIdentify)
	if s := h.status(); s != 0 || h.irq.raises != raises {
		t.Errorf("IDENTIFY to an absent device: status %02Xh, %d interrupts", s, h.irq.raises-raises)
	}
	if n := h.io.InsBulk(h.base, 2, make([]byte, 512)); n != 0 {
		t.Errorf("absent device gave data")
	}
	h.selectDev(0, false, 0) // device 0 still fine
	if s := h.status(); s != statusReady {
		t.Errorf("device 0 status %02Xh", s)
	}

	// Slave only: device 0 absent reads status 00h.
	h2 := newHost(t, nil, newMemDrive(100))
	h2.setReg(regDevice, 0xA0)
	if s := h2.status(); s != 0 {
		t.Errorf("absent device 0: status %02Xh", s)
	}
	h2.selectDev(1, false, 0)
	identify(t, h2, 1)

	// Empty channel (the secondary here).
	sec := &host{t: t, io: h.io, base: SecondaryBase, ctrl: SecondaryControl}
	for _, unit := range []uint8{0xA0, 0xB0} {
		sec.setReg(regDevice, unit)
		if s := sec.status(); s != 0 {
			t.Errorf("empty channel status %02Xh", s)
		}
		sec.setReg(regSectorCount, 0x55)
		if v := sec.reg(regSectorCount); v == 0x55 {
			t.Errorf("empty channel echoes registers")
		}
	}
	if v := h.io.In8(0x1E8); v != 0xFF {
		t.Errorf("undecoded port reads %02Xh", v)
	}
}

// The secondary channel on its own ports and IRQ 15.
func TestSecondaryChannel(t *testing.T) {
	irq14, irq15 := &countIRQ{}, &countIRQ{}
	c := NewController(irq14, irq15)
	m := newMemDrive(500)
	copy(m.data, pattern(0, 500, 4))
	if err := c.Attach(1, 1, m); err != nil {
		t.Fatal(err)
	}
	if err := c.Attach(2, 0, m); err == nil {
		t.Errorf("Attach to channel 2 accepted")
	}
	h := &host{t: t, io: c, base: SecondaryBase, ctrl: SecondaryControl, irq: irq15, bulk: true}
	h.setLBA28(1, 100, 10)
	got, s := h.pioIn(cmdReadSectors, 10, 1)
	h.expectOK(s, "secondary read")
	equalSectors(t, got, m.data[100*SectorSize:110*SectorSize], "secondary read")
	if irq15.raises != 10 || irq14.raises != 0 {
		t.Errorf("IRQ 14: %d, IRQ 15: %d; want 0 and 10", irq14.raises, irq15.raises)
	}
	if len(c.Ports()) != 20 {
		t.Errorf("Ports: %d", len(c.Ports()))
	}
}

// HOB selects the previously written bytes; any register write clears it.
func TestHOB(t *testing.T) {
	h := newHost(t, newMemDrive(100), nil)
	h.setLBA48(0, 0x0605040302_01, 0x0A0B)
	h.control(dcHOB)
	if got := [4]uint8{h.reg(regSectorCount), h.reg(regLBALow), h.reg(regLBAMid), h.reg(regLBAHigh)}; got != [4]uint8{0x0A, 0x04, 0x05, 0x06} {
		t.Errorf("HOB reads %02X", got)
	}
	h.setReg(regFeatures(), 0)
	if v := h.reg(regSectorCount); v != 0x0B {
		t.Errorf("HOB not cleared by a register write: count reads %02Xh", v)
	}
	// 16-bit access to an 8-bit register pair is two byte accesses.
	h.io.Out16(h.base+regLBALow, 0x2211)
	if h.reg(regLBALow) != 0x11 || h.reg(regLBAMid) != 0x22 {
		t.Errorf("word write to 1F3h")
	}
	if v := h.io.In16(h.base + regLBALow); v != 0x2211 {
		t.Errorf("word read of 1F3h: %04Xh", v)
	}
	// The obsolete Drive Address register: head and device inverted.
	h.setReg(regDevice, 0xA5)
	if v := h.io.In8(h.ctrl + 1); v != 0x80|0x40|(^uint8(5)&0xF)<<2|0x02 {
		t.Errorf("drive address %02Xh", v)
	}
}

func regFeatures() uint16 { return regError }

// Flushing the controller in the middle of a write keeps the blocks taken
// so far and lets the command finish correctly.
func TestFlushDuringWrite(t *testing.T) {
	m := newMemDrive(100)
	h := newHost(t, m, nil)
	data := pattern(10, 4, 3)
	h.setLBA28(0, 10, 4)
	h.command(cmdWriteSectors)
	h.status()
	h.transferOut(data[:SectorSize])
	h.status()
	h.transferOut(data[SectorSize : SectorSize+100])
	if err := h.io.(*Controller).Flush(); err != nil {
		t.Fatal(err)
	}
	equalSectors(t, m.data[10*SectorSize:11*SectorSize], data[:SectorSize], "block written by Flush")
	h.transferOut(data[SectorSize+100 : 2*SectorSize])
	for i := 2; i < 4; i++ {
		h.status()
		h.transferOut(data[i*SectorSize : (i+1)*SectorSize])
	}
	h.expectOK(h.status(), "write after Flush")
	equalSectors(t, m.data[10*SectorSize:14*SectorSize], data, "whole write across a Flush")
}
