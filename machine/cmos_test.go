package machine

import (
	"math"
	"testing"
	"time"
)

var _ PortDevice = (*CMOS)(nil)

func cmosRead(c *CMOS, i uint8) uint8 {
	c.Out8(PortCMOSIndex, i)
	return c.In8(PortCMOSData)
}

func cmosWrite(c *CMOS, i, v uint8) {
	c.Out8(PortCMOSIndex, i)
	c.Out8(PortCMOSData, v)
}

var friday = time.Date(2024, 3, 15, 13, 45, 30, 0, time.UTC)

// biosReadTime reads the clock as INT 1Ah AH=02h/04h do: wait for UIP
// clear, then read the registers (each port access takes virtual time).
func biosReadTime(clk *fakeClock, c *CMOS) [8]uint8 {
	for cmosRead(c, CMOSRegA)&rtcAUIP != 0 {
		clk.ns += 2000
	}
	var r [8]uint8
	for i, reg := range []uint8{CMOSSeconds, CMOSMinutes, CMOSHours, CMOSDayOfWeek, CMOSDayOfMonth, CMOSMonth, CMOSYear, CMOSCentury} {
		r[i] = cmosRead(c, reg)
		clk.ns += 1000
	}
	return r
}

func TestCMOSTimeBCD(t *testing.T) {
	clk := &fakeClock{}
	c := NewCMOS(clk, friday, nil)
	want := [8]uint8{0x30, 0x45, 0x13, 0x06, 0x15, 0x03, 0x24, 0x20}
	if got := biosReadTime(clk, c); got != want {
		t.Fatalf("time % x, want % x", got, want)
	}
	if cmosRead(c, CMOSRegA) != 0x26 || cmosRead(c, CMOSRegB) != 0x02 || cmosRead(c, CMOSRegD) != 0x80 {
		t.Fatal("power-on status registers")
	}
	clk.ns = 61*rtcSecond + 5e6
	want = [8]uint8{0x31, 0x46, 0x13, 0x06, 0x15, 0x03, 0x24, 0x20}
	if got := biosReadTime(clk, c); got != want {
		t.Fatalf("time after 61 s % x, want % x", got, want)
	}
	if !c.Time().Equal(friday.Add(61 * time.Second)) {
		t.Fatalf("Time() = %v", c.Time())
	}
}

func TestCMOSUpdateInProgress(t *testing.T) {
	clk := &fakeClock{}
	c := NewCMOS(clk, friday, nil)
	clk.ns = rtcSecond - rtcUIPLead - rtcUpdateLen - 1
	if cmosRead(c, CMOSRegA)&rtcAUIP != 0 {
		t.Fatal("UIP early")
	}
	clk.ns++
	if cmosRead(c, CMOSRegA)&rtcAUIP == 0 {
		t.Fatal("UIP not set 2228 us before the update completes")
	}
	clk.ns = rtcSecond - 1
	if cmosRead(c, CMOSRegA)&rtcAUIP == 0 || cmosRead(c, CMOSSeconds) != 0x30 {
		t.Fatal("registers changed before the update completed")
	}
	clk.ns = rtcSecond
	if cmosRead(c, CMOSRegA)&rtcAUIP != 0 || cmosRead(c, CMOSSeconds) != 0x31 {
		t.Fatal("update not complete at the second")
	}
	// A BIOS read that starts inside the window waits it out.
	clk.ns = 2*rtcSecond - 1_000_000
	if got := biosReadTime(clk, c); got[0] != 0x32 || clk.ns < 2*rtcSecond {
		t.Fatalf("read during UIP gave seconds %02x at %d", got[0], clk.ns)
	}
}

func TestCMOSRollover(t *testing.T) {
	clk := &fakeClock{}
	c := NewCMOS(clk, time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC), nil) // a Friday
	clk.ns = rtcSecond
	want := [8]uint8{0x00, 0x00, 0x00, 0x07, 0x01, 0x01, 0x00, 0x20}
	if got := biosReadTime(clk, c); got != want {
		t.Fatalf("after rollover % x, want % x", got, want)
	}
	// A week and a day later (one long catch-up), Sunday.
	clk.ns = 8*86400*rtcSecond + rtcSecond + 1
	if got := biosReadTime(clk, c); got[3] != 0x01 || got[4] != 0x09 {
		t.Fatalf("after 8 days dow %02x day %02x", got[3], got[4])
	}
}

func TestCMOSBinaryAnd12Hour(t *testing.T) {
	clk := &fakeClock{}
	c := NewCMOS(clk, friday, nil)
	cmosWrite(c, CMOSRegB, rtcBDM) // binary, 12-hour
	if h := cmosRead(c, CMOSHours); h != 0x81 {
		t.Fatalf("13h in binary 12-hour mode = %02x, want 81", h)
	}
	if m := cmosRead(c, CMOSMinutes); m != 45 {
		t.Fatalf("minutes %d", m)
	}
	cmosWrite(c, CMOSHours, 12) // 12 AM is midnight
	cmosWrite(c, CMOSRegB, rtcBDM|rtcB24)
	if h := cmosRead(c, CMOSHours); h != 0 {
		t.Fatalf("12 AM in 24-hour mode = %d", h)
	}
	cmosWrite(c, CMOSRegB, 0) // BCD 12-hour
	cmosWrite(c, CMOSHours, 0x92)
	cmosWrite(c, CMOSRegB, rtcB24)
	if h := cmosRead(c, CMOSHours); h != 0x12 {
		t.Fatalf("12 PM in 24-hour BCD = %02x", h)
	}
}

