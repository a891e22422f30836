package script

import (
	"context"
	"time"

	"pcemu/machine"
)

// Machine is a *machine.Machine as a script's Target: `pcemu --script`
// runs a script with script.Machine{m}.
type Machine struct {
	*machine.Machine
}

// RunFor runs the machine for d of virtual time and reports whether it
// stopped (exit port, power-off, reset without reboot, no boot device, or
// an emulation error, which comes back as err).
func (m Machine) RunFor(ctx context.Context, d time.Duration) (bool, error) {
	reason, err := m.Machine.RunFor(ctx, d)
	switch reason {
	case machine.Running:
		return false, err
	case machine.Failed:
		if err == nil {
			err = m.Err()
		}
		return true, err
	}
	return true, nil
}

var _ Target = Machine{}
