// Package machine is the PC around the CPU: the memory map, the I/O port
// bus, the chipset devices (PIC, PIT, keyboard controller, CMOS/RTC, video,
// UART), the IDE controller and BIOS wiring, and the run loop with its
// virtual clock.
//
// Files: board.go wires the PC/AT together (New); device.go holds the
// interfaces devices are wired through; machine.go the Machine, its Config
// and the run loop; screen.go the screen API (text, snapshots, dumps);
// power.go the power button and the reset line; stats.go the counters; one
// file per device (pic.go, pit.go, kbc.go, ...).
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
	"pcemu/disk"
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
	Snapshot  bool         // writes go to temporary files (package disk); images are never changed
	// IgnoreParentTime opens a differencing VHD whose parent was modified
	// after the child was made (--ignore-parent-time).
	IgnoreParentTime bool
	BootOrder        string // "c", "a", "ca", ... (QEMU -boot); "" means hard disk, then floppy

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

	// AudioOut receives what the PC speaker plays, as a 16-bit mono WAV
	// file at AudioRate (0: DefaultAudioRate) in virtual time; the header
	// is completed by Close. Nil: no file.
	AudioOut  io.WriteSeeker
	AudioRate int

	// Mouse is the pointing device the host's mouse input drives: the PS/2
	// mouse (the zero value), a Microsoft serial mouse on COM1 in place of
	// Serial, or none.
	Mouse MouseType

	// RTCStart is the date and time the RTC shows at power-on; zero:
	// DeterministicEpoch, or the host's time in real-time mode. (A replay
	// gives the recorded run's.)
	RTCStart time.Time

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
	Failed              // an emulation error (see Err), or a replay that diverged
	Replayed            // a replay reached the end of its recording
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
	case Replayed:
		return "end of the recording"
	}
	return fmt.Sprintf("StopReason(%d)", int(r))
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

	mu    sync.Mutex
	CPU   *cpu.CPU
	Mem   *Memory
	Ports *PortBus
	Clock *VirtualClock
	BIOS  *bios.BIOS
	PIC   *PIC
	PIT   *PIT
	KBC   *KBC
	// PS2Mouse is the mouse on the 8042's auxiliary port, nil unless
	// Config.Mouse is MousePS2.
	PS2Mouse *PS2Mouse
	// SerialMouse is the mouse on COM1, nil unless Config.Mouse is
	// MouseSerial.
	SerialMouse *SerialMouse
	// Speaker renders the PC speaker for the audio outputs.
	Speaker *Speaker
	SysCtl  *SystemControl
	CMOS    *CMOS
	UART    *UART
	IDE     *ide.Controller
	Video   *video.Adapter

	sectorsRead, sectorsWritten uint64
	writes                      writeHash // of what the guest wrote to its disks (digest.go)

	post     *POSTPort
	debugCon *DebugCon
	timed    []Timed
	keys     keyQueue
	mouse    mouseQueue

	closers []io.Closer   // images, flushed and closed by Close
	hd      [4]*disk.Disk // the disks the machine opened (Config.Drives aside)
	fd      [2]*disk.Disk
	romSum  [32]byte // the ROM's SHA-256 (state.go)

	lastRAM, lastHigh *PagedMemory // the memory of the last state saved, whose pages the next one shares

	stop      StopReason
	status    int
	err       error
	pendReset bool

	paused bool          // Pause: the run loop waits (pause.go)
	wake   chan struct{} // closed when a pause ends
	done   chan struct{} // closed when the machine stops (Done)

	dbg  *debugState // breakpoints and watchpoints (debug.go); nil until a debugger sets one
	hist *history    // the run's past for reverse execution (history.go); nil unless kept

	hostRun time.Duration // host time spent executing

	rtcStart time.Time // the RTC at power-on (RTCStart)
	recorder Recorder  // input.go
	player   Player
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
		if m.paused && m.stop == Running {
			if !m.waitPaused(ctx.Done()) {
				return Running, ctx.Err()
			}
			continue
		}
		done := m.slice(until)
		reason, err := m.stop, m.err
		var ahead time.Duration
		if reason == Running && m.Clock.RealTime() {
			// The host clock paces the machine, and so does the
			// audio device: the machine never runs further ahead of
			// the sound being played than the device's queue. When
			// virtual time jumps to catch up with the host, the jump
			// is an input (it is the host's doing), taken as every
			// input is, so that a replay, which applies it at the
			// same instant, does what the recorded run did: the
			// feeders act at the new time at once (a key waiting
			// for its time goes in before the next instruction, not
			// after it).
			sleep, catchUp := m.Clock.pace()
			if catchUp != 0 {
				m.input(Input{Kind: InputClock, Time: catchUp})
			}
			ahead = max(sleep, m.Speaker.lead(m.Clock.hostNow()))
			reason, err = m.stop, m.err
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
	m.play() // a replay's events at this instant (at its start, the ones before any slice)
	now := m.Clock.Now()
	if now >= until || m.stop != Running {
		return true // a stopped machine stays stopped
	}
	next := m.nextEvent(min(until, now+maxSlice))
	start := time.Now()
	_, err := m.CPU.Run(int(m.atLimit(m.Clock.InstructionsUntil(next))))
	m.hostRun += time.Since(start)
	if err != nil && m.stop == Running {
		m.fail(err)
	}
	if m.dbg != nil {
		m.debugStopped()
		m.atReached()
	}
	if m.hist != nil {
		m.historyAfterSlice(false)
	}
	if m.CPU.Halted() {
		// HLT: nothing happens until the next interrupt, so virtual
		// time jumps to the next device event. A device whose next event
		// is not after now (only a machine state crafted to pass its
		// checks makes one) does not stop time: it moves on by an
		// instruction's worth.
		m.Clock.Skip(max(next, now+m.Clock.nsPerInstruction))
	}
	return m.catchUp() >= until
}

