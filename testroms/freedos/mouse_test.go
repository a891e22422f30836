package freedos

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/shared"
	"pcemu/machine"
	"pcemu/machine/machinetest"
)

// mousetest.com is what nasm makes of mousetest.asm.
func TestMousetestMatchesSource(t *testing.T) {
	nasm := shared.Tool(t, "nasm")
	out := filepath.Join(t.TempDir(), "mousetest.com")
	if msg, err := exec.Command(nasm, "-f", "bin", "-o", out, "mousetest.asm").CombinedOutput(); err != nil {
		t.Fatalf("nasm: %v\n%s", err, msg)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("mousetest.com")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("mousetest.com differs from what nasm makes of mousetest.asm: reassemble with `nasm -f bin -o testroms/freedos/mousetest.com testroms/freedos/mousetest.asm`")
	}
}

// mouseFloppy is a 1.44 MB FAT12 diskette holding MOUSETST.COM.
func mouseFloppy(t *testing.T) string {
	t.Helper()
	fd := filepath.Join(t.TempDir(), "mouse.img")
	if err := os.WriteFile(fd, make([]byte, 1474560), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{tool(t, "mformat"), "-i", fd, "-f", "1440", "::"},
		{tool(t, "mcopy"), "-i", fd, "mousetest.com", "::MOUSETST.COM"},
	} {
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", args[0], err, out)
		}
	}
	return fd
}

// find returns the column and row of text on the screen.
func find(t *testing.T, m *machinetest.M, text string) (col, row int) {
	t.Helper()
	for row, line := range strings.Split(m.ScreenText(), "\n") {
		if i := strings.Index(line, text); i >= 0 {
			return len([]rune(line[:i])), row
		}
	}
	t.Fatalf("%q is not on the screen:\n%s", text, m.ScreenText())
	return 0, 0
}

// CuteMouse (CTMOUSE.EXE on the FreeDOS disk) drives the PS/2 mouse
// (`ctmouse`) and the serial mouse on COM1 (`ctmouse /s1`): the pointer
// goes where `mouse move` puts it and clicks land there, as mousetest.com
// reads them back through INT 33h, and EDIT's menus open and close by
// click.
func TestCuteMouse(t *testing.T) {
	for _, tc := range []struct {
		name      string
		mouse     machine.MouseType
		command   string
		installed string
		buttons   string
	}{
		{"ps2", machine.MousePS2, "ctmouse", "Installed at PS/2 port", "BUTTONS=2"},
		{"serial", machine.MouseSerial, "ctmouse /s1", "Installed at COM1", "BUTTONS=3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := machinetest.Boot(t, machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20,
				HardDisks: [4]string{sharedImage(t)}, Floppies: [2]string{mouseFloppy(t)},
				BootOrder: "c", Snapshot: true, Mouse: tc.mouse})
			m.WaitFor(`C:\>`, 60*time.Second)
			m.Type(tc.command + "\r")
			m.WaitFor(tc.installed, 10*time.Second)

			m.Type(`a:mousetst` + "\r")
			m.WaitFor("MOUSE DRIVER, "+tc.buttons, 10*time.Second)
			for _, p := range []struct {
				col, row int
				want     string
			}{
				{10, 5, "MOUSE X=00080 Y=00040 B=0"},
				{0, 0, "MOUSE X=00000 Y=00000 B=0"},
				{79, 24, "MOUSE X=00632 Y=00192 B=0"},
				{41, 13, "MOUSE X=00328 Y=00104 B=0"},
			} {
				m.MouseMove(p.col, p.row)
				m.WaitFor(p.want, time.Second)
			}
			m.MouseMove(20, 7)
			m.MouseClick("left")
			m.WaitFor("LEFT  020 007 #1", time.Second)
			m.MouseMove(5, 3)
			m.MouseClick("right")
			m.WaitFor("RIGHT 005 003 #1", time.Second)
			m.MouseDown("left")
			m.WaitFor("B=1", time.Second)
			for range 8 { // a drag by 16 mickeys, two cells, too slow to be accelerated
				m.MouseBy(2, 0)
			}
			m.MouseUp("left")
			m.WaitFor("MOUSE X=00056 Y=00024 B=0", time.Second)
			m.ScreenContains("LEFT  005 003 #2")
			m.Type("q")
			m.WaitFor(`C:\>`, 5*time.Second)

			// EDIT: File opens its menu, Exit leaves.
			m.Type("edit\r")
			m.WaitFor("File  Edit  Search", 10*time.Second)
			col, row := find(t, m, "File")
			m.MouseMove(col+1, row)
			m.MouseClick("left")
			m.WaitFor("Open", 2*time.Second)
			col, row = find(t, m, "Exit")
			m.MouseMove(col+1, row)
			m.MouseClick("left")
			m.WaitFor(`C:\>`, 5*time.Second)
			if strings.Contains(m.ScreenText(), "FreeDOS Edit") {
				t.Errorf("EDIT is still on the screen after File, Exit:\n%s", m.ScreenText())
			}
		})
	}
}

// `mouse move X Y` in a graphics mode puts the pointer on pixel X, Y:
// mousetest.com sets the mode (mode 12h, 640x480, and mode 13h, 320x200,
// where a Microsoft-compatible driver's virtual screen is 640 wide, so
// it reports X doubled) before CuteMouse's reset, and reads the position
// and a click back through INT 33h; its lines are read off the graphics
// screen.
func TestCuteMouseGraphicsModes(t *testing.T) {
	for _, tc := range []struct {
		mode string
		x, y int
		want string
	}{
		{"12", 100, 200, "MOUSE X=00100 Y=00200 B=0"},
		{"12", 320, 40, "MOUSE X=00320 Y=00040 B=0"},
		{"13", 100, 50, "MOUSE X=00200 Y=00050 B=0"},
		{"13", 160, 100, "MOUSE X=00320 Y=00100 B=0"},
	} {
		t.Run(fmt.Sprintf("%sh-%d,%d", tc.mode, tc.x, tc.y), func(t *testing.T) {
			m := machinetest.Boot(t, machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20,
				HardDisks: [4]string{sharedImage(t)}, Floppies: [2]string{mouseFloppy(t)},
				BootOrder: "c", Snapshot: true})
			m.WaitFor(`C:\>`, 60*time.Second)
			m.Type("ctmouse\r")
			m.WaitFor("Installed at PS/2 port", 10*time.Second)
			m.Type("a:mousetst " + tc.mode + "\r")
			m.WaitFor("MOUSE DRIVER, BUTTONS=2", 10*time.Second)
			if g := m.Machine.Video.Geometry(); g.Text {
				t.Fatalf("mousetst %s left a text mode: %+v", tc.mode, g)
			}
			m.MouseMove(tc.x, tc.y)
			m.WaitFor(tc.want, time.Second)
			m.MouseClick("left")
			// The press's cell: the driver's virtual position / 8.
			x, y := tc.x, tc.y
			if tc.mode == "13" {
				x *= 2
			}
			m.WaitFor(fmt.Sprintf("LEFT  %03d %03d #1", x/8, y/8), time.Second)
		})
	}
}
