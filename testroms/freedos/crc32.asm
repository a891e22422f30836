; crc32 — a DOS program that prints the CRC-32 and the size of a file, for
; the fat: folder end-to-end tests (fatdisk_test.go): the test runs it from
; the host folder's drive and compares what it prints with the checksum
; computed on the host, so the file was read byte for byte.
;
;   CRC32 FILE     prints "CRC32 xxxxxxxx SIZE xxxxxxxx" (hexadecimal)
;
; CRC-32 as in IEEE 802.3 (and zip, PNG, Go's hash/crc32.ChecksumIEEE):
; reflected polynomial EDB88320h, initial value and final XOR FFFFFFFFh,
; one table lookup per byte. The file is read with INT 21h AH=3Fh in
; 32 KiB pieces. Exit code 0, or 1 when the file cannot be opened or read.

        cpu 8086
        org 100h

start:  ; The table: for each byte value n, n shifted right eight times
        ; through the polynomial.
        mov di, table
        xor cx, cx                      ; n
.tab:   mov ax, cx
        xor dx, dx
        mov bx, 8
.bit:   shr dx, 1
        rcr ax, 1
        jnc .nox
        xor ax, 8320h
        xor dx, 0EDB8h
.nox:   dec bx
        jnz .bit
        stosw
        mov ax, dx
        stosw
        inc cx
        cmp cx, 256
        jne .tab

        ; The file name: the command tail at 81h, blanks skipped, ended
        ; by a blank or the carriage return.
        mov si, 81h
.skip:  lodsb
        cmp al, ' '
        je .skip
        cmp al, 9
        je .skip
        lea dx, [si-1]
.name:  cmp al, ' '
        jbe .end
        lodsb
        jmp .name
.end:   mov byte [si-1], 0
        mov ax, 3D00h                   ; open for reading
        int 21h
        jc fail
        mov [handle], ax

        mov word [crc], 0FFFFh
        mov word [crc+2], 0FFFFh
.read:  mov ah, 3Fh
        mov bx, [handle]
        mov cx, 8000h
        mov dx, buffer
        int 21h
        jc fail
        test ax, ax
        jz .done
        add [size], ax
        adc word [size+2], 0
        mov cx, ax
        mov si, buffer
        mov ax, [crc]
        mov dx, [crc+2]
.byte:  mov bl, [si]                    ; index = (crc ^ byte) & FFh
        inc si
        xor bl, al
        xor bh, bh
        shl bx, 1
        shl bx, 1
        mov al, ah                      ; crc >>= 8
        mov ah, dl
        mov dl, dh
        xor dh, dh
        xor ax, [table+bx]
        xor dx, [table+bx+2]
        loop .byte
        mov [crc], ax
        mov [crc+2], dx
        jmp .read

.done:  mov di, out_crc
        mov ax, [crc+2]
        not ax
        call hex4
        mov ax, [crc]
        not ax
        call hex4
        mov di, out_size
        mov ax, [size+2]
        call hex4
        mov ax, [size]
        call hex4
        mov dx, out
        mov ah, 09h
        int 21h
        mov ax, 4C00h
        int 21h

fail:   mov dx, msg_fail
        mov ah, 09h
        int 21h
        mov ax, 4C01h
        int 21h

; hex4 writes AX as four hexadecimal digits at DI.
hex4:   mov cx, 4
.dig:   rol ax, 1
        rol ax, 1
        rol ax, 1
        rol ax, 1
        mov bx, ax
        and bx, 0Fh
        mov bl, [digits+bx]
        mov [di], bl
        inc di
        loop .dig
        ret

digits:   db "0123456789ABCDEF"
out:      db "CRC32 "
out_crc:  db "xxxxxxxx SIZE "
out_size: db "xxxxxxxx", 13, 10, "$"
msg_fail: db "CRC32: cannot read the file", 13, 10, "$"

handle: dw 0
crc:    dd 0
size:   dd 0

        align 2
table:  ; 256 doublewords, then the buffer
buffer  equ table + 1024
