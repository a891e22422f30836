; keyecho — a boot sector for the script package's tests: it shows
; "READY>" and then, for every key the BIOS returns through INT 16h
; AH=10h, the key as AH:AL in hex and, when printable, the character, on a
; line of its own: "KEY 1E61 a". Esc ends it through the exit port.
        cpu 8086
        bits 16
        org 7C00h
start:
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 7C00h
        cld
        mov ax, 0003h
        int 10h
        mov si, ready
        call print
.key:   mov ah, 10h
        int 16h
        push ax
        mov si, keyword
        call print
        pop ax
        push ax
        mov al, ah
        call hex8
        pop ax
        push ax
        call hex8
        pop ax
        cmp al, ' '
        jb .eol
        cmp al, '~'
        ja .eol
        push ax
        mov al, ' '
        call tty
        pop ax
        call tty
.eol:   push ax
        mov si, crlf
        call print
        pop ax
        cmp ax, 011Bh                   ; Esc
        jne .key
        mov al, 0
        out 0F4h, al
        cli
        hlt

print:  lodsb
        test al, al
        jz .done
        call tty
        jmp print
.done:  ret

tty:    mov ah, 0Eh
        mov bx, 0007h
        int 10h
        ret

hex8:   push ax
        mov cl, 4
        shr al, cl
        call .digit
        pop ax
.digit: and al, 0Fh
        add al, '0'
        cmp al, '9'
        jbe .out
        add al, 7
.out:   jmp tty

ready:   db "READY>", 13, 10, 0
keyword: db "KEY ", 0
crlf:    db 13, 10, 0

        times 510 - ($ - $$) db 0
        dw 0AA55h
