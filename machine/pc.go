package machine

import (
	"bytes"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"time"

	"pcemu/bios"
	"pcemu/ide"
	"pcemu/machine/video"
)

// IRQ assignments of the PC/AT (IBM 5170 Technical Reference, "System
// Interrupts").
const (
	IRQTimer     = 0
	IRQKeyboard  = 1
	IRQCascade   = 2
	IRQRTC       = 8
	IRQPrimary   = 14 // primary IDE channel
	IRQSecondary = 15 // secondary IDE channel
)

// attachChipset creates the interrupt controller, the timer and the video
// adapter and maps their ports.
func (m *Machine) attachChipset() error {
	m.PIC = NewPIC(m.CPU.SetINTR)
	m.CPU.SetInterruptController(m.PIC)
	m.PIT = NewPIT(m.Clock, m.PIC.Line(IRQTimer))
	m.Video = video.New(m.Clock)
	m.Mem.Video = m.Video
	// The A20 gate is the OR of port 92h bit 1 and the 8042's output
	// port bit 1; both can pulse the CPU's reset line.
	m.SysCtl = NewSystemControl(m.Clock, m.PIT, m.CPU.SetA20, m.requestReset)
	m.KBC = NewKBC(KBCConfig{
		Clock: m.Clock,
		IRQ1:  m.PIC.Line(IRQKeyboard),
		A20:   m.SysCtl.SetKBCA20,
		Reset: m.requestReset,
	})
	start := DeterministicEpoch
	if m.cfg.RealTime {
		start = time.Now()
	}
	m.CMOS = NewCMOS(m.Clock, start, m.PIC.Line(IRQRTC))
	m.UART = NewUART(m.Clock, m.PIC.Line(IRQCOM1), m.cfg.Serial)
	vfirst, vlast := video.Ports()
	for _, d := range []struct {
		name        string
		first, last uint16
		dev         PortDevice
	}{
		{"PIC master", 0x20, 0x21, m.PIC},
		{"PIC slave", 0xA0, 0xA1, m.PIC},
		{"PIT", 0x40, 0x43, m.PIT},
		{"8042 data", 0x60, 0x60, m.KBC},
		{"system control B", PortSysCtlB, PortSysCtlB, m.SysCtl},
		{"8042 command", 0x64, 0x64, m.KBC},
		{"system control A", PortSysCtlA, PortSysCtlA, m.SysCtl},
		{"CMOS/RTC", 0x70, 0x71, m.CMOS},
		{"COM1", PortCOM1, PortCOM1 + 7, m.UART},
		{"video", vfirst, vlast, m.Video},
	} {
		if err := m.Ports.Map(d.name, d.first, d.last, d.dev); err != nil {
			return err
		}
	}
	m.timed = append(m.timed, m.PIT, m.KBC, m.CMOS, m.UART)
	return nil
}

// DeterministicEpoch is the date and time the RTC shows at power-on in
// deterministic mode, so that a run does not depend on when it happens.
var DeterministicEpoch = time.Date(2025, time.January, 1, 12, 0, 0, 0, time.UTC)

// setupCMOS fills the configuration bytes a setup program would have
// stored: memory sizes, floppy drive types, hard disk geometry, equipment.
func (m *Machine) setupCMOS(floppySizes [2]int64) {
	conv := len(m.Mem.RAM) >> 10
	m.CMOS.SetMemory(conv, len(m.Mem.High)>>10)
	types := [2]uint8{}
	n := 0
	for i, size := range floppySizes {
		if size == 0 {
			continue
		}
		types[i] = bios.FloppyDriveType(size)
		n++
	}
	m.CMOS.SetFloppyTypes(types[0], types[1])
	equip := uint8(0) // primary display EGA/VGA (00), no coprocessor
	if n > 0 {
		equip |= 0x01 | uint8(n-1)<<6
	}
	m.CMOS.SetEquipment(equip)
	for i := range 2 {
		if d := m.IDE.Primary.Drive(i); d != nil {
			g := d.Geometry()
			m.CMOS.SetHardDiskParams(i, min(g.Cylinders, 1024), g.Heads, g.SectorsPerTrack)
		}
	}
}

