package machine_test

import (
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
	"pcemu/vhd"
)

// run types a command on a cleared screen and waits for want in its output
// and for the prompt after it.
func run(m *machinetest.M, prompt, command string, want ...string) string {
	m.Type("cls\r")
	m.WaitFor(prompt, 10*time.Second)
	m.Type(command + "\r")
	for _, w := range want {
		m.WaitFor(w, 60*time.Second)
	}
	m.WaitPrompt(prompt, 60*time.Second)
	return m.ScreenText()
}

func TestFreeDOSHardDisk(t *testing.T) {
	img := shared.Path(t, "images/freedos-hd.vhd")
	m := machinetest.Boot(t, machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20,
		HardDisks: [4]string{img}, Snapshot: true})
	m.WaitFor(`C:\>`, 60*time.Second)
	m.WaitPrompt(`C:\>`, 60*time.Second)
	t.Logf("C:\\> after %v virtual, %d instructions", m.Stats().VirtualTime, m.Stats().Instructions)

	run(m, `C:\>`, "ver /r", "FreeDOS kernel 2043")
	s := run(m, `C:\>`, "dir", "bytes free")
	for _, w := range []string{"FREEDOS", "AUTOEXEC BAT"} {
		if !strings.Contains(s, w) {
			t.Errorf("DIR output lacks %q:\n%s", w, s)
		}
	}
	run(m, `C:\>`, "mem", "Total", "Largest executable program size")
	run(m, `C:\>`, "chkdsk c:", "bytes total drive size", "bytes available on the volume")
	run(m, `C:\>`, "copy autoexec.bat test.txt", "=>> test.txt")
	s = run(m, `C:\>`, "type test.txt", "@")
	if !strings.Contains(strings.ToUpper(s), "PATH") {
		t.Errorf("TYPE of the copy does not show AUTOEXEC.BAT:\n%s", s)
	}
}

func TestFreeDOSFloppy(t *testing.T) {
	img := shared.Path(t, "images/freedos-boot-1440k.img")
	m := machinetest.Boot(t, machine.Config{Model: cpu.Model80286, Floppies: [2]string{img}, BootOrder: "a", Snapshot: true})
	m.WaitFor(`A:\>`, 60*time.Second)
	m.WaitPrompt(`A:\>`, 60*time.Second)
	run(m, `A:\>`, "ver /r", "FreeDOS kernel")
	run(m, `A:\>`, "dir", "bytes free")
}

// A file FreeDOS writes to a copy of the image (no -snapshot) is in the VHD
// after the machine powers off (FDAPM POWEROFF through APM) and closes.
func TestFreeDOSWritePersists(t *testing.T) {
	shared.Tool(t, "mtype")
	img := machinetest.Image(t, shared.Path(t, "images/freedos-hd.vhd"))
	m := machinetest.Boot(t, machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20, HardDisks: [4]string{img}})
	m.WaitFor(`C:\>`, 60*time.Second)
	m.WaitPrompt(`C:\>`, 60*time.Second)
	run(m, `C:\>`, "echo written by pcemu> pcemu.txt")
	m.Type("fdapm poweroff\r")
	reason, status := m.WaitStop(60 * time.Second)
	if reason != machine.PowerOff || status != 0 {
		t.Fatalf("stopped by %v with status %d, want power off\n%s", reason, status, m.ScreenText())
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}

	// Read the file on the host: the VHD's data through our vhd package
	// into a raw image, then mtools on the partition at LBA 17.
	d, err := vhd.Open(img, &vhd.OpenOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	raw := make([]byte, d.Size())
	if _, err := d.ReadAt(raw, 0); err != nil {
		t.Fatal(err)
	}
	d.Close()
	rawName := filepath.Join(t.TempDir(), "disk.img")
	if err := os.WriteFile(rawName, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("mtype", "-i", rawName+"@@8704", "::PCEMU.TXT").CombinedOutput()
	if err != nil {
		t.Fatalf("mtype: %v\n%s", err, out)
	}
	if got := strings.TrimRight(string(out), "\r\n"); got != "written by pcemu" {
		t.Errorf("PCEMU.TXT on the host holds %q", got)
	}
}

// Ctrl-Alt-Del at the prompt reboots FreeDOS; with NoReboot it ends the run.
func TestFreeDOSCtrlAltDel(t *testing.T) {
	img := shared.Path(t, "images/freedos-boot-1440k.img")
	cad := func(m *machinetest.M) { m.Key("Ctrl-Alt-Del") }
	m := machinetest.Boot(t, machine.Config{Model: cpu.Model80286, Floppies: [2]string{img}, BootOrder: "a", Snapshot: true})
	m.WaitFor(`A:\>`, 60*time.Second)
	m.WaitPrompt(`A:\>`, 60*time.Second)
	m.Type("cls\r")
	m.WaitPrompt(`A:\>`, 60*time.Second)
	cad(m)
	m.WaitFor("FreeDOS kernel", 60*time.Second)
	m.WaitFor(`A:\>`, 60*time.Second)

	m = machinetest.Boot(t, machine.Config{Model: cpu.Model80286, Floppies: [2]string{img}, BootOrder: "a", Snapshot: true, NoReboot: true})
	m.WaitFor(`A:\>`, 60*time.Second)
	m.WaitPrompt(`A:\>`, 60*time.Second)
	cad(m)
	if reason, status := m.WaitStop(10 * time.Second); reason != machine.Reset || status != 0 {
		t.Errorf("with NoReboot: stopped by %v (%d)", reason, status)
	}
}
