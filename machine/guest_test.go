package machine_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/disk"
	"pcemu/ide"
	"pcemu/internal/shared"
	"pcemu/machine"
	"pcemu/machine/demo"
	"pcemu/machine/machinetest"
)

// bootProgram assembles a boot sector with nasm (org 7C00h, 55AAh added)
// and returns a machine booting it from drive 80h.
func bootProgram(t testing.TB, cfg machine.Config, src string) *machinetest.M {
	t.Helper()
	nasm := shared.Tool(t, "nasm")
	dir := t.TempDir()
	asm := filepath.Join(dir, "boot.asm")
	full := "bits 16\norg 0x7C00\n" + src + "\ntimes 510-($-$$) db 0\ndw 0xAA55\n"
	if err := os.WriteFile(asm, []byte(full), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "boot.bin")
	if out, err := exec.Command(nasm, "-f", "bin", "-o", bin, asm).CombinedOutput(); err != nil {
		t.Fatalf("nasm: %v\n%s", err, out)
	}
	code, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	d, err := disk.NewMem("mem", 1<<20, code)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Drives[0] = d
	return machinetest.Boot(t, cfg)
}

// print prints the NUL-terminated string at SI on port E9h.
const printE9 = `
print:  lodsb
        or al, al
        jz .e
        out 0xE9, al
        jmp print
.e:     ret
`

// A guest reset through the 8042 (command FEh), through port 92h bit 0 and
// by a triple fault reboots the machine with memory kept; with NoReboot it
// ends the run.
func TestGuestReset(t *testing.T) {
	for _, how := range []struct{ name, code string }{
		{"8042", "mov al, 0xFE\nout 0x64, al"},
		{"port92", "in al, 0x92\nor al, 1\nout 0x92, al"},
		// A triple fault: with the IDT limit at 0, INT 21h is beyond it,
		// so is the interrupt 8 that reports that, and the 286 shuts down;
		// the AT resets it on the shutdown cycle.
		{"triple-fault", "lidt [cs:.idtr]\nint 0x21\n.idtr: dw 0\ndd 0"},
	} {
		src := `
        xor ax, ax
        mov ds, ax
        cmp word [0x600], 0x1234   ; set before the reset?
        je again
        mov word [0x600], 0x1234
        mov si, first
        call print
` + how.code + `
        cli
        hlt
again:  mov si, second
        call print
        mov al, 0
        out 0xF4, al
        hlt
first:  db "before reset", 10, 0
second: db "after reset", 10, 0
` + printE9
		t.Run(how.name, func(t *testing.T) {
			m := bootProgram(t, machine.Config{Model: cpu.Model80286}, src)
			reason, status := m.WaitStop(30 * time.Second)
			if reason != machine.ExitPort || status != 1 || m.DebugOutput() != "before reset\nafter reset\n" {
				t.Errorf("stopped by %v (%d), output %q", reason, status, m.DebugOutput())
			}
		})
		t.Run(how.name+"/no-reboot", func(t *testing.T) {
			m := bootProgram(t, machine.Config{Model: cpu.Model80286, NoReboot: true}, src)
			reason, status := m.WaitStop(30 * time.Second)
			if reason != machine.Reset || status != 0 || m.DebugOutput() != "before reset\n" {
				t.Errorf("stopped by %v (%d), output %q", reason, status, m.DebugOutput())
			}
		})
	}
}

// The A20 gate: with it off, FFFF:0010 wraps to 0000:0000; port 92h bit 1
// and the 8042's output port (command D1h) each turn it on, and then the
// address reaches the HMA.
func TestA20Gate(t *testing.T) {
	src := `
        cli
        xor ax, ax
        mov ds, ax
        mov ax, 0xFFFF
        mov es, ax
        mov byte [0], 0x11
        mov byte [es:0x10], 0x22   ; A20 off (after POST): lands on 0000:0000
        mov al, [0]
        call hex
        ; fast A20 on
        in al, 0x92
        or al, 2
        out 0x92, al
        mov byte [es:0x10], 0x33   ; now in the HMA
        mov al, [0]
        call hex
        mov al, [es:0x10]
        call hex
        ; off again, then on through the 8042 output port
        in al, 0x92
        and al, 0xFD
        out 0x92, al
        mov al, [es:0x10]          ; wraps again: reads 0000:0000
        call hex
        call kbcwait
        mov al, 0xD1
        out 0x64, al
        call kbcwait
        mov al, 0xDF               ; A20 on, reset inactive
        out 0x60, al
        call kbcwait
        mov al, [es:0x10]
        call hex
        mov al, 0
        out 0xF4, al
kbcwait:
        in al, 0x64
        test al, 2
        jnz kbcwait
        ret
hex:    push ax
        mov cl, 4
        shr al, cl
        call nib
        pop ax
        call nib
        mov al, ' '
        out 0xE9, al
        ret
nib:    and al, 15
        add al, '0'
        cmp al, '9'
        jbe .o
        add al, 7
.o:     out 0xE9, al
        ret
`
	m := bootProgram(t, machine.Config{Model: cpu.Model80286, MemorySize: 2 << 20}, src)
	reason, _ := m.WaitStop(30 * time.Second)
	if want := "22 22 33 22 33 "; reason != machine.ExitPort || m.DebugOutput() != want {
		t.Errorf("stopped by %v, output %q, want %q", reason, m.DebugOutput(), want)
	}
}

