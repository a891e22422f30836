//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package term

import (
	"context"
	"errors"
)

// Run reports that this system has no terminal display.
func Run(ctx context.Context, m Machine, opt Options) error {
	return errors.New("-display term: not supported on this operating system (it needs a Unix terminal)")
}