func TestCMOSSetTime(t *testing.T) {
	clk := &fakeClock{}
	c := NewCMOS(clk, friday, nil)
	clk.ns = 500e6
	// INT 1Ah AH=03h/05h: SET, write, clear SET.
	cmosWrite(c, CMOSRegB, rtcBSET|rtcB24|rtcBUIE)
	if cmosRead(c, CMOSRegB)&rtcBUIE != 0 {
		t.Fatal("SET did not clear UIE")
	}
	// Day before month: no normalisation while setting (Feb 10 -> Mar 31).
	for _, w := range [][2]uint8{{CMOSDayOfMonth, 0x31}, {CMOSMonth, 0x03}, {CMOSYear, 0x25}, {CMOSHours, 0x08}, {CMOSMinutes, 0x00}, {CMOSSeconds, 0x00}} {
		cmosWrite(c, w[0], w[1])
	}
	clk.ns = 5 * rtcSecond // frozen while SET
	if cmosRead(c, CMOSSeconds) != 0 || cmosRead(c, CMOSRegA)&rtcAUIP != 0 {
		t.Fatal("clock ran while SET")
	}
	cmosWrite(c, CMOSRegB, rtcB24)
	clk.ns = 6 * rtcSecond
	want := [8]uint8{0x01, 0x00, 0x08, 0x06, 0x31, 0x03, 0x25, 0x20}
	if got := biosReadTime(clk, c); got != want {
		t.Fatalf("after set % x, want % x", got, want)
	}
}

func TestCMOSPeriodicInterrupt(t *testing.T) {
	clk := &fakeClock{}
	irq := &testLine{}
	c := NewCMOS(clk, friday, irq)
	if c.NextEvent() != math.MaxInt64 {
		t.Fatal("event with interrupts off")
	}
	cmosWrite(c, CMOSRegB, rtcB24|rtcBPIE) // 1024 Hz from register A 26h
	// An IRQ 8 handler reads register C each time.
	n := 0
	for {
		next := c.NextEvent()
		if next > 100e6 {
			break
		}
		clk.ns = next
		c.AdvanceTo(next)
		if irq.level {
			n++
			if v := cmosRead(c, CMOSRegC); v&(rtcCIRQF|rtcCPF) != rtcCIRQF|rtcCPF {
				t.Fatalf("register C = %02x", v)
			}
			if irq.level {
				t.Fatal("IRQ 8 not released by reading C")
			}
		}
	}
	if n != 102 { // 100 ms * 1024 Hz
		t.Fatalf("%d periodic interrupts in 100 ms, want 102", n)
	}
	// Without reading C, one interrupt and then silence.
	c.AdvanceTo(clk.ns + 10e6)
	if !irq.level || c.NextEvent() != math.MaxInt64 {
		t.Fatal("IRQ 8 not held until C is read")
	}
	// Rate 15: 2 Hz.
	cmosRead(c, CMOSRegC)
	cmosWrite(c, CMOSRegA, 0x2F)
	if d := c.NextEvent() - clk.ns; d <= 0 || d > 500e6 {
		t.Fatalf("next 2 Hz tick in %d ns", d)
	}
}

func TestCMOSAlarmAndUpdateInterrupts(t *testing.T) {
	clk := &fakeClock{}
	irq := &testLine{}
	c := NewCMOS(clk, friday, irq)
	cmosWrite(c, CMOSAlarmSeconds, 0x35)
	cmosWrite(c, CMOSAlarmMinutes, 0x45)
	cmosWrite(c, CMOSAlarmHours, 0xC0) // any hour
	cmosWrite(c, CMOSRegB, rtcB24|rtcBAIE)
	fired := int64(-1)
	for clk.ns < 10*rtcSecond {
		clk.ns = c.NextEvent()
		c.AdvanceTo(clk.ns)
		if irq.level {
			fired = clk.ns
			break
		}
	}
	if fired != 5*rtcSecond {
		t.Fatalf("alarm at %d, want %d", fired, 5*rtcSecond)
	}
	// PF is set too: the periodic flag runs whether or not PIE is set.
	if v := cmosRead(c, CMOSRegC); v != rtcCIRQF|rtcCPF|rtcCAF|rtcCUF {
		t.Fatalf("register C = %02x, want F0", v)
	}
	// Update-ended interrupt every second.
	cmosWrite(c, CMOSRegB, rtcB24|rtcBUIE)
	rises := irq.rises
	for i := 0; i < 3; i++ {
		clk.ns = c.NextEvent()
		c.AdvanceTo(clk.ns)
		if v := cmosRead(c, CMOSRegC); v&rtcCUF == 0 {
			t.Fatalf("register C = %02x", v)
		}
	}
	if irq.rises != rises+3 || clk.ns != 8*rtcSecond {
		t.Fatalf("%d update interrupts, now %d", irq.rises-rises, clk.ns)
	}
	// An alarm that was passed while the machine jumped ahead is flagged.
	cmosWrite(c, CMOSRegB, rtcB24)
	cmosWrite(c, CMOSAlarmHours, 0x14)
	cmosWrite(c, CMOSAlarmMinutes, 0x00)
	cmosWrite(c, CMOSAlarmSeconds, 0x00)
	clk.ns += 3600 * rtcSecond
	if v := cmosRead(c, CMOSRegC); v&rtcCAF == 0 || v&rtcCIRQF != 0 {
		t.Fatalf("register C = %02x, want AF without IRQF", v)
	}
}

