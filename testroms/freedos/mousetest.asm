; mousetest — a DOS program that shows what the mouse driver (INT 33h)
; reports, for the CuteMouse end-to-end tests (mouse_test.go): after a
; reset (AX=0000h) and showing the pointer (AX=0001h) it keeps, on row 24,
; "MOUSE X=xxxxx Y=yyyyy B=b" from AX=0003h (the pointer's virtual
; position and the buttons held) and, on row 23, the last press of each
; button from AX=0005h: "LEFT x y #n" on row 22 and "RIGHT x y #n" on
; row 23 (the text cell under the pointer: virtual / 8). A key ends it.
; A video mode in two hex digits on the command line ("mousetst 12") is
; set with INT 10h AH=00h first, so the pointer moves over a graphics
; screen (the driver's reset fits its virtual screen to the mode).
;
; Microsoft Mouse Programmer's Reference, INT 33h functions 00h-05h.

        cpu 8086
        org 100h

start:  mov si, 81h                     ; the command tail
.skip:  lodsb
        cmp al, ' '
        je .skip
        call hexdigit
        jc .reset
        mov ah, al
        lodsb
        call hexdigit
        jc .reset
        mov cl, 4
        shl ah, cl
        or al, ah
        xor ah, ah                      ; AH=00h: set the mode in AL
        int 10h
.reset: xor ax, ax
        int 33h
        cmp ax, 0FFFFh
        je .ok
        mov dx, msg_none
        mov ah, 09h
        int 21h
        mov ax, 4C01h
        int 21h
.ok:    mov [nbuttons], bl
        mov dx, msg_ok
        mov ah, 09h
        int 21h
        mov al, [nbuttons]
        add al, '0'
        mov dl, al
        mov ah, 02h
        int 21h
        mov dx, msg_crlf
        mov ah, 09h
        int 21h
        mov ax, 1
        int 33h

.loop:  mov ax, 3
        int 33h
        cmp cx, [lastx]
        jne .show
        cmp dx, [lasty]
        jne .show
        cmp bl, [lastb]
        je .press
.show:  mov [lastx], cx
        mov [lasty], dx
        mov [lastb], bl
        mov di, line_pos + 8
        mov ax, cx
        call dec5
        mov di, line_pos + 16
        mov ax, dx
        call dec5
        mov al, bl
        add al, '0'
        mov [line_pos + 24], al
        mov si, line_pos
        mov dh, 24
        call put_line
.press: mov bx, 0                       ; left
        mov si, line_left
        call press
        mov bx, 1                       ; right
        mov si, line_right
        call press
        mov ah, 01h
        int 16h
        jz .loop
        xor ah, ah
        int 16h
        mov ax, 2
        int 33h
        mov ax, 4C00h
        int 21h

; press: AX=0005h for button BX; on a new press put "NAME col row #n" from
; the line at SI on the row in the byte before it.
press:  push si
        mov ax, 5
        int 33h
        pop si
        test bx, bx
        jz .none
        push bx
        mov ax, cx
        mov cl, 3
        shr ax, cl
        mov di, si
        add di, 6
        call dec3
        mov ax, dx
        shr ax, cl
        inc di
        call dec3
        pop ax
        add [si + 15], al               ; presses so far (as a digit)
        mov dh, [si - 1]
        call put_line
.none:  ret

; hexdigit: AL ('0'-'9', 'A'-'F', 'a'-'f') as its value; CF set if it is
; not a hex digit.
hexdigit:
        sub al, '0'
        jb .no
        cmp al, 9
        jbe .yes
        or al, 20h                      ; 'A'-'F' -> 'a'-'f' ('A'-'0' = 11h)
        sub al, 'a' - '0'
        jb .no
        cmp al, 5
        ja .no
        add al, 10
.yes:   clc
        ret
.no:    stc
        ret

; dec5 / dec3: AX as 5 / 3 decimal digits at DI.
dec5:   push bx
        push dx
        mov bx, 10000
        call .digit
        mov bx, 1000
        call .digit
        jmp dec3.tail
dec3:   push bx
        push dx
.tail:  mov bx, 100
        call dec5.digit
        mov bx, 10
        call dec5.digit
        mov bx, 1
        call dec5.digit
        pop dx
        pop bx
        ret
dec5.digit:
        xor dx, dx
        div bx
        add al, '0'
        mov [di], al
        inc di
        mov ax, dx
        ret

; put_line: write the 26-character line at SI on row DH, column 0, through
; the BIOS, with the mouse pointer hidden meanwhile.
put_line:
        push ax
        push bx
        push cx
        push dx
        push si
        mov ax, 2
        int 33h
        pop si
        pop dx
        push dx
        push si
        mov bh, 0
        mov dl, 0
        mov ah, 02h
        int 10h
        mov cx, 26
.c:     lodsb
        mov ah, 0Eh
        mov bx, 0007h
        int 10h
        loop .c
        mov ax, 1
        int 33h
        pop si
        pop dx
        pop cx
        pop bx
        pop ax
        ret

msg_none:   db "NO MOUSE DRIVER", 13, 10, "$"
msg_ok:     db "MOUSE DRIVER, BUTTONS=$"
msg_crlf:   db 13, 10, "$"
line_pos:   db "MOUSE X=00000 Y=00000 B=0 "
            db 22
line_left:  db "LEFT  000 000 #0          "
            db 23
line_right: db "RIGHT 000 000 #0          "
nbuttons:   db 0
lastx:      dw 0FFFFh
lasty:      dw 0FFFFh
lastb:      db 0FFh
