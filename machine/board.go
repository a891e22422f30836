package machine

import (
	"fmt"
	"time"

	"pcemu/bios"
	"pcemu/cpu"
	"pcemu/disk"
	"pcemu/ide"
	"pcemu/machine/video"
)

// The board: New builds the PC/AT from its parts and wires them together
// (ports, IRQ lines, the clock, the disks, the BIOS). The parts themselves
// live in their own files; the interfaces they are wired through are in
// device.go.

// New builds and powers on a machine. Images are opened here, so an error
// from a bad image arrives before anything runs.
func New(cfg Config) (m *Machine, err error) {
	return build(cfg, [4]*disk.Disk{}, [2]*disk.Disk{}, nil, nil)
}

// build is New with some disks already open (Restore): hd and fd take the
// place of cfg's names there, and are closed with the machine. ram and
// high, when not nil, are the memory, of the sizes cfg asks.
func build(cfg Config, hd [4]*disk.Disk, fd [2]*disk.Disk, ram, high []byte) (m *Machine, err error) {
	if cfg.MemorySize == 0 {
		cfg.MemorySize = ConventionalLimit
	}
	if cfg.BootOrder == "" {
		cfg.BootOrder = "ca"
	}
	if cfg.Model < cpu.Model8086 || cfg.Model > cpu.Model80286 {
		return nil, fmt.Errorf("machine: unknown CPU model %d", cfg.Model)
	}
	switch {
	case cfg.Mouse < MousePS2 || cfg.Mouse > MouseNone:
		return nil, fmt.Errorf("machine: unknown mouse type %d", cfg.Mouse)
	case cfg.Mouse == MouseSerial && cfg.Serial != nil:
		return nil, fmt.Errorf("machine: COM1 cannot carry both the serial mouse and the serial output")
	}
	conv, ext, err := MemorySizes(cfg.MemorySize, cfg.Model == cpu.Model80286)
	if err != nil {
		return nil, err
	}
	if ram == nil {
		ram = make([]byte, conv)
	}
	if ext > 0 && high == nil {
		high = make([]byte, ext)
	}
	if len(ram) != conv || len(high) != ext {
		return nil, fmt.Errorf("machine: memory of %d+%d bytes for %d+%d", len(ram), len(high), conv, ext)
	}
	m = &Machine{
		cfg:      cfg,
		Mem:      &Memory{RAM: ram, High: high},
		Ports:    NewPortBus(),
		post:     &POSTPort{},
		debugCon: &DebugCon{Sink: cfg.DebugCon},
		hd:       hd,
		fd:       fd,
		done:     make(chan struct{}),
	}
	for _, d := range append(hd[:], fd[:]...) {
		if d != nil {
			m.closers = append(m.closers, d)
		}
	}
	built := m
	defer func() {
		if err != nil {
			built.Close() // images opened before the failure
		}
	}()
	m.CPU = cpu.New(cfg.Model, m.Mem.RAM, bus{m.Mem, m.Ports, m.requestReset})
	m.Clock = NewVirtualClock(&m.CPU.Instructions, cfg.NsPerInstruction, cfg.RealTime)

	if err := m.mapPorts(); err != nil {
		return nil, err
	}
	if err := m.attachChipset(); err != nil {
		return nil, err
	}
	if err := m.attachDisks(); err != nil {
		return nil, err
	}

	floppies, floppySizes, err := m.attachFloppies()
	if err != nil {
		return nil, err
	}
	m.setupCMOS(floppySizes)

	b, err := bios.New(bios.Config{
		Model:     cfg.Model,
		PS2Mouse:  cfg.Mouse == MousePS2,
		MemoryKB:  cfg.MemorySize >> 10,
		RAM:       m.Mem.RAM,
		Floppies:  floppies,
		BootOrder: cfg.BootOrder,
		PowerOff:  func() { m.halt(PowerOff, 0) },
		Reset:     m.requestReset,
		NoBoot:    m.noBoot,
		Now:       m.Clock.Now,
		// The BIOS ROM carries the adapter's fonts for INT 1Fh/43h and
		// AX=1130h, and draws text in graphics modes with them.
		Font8x8:  video.Font8x8(),
		Font8x14: video.Font8x14(),
		Font8x16: video.Font8x16(),
	}, bios.FromCPU(m.CPU), bus{m.Mem, m.Ports, m.requestReset})
	if err != nil {
		return nil, err
	}
	m.BIOS = b
	if err := m.Mem.LoadROM(b.ROM()); err != nil {
		return nil, err
	}
	if err := m.Ports.Map("BIOS service", b.ServicePort(), b.ServicePort(), b); err != nil {
		return nil, err
	}
	return m, nil
}

