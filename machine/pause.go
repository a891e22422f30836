package machine

import "time"

// Pausing the run: the monitor's stop and cont. A paused machine's run
// loop waits between two slices holding nothing, so the display still
// takes snapshots and PowerOff still ends the run; virtual time stands
// still, and in real-time mode it goes on from where it stood after the
// pause instead of catching up on it. Pausing changes nothing the guest can
// see: a deterministic run paused and resumed executes the same
// instructions as one never paused.

// Pause stops the machine at the next boundary between run slices: when
// Pause returns, no instruction executes until Resume. Run and RunFor keep
// waiting (their context still ends them).
func (m *Machine) Pause() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.paused {
		m.paused = true
		m.wake = make(chan struct{})
	}
}

// Resume lets a paused machine run on. After a stop at a breakpoint
// (debug.go) the instruction there runs: resuming never stops again where
// the machine stands.
func (m *Machine) Resume() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.dbg != nil {
		m.CPU.StepOffBreakpoint()
	}
	m.unpause()
}

// Paused reports whether the machine is paused.
func (m *Machine) Paused() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.paused
}

// unpause ends a pause (Resume, or the run ending). Called with mu held.
func (m *Machine) unpause() {
	if !m.paused {
		return
	}
	m.paused = false
	close(m.wake)
	m.Clock.resume()
}

// waitPaused is the run loop's side of a pause: it returns (without mu)
// when the machine may run again, or false when ctx ended first. Called
// with mu held; returns with mu released.
func (m *Machine) waitPaused(done <-chan struct{}) bool {
	wake := m.wake
	m.mu.Unlock()
	select {
	case <-wake:
		return true
	case <-done:
		return false
	}
}

// resume re-anchors real-time pacing after a pause, so that virtual time
// goes on from where it stood instead of jumping over the pause.
func (c *VirtualClock) resume() {
	if c.realTime {
		c.hostStart = c.hostNow().Add(-time.Duration(c.Now()))
	}
}
