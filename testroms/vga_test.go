package testroms

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/shared"
	"pcemu/machine"
	"pcemu/machine/machinetest"
	"pcemu/machine/video"
)

// The VGA programs run on pcemu (80286 and 8086): every check must pass,
// and the picture each leaves must be its golden PNG (testdata/NAME.png,
// the adapter's native resolution; PCEMU_UPDATE_GOLDEN=1 rewrites them).
// Under QEMU (TestVGAProgramsUnderQEMU) the same program's picture, taken
// with QEMU's screendump when the program prints its PICTURE line, must
// show the same colours at every pixel once both are at the native
// resolution; the test lists the pixels that differ.

// vgaPicture runs a VGA program on pcemu and returns its debug console
// output and the adapter as the program left it.
func vgaPicture(t *testing.T, name string, prog []byte, model cpu.Model) (string, *video.Adapter) {
	t.Helper()
	hd, fd := writeDisks(t, t.TempDir(), name, prog)
	m := machinetest.Boot(t, machine.Config{Model: model, HardDisks: [4]string{hd}, Floppies: [2]string{fd}, NoReboot: true})
	reason, status := m.WaitStop(programTimeout)
	out := m.DebugOutput()
	fails, passes, done := summarize(out)
	for _, f := range fails {
		t.Error(f)
	}
	if reason != machine.ExitPort || status != 1 || !done || passes == 0 {
		t.Errorf("stopped by %v with status %d (done %v, %d passed); debug console:\n%s", reason, status, done, passes, out)
	}
	if !strings.Contains(out, "PICTURE "+name) {
		t.Errorf("no PICTURE line; debug console:\n%s", out)
	}
	return out, m.VideoSnapshot()
}

// vgaRun is one run of a VGA program: vga_modes runs once per standard
// mode, as vga_modes-XX, vga_tweak once per tweak, as vga_tweak-WxH.
type vgaRun struct {
	name, program string
	binary        []byte
}

func vgaRuns(t *testing.T) []vgaRun {
	var runs []vgaRun
	for _, name := range VGAPrograms {
		prog, err := Binary(name)
		if err != nil {
			t.Fatal(err)
		}
		switch name {
		case "vga_modes":
			for _, m := range StandardModes {
				p, err := WithByte(prog, "VGAMODE=", m)
				if err != nil {
					t.Fatal(err)
				}
				runs = append(runs, vgaRun{fmt.Sprintf("%s-%02X", name, m), name, p})
			}
		case "vga_tweak":
			for i, tw := range Tweaks {
				p, err := WithByte(prog, "TWEAK=", uint8(i))
				if err != nil {
					t.Fatal(err)
				}
				runs = append(runs, vgaRun{name + "-" + tw, name, p})
			}
		default:
			runs = append(runs, vgaRun{name, name, prog})
		}
	}
	return runs
}

func TestVGAPrograms(t *testing.T) {
	for _, r := range vgaRuns(t) {
		for _, model := range []cpu.Model{cpu.Model80286, cpu.Model8086} {
			t.Run(r.name+"/"+modelName(model), func(t *testing.T) {
				_, snap := vgaPicture(t, r.program, r.binary, model)
				checkGolden(t, r.name, snap.Render(nil, 0))
			})
		}
	}
}

// checkGolden compares a picture with testdata/NAME.png.
func checkGolden(t *testing.T, name string, pic *image.RGBA) {
	t.Helper()
	path := filepath.Join("testdata", name+".png")
	if os.Getenv("PCEMU_UPDATE_GOLDEN") != "" {
		var b bytes.Buffer
		if err := png.Encode(&b, pic); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("golden picture: %v (PCEMU_UPDATE_GOLDEN=1 writes it)", err)
	}
	defer f.Close()
	want, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if d := diffPictures(pic, want, 8); d != "" {
		t.Errorf("the picture differs from %s: %s", path, d)
	}
}

