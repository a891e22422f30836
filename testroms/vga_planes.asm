; vga_planes — the VGA's graphics controller and plane addressing, checked
; byte by byte in each plane against the IBM VGA Technical Reference
; ("Graphics Controller Registers", "Sequencer Memory Mode Register") and
; FreeVGA ("Accessing the VGA Display Memory"):
;   - write mode 0: plain data to the planes the map mask enables, set/reset
;     and enable set/reset, data rotate, the logical functions AND, OR and
;     XOR with the latches, the bit mask keeping latched bits;
;   - write mode 1: the latches written as they are, bit mask ignored;
;   - write mode 2: plane p takes bit p of the data, through function and
;     bit mask;
;   - write mode 3: set/reset as data, the rotated data ANDed with the bit
;     mask as the bit mask;
;   - read mode 0 with the read map select; read mode 1 colour compare with
;     colour don't care; every read loads all four latches;
;   - chain-4 (mode 13h): four consecutive bytes in the four planes at one
;     address; odd/even (mode 3): characters in plane 0, attributes in plane
;     1, at the even address.
; The picture left at the end (mode 12h) is drawn with the write modes:
; sixteen colour bars (write mode 2), a set/reset checkerboard of single
; pixels through the bit mask (mode 0), an XOR band over both (function XOR) and a copy of a
; strip through the latches (write mode 1).
;
; Needs: this program as sector 0 of the first hard disk.

%define PROGRAM_NAME "vga_planes"
%include "lib.inc"
%include "vga.inc"