// bus is the CPU's view of everything outside its RAM slice.
type bus struct {
	*Memory
	*PortBus
	reset func() // the reset line, pulled by the 286's shutdown cycle
}

// Shutdown is the 80286's shutdown bus cycle (a HALT cycle at address 0
// after an exception it could not deliver, such as a triple fault). The
// AT decodes it and resets the CPU (IBM AT Technical Reference, system
// board), so the machine reboots, or ends the run under -no-reboot.
func (b bus) Shutdown() { b.reset() }

// mapPorts wires the diagnostic ports.
func (m *Machine) mapPorts() error {
	for _, d := range []struct {
		name string
		port uint16
		dev  PortDevice
	}{
		{"POST code", PortPOST, m.post},
		{"debug console", PortDebugCon, m.debugCon},
		{"exit port", PortExit, &DebugExit{OnExit: func(s int) { m.halt(ExitPort, s) }}},
	} {
		if err := m.Ports.Map(d.name, d.port, d.port, d.dev); err != nil {
			return err
		}
	}
	return nil
}

// IRQ assignments of the PC/AT (IBM 5170 Technical Reference, "System
// Interrupts").
const (
	IRQTimer     = 0
	IRQKeyboard  = 1
	IRQCascade   = 2
	IRQRTC       = 8
	IRQMouse     = 12 // PS/2 mouse (8042 auxiliary port)
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
	if m.cfg.Mouse == MousePS2 {
		m.PS2Mouse = NewPS2Mouse()
	}
	m.KBC = NewKBC(KBCConfig{
		Clock: m.Clock,
		IRQ1:  m.PIC.Line(IRQKeyboard),
		IRQ12: m.PIC.Line(IRQMouse),
		Aux:   m.PS2Mouse,
		A20:   m.SysCtl.SetKBCA20,
		Reset: m.requestReset,
	})
	start := DeterministicEpoch
	if m.cfg.RealTime {
		start = time.Now()
	}
	if !m.cfg.RTCStart.IsZero() {
		start = m.cfg.RTCStart
	}
	m.rtcStart = start
	m.CMOS = NewCMOS(m.Clock, start, m.PIC.Line(IRQRTC))
	m.UART = NewUART(m.Clock, m.PIC.Line(IRQCOM1), m.cfg.Serial)
	if m.cfg.Mouse == MouseSerial {
		m.SerialMouse = NewSerialMouse(m.UART)
		m.timed = append(m.timed, m.SerialMouse)
	}
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
	m.Speaker = NewSpeaker(m.Clock, m.PIT)
	m.SysCtl.SetSpeaker(m.Speaker)
	if m.cfg.AudioOut != nil {
		rate := m.cfg.AudioRate
		if rate == 0 {
			rate = DefaultAudioRate
		}
		w, err := newWAVWriter(m.cfg.AudioOut, rate)
		if err != nil {
			return fmt.Errorf("audio output: %w", err)
		}
		m.Speaker.AddOutput(rate, w.write, 0)
		m.closers = append(m.closers, closerFunc(func() error {
			m.Speaker.Close()
			return w.close()
		}))
	}
	m.timed = append(m.timed, m.PIT, m.KBC, m.CMOS, m.UART, m.Speaker)
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
		if m.hd[i] != nil {
			d = m.hd[i]
		}
		if d == nil && m.cfg.HardDisks[i] != "" {
			hd, err := m.openHardDisk(m.cfg.HardDisks[i])
			if err != nil {
				return err
			}
			m.closers = append(m.closers, hd)
			m.hd[i] = hd
			d = hd
		}
		if d == nil {
			continue
		}
		d = &countingDrive{Drive: d, read: &m.sectorsRead, written: &m.sectorsWritten, writes: &m.writes, unit: uint8(i)}
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

// attachFloppies opens the diskette images for the BIOS, which serves
// them itself (there is no floppy controller), and returns their sizes for
// the CMOS drive types.
func (m *Machine) attachFloppies() (imgs [2]bios.FloppyImage, sizes [2]int64, err error) {
	for i, name := range m.cfg.Floppies {
		img := m.fd[i]
		if img == nil && name != "" {
			var err error
			if img, err = m.openFloppy(name); err != nil {
				return imgs, sizes, err
			}
			m.closers = append(m.closers, img)
			m.fd[i] = img
		}
		if img == nil {
			continue
		}
		imgs[i] = &countingFloppy{FloppyImage: img, writes: &m.writes, unit: uint8(4 + i)}
		sizes[i] = img.Size()
	}
	return imgs, sizes, nil
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }
