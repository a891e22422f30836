//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package term

import (
	"context"
	"errors"
	"os"

	"pcemu/machine/video"
)

// Options configure the terminal display.
type Options struct {
	In, Out *os.File
	Image   string
	Color   ColorMode
}

// Machine is what the terminal display needs of the PC.
type Machine interface {
	VideoSnapshot() *video.Adapter
	VideoChanges() uint64
	SendScancodes(codes []byte)
	PowerOff()
}

// Run reports that this system has no terminal display.
func Run(ctx context.Context, m Machine, opt Options) error {
	return errors.New("-display term: not supported on this operating system (it needs a Unix terminal)")
}
