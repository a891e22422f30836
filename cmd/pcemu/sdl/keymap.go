//go:build !nosdl

package sdl

import (
	"fmt"

	"github.com/veandco/go-sdl2/sdl"

	"pcemu/machine/keys"
)

// SDL reports physical keys by their USB HID usage (SDL_Scancode), which
// names the key's position whatever the host's layout; the guest wants the
// same physical key's code in scancode set 1. The table maps each SDL
// scancode to the key name that machine/keys's set-1 table knows, so the
// codes are written down once in the project.
var keyNames = map[sdl.Scancode]string{
	sdl.SCANCODE_ESCAPE: "esc",
	sdl.SCANCODE_MINUS:  "-", sdl.SCANCODE_EQUALS: "=", sdl.SCANCODE_BACKSPACE: "backspace",
	sdl.SCANCODE_TAB: "tab", sdl.SCANCODE_LEFTBRACKET: "[", sdl.SCANCODE_RIGHTBRACKET: "]",
	sdl.SCANCODE_RETURN: "enter", sdl.SCANCODE_LCTRL: "lctrl",
	sdl.SCANCODE_SEMICOLON: ";", sdl.SCANCODE_APOSTROPHE: "'", sdl.SCANCODE_GRAVE: "`",
	sdl.SCANCODE_LSHIFT: "lshift", sdl.SCANCODE_BACKSLASH: "\\", sdl.SCANCODE_NONUSHASH: "\\",
	sdl.SCANCODE_COMMA: ",", sdl.SCANCODE_PERIOD: ".", sdl.SCANCODE_SLASH: "/",
	sdl.SCANCODE_RSHIFT: "rshift", sdl.SCANCODE_LALT: "lalt", sdl.SCANCODE_SPACE: "space",
	sdl.SCANCODE_CAPSLOCK: "capslock", sdl.SCANCODE_NUMLOCKCLEAR: "numlock", sdl.SCANCODE_SCROLLLOCK: "scrolllock",

	sdl.SCANCODE_KP_7: "kp7", sdl.SCANCODE_KP_8: "kp8", sdl.SCANCODE_KP_9: "kp9", sdl.SCANCODE_KP_MINUS: "kp-",
	sdl.SCANCODE_KP_4: "kp4", sdl.SCANCODE_KP_5: "kp5", sdl.SCANCODE_KP_6: "kp6", sdl.SCANCODE_KP_PLUS: "kp+",
	sdl.SCANCODE_KP_1: "kp1", sdl.SCANCODE_KP_2: "kp2", sdl.SCANCODE_KP_3: "kp3",
	sdl.SCANCODE_KP_0: "kp0", sdl.SCANCODE_KP_PERIOD: "kp.", sdl.SCANCODE_KP_MULTIPLY: "kp*",
	sdl.SCANCODE_KP_DIVIDE: "kp/", sdl.SCANCODE_KP_ENTER: "kpenter",

	sdl.SCANCODE_RCTRL: "rctrl", sdl.SCANCODE_RALT: "ralt",
	sdl.SCANCODE_PRINTSCREEN: "printscreen", sdl.SCANCODE_SYSREQ: "sysrq", sdl.SCANCODE_PAUSE: "pause",
	sdl.SCANCODE_HOME: "home", sdl.SCANCODE_UP: "up", sdl.SCANCODE_PAGEUP: "pgup",
	sdl.SCANCODE_LEFT: "left", sdl.SCANCODE_RIGHT: "right",
	sdl.SCANCODE_END: "end", sdl.SCANCODE_DOWN: "down", sdl.SCANCODE_PAGEDOWN: "pgdn",
	sdl.SCANCODE_INSERT: "insert", sdl.SCANCODE_DELETE: "delete",
	sdl.SCANCODE_LGUI: "lwin", sdl.SCANCODE_RGUI: "rwin", sdl.SCANCODE_APPLICATION: "menu",
	sdl.SCANCODE_NONUSBACKSLASH: "nonusbackslash", // the 102nd key of ISO keyboards
}

// keymap is keyNames resolved to set-1 keys, with the letters, digits and
// function keys added by their runs of consecutive SDL scancodes.
var keymap = func() map[sdl.Scancode]keys.Key {
	m := make(map[sdl.Scancode]keys.Key, len(keyNames)+48)
	add := func(sc sdl.Scancode, name string) {
		k, ok := keys.Lookup(name)
		if !ok {
			panic(fmt.Sprintf("sdl keymap: machine/keys has no key %q", name))
		}
		m[sc] = k
	}
	for i := range 26 {
		add(sdl.SCANCODE_A+sdl.Scancode(i), string(rune('a'+i)))
	}
	for i := range 10 { // SDL orders 1..9, 0 as the keyboard does
		add(sdl.SCANCODE_1+sdl.Scancode(i), string(rune('0'+(i+1)%10)))
	}
	for i := range 12 {
		add(sdl.SCANCODE_F1+sdl.Scancode(i), fmt.Sprintf("f%d", i+1))
	}
	for sc, name := range keyNames {
		add(sc, name)
	}
	return m
}()

// keyPause does not repeat.
var keyPause, _ = keys.Lookup("pause")

// keyboard tracks which keys the guest has been told are down, so that
// breaks are only sent for keys it saw go down and everything can be
// released at once.
type keyboard struct {
	send func([]byte)
	down map[sdl.Scancode][]byte // held keys and the break code each will send
}

func newKeyboard(send func([]byte)) *keyboard {
	return &keyboard{send: send, down: make(map[sdl.Scancode][]byte)}
}

// held reports whether one of the given host keys is down in the guest.
func (k *keyboard) held(scs ...sdl.Scancode) bool {
	for _, sc := range scs {
		if _, ok := k.down[sc]; ok {
			return true
		}
	}
	return false
}

// press sends the make code of the key at sc; repeat is SDL's typematic
// repeat of a held key, which a PC keyboard also reports as repeated make
// codes. It reports whether the key has a set-1 code.
func (k *keyboard) press(sc sdl.Scancode, repeat bool) bool {
	key, ok := keymap[sc]
	if !ok {
		return false
	}
	if key == keyPause && repeat {
		return true // Pause does not repeat
	}
	// Print Screen and Pause send other codes with modifiers held.
	mk, brk := key.CodesWith(keys.Held{
		Ctrl:  k.held(sdl.SCANCODE_LCTRL, sdl.SCANCODE_RCTRL),
		Alt:   k.held(sdl.SCANCODE_LALT, sdl.SCANCODE_RALT),
		Shift: k.held(sdl.SCANCODE_LSHIFT, sdl.SCANCODE_RSHIFT),
	})
	if prev, ok := k.down[sc]; ok && repeat {
		brk = prev // a repeat keeps the code chosen at the first press
	}
	k.down[sc] = brk
	k.send(mk)
	return true
}

// release sends the break code of the key at sc if the guest saw it go
// down.
func (k *keyboard) release(sc sdl.Scancode) {
	brk, ok := k.down[sc]
	if !ok {
		return
	}
	delete(k.down, sc)
	if len(brk) > 0 {
		k.send(brk)
	}
}

// releaseAll sends the break code of every key the guest believes held, in
// scancode order, and forgets them: the host key combination for stuck keys,
// and what happens when the window loses the keyboard focus.
func (k *keyboard) releaseAll() {
	for len(k.down) > 0 {
		first, found := sdl.Scancode(0), false
		for sc := range k.down {
			if !found || sc < first {
				first, found = sc, true
			}
		}
		k.release(first)
	}
}
