package term

import (
	"os"

	"pcemu/machine/video"
)

// Options configure the terminal display.
type Options struct {
	In  *os.File // the terminal keys come from (nil: os.Stdin)
	Out *os.File // the terminal drawn on (nil: os.Stdout)

	// Image is the name shown in the status line.
	Image string
	// Color chooses the colour escape sequences (ColorAuto by default).
	Color ColorMode
}

// Machine is what the terminal display needs of the PC; *machine.Machine
// has it, and these methods are safe while the machine runs on another
// goroutine.
type Machine interface {
	VideoSnapshotInto(dst *video.Adapter) *video.Adapter
	VideoChanges() uint64
	SendScancodes(codes []byte)
	MouseMoveTo(x, y int) error
	MouseWalk(dx, dy int)
	MouseButton(button uint8, down bool)
	PowerOff()
}
