; demo.asm - pcemu's built-in demo disk (what `pcemu` boots with no disk).
;
; Sector 0 is a boot sector that loads the rest of the program from sectors
; 2.. of the boot disk with INT 13h AH=02h (CHS), then the program shows the
; BIOS's view of the machine (INT 11h, 12h, 15h AH=88h, the CPU type, INT 13h
; AH=08h/41h/48h of drive 80h, INT 1Ah RTC), exercises INT 13h writes and
; reads on a scratch disk (drive 81h: AH=03h CHS write, AH=42h extended read,
; AH=43h extended write, AH=02h CHS read, compared byte for byte), and powers
; the machine off through APM (INT 15h AH=53h) after a key or 10 seconds.
; Everything it prints goes to the screen (INT 10h teletype) and to the debug
; console, port E9h.
;
; Build: nasm -f bin -o demo.img demo.asm
; Exit: APM power off; if that fails, OUT F4h with 1 (pcemu exit status 3).

        cpu 8086                ; runs on every -cpu model
        bits 16
        org 0x7C00

PROG_SECTORS equ (prog_end - prog_start + 511) / 512

boot:
        cli
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0x7C00
        sti
        mov [boot_drive], dl
        ; load the program: sectors 2.. of cylinder 0, head 0, to 0000:7E00
        mov ax, 0x0200 + PROG_SECTORS
        mov bx, prog_start
        mov cx, 0x0002
        xor dh, dh
        int 0x13
        jc .fail
        jmp prog_start
.fail:
        mov si, msg_loadfail
.p:     lodsb
        or al, al
        jz .h
        out 0xE9, al
        mov ah, 0x0E
        mov bx, 7
        int 0x10
        jmp .p
.h:     mov al, 1
        out 0xF4, al
        cli
        hlt

boot_drive: db 0
msg_loadfail: db "demo: INT 13h could not load the program", 13, 10, 0

        times 510-($-$$) db 0
        dw 0xAA55

; ---------------------------------------------------------------------------
prog_start:
        mov ax, 0x0003          ; 80x25 colour text, clears the screen
        int 0x10
        mov si, msg_banner
        call puts

        ; INT 11h: equipment list
        mov si, msg_equip
        call puts
        int 0x11
        call puthex16
        call newline

        ; INT 12h: conventional memory
        mov si, msg_conv
        call puts
        int 0x12
        call putdec
        mov si, msg_kib
        call puts

        ; INT 15h AH=88h: extended memory (AT BIOS)
        mov si, msg_ext
        call puts
        mov ah, 0x88
        clc
        int 0x15
        jc .noext
        call putdec
        mov si, msg_kib
        call puts
        jmp .cpu
.noext: mov si, msg_none
        call puts

        ; CPU: the 80286 pushes SP as it was before PUSH SP, the 8086 and
        ; 80186 as it is after; the 80186 masks shift counts to 5 bits.
.cpu:   mov si, msg_cpu
        call puts
        push sp
        pop ax
        cmp ax, sp
        je .is286
        mov ax, 1
        mov cl, 33              ; 8086: shifts 33 times -> 0; 186: 1 time -> 2
        shl ax, cl
        mov si, msg_8086
        or ax, ax
        jz .cpuname
        mov si, msg_186
        jmp .cpuname
.is286: mov si, msg_286
.cpuname:
        call puts

        ; INT 13h AH=08h: drive 80h parameters
        mov si, msg_hd
        call puts
        mov ah, 0x08
        mov dl, 0x80
        push es
        int 0x13
        pop es
        jc .nohd
        push dx
        mov ah, cl              ; cylinders = CH + (CL bits 7-6) << 2, plus 1
        rol ah, 1
        rol ah, 1
        and ah, 3
        mov al, ch
        inc ax
        call putdec
        mov al, '/'
        call putc
        pop dx
        push dx
        mov al, dh
        xor ah, ah
        inc ax
        call putdec
        mov al, '/'
        call putc
        mov al, cl
        and ax, 0x3F
        call putdec
        mov si, msg_drives
        call puts
        pop dx
        mov al, dl
        xor ah, ah
        call putdec
        call newline
        jmp .ext
.nohd:  mov si, msg_none
        call puts

        ; INT 13h AH=41h: extensions present?