// attachDisks opens the hard disk images and puts them on the IDE channels:
// hda primary master, hdb primary slave, hdc secondary master, hdd
// secondary slave (QEMU's order).
func (m *Machine) attachDisks() error {
	if err := m.cfg.sameImageTwice(); err != nil {
		return err
	}
	m.IDE = ide.NewController(m.PIC.Line(IRQPrimary), m.PIC.Line(IRQSecondary))
	for i := range 4 {
		d := m.cfg.Drives[i]
		if d == nil && m.cfg.HardDisks[i] != "" {
			hd, err := openHardDisk(m.cfg.HardDisks[i], m.cfg.Snapshot)
			if err != nil {
				return err
			}
			m.closers = append(m.closers, closerFunc(hd.close))
			if hd.warn != "" && m.cfg.Log != nil {
				fmt.Fprintf(m.cfg.Log, "pcemu: warning: %s\n", hd.warn)
			}
			d = hd.drive
		}
		if d == nil {
			continue
		}
		d = &countingDrive{Drive: d, read: &m.sectorsRead, written: &m.sectorsWritten}
		if err := m.IDE.Attach(i/2, i%2, d); err != nil {
			return err
		}
	}
	// Unfinished writes and the drives' caches are flushed before the
	// images close (closers run last to first).
	m.closers = append(m.closers, closerFunc(m.IDE.Flush))
	for _, ch := range []*ide.Channel{m.IDE.Primary, m.IDE.Secondary} {
		base, ctrl := uint16(ide.PrimaryBase), uint16(ide.PrimaryControl)
		name := "IDE primary"
		if ch == m.IDE.Secondary {
			base, ctrl, name = ide.SecondaryBase, ide.SecondaryControl, "IDE secondary"
		}
		if err := m.Ports.Map(name, base, base+7, ch); err != nil {
			return err
		}
		if err := m.Ports.Map(name+" control", ctrl, ctrl+1, ch); err != nil {
			return err
		}
	}
	return nil
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

// countingDrive counts the sectors the controller moves, for Stats.
type countingDrive struct {
	ide.Drive
	read, written *uint64
}

func (d *countingDrive) ReadAt(p []byte, off int64) (int, error) {
	n, err := d.Drive.ReadAt(p, off)
	*d.read += uint64(n / ide.SectorSize)
	return n, err
}

func (d *countingDrive) WriteAt(p []byte, off int64) (int, error) {
	n, err := d.Drive.WriteAt(p, off)
	*d.written += uint64(n / ide.SectorSize)
	return n, err
}

// videoDisplay is the video adapter as INT 10h sees it.
type videoDisplay struct{ a *video.Adapter }

func (d videoDisplay) SetMode(mode uint8) bool { return d.a.SetMode(int(mode)) == nil }

// ScreenText returns the screen as text: one line per text row, CP437
// decoded to Unicode.
func (m *Machine) ScreenText() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.Video.Text().String()
}

// VideoSnapshot returns a copy of the video adapter (its memory and
// registers) taken between two run slices. A display goroutine renders the
// copy at its own pace without holding up the CPU or racing with it.
func (m *Machine) VideoSnapshot() *video.Adapter {
	m.mu.Lock()
	defer m.mu.Unlock()
	snap := *m.Video
	snap.SetClock(nil)
	return &snap
}

// VideoChanges is the adapter's change counter: a display compares it with
// the last frame's to skip redrawing an unchanged screen.
func (m *Machine) VideoChanges() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.Video.Changes()
}

// Screenshot renders the screen as the display shows it (cursor visible).
func (m *Machine) Screenshot() *image.RGBA {
	return m.VideoSnapshot().Render(nil, 0)
}

// Screendump writes the screen to path: as text when it ends in .txt, as a
// PNG image when it ends in .png.
func (m *Machine) Screendump(path string) error {
	var data []byte
	switch strings.ToLower(filepath.Ext(path)) {
	case ".txt":
		data = []byte(m.ScreenText() + "\n")
	case ".png":
		var buf bytes.Buffer
		if err := m.VideoSnapshot().WritePNG(&buf, 0); err != nil {
			return fmt.Errorf("screendump %s: %w", path, err)
		}
		data = buf.Bytes()
	default:
		return fmt.Errorf("screendump %s: the name must end in .txt or .png", path)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("screendump: %w", err)
	}
	return nil
}

// PowerOff turns the machine off as the power button would; Run returns
// PowerOff.
func (m *Machine) PowerOff() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.halt(PowerOff, 0)
}