// Bytes sent to COM1 reach the serial sink (pcemu -serial).
func TestSerialOutput(t *testing.T) {
	var serial bytes.Buffer
	src := `
        mov dx, 0x3FB
        mov al, 0x80               ; DLAB
        out dx, al
        mov dx, 0x3F8
        mov al, 12                 ; 9600 baud
        out dx, al
        inc dx
        xor al, al
        out dx, al
        mov dx, 0x3FB
        mov al, 3                  ; 8N1
        out dx, al
        mov si, msg
next:   lodsb
        or al, al
        jz done
        mov ah, al
        mov dx, 0x3FD
thre:   in al, dx
        test al, 0x20              ; THR empty
        jz thre
        mov dx, 0x3F8
        mov al, ah
        out dx, al
        jmp next
done:   mov dx, 0x3FD
drain:  in al, dx
        test al, 0x40              ; transmitter empty
        jz drain
        mov al, 0
        out 0xF4, al
msg:    db "hello COM1", 13, 10, 0
`
	m := bootProgram(t, machine.Config{Model: cpu.Model8086, Serial: &serial}, src)
	reason, _ := m.WaitStop(30 * time.Second)
	if reason != machine.ExitPort || serial.String() != "hello COM1\r\n" {
		t.Errorf("stopped by %v, serial %q", reason, serial.String())
	}
}

// With nothing bootable the BIOS's INT 18h message is shown and logged and
// the run ends with status 1.
func TestNoBootDevice(t *testing.T) {
	var log bytes.Buffer
	blank, _ := disk.NewMem("mem", 1<<20, nil)
	m := machinetest.Boot(t, machine.Config{Model: cpu.Model80286, Drives: [4]ide.Drive{blank}, Log: &log})
	reason, status := m.WaitStop(30 * time.Second)
	if reason != machine.NoBoot || status != 1 {
		t.Errorf("stopped by %v (%d)", reason, status)
	}
	if !strings.Contains(log.String(), "No bootable device") || !strings.Contains(m.ScreenText(), "No bootable device") {
		t.Errorf("log %q, screen:\n%s", log.String(), m.ScreenText())
	}
}

// The same program gives the same run, instruction for instruction, in
// deterministic mode: the demo disk's output, counts and time are equal.
func TestDeterministic(t *testing.T) {
	var runs [2]string
	for i := range runs {
		boot, _ := disk.NewMem("mem", 1<<20, demo.Image)
		scratch, _ := disk.NewMem("mem", 1<<20, nil)
		m := machinetest.Boot(t, machine.Config{Model: cpu.Model80286, Drives: [4]ide.Drive{boot, scratch}})
		m.WaitStop(60 * time.Second)
		s := m.Stats()
		runs[i] = fmt.Sprintf("%s\n%s\n%d instructions, %v", m.DebugOutput(), m.ScreenText(), s.Instructions, s.VirtualTime)
	}
	if runs[0] != runs[1] {
		t.Errorf("two runs differ:\n%s\n---\n%s", runs[0], runs[1])
	}
}

