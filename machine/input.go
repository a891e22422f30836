package machine

import (
	"errors"
	"fmt"
	"time"

	"pcemu/disk"
)

// Host input and exact replay. Everything that reaches the machine from
// outside it and is not a function of the machine — keys, mouse motion
// and buttons, serial input, the reset button and power-off, virtual time
// jumping to catch up with the host in real-time mode, a state loaded in
// place — enters through input, between two run slices, with the
// machine's lock held: at an Instant of the run (instruction count and
// virtual time). A Recorder is told each one with its instant; a Player
// gives them back at the same instants, so that a replayed run is the
// recorded one instruction for instruction.
//
// For that, nothing the machine does may depend on where the run loop
// cuts its slices: work that waits for the guest (feeding the next key
// when the controller is free, the next mouse motion when the mouse has
// reported) is done at times of its own (the feeders' NextEvent), never
// "at the next slice". TestSlicingDoesNotMatter checks it.

// Instant is a point of a run: a boundary between two instructions,
// named by the instructions executed and the virtual time there.
type Instant struct {
	Instructions uint64
	Time         int64 // virtual ns since power-on
}

func (i Instant) String() string {
	return fmt.Sprintf("instruction %d at %v", i.Instructions, time.Duration(i.Time))
}

// InputKind is what an Input is.
type InputKind uint8

const (
	InputKey         InputKind = iota + 1 // a key transition: Bytes (scancode set 1), Typed (text typed: waits for the type-ahead buffer)
	InputMouseMotion                      // relative motion DX, DY (MouseMotion; adds up with queued motion)
	InputMouseMoves                       // motion DX, DY in reports of at most Step counts (MouseMoveTo, MouseWalk)
	InputMouseButton                      // Button pressed (Down) or released
	InputSerial                           // Bytes arriving at COM1's receiver (-serial stdio)
	InputReset                            // the reset button (SystemReset)
	InputPowerOff                         // the power button (PowerOff)
	InputClock                            // real time: virtual time jumps to Time to catch up with the host
	InputLoad                             // the machine was put in State (Load)
	InputEnd                              // a replay: the recorded run ended here (the machine stops, Replayed)
)

var inputNames = [...]string{
	InputKey: "key", InputMouseMotion: "mouse-motion", InputMouseMoves: "mouse-moves", InputMouseButton: "mouse-button",
	InputSerial: "serial", InputReset: "reset", InputPowerOff: "poweroff", InputClock: "clock", InputLoad: "load", InputEnd: "end",
}

func (k InputKind) String() string {
	if int(k) < len(inputNames) && inputNames[k] != "" {
		return inputNames[k]
	}
	return fmt.Sprintf("InputKind(%d)", int(k))
}

// Input is one input from the host.
type Input struct {
	Kind   InputKind
	Bytes  []byte
	Typed  bool
	DX, DY int
	Step   int
	Button uint8
	Down   bool
	Time   int64
	State  *State
}

// Recorder receives a run's inputs (SetRecorder). Its methods are called
// on the machine's goroutine with the machine's lock held: they must not
// call the machine.
type Recorder interface {
	// Input is an input taken at instant at.
	Input(at Instant, in Input)
	// Boundary is called at every boundary between slices, for
	// checkpoints: digest gives the machine's digest there.
	Boundary(at Instant, digest func() Digest)
}

// Player gives a recorded run's inputs back (SetReplay). Its methods are
// called on the machine's goroutine with the machine's lock held.
type Player interface {
	// Next is the instant of the next recorded event and what it is (for
	// messages), false after the last.
	Next() (at Instant, what string, ok bool)
	// Play takes the next event, the run being at its instant: an input
	// to apply, or nil for a checkpoint, which it checks against digest.
	// An error stops the machine (the run went elsewhere).
	Play(at Instant, digest func() Digest) (*Input, error)
}

// ErrDiverged: a replay did not follow its recording.
var ErrDiverged = errors.New("the replay diverged from the recording")

// DivergedError says where: the recorded event's instant and where the
// replay was when it found it had missed it.
type DivergedError struct {
	Want, Got Instant
	Event     string
}

func (e *DivergedError) Error() string {
	return fmt.Sprintf("%v: the recording has %s at %v; the replay reached %v without passing there", ErrDiverged, e.Event, e.Want, e.Got)
}

func (e *DivergedError) Is(target error) bool { return target == ErrDiverged }

// SetRecorder has r told every input from now on (nil: none).
func (m *Machine) SetRecorder(r Recorder) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.recorder = r
}

