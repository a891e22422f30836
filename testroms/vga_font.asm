; vga_font — the character generator of the VGA's text modes (IBM VGA
; Technical Reference, "Character Generator Routines", "Character Map
; Select Register"; FreeVGA "VGA Text Mode Operation"): fonts live in plane
; 2, 32 bytes per character, in eight maps, and a program loads its own:
;   - through INT 10h AX=1110h (user font with recalculation: 14-line
;     cells make 28 rows of the 400-line screen; the BDA's rows and
;     character height follow);
;   - directly, the way font editors do: map mask 04h, sequential
;     addressing, read map 2, graphics controller at A0000h, the glyph
;     written at character*32, then text mode's registers back;
;   - a second map with AX=1100h BL=1 and both maps on screen at once with
;     AX=1103h (512 characters: attribute bit 3 picks map A);
;   - read back from plane 2.
; The picture shows only the program's own glyphs (and blanks), so that it
; does not depend on the BIOS's ROM fonts: 28 rows of 80 characters with
; the cursor off and bright backgrounds instead of blinking.
;
; Needs: this program as sector 0 of the first hard disk.

%define PROGRAM_NAME "vga_font"
%include "lib.inc"
%include "vga.inc"

GLYPH_H equ 14

main:
        INFO "vga_font: user fonts in plane 2, 512 characters"
        mov ax, 0003h
        int 10h

        ; The ROM fonts with recalculation: the BDA's rows and character
        ; height agree with the rows the CRTC shows (vertical display end
        ; / character height) for the 8- and 14-line fonts.
        mov ax, 1112h
        mov bl, 0
        int 10h
        call bda_rows
        CHECK8 "AX=1112h 8-line font: BDA rows - 1 = 49", al, 49
        CHECK16 "AX=1112h: BDA character height 8", bx, 8
        call crtc_rows
        CHECK16 "AX=1112h: the CRTC shows 50 rows", ax, 50
        mov ax, 1111h
        mov bl, 0
        int 10h
        call bda_rows
        CHECK8 "AX=1111h 14-line font: BDA rows - 1 = 27", al, 27
        CHECK16 "AX=1111h: BDA character height 14", bx, 14
        call crtc_rows
        CHECK16 "AX=1111h: the CRTC shows 28 rows", ax, 28
        mov ax, 0003h
        int 10h

        ; AX=1110h: 16 glyphs of 14 lines for 80h-8Fh into map 0, recalc.
        mov ax, 1110h
        mov bx, (GLYPH_H << 8) | 0
        mov cx, 16
        mov dx, 80h
        mov bp, font_a
        int 10h
        push ds
        mov ax, 40h
        mov ds, ax
        mov al, [84h]
        mov bx, [85h]
        pop ds
        CHECK8 "AX=1110h 14-line font: BDA rows - 1 = 27", al, 27
        CHECK16 "AX=1110h: BDA character height 14", bx, 14
        CRTCGET 09h
        and al, 1Fh
        CHECK8 "AX=1110h: CRTC maximum scan line 13", al, 13

        ; Glyph 90h by hand, through the sequencer and graphics controller.
        SEQSET 2, 04h                   ; plane 2 only
        SEQSET 4, 07h                   ; sequential addressing
        GCSET 4, 02h                    ; read plane 2
        GCSET 5, 00h                    ; no odd/even
        GCSET 6, 04h                    ; A0000h 64K, text
        mov ax, 0A000h
        mov es, ax
        mov si, glyph_90
        mov di, 90h * 32
        mov cx, GLYPH_H
        rep movsb
        ; Read back from plane 2, still open: glyph 90h and AX=1110h's 85h.
        mov al, [es:90h * 32 + 3]
        CHECK8 "glyph 90h line 3 in plane 2", al, [glyph_90 + 3]
        mov al, [es:85h * 32 + 6]
        CHECK8 "glyph 85h line 6 (AX=1110h) in plane 2", al, [font_a + 5 * GLYPH_H + 6]
        SEQSET 2, 03h                   ; text mode's values back
        SEQSET 4, 02h
        GCSET 4, 00h
        GCSET 5, 10h
        GCSET 6, 0Eh

        ; Map 1: 16 other glyphs for 41h-50h (AX=1100h, no recalc), and
        ; AX=1103h: map A (attribute bit 3 set) = 1, map B = 0.
        push ds
        pop es
        mov ax, 1100h
        mov bx, (GLYPH_H << 8) | 1
        mov cx, 16
        mov dx, 41h
        mov bp, font_b
        int 10h
        mov ax, 1103h
        mov bl, 04h
        int 10h
        mov dx, 3C4h
        mov al, 3
        out dx, al
        inc dx
        in al, dx
        CHECK8 "AX=1103h BL=04h: character map select", al, 04h

        ; The screen: cursor off, no blinking, every cell from the
        ; program's glyphs.
        mov ah, 01h
        mov cx, 2000h
        int 10h
        mov ax, 1003h
        xor bl, bl
        int 10h
        mov ax, 0B800h
        mov es, ax
        xor di, di
        xor bx, bx                      ; BX = cell number
.cell:  mov ax, bx
        mov cl, 17
        div cl                          ; AH = cell mod 17
        mov al, ah
        cmp al, 16
        jb .a
        mov al, 90h                     ; every 17th: the hand-made glyph
        mov ah, 0Eh
        jmp .put
.a:     test bl, 40h
        jz .map_b
        add al, 41h                     ; map A: 41h-50h with bit 3 set
        mov ah, bl
        or ah, 08h
        jmp .put
.map_b: add al, 80h                     ; map B: 80h-8Fh with bit 3 clear
        mov ah, bl
        and ah, 0F7h
.put:   stosw
        inc bx
        cmp bx, 80 * 28
        jb .cell
        PICTURE
        jmp finish

; Glyphs made by formula, 14 lines each: no ROM's design.
; bda_rows: AL = BDA 0484h (rows - 1), BX = BDA 0485h (character height).
bda_rows:
        push ds
        mov ax, 40h
        mov ds, ax
        mov al, [84h]
        mov bx, [85h]
        pop ds
        ret

; crtc_rows: AX = the text rows the CRTC shows: (vertical display end + 1)
; / (maximum scan line + 1); the end's bits 8 and 9 are CR07h bits 1 and 6.
crtc_rows:
        push bx
        push cx
        push dx
        CRTCGET 07h
        mov bl, al
        CRTCGET 12h
        xor ah, ah
        test bl, 02h
        jz .b9
        or ah, 01h
.b9:    test bl, 40h
        jz .end
        or ah, 02h
.end:   inc ax
        mov cx, ax
        CRTCGET 09h
        and al, 1Fh
        inc al
        mov bl, al
        xor bh, bh
        mov ax, cx
        xor dx, dx
        div bx
        pop dx
        pop cx
        pop bx
        ret

font_a:
%assign c 0
%rep 16
%assign r 0
%rep GLYPH_H
        db ((c * 29 + r * 13) ^ (r * 0x11) ^ (c << 3)) & 0FFh
%assign r r + 1
%endrep
%assign c c + 1
%endrep
font_b:
%assign c 0
%rep 16
%assign r 0
%rep GLYPH_H
        db ((0x80 >> (r & 7)) | (0x01 << ((r + c) & 7)) | (c * 0x10)) & 0FFh
%assign r r + 1
%endrep
%assign c c + 1
%endrep
glyph_90:
        db 0FFh, 81h, 0BDh, 0A5h, 0A5h, 0BDh, 81h, 0FFh, 00h, 0AAh, 55h, 0AAh, 55h, 00h

        END_PROGRAM
