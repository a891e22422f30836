//go:build !nosdl

package sdl

import (
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"time"
	"unsafe"

	"github.com/veandco/go-sdl2/sdl"

	"pcemu/machine"
	"pcemu/machine/video"
)

// Built reports whether this pcemu has the SDL window.
const Built = true

// A VGA scans 70 frames a second in its 400-line modes; the renderer's
// cursor blinks every 8 frames and blinking characters every 16, so the
// picture only needs redrawing for the blink every blinkFrames frames.
const (
	vgaFrameRate = 70
	blinkFrames  = 8
)

// pollMillis is how long the window waits for host events before looking
// at the machine's screen again: about 100 looks a second, more than any
// display's refresh needs and cheap for the CPU's goroutine (a look is a
// counter read under the machine's lock).
const pollMillis = 10

// snapEvery is the shortest time between two copies of the screen from
// the machine: one VGA frame. A guest that draws all the time is shown at
// the VGA's own rate and costs the CPU's goroutine no more than that.
const snapEvery = time.Second / vgaFrameRate

// titleEvery is how often the title's MIPS figure is brought up to date.
const titleEvery = time.Second

// Run opens the window and shows m in it until ctx is done (the caller
// cancels it when the machine stops) or the user closes the window or
// presses Ctrl+Alt+Q, which power the machine off with m.PowerOff. It must
// be called from the goroutine that owns the main OS thread (see the
// package comment); it locks that goroutine to its thread while it runs.
// An error means the window could not be opened or drawn (no display, no
// usable renderer); the machine is left running then.
func Run(ctx context.Context, m Machine, opt Options) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	w, err := open(m, opt)
	if err != nil {
		return err
	}
	defer w.close()
	return w.loop(ctx)
}

// window is the open SDL window and the state of what it shows.
type window struct {
	m   Machine
	opt Options
	kbd *keyboard

	win *sdl.Window
	ren *sdl.Renderer
	tex *sdl.Texture
	tw  int // texture size: the renderer's native image size
	th  int

	start   time.Time      // frame 0 of the blink phases
	snap    *video.Adapter // the screen last copied from the machine
	changes uint64         // the machine's change counter at that copy
	snapAt  time.Time      // when it was taken
	phase   uint64         // blink phase of the picture in the texture
	frame   uint64         // frame number the picture was rendered for
	img     *image.RGBA    // the last rendered picture
	dirty   bool           // the window needs repainting (resize, expose)

	titleAt    time.Time
	titleStats machine.Stats
	titleMIPS  float64

	captured bool // the host's pointer drives the guest's mouse
	swallow  bool // the release of the click that captured it is the host's

	audio       sdl.AudioDeviceID // 0: no sound
	audioRate   int
	audioBuffer int // samples in the device's own buffer
	sound       Sound
	samples     []int16

	painted func() // test hook: called after painting, before Present
}

