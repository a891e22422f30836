package machine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
	"time"

	"pcemu/bios"
	"pcemu/cpu"
	"pcemu/ide"
	"pcemu/machine/video"
)

// Config describes the PC to build.
type Config struct {
	Model      cpu.Model // processor (default Model8086 is the zero value; pcemu uses the 286)
	MemorySize int       // total RAM in bytes; 0 means 640 KiB

	// Disks: the images are opened by New, before the machine starts, so
	// that a missing, locked or corrupt image stops it with the image
	// format's error. A drive given in Drives takes the place of the path.
	HardDisks [4]string    // hda..hdd (primary master, primary slave, secondary master, secondary slave)
	Drives    [4]ide.Drive // already open drives (in-memory disks); not closed by the machine
	Floppies  [2]string    // fda, fdb: raw diskette images
	Snapshot  bool         // writes go to temporary children; images are never changed
	BootOrder string       // "c", "a", "ca", ... (QEMU -boot); "" means hard disk, then floppy

	// RealTime paces virtual time to the host clock (interactive use);
	// otherwise the machine is deterministic: virtual time advances
	// NsPerInstruction per executed instruction and the RTC starts at
	// DeterministicEpoch.
	RealTime         bool
	NsPerInstruction int64 // 0: DefaultNsPerInstruction

	DebugCon io.Writer // port E9h output also goes here (nil: only kept for DebugOutput)
	Serial   io.Writer // COM1 transmit output (nil: discarded)
	Log      io.Writer // messages meant for the user (INT 18h "no boot device", read-only images); nil: discarded

	NoReboot bool // a guest reset ends the run instead of rebooting

	// WaitOnNoBoot keeps the machine running, showing the BIOS's message,
	// when nothing could be booted (as a PC does, for a user at a display);
	// otherwise the run ends with NoBoot and exit status 1.
	WaitOnNoBoot bool
}

// StopReason says why the machine stopped running.
type StopReason int

const (
	Running  StopReason = iota
	ExitPort            // the guest wrote to port F4h
	PowerOff            // the guest turned the machine off (APM)
	Reset               // the guest reset the machine and NoReboot was set
	NoBoot              // the BIOS found nothing to boot (INT 18h)
	Failed              // an emulation error (see Err)
)

func (r StopReason) String() string {
	switch r {
	case Running:
		return "running"
	case ExitPort:
		return "exit port"
	case PowerOff:
		return "power off"
	case Reset:
		return "reset"
	case NoBoot:
		return "no boot device"
	case Failed:
		return "error"
	}
	return fmt.Sprintf("StopReason(%d)", int(r))
}

// Timed is a device with its own sense of time (the PIT, the 8042's
// keyboard link, the RTC, the UART's line): the run loop tells it the virtual time after each slice and
// asks when it next changes state, so that the CPU runs exactly up to the
// next event.
type Timed interface {
	AdvanceTo(now int64)
	NextEvent() int64 // virtual ns of the next state change, math.MaxInt64 for none
}

// Run-loop slice bounds, in virtual time. A slice ends at the next device
// event but never runs longer than maxSlice, so that keyboard input, the
// display and cancellation are seen promptly.
const maxSlice = int64(time.Millisecond)

// Machine is one PC. Its methods are safe to call from several goroutines:
// the run loop holds mu while the CPU executes a slice, and the accessors
// (ScreenText, TypeKeys, Stats, ...) take it between slices. The parts
// (CPU, Mem, PIC, ...) are exported for inspection; while the machine runs
// on another goroutine, touch them only inside Locked.
type Machine struct {
	cfg Config

	mu     sync.Mutex
	CPU    *cpu.CPU
	Mem    *Memory
	Ports  *PortBus
	Clock  *VirtualClock
	BIOS   *bios.BIOS
	PIC    *PIC
	PIT    *PIT
	KBC    *KBC
	SysCtl *SystemControl
	CMOS   *CMOS
	UART   *UART
	IDE    *ide.Controller
	Video  *video.Adapter

	sectorsRead, sectorsWritten uint64

	post     *POSTPort
	debugCon *DebugCon
	timed    []Timed
	keys     keyQueue

	closers []io.Closer // images, flushed and closed by Close

	stop      StopReason
	status    int
	err       error
	pendReset bool

	hostRun time.Duration // host time spent executing
}

