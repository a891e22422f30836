; mouse_serial — the Microsoft serial mouse with the Logitech third button on
; COM1, through the UART as a mouse driver uses it: 1200 baud, 7N1; power
; from DTR and RTS, "M3" after power comes on; 3-byte reports (bit 6 marks
; the first: 1 L R Y7 Y6 X7 X6, then X5-X0, then Y5-Y0), a fourth byte 20h
; while the middle button is down and 00h when it is released (Microsoft
; Mouse Programmer's Reference; Logitech's 3-button extension); reports
; received polled and through IRQ 4.
;
; Needs: the serial mouse on COM1 (-serial msmouse), and the host steps of
; mouse_test.go:
;   1: motion 5 right, 3 up
;   2: left down, middle down, middle up, left up
;   3: motion 60 left

%define PROGRAM_NAME "mouse_serial"
%include "lib.inc"
%include "mouse.inc"

COM1 equ 3F8h

main:
        INFO "mouse_serial: Microsoft/Logitech serial mouse on COM1"
        ; The serial mouse replaces the PS/2 one: no pointing device on
        ; the 8042, so the equipment word says none and the BIOS's
        ; pointing device services fail (IBM PC AT BIOS INT 15h AH=C2h:
        ; CF set, AH = 03h interface error or 04h resend).
        int 11h
        and al, 04h
        CHECK8 "int11 bit 2 clear: no PS/2 pointing device beside the serial mouse", al, 0
        mov ax, 0C201h
        int 15h
        CHECKCC "int15 C201h reset fails without a PS/2 mouse (CF set)", c
        mov dx, COM1+3
        mov al, 80h                     ; DLAB
        out dx, al
        mov dx, COM1
        mov al, 96                      ; 1843200 / 16 / 96 = 1200 baud
        out dx, al
        inc dx
        mov al, 0
        out dx, al
        mov dx, COM1+3
        mov al, 02h                     ; 7 data bits, no parity, 1 stop bit
        out dx, al
        mov dx, COM1+1
        mov al, 0
        out dx, al                      ; no interrupts yet
        mov dx, COM1+4
        mov al, 0                       ; DTR and RTS off: the mouse has no power
        out dx, al
        mov cx, 3
        call wait_ticks
        call drain
        mov dx, COM1+4
        mov al, 0Bh                     ; DTR, RTS, OUT2
        out dx, al
        mov cx, 2
        call read_n
        CHECK16 "mouse identifies itself with M3 after power-on", [buf], '3' << 8 | 'M'
        mov cx, 4
        call wait_ticks
        call drain
        CHECK16 "nothing more without motion", ax, 0

        MOUSE_STEP "1"
        mov cx, 3
        call read_n
        CHECK8 "report 1: byte 0 (bit 6, Y7-Y6 of -3, X7-X6 of 5)", [buf], 4Ch
        CHECK8 "report 1: X5-X0 = 5", [buf+1], 05h
        CHECK8 "report 1: Y5-Y0 of -3", [buf+2], 3Dh

        MOUSE_STEP "2"
        mov cx, 14
        call read_n
        CHECK8 "report 2: left button", [buf], 60h
        CHECK8 "report 2: three bytes (no middle)", [buf+3], 60h
        CHECK8 "report 3: middle down: fourth byte 20h", [buf+6], 20h
        CHECK8 "report 4: middle up: fourth byte 00h", [buf+10], 00h
        CHECK8 "report 5: left up", [buf+11], 40h
        CHECK8 "report 5: no motion", [buf+12], 0

        ; The same through IRQ 4.
        cli
        mov word [0Ch*4], irq4
        mov word [0Ch*4+2], 0
        in al, 21h
        and al, 0EFh
        out 21h, al
        mov word [count], 0
        mov dx, COM1+1
        mov al, 01h                     ; received data available
        out dx, al
        sti
        MOUSE_STEP "3"
        call start_wait
.w:     cmp word [count], 3
        jae .got
        call wait_expired
        jz .w
.got:   CHECK16 "IRQ 4 brought the 3 bytes of report 6", [count], 3
        CHECK8 "report 6: byte 0 (X7-X6 of -60)", [ibuf], 43h
        CHECK8 "report 6: X5-X0 of -60", [ibuf+1], 04h
        CHECK8 "report 6: Y = 0", [ibuf+2], 0
        mov dx, COM1+1
        mov al, 0
        out dx, al

        ; Power off and on again: a new identification.
        mov dx, COM1+4
        mov al, 09h                     ; RTS dropped
        out dx, al
        mov cx, 2
        call wait_ticks
        mov al, 0Bh
        out dx, al
        mov cx, 2
        call read_n
        CHECK16 "RTS toggled: M3 again", [buf], '3' << 8 | 'M'
        jmp finish

; read_n: read CX bytes polled into buf (2 s at most); CX = bytes missing.
read_n:
        mov di, buf
        call start_wait
.next:  mov dx, COM1+5
.w:     in al, dx
        test al, 01h
        jnz .got
        call wait_expired
        jz .w
        ret
.got:   mov dx, COM1
        in al, dx
        mov [di], al
        inc di
        loop .next
        ret

; drain: read what the receiver holds; AX = number of bytes.
drain:
        xor cx, cx
.more:  mov dx, COM1+5
        in al, dx
        test al, 01h
        jz .done
        mov dx, COM1
        in al, dx
        inc cx
        jmp .more
.done:  mov ax, cx
        ret

irq4:
        push ax
        push bx
        push dx
        push ds
        xor ax, ax
        mov ds, ax
.more:  mov dx, COM1+5
        in al, dx
        test al, 01h
        jz .done
        mov dx, COM1
        in al, dx
        mov bx, [count]
        cmp bx, 16
        jae .more
        mov [ibuf+bx], al
        inc word [count]
        jmp .more
.done:  mov al, 20h
        out 20h, al
        pop ds
        pop dx
        pop bx
        pop ax
        iret

        section .bss
count: resw 1
buf:   resb 16
ibuf:  resb 16
END_PROGRAM
