; vga_modex — unchained 256-colour graphics ("mode X", Abrash, "Graphics
; Programming Black Book" ch. 47-49), set up by hand from mode 13h: chain-4
; and odd/even off (SR04h = 06h), doubleword addressing off (CR14h = 00h),
; byte addressing on (CR17h = E3h). Each byte address then holds four
; pixels, one per plane, and 320x200 takes 16000 bytes: four pages in the
; 64 KiB of each plane. Checked (IBM VGA Technical Reference, FreeVGA):
;   - a pixel goes to plane x mod 4 at y*80 + x/4 through the map mask;
;   - each page holds its own pixels (read back through the read map
;     select);
;   - write mode 1 copies four pixels per byte through the latches;
;   - the start address shows any page.
; The picture: page 2 (a pattern of its own and four blocks copied from
; page 0 with write mode 1) while pages 0, 1 and 3 hold other pictures.
;
; Needs: this program as sector 0 of the first hard disk.

%define PROGRAM_NAME "vga_modex"
%include "lib.inc"
%include "vga.inc"

PAGE_SIZE equ 16000

main:
        INFO "vga_modex: unchained 320x200 with four pages"
        mov ax, 0013h
        int 10h
        SEQSET 4, 06h                   ; chain-4 and odd/even off
        CRTCSET 14h, 00h                ; doubleword addressing off
        CRTCSET 17h, 0E3h               ; byte addressing
        mov ax, 0A000h
        mov es, ax
        SEQSET 2, 0Fh                   ; clear all four planes
        xor di, di
        xor ax, ax
        mov cx, 8000h
        rep stosw

        ; Four pages, each with its own pattern: pixel (x, y) of page p is
        ; colour 32 + ((x + 2y) / 4 + 24p) mod 216, in a border of colour p+1.
        xor bp, bp                      ; BP = page
.page:  xor bx, bx                      ; BX = y
.row:   xor cx, cx                      ; CX = x
.px:    call page_colour
        call put_pixel
        inc cx
        cmp cx, 320
        jb .px
        inc bx
        cmp bx, 200
        jb .row
        inc bp
        cmp bp, 4
        jb .page

        ; Read back: pixel (5, 7) of each page.
        mov bp, 0
        mov cx, 5
        mov bx, 7
        call get_pixel
        CHECK8 "page 0 pixel (5,7)", al, 32 + (5 + 14) / 4
        mov bp, 1
        call get_pixel
        CHECK8 "page 1 pixel (5,7)", al, 32 + (5 + 14) / 4 + 24
        mov bp, 3
        call get_pixel
        CHECK8 "page 3 pixel (5,7)", al, 32 + (5 + 14) / 4 + 72
        mov bp, 2
        xor cx, cx
        mov bx, 100
        call get_pixel
        CHECK8 "page 2 border pixel (0,100)", al, 3
        ; Plane x mod 4 at y*80 + x/4: pixel (6, 7) of page 0 is in plane 2.
        READPLANE 2, 7*80 + 1
        CHECK8 "pixel (6,7) is plane 2, offset 7*80+1", al, 32 + (6 + 14) / 4

        ; Write mode 1: blocks of 64x48 from page 0 into page 2, at four
        ; places, one byte (four pixels) per move through the latches.
        SEQSET 2, 0Fh
        GCSET 5, 41h                    ; write mode 1 (keep the 256-colour shift)
        push ds
        push es
        pop ds
        mov dx, 20*80 + 4               ; destination of the first block
        call copy_block
        mov dx, 20*80 + 56
        call copy_block
        mov dx, 120*80 + 4
        call copy_block
        mov dx, 120*80 + 56
        call copy_block
        pop ds
        GCSET 5, 40h
        mov bp, 2
        mov cx, 16 + 3
        mov bx, 20 + 5
        call get_pixel
        CHECK8 "write mode 1 copied page 0's pixel (3,5) to page 2", al, 32 + (3 + 10) / 4

        ; Show page 2.
        call wait_vretrace
        CRTCSET 0Ch, (2 * PAGE_SIZE) >> 8
        CRTCSET 0Dh, (2 * PAGE_SIZE) & 0FFh
        PICTURE
        jmp finish

; page_colour: AL = colour of pixel (CX, BX) on page BP.
page_colour:
        push bx
        push cx
        push dx
        cmp cx, 0
        je .border
        cmp cx, 319
        je .border
        cmp bx, 0
        je .border
        cmp bx, 199
        je .border
        mov ax, bx
        shl ax, 1
        add ax, cx
        shr ax, 1
        shr ax, 1
        mov cx, ax                      ; CX = (x + 2y) / 4
        mov ax, bp
        mov dl, 24
        mul dl                          ; AX = 24p
        add ax, cx
        xor dx, dx
        mov cx, 216
        div cx
        mov al, dl
        add al, 32
        jmp .done
.border:
        mov ax, bp
        inc al
.done:  pop dx
        pop cx
        pop bx
        ret

; put_pixel: pixel (CX, BX) of page BP = AL, through the map mask.
put_pixel:
        push ax
        push cx
        push dx
        push di
        push ax
        mov ax, PAGE_SIZE
        mul bp
        mov di, ax
        mov ax, 80
        mul bx
        add di, ax
        mov ax, cx
        shr ax, 1
        shr ax, 1
        add di, ax
        and cl, 3
        mov ah, 1
        shl ah, cl
        mov al, 2
        mov dx, 3C4h
        out dx, ax                      ; map mask: plane x mod 4
        pop ax
        mov [es:di], al
        pop di
        pop dx
        pop cx
        pop ax
        ret

; get_pixel: AL = pixel (CX, BX) of page BP, through the read map select.
get_pixel:
        push cx
        push dx
        push di
        mov ax, PAGE_SIZE
        mul bp
        mov di, ax
        mov ax, 80
        mul bx
        add di, ax
        mov ax, cx
        shr ax, 1
        shr ax, 1
        add di, ax
        and cl, 3
        mov ah, cl
        mov al, 4
        mov dx, 3CEh
        out dx, ax                      ; read map select: plane x mod 4
        mov al, [es:di]
        pop di
        pop dx
        pop cx
        ret

; copy_block: 16 bytes (64 pixels) by 48 lines from page 0's top left to
; page 2 at DX, through the latches (DS = ES = A000h, write mode 1).
copy_block:
        push cx
        push si
        push di
        xor si, si
        mov di, dx
        add di, 2 * PAGE_SIZE
        mov cx, 48
.line:  push cx
        mov cx, 16
        rep movsb
        add si, 80 - 16
        add di, 80 - 16
        pop cx
        loop .line
        pop di
        pop si
        pop cx
        ret

        END_PROGRAM