// diffPictures compares two pictures of the same size at 6 bits per
// colour component (the DAC's precision: emulators widen 6-bit values to
// 8 bits in different ways) and describes the pixels that differ: how
// many, the rectangle around them and the first few with both colours.
func diffPictures(got *image.RGBA, want image.Image, _ int) string {
	if got.Rect.Size() != want.Bounds().Size() {
		return fmt.Sprintf("size %v, want %v", got.Rect.Size(), want.Bounds().Size())
	}
	var n int
	var box image.Rectangle
	var first []string
	wb := want.Bounds()
	for y := 0; y < got.Rect.Dy(); y++ {
		for x := 0; x < got.Rect.Dx(); x++ {
			g := got.RGBAAt(x, y)
			w := color.RGBAModel.Convert(want.At(wb.Min.X+x, wb.Min.Y+y)).(color.RGBA)
			if g.R>>2 == w.R>>2 && g.G>>2 == w.G>>2 && g.B>>2 == w.B>>2 {
				continue
			}
			n++
			box = box.Union(image.Rect(x, y, x+1, y+1))
			if len(first) < 10 {
				first = append(first, fmt.Sprintf("(%d,%d) %02X%02X%02X want %02X%02X%02X", x, y, g.R, g.G, g.B, w.R, w.G, w.B))
			}
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d pixels differ, within %v; first: %s", n, box, strings.Join(first, ", "))
}

// TestVGAProgramsUnderQEMU runs each VGA program under QEMU (SeaBIOS and
// its VGA BIOS, QEMU's standard VGA): the checks must pass there too (or a
// failure must be one of QEMU's known departures), and QEMU's picture,
// scaled to the native resolution, must match pcemu's pixel for pixel.
func TestVGAProgramsUnderQEMU(t *testing.T) {
	qemu := shared.Tool(t, "qemu-system-i386")
	if testing.Short() {
		t.Skip("the comparison with QEMU is skipped with -short")
	}
	for _, r := range vgaRuns(t) {
		name := r.name
		t.Run(name, func(t *testing.T) {
			_, snap := vgaPicture(t, r.program, r.binary, cpu.Model80286)
			ours := qemuView(t, snap).Render(nil, 0)
			out, theirs := qemuPicture(t, qemu, r.program, r.binary)
			fails, _, _ := summarize(out)
			for _, f := range fails {
				known := false
				for _, d := range qemuDeviations[r.program] {
					known = known || strings.HasPrefix(f, d)
				}
				if !known {
					t.Errorf("fails under QEMU too, so the check may be wrong: %s", f)
				}
			}
			scaled := scaleTo(theirs, ours.Rect.Dx(), ours.Rect.Dy())
			if d := diffPictures(ours, scaled, 0); d != "" {
				t.Errorf("pcemu's picture (%v) differs from QEMU's (%v, scaled): %s", ours.Rect.Size(), theirs.Bounds().Size(), d)
				if dir := os.Getenv("PCEMU_VGA_DIFF_DIR"); dir != "" {
					writePNG(t, filepath.Join(dir, name+"-pcemu.png"), ours)
					writePNG(t, filepath.Join(dir, name+"-qemu.png"), theirs)
				}
			}
		})
	}
}

// qemuDepartures are where QEMU 7.2's VGA draws differently from the IBM
// VGA, each with the change that makes pcemu's adapter show what QEMU
// shows, so that the rest of the picture is still compared. pcemu's own
// behaviour there is checked by its golden pictures and machine/video's
// tests.
var qemuDepartures = []struct {
	what   string
	adjust func(a *video.Adapter)
}{
	{"QEMU ignores the horizontal pixel panning register AR13h", func(a *video.Adapter) {
		a.In8(a.CRTCPort() + 6)
		a.Out8(0x3C0, 0x30)
		mc := a.In8(0x3C1)
		a.In8(a.CRTCPort() + 6)
		a.Out8(0x3C0, 0x33)
		pan := uint8(0) // no shift: 0, or 8 in 9-dot text
		if mc&1 == 0 && sequencer(a, 1)&1 == 0 {
			pan = 8
		}
		a.Out8(0x3C0, pan)
	}},
	{"QEMU draws no underline (the underline location, CR14h)", func(a *video.Adapter) {
		a.Out8(a.CRTCPort(), 0x14)
		a.Out8(a.CRTCPort()+1, a.In8(a.CRTCPort()+1)|0x1F)
	}},
	{"QEMU draws text with a halved dot clock (40 columns) 8 dots wide, doubled, never 9", func(a *video.Adapter) {
		if c := sequencer(a, 1); c&0x08 != 0 {
			a.Out8(0x3C4, 1)
			a.Out8(0x3C5, c|0x01)
		}
	}},
}

func sequencer(a *video.Adapter, i uint8) uint8 {
	a.Out8(0x3C4, i)
	return a.In8(0x3C5)
}

// qemuView is a copy of the adapter changed to show what QEMU would.
func qemuView(t *testing.T, a *video.Adapter) *video.Adapter {
	v := *a
	for _, d := range qemuDepartures {
		d.adjust(&v)
	}
	return &v
}

func writePNG(t *testing.T, path string, img image.Image) {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// scaleTo samples img down (or up) to w x h: pixel x, y takes the colour
// of the source pixel at the top left of its area. QEMU draws the
// double-scanned and pixel-doubled modes at their doubled size.
func scaleTo(img image.Image, w, h int) image.Image {
	b := img.Bounds()
	if b.Dx() == w && b.Dy() == h {
		return img
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			out.Set(x, y, img.At(b.Min.X+x*b.Dx()/w, b.Min.Y+y*b.Dy()/h))
		}
	}
	return out
}

// qemuPicture runs a program under QEMU and returns its debug console and
// the screen dumped when the program printed its PICTURE line.
func qemuPicture(t *testing.T, qemu, name string, prog []byte) (string, image.Image) {
	t.Helper()
	dir := t.TempDir()
	hd := filepath.Join(dir, "hd.img")
	fd := filepath.Join(dir, "fd.img")
	out := filepath.Join(dir, "debugcon.txt")
	sock := filepath.Join(dir, "monitor.sock")
	dump := filepath.Join(dir, "screen.ppm")
	if err := WriteHardDisk(hd, prog); err != nil {
		t.Fatal(err)
	}
	if err := WriteFloppy(fd); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(qemu, "-M", "pc", "-m", "16", "-display", "none", "-vga", "std", "-no-reboot",
		"-drive", "file="+hd+",format=raw,if=ide,index=0,media=disk",
		"-drive", "file="+fd+",format=raw,if=floppy,index=0",
		"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
		"-debugcon", "file:"+out, "-monitor", "unix:"+sock+",server,nowait")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Kill()
		<-exited
	}()
	console := func() string { b, _ := os.ReadFile(out); return string(b) }
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(console(), "PICTURE "+name) {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("QEMU stopped before the picture (%v) %s; debug console:\n%s", err, stderr.String(), console())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no PICTURE line from QEMU within 60 s; debug console:\n%s", console())
		}
	}
	conn, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatalf("QEMU monitor: %v", err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "screendump %s\n", dump)
	var img image.Image
	for end := time.Now().Add(20 * time.Second); img == nil; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatal("QEMU wrote no screen dump")
		}
		img, _ = readPPM(dump)
	}
	fmt.Fprintf(conn, "quit\n")
	select {
	case <-exited:
		exited <- nil
	case <-time.After(20 * time.Second):
	}
	return console(), img
}

