; bell — the BIOS's bell for bell_test.go: INT 10h AH=0Eh writing BEL
; (07h) sounds the speaker as the IBM PC AT BIOS's BEEP does (TEST4.ASM
; 06/10/85: PIT channel 2 in mode 3 with divisor 1331, 896.4 Hz; port 61h
; bits 0-1 on for 31/64 s = 484.0 ms; then off, 1/64 s of silence, and the
; caller's speaker bits back). The program watches the beep through the
; guest-visible ports from its own INT 1Ch handler, which the timer keeps
; calling while the BIOS holds the caller: port 61h bits 0-1 and channel
; 2's read-back status and count.
;
; Three beeps, 100 ms of silence (6629 refresh toggles) before each:
;   1. AH=0Eh BEL with the speaker bits off before;
;   2. AH=0Eh BEL with bit 0 (gate only, no sound) on before: on after;
;   3. AH=13h writing "a", BEL, "b": one beep after the string.
; bell_test.go finds three 896.4 Hz tones of 484 ms in the WAV file.

%define PROGRAM_NAME "bell"
%include "lib.inc"

main:
        INFO "bell: INT 10h BEL sounds the speaker through PIT channel 2 and port 61h"
        cli
        mov ax, [1Ch*4]
        mov [old1c], ax
        mov ax, [1Ch*4+2]
        mov [old1c+2], ax
        mov word [1Ch*4], tick
        mov word [1Ch*4+2], 0
        in al, 61h
        and al, 0FCh
        out 61h, al
        sti
        mov ah, 03h                     ; the cursor before
        mov bh, 0
        int 10h
        mov [cursor], dx

        ; Beep 1: from silence.
        mov cx, 6629
        call refresh_wait
        call clear
        mov ax, 0E07h
        mov bx, 0
        int 10h
        call results
        in al, 61h
        and al, 03h
        CHECK8 "port 61h bits 0-1 off after the beep", al, 0
        mov ah, 03h
        mov bh, 0
        int 10h
        CHECK16 "BEL moves no cursor", dx, [cursor]

        ; Beep 2: the gate bit on before comes back on after.
        mov cx, 6629
        call refresh_wait
        in al, 61h
        or al, 01h
        out 61h, al
        call clear
        mov ax, 0E07h
        mov bx, 0
        int 10h
        call results
        in al, 61h
        and al, 03h
        CHECK8 "port 61h: the caller's gate bit on again after the beep", al, 1
        in al, 61h
        and al, 0FCh
        out 61h, al

        ; Beep 3: a BEL inside an AH=13h string.
        mov cx, 6629
        call refresh_wait
        call clear
        mov ax, 1301h                   ; attribute in BL, move the cursor
        mov bx, 0007h
        mov cx, 3
        mov dx, 1800h                   ; row 24, column 0
        push ds
        pop es
        mov bp, string
        int 10h
        call results
        in al, 61h
        and al, 03h
        CHECK8 "port 61h bits 0-1 off after the string's beep", al, 0
        push ds
        mov ax, 0B800h
        mov ds, ax
        mov al, [24*160]
        mov ah, [24*160+2]
        pop ds
        CHECK16 "AH=13h wrote the characters around the BEL", ax, 'a' | 'b' << 8

        mov cx, 6629
        call refresh_wait
        cli
        mov ax, [old1c]
        mov [1Ch*4], ax
        mov ax, [old1c+2]
        mov [1Ch*4+2], ax
        sti
        jmp finish

; clear: reset what the INT 1Ch handler counts.
clear:
        cli
        mov word [ticks], 0
        mov word [on_ticks], 0
        mov byte [status], 0
        mov word [count], 0FFFFh
        sti
        ret

; results: what the handler saw during one beep. 31/64 s of tone and 1/64 s
; of silence are 9.1 ticks of 54.9 ms; the tone 8.8 of them.
results:
        mov ax, [ticks]
        cmp ax, 9
        CHECKCC "the timer ticks on during the beep (at least 9 ticks)", ae
        cmp ax, 10
        CHECKCC "the beep holds the caller for at most 10 ticks", be
        mov ax, [on_ticks]
        cmp ax, 8
        CHECKCC "port 61h bits 0-1 read on at 8 or 9 ticks", ae
        cmp ax, 9
        CHECKCC "port 61h bits 0-1 read on at no more than 9 ticks", be
        mov al, [status]
        and al, 3Fh
        CHECK8 "channel 2 read-back status: LSB/MSB, mode 3, binary", al, 36h
        mov ax, [count]
        cmp ax, 1331
        CHECKCC "channel 2 counts down from 1331", be
        ret

; tick: INT 1Ch, called by the BIOS's INT 08h at every timer tick.
tick:
        push ax
        push ds
        xor ax, ax
        mov ds, ax
        inc word [ticks]
        in al, 61h
        and al, 03h
        cmp al, 03h
        jne .done
        inc word [on_ticks]
        mov al, 0E8h                    ; read-back: status of counter 2
        out 43h, al
        in al, 42h
        mov [status], al
        mov al, 80h                     ; counter 2 latch
        out 43h, al
        in al, 42h
        mov ah, al
        in al, 42h
        xchg al, ah
        mov [count], ax
.done:  pop ds
        pop ax
        iret

; refresh_wait: wait for CX changes of port 61h bit 4 (15.085 us each).
refresh_wait:
        push ax
        in al, 61h
        and al, 10h
        mov ah, al
.w:     in al, 61h
        and al, 10h
        cmp al, ah
        je .w
        mov ah, al
        loop .w
        pop ax
        ret

string: db "a", 7, "b"

        section .bss
old1c:    resw 2
cursor:   resw 1
ticks:    resw 1
on_ticks: resw 1
count:    resw 1
status:   resb 1

END_PROGRAM