main:
        INFO "vga_planes: write modes 0-3, read modes 0-1, latches, chain-4 and odd/even"
        mov ax, 0012h
        int 10h
        mov ax, 0A000h
        mov es, ax

        ; Write mode 0: one byte to all four planes, then through the map
        ; mask to planes 0 and 2 only.
        FILLPLANES 100, 0, 0, 0, 0
        mov byte [es:100], 5Ah
        PLANES "wm0 data to all planes", 100, 5Ah, 5Ah, 5Ah, 5Ah
        FILLPLANES 101, 11h, 22h, 33h, 44h
        SEQSET 2, 05h
        mov byte [es:101], 0FFh
        SEQSET 2, 0Fh
        PLANES "wm0 map mask 0101b", 101, 0FFh, 22h, 0FFh, 44h

        ; Set/reset: all planes from GR00 (1010b), the data ignored.
        GCSET 0, 0Ah
        GCSET 1, 0Fh
        mov byte [es:102], 00h
        PLANES "wm0 set/reset 1010b", 102, 00h, 0FFh, 00h, 0FFh
        ; Enable set/reset for planes 0-1 only (set/reset 0001b).
        GCSET 0, 01h
        GCSET 1, 03h
        mov byte [es:103], 3Ch
        PLANES "wm0 enable set/reset 0011b", 103, 0FFh, 00h, 3Ch, 3Ch
        GCSET 1, 00h
        GCSET 0, 00h

        ; Data rotate: 81h rotated right by 3 is 30h.
        GCSET 3, 03h
        mov byte [es:104], 81h
        GCSET 3, 00h
        PLANES "wm0 rotate 3", 104, 30h, 30h, 30h, 30h

        ; The logical functions, with the latches loaded from offset 110.
        FILLPLANES 110, 0F0h, 0Fh, 0AAh, 55h
        mov al, [es:110]
        GCSET 3, 08h                    ; AND
        mov byte [es:111], 0CCh
        PLANES "wm0 AND with latches", 111, 0C0h, 0Ch, 88h, 44h
        mov al, [es:110]
        GCSET 3, 10h                    ; OR
        mov byte [es:112], 0CCh
        PLANES "wm0 OR with latches", 112, 0FCh, 0CFh, 0EEh, 0DDh
        mov al, [es:110]
        GCSET 3, 18h                    ; XOR
        mov byte [es:113], 0CCh
        PLANES "wm0 XOR with latches", 113, 3Ch, 0C3h, 66h, 99h
        GCSET 3, 00h

        ; The bit mask: bits it clears come from the latches.
        mov al, [es:110]
        GCSET 8, 0Fh
        mov byte [es:114], 0FFh
        GCSET 8, 0FFh
        PLANES "wm0 bit mask 0Fh", 114, 0FFh, 0Fh, 0AFh, 5Fh

        ; Write mode 1: the latches, whatever the data and the bit mask.
        mov al, [es:110]
        GCSET 5, 01h
        GCSET 8, 00h
        mov byte [es:115], 00h
        GCSET 8, 0FFh
        PLANES "wm1 latches copied", 115, 0F0h, 0Fh, 0AAh, 55h

        ; Write mode 2: plane p gets bit p of the data.
        mov al, [es:110]
        GCSET 5, 02h
        mov byte [es:116], 09h
        PLANES "wm2 colour 1001b", 116, 0FFh, 00h, 00h, 0FFh
        ; ... through the bit mask F0h, the rest from the latches.
        mov al, [es:110]
        GCSET 5, 02h
        GCSET 8, 0F0h
        mov byte [es:117], 06h
        GCSET 8, 0FFh
        PLANES "wm2 colour 0110b, bit mask F0h", 117, 00h, 0FFh, 0FAh, 05h
        ; ... and through the XOR function.
        mov al, [es:110]
        GCSET 5, 02h
        GCSET 3, 18h
        mov byte [es:118], 03h
        GCSET 3, 00h
        PLANES "wm2 colour 0011b XOR latches", 118, 0Fh, 0F0h, 0AAh, 55h

        ; Write mode 3: set/reset (0101b) as data, bit mask 0Fh AND the
        ; data (3Ch) = 0Ch.
        mov al, [es:110]
        GCSET 5, 03h
        GCSET 0, 05h
        GCSET 8, 0Fh
        mov byte [es:119], 3Ch
        PLANES "wm3 set/reset 0101b, mask 0Fh AND 3Ch", 119, 0FCh, 03h, 0AEh, 51h
        ; ... with the data rotated (F0h rotated right by 2 is 3Ch).
        mov al, [es:110]
        GCSET 5, 03h
        GCSET 3, 02h
        mov byte [es:120], 0F0h
        GCSET 3, 00h
        GCSET 8, 0FFh
        GCSET 0, 00h
        PLANES "wm3 rotated data as mask", 120, 0FCh, 03h, 0AEh, 51h

        ; Read mode 1: colour compare. Offset 130 holds, from bit 7 to bit 0,
        ; the colours 0, 4, 2, 6, 1, 5, 3, 7.
        FILLPLANES 130, 0Fh, 33h, 55h, 00h
        GCSET 5, 08h
        GCSET 2, 05h
        GCSET 7, 0Fh
        mov al, [es:130]
        CHECK8 "rm1 colour 5 found at bit 2", al, 04h
        GCSET 2, 07h
        mov al, [es:130]
        CHECK8 "rm1 colour 7 found at bit 0", al, 01h
        GCSET 2, 01h
        GCSET 7, 03h                    ; planes 2-3 do not care
        mov al, [es:130]
        CHECK8 "rm1 colour x01b (don't care 0011b) at bits 3 and 2", al, 0Ch
        GCSET 7, 00h
        mov al, [es:130]
        CHECK8 "rm1 no plane compared: every bit matches", al, 0FFh
        GCSET 7, 0Fh
        GCSET 2, 00h
        ; A read-mode-1 read loads the latches too.
        mov al, [es:130]
        GCSET 5, 01h
        mov byte [es:131], 0
        PLANES "rm1 read loads the latches", 131, 0Fh, 33h, 55h, 00h
        ; Read mode 0 with the read map select.
        READPLANE 2, 130
        CHECK8 "rm0 read map select 2", al, 55h
        ; Each read replaces all four latches.
        mov al, [es:110]
        mov al, [es:130]
        GCSET 5, 01h
        mov byte [es:132], 0
        PLANES "the last read's latches", 132, 0Fh, 33h, 55h, 00h

        ; Chain-4 (mode 13h): bytes 0-3 are one address in planes 0-3.
        mov ax, 0013h
        int 10h
        mov byte [es:0], 11h
        mov byte [es:1], 22h
        mov byte [es:2], 33h
        mov byte [es:3], 44h
        mov al, [es:2]
        CHECK8 "chain-4 reads back byte 2", al, 33h
        SEQSET 4, 06h                   ; chain-4 off: the planes directly
        PLANES "chain-4 bytes 0-3", 0, 11h, 22h, 33h, 44h

        ; Odd/even (mode 3): character in plane 0, attribute in plane 1.
        mov ax, 0003h
        int 10h
        mov ax, 0B800h
        mov es, ax
        mov word [es:0], 1E41h          ; 'A' on blue, yellow
        mov word [es:2], 4F42h          ; 'B' on red, white
        mov al, [es:3]
        CHECK8 "odd/even reads back the attribute", al, 4Fh
        SEQSET 4, 06h                   ; sequential addressing
        GCSET 6, 05h                    ; graphics, A0000h 64K
        mov ax, 0A000h
        mov es, ax
        READPLANE 0, 0
        CHECK8 "odd/even cell 0 character in plane 0", al, 41h
        READPLANE 1, 0
        CHECK8 "odd/even cell 0 attribute in plane 1", al, 1Eh
        READPLANE 0, 2
        CHECK8 "odd/even cell 1 character", al, 42h
        READPLANE 1, 2
        CHECK8 "odd/even cell 1 attribute", al, 4Fh

        call picture
        PICTURE
        jmp finish

