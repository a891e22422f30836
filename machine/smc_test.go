package machine_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/disk"
	"pcemu/internal/shared"
	"pcemu/machine"
	"pcemu/machine/machinetest"
)

// Code loaded by the disk path over code that has already run must run in
// its new form: INT 13h reads sector 2 into 0000:8000, where a routine put
// there by REP MOVSB has been called; the call after the read runs the
// sector's routine. (Any cache of decoded instructions must hear of writes
// by the disk path as of those by the CPU.)
func TestCodeLoadedByINT13(t *testing.T) {
	src := `bits 16
org 0x7C00
        xor ax, ax
        mov ds, ax
        mov es, ax
        cld
        mov si, routA
        mov di, 0x8000
        mov cx, 3
        rep movsb
        mov bx, 0x8000
        call bx                 ; AL = 'A'
        out 0xE9, al
        mov ax, 0x0201          ; read 1 sector
        mov cx, 0x0002          ; cylinder 0, sector 2
        mov dx, 0x0080          ; head 0, drive 80h
        mov bx, 0x8000
        int 0x13
        jc fail
        mov bx, 0x8000
        call bx                 ; AL = 'C' from the sector
        out 0xE9, al
        mov al, 0
        out 0xF4, al
fail:   mov al, '!'
        out 0xE9, al
        hlt
routA:  mov al, 'A'
        ret
times 510-($-$$) db 0
dw 0xAA55
        mov al, 'C'             ; sector 2, loaded at 0000:8000
        ret
times 1024-($-$$) db 0
`
	nasm := shared.Tool(t, "nasm")
	dir := t.TempDir()
	asm := filepath.Join(dir, "smc.asm")
	if err := os.WriteFile(asm, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "smc.bin")
	if out, err := exec.Command(nasm, "-f", "bin", "-o", bin, asm).CombinedOutput(); err != nil {
		t.Fatalf("nasm: %v\n%s", err, out)
	}
	code, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, model := range []cpu.Model{cpu.Model8086, cpu.Model80286} {
		d, err := disk.NewMem("smc", 1<<20, code)
		if err != nil {
			t.Fatal(err)
		}
		cfg := machine.Config{Model: model}
		cfg.Drives[0] = d
		m := machinetest.Boot(t, cfg)
		reason, status := m.WaitStop(30 * time.Second)
		if reason != machine.ExitPort || status != 1 || m.DebugOutput() != "AC" {
			t.Errorf("model %d: stopped by %v (%d), output %q, want \"AC\"", model, reason, status, m.DebugOutput())
		}
	}
}
