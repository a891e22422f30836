package machine

import (
	"bytes"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"

	"pcemu/machine/video"
)

// The screen as the user and the tools see it: text, snapshots for the
// displays, screenshots and screen dumps. Every method is safe while the
// machine runs on another goroutine (each takes the machine's mutex between
// two run slices).

// videoDisplay is the video adapter as INT 10h sees it.
type videoDisplay struct{ a *video.Adapter }

func (d videoDisplay) SetMode(mode uint8) bool { return d.a.SetMode(int(mode)) == nil }

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

// VideoChanges is the adapter's change counter: a display compares it with
// the last frame's to skip redrawing an unchanged screen.
func (m *Machine) VideoChanges() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.Video.Changes()
}

// Screenshot renders the screen as the display shows it (cursor visible).
func (m *Machine) Screenshot() *image.RGBA {
	return m.VideoSnapshot().Render(nil, 0)
}

// Screendump writes the screen to path: as text when it ends in .txt, as a
// PNG image when it ends in .png.
func (m *Machine) Screendump(path string) error {
	var data []byte
	switch strings.ToLower(filepath.Ext(path)) {
	case ".txt":
		data = []byte(m.ScreenText() + "\n")
	case ".png":
		var buf bytes.Buffer
		if err := m.VideoSnapshot().WritePNG(&buf, 0); err != nil {
			return fmt.Errorf("screendump %s: %w", path, err)
		}
		data = buf.Bytes()
	default:
		return fmt.Errorf("screendump %s: the name must end in .txt or .png", path)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("screendump: %w", err)
	}
	return nil
}
