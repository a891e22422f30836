package machine

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"time"

	"pcemu/bios"
	"pcemu/cpu"
	"pcemu/disk"
	"pcemu/ide"
	"pcemu/machine/video"
)

// Machine states: the whole PC at an instruction boundary, as plain data.
// Save takes one between two run slices; Load puts a machine back into
// one (a debugger going back to a checkpoint); Restore builds a new
// machine from one (a test forking a booted machine, -loadstate). Each
// device keeps its own part next to its code, a State type with State and
// SetState methods (PICState in pic.go, ...); this file gathers them, in
// the order Load applies them. The state file format is package
// machine/statefile's.
//
// A device that is given state of its own must appear here, in State,
// save and load: TestStateCoversMachine compares every field of a machine
// restored from a state with the machine it was saved from, and names a
// field that differs.

// State is a machine state. It shares nothing with the machine it was
// saved from, and nothing changes it afterwards: many machines may be
// restored from one State, concurrently.
type State struct {
	Hardware Hardware
	ROMHash  [32]byte // SHA-256 of the BIOS ROM: the Go BIOS must be the one that saved the state

	Run   RunState
	Clock ClockState
	CPU   cpu.State
	RAM   PagedMemory // conventional memory from address 0
	High  PagedMemory // memory from 1 MiB (none without extended memory)

	PIC         PICState
	PIT         PITState
	SysCtl      SystemControlState
	Speaker     SpeakerState
	KBC         KBCState
	PS2Mouse    *PS2MouseState    // nil without a PS/2 mouse
	SerialMouse *SerialMouseState // nil without a serial mouse
	CMOS        CMOSState
	UART        UARTState
	IDE         ide.ControllerState
	Video       *video.State
	BIOS        bios.State
	Debug       DebugPortsState
	Keys        KeyQueueState
	Mouse       MouseQueueState

	HardDisks [4]disk.State // hda..hdd; a zero Identity.Format: no disk
	Floppies  [2]disk.State
}

// Hardware is the machine a state was saved from: what Restore builds and
// Load requires.
type Hardware struct {
	Model            cpu.Model
	MemorySize       int64
	Mouse            MouseType
	BootOrder        string
	NsPerInstruction int64
}

// RunState is the run loop's own state.
type RunState struct {
	Stop           StopReason
	Status         int64
	Err            string // the emulation error that stopped the machine
	PendReset      bool
	SectorsRead    uint64
	SectorsWritten uint64
	DiskWriteHash  []byte // the digest's hash of disk writes, its running state (digest.go)
}

// ClockState is the virtual time.
type ClockState struct {
	Now int64 // virtual ns since power-on
}

// KeyQueueState is the host's key transitions the keyboard has not been
// given yet.
type KeyQueueState struct {
	Queue []KeyTransition
	Next  int64 // virtual time the next may be sent
}

// KeyTransition is one key going down or up (scancode set 1), typed text
// or not (keyboard.go).
type KeyTransition struct {
	Codes []byte
	Typed bool
}

// MouseQueueState is the host's mouse input not yet given to the mouse.
type MouseQueueState struct {
	Queue   []MouseEvent
	Buttons uint8
	Next    int64 // virtual time the feeder looks next
}

// MouseEvent is motion or a button change (mouse.go).
type MouseEvent struct {
	DX, DY  int64
	Step    int64
	Buttons uint8
	Button  bool
}

func (m *Machine) hardware() Hardware {
	return Hardware{
		Model: m.cfg.Model, MemorySize: int64(m.cfg.MemorySize), Mouse: m.cfg.Mouse,
		BootOrder: m.cfg.BootOrder, NsPerInstruction: m.Clock.nsPerInstruction,
	}
}

// Save returns the machine's state, between two run slices. It changes
// nothing the guest can see, so a run that saves goes on exactly as one
// that does not. The disks' writes are shared with the machine where they
// are in memory (copied only when written again), never copied from the
// image.
func (m *Machine) Save() (*State, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.save()
}

