package machine

import "fmt"

// The power button and the reset line: how a run ends or restarts.

// PowerOff turns the machine off as the power button would; Run returns
// PowerOff.
func (m *Machine) PowerOff() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.player != nil {
		m.halt(PowerOff, 0) // a replay watched in a window is closed
		return
	}
	m.input(Input{Kind: InputPowerOff})
}

// halt ends the run with a reason. It is called from device callbacks on
// the CPU's goroutine, in the middle of an instruction: the CPU finishes it
// and Run returns.
func (m *Machine) halt(r StopReason, status int) {
	if m.stop == Running {
		m.stop, m.status = r, status
		m.stopped()
	}
	m.unpause() // a paused run loop returns the reason
	m.CPU.Stop()
}

// SystemReset pulls the reset line as a reset button would (the monitor's
// system_reset): the CPU restarts at the reset vector and the BIOS's POST
// reinitialises the machine; with NoReboot the run ends with Reset, as a
// guest's reset does. A paused machine stays paused.
func (m *Machine) SystemReset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.input(Input{Kind: InputReset}) // between slices: at once
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