func open(m Machine, opt Options) (*window, error) {
	// Signals stay with Go (the caller handles SIGINT and friends); the
	// picture is scaled with nearest-neighbour sampling so that pixels stay
	// sharp.
	sdl.SetHint(sdl.HINT_NO_SIGNAL_HANDLERS, "1")
	sdl.SetHint(sdl.HINT_RENDER_SCALE_QUALITY, "nearest")
	sdl.SetHint(sdl.HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0")
	if err := sdl.Init(sdl.INIT_VIDEO); err != nil {
		return nil, fmt.Errorf("SDL window: %v (no display? -display term shows the machine in the terminal)", err)
	}
	w := &window{m: m, opt: opt, start: time.Now()}
	w.kbd = newKeyboard(m.SendScancodes)

	w.snap = m.VideoSnapshotInto(nil)
	w.changes = m.VideoChanges()
	w.img = w.snap.Render(nil, 0)
	sw, sh := video.ScreenSize(w.img.Rect.Dx(), w.img.Rect.Dy())
	scale := opt.Scale
	if scale <= 0 {
		scale = max(1, 720/sh)
		if r, err := sdl.GetDisplayUsableBounds(0); err == nil {
			for scale > 1 && (int32(scale*sw) > r.W || int32(scale*sh) > r.H) {
				scale--
			}
		}
	}
	flags := uint32(sdl.WINDOW_RESIZABLE | sdl.WINDOW_ALLOW_HIGHDPI)
	if opt.Fullscreen {
		flags |= sdl.WINDOW_FULLSCREEN_DESKTOP
	}
	var err error
	w.win, err = sdl.CreateWindow(w.title(0, false), sdl.WINDOWPOS_CENTERED, sdl.WINDOWPOS_CENTERED,
		int32(scale*sw), int32(scale*sh), flags)
	if err != nil {
		sdl.Quit()
		return nil, fmt.Errorf("SDL window: %v", err)
	}
	w.win.SetMinimumSize(160, 120)
	w.ren, err = sdl.CreateRenderer(w.win, -1, sdl.RENDERER_ACCELERATED|sdl.RENDERER_PRESENTVSYNC)
	if err != nil {
		// No GPU (a remote X server, Xvfb, the dummy driver): SDL's
		// software renderer draws into the window's own framebuffer.
		w.ren, err = sdl.CreateRenderer(w.win, -1, sdl.RENDERER_SOFTWARE)
	}
	if err != nil {
		w.close()
		return nil, fmt.Errorf("SDL renderer: %v", err)
	}
	// The guest gets physical keys; text input (and an input method's
	// pop-ups) is not wanted.
	sdl.StopTextInput()
	if err := w.upload(); err != nil {
		w.close()
		return nil, err
	}
	w.dirty = true
	w.titleAt, w.titleStats = w.start, m.Stats()
	if opt.Audio != nil {
		if err := w.openAudio(); err != nil {
			w.logf("no sound: %v", err)
		}
	}
	return w, nil
}

// audioQueue is how much sound the window keeps queued in the device: enough
// to ride over a few of its polls (pollMillis) without the device running
// dry, little enough that the sound keeps up with the picture.
const audioQueue = 60 * time.Millisecond

// openAudio opens the default audio device for 16-bit mono samples at
// machine.DefaultAudioRate or the rate the device prefers.
func (w *window) openAudio() error {
	if err := sdl.InitSubSystem(sdl.INIT_AUDIO); err != nil {
		return err
	}
	want := sdl.AudioSpec{Freq: machine.DefaultAudioRate, Format: sdl.AUDIO_S16SYS, Channels: 1, Samples: 512}
	var got sdl.AudioSpec
	dev, err := sdl.OpenAudioDevice("", false, &want, &got, sdl.AUDIO_ALLOW_FREQUENCY_CHANGE)
	if err != nil {
		sdl.QuitSubSystem(sdl.INIT_AUDIO)
		return err
	}
	w.audio, w.audioRate, w.audioBuffer = dev, int(got.Freq), int(got.Samples)
	w.sound = w.opt.Audio(w.audioRate)
	w.samples = make([]int16, int(time.Duration(w.audioRate)*audioQueue/time.Second))
	sdl.PauseAudioDevice(dev, false)
	return nil
}

// audioPrime is the silence queued ahead of the samples whenever the
// device's queue is empty (at the start, and after the device ran dry):
// the machine makes its samples at the pace of the host clock, so without
// a lead the device would take each one as soon as it exists and run dry
// at every late poll, breaking a tone into pieces. One gap of this length
// per starvation replaces a crackle every few polls.
const audioPrime = 30 * time.Millisecond

// feedAudio tops the device's queue up to audioQueue with the samples the
// machine has ready. When the machine has fallen behind (the host was
// busy), the device plays silence meanwhile, and the samples that follow
// are queued behind audioPrime of silence.
func (w *window) feedAudio() (n int) {
	if w.audio == 0 {
		return 0
	}
	queued := int(sdl.GetQueuedAudioSize(w.audio) / 2)
	if queued >= len(w.samples) {
		return 0
	}
	room := len(w.samples) - queued
	prime := 0
	if queued == 0 {
		prime = int(time.Duration(w.audioRate) * audioPrime / time.Second)
		clear(w.samples[:prime])
	}
	n = w.sound.Read(w.samples[prime:room])
	if n == 0 {
		return 0
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&w.samples[0])), 2*(prime+n))
	if err := sdl.QueueAudio(w.audio, b); err != nil {
		w.logf("sound: %v", err)
		sdl.CloseAudioDevice(w.audio)
		w.audio = 0
	}
	return n
}