func (m *Machine) save() (*State, error) {
	s := &State{
		Hardware: m.hardware(),
		ROMHash:  m.romHash(),
		Run: RunState{
			Stop: m.stop, Status: int64(m.status), PendReset: m.pendReset,
			SectorsRead: m.sectorsRead, SectorsWritten: m.sectorsWritten, DiskWriteHash: m.writes.state(),
		},
		Clock:   ClockState{Now: m.Clock.Now()},
		CPU:     m.CPU.State(),
		RAM:     savePages(m.Mem.RAM, m.lastRAM),
		PIC:     m.PIC.State(),
		PIT:     m.PIT.State(),
		SysCtl:  m.SysCtl.State(),
		Speaker: m.Speaker.State(),
		KBC:     m.KBC.State(),
		CMOS:    m.CMOS.State(),
		UART:    m.UART.State(),
		IDE:     m.IDE.State(),
		Video:   new(video.State),
		BIOS:    m.BIOS.State(),
		Debug:   m.debugPortsState(),
		Keys:    m.keys.state(),
		Mouse:   m.mouse.state(),
	}
	if m.err != nil {
		s.Run.Err = m.err.Error()
	}
	s.High = savePages(m.Mem.High, m.lastHigh)
	m.lastRAM, m.lastHigh = &s.RAM, &s.High
	if m.PS2Mouse != nil {
		ps := m.PS2Mouse.State()
		s.PS2Mouse = &ps
	}
	if m.SerialMouse != nil {
		ss := m.SerialMouse.State()
		s.SerialMouse = &ss
	}
	m.Video.SaveState(s.Video)
	for i, d := range m.hd {
		if err := saveDisk(&s.HardDisks[i], d, m.cfg.Drives[i], fmt.Sprintf("hd%c", 'a'+i)); err != nil {
			return nil, err
		}
	}
	for i, d := range m.fd {
		if err := saveDisk(&s.Floppies[i], d, nil, fmt.Sprintf("fd%c", 'a'+i)); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// saveDisk saves drive position name's disk: d, or a drive given to the
// machine, which must then be a disk (package disk) too.
func saveDisk(s *disk.State, d *disk.Disk, given ide.Drive, name string) error {
	if d == nil && given != nil {
		var ok bool
		if d, ok = given.(*disk.Disk); !ok {
			return fmt.Errorf("%s: a drive of type %T: %w", name, given, disk.ErrNotSaved)
		}
	}
	if d == nil {
		return nil
	}
	ds, err := d.SaveState()
	if err != nil {
		return err
	}
	*s = ds
	return nil
}

// romHash is the BIOS ROM's SHA-256, made once.
func (m *Machine) romHash() [32]byte {
	if m.romSum == ([32]byte{}) {
		m.romSum = sha256.Sum256(m.Mem.ROM[:])
	}
	return m.romSum
}

// ErrStateMismatch: a state does not fit the machine or program loading
// it (another model, memory size, BIOS, drives).
var ErrStateMismatch = errors.New("the state does not fit this machine")

// Check reports why s cannot be loaded into m, or nil: m's hardware must
// be the one s was saved from, and its BIOS the same.
func (m *Machine) checkState(s *State) error {
	if h := m.hardware(); s.Hardware != h {
		return fmt.Errorf("%w: it was saved from %s, this machine is %s", ErrStateMismatch, s.Hardware, h)
	}
	if s.ROMHash != m.romHash() {
		return fmt.Errorf("%w: it was saved by a pcemu whose BIOS differs from this one's (another version)", ErrStateMismatch)
	}
	if err := s.RAM.check("RAM", len(m.Mem.RAM)); err != nil {
		return err
	}
	if err := s.High.check("High", len(m.Mem.High)); err != nil {
		return err
	}
	if (s.PS2Mouse != nil) != (m.PS2Mouse != nil) || (s.SerialMouse != nil) != (m.SerialMouse != nil) {
		return fmt.Errorf("%w: the mouse differs", ErrStateMismatch)
	}
	if s.Video == nil {
		return fmt.Errorf("%w: no video state", ErrStateMismatch)
	}
	if s.Run.Stop < Running || s.Run.Stop > Failed {
		return fmt.Errorf("machine: Run.Stop %d is not a stop reason", s.Run.Stop)
	}
	return nil
}

func (h Hardware) String() string {
	return fmt.Sprintf("a %s with %d KiB, %s mouse, boot order %q, %d ns per instruction",
		modelName(h.Model), h.MemorySize>>10, h.Mouse, h.BootOrder, h.NsPerInstruction)
}

func modelName(m cpu.Model) string {
	switch m {
	case cpu.Model8086:
		return "8086"
	case cpu.Model80186:
		return "80186"
	case cpu.Model80286:
		return "80286"
	}
	return fmt.Sprintf("CPU model %d", m)
}

// Load puts the machine back into state s, which must have been saved
// from a machine of the same hardware and BIOS with the same disk images
// (a debugger going back to a checkpoint). The disks lose the writes made
// since s; a disk written in place (no -snapshot) can go back only to a
// state saved after its last write. Load may be called while another
// goroutine runs the machine: it takes effect between two slices. A
// refused state leaves the machine as it was, unless a device refuses its
// part midway (a state file crafted to pass the file's checks), in which
// case the machine stops with the error.
func (m *Machine) Load(s *State) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	at := m.instant()
	if err := m.load(s); err != nil {
		return err
	}
	if m.recorder != nil {
		m.recorder.Input(at, Input{Kind: InputLoad, State: s})
	}
	if m.hist != nil {
		// The state's past is not the history's (its instruction count
		// may even be one the history has passed): the history starts
		// again here.
		return m.historyDiverged(true)
	}
	return nil
}

func (m *Machine) load(s *State) error { return m.loadWith(s, true) }

// loadWith is load, with the memory copied or (Restore) already there.
func (m *Machine) loadWith(s *State, memory bool) error {
	if err := m.checkState(s); err != nil {
		return err
	}
	if err := m.loadDisks(s); err != nil {
		return err
	}
	if memory {
		s.RAM.copyTo(m.Mem.RAM)
		s.High.copyTo(m.Mem.High)
	}
	if err := m.loadDevices(s); err != nil {
		m.fail(err)
		return err
	}
	return nil
}

// loadDisks puts each disk back in its state; a disk that refuses leaves
// the others untouched (they are checked first).
func (m *Machine) loadDisks(s *State) error {
	type pos struct {
		d    *disk.Disk
		s    *disk.State
		name string
	}
	var ps []pos
	for i := range 6 {
		var d *disk.Disk
		var ds *disk.State
		var name string
		if i < 4 {
			d, ds, name = m.hd[i], &s.HardDisks[i], fmt.Sprintf("hd%c", 'a'+i)
			if d == nil && m.cfg.Drives[i] != nil {
				d, _ = m.cfg.Drives[i].(*disk.Disk)
				if d == nil {
					return fmt.Errorf("%s: a drive of type %T: %w", name, m.cfg.Drives[i], disk.ErrNotSaved)
				}
			}
		} else {
			d, ds, name = m.fd[i-4], &s.Floppies[i-4], fmt.Sprintf("fd%c", 'a'+i-4)
		}
		if (d != nil) != (ds.Identity.Format != "") {
			return fmt.Errorf("%w: %s: the state and the machine differ in having a disk there", ErrStateMismatch, name)
		}
		if d != nil {
			cur := d.Identity()
			if err := ds.Identity.Same(&cur); err != nil {
				if d.WritesInPlace() {
					return fmt.Errorf("%s: %w (%s)", name, err, disk.InPlaceHint)
				}
				return fmt.Errorf("%s: %w", name, err)
			}
			ps = append(ps, pos{d, ds, name})
		}
	}
	for _, p := range ps {
		if err := p.d.LoadState(*p.s); err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
	}
	return nil
}

// loadDevices puts the CPU, memory, devices, BIOS, clock and queues in
// state s, each checking its part.
func (m *Machine) loadDevices(s *State) error {
	if err := m.CPU.SetState(s.CPU); err != nil {
		return err
	}
	for _, set := range []func() error{
		func() error { return m.PIC.SetState(s.PIC) },
		func() error { return m.PIT.SetState(s.PIT) },
		func() error { return m.SysCtl.SetState(s.SysCtl) },
		func() error { return m.Speaker.SetState(s.Speaker) },
		func() error { return m.KBC.SetState(s.KBC) },
		func() error {
			if m.PS2Mouse == nil {
				return nil
			}
			return m.PS2Mouse.SetState(*s.PS2Mouse)
		},
		func() error {
			if m.SerialMouse == nil {
				return nil
			}
			return m.SerialMouse.SetState(*s.SerialMouse)
		},
		func() error { return m.CMOS.SetState(s.CMOS) },
		func() error { return m.UART.SetState(s.UART) },
		func() error { return m.IDE.SetState(s.IDE) },
		func() error { return m.Video.SetState(s.Video) },
		func() error { return m.BIOS.SetState(s.BIOS) },
		func() error { return m.setDebugPortsState(s.Debug) },
		func() error { return m.keys.setState(s.Keys) },
		func() error { return m.mouse.setState(s.Mouse) },
	} {
		if err := set(); err != nil {
			return err
		}
	}
	m.Clock.setState(s.Clock)
	r := s.Run
	m.stop, m.status, m.pendReset = r.Stop, int(r.Status), r.PendReset
	m.syncDone()
	m.err = nil
	if r.Err != "" {
		m.err = errors.New(r.Err)
	}
	m.sectorsRead, m.sectorsWritten = r.SectorsRead, r.SectorsWritten
	return m.writes.setState(r.DiskWriteHash)
}

// Restore builds a machine in state s. cfg gives what is the host's to
// choose (the outputs, real time, NoReboot, WaitOnNoBoot); its hardware
// fields must be zero or those s was saved with. The disks are the images
// s names, opened read-only with the writes s holds over them and the
// guest's new writes kept apart (in a temporary file, or in memory with
// memoryWrites); cfg.HardDisks and cfg.Floppies may name the same images
// at another path, and cfg.Drives give in-memory disks, which must have the
// contents s was saved over.
func Restore(s *State, cfg Config, memoryWrites bool) (*Machine, error) {
	h := s.Hardware
	switch {
	case cfg.Model != 0 && cfg.Model != h.Model,
		cfg.MemorySize != 0 && int64(cfg.MemorySize) != h.MemorySize,
		cfg.Mouse != 0 && cfg.Mouse != h.Mouse,
		cfg.BootOrder != "" && cfg.BootOrder != h.BootOrder,
		cfg.NsPerInstruction != 0 && cfg.NsPerInstruction != h.NsPerInstruction:
		return nil, fmt.Errorf("%w: it was saved from %s; the machine asked for differs", ErrStateMismatch, h)
	}
	cfg.Model, cfg.MemorySize, cfg.Mouse, cfg.BootOrder, cfg.NsPerInstruction = h.Model, int(h.MemorySize), h.Mouse, h.BootOrder, h.NsPerInstruction
	// The memory is checked before it is made.
	conv, ext, err := MemorySizes(cfg.MemorySize, cfg.Model == cpu.Model80286)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrStateMismatch, err)
	}
	if err := s.RAM.check("RAM", conv); err != nil {
		return nil, err
	}
	if err := s.High.check("High", ext); err != nil {
		return nil, err
	}
	opt := disk.Options{IgnoreParentTime: cfg.IgnoreParentTime, MemoryWrites: memoryWrites}
	var opened []*disk.Disk
	fail := func(err error) (*Machine, error) {
		for _, d := range opened {
			d.Close()
		}
		return nil, err
	}
	var hd [4]*disk.Disk
	var fd [2]*disk.Disk
	for i := range 6 {
		ds := &s.HardDisks[i%4]
		path, given := "", ide.Drive(nil)
		if i < 4 {
			path, given = cfg.HardDisks[i], cfg.Drives[i]
		} else {
			ds, path = &s.Floppies[i-4], cfg.Floppies[i-4]
		}
		name := [6]string{"-hda", "-hdb", "-hdc", "-hdd", "-fda", "-fdb"}[i]
		if ds.Identity.Format == "" {
			if path != "" || given != nil {
				return fail(fmt.Errorf("%w: %s is given, the state has no disk there", ErrStateMismatch, name))
			}
			continue
		}
		if given != nil {
			continue // loadDisks checks it
		}
		open := disk.OpenState
		if i >= 4 {
			open = disk.OpenFloppyState
		}
		d, err := open(*ds, path, opt)
		if err != nil {
			return fail(fmt.Errorf("%s: %w", name, err))
		}
		opened = append(opened, d)
		if i < 4 {
			hd[i] = d
		} else {
			fd[i-4] = d
		}
	}
	cfg.HardDisks, cfg.Floppies = [4]string{}, [2]string{}
	// The memory is the state's, copied once.
	var high []byte
	if s.High.Size > 0 {
		high = s.High.bytes()
	}
	m, err := build(cfg, hd, fd, s.RAM.bytes(), high)
	if err != nil {
		return fail(err)
	}
	m.mu.Lock()
	err = m.loadWith(s, false)
	m.mu.Unlock()
	if err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

