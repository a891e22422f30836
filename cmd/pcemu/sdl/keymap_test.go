//go:build !nosdl

package sdl

import (
	"fmt"
	"testing"

	"github.com/veandco/go-sdl2/sdl"

	"pcemu/cmd/pcemu/internal/displaytest"
)

// recorder is a keyboard whose scancodes go into a list.
func recorder() (*keyboard, *[][]byte) {
	var got [][]byte
	return newKeyboard(func(b []byte) { got = append(got, append([]byte(nil), b...)) }), &got
}

func TestKeyTranslation(t *testing.T) {
	for _, c := range []struct {
		name string
		sc   sdl.Scancode
		want string // make | break
	}{
		{"A", sdl.SCANCODE_A, "1E | 9E"},
		{"Z", sdl.SCANCODE_Z, "2C | AC"},
		{"1", sdl.SCANCODE_1, "02 | 82"},
		{"0", sdl.SCANCODE_0, "0B | 8B"},
		{"Esc", sdl.SCANCODE_ESCAPE, "01 | 81"},
		{"Enter", sdl.SCANCODE_RETURN, "1C | 9C"},
		{"Backspace", sdl.SCANCODE_BACKSPACE, "0E | 8E"},
		{"grave", sdl.SCANCODE_GRAVE, "29 | A9"},
		{"left Ctrl", sdl.SCANCODE_LCTRL, "1D | 9D"},
		{"right Ctrl", sdl.SCANCODE_RCTRL, "E0 1D | E0 9D"},
		{"left Alt", sdl.SCANCODE_LALT, "38 | B8"},
		{"right Alt", sdl.SCANCODE_RALT, "E0 38 | E0 B8"},
		{"right Shift", sdl.SCANCODE_RSHIFT, "36 | B6"},
		{"F1", sdl.SCANCODE_F1, "3B | BB"},
		{"F10", sdl.SCANCODE_F10, "44 | C4"},
		{"F11", sdl.SCANCODE_F11, "57 | D7"},
		{"F12", sdl.SCANCODE_F12, "58 | D8"},
		{"Up", sdl.SCANCODE_UP, "E0 48 | E0 C8"},
		{"Down", sdl.SCANCODE_DOWN, "E0 50 | E0 D0"},
		{"Left", sdl.SCANCODE_LEFT, "E0 4B | E0 CB"},
		{"Right", sdl.SCANCODE_RIGHT, "E0 4D | E0 CD"},
		{"Insert", sdl.SCANCODE_INSERT, "E0 52 | E0 D2"},
		{"Delete", sdl.SCANCODE_DELETE, "E0 53 | E0 D3"},
		{"Home", sdl.SCANCODE_HOME, "E0 47 | E0 C7"},
		{"End", sdl.SCANCODE_END, "E0 4F | E0 CF"},
		{"PgUp", sdl.SCANCODE_PAGEUP, "E0 49 | E0 C9"},
		{"PgDn", sdl.SCANCODE_PAGEDOWN, "E0 51 | E0 D1"},
		{"keypad Enter", sdl.SCANCODE_KP_ENTER, "E0 1C | E0 9C"},
		{"keypad /", sdl.SCANCODE_KP_DIVIDE, "E0 35 | E0 B5"},
		{"keypad *", sdl.SCANCODE_KP_MULTIPLY, "37 | B7"},
		{"keypad 7", sdl.SCANCODE_KP_7, "47 | C7"},
		{"keypad .", sdl.SCANCODE_KP_PERIOD, "53 | D3"},
		{"Num Lock", sdl.SCANCODE_NUMLOCKCLEAR, "45 | C5"},
		{"Scroll Lock", sdl.SCANCODE_SCROLLLOCK, "46 | C6"},
		{"Caps Lock", sdl.SCANCODE_CAPSLOCK, "3A | BA"},
		{"ISO 102nd key", sdl.SCANCODE_NONUSBACKSLASH, "56 | D6"},
		{"left Windows", sdl.SCANCODE_LGUI, "E0 5B | E0 DB"},
		{"Menu", sdl.SCANCODE_APPLICATION, "E0 5D | E0 DD"},
		{"Print Screen", sdl.SCANCODE_PRINTSCREEN, "E0 2A E0 37 | E0 B7 E0 AA"},
		{"Pause", sdl.SCANCODE_PAUSE, "E1 1D 45 E1 9D C5"}, // nothing on release
	} {
		t.Run(c.name, func(t *testing.T) {
			k, got := recorder()
			if !k.press(c.sc, false) {
				t.Fatalf("no key for SDL scancode %d", c.sc)
			}
			k.release(c.sc)
			if s := displaytest.HexStrokes(*got); s != c.want {
				t.Errorf("got %s, want %s", s, c.want)
			}
		})
	}
}

