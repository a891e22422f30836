package machine

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"pcemu/machine/video"
)

// The screen as the user and the tools see it: text, snapshots for the
// displays, screenshots and screen dumps. Every method is safe while the
// machine runs on another goroutine (each takes the machine's mutex between
// two run slices).

// ScreenText returns the screen as text: one line per text row, CP437
// decoded to Unicode.
func (m *Machine) ScreenText() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.Video.Text().String()
}

// VideoSnapshot returns a copy of the video adapter (its memory and
// registers) taken between two run slices. A display goroutine renders the
// copy at its own pace without holding up the CPU or racing with it.
func (m *Machine) VideoSnapshot() *video.Adapter {
	m.mu.Lock()
	defer m.mu.Unlock()
	snap := *m.Video
	snap.SetClock(nil)
	return &snap
}

// VideoSnapshotInto is VideoSnapshot copying into dst (a new adapter when
// dst is nil), so that a display refreshing every frame reuses one copy
// instead of making garbage of a quarter megabyte per frame.
func (m *Machine) VideoSnapshotInto(dst *video.Adapter) *video.Adapter {
	if dst == nil {
		dst = new(video.Adapter)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	*dst = *m.Video
	dst.SetClock(nil)
	return dst
}

// VideoChanges is the adapter's change counter: a display compares it with
// the last frame's to skip redrawing an unchanged screen.
func (m *Machine) VideoChanges() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.Video.Changes()
}

// Screenshot renders the screen as the display shows it: at the display
// aspect ratio (video.ScreenImage), cursor visible. It is the picture
// Screendump writes.
func (m *Machine) Screenshot() *image.RGBA {
	return video.ScreenImage(m.VideoSnapshot().Render(nil, 0))
}

// Screendump writes the screen to path: as text when it ends in .txt, as a
// PNG image when it ends in .png. Errors name the file.
func (m *Machine) Screendump(path string) error {
	if err := checkScreendumpName(path); err != nil {
		return err
	}
	var data []byte
	if strings.EqualFold(filepath.Ext(path), ".txt") {
		data = []byte(m.ScreenText() + "\n")
	} else {
		var buf bytes.Buffer
		if err := m.VideoSnapshot().WritePNG(&buf, 0); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		data = buf.Bytes()
	}
	return writeDump(path, data)
}

// writeDump writes data to path, a regular file, created or replaced. A
// special file there is refused, not opened: open(2) of a FIFO for writing
// waits for a reader, and while pcemu waits there neither a signal nor
// --timeout ends it. The open itself does not wait (O_NONBLOCK: a FIFO put
// there since the check fails with ENXIO), and the file is checked again
// once open, before it is truncated.
func writeDump(path string, data []byte) error {
	if err := notRegular(path); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|syscall.O_NONBLOCK, 0o644)
	if errors.Is(err, syscall.ENXIO) {
		return fmt.Errorf("%s: cannot be written: not a regular file: a named pipe (FIFO)", path)
	}
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = fmt.Errorf("%s: cannot be written: not a regular file (%v)", path, st.Mode().Type())
	}
	if err == nil {
		err = f.Truncate(0)
	}
	if err == nil {
		_, err = f.Write(data)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// notRegular refuses a path that exists and is not a regular file (a FIFO,
// a socket, a device, a folder), naming what it is.
func notRegular(path string) error {
	st, err := os.Stat(path)
	if err != nil || st.Mode().IsRegular() {
		return nil // a missing file is created; other errors show at the open
	}
	m := st.Mode()
	what := fmt.Sprintf("not a regular file (%v)", m.Type())
	switch {
	case m.IsDir():
		what = "is a folder"
	case m&fs.ModeNamedPipe != 0:
		what = "not a regular file: a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "not a regular file: a socket"
	case m&fs.ModeCharDevice != 0:
		what = "not a regular file: a character device"
	case m&fs.ModeDevice != 0:
		what = "not a regular file: a block device"
	}
	return fmt.Errorf("%s: cannot be written: %s", path, what)
}

// CheckScreendump reports, before the machine starts, what would make
// Screendump(path) fail for certain: a name that ends in neither .txt nor
// .png, a folder that does not exist, or a special file (a FIFO) by that
// name. pcemu checks --screendump and a script's screendump steps with it.
func CheckScreendump(path string) error {
	if err := checkScreendumpName(path); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: cannot be written: the folder %s does not exist", path, dir)
	case err != nil:
		return fmt.Errorf("%s: cannot be written: %w", path, err)
	case !st.IsDir():
		return fmt.Errorf("%s: cannot be written: %s is not a folder", path, dir)
	}
	return notRegular(path)
}

// checkScreendumpName is the part of CheckScreendump that looks at the
// name only: the format comes from the extension.
func checkScreendumpName(path string) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".txt", ".png":
		return nil
	}
	return fmt.Errorf("%s: the name must end in .txt or .png", path)
}
