package machine_test

import (
	"bytes"
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
