; vga_scroll — what the CRT controller shows of display memory, in mode
; 0Dh (320x200, 16 colours, eight 8 KiB pages), against the IBM VGA
; Technical Reference ("CRT Controller Registers", "Attribute Controller
; Registers") and FreeVGA ("CRTC Registers"):
;   - page flipping with INT 10h AH=05h: the BDA's active page and page
;     start, and the CRTC start address (CR0Ch/CR0Dh), which AH=0Fh reports;
;   - INT 10h AH=0Ch/0Dh on a page that is not displayed;
;   - the start address written by hand during vertical retrace (smooth
;     scrolling), the line compare (split screen) across CR18h, CR07h bit 4
;     and CR09h bit 6, and the horizontal pixel panning register AR13h with
;     AR10h bit 5 (panning stops below the split), all read back.
; The picture: page 1 (vertical colour bars, a frame) scrolled up by ten
; lines and panned left by four pixels above the split at picture line
; 150; below it, the top of page 0 (horizontal bands) unpanned.
;
; Needs: this program as sector 0 of the first hard disk.

%define PROGRAM_NAME "vga_scroll"
%include "lib.inc"
%include "vga.inc"

main:
        INFO "vga_scroll: pages, start address, split screen, pixel panning in mode 0Dh"
        mov ax, 000Dh
        int 10h
        mov ax, 0A000h
        mov es, ax

        ; Page flipping through the BIOS.
        mov ax, 0503h
        int 10h
        push ds
        mov ax, 40h
        mov ds, ax
        mov bl, [62h]
        mov cx, [4Eh]
        pop ds
        CHECK8 "int10 05h page 3: BDA 0462h", bl, 3
        CHECK16 "int10 05h page 3: BDA 044Eh page start", cx, 6000h
        CRTCGET 0Ch
        mov ah, al
        CRTCGET 0Dh
        CHECK16 "int10 05h page 3: CRTC start address", ax, 6000h
        mov ah, 0Fh
        int 10h
        CHECK8 "int10 0Fh BH = active page 3", bh, 3
        mov ax, 0500h
        int 10h
        CRTCGET 0Ch
        mov ah, al
        CRTCGET 0Dh
        CHECK16 "int10 05h page 0: CRTC start address", ax, 0

        ; AH=0Ch/0Dh on page 1 while page 0 is shown.
        mov ax, 0C0Eh
        mov bh, 1
        mov cx, 17
        mov dx, 23
        int 10h
        mov ax, 0D00h
        mov bh, 1
        mov cx, 17
        mov dx, 23
        int 10h
        CHECK8 "int10 0Dh reads page 1's pixel", al, 0Eh
        mov ax, 0D00h
        mov bh, 0
        int 10h
        CHECK8 "int10 0Dh page 0 at the same place", al, 0
        READPLANE 1, 2000h + 23*40 + 2
        CHECK8 "the pixel is in page 1's memory (plane 1)", al, 40h

        ; Both pages drawn by hand.
        call draw_pages

        ; The start address set during vertical retrace: page 1, ten lines on.
        call wait_vretrace
        CRTCSET 0Ch, (2000h + 10*40) >> 8
        CRTCSET 0Dh, (2000h + 10*40) & 0FFh
        CRTCGET 0Ch
        mov ah, al
        CRTCGET 0Dh
        CHECK16 "start address set in retrace", ax, 2000h + 10*40

        ; The split: line compare 299 (the double-scanned picture line 150)
        ; is 12Bh: CR18h = 2Bh, CR07h bit 4 = 1, CR09h bit 6 = 0.
        CRTCSET 18h, 2Bh
        CRTCGET 07h
        or al, 10h
        mov ah, al
        CRTCSET 07h, ah
        CRTCGET 09h
        and al, 0BFh
        mov ah, al
        CRTCSET 09h, ah
        CRTCGET 18h
        CHECK8 "line compare CR18h", al, 2Bh
        CRTCGET 07h
        and al, 10h
        CHECK8 "line compare bit 8 in CR07h bit 4", al, 10h
        CRTCGET 09h
        and al, 40h
        CHECK8 "line compare bit 9 in CR09h bit 6", al, 0

        ; Pixel panning by 4 above the split only (AR10h bit 5).
        ATTRSET 10h, 21h
        ATTRSET 13h, 04h
        mov dx, 3DAh
        in al, dx
        mov dx, 3C0h
        mov al, 33h                     ; AR13h, palette address source on
        out dx, al
        inc dx
        in al, dx
        CHECK8 "AR13h pixel panning reads back", al, 04h
        mov dx, 3DAh
        in al, dx
        mov dx, 3C0h
        mov al, 30h
        out dx, al
        inc dx
        in al, dx
        CHECK8 "AR10h reads back with bit 5", al, 21h
        mov dx, 3DAh
        in al, dx
        mov dx, 3C0h
        mov al, 20h
        out dx, al

        PICTURE
        jmp finish

; draw_pages: page 0 in 25 horizontal bands of 8 lines (colour = band),
; page 1 in 16 vertical bars of 20 pixels with a white frame, both with
; write mode 2.
draw_pages:
        GCSET 5, 02h
        xor di, di
        xor bx, bx                      ; BX = line
.p0:    mov ax, bx
        mov cl, 3
        shr ax, cl
        and al, 0Fh
        mov cx, 40
        rep stosb
        inc bx
        cmp bx, 200
        jb .p0
        mov di, 2000h
        xor bx, bx
.p1:    xor dx, dx                      ; DX = x in bytes
.p1b:   mov ax, dx
        shl ax, 1
        shl ax, 1
        shl ax, 1                       ; x in pixels
        push dx
        xor dx, dx
        mov cx, 20
        div cx
        pop dx
        cmp bx, 0
        je .white
        cmp bx, 199
        je .white
        cmp dx, 0
        je .white
        cmp dx, 39
        jne .put
.white: mov al, 0Fh
.put:   stosb
        inc dx
        cmp dx, 40
        jb .p1b
        inc bx
        cmp bx, 200
        jb .p1
        GCSET 5, 00h
        ret

        END_PROGRAM
