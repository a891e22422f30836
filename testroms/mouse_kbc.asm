; mouse_kbc — the PS/2 mouse through the 8042's auxiliary port, driven
; directly: controller commands A7h/A8h (command byte bit 5), A9h, D3h
; (status bit 5, IRQ 12 through the slave PIC when command byte bit 1 is
; set), D4h; the mouse's own commands and answers (IBM PS/2 Hardware
; Interface Technical Reference, "Keyboard/Auxiliary Device Controller" and
; "Pointing Device"); stream packets for host motion received through an
; INT 74h handler of our own; remote mode and read data (EBh).
;
; Needs: a PS/2 mouse, and the host steps of mouse_test.go:
;   1: motion 10 right, 5 up
;   2: motion 3 left, 4 down; left button down; left button up
;   3: motion 7 right, 7 down

%define PROGRAM_NAME "mouse_kbc"
%include "lib.inc"
%include "mouse.inc"

main:
        INFO "mouse_kbc: 8042 auxiliary port and PS/2 mouse"
        cli
        mov word [74h*4], irq12
        mov word [74h*4+2], 0
        in al, 0A1h
        and al, 0EFh                    ; unmask IRQ 12
        out 0A1h, al
        ; Interrupts stay off while the controller is talked to: with
        ; IRQ 1 enabled the BIOS's INT 09h would take its answers. The
        ; command byte then turns IRQ 1 off for the rest of the program;
        ; the waits for IRQ 12 and the timer enable interrupts.
        call read_ctr
        and al, 0FCh                    ; IRQ 1 and IRQ 12 off
        mov [ctr_quiet], al
        call write_ctr

; --- controller commands ------------------------------------------------------
        mov al, 0A8h
        call kbc_cmd
        call read_ctr
        and al, 20h
        CHECK8 "8042 A8h clears command byte bit 5 (aux enabled)", al, 0
        mov al, 0A7h
        call kbc_cmd
        call read_ctr
        and al, 20h
        CHECK8 "8042 A7h sets command byte bit 5 (aux disabled)", al, 20h
        mov al, 0A9h
        call kbc_cmd
        call kbc_read
        CHECK8 "8042 A9h auxiliary interface test: 00h", al, 0
        ; D3h: a byte as if from the mouse, with IRQ 12 off.
        mov al, 0D3h
        call kbc_cmd
        mov al, 55h
        call kbc_data
        call kbc_read
        mov [got], al
        and ah, 21h
        CHECK8 "8042 D3h: status bits 0 and 5 (aux data)", ah, 21h
        CHECK8 "8042 D3h: the byte written", [got], 55h
        ; With command byte bit 1 the same raises IRQ 12.
        mov al, [ctr_quiet]
        or al, 02h
        call write_ctr
        mov word [count], 0
        mov al, 0D3h
        call kbc_cmd
        mov al, 0AAh
        call kbc_data
        mov cx, 2
        call wait_ticks
        CHECK8 "8042 D3h with command byte bit 1: one IRQ 12", [count], 1
        CHECK8 "IRQ 12 handler reads the byte", [buf], 0AAh

; --- the mouse's commands (IRQ 12 off, polled) -----------------------------------
        mov al, [ctr_quiet]
        call write_ctr
        mov al, 0FFh
        call mouse_cmd
        CHECK8 "mouse FFh reset: ACK", al, 0FAh
        call kbc_read
        CHECK8 "mouse FFh reset: AAh (self-test passed)", al, 0AAh
        call kbc_read
        CHECK8 "mouse FFh reset: ID 00h", al, 0
        mov al, 0F2h
        call mouse_cmd
        CHECK8 "mouse F2h get ID: ACK", al, 0FAh
        call kbc_read
        CHECK8 "mouse F2h: ID 00h (standard PS/2 mouse)", al, 0
        call status_req
        CHECK8 "mouse E9h after reset: stream, disabled, 1:1", [stat], 0
        CHECK8 "mouse E9h after reset: resolution 2 (4 counts/mm)", [stat+1], 2
        CHECK8 "mouse E9h after reset: 100 samples/s", [stat+2], 100
        mov al, 0F3h
        call mouse_cmd
        mov al, 40
        call mouse_cmd
        CHECK8 "mouse F3h 40: ACK", al, 0FAh
        mov al, 0E8h
        call mouse_cmd
        mov al, 3
        call mouse_cmd
        CHECK8 "mouse E8h 3: ACK", al, 0FAh
        mov al, 0E7h
        call mouse_cmd
        call status_req
        CHECK8 "mouse E9h: 2:1 scaling bit", [stat], 10h
        CHECK8 "mouse E9h: resolution 3", [stat+1], 3
        CHECK8 "mouse E9h: 40 samples/s", [stat+2], 40
        mov al, 0F3h
        call mouse_cmd
        mov al, 41
        call mouse_cmd
        CHECK8 "mouse F3h 41 (no such rate): FEh", al, 0FEh
        mov al, 0F6h
        call mouse_cmd
        CHECK8 "mouse F6h set defaults: ACK", al, 0FAh
        call status_req
        CHECK8 "mouse E9h after F6h: 1:1", [stat], 0
        CHECK8 "mouse E9h after F6h: 100 samples/s", [stat+2], 100
        ; Wrap mode echoes until ECh.
        mov al, 0EEh
        call mouse_cmd
        mov al, 5Ah
        call mouse_cmd
        CHECK8 "mouse wrap mode echoes 5Ah", al, 5Ah
        mov al, 0ECh
        call mouse_cmd
        CHECK8 "mouse ECh leaves wrap mode: ACK", al, 0FAh