; picture: the mode 12h screen of the write modes.
picture:
        mov ax, 0012h
        int 10h
        mov ax, 0A000h
        mov es, ax
        ; Sixteen bars of 40 pixels (5 bytes), write mode 2, bit mask FFh.
        GCSET 5, 02h
        xor di, di
        mov cx, 480
.line:  xor bl, bl
.bar:   mov al, bl
        stosb
        stosb
        stosb
        stosb
        stosb
        inc bl
        cmp bl, 16
        jb .bar
        loop .line
        ; A checkerboard of single pixels in colour 15 on rows 100-259:
        ; write mode 0 with set/reset, the bit mask AAh and 55h on
        ; alternate lines, the latches keeping the bars between.
        GCSET 5, 00h
        GCSET 0, 0Fh
        GCSET 1, 0Fh
        mov di, 100*80
        mov cx, 160
        xor bx, bx
.chk:   mov ah, 0AAh
        test bl, 1
        jz .even
        mov ah, 55h
.even:  mov dx, 3CEh
        mov al, 8
        out dx, ax
        push cx
        mov cx, 80
.cb:    mov al, [es:di]                 ; latches: the bars under the squares
        mov [es:di], al
        inc di
        loop .cb
        pop cx
        inc bx
        loop .chk
        GCSET 8, 0FFh
        GCSET 1, 00h
        ; An XOR band on rows 200-299, columns 160-479: colour 0101b.
        GCSET 3, 18h
        GCSET 5, 02h
        mov di, 200*80 + 20
        mov cx, 100
.xr:    push cx
        mov cx, 40
.xb:    mov al, [es:di]
        mov byte [es:di], 05h
        inc di
        loop .xb
        add di, 40
        pop cx
        loop .xr
        GCSET 3, 00h
        ; Write mode 1: rows 0-39 copied to rows 400-439 through the latches.
        GCSET 5, 01h
        push ds
        push es
        pop ds
        xor si, si
        mov di, 400*80
        mov cx, 40*80
        rep movsb
        pop ds
        GCSET 5, 00h
        ret

        END_PROGRAM
