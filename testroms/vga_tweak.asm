; vga_tweak — the unchained 256-colour modes programs make from mode 13h
; by hand (Abrash, "Graphics Programming Black Book" ch. 47-48): chain-4
; and doubleword addressing off, byte addressing on, and the CRT
; controller's timing changed for
;   0: 320x240 ("mode X": 480 lines of the 25 MHz clock, each pixel line
;      scanned twice through the maximum scan line),
;   1: 320x400 (mode 13h's 400 lines, each scanned once),
;   2: 360x480 (the 28 MHz clock and 90 character clocks a line).
; The variant is the byte after "TWEAK=" in this program, which the test
; sets for each run. The picture: every pixel written plane by plane
; through the map mask (pixel x in plane x mod 4), colour 32 + (x + 2y)/8
; mod 216 inside a border of colour 15; checked are a few pixels read back
; through the read map select, and the CRTC's registers.
;
; Needs: this program as sector 0 of the first hard disk.

%define PROGRAM_NAME "vga_tweak"
%include "lib.inc"
%include "vga.inc"

main:
        INFO "vga_tweak: 320x240, 320x400 and 360x480 made from mode 13h"
        mov ax, 0013h
        int 10h
        SEQSET 4, 06h                   ; chain-4 and odd/even off
        CRTCSET 11h, 0Eh                ; write protect off (retrace end kept)
        CRTCSET 14h, 00h                ; doubleword addressing off
        CRTCSET 17h, 0E3h               ; byte addressing
        mov al, [tweak]
        cmp al, 1
        je .t400
        jb .t240
        ; 360x480: 28 MHz, 90 characters.
        mov dx, 3C2h
        mov al, 0E7h
        out dx, al
        mov si, crtc_360
        call crtc_table
        mov word [width], 360
        mov word [height], 480
        jmp .set
.t240:  mov dx, 3C2h
        mov al, 0E3h
        out dx, al
        mov si, crtc_240
        call crtc_table
        mov word [width], 320
        mov word [height], 240
        jmp .set
.t400:  CRTCSET 09h, 40h                ; one scan line per pixel line
        mov word [width], 320
        mov word [height], 400
.set:   mov ax, [width]
        shr ax, 1
        shr ax, 1
        mov [pitch], ax                 ; bytes per line

        CRTCGET 17h
        CHECK8 "CR17h byte addressing", al, 0E3h
        mov dx, 3C4h
        mov al, 4
        out dx, al
        inc dx
        in al, dx
        CHECK8 "SR04h chain-4 off", al, 06h

        ; Clear all four planes, then draw plane by plane.
        mov ax, 0A000h
        mov es, ax
        SEQSET 2, 0Fh
        xor di, di
        xor ax, ax
        mov cx, 8000h
        rep stosw
        xor bp, bp                      ; BP = plane
.plane: mov cx, bp
        mov ah, 1
        shl ah, cl
        mov al, 2
        mov dx, 3C4h
        out dx, ax                      ; map mask: this plane only
        xor di, di
        xor bx, bx                      ; BX = y
.row:   xor si, si                      ; SI = byte in the line
.px:    mov ax, si
        shl ax, 1
        shl ax, 1
        add ax, bp                      ; x = 4 * byte + plane
        call colour
        stosb
        inc si
        cmp si, [pitch]
        jb .px
        inc bx
        cmp bx, [height]
        jb .row
        inc bp
        cmp bp, 4
        jb .plane

        ; Read back pixels (1, 1) and (width-1, height-1) through the read map select.
        GCSET 4, 1
        mov di, [pitch]
        mov al, [es:di]
        mov ah, 32 + (1 + 2) / 8
        CHECK8 "pixel (1,1) in plane 1 at one line's pitch", al, ah
        GCSET 4, 3
        mov ax, [height]
        mul word [pitch]
        dec ax
        mov di, ax
        mov al, [es:di]
        CHECK8 "the last pixel is the border", al, 15
        PICTURE
        jmp finish

; colour: AL = colour of pixel (AX, BX).
colour:
        push bx
        push cx
        push dx
        test ax, ax
        jz .border
        test bx, bx
        jz .border
        mov cx, [width]
        dec cx
        cmp ax, cx
        je .border
        mov cx, [height]
        dec cx
        cmp bx, cx
        je .border
        shl bx, 1
        add ax, bx
        mov cl, 3
        shr ax, cl                      ; (x + 2y) / 8
        xor dx, dx
        mov cx, 216
        div cx
        mov al, dl
        add al, 32
        jmp .done
.border:
        mov al, 15
.done:  pop dx
        pop cx
        pop bx
        ret

; crtc_table: CRTC index/value pairs at SI, ending with FFh.
crtc_table:
        push ax
        push dx
        mov dx, 3D4h
.next:  lodsb
        cmp al, 0FFh
        je .end
        mov ah, [si]
        inc si
        out dx, ax
        jmp .next
.end:   pop dx
        pop ax
        ret

; 320x240: 525 lines at 60 Hz, 480 displayed, each pixel line twice.
crtc_240:
        db 06h, 0Dh, 07h, 3Eh, 09h, 41h, 10h, 0EAh, 11h, 0ACh, 12h, 0DFh, 15h, 0E7h, 16h, 06h, 0FFh
; 360x480: 90 characters of 8 dots at 28 MHz, 480 lines.
crtc_360:
        db 00h, 6Bh, 01h, 59h, 02h, 5Ah, 03h, 8Eh, 04h, 5Eh, 05h, 8Ah
        db 06h, 0Dh, 07h, 3Eh, 09h, 40h, 10h, 0EAh, 11h, 0ACh, 12h, 0DFh
        db 13h, 2Dh, 15h, 0E7h, 16h, 06h, 0FFh

        db "TWEAK="
tweak:  db 0

        section .bss
width:  resw 1
height: resw 1
pitch:  resw 1
        section .text

        END_PROGRAM
