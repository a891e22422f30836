; vga_modes — one standard video mode through INT 10h (IBM VGA
; Technical Reference, "Video BIOS"; Ralf Brown's INT 10h): the mode is
; the byte after "VGAMODE=" in this program, which the test changes for
; each of 00h-07h and 0Dh-13h. The program sets the mode, checks AH=0Fh
; and the BDA against it, and draws a screen with the BIOS's functions in
; that mode:
;   - text modes: a font of the program's own (AX=1100h, the mode's cell
;     height), rows of characters and attributes with AH=09h and AH=13h,
;     a window scrolled up (AH=06h) and one scrolled down (AH=07h),
;     teletype (AH=0Eh), the cursor off (AH=01h) and bright backgrounds
;     instead of blinking (AX=1003h);
;   - graphics modes: squares of every colour and a diagonal with AH=0Ch
;     (read back with AH=0Dh), a block XORed on (colour bit 7), text
;     with AH=09h, AH=0Eh and AH=13h in a font of the program's own
;     (AX=1121h), a window scrolled up (AH=06h), and a character read back
;     (AH=08h).
; The program's fonts keep the picture independent of the BIOS's ROM
; fonts, so that the screens of two BIOSes can be compared pixel for pixel.
;
; Needs: this program as sector 0 of the first hard disk.

%define PROGRAM_NAME "vga_modes"
%include "lib.inc"
%include "vga.inc"

FONT_SEG equ 1000h                      ; the generated font, outside the program

main:
        INFO "vga_modes: one standard mode through INT 10h"
        xor ah, ah
        mov al, [mode]
        int 10h
        mov ah, 0Fh
        int 10h
        mov [cols], ah                  ; AH=0Fh's columns, checked below
        and al, 7Fh
        CHECK8 "int10 0Fh mode", al, [mode]
        push ds
        mov bx, 40h
        mov ds, bx
        mov bl, [49h]
        mov cl, [4Ah]
        mov ch, [84h]
        mov dl, [85h]
        pop ds
        CHECK8 "BDA 0449h mode", bl, [mode]
        CHECK8 "int10 0Fh AH = BDA 044Ah columns", [cols], cl
        inc ch
        mov [rows], ch
        mov [cheight], dl
        call colour_mask
        call make_font

        mov al, [mode]
        cmp al, 7
        je .text
        cmp al, 4
        jb .text
        call graphics
        jmp .done
.text:  call text
.done:  PICTURE
        jmp finish

; colour_mask: [mask] = the colours the mode's AH=0Ch takes.
colour_mask:
        mov al, [mode]
        mov bl, 03h
        cmp al, 6
        jb .set
        mov bl, 01h
        je .set
        mov bl, 05h                     ; 0Fh: video (plane 0) and intensity (plane 2)
        cmp al, 0Fh
        je .set
        mov bl, 01h
        cmp al, 11h
        je .set
        mov bl, 0FFh
        cmp al, 13h
        je .set
        mov bl, 0Fh
.set:   mov [mask], bl
        ret

; make_font: 256 glyphs of [cheight] lines at FONT_SEG:0, by formula:
; line 0 blank (cells stay apart), line 1 the character code itself (so
; every glyph differs), the others (5c + line) XOR (line * 16); the space
; blank.
make_font:
        push es
        mov ax, FONT_SEG
        mov es, ax
        xor di, di
        xor bx, bx                      ; BL = character, BH = line
.glyph: xor bh, bh
.line:  mov al, bl
        mov cl, 5
        mul cl
        add al, bh
        mov ah, bh
        mov cl, 4
        shl ah, cl
        xor al, ah
        cmp bh, 1
        jne .top
        mov al, bl
.top:   cmp bh, 0
        jne .keep
        xor al, al
.keep:  cmp bl, ' '
        jne .store
        xor al, al
.store: stosb
        inc bh
        cmp bh, [cheight]
        jb .line
        inc bl
        jnz .glyph
        pop es
        ret

; text: the text-mode screen.
text:
        mov ah, 01h                     ; cursor off
        mov cx, 2000h
        int 10h
        mov ax, 1003h                   ; bright backgrounds
        xor bl, bl
        int 10h
        mov ax, FONT_SEG
        mov es, ax
        mov ax, 1100h
        mov bh, [cheight]
        xor bl, bl
        mov cx, 256
        xor dx, dx
        xor bp, bp
        int 10h
        push ds
        pop es
        ; Each row: AH=09h fills its left half with one character and
        ; attribute, AH=13h writes 16 character/attribute pairs after it.
        xor dh, dh                      ; DH = row
.row:   mov ah, 02h
        xor bh, bh
        xor dl, dl
        int 10h
        mov al, dh
        mov bl, 7
        mul bl
        add al, 21h                     ; the character, not one of B0h-BFh
        cmp al, 0B0h                    ; (QEMU repeats their eighth dot in
        jb .ch                          ; the ninth column, the IBM VGA only
        cmp al, 0BFh                    ; that of C0h-DFh)
        ja .ch
        add al, 10h
