package machine_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/fullfs"
	"pcemu/machine"
	"pcemu/vhd"
)

// The host's disk fills up while the guest writes: the guest gets its
// INT 13h error (status CCh, write fault) every time, the user is told on
// the log once, naming the image and the reason, and the image stays
// valid.
func TestGuestWriteOnFullDisk(t *testing.T) {
	dir, inside := fullfs.Enter(t, 8<<20)
	if !inside {
		return
	}
	img := filepath.Join(dir, "d.vhd")
	d, err := vhd.Create(img, vhd.CreateOptions{Size: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	fullfs.Fill(t, dir, 0)
	// Three extended writes (AH=43h) of one sector at LBA 8192, in a
	// block the image has not allocated: each status goes to port E9h.
	src := `
        xor ax, ax
        mov ds, ax
        mov cx, 3
again:  push cx
        mov si, dap
        mov ax, 0x4300
        mov dl, 0x81
        int 0x13
        mov al, ah
        out 0xE9, al
        pop cx
        loop again
        mov al, 0
        out 0xF4, al
        hlt
dap:    db 16, 0
        dw 1
        dw 0x7C00, 0
        dq 8192
`
	var log bytes.Buffer
	m := bootProgram(t, machine.Config{Model: cpu.Model80286, HardDisks: [4]string{"", img}, Log: &log}, src)
	if reason, status := m.WaitStop(30 * time.Second); reason != machine.ExitPort || status != 1 {
		t.Fatalf("stopped by %v (%d)", reason, status)
	}
	if got := m.DebugOutput(); got != "\xCC\xCC\xCC" {
		t.Errorf("INT 13h statuses %q, want CCh three times", got)
	}
	want := "pcemu: " + img + ": write at sector 8192: no space left on device (the guest sees a disk error; more errors of this kind on this image are not shown)\n"
	if log.String() != want {
		t.Errorf("log:\n%s\nwant:\n%s", log.String(), want)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), want+"pcemu: "+img+": ") || !strings.HasSuffix(log.String(), " host I/O errors in all\n") {
		t.Errorf("log after close:\n%s", log.String())
	}
	if rep, err := vhd.Check(img, nil); err != nil || !rep.OK() {
		t.Fatalf("check: %v %+v", err, rep)
	}
}

// vmRSS is the process's resident set size in KiB (Linux).
func vmRSS(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb
		}
	}
	t.Skip("no VmRSS")
	return 0
}

// A guest writing 256 MiB to a 512 MiB raw image under -snapshot: the
// writes go to the temporary overlay file, and the process's resident
// memory grows by little (it grew by the whole 256 MiB and more when the
// overlay was a map of sectors in memory). The figure is logged.
func TestRawSnapshotGuestWrites(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	img := filepath.Join(t.TempDir(), "big.img")
	f, err := os.Create(img)
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(512 << 20)
	f.Close()
	// 2064 INT 13h AH=43h writes of 127 sectors (65024 bytes) from
	// 1000:0000 to drive 81h, LBA 0, 127, 254, ...: 128 MiB, twice.
	src := `
        xor ax, ax
        mov ds, ax
        mov bp, 2
pass:   mov word [dap+8], 0
        mov word [dap+10], 0
        mov cx, 2064
again:  push cx
        mov si, dap
        mov ax, 0x4300
        mov dl, 0x81
        int 0x13
        jc fail
        add word [dap+8], 127
        adc word [dap+10], 0
        pop cx
        loop again
        dec bp
        jnz pass
        mov al, 0
        out 0xF4, al
        hlt
fail:   mov al, ah
        out 0xF4, al
        hlt
dap:    db 16, 0
        dw 127
        dw 0, 0x1000
        dq 0
`
	before := vmRSS(t)
	m := bootProgram(t, machine.Config{Model: cpu.Model80286, HardDisks: [4]string{"", img}, Snapshot: true}, src)
	if reason, status := m.WaitStop(600 * time.Second); reason != machine.ExitPort || status != 1 {
		t.Fatalf("stopped by %v (%d)", reason, status)
	}
	after := vmRSS(t)
	written := m.Stats().SectorsWritten * 512
	t.Logf("%d MiB written by the guest under -snapshot; resident memory %d MiB before, %d MiB after", written>>20, before>>10, after>>10)
	if written != 2*2064*127*512 {
		t.Fatalf("only %d bytes written", written)
	}
	if grown := (after - before) << 10; grown > 64<<20 {
		t.Errorf("resident memory grew by %d MiB for %d MiB written", grown>>20, written>>20)
	}
}
