package script

import (
	"context"
	"time"
)

// MachineLike is what a script needs of a *machine.Machine. R is the
// machine's stop reason, whose zero value means "still running". Package
// script does not import package machine: a script runs against any
// Target, the fakes of its own tests included.
type MachineLike[R comparable] interface {
	ScreenText() string
	SendScancodes(codes []byte)
	KeysPending() bool
	Screendump(path string) error
	PowerOff()
	RunFor(ctx context.Context, d time.Duration) (R, error)
}

// ForMachine makes a machine a script's Target: `pcemu --script FILE`
// runs script.ForMachine(m). A stop reason other than the zero value
// counts as stopped; the error RunFor returns with it (an emulation
// error) is passed on.
func ForMachine[R comparable](m MachineLike[R]) Target {
	return machineTarget[R]{m}
}

type machineTarget[R comparable] struct {
	MachineLike[R]
}

func (t machineTarget[R]) RunFor(ctx context.Context, d time.Duration) (bool, error) {
	var running R
	reason, err := t.MachineLike.RunFor(ctx, d)
	return reason != running, err
}