// drainAudio plays what is left when the machine has stopped (a guest
// that beeps and ends, as a program's last sound): the machine's last
// samples and the device's queue, waiting at most as long as they can
// take to play.
func (w *window) drainAudio() {
	if w.audio == 0 {
		return
	}
	deadline := time.Now().Add(2 * (audioQueue + audioPrime))
	for time.Now().Before(deadline) {
		if w.feedAudio() == 0 && sdl.GetQueuedAudioSize(w.audio) == 0 {
			// The queue is empty; the device's own buffer still plays.
			time.Sleep(time.Duration(w.audioBuffer) * time.Second / time.Duration(w.audioRate))
			return
		}
		time.Sleep(pollMillis * time.Millisecond / 2)
	}
}

func (w *window) close() {
	if w.audio != 0 {
		sdl.CloseAudioDevice(w.audio)
	}
	if w.captured {
		sdl.SetRelativeMouseMode(false)
	}
	if w.tex != nil {
		w.tex.Destroy()
	}
	if w.ren != nil {
		w.ren.Destroy()
	}
	if w.win != nil {
		w.win.Destroy()
	}
	sdl.Quit()
}

// loop handles host events and keeps the picture up to date until ctx is
// done or the user quits.
func (w *window) loop(ctx context.Context) error {
	for ctx.Err() == nil {
		quit := false
		for ev := sdl.WaitEventTimeout(pollMillis); ev != nil; ev = sdl.PollEvent() {
			quit = w.handle(ev) || quit
		}
		if quit {
			w.m.PowerOff()
			return nil
		}
		w.feedAudio()
		now := time.Now()
		if err := w.refresh(now); err != nil {
			return err
		}
		if now.Sub(w.titleAt) >= titleEvery {
			w.updateTitle(now)
		}
	}
	w.drainAudio()
	return nil
}

// updateTitle shows the emulated speed: the instructions the guest ran
// per second of host time since the last update. In real time that is the
// pace -mips sets (less while the guest waits in HLT); it falls below it
// when the host cannot keep up.
func (w *window) updateTitle(now time.Time) {
	st := w.m.Stats()
	var mips float64
	if st.Instructions >= w.titleStats.Instructions {
		mips = float64(st.Instructions-w.titleStats.Instructions) / now.Sub(w.titleAt).Seconds() / 1e6
	}
	w.titleMIPS = mips
	w.win.SetTitle(w.title(mips, true))
	w.titleAt, w.titleStats = now, st
}

// title is "pcemu — IMAGE — 12.3 MIPS — click to capture the mouse", or
// "... — Ctrl+Alt+G releases the mouse" while it is captured.
func (w *window) title(mips float64, known bool) string {
	t := "pcemu"
	if w.opt.Image != "" {
		t += " — " + w.opt.Image
	}
	if known {
		t += fmt.Sprintf(" — %.1f MIPS", mips)
	}
	if w.captured {
		return t + " — Ctrl+Alt+G releases the mouse"
	}
	return t + " — click to capture the mouse"
}

// capture gives the host's pointer to the guest's mouse (on) or lets it
// go, and says so in the title.
func (w *window) capture(on bool) {
	if on == w.captured {
		return
	}
	if sdl.SetRelativeMouseMode(on) != 0 && on {
		// A driver without relative mode (the dummy one) still reports
		// relative motion.
		w.logf("mouse capture: %v", sdl.GetError())
	}
	w.captured, w.swallow = on, false
	w.win.SetTitle(w.title(w.titleMIPS, w.titleMIPS != 0))
}

// sdlButtons are the guest's mouse buttons for SDL's button numbers.
var sdlButtons = map[uint8]uint8{
	sdl.BUTTON_LEFT: machine.MouseLeft, sdl.BUTTON_RIGHT: machine.MouseRight, sdl.BUTTON_MIDDLE: machine.MouseMiddle,
}

// mouseButton handles a button event: the first click captures the
// pointer (and is not the guest's); then buttons go to the guest.
func (w *window) mouseButton(e *sdl.MouseButtonEvent) {
	if !w.captured {
		if e.Type == sdl.MOUSEBUTTONDOWN && e.Button == sdl.BUTTON_LEFT {
			w.capture(true)
			w.swallow = true
		}
		return
	}
	if w.swallow && e.Type == sdl.MOUSEBUTTONUP && e.Button == sdl.BUTTON_LEFT {
		w.swallow = false
		return
	}
	if b, ok := sdlButtons[e.Button]; ok {
		w.m.MouseButton(b, e.Type == sdl.MOUSEBUTTONDOWN)
	}
}

