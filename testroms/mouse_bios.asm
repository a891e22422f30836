; mouse_bios — the PS/2 mouse through the BIOS: INT 11h bit 2 and INT 15h
; AH=C2h, AL=00h-07h (IBM PS/2 and PC BIOS Interface Technical Reference,
; "Pointing Device BIOS Interface"; Ralf Brown's INT 15h/C200h-C207h): reset,
; device type, initialise, sample rate, resolution, scaling and status,
; enable with and without a handler, and the packets of host motion handed
; to the far handler with status, X, Y and Z words on the stack.
;
; Needs: a PS/2 mouse, and the host steps of mouse_test.go:
;   1: motion 20 right, 30 down (at 8 counts/mm: 40 and 60 counts)
;   2: right button down; right button up
;   3: motion 5 right, 5 down (with the mouse disabled)

%define PROGRAM_NAME "mouse_bios"
%include "lib.inc"
%include "mouse.inc"

main:
        INFO "mouse_bios: INT 15h AH=C2h pointing device services"
        int 11h
        and al, 04h
        CHECK8 "int11 bit 2: pointing device installed", al, 04h

        mov ax, 0C201h
        mov bx, 0FFFFh
        int 15h
        SAVEFLAGS flags
        mov [got], ah
        CHECKCF "int15 C201h reset: CF clear", flags, 0
        CHECK8 "int15 C201h reset: AH = 00h", [got], 0
        CHECK8 "int15 C201h reset: BL = AAh", bl, 0AAh
        CHECK8 "int15 C201h reset: BH = device ID 00h", bh, 0

        mov ax, 0C204h
        mov bh, 0FFh
        int 15h
        SAVEFLAGS flags
        CHECKCF "int15 C204h device type: CF clear", flags, 0
        CHECK8 "int15 C204h device type: BH = 00h", bh, 0

        mov ax, 0C205h                  ; initialise: 3-byte packets
        mov bh, 3
        int 15h
        SAVEFLAGS flags
        CHECKCF "int15 C205h BH=3 initialise: CF clear", flags, 0

        mov ax, 0C202h                  ; 40 reports/s
        mov bh, 2
        int 15h
        SAVEFLAGS flags
        CHECKCF "int15 C202h BH=2 sample rate: CF clear", flags, 0
        mov ax, 0C203h                  ; 8 counts/mm
        mov bh, 3
        int 15h
        SAVEFLAGS flags
        CHECKCF "int15 C203h BH=3 resolution: CF clear", flags, 0
        mov ax, 0C206h                  ; 2:1 scaling
        mov bh, 2
        int 15h
        mov ax, 0C206h
        mov bh, 0
        int 15h
        SAVEFLAGS flags
        CHECKCF "int15 C206h BH=0 status: CF clear", flags, 0
        CHECK8 "int15 C206h status: BL = 2:1 scaling, disabled, stream", bl, 10h
        CHECK8 "int15 C206h status: CL = resolution 3", cl, 3
        CHECK8 "int15 C206h status: DL = 40 reports/s", dl, 40
        mov ax, 0C206h                  ; back to 1:1
        mov bh, 1
        int 15h
        mov ax, 0C206h
        mov bh, 0
        int 15h
        CHECK8 "int15 C206h BH=1: 1:1 scaling", bl, 00h

        mov ax, 0C202h
        mov bh, 7
        int 15h
        SAVEFLAGS flags
        mov [got], ah
        CHECKCF "int15 C202h BH=7 (no such rate): CF set", flags, 1
        CHECK8 "int15 C202h BH=7: AH = 02h invalid input", [got], 02h
        mov ax, 0C2FFh
        int 15h
        SAVEFLAGS flags
        mov [got], ah
        CHECKCF "int15 C2FFh: CF set", flags, 1
        CHECK8 "int15 C2FFh: AH = 01h invalid function", [got], 01h

        mov ax, 0C200h                  ; enable without a handler
        mov bh, 1
        int 15h
        SAVEFLAGS flags
        mov [got], ah
        CHECKCF "int15 C200h enable without a handler: CF set", flags, 1
        CHECK8 "int15 C200h enable without a handler: AH = 05h", [got], 05h

        mov ax, 0C207h
        mov bx, handler
        push cs
        pop es
        int 15h
        SAVEFLAGS flags
        CHECKCF "int15 C207h set handler: CF clear", flags, 0
        mov ax, 0C200h
        mov bh, 1
        int 15h
        SAVEFLAGS flags
        CHECKCF "int15 C200h enable: CF clear", flags, 0
        mov ax, 0C206h
        mov bh, 0
        int 15h
        and bl, 20h
        CHECK8 "int15 C206h status after enable: reporting on", bl, 20h

        mov word [count], 0
        MOUSE_STEP "1"
        mov ax, 1
        call wait_count
        CHECK16 "handler packet 1: status word (Y sign)", [pk], 0028h
        CHECK16 "handler packet 1: X = 40 (20 host counts at 8/mm)", [pk+2], 0028h
        CHECK16 "handler packet 1: Y = -60 (down)", [pk+4], 00C4h
        CHECK16 "handler packet 1: Z = 0", [pk+6], 0
        mov word [count], 0
        MOUSE_STEP "2"
        mov ax, 2
        call wait_count
        CHECK16 "handler packet 2: right button", [pk], 000Ah
        CHECK16 "handler packet 3: released", [pk+8], 0008h

        mov ax, 0C200h                  ; disable
        mov bh, 0
        int 15h
        SAVEFLAGS flags
        CHECKCF "int15 C200h disable: CF clear", flags, 0
        mov word [count], 0
        MOUSE_STEP "3"
        mov cx, 4
        call wait_ticks
        CHECK16 "no packets while disabled", [count], 0

        mov ax, 0C207h                  ; remove the handler
        xor bx, bx
        mov es, bx
        int 15h
        mov ax, 0C200h
        mov bh, 1
        int 15h
        mov [got], ah
        CHECK8 "int15 C200h enable after removing the handler: AH = 05h", [got], 05h
        mov ax, 0C201h                  ; leave the mouse reset
        int 15h
        jmp finish

; handler: the far call of INT 74h: [bp+12] status, [bp+10] X, [bp+8] Y,
; [bp+6] Z; up to 4 packets of 4 words to pk.
handler:
        push bp
        mov bp, sp
        push ax
        push bx
        push ds
        xor ax, ax
        mov ds, ax
        mov bx, [count]
        cmp bx, 4
        jae .full
        shl bx, 1
        shl bx, 1
        shl bx, 1
        mov ax, [bp+12]
        mov [pk+bx], ax
        mov ax, [bp+10]
        mov [pk+bx+2], ax
        mov ax, [bp+8]
        mov [pk+bx+4], ax
        mov ax, [bp+6]
        mov [pk+bx+6], ax
        inc word [count]
.full:  pop ds
        pop bx
        pop ax
        pop bp
        retf

        section .bss
flags: resw 1
count: resw 1
pk:    resw 16
got:   resb 1
END_PROGRAM