func TestCMOSDividerReset(t *testing.T) {
	clk := &fakeClock{}
	c := NewCMOS(clk, friday, nil)
	clk.ns = 300e6
	cmosWrite(c, CMOSRegA, 0x76) // divider in reset
	clk.ns = 10 * rtcSecond
	if cmosRead(c, CMOSSeconds) != 0x30 {
		t.Fatal("clock ran in divider reset")
	}
	cmosWrite(c, CMOSRegA, 0x26)
	clk.ns += rtcSecond/2 - 1
	if cmosRead(c, CMOSSeconds) != 0x30 {
		t.Fatal("update before 500 ms")
	}
	clk.ns++
	if cmosRead(c, CMOSSeconds) != 0x31 {
		t.Fatal("no update 500 ms after leaving divider reset")
	}
}

func TestCMOSRAMAndSetters(t *testing.T) {
	clk := &fakeClock{}
	c := NewCMOS(clk, friday, nil)
	c.SetFloppyTypes(4, 1)
	c.SetHardDiskType(0, 2)
	c.SetHardDiskParams(1, 1024, 16, 63)
	c.SetEquipment(0x41)
	c.SetMemory(640, 15360)
	checks := map[uint8]uint8{
		CMOSFloppyTypes: 0x41, CMOSDiskTypes: 0x2F, CMOSDisk0Type: 0, CMOSDisk1Type: 47,
		CMOSDisk1Params: 0x00, CMOSDisk1Params + 1: 0x04, CMOSDisk1Params + 2: 16, CMOSDisk1Params + 5: 0x08,
		CMOSDisk1Params + 8: 63, CMOSEquipment: 0x41,
		CMOSBaseMemLo: 0x80, CMOSBaseMemHi: 0x02, CMOSExtMemLo: 0x00, CMOSExtMemHi: 0x3C,
		CMOSPostExtMemLo: 0x00, CMOSPostExtMemHi: 0x3C,
	}
	for reg, want := range checks {
		if got := cmosRead(c, reg); got != want {
			t.Errorf("CMOS %02xh = %02x, want %02x", reg, got, want)
		}
	}
	var sum int
	for i := uint8(0x10); i <= 0x2D; i++ {
		sum += int(cmosRead(c, i))
	}
	if got := int(cmosRead(c, CMOSChecksumHi))<<8 | int(cmosRead(c, CMOSChecksumLo)); got != sum {
		t.Fatalf("checksum %04x, want %04x", got, sum)
	}
	// Plain RAM, the shutdown byte, read-only C and D.
	cmosWrite(c, CMOSShutdown, 0x0A)
	cmosWrite(c, 0x7F, 0x5A)
	cmosWrite(c, CMOSRegD, 0)
	if cmosRead(c, CMOSShutdown) != 0x0A || cmosRead(c, 0x7F) != 0x5A || cmosRead(c, CMOSRegD) != 0x80 {
		t.Fatal("RAM or register D")
	}
	// Port 70h bit 7 masks NMI and is not part of the index.
	c.Out8(PortCMOSIndex, 0x80|CMOSShutdown)
	if c.NMIEnabled() || c.In8(PortCMOSData) != 0x0A {
		t.Fatal("NMI mask bit")
	}
	c.Out8(PortCMOSIndex, CMOSShutdown)
	if !c.NMIEnabled() {
		t.Fatal("NMI not re-enabled")
	}
}

// TestCMOSRandomGuest writes arbitrary values to every register: no panic,
// and NextEvent stays in the future after AdvanceTo.
func TestCMOSRandomGuest(t *testing.T) {
	clk := &fakeClock{}
	irq := &testLine{}
	c := NewCMOS(clk, friday, irq)
	rng := uint32(3)
	next := func() uint32 { rng = rng*1664525 + 1013904223; return rng >> 8 }
	for i := 0; i < 100000; i++ {
		clk.ns += int64(next() % 50_000_000)
		switch next() % 4 {
		case 0:
			cmosWrite(c, uint8(next()%0x40), uint8(next()))
		case 1:
			cmosRead(c, uint8(next()%0x80))
		case 2:
			cmosRead(c, CMOSRegC)
		default:
			c.AdvanceTo(clk.ns)
			if ne := c.NextEvent(); ne <= clk.ns {
				t.Fatalf("step %d: NextEvent %d not after now %d", i, ne, clk.ns)
			}
		}
	}
}
