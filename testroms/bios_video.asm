; bios_video — INT 10h text services in mode 3, checked against the IBM
; PC/AT BIOS interface (and the EGA/VGA additions AH=13h, AX=1130h): set and
; get mode, cursor position and shape (BDA and CRTC registers 0Eh/0Fh),
; write char/attr and char, read back, teletype with CR/LF/BS/BEL, line wrap
; and scrolling at the bottom, window scroll up and down, write string,
; cursor per page, font information, the BDA video fields.
;
; Needs: this program as sector 0 of the first hard disk.

%define PROGRAM_NAME "bios_video"
%include "lib.inc"

%macro CURSOR 2                         ; CURSOR row, col (page 0)
        mov ah, 02h
        xor bh, bh
        mov dh, %1
        mov dl, %2
        int 10h
%endmacro

%macro CELL 2                           ; AX = char/attr at row, col in B800h
        mov dh, %1
        mov dl, %2
        call cell
%endmacro

main:
        INFO "bios_video: INT 10h in mode 3"
        mov ax, 0003h
        int 10h
        mov ah, 0Fh
        int 10h
        mov [tmp], bx
        push ax
        and al, 7Fh
        CHECK8 "int10 0Fh mode after AX=0003h", al, 3
        pop ax
        mov al, ah
        CHECK8 "int10 0Fh AH = 80 columns", al, 80
        mov al, [tmp+1]
        CHECK8 "int10 0Fh BH = active page 0", al, 0
        push ds
        mov ax, 40h
        mov ds, ax
        mov bl, [49h]
        mov cx, [4Ah]
        mov dx, [4Ch]
        mov si, [63h]
        mov al, [84h]
        pop ds
        CHECK8 "BDA 0449h video mode", bl, 3
        CHECK16 "BDA 044Ah columns", cx, 80
        CHECK16 "BDA 0463h CRTC base", si, 3D4h
        CHECK8 "BDA 0484h rows - 1", al, 24
        cmp dx, 4000
        je .ps
        cmp dx, 4096
.ps:    CHECKCC "BDA 044Ch page size 4000 or 4096", e
        CELL 0, 0
        CHECK16 "int10 00h clears the screen to 0720h", ax, 0720h
        CELL 24, 79
        CHECK16 "int10 00h clears the last cell", ax, 0720h

; --- cursor ---------------------------------------------------------------
        CURSOR 5, 10
        mov ah, 03h
        xor bh, bh
        int 10h
        CHECK16 "int10 03h returns the position set by 02h", dx, 050Ah
        push ds
        mov ax, 40h
        mov ds, ax
        mov ax, [50h]
        pop ds
        CHECK16 "BDA 0450h cursor of page 0", ax, 050Ah
        mov dx, 3D4h
        mov al, 0Eh
        out dx, al
        inc dx
        in al, dx
        mov ah, al
        dec dx
        mov al, 0Fh
        out dx, al
        inc dx
        in al, dx
        CHECK16 "CRTC 0Eh/0Fh cursor location = 5*80+10", ax, 5*80+10
        mov ah, 01h
        mov cx, 0607h
        int 10h
        mov ah, 03h
        xor bh, bh
        int 10h
        CHECK16 "int10 03h CX = shape set by 01h", cx, 0607h
        push ds
        mov ax, 40h
        mov ds, ax
        mov ax, [60h]
        pop ds
        CHECK16 "BDA 0460h cursor shape", ax, 0607h

; --- write and read characters ---------------------------------------------
        CURSOR 5, 10
        mov ax, 0958h                   ; 'X'
        mov bx, 001Eh
        mov cx, 3
        int 10h
        CELL 5, 10
        CHECK16 "int10 09h writes char and attribute", ax, 1E58h
        CELL 5, 12
        CHECK16 "int10 09h CX=3 writes 3 cells", ax, 1E58h
        CELL 5, 13
        CHECK16 "int10 09h leaves the 4th cell", ax, 0720h
        mov ah, 03h
        xor bh, bh
        int 10h
        CHECK16 "int10 09h does not move the cursor", dx, 050Ah
        CURSOR 5, 11
        mov ah, 08h
        xor bh, bh
        int 10h
        CHECK16 "int10 08h reads char and attribute", ax, 1E58h
        mov ax, 0A59h                   ; 'Y', char only
        xor bh, bh
        mov cx, 1
        int 10h
        CELL 5, 11
        CHECK16 "int10 0Ah writes the char, keeps the attribute", ax, 1E59h