// refresh copies the screen from the machine when it has changed, renders
// it again when it changed or a blink phase turned, and repaints the
// window when anything is new.
func (w *window) refresh(now time.Time) error {
	frame := uint64(now.Sub(w.start) * vgaFrameRate / time.Second)
	phase := frame / blinkFrames
	switch changes := w.m.VideoChanges(); {
	case changes != w.changes && now.Sub(w.snapAt) >= snapEvery:
		// One copy of the adapter, overwritten: no garbage per frame.
		w.snap, w.changes, w.snapAt = w.m.VideoSnapshotInto(w.snap), changes, now
	case phase != w.phase && w.snap.Geometry().Text:
		// Only the cursor or blinking characters change.
	default:
		if w.dirty {
			return w.paint()
		}
		return nil
	}
	w.phase, w.frame = phase, frame
	w.img = w.snap.Render(w.img, frame)
	if err := w.upload(); err != nil {
		return err
	}
	return w.paint()
}

// upload puts the rendered picture into the texture, making a new texture
// when the mode's size changed.
func (w *window) upload() error {
	iw, ih := w.img.Rect.Dx(), w.img.Rect.Dy()
	if w.tex == nil || iw != w.tw || ih != w.th {
		if w.tex != nil {
			w.tex.Destroy()
			w.tex = nil
		}
		t, err := w.ren.CreateTexture(uint32(sdl.PIXELFORMAT_RGBA32), sdl.TEXTUREACCESS_STREAMING, int32(iw), int32(ih))
		if err != nil {
			return fmt.Errorf("SDL texture %dx%d: %v", iw, ih, err)
		}
		w.tex, w.tw, w.th = t, iw, ih
	}
	if err := w.tex.Update(nil, unsafe.Pointer(&w.img.Pix[0]), w.img.Stride); err != nil {
		return fmt.Errorf("SDL texture update: %v", err)
	}
	return nil
}

// dstRect is where the picture goes in the window: the 4:3 screen size
// (video.ScreenSize) times the largest integer that fits, centred; in a
// window smaller than the screen size, the largest 4:3 rectangle that
// fits.
func (w *window) dstRect() sdl.Rect {
	ow, oh, err := w.ren.GetOutputSize()
	if err != nil || ow <= 0 || oh <= 0 {
		ow, oh = w.win.GetSize()
	}
	sw, sh := video.ScreenSize(w.tw, w.th)
	return fitRect(int(ow), int(oh), sw, sh)
}

// fitRect centres an integer multiple of sw x sh in an ow x oh area, or
// the largest rectangle of the same shape when not even one fits.
func fitRect(ow, oh, sw, sh int) sdl.Rect {
	k := min(ow/sw, oh/sh)
	dw, dh := k*sw, k*sh
	if k < 1 {
		if ow*sh < oh*sw { // the width limits
			dw, dh = ow, max(1, ow*sh/sw)
		} else {
			dw, dh = max(1, oh*sw/sh), oh
		}
	}
	return sdl.Rect{X: int32((ow - dw) / 2), Y: int32((oh - dh) / 2), W: int32(dw), H: int32(dh)}
}

// paint draws the texture with black borders and shows it.
func (w *window) paint() error {
	w.dirty = false
	dst := w.dstRect()
	if err := w.ren.SetDrawColor(0, 0, 0, 0xFF); err != nil {
		return fmt.Errorf("SDL: %v", err)
	}
	if err := w.ren.Clear(); err != nil {
		return fmt.Errorf("SDL: %v", err)
	}
	if err := w.ren.Copy(w.tex, nil, &dst); err != nil {
		return fmt.Errorf("SDL: %v", err)
	}
	if w.painted != nil {
		w.painted()
	}
	w.ren.Present()
	return nil
}

