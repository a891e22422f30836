//go:build nosdl

package sdl

import (
	"context"
	"errors"
)

// Built reports whether this pcemu has the SDL window.
const Built = false

// ErrNotBuilt is what Run returns in a build without SDL.
var ErrNotBuilt = errors.New("pcemu was built without SDL (-tags nosdl); use -display term or -display none")

// Run reports that the window is not available in this build.
func Run(ctx context.Context, m Machine, opt Options) error {
	return ErrNotBuilt
}
