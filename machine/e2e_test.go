package machine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/disk"
	"pcemu/ide"
	"pcemu/internal/hostcpu"
	"pcemu/internal/shared"
	"pcemu/machine"
	"pcemu/machine/demo"
	"pcemu/machine/machinetest"
	"pcemu/machine/script"
	"pcemu/vhd"
)

// bootSectorDisk writes a raw disk image whose sector 0 is the boot sector
// at src and returns its path.
func bootSectorDisk(t *testing.T, src string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	img := make([]byte, 1<<20)
	copy(img, b)
	name := filepath.Join(t.TempDir(), filepath.Base(src)+".img")
	if err := os.WriteFile(name, img, 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

// The CPU benchmark boot sectors print their checksum on port E9h and leave
// through port F4h with status 1, as under QEMU.
func TestBenchBootSectors(t *testing.T) {
	dir := shared.Path(t, "bench")
	for _, tc := range []struct {
		name, want string
	}{
		{"bench0.bin", "DX=5678 BX=1234\n"},
		{"bench.bin", "DX=9E78 BX=3A34\n"},
		{"bench2g.bin", "DX=9678 BX=3234\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "bench2g.bin" && testing.Short() {
				t.Skip("2 billion instructions; skipped with -short")
			}
			disk := bootSectorDisk(t, filepath.Join(dir, tc.name))
			m := machinetest.Boot(t, machine.Config{Model: cpu.Model8086, HardDisks: [4]string{disk}})
			reason, status := m.WaitStop(10 * time.Minute)
			if reason != machine.ExitPort || status != 1 {
				t.Errorf("stopped by %v with status %d, want exit port with 1", reason, status)
			}
			if got := m.DebugOutput(); got != tc.want {
				t.Errorf("debug console %q, want %q", got, tc.want)
			}
			s := m.Stats()
			t.Logf("%d instructions, %.0f MIPS", s.Instructions, s.MIPS())
		})
	}
}

// The built-in demo disk reports the machine and its scratch-disk test on
// port E9h and powers off through APM.
func TestDemoDisk(t *testing.T) {
	boot, err := disk.NewMem("mem", demo.BootDiskSize, demo.Image)
	if err != nil {
		t.Fatal(err)
	}
	scratch, _ := disk.NewMem("mem", 1<<20, nil)
	m := machinetest.Boot(t, machine.Config{Model: cpu.Model80286, MemorySize: 2 << 20,
		Drives: [4]ide.Drive{boot, scratch}})
	reason, status := m.WaitStop(60 * time.Second)
	out := m.DebugOutput()
	if reason != machine.PowerOff || status != 0 {
		t.Errorf("stopped by %v (status %d), want power off; output:\n%s", reason, status, out)
	}
	for _, want := range []string{
		"Conventional memory (INT 12h): 6",
		"Extended memory (INT 15h/88h): 1024 KiB",
		"Processor:                   80286",
		"Scratch disk 81h write/read (03h, 42h, 43h, 02h): OK",
		"Powering off through APM.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(m.ScreenText(), "pcemu demo disk") {
		t.Errorf("screen:\n%s", m.ScreenText())
	}
}

// BenchmarkBenchBoot runs bench.bin (200,001,200 loop instructions) on the
// whole machine, run loop and devices included, and reports emulated MIPS.
func BenchmarkBenchBoot(b *testing.B) {
	src := shared.Path(b, "bench/bench.bin")
	code, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	var instr uint64
	var host time.Duration
	for b.Loop() {
		d, _ := disk.NewMem("mem", 1<<20, code)
		m, err := machine.New(machine.Config{Model: cpu.Model8086, Drives: [4]ide.Drive{d}})
		if err != nil {
			b.Fatal(err)
		}
		reason, err := m.Run(context.Background())
		if reason != machine.ExitPort || m.DebugOutput() != "DX=9E78 BX=3A34\n" {
			b.Fatalf("stopped by %v (%v), output %q", reason, err, m.DebugOutput())
		}
		s := m.Stats()
		instr += s.Instructions
		host += s.HostTime
		m.Close()
	}
	b.ReportMetric(float64(instr)/host.Seconds()/1e6, "MIPS")
}