.ext:   mov si, msg_ext41
        call puts
        mov ah, 0x41
        mov bx, 0x55AA
        mov dl, 0x80
        int 0x13
        jc .noext41
        cmp bx, 0xAA55
        jne .noext41
        mov al, ah
        call puthex8
        mov si, msg_bitmap
        call puts
        mov ax, cx
        call puthex16
        call newline

        ; INT 13h AH=48h: drive 80h size in sectors
        mov si, msg_size
        call puts
        mov word [dpt], 0x1A
        mov ah, 0x48
        mov dl, 0x80
        mov si, dpt
        int 0x13
        jc .noext41
        mov ax, [dpt+18]
        call puthex16
        mov ax, [dpt+16]
        call puthex16
        mov si, msg_sectors
        call puts
        jmp .rtc
.noext41:
        mov si, msg_none
        call puts

        ; INT 1Ah AH=04h/02h: RTC date and time (BCD)
.rtc:   mov si, msg_rtc
        call puts
        mov ah, 0x04
        int 0x1A
        jc .nortc
        mov al, ch
        call puthex8
        mov al, cl
        call puthex8
        mov al, '-'
        call putc
        mov al, dh
        call puthex8
        mov al, '-'
        call putc
        mov al, dl
        call puthex8
        mov al, ' '
        call putc
        mov ah, 0x02
        int 0x1A
        jc .nortc
        mov al, ch
        call puthex8
        mov al, ':'
        call putc
        mov al, cl
        call puthex8
        mov al, ':'
        call putc
        mov al, dh
        call puthex8
        call newline
        jmp .scratch
.nortc: mov si, msg_none
        call puts

        ; Scratch disk 81h: write a pattern with AH=03h to cylinder 0,
        ; head 1, sector 3, read it back with AH=42h, then write another
        ; with AH=43h at LBA 100 and read it back with AH=02h (CHS of LBA
        ; 100 from the AH=08h geometry).
.scratch:
        mov si, msg_scratch
        call puts
        mov di, buf_a           ; pattern 1: i*7+3
        xor cx, cx
.f1:    mov al, cl
        mov ah, 7
        mul ah
        add al, 3
        stosb
        inc cx
        cmp cx, 512
        jb .f1
        mov ax, 0x0301
        mov bx, buf_a
        mov cx, 0x0003
        mov dx, 0x0181
        int 0x13
        jc .sfail
        ; LBA of C0/H1/S3 = (0*heads + 1)*spt + 2; get spt from AH=08h
        mov ah, 0x08
        mov dl, 0x81
        push es
        int 0x13
        pop es
        jc .sfail
        mov [s_heads], dh
        and cl, 0x3F
        mov [s_spt], cl
        xor ax, ax
        mov al, cl
        add ax, 2
        mov word [dap], 0x0010
        mov word [dap+2], 1
        mov word [dap+4], buf_b
        mov word [dap+6], 0
        mov [dap+8], ax
        mov word [dap+10], 0
        mov word [dap+12], 0
        mov word [dap+14], 0
        mov ah, 0x42
        mov dl, 0x81
        mov si, dap
        int 0x13
        jc .sfail
        call compare
        jne .sfail
        ; pattern 2: 255-i, written with AH=43h at LBA 100
        mov di, buf_a
        xor cx, cx
.f2:    mov al, 255
        sub al, cl
        stosb
        inc cx
        cmp cx, 512
        jb .f2
        mov word [dap+4], buf_a
        mov word [dap+8], 100
        mov ax, 0x4300
        mov dl, 0x81
        mov si, dap
        int 0x13
        jc .sfail
        ; CHS of LBA 100: C = 100 / (heads*spt), H = (100 / spt) % heads,
        ; S = 100 % spt + 1
        mov ax, 100
        xor dx, dx
        xor bx, bx
        mov bl, [s_spt]
        div bx                  ; ax = 100 / spt, dx = 100 % spt
        inc dl
        mov cl, dl              ; sector
        xor dx, dx
        mov bl, [s_heads]
        inc bx
        div bx                  ; ax = cylinder, dx = head
        mov ch, al
        ror ah, 1
        ror ah, 1
        and ah, 0xC0
        or cl, ah
        mov dh, dl
        mov dl, 0x81
        mov ax, 0x0201
        mov bx, buf_b
        int 0x13
        jc .sfail
        call compare
        jne .sfail
        mov si, msg_ok
        call puts
        jmp .wait
.sfail: mov si, msg_failed
        call puts

        ; Wait for a key or 10 seconds (182 ticks), then power off.
