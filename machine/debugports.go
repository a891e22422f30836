package machine

import (
	"bytes"
	"fmt"
	"io"
	"sync"
)

// Ports that emulators give guests for diagnostics.
const (
	PortPOST     = 0x80 // POST code latch (the DMA page register BIOSes write checkpoints to)
	PortDebugCon = 0xE9 // Bochs/QEMU debug console
	PortExit     = 0xF4 // QEMU isa-debug-exit
)

// POSTPort is the diagnostic latch at port 80h. BIOSes write a checkpoint
// code there at each POST step; POST cards show it. Reads return the last
// code (the port is a readable DMA page register on the AT).
type POSTPort struct {
	Code    uint8
	written bool
}

func (p *POSTPort) In8(uint16) uint8       { return p.Code }
func (p *POSTPort) Out8(_ uint16, v uint8) { p.Code, p.written = v, true }

// Last returns the last code written and whether any was.
func (p *POSTPort) Last() (uint8, bool) { return p.Code, p.written }

// DebugCon is the debug console at port E9h: every byte written goes to
// Sink (if any) and is kept for DebugOutput. Reading the port returns E9h,
// which is how guests detect the console (Bochs port_e9_hack, QEMU
// -debugcon).
type DebugCon struct {
	Sink io.Writer

	mu  sync.Mutex // Output may be read from another goroutine
	buf bytes.Buffer
	one [1]byte
}

// debugConLimit bounds the kept output; a chatty guest must not grow the
// heap without end. The oldest half is dropped when it is reached.
const debugConLimit = 1 << 20

func (d *DebugCon) In8(uint16) uint8 { return PortDebugCon }

func (d *DebugCon) Out8(_ uint16, v uint8) {
	d.mu.Lock()
	if d.buf.Len() >= debugConLimit {
		keep := append([]byte(nil), d.buf.Bytes()[debugConLimit/2:]...)
		d.buf.Reset()
		d.buf.Write(keep)
	}
	d.buf.WriteByte(v)
	d.mu.Unlock()
	if d.Sink != nil {
		d.one[0] = v
		d.Sink.Write(d.one[:])
	}
}

// Output returns everything written so far (up to the last MiB).
func (d *DebugCon) Output() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.buf.String()
}

// DebugExit is QEMU's isa-debug-exit device at F4h: writing v ends the
// emulator with exit status (v<<1)|1, so a guest can report success or
// failure to a test harness (status 0 stays reserved for a clean end).
type DebugExit struct {
	OnExit func(status int)
}

func (e *DebugExit) In8(uint16) uint8 { return 0xFF }

func (e *DebugExit) Out8(_ uint16, v uint8) {
	if e.OnExit != nil {
		e.OnExit(int(v)<<1 | 1)
	}
}

// DebugPortsState is the POST code latch and what the guest wrote to the
// debug console, for a machine state (state.go).
type DebugPortsState struct {
	POSTCode    uint8
	POSTWritten bool
	DebugOutput []byte
}

func (m *Machine) debugPortsState() DebugPortsState {
	m.debugCon.mu.Lock()
	defer m.debugCon.mu.Unlock()
	return DebugPortsState{POSTCode: m.post.Code, POSTWritten: m.post.written, DebugOutput: append([]byte(nil), m.debugCon.buf.Bytes()...)}
}

func (m *Machine) setDebugPortsState(s DebugPortsState) error {
	if len(s.DebugOutput) > debugConLimit {
		return fmt.Errorf("debug console: DebugOutput holds %d bytes, more than the %d kept", len(s.DebugOutput), debugConLimit)
	}
	m.post.Code, m.post.written = s.POSTCode, s.POSTWritten
	m.debugCon.mu.Lock()
	defer m.debugCon.mu.Unlock()
	m.debugCon.buf.Reset()
	m.debugCon.buf.Write(s.DebugOutput)
	return nil
}