// readPPM reads a binary PPM (P6, maxval 255), QEMU's screendump format;
// an error until the file is complete.
func readPPM(path string) (image.Image, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r := bufio.NewReader(bytes.NewReader(data))
	var fields []int
	var magic string
	for len(fields) < 3 {
		var tok string
		if _, err := fmt.Fscan(r, &tok); err != nil {
			return nil, fmt.Errorf("%s: PPM header: %v", path, err)
		}
		if magic == "" {
			magic = tok
			continue
		}
		v, err := strconv.Atoi(tok)
		if err != nil {
			return nil, fmt.Errorf("%s: PPM header field %q", path, tok)
		}
		fields = append(fields, v)
	}
	if magic != "P6" || fields[2] != 255 {
		return nil, fmt.Errorf("%s: not a P6 PPM with maxval 255", path)
	}
	if _, err := r.ReadByte(); err != nil { // the whitespace after maxval
		return nil, err
	}
	w, h := fields[0], fields[1]
	pix := make([]byte, 3*w*h)
	if _, err := io.ReadFull(r, pix); err != nil {
		return nil, fmt.Errorf("%s: %d of %d pixel bytes", path, len(pix), 3*w*h)
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < w*h; i++ {
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = pix[3*i], pix[3*i+1], pix[3*i+2], 0xFF
	}
	return img, nil
}