; --- teletype ------------------------------------------------------------------
        CURSOR 7, 0
        mov si, tty_ab
        call tty
        CELL 7, 0
        CHECK16 "int10 0Eh writes 'A' at the cursor", ax, 0741h
        CELL 7, 1
        CHECK16 "int10 0Eh writes 'B' next", ax, 0742h
        call getcur
        CHECK16 "int10 0Eh advances the cursor", dx, 0702h
        mov al, 08h
        call tty1
        call getcur
        CHECK16 "int10 0Eh BS moves back", dx, 0701h
        CELL 7, 1
        CHECK16 "int10 0Eh BS does not erase", ax, 0742h
        mov al, 07h
        call tty1
        call getcur
        CHECK16 "int10 0Eh BEL does not move the cursor", dx, 0701h
        CELL 7, 1
        CHECK16 "int10 0Eh BEL writes nothing", ax, 0742h
        mov al, 0Dh
        call tty1
        call getcur
        CHECK16 "int10 0Eh CR goes to column 0", dx, 0700h
        mov al, 0Ah
        call tty1
        call getcur
        CHECK16 "int10 0Eh LF goes down a row", dx, 0800h
        CURSOR 9, 79
        mov al, 'Z'
        call tty1
        CELL 9, 79
        CHECK16 "int10 0Eh writes in the last column", ax, 075Ah
        call getcur
        CHECK16 "int10 0Eh wraps to the next row", dx, 0A00h
        ; LF on the last row scrolls the screen up
        CURSOR 24, 0
        mov ax, 094Dh                   ; 'M'
        mov bx, 002Fh
        mov cx, 1
        int 10h
        CURSOR 24, 5
        mov al, 0Ah
        call tty1
        CELL 23, 0
        CHECK16 "int10 0Eh LF on row 24 scrolls row 24 up to 23", ax, 2F4Dh
        CELL 24, 0
        and ax, 00FFh
        CHECK16 "int10 0Eh scroll blanks the last row", ax, 0020h
        call getcur
        CHECK16 "int10 0Eh cursor stays on row 24 after scrolling", dx, 1805h

; --- window scrolling ----------------------------------------------------------
        mov byte [row], 10
        mov byte [chr], 'a'
.fill:  mov dh, [row]
        mov dl, 19
        mov ah, 02h
        xor bh, bh
        int 10h
        mov ah, 09h
        mov al, [chr]
        mov bx, 0007h
        mov cx, 12
        int 10h
        inc byte [chr]
        inc byte [row]
        cmp byte [row], 12
        jbe .fill
        mov ax, 0601h
        mov bh, 4Fh
        mov cx, 0A14h                   ; rows 10-12, columns 20-29
        mov dx, 0C1Dh
        int 10h
        CELL 10, 20
        CHECK16 "int10 06h scrolls row 11 into row 10", ax, 0762h
        CELL 11, 29
        CHECK16 "int10 06h scrolls row 12 into row 11", ax, 0763h
        CELL 12, 20
        CHECK16 "int10 06h blanks the bottom row with BH", ax, 4F20h
        CELL 10, 19
        CHECK16 "int10 06h leaves the column left of the window", ax, 0761h
        CELL 10, 30
        CHECK16 "int10 06h leaves the column right of the window", ax, 0761h
        mov ax, 0701h
        mov bh, 1Fh
        mov cx, 0A14h
        mov dx, 0C1Dh
        int 10h
        CELL 10, 25
        CHECK16 "int10 07h blanks the top row with BH", ax, 1F20h
        CELL 11, 25
        CHECK16 "int10 07h scrolls row 10 into row 11", ax, 0762h
        CELL 12, 25
        CHECK16 "int10 07h scrolls row 11 into row 12", ax, 0763h
        CELL 9, 25
        CHECK16 "int10 07h leaves the row above the window", ax, 0720h
        mov ax, 0600h
        mov bh, 70h
        mov cx, 0A14h
        mov dx, 0C1Dh
        int 10h
        CELL 11, 25
        CHECK16 "int10 06h AL=0 clears the window", ax, 7020h
        CELL 11, 19
        CHECK16 "int10 06h AL=0 leaves the outside", ax, 0762h