// SetReplay makes the run follow p's inputs, from the machine's present
// instant on; input from the host is ignored meanwhile. Virtual time in
// real-time mode no longer jumps to catch up with the host (the
// recording's jumps are replayed).
func (m *Machine) SetReplay(p Player) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.player = p
	m.Clock.noCatchUp = p != nil
}

// Instant is where the run is now.
func (m *Machine) Instant() Instant {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.instant()
}

func (m *Machine) instant() Instant {
	return Instant{Instructions: m.CPU.Instructions, Time: m.Clock.Now()}
}

// input takes an input from the host (called with mu held, between
// slices): ignored while a replay runs, else applied and recorded.
func (m *Machine) input(in Input) {
	if m.hist != nil && m.hist.replay == nil {
		m.liveWhenPlayed() // history.go: back where the run had gone live?
	}
	if m.player != nil {
		return
	}
	m.apply(in)
}

// apply makes an input's effect, tells the recorder, and lets the feeders
// act on it at once, so that where the input fell between two slices does
// not matter.
func (m *Machine) apply(in Input) {
	if m.recorder != nil {
		m.recorder.Input(m.instant(), in)
	}
	switch in.Kind {
	case InputKey:
		m.keys.push(keyTransition{codes: append([]byte(nil), in.Bytes...), typed: in.Typed})
	case InputMouseMotion:
		m.mouse.motion(in.DX, in.DY)
	case InputMouseMoves:
		m.mouse.push(mouseEvent{dx: in.DX, dy: in.DY, step: in.Step})
	case InputMouseButton:
		m.mouse.button(in.Button, in.Down)
	case InputSerial:
		m.UART.Receive(in.Bytes...)
	case InputReset:
		if m.cfg.NoReboot {
			m.halt(Reset, 0)
			break
		}
		m.reboot()
	case InputPowerOff:
		m.halt(PowerOff, 0)
	case InputClock:
		m.Clock.Skip(in.Time)
		m.Clock.resume()
	case InputLoad:
		if err := m.load(in.State); err != nil && m.stop == Running {
			m.fail(fmt.Errorf("loading a state: %w", err))
		}
	case InputEnd:
		m.halt(Replayed, 0)
	}
	m.feed(m.Clock.Now())
}

// play applies the recorded events due at the present instant (called by
// the run loop after the devices have caught up).
func (m *Machine) play() {
	for m.player != nil {
		at, what, ok := m.player.Next()
		if !ok {
			return
		}
		now := m.instant()
		if at.Time > now.Time || at.Time == now.Time && at.Instructions > now.Instructions {
			return
		}
		if at != now {
			m.diverge(&DivergedError{Want: at, Got: now, Event: what})
			return
		}
		in, err := m.player.Play(now, m.digest)
		if err != nil {
			m.diverge(err)
			return
		}
		if in != nil {
			m.apply(*in)
		}
	}
}

// diverge stops the replay: the machine stops with the error.
func (m *Machine) diverge(err error) {
	m.player = nil
	m.Clock.noCatchUp = false
	if m.stop == Running {
		m.stop, m.status, m.err = Failed, 1, err
		m.CPU.Stop()
	}
}

// playNext is the virtual time of the next recorded event, for the run
// loop's slices (math.MaxInt64 without one).
func (m *Machine) playNext(limit int64) int64 {
	if m.player == nil {
		return limit
	}
	if at, _, ok := m.player.Next(); ok {
		return min(limit, max(at.Time, m.Clock.Now()))
	}
	return limit
}

// feed lets the feeders hand queued host input to the devices when it is
// their time (keyboard.go, mouse.go).
func (m *Machine) feed(now int64) {
	m.feedKeys(now)
	m.feedMouse(now)
}

// feedNext is the feeders' next time.
func (m *Machine) feedNext(limit int64) int64 {
	return min(limit, m.keys.nextEvent(), m.mouse.nextEvent())
}

// Config returns the machine's configuration as it was built, with the
// RTC's power-on time, for a recording of the run.
func (m *Machine) Config() Config {
	c := m.cfg
	c.RTCStart = m.rtcStart
	return c
}

// DiskIdentities are the images under the machine's disks, hda..hdd then
// fda, fdb, where a disk is there.
func (m *Machine) DiskIdentities() []disk.Identity {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ids []disk.Identity
	for i := range 6 {
		var d *disk.Disk
		if i < 4 {
			d = m.hd[i]
			if d == nil {
				d, _ = m.cfg.Drives[i].(*disk.Disk)
			}
		} else {
			d = m.fd[i-4]
		}
		if d != nil {
			ids = append(ids, d.Identity())
		}
	}
	return ids
}