; --- stream mode: packets through IRQ 12 ------------------------------------------
        mov al, [ctr_quiet]
        or al, 02h
        call write_ctr
        mov word [count], 0
        mov al, 0D4h
        call kbc_cmd
        mov al, 0F4h
        call kbc_data
        mov ax, 1
        call wait_count
        CHECK8 "mouse F4h enable: ACK through IRQ 12", [buf], 0FAh
        mov word [count], 0
        MOUSE_STEP "1"
        mov ax, 3
        call wait_count
        CHECK8 "packet 1: byte 0 (bit 3, Y sign clear: up)", [buf], 08h
        CHECK8 "packet 1: X = 10", [buf+1], 10
        CHECK8 "packet 1: Y = +5 (up)", [buf+2], 5
        mov word [count], 0
        MOUSE_STEP "2"
        mov ax, 9
        call wait_count
        CHECK8 "packet 2: X and Y sign bits", [buf], 38h
        CHECK8 "packet 2: X = -3", [buf+1], 0FDh
        CHECK8 "packet 2: Y = -4 (down)", [buf+2], 0FCh
        CHECK8 "packet 3: left button", [buf+3], 09h
        CHECK8 "packet 3: no motion X", [buf+4], 0
        CHECK8 "packet 3: no motion Y", [buf+5], 0
        CHECK8 "packet 4: left button released", [buf+6], 08h

; --- remote mode ---------------------------------------------------------------------
        mov al, [ctr_quiet]
        call write_ctr
        mov al, 0F0h
        call mouse_cmd
        CHECK8 "mouse F0h remote mode: ACK", al, 0FAh
        MOUSE_STEP "3"
        mov cx, 4
        call wait_ticks
        in al, 64h
        and al, 01h
        CHECK8 "remote mode: no packet without a request", al, 0
        mov al, 0EBh
        call mouse_cmd
        CHECK8 "mouse EBh read data: ACK", al, 0FAh
        call kbc_read
        CHECK8 "EBh packet: Y sign", al, 28h
        call kbc_read
        CHECK8 "EBh packet: X = 7", al, 7
        call kbc_read
        CHECK8 "EBh packet: Y = -7", al, 0F9h
        mov al, 0FFh                    ; leave the mouse reset
        call mouse_cmd
        call kbc_read
        call kbc_read
        jmp finish

; read_ctr: AL = the 8042 command byte.
read_ctr:
        mov al, 20h
        call kbc_cmd
        jmp kbc_read

; write_ctr: command byte = AL.
write_ctr:
        push ax
        mov al, 60h
        call kbc_cmd
        pop ax
        jmp kbc_data

; kbc_cmd / kbc_data: write AL to 64h / 60h once the input buffer is empty.
kbc_cmd:
        push ax
.w:     in al, 64h
        test al, 02h
        jnz .w
        pop ax
        out 64h, al
        ret
kbc_data:
        push ax
.w:     in al, 64h
        test al, 02h
        jnz .w
        pop ax
        out 60h, al
        ret

; kbc_read: AL = the next byte of the output buffer, AH = the status it came
; with; FFh after a time-out of 512K polls (interrupts may be off).
kbc_read:
        push cx
        push dx
        mov dx, 8
.outer: xor cx, cx
.w:     in al, 64h
        test al, 01h
        jnz .got
        loop .w
        dec dx
        jnz .outer
        mov ax, 00FFh
        jmp .out
.got:   mov ah, al
        in al, 60h
.out:   pop dx
        pop cx
        ret

; mouse_cmd: send AL to the mouse (D4h); AL = its first answer.
mouse_cmd:
        push ax
        mov al, 0D4h
        call kbc_cmd
        pop ax
        call kbc_data
        jmp kbc_read

; status_req: E9h; the three status bytes to stat.
status_req:
        mov al, 0E9h
        call mouse_cmd
        call kbc_read
        mov [stat], al
        call kbc_read
        mov [stat+1], al
        call kbc_read
        mov [stat+2], al
        ret

; irq12: store the byte; EOI to the slave, then the master.
irq12:
        push ax
        push bx
        push ds
        xor ax, ax
        mov ds, ax
        in al, 60h
        mov bx, [count]
        cmp bx, 32
        jae .full
        mov [buf+bx], al
        inc word [count]
.full:  mov al, 20h
        out 0A0h, al
        out 20h, al
        pop ds
        pop bx
        pop ax
        iret

        section .bss
count:     resw 1
buf:       resb 32
stat:      resb 3
got:       resb 1
ctr_quiet: resb 1
END_PROGRAM