func TestKeyModifierVariants(t *testing.T) {
	for _, c := range []struct {
		name string
		mod  sdl.Scancode
		key  sdl.Scancode
		want string
	}{
		// Alt+Print Screen is SysRq; with Shift or Ctrl the fake Shift
		// is left out; Ctrl+Pause is Break.
		{"Alt+PrtSc", sdl.SCANCODE_LALT, sdl.SCANCODE_PRINTSCREEN, "38 | 54 | D4 | B8"},
		{"Shift+PrtSc", sdl.SCANCODE_LSHIFT, sdl.SCANCODE_PRINTSCREEN, "2A | E0 37 | E0 B7 | AA"},
		{"Ctrl+PrtSc", sdl.SCANCODE_RCTRL, sdl.SCANCODE_PRINTSCREEN, "E0 1D | E0 37 | E0 B7 | E0 9D"},
		{"Ctrl+Pause", sdl.SCANCODE_LCTRL, sdl.SCANCODE_PAUSE, "1D | E0 46 E0 C6 | 9D"},
		{"Ctrl+Alt+Del", sdl.SCANCODE_LCTRL, sdl.SCANCODE_DELETE, "1D | E0 53 | E0 D3 | 9D"},
	} {
		t.Run(c.name, func(t *testing.T) {
			k, got := recorder()
			k.press(c.mod, false)
			k.press(c.key, false)
			k.release(c.key)
			k.release(c.mod)
			if s := displaytest.HexStrokes(*got); s != c.want {
				t.Errorf("got %s, want %s", s, c.want)
			}
		})
	}
}

func TestTypematicAndRelease(t *testing.T) {
	k, got := recorder()
	// SDL's repeat events are repeated make codes, as a PC keyboard's
	// typematic repeat; Pause does not repeat.
	k.press(sdl.SCANCODE_UP, false)
	k.press(sdl.SCANCODE_UP, true)
	k.press(sdl.SCANCODE_UP, true)
	k.release(sdl.SCANCODE_UP)
	k.press(sdl.SCANCODE_PAUSE, false)
	k.press(sdl.SCANCODE_PAUSE, true)
	if s, want := displaytest.HexStrokes(*got), "E0 48 | E0 48 | E0 48 | E0 C8 | E1 1D 45 E1 9D C5"; s != want {
		t.Errorf("repeat: %s, want %s", s, want)
	}
	// A release the guest never saw the press of sends nothing; keys
	// without a set-1 code are not sent.
	*got = nil
	k.release(sdl.SCANCODE_B)
	if k.press(sdl.SCANCODE_F13, false) || len(*got) != 0 {
		t.Errorf("sent %s", displaytest.HexStrokes(*got))
	}
	// Release everything: every held key's break, once.
	k.press(sdl.SCANCODE_LCTRL, false)
	k.press(sdl.SCANCODE_LALT, false)
	k.press(sdl.SCANCODE_RIGHT, false)
	*got = nil
	k.releaseAll()
	k.release(sdl.SCANCODE_LCTRL)
	if s, want := displaytest.HexStrokes(*got), "E0 CD | 9D | B8"; s != want {
		t.Errorf("release all: %s, want %s", s, want)
	}
}

// Every key of the table has its own set-1 code, except the two names SDL
// has for the US backslash key.
func TestKeymapDistinct(t *testing.T) {
	seen := map[string]sdl.Scancode{}
	for sc, k := range keymap {
		id := fmt.Sprintf("% X", k.Make())
		if other, dup := seen[id]; dup && !(isBackslash(sc) && isBackslash(other)) {
			t.Errorf("SDL scancodes %d and %d both send %s", sc, other, id)
		}
		seen[id] = sc
	}
	if len(keymap) < 104 {
		t.Errorf("only %d keys mapped; a 104-key keyboard has more", len(keymap))
	}
}

func isBackslash(sc sdl.Scancode) bool {
	return sc == sdl.SCANCODE_BACKSLASH || sc == sdl.SCANCODE_NONUSHASH
}

func TestFitRect(t *testing.T) {
	for _, c := range []struct {
		ow, oh, sw, sh int
		want           sdl.Rect
	}{
		{720, 540, 720, 540, sdl.Rect{X: 0, Y: 0, W: 720, H: 540}},
		{1440, 1080, 720, 540, sdl.Rect{X: 0, Y: 0, W: 1440, H: 1080}},
		{1920, 1080, 720, 540, sdl.Rect{X: 240, Y: 0, W: 1440, H: 1080}},
		{800, 600, 720, 540, sdl.Rect{X: 40, Y: 30, W: 720, H: 540}},
		{1000, 800, 320, 240, sdl.Rect{X: 20, Y: 40, W: 960, H: 720}},
		{400, 600, 720, 540, sdl.Rect{X: 0, Y: 150, W: 400, H: 300}}, // smaller than 1x: fit, 4:3 kept
		{640, 300, 720, 540, sdl.Rect{X: 120, Y: 0, W: 400, H: 300}},
	} {
		if got := fitRect(c.ow, c.oh, c.sw, c.sh); got != c.want {
			t.Errorf("fitRect(%d,%d, %d,%d) = %+v, want %+v", c.ow, c.oh, c.sw, c.sh, got, c.want)
		}
	}
}
