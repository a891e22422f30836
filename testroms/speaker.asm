; speaker — plays a known sequence on the PC speaker for speaker_test.go
; to analyse in the WAV file of --audio-out: tones of PIT channel 2 in mode 3
; with port 61h bits 0 (gate) and 1 (data) on (IBM PC/AT Technical
; Reference, "Speaker"), then two passages made by toggling port 61h bit 1
; directly with the gate off. Every note and pause is timed by counting the
; refresh request toggles of port 61h bit 4 (one every 15.085 us), as BIOS
; delays do; 60 ms of silence separates the sounds.
;
; The sequence (divisor -> 1193182/divisor Hz, toggles -> toggles * 15.085 us):
;   2712 (440 Hz) 13258 (200 ms); 2280 (523 Hz) 6629 (100 ms);
;   1810 (659 Hz) 9944 (150 ms); 1356 (880 Hz) 16573 (250 ms);
;   597 (1999 Hz) 6629 (100 ms); 239 (4992 Hz) 13258 (200 ms);
;   bit 1 toggled every 33 refresh toggles, 400 times (1004.4 Hz, 199.1 ms);
;   bit 1 toggled every 11 refresh toggles, 1200 times (3013.3 Hz, 199.1 ms).

%define PROGRAM_NAME "speaker"
%include "lib.inc"

main:
        INFO "speaker: PIT channel 2 tones and direct port 61h toggles"
        cli                             ; only the refresh toggles time the sounds
        in al, 61h
        and al, 0FCh
        out 61h, al
        mov cx, 3978                    ; 60 ms of silence first
        call refresh_wait
        mov si, notes
.note:  lodsw
        test ax, ax
        jz .direct
        mov bx, ax
        mov al, 0B6h                    ; channel 2, LSB then MSB, mode 3, binary
        out 43h, al
        mov al, bl
        out 42h, al
        mov al, bh
        out 42h, al
        in al, 61h
        or al, 03h                      ; gate and speaker data on
        out 61h, al
        lodsw
        mov cx, ax
        call refresh_wait
        in al, 61h
        and al, 0FCh
        out 61h, al
        mov cx, 3978
        call refresh_wait
        jmp .note

.direct:
        in al, 61h
        and al, 03h
        CHECK8 "port 61h bits 0-1 read back as written (off)", al, 0
        mov bx, 33
        mov dx, 400
        call toggle
        mov cx, 3978
        call refresh_wait
        mov bx, 11
        mov dx, 1200
        call toggle
        mov cx, 3978
        call refresh_wait
        in al, 61h
        and al, 03h
        CHECK8 "port 61h bits 0-1 read back after the toggling", al, 0
        sti
        jmp finish

; toggle: DX times, flip port 61h bit 1 (gate off) and wait BX refresh
; toggles; the speaker is left off.
toggle:
        in al, 61h
        and al, 0FCh
.flip:  xor al, 02h
        out 61h, al
        mov cx, bx
        push ax
        call refresh_wait
        pop ax
        dec dx
        jnz .flip
        and al, 0FCh
        out 61h, al
        ret

; refresh_wait: wait for CX changes of port 61h bit 4.
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

notes:  dw 2712, 13258, 2280, 6629, 1810, 9944, 1356, 16573, 597, 6629, 239, 13258, 0

END_PROGRAM