// New builds and powers on a machine. Images are opened here, so an error
// from a bad image arrives before anything runs.
func New(cfg Config) (m *Machine, err error) {
	if cfg.MemorySize == 0 {
		cfg.MemorySize = ConventionalLimit
	}
	if cfg.BootOrder == "" {
		cfg.BootOrder = "ca"
	}
	if cfg.Model < cpu.Model8086 || cfg.Model > cpu.Model80286 {
		return nil, fmt.Errorf("machine: unknown CPU model %d", cfg.Model)
	}
	conv, ext, err := MemorySizes(cfg.MemorySize, cfg.Model == cpu.Model80286)
	if err != nil {
		return nil, err
	}
	m = &Machine{
		cfg:      cfg,
		Mem:      &Memory{RAM: make([]byte, conv)},
		Ports:    NewPortBus(),
		post:     &POSTPort{},
		debugCon: &DebugCon{Sink: cfg.DebugCon},
	}
	built := m
	defer func() {
		if err != nil {
			built.Close() // images opened before the failure
		}
	}()
	if ext > 0 {
		m.Mem.High = make([]byte, ext)
	}
	m.CPU = cpu.New(cfg.Model, m.Mem.RAM, bus{m.Mem, m.Ports})
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

	var floppies [2]bios.FloppyImage
	var floppySizes [2]int64
	for i, name := range cfg.Floppies {
		if name == "" {
			continue
		}
		img, err := openFloppy(name, cfg.Snapshot)
		if err != nil {
			return nil, err
		}
		m.closers = append(m.closers, img)
		floppies[i] = img
		floppySizes[i] = img.Size()
	}
	m.setupCMOS(floppySizes)

	b, err := bios.New(bios.Config{
		Model:     cfg.Model,
		MemoryKB:  cfg.MemorySize >> 10,
		RAM:       m.Mem.RAM,
		Floppies:  floppies,
		BootOrder: cfg.BootOrder,
		Display:   videoDisplay{m.Video},
		PowerOff:  func() { m.halt(PowerOff, 0) },
		Reset:     m.requestReset,
		NoBoot:    m.noBoot,
		Now:       m.Clock.Now,
		// The BIOS ROM carries the adapter's fonts for INT 1Fh/43h and
		// AX=1130h, and draws text in graphics modes with them.
		Font8x8:  video.Font8x8(),
		Font8x14: video.Font8x14(),
		Font8x16: video.Font8x16(),
	}, bios.FromCPU(m.CPU), bus{m.Mem, m.Ports})
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
}

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

// halt ends the run with a reason. It is called from device callbacks on
// the CPU's goroutine, in the middle of an instruction: the CPU finishes it
// and Run returns.
func (m *Machine) halt(r StopReason, status int) {
	if m.stop == Running {
		m.stop, m.status = r, status
	}
	m.CPU.Stop()
}

// requestReset is the reset line (keyboard controller pulse, port 92h,
// Ctrl-Alt-Del). The reboot happens between slices.
func (m *Machine) requestReset() {
	if m.cfg.NoReboot {
		m.halt(Reset, 0)
		return
	}
	m.pendReset = true
	m.CPU.Stop()
}

func (m *Machine) noBoot(msg string) {
	if m.cfg.Log != nil {
		fmt.Fprintln(m.cfg.Log, "pcemu: "+msg)
	}
	if !m.cfg.WaitOnNoBoot {
		m.halt(NoBoot, 1)
	}
}

// reboot resets the CPU, as the AT's reset line (from the 8042 or port
// 92h) does: memory and the chipset keep their state, and the BIOS's POST
// reinitialises what it needs (the 8042's system flag tells it that this
// is a warm start).
func (m *Machine) reboot() {
	m.pendReset = false
	m.CPU.Reset()
}

// RunFor runs the machine for d of virtual time, or until it stops, ctx is
// done, or an error occurs. It returns the stop reason (Running if the
// machine can go on).
func (m *Machine) RunFor(ctx context.Context, d time.Duration) (StopReason, error) {
	m.mu.Lock()
	until := m.Clock.Now() + int64(d)
	m.mu.Unlock()
	return m.runUntil(ctx, until)
}

// Run runs the machine until it stops or ctx is done (then it returns
// ctx.Err() with the reason Running).
func (m *Machine) Run(ctx context.Context) (StopReason, error) {
	return m.runUntil(ctx, math.MaxInt64)
}

func (m *Machine) runUntil(ctx context.Context, until int64) (StopReason, error) {
	for {
		if err := ctx.Err(); err != nil {
			return Running, err
		}
		m.mu.Lock()
		done := m.slice(until)
		reason, err := m.stop, m.err
		var ahead time.Duration
		if reason == Running {
			ahead = m.Clock.pace()
		}
		m.mu.Unlock()
		if reason != Running {
			return reason, err
		}
		if ahead > 0 {
			m.Clock.sleep(ahead) // outside mu: the display may take it meanwhile
		}
		if done {
			return Running, nil
		}
	}
}