// BenchmarkFreeDOSBoot boots FreeDOS from the shared hard disk image to its
// C:\> prompt as `pcemu -hda freedos-hd.vhd -snapshot -display none
// --expect 'C:\>' --stats` does (the 286, 640 KiB, the --expect script
// looking at the screen every 10 ms of virtual time) and reports what
// --stats reports: instructions per microsecond of host time spent in the
// CPU's slices (MIPS), beside the whole run's host time from machine.New
// to the prompt (ms/boot: start-up, devices and the script included) and
// the instructions per microsecond of the process's CPU time over that
// whole run (cpu-MIPS: on a loaded machine, time spent waiting for a core
// does not count).
func BenchmarkFreeDOSBoot(b *testing.B) {
	img := shared.Path(b, "images/freedos-hd.vhd")
	var instr uint64
	var host time.Duration
	b.ReportAllocs()
	cpu0 := hostcpu.Time()
	for b.Loop() {
		m, err := machine.New(machine.Config{Model: cpu.Model80286, HardDisks: [4]string{img}, Snapshot: true})
		if err != nil {
			b.Fatal(err)
		}
		if err := script.Wait("boot", `C:\>`, script.Forever).Run(context.Background(), m, script.Options{}); err != nil {
			b.Fatal(err)
		}
		s := m.Stats()
		instr += s.Instructions
		host += s.HostTime
		m.Close()
	}
	b.ReportMetric(float64(instr)/host.Seconds()/1e6, "MIPS")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/boot")
	if t := hostcpu.Time() - cpu0; t > 0 {
		b.ReportMetric(float64(instr)/t.Seconds()/1e6, "cpu-MIPS")
	}
}

// BenchmarkDiskReadINT13 reads a 16 MiB fixed VHD (drive 81h) through
// INT 13h AH=42h in
// 64-sector requests (BIOS, IDE controller, REP INSW bulk path, VHD) four
// times and reports the guest's read rate.
func BenchmarkDiskReadINT13(b *testing.B) {
	const passes = 4
	src := `
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7C00
        mov bp, 4                     ; passes over the disk
pass:   mov word [dap+8], 0
again:  mov ah, 0x42
        mov dl, 0x81
        mov si, dap
        int 0x13
        jc fail
        add word [dap+8], 64
        cmp word [dap+8], 16*2048     ; 16 MiB
        jb again
        dec bp
        jnz pass
        mov al, 0
        out 0xF4, al
fail:   mov al, ah                    ; exit status (AH<<1)|1
        out 0xF4, al
dap:    db 16, 0
        dw 64                         ; sectors
        dw 0, 0x1000                  ; buffer 1000:0000
        dq 0
`
	img := filepath.Join(b.TempDir(), "d.vhd")
	d, err := vhd.Create(img, vhd.CreateOptions{Type: vhd.Fixed, Size: 17 << 20})
	if err != nil {
		b.Fatal(err)
	}
	d.Close()
	var bytes int64
	var host time.Duration
	for b.Loop() {
		m := bootProgram(b, machine.Config{Model: cpu.Model80286, HardDisks: [4]string{"", img}}, src)
		reason, status := m.WaitStop(time.Hour)
		if reason != machine.ExitPort || status != 1 {
			b.Fatalf("stopped by %v with status %d (INT 13h AH=%02Xh) after %d sectors", reason, status, status>>1, m.Stats().SectorsRead)
		}
		s := m.Stats()
		bytes += int64(s.SectorsRead) * 512
		host += s.HostTime
		m.Close()
	}
	b.ReportMetric(float64(bytes)/host.Seconds()/1e6, "MB/s")
}