// fail stops the machine with an emulation error, at the CPU's CS:IP.
func (m *Machine) fail(err error) {
	m.stop, m.status, m.err = Failed, 1, fmt.Errorf("at %04X:%04X: %w", m.CPU.Segs[cpu.CS], m.CPU.IP, err)
	m.stopped()
}

// stopped marks the end of the run for Done. Called with mu held when
// m.stop has just left Running.
func (m *Machine) stopped() {
	select {
	case <-m.done:
	default:
		close(m.done)
	}
}

// syncDone makes Done agree with m.stop after a state was loaded: a
// machine put back into a running state runs again. Called with mu held.
func (m *Machine) syncDone() {
	select {
	case <-m.done:
		if m.stop == Running {
			m.done = make(chan struct{})
		}
	default:
		if m.stop != Running {
			close(m.done)
		}
	}
}

// Done is closed when the machine stops for good (Stopped is no longer
// Running): a debugger waiting for a stop learns that the guest powered
// off.
func (m *Machine) Done() <-chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.done
}

// nextEvent is the earliest of limit, the devices' next events, the
// feeders' and a replay's next event.
func (m *Machine) nextEvent(limit int64) int64 {
	for _, t := range m.timed {
		limit = min(limit, t.NextEvent())
	}
	return m.playNext(m.feedNext(limit))
}

// catchUp brings the keyboard feed and the devices up to the current
// virtual time after the CPU ran, and reboots if the guest asked to. It
// returns the time. Called with mu held.
func (m *Machine) catchUp() int64 {
	now := m.Clock.Now()
	m.feed(now)
	for _, t := range m.timed {
		t.AdvanceTo(now)
	}
	if m.pendReset && m.stop == Running {
		m.reboot()
	}
	m.play()
	if m.recorder != nil {
		m.recorder.Boundary(m.instant(), m.digest)
	}
	return m.Clock.Now()
}

// Step executes one instruction (or enters a pending interrupt, or, when
// the CPU is halted, lets virtual time pass to the next device event) and
// brings the devices up to date: a debugger's single step.
func (m *Machine) Step() (StopReason, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.play(); m.stop != Running {
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

// CloseWith has c closed when the machine closes, after its images (a
// state file whose disks' writes the machine reads).
func (m *Machine) CloseWith(c io.Closer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closers = append([]io.Closer{c}, m.closers...)
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