// Once stopped, a machine does not run again, and a power-off from
// another goroutine stops a running machine.
func TestStoppedStaysStopped(t *testing.T) {
	m := bootProgram(t, machine.Config{Model: cpu.Model8086}, "mov al, 1\nout 0xF4, al\njmp $")
	if reason, status := m.WaitStop(10 * time.Second); reason != machine.ExitPort || status != 3 {
		t.Fatalf("stopped by %v (%d)", reason, status)
	}
	n := m.Stats().Instructions
	if reason, _ := m.RunFor(context.Background(), time.Second); reason != machine.ExitPort || m.Stats().Instructions != n {
		t.Errorf("RunFor after the stop: %v, %d more instructions", reason, m.Stats().Instructions-n)
	}

	m = bootProgram(t, machine.Config{Model: cpu.Model8086}, "jmp $")
	go func() {
		time.Sleep(50 * time.Millisecond)
		m.PowerOff()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if reason, err := m.Machine.Run(ctx); reason != machine.PowerOff {
		t.Errorf("Run after PowerOff from another goroutine: %v, %v", reason, err)
	}
}

// Step runs the machine one instruction at a time, with interrupts and
// devices going on: the bench0 boot sector reaches its exit port.
func TestStep(t *testing.T) {
	m := bootProgram(t, machine.Config{Model: cpu.Model8086}, `
        mov cx, 3
again:  mov al, 'x'
        out 0xE9, al
        loop again
        sti
        hlt                     ; woken by the timer (IRQ 0)
        mov al, 0
        out 0xF4, al
`)
	for i := 0; i < 5_000_000; i++ {
		reason, err := m.Step()
		if err != nil {
			t.Fatal(err)
		}
		if reason != machine.Running {
			if reason != machine.ExitPort || m.DebugOutput() != "xxx" {
				t.Errorf("stopped by %v, output %q", reason, m.DebugOutput())
			}
			return
		}
	}
	t.Fatalf("no exit after 5 million steps; output %q", m.DebugOutput())
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, cfg := range []machine.Config{
		{Model: cpu.Model(7)},
		{Model: cpu.Model8086, MemorySize: 4 << 20},
		{Model: cpu.Model80286, MemorySize: 32 << 10},
		{Model: cpu.Model80286, BootOrder: "d"},
		{Model: cpu.Model80286, HardDisks: [4]string{"/nonexistent/disk.vhd"}},
		{Model: cpu.Model80286, Floppies: [2]string{"/nonexistent/a.img"}},
	} {
		if m, err := machine.New(cfg); err == nil {
			m.Close()
			t.Errorf("New(%+v) accepted", cfg)
		}
	}
}

// INT 12h and INT 15h AH=88h report the memory that exists: with 1 MiB on
// a 286 there is no extended memory (the adapter area is not RAM).
func TestMemorySizeReported(t *testing.T) {
	src := `
        int 0x12
        call hex
        mov ah, 0x88
        int 0x15
        call hex
        mov al, 0
        out 0xF4, al
hex:    mov cx, 4
.d:     rol ax, 1
        rol ax, 1
        rol ax, 1
        rol ax, 1
        push ax
        and al, 15
        add al, '0'
        cmp al, '9'
        jbe .o
        add al, 7
.o:     out 0xE9, al
        pop ax
        loop .d
        mov al, ' '
        out 0xE9, al
        ret
`
	for _, tc := range []struct {
		size int
		want string
	}{
		{1 << 20, "027F 0000 "},   // 639 KiB (1 KiB EBDA), no extended memory
		{16 << 20, "027F 3C00 "},  // 15 MiB extended
		{640 << 10, "027F 0000 "}, // the default
	} {
		m := bootProgram(t, machine.Config{Model: cpu.Model80286, MemorySize: tc.size}, src)
		m.WaitStop(10 * time.Second)
		if got := m.DebugOutput(); got != tc.want {
			t.Errorf("-m %dK: INT 12h, INT 15h/88h = %q, want %q", tc.size>>10, got, tc.want)
		}
	}
}

// Text written through INT 10h in a CGA graphics mode is drawn with the
// ROM's 8x8 font (INT 43h), so it must be on the screen and readable back;
// a ROM without the adapter's fonts would draw blanks.
func TestGraphicsModeTeletype(t *testing.T) {
	src := `
        mov ax, 0x0004             ; 320x200, 4 colours
        int 0x10
        mov si, msg
next:   lodsb
        or al, al
        jz done
        mov ah, 0x0E
        mov bx, 0x0003
        int 0x10
        jmp next
done:   xor ax, ax
        mov ds, ax
        lds si, [0x43*4]           ; INT 43h: the 8x8 font
        mov al, [si + 'A'*8 + 1]   ; a row of 'A' is not blank
        or al, al
        jz bad
        mov al, 0
        out 0xF4, al
bad:    mov al, 1
        out 0xF4, al
msg:    db "PCEMU 4", 0
`
	m := bootProgram(t, machine.Config{Model: cpu.Model80286}, src)
	reason, status := m.WaitStop(30 * time.Second)
	if reason != machine.ExitPort || status != 1 {
		t.Fatalf("stopped by %v with status %d, want exit port status 1 (font at INT 43h present)", reason, status)
	}
	m.ScreenContains("PCEMU 4")
}