; --- write string ----------------------------------------------------------------
        mov ax, 1301h
        mov bx, 000Ah
        mov cx, 3
        mov dx, 0F1Eh                   ; row 15, column 30
        mov bp, str_hi
        int 10h
        CELL 15, 30
        CHECK16 "int10 1301h writes with attribute BL", ax, 0A48h
        CELL 15, 32
        CHECK16 "int10 1301h writes the whole string", ax, 0A21h
        call getcur
        CHECK16 "int10 1301h moves the cursor", dx, 0F21h
        mov ax, 1300h
        mov bx, 000Ch
        mov cx, 3
        mov dx, 1000h                   ; row 16, column 0
        mov bp, str_hi
        int 10h
        CELL 16, 1
        CHECK16 "int10 1300h writes the string", ax, 0C69h
        call getcur
        CHECK16 "int10 1300h keeps the cursor", dx, 0F21h

; --- pages -------------------------------------------------------------------------
        mov ah, 02h
        mov bh, 1
        mov dx, 0304h
        int 10h
        mov ah, 03h
        mov bh, 1
        int 10h
        CHECK16 "int10 03h page 1 cursor", dx, 0304h
        call getcur
        CHECK16 "int10 02h on page 1 leaves page 0", dx, 0F21h
        push ds
        mov ax, 40h
        mov ds, ax
        mov ax, [52h]
        pop ds
        CHECK16 "BDA 0452h cursor of page 1", ax, 0304h

; --- font information, 40 columns --------------------------------------------------
        mov ax, 1130h
        xor bh, bh
        xor cx, cx
        mov dl, 0FFh
        push es
        push bp
        int 10h
        pop bp
        pop es
        CHECK8 "int10 1130h DL = rows - 1", dl, 24
        cmp cx, 8
        je .font
        cmp cx, 14
        je .font
        cmp cx, 16
.font:  CHECKCC "int10 1130h CX = 8, 14 or 16 bytes per character", e
        mov ax, 0001h
        int 10h
        mov ah, 0Fh
        int 10h
        mov al, ah
        CHECK8 "int10 0Fh AH = 40 columns in mode 1", al, 40
        push ds
        mov ax, 40h
        mov ds, ax
        mov ax, [4Ah]
        pop ds
        CHECK16 "BDA 044Ah columns in mode 1", ax, 40
        mov ax, 0003h
        int 10h
        jmp finish

; cell: AX = the char/attr word at row DH, column DL of page 0 (B800h).
cell:
        push bx
        push es
        mov al, dh
        mov bl, 80
        mul bl
        xor dh, dh
        add ax, dx
        shl ax, 1
        mov bx, ax
        mov ax, 0B800h
        mov es, ax
        mov ax, [es:bx]
        pop es
        pop bx
        ret

; getcur: DX = cursor of page 0 from AH=03h.
getcur:
        push ax
        push bx
        push cx
        mov ah, 03h
        xor bh, bh
        int 10h
        pop cx
        pop bx
        pop ax
        ret

; tty / tty1: teletype the string at SI / the character AL.
tty:
        lodsb
        test al, al
        jz .done
        call tty1
        jmp tty
.done:  ret
tty1:
        push ax
        push bx
        mov ah, 0Eh
        mov bx, 0007h
        int 10h
        pop bx
        pop ax
        ret

tty_ab: db "AB", 0
str_hi: db "Hi!"

        section .bss
tmp:    resw 1
row:    resb 1
chr:    resb 1
END_PROGRAM