.ch:
        mov bl, dh
        mov cl, 4
        shl bl, cl
        or bl, dh                       ; the attribute
        xor bh, bh
        mov cl, [cols]
        shr cl, 1
        xor ch, ch
        mov ah, 09h
        int 10h
        call pairs
        mov ax, 1302h                   ; string of pairs, cursor not moved
        xor bh, bh
        mov cx, 16
        mov dl, [cols]
        shr dl, 1
        mov bp, pair_buf
        int 10h
        inc dh
        cmp dh, [rows]
        jb .row
        ; A window scrolled up by 2 and one scrolled down by 3.
        mov ax, 0602h
        mov bh, 1Eh
        mov cx, 0305h
        mov dx, 0A14h
        int 10h
        mov ax, 0703h
        mov bh, 2Fh
        mov cx, 0C16h
        mov dh, 14h
        mov dl, [cols]
        sub dl, 3
        int 10h
        ; Teletype on the last row.
        mov ah, 02h
        xor bh, bh
        mov dh, [rows]
        dec dh
        mov dl, 2
        int 10h
        mov si, hello
        call teletype
        ; AH=08h reads back what AH=09h wrote at row 1, column 0.
        mov ah, 02h
        xor bh, bh
        mov dx, 0100h
        int 10h
        mov ah, 08h
        xor bh, bh
        int 10h
        CHECK16 "int10 08h at row 1", ax, 1128h
        ret

; pairs: pair_buf = 16 character/attribute pairs for row DH.
pairs:
        push ax
        push cx
        push di
        mov di, pair_buf
        xor cx, cx
.p:     mov al, cl
        add al, dh
        add al, 60h
        mov [di], al
        mov al, cl
        mov ah, dh
        shl ah, 1
        shl ah, 1
        shl ah, 1
        shl ah, 1
        xor al, ah
        mov [di+1], al
        add di, 2
        inc cx
        cmp cx, 16
        jb .p
        pop di
        pop cx
        pop ax
        ret

; teletype: AH=0Eh for the string at SI (colour 0Fh in graphics modes).
teletype:
        lodsb
        test al, al
        jz .e
        mov ah, 0Eh
        mov bx, 000Fh
        and bl, [mask]
        int 10h
        jmp teletype
.e:     ret

; graphics: the graphics-mode screen.
graphics:
        mov ax, FONT_SEG
        mov es, ax
        mov ax, 1121h                   ; INT 43h = the program's font
        xor bp, bp
        xor cx, cx
        mov cl, [cheight]
        xor bl, bl
        mov dl, [rows]
        int 10h
        push ds
        pop es
        ; Squares of 8x8 in every colour: 16 x 12 of them.
        xor dx, dx                      ; DX = y
.sy:    xor cx, cx                      ; CX = x
.sx:    mov ax, cx
        mov bx, dx
        push cx
        mov cl, 3
        shr ax, cl
        shr bx, cl
        pop cx
        add ax, bx
        and al, [mask]
        mov ah, 0Ch
        xor bh, bh
        int 10h
        inc cx
        cmp cx, 128
        jb .sx
        inc dx
        cmp dx, 96
        jb .sy
        ; A diagonal in the brightest colour from (0,0) to (199,199).
        xor cx, cx
.diag:  mov dx, cx
        mov ax, 0C0Fh
        and al, [mask]
        xor bh, bh
        int 10h
        inc cx
        cmp cx, 200
        jb .diag
        ; A block XORed onto the squares (not mode 13h, where bit 7 is colour).
        cmp byte [mode], 13h
        je .noxor
        mov dx, 40
.xy:    mov cx, 40
.xx:    mov ax, 0C81h
        and al, [mask]
        or al, 80h
        xor bh, bh
        int 10h
        inc cx
        cmp cx, 72
        jb .xx
        inc dx
        cmp dx, 72
        jb .xy
.noxor:
        ; Pixels read back.
        mov ah, 0Dh
        xor bh, bh
        mov cx, 17
        mov dx, 9
        int 10h
        mov ah, (17 / 8 + 9 / 8)
        and ah, [mask]
        CHECK8 "int10 0Dh square pixel (17,9)", al, ah
        ; Text: AH=09h, AH=13h and AH=0Eh in the program's font.
        mov ah, 02h
        xor bh, bh
        mov dh, [rows]
        sub dh, 4
        mov dl, 1
        int 10h
        mov ax, 0941h
        mov bx, 000Dh
        and bl, [mask]
        mov cx, 6
        int 10h
        mov ax, 1301h
        mov bx, 000Bh
        and bl, [mask]
        mov cx, hello_end - hello - 1
        mov dh, [rows]
        sub dh, 3
        mov dl, 2
        mov bp, hello
        int 10h
        mov si, hello
        call teletype
        ; A window of the squares scrolled up by one character row, the
        ; new row in colour 2.
        mov ax, 0601h
        mov bh, 02h
        and bh, [mask]
        mov cx, 0002h
        mov dx, 0B0Bh
        int 10h
        ; AH=08h finds the 'A' written by AH=09h.
        mov ah, 02h
        xor bh, bh
        mov dh, [rows]
        sub dh, 4
        mov dl, 3
        int 10h
        mov ah, 08h
        xor bh, bh
        int 10h
        CHECK8 "int10 08h reads the character back", al, 41h
        ret

hello:  db "Hello, VGA", 0
hello_end:

        db "VGAMODE="
mode:   db 03h

        section .bss
cols:     resb 1
rows:     resb 1
cheight:  resb 1
mask:     resb 1
pair_buf: resb 32
        section .text

        END_PROGRAM