.wait:  mov si, msg_wait
        call puts
        xor ah, ah
        int 0x1A
        mov [t0], dx
.w:     mov ah, 0x01
        int 0x16
        jnz .key
        xor ah, ah
        int 0x1A
        sub dx, [t0]
        cmp dx, 182
        jae .off
        hlt
        jmp .w
.key:   xor ah, ah
        int 0x16
.off:   mov si, msg_off
        call puts
        mov ax, 0x5301          ; APM: connect real-mode interface
        xor bx, bx
        int 0x15
        mov ax, 0x530E          ; driver version 1.2
        xor bx, bx
        mov cx, 0x0102
        int 0x15
        mov ax, 0x5307          ; set power state: all devices off
        mov bx, 0x0001
        mov cx, 0x0003
        int 0x15
        mov si, msg_apmfail
        call puts
        mov al, 1
        out 0xF4, al
        cli
        hlt

; compare buf_a and buf_b (512 bytes); ZF set when equal
compare:
        push ds
        pop es
        mov si, buf_a
        mov di, buf_b
        mov cx, 512
        cld
        repe cmpsb
        ret

; print the NUL-terminated string at DS:SI
puts:   lodsb
        or al, al
        jz .e
        call putc
        jmp puts
.e:     ret

newline:
        mov al, 13
        call putc
        mov al, 10
        ; fall through
; print AL on the screen and on port E9h (CR is not sent to E9h)
putc:   push ax
        push bx
        cmp al, 13
        je .s
        out 0xE9, al
.s:     mov ah, 0x0E
        mov bx, 0x0007
        int 0x10
        pop bx
        pop ax
        ret

; print AX in hex (4 digits) / AL in hex (2 digits)
puthex16:
        push ax
        mov al, ah
        call puthex8
        pop ax
puthex8:
        push ax
        push cx
        mov cl, 4
        shr al, cl
        pop cx
        call .nib
        pop ax
        push ax
        call .nib
        pop ax
        ret
.nib:   and al, 0x0F
        add al, '0'
        cmp al, '9'
        jbe .o
        add al, 7
.o:     jmp putc

; print AX in decimal
putdec: push ax
        push bx
        push cx
        push dx
        mov bx, 10
        xor cx, cx
.d:     xor dx, dx
        div bx
        push dx
        inc cx
        or ax, ax
        jnz .d
.q:     pop ax
        add al, '0'
        call putc
        loop .q
        pop dx
        pop cx
        pop bx
        pop ax
        ret

msg_banner:  db "pcemu demo disk - the BIOS's view of this PC", 13, 10, 13, 10, 0
msg_equip:   db "Equipment word (INT 11h):    ", 0
msg_conv:    db "Conventional memory (INT 12h): ", 0
msg_ext:     db "Extended memory (INT 15h/88h): ", 0
msg_kib:     db " KiB", 13, 10, 0
msg_none:    db "none", 13, 10, 0
msg_cpu:     db "Processor:                   ", 0
msg_8086:    db "8086/8088", 13, 10, 0
msg_186:     db "80186/80188", 13, 10, 0
msg_286:     db "80286", 13, 10, 0
msg_hd:      db "Drive 80h C/H/S (INT 13h/08h): ", 0
msg_drives:  db ", hard disks: ", 0
msg_ext41:   db "INT 13h extensions (41h):    version ", 0
msg_bitmap:  db ", API bitmap ", 0
msg_size:    db "Drive 80h sectors (INT 13h/48h): ", 0
msg_sectors: db "h", 13, 10, 0
msg_rtc:     db "RTC (INT 1Ah/04h, 02h):      ", 0
msg_scratch: db "Scratch disk 81h write/read (03h, 42h, 43h, 02h): ", 0
msg_ok:      db "OK", 13, 10, 0
msg_failed:  db "FAILED", 13, 10, 0
msg_wait:    db 13, 10, "Press a key to power off (or wait 10 seconds).", 13, 10, 0
msg_off:     db "Powering off through APM.", 13, 10, 0
msg_apmfail: db "APM power off failed.", 13, 10, 0

        align 2
prog_end:
        times (($-$$+511)/512)*512-($-$$) db 0   ; whole sectors

; uninitialised data after the program (not part of the image)
absolute prog_end
t0:      resw 1
s_spt:   resb 1
s_heads: resb 1
dpt:     resb 0x1A
dap:     resb 16
buf_a:   resb 512
buf_b:   resb 512