// slice runs the CPU up to the next device event (at most maxSlice of
// virtual time, never past until), then brings the devices up to date. It
// reports whether until was reached. Called with mu held.
func (m *Machine) slice(until int64) bool {
	now := m.Clock.Now()
	if now >= until || m.stop != Running {
		return true // a stopped machine stays stopped
	}
	next := m.nextEvent(min(until, now+maxSlice))
	start := time.Now()
	_, err := m.CPU.Run(int(m.Clock.InstructionsUntil(next)))
	m.hostRun += time.Since(start)
	if err != nil && m.stop == Running {
		m.fail(err)
	}
	if m.CPU.Halted() {
		// HLT: nothing happens until the next interrupt, so virtual
		// time jumps to the next device event.
		m.Clock.Skip(next)
	}
	return m.catchUp() >= until
}

// fail stops the machine with an emulation error, at the CPU's CS:IP.
func (m *Machine) fail(err error) {
	m.stop, m.status, m.err = Failed, 1, fmt.Errorf("at %04X:%04X: %w", m.CPU.Segs[cpu.CS], m.CPU.IP, err)
}

// nextEvent is the earliest of limit and the devices' next events.
func (m *Machine) nextEvent(limit int64) int64 {
	for _, t := range m.timed {
		limit = min(limit, t.NextEvent())
	}
	return limit
}

// catchUp brings the keyboard feed and the devices up to the current
// virtual time after the CPU ran, and reboots if the guest asked to. It
// returns the time. Called with mu held.
func (m *Machine) catchUp() int64 {
	now := m.Clock.Now()
	m.feedKeys(now)
	for _, t := range m.timed {
		t.AdvanceTo(now)
	}
	if m.pendReset && m.stop == Running {
		m.reboot()
	}
	return now
}

// Step executes one instruction (or enters a pending interrupt, or, when
// the CPU is halted, lets virtual time pass to the next device event) and
// brings the devices up to date: a debugger's single step.
func (m *Machine) Step() (StopReason, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stop != Running {
		return m.stop, m.err
	}
	if err := m.CPU.Step(); err != nil {
		m.fail(err)
		return m.stop, m.err
	}
	if m.CPU.Halted() {
		m.Clock.Skip(m.nextEvent(m.Clock.Now() + maxSlice))
	}
	m.catchUp()
	return m.stop, m.err
}

// Locked calls f with the machine stopped between two run slices, so that f
// may read or change its parts (a debugger, a test) while another
// goroutine runs it.
func (m *Machine) Locked(f func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f()
}

// Stopped returns why the machine stopped (Running while it can go on).
func (m *Machine) Stopped() StopReason {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stop
}

// ExitStatus is the status a process running this machine should exit
// with: (v<<1)|1 after OUT F4h,v; 0 after power-off or a reset with
// NoReboot; 1 when nothing could boot or emulation failed.
func (m *Machine) ExitStatus() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.status
}

// Err returns the emulation error that stopped the machine, if any.
func (m *Machine) Err() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.err
}

// DebugOutput returns what the guest wrote to port E9h.
func (m *Machine) DebugOutput() string { return m.debugCon.Output() }

// POSTCode returns the last code written to port 80h and whether any was.
func (m *Machine) POSTCode() (uint8, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.post.Last()
}

// Stats are counters for the closing report of a run.
type Stats struct {
	Instructions   uint64        // executed by the CPU
	VirtualTime    time.Duration // since power-on
	HostTime       time.Duration // host time spent executing instructions
	SectorsRead    uint64        // by the IDE controller
	SectorsWritten uint64
}

// MIPS is the emulated speed: instructions per microsecond of host time.
func (s Stats) MIPS() float64 {
	if s.HostTime <= 0 {
		return 0
	}
	return float64(s.Instructions) / float64(s.HostTime.Microseconds()+1)
}

// Stats returns the counters so far.
func (m *Machine) Stats() Stats {
	m.mu.Lock()
	defer m.mu.Unlock()
	return Stats{
		Instructions:   m.CPU.Instructions,
		VirtualTime:    time.Duration(m.Clock.Now()),
		HostTime:       m.hostRun,
		SectorsRead:    m.sectorsRead,
		SectorsWritten: m.sectorsWritten,
	}
}

// Close flushes and closes every image. It is safe to call more than once
// and after a failed run; the first error is returned.
func (m *Machine) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var errs []error
	for i := len(m.closers) - 1; i >= 0; i-- {
		if err := m.closers[i].Close(); err != nil {
			errs = append(errs, err)
		}
	}
	m.closers = nil
	return errors.Join(errs...)
}