// handle processes one host event and reports whether the user asked to
// quit.
func (w *window) handle(ev sdl.Event) bool {
	switch e := ev.(type) {
	case *sdl.QuitEvent:
		return true
	case *sdl.WindowEvent:
		switch e.Event {
		case sdl.WINDOWEVENT_CLOSE:
			return true
		case sdl.WINDOWEVENT_FOCUS_LOST:
			// Keys released while another window has the focus
			// would stay down in the guest; the pointer goes back
			// to the host.
			w.kbd.releaseAll()
			w.capture(false)
		case sdl.WINDOWEVENT_EXPOSED, sdl.WINDOWEVENT_SIZE_CHANGED, sdl.WINDOWEVENT_RESIZED,
			sdl.WINDOWEVENT_RESTORED, sdl.WINDOWEVENT_MAXIMIZED:
			w.dirty = true
		}
	case *sdl.RenderEvent:
		// The renderer lost its textures (a display change on some
		// systems): upload the picture again.
		w.dirty = true
		if err := w.upload(); err != nil {
			w.logf("%v", err)
		}
	case *sdl.KeyboardEvent:
		return w.key(e)
	case *sdl.MouseMotionEvent:
		if w.captured && (e.XRel != 0 || e.YRel != 0) {
			w.m.MouseMotion(int(e.XRel), int(e.YRel))
		}
	case *sdl.MouseButtonEvent:
		w.mouseButton(e)
	}
	return false
}

// Host key combinations: Ctrl+Alt and a key. The key's press and release
// do not reach the guest (Ctrl and Alt do, as on QEMU).
const (
	hostRelease    = sdl.SCANCODE_R
	hostScreenshot = sdl.SCANCODE_S
	hostFullscreen = sdl.SCANCODE_F
	hostMouse      = sdl.SCANCODE_G
	hostSaveState  = sdl.SCANCODE_W
	hostLoadState  = sdl.SCANCODE_L
	hostQuit       = sdl.SCANCODE_Q
)

// key handles a key press or release and reports whether it asked to quit.
func (w *window) key(e *sdl.KeyboardEvent) bool {
	sc := e.Keysym.Scancode
	if e.Type == sdl.KEYUP {
		w.kbd.release(sc)
		return false
	}
	mod := sdl.Keymod(e.Keysym.Mod)
	if mod&sdl.KMOD_CTRL != 0 && mod&sdl.KMOD_ALT != 0 {
		switch sc {
		case hostRelease, hostScreenshot, hostFullscreen, hostMouse, hostSaveState, hostLoadState, hostQuit:
			if e.Repeat != 0 {
				return false
			}
			return w.hostKey(sc)
		}
	}
	w.kbd.press(sc, e.Repeat != 0)
	return false
}

func (w *window) hostKey(sc sdl.Scancode) bool {
	switch sc {
	case hostRelease:
		w.kbd.releaseAll()
	case hostScreenshot:
		path, err := w.screenshot(time.Now())
		if err != nil {
			w.logf("screenshot: %v", err)
		} else {
			w.logf("screenshot saved to %s", path)
		}
	case hostFullscreen:
		var mode uint32
		if w.win.GetFlags()&sdl.WINDOW_FULLSCREEN_DESKTOP != sdl.WINDOW_FULLSCREEN_DESKTOP {
			mode = sdl.WINDOW_FULLSCREEN_DESKTOP
		}
		if err := w.win.SetFullscreen(mode); err != nil {
			w.logf("full screen: %v", err)
		}
		w.dirty = true
	case hostMouse:
		w.capture(false)
	case hostSaveState, hostLoadState:
		f, what := w.opt.SaveState, "state saved to"
		if sc == hostLoadState {
			f, what = w.opt.LoadState, "state loaded from"
		}
		if f == nil {
			break
		}
		if path, err := f(); err != nil {
			w.logf("%v", err)
		} else {
			w.logf("%s %s", what, path)
		}
		w.dirty = true
	case hostQuit:
		return true
	}
	return false
}

// screenshot saves the screen as pcemu-YYYYMMDD-HHMMSS.png (with -2, -3,
// ... when that exists) through the machine's Screendump, the same image
// --screendump writes.
func (w *window) screenshot(now time.Time) (string, error) {
	base := filepath.Join(w.opt.ScreenshotDir, "pcemu-"+now.Format("20060102-150405"))
	path := base + ".png"
	for i := 2; ; i++ {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			break
		}
		if i > 1000 {
			return "", fmt.Errorf("%s: too many screenshots with this name", base)
		}
		path = fmt.Sprintf("%s-%d.png", base, i)
	}
	return path, w.m.Screendump(path)
}

func (w *window) logf(format string, args ...any) {
	if w.opt.Log != nil {
		fmt.Fprintf(w.opt.Log, "pcemu: "+format+"\n", args...)
	}
}