func (q *keyQueue) state() KeyQueueState {
	q.mu.Lock()
	defer q.mu.Unlock()
	s := KeyQueueState{Next: q.next}
	for _, k := range q.q {
		s.Queue = append(s.Queue, KeyTransition{Codes: append([]byte(nil), k.codes...), Typed: k.typed})
	}
	return s
}

func (q *keyQueue) setState(s KeyQueueState) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.q, q.next = nil, s.Next
	for i, k := range s.Queue {
		if len(k.Codes) == 0 {
			return fmt.Errorf("keyboard queue: Queue[%d] has no scancodes", i)
		}
		q.q = append(q.q, keyTransition{codes: append([]byte(nil), k.Codes...), typed: k.Typed})
	}
	return nil
}

func (q *mouseQueue) state() MouseQueueState {
	q.mu.Lock()
	defer q.mu.Unlock()
	s := MouseQueueState{Buttons: q.buttons, Next: q.next}
	for _, e := range q.q {
		s.Queue = append(s.Queue, MouseEvent{DX: int64(e.dx), DY: int64(e.dy), Step: int64(e.step), Buttons: e.buttons, Button: e.button})
	}
	return s
}

func (q *mouseQueue) setState(s MouseQueueState) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(s.Queue) > mouseQueueMax {
		return fmt.Errorf("mouse queue: %d events, more than %d", len(s.Queue), mouseQueueMax)
	}
	q.q, q.buttons, q.next = nil, s.Buttons, s.Next
	for i, e := range s.Queue {
		if e.Step < 0 {
			return fmt.Errorf("mouse queue: Queue[%d].Step %d is negative", i, e.Step)
		}
		q.q = append(q.q, mouseEvent{dx: int(e.DX), dy: int(e.DY), step: int(e.Step), buttons: e.Buttons, button: e.Button})
	}
	return nil
}

// setState puts virtual time at s.Now for the CPU's instruction count (the
// CPU's state is loaded first); in real time, the host clock is taken up
// from there.
func (c *VirtualClock) setState(s ClockState) {
	c.baseNs, c.baseInstr = s.Now, *c.instructions
	c.resume()
}

// Uptime is a state's virtual time since power-on.
func (s *State) Uptime() time.Duration { return time.Duration(s.Clock.Now) }
