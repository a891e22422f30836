// Package sdl is pcemu's window: the screen drawn by the video adapter's one
// renderer (video.Adapter.Render) and scaled by an integer factor to the 4:3
// picture a VGA monitor shows, the host keyboard turned into XT scancodes
// (set 1), the emulated speed in the title, and host key combinations for the
// things an emulator user needs besides the guest:
//
//	Ctrl+Alt+R   release every key the guest believes is held down
//	Ctrl+Alt+S   save a PNG screenshot (the same image as --screendump)
//	Ctrl+Alt+F   toggle full screen
//	Ctrl+Alt+G   let the mouse go (a click in the window captures it)
//	Ctrl+Alt+W   save the machine's state to a file (Options.SaveState)
//	Ctrl+Alt+L   go back to the state saved last (Options.LoadState)
//	Ctrl+Alt+Q   power the machine off and close the window
//
// The mouse. A click in the window captures the host's pointer (SDL's
// relative mouse mode: hidden and held in the window); from then on its
// motion and buttons go to the guest's mouse, until Ctrl+Alt+G or the
// window losing the focus lets it go. The title says which.
//
// Sound. With Options.Audio the window opens SDL's audio device (48 kHz
// mono 16-bit, or the rate the device gives) and keeps about 60 ms of the
// speaker's samples queued in it, taking them from the machine as the
// device plays them. The samples start 30 ms behind the device (again
// after it ran dry), so that the window's polls do not break a sound
// into crackles; when the machine stops, what it played last is heard
// to the end.
//
// Closing the window powers the machine off (as Ctrl+Alt+Q does); the caller's
// run loop then returns machine.PowerOff and the caller closes the machine,
// which flushes and closes the images.
//
// Threading. SDL wants all its calls on one OS thread, and on some systems
// (macOS) that must be the process's main thread. Run therefore locks the
// calling goroutine to its thread (runtime.LockOSThread) and does every SDL
// call itself; the caller calls Run from main's goroutine, with the machine's
// run loop (machine.Run) on a goroutine of its own. main should also lock
// the main goroutine to the main thread in an init function
// (runtime.LockOSThread in package main's init), so that Run, called later
// from main, really is on the main thread. The display only talks to the
// machine through methods that are safe from any goroutine (VideoSnapshotInto,
// VideoChanges, SendScancodes, Stats, Screendump, PowerOff), so it never
// slows the CPU's goroutine beyond the brief moments those take the
// machine's lock.
//
// Building with -tags nosdl leaves SDL out (no libsdl2-dev needed); Run then
// returns an error saying so, and Built is false.
package sdl

import (
	"io"

	"pcemu/machine"
	"pcemu/machine/video"
)

// Options configure the window.
type Options struct {
	// Image is the name shown in the title, usually the boot image's
	// file name ("pcemu — freedos.vhd — 12.5 MIPS").
	Image string
	// ScreenshotDir is where Ctrl+Alt+S saves pcemu-YYYYMMDD-HHMMSS.png;
	// "" means the current directory.
	ScreenshotDir string
	// Scale is the initial window size as a multiple of the 4:3 screen
	// size (720x540 for 80x25 text, 320x240 for 320x200 modes); 0 picks
	// the largest that keeps the window at most 720 pixels high (at least
	// 1) and inside the desktop. The window can be resized at any time;
	// the picture then takes the largest integer multiple that fits.
	Scale int
	// Fullscreen starts in full screen (Ctrl+Alt+F leaves it).
	Fullscreen bool
	// Log receives messages for the user (the screenshot's file name); nil
	// discards them.
	Log io.Writer
	// Audio, when set, opens the audio device and is called once with its
	// sample rate for the source of the samples to play (the machine's
	// speaker: Machine.AudioOutput).
	Audio func(rate int) Sound
	// SaveState and LoadState are Ctrl+Alt+W and Ctrl+Alt+L: save the
	// machine's state, and go back to the one saved last; each returns
	// what to tell the user (the file). Nil: the keys do nothing.
	SaveState, LoadState func() (string, error)
}

// Sound is a source of 16-bit mono samples: Read takes up to len(p) of
// them, and returns how many it gave (0 when none are ready).
type Sound interface {
	Read(p []int16) int
}

// Machine is what the window needs of the PC; *machine.Machine has it, and
// all of these are safe to call while the machine runs on another
// goroutine.
type Machine interface {
	VideoSnapshotInto(dst *video.Adapter) *video.Adapter
	VideoChanges() uint64
	SendScancodes(codes []byte)
	MouseMotion(dx, dy int)
	MouseButton(button uint8, down bool)
	Stats() machine.Stats
	Screendump(path string) error
	PowerOff()
}

var _ Machine = (*machine.Machine)(nil)
