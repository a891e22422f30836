; bios_disk — INT 13h disk services, checked against the IBM PC/AT BIOS
; interface, the Phoenix/IBM Enhanced Disk Drive (EDD) extensions and
; Ralf Brown's Interrupt List.
;
; Needs: this program as sector 0 of the first hard disk (80h), every other
; sector filled with the pattern of pattern.inc (tag 'H'), and a 1.44 MB
; floppy image in drive A: (00h) filled with the pattern (tag 'F') in every
; sector. The disk geometry is taken from AH=08h and AH=48h, not assumed.

%define PROGRAM_NAME "bios_disk"
%include "lib.inc"
%include "pattern.inc"

HD      equ 80h
FD      equ 00h

; DISK: INT 13h, then keep AX and FLAGS in rv_ax / rflags.
%macro DISK 0
        int 13h
        SAVEFLAGS rflags
        mov [rv_ax], ax
%endmacro

; OK "what": the last call succeeded (CF=0, AH=0).
%macro OK 1
        CHECKCF {%1, " CF"}, rflags, 0
        mov al, [rv_ax+1]
        CHECK8 {%1, " AH"}, al, 0
%endmacro

; ERR "what": the last call failed (CF=1, AH != 0).
%macro ERR 1
        CHECKCF {%1, " CF"}, rflags, 1
        cmp byte [rv_ax+1], 0
        CHECKCC {%1, " AH nonzero"}, ne
%endmacro

main:
        INFO "bios_disk: INT 13h on hard disk 80h and floppy 00h"

; --- AH=00h reset, AH=01h status --------------------------------------------
        mov ah, 00h
        mov dl, HD
        DISK
        OK "int13 00h reset"
        mov ah, 01h
        mov dl, HD
        DISK
        CHECK8 "int13 01h status after reset AH", [rv_ax+1], 0

; --- AH=08h drive parameters ------------------------------------------------
        xor di, di
        mov es, di
        mov ah, 08h
        mov dl, HD
        DISK
        push cx
        push dx
        OK "int13 08h hd"
        pop dx
        pop cx
        mov al, cl
        and ax, 003Fh
        mov [spt], ax
        mov al, dh
        xor ah, ah
        inc ax
        mov [heads], ax
        mov al, ch
        mov ah, cl
        mov cl, 6
        shr ah, cl
        mov [maxcyl], ax
        mov [ndrives], dl
        push ds
        mov ax, 40h
        mov ds, ax
        mov al, [75h]
        pop ds
        CHECK8 "int13 08h DL = hard disk count at 0040:0075", [ndrives], al
        cmp word [spt], 0
        CHECKCC "int13 08h sectors per track nonzero", ne
        mov si, str_geom
        call puts
        mov ax, [maxcyl]
        inc ax
        call putdec
        mov al, '/'
        call putc
        mov ax, [heads]
        call putdec
        mov al, '/'
        call putc
        mov ax, [spt]
        call putdec
        call newline

; --- AH=15h type ------------------------------------------------------------
        mov ah, 15h
        mov dl, HD
        DISK
        mov [t15], dx
        mov [t15+2], cx
        CHECKCF "int13 15h hd CF", rflags, 0
        CHECK8 "int13 15h hd AH = 03h (fixed disk)", [rv_ax+1], 3

; --- AH=41h extensions installation check -----------------------------------
        mov ah, 41h
        mov bx, 55AAh
        mov dl, HD
        DISK
        mov [t41bx], bx
        mov [t41cx], cx
        CHECKCF "int13 41h CF", rflags, 0
        CHECK16 "int13 41h BX", [t41bx], 0AA55h
        mov ax, [t41cx]
        and ax, 1
        CHECK16 "int13 41h CX bit 0 (42h-44h,47h,48h)", ax, 1
        cmp byte [rv_ax+1], 1
        CHECKCC "int13 41h AH = EDD version (>= 01h)", ae

; --- AH=48h drive parameters ------------------------------------------------
        mov word [dpt48], 1Eh
        mov si, dpt48
        mov ah, 48h
        mov dl, HD
        DISK
        OK "int13 48h"
        cmp word [dpt48], 1Ah
        CHECKCC "int13 48h buffer size >= 1Ah", ae
        CHECK16 "int13 48h bytes per sector", [dpt48+18h], 512
        mov ax, [dpt48+14h]
        or ax, [dpt48+16h]
        CHECK16 "int13 48h total sectors below 2^32 on the test disk", ax, 0
        mov ax, [dpt48+10h]
        mov dx, [dpt48+12h]
        mov [total], ax
        mov [total+2], dx
        mov si, str_total
        call puts
        mov ax, [total+2]
        call puthex16
        mov ax, [total]
        call puthex16
        mov al, 'h'
        call putc
        call newline
        ; The CHS geometry of AH=08h lies inside the disk.
        mov ax, [maxcyl]
        inc ax
        mul word [heads]
        mov bx, [spt]
        call mul32x16
        cmp dx, [total+2]
        jne .c1
        cmp ax, [total]
.c1:    CHECKCC "int13 08h C*H*S <= 48h total sectors", be
        ; AH=15h CX:DX sector count: within the disk, at most one
        ; cylinder short of the AH=08h geometry.
        mov dx, [t15+2]
        mov ax, [t15]
        cmp dx, [total+2]
        jne .c2
        cmp ax, [total]
.c2:    CHECKCC "int13 15h CX:DX <= total sectors", be
        mov ax, [maxcyl]
        mul word [heads]
        mov bx, [spt]
        call mul32x16
        cmp dx, [t15+2]
        jne .c3
        cmp ax, [t15]
.c3:    CHECKCC "int13 15h CX:DX >= (cylinders-1)*H*S", be

; --- CHS reads at track boundaries --------------------------------------------
        ; first sector of cylinder 1, head 0
        mov word [c], 1
        mov byte [h], 0
        mov byte [s], 1
        mov byte [n], 1
        call chs_read_check
        db "int13 02h first sector of a track (1/0/1)", 0
        ; last sector of that track
        mov al, [spt]
        mov [s], al
        call chs_read_check
        db "int13 02h last sector of a track (1/0/S)", 0
        ; two sectors from the last of a track: continues on the next head
        mov byte [n], 2
        call chs_read_check
        db "int13 02h 2 sectors across a head boundary", 0
        ; the last sector of the last cylinder
        mov ax, [maxcyl]
        mov [c], ax
        mov al, [heads]
        dec al
        mov [h], al
        mov byte [n], 1
        call chs_read_check
        db "int13 02h last sector of the last cylinder", 0
        mov byte [s], 1
        call chs_read_check
        db "int13 02h first sector of the last track", 0

; --- CHS write, then read back --------------------------------------------------
        mov word [c], 1
        mov byte [h], 1
        mov byte [s], 2
        mov byte [n], 2
        call chs_lba
        mov bl, 'W'
        mov di, buf
        call fill_sector
        add ax, 1
        adc dx, 0
        add di, 512
        call fill_sector
        call chs_regs
        mov ax, 0302h
        DISK
        OK "int13 03h write 2 sectors (1/1/2)"
        CHECK8 "int13 03h AL = sectors written", [rv_ax], 2
        call clear_buf
        call chs_regs
        mov ax, 0202h
        DISK
        OK "int13 02h read back written sectors"
        call chs_lba
        mov si, buf
        mov bl, 'W'
        call verify_sector
        CHECKCC "int13 03h/02h first written sector reads back", e
        add ax, 1
        adc dx, 0
        add si, 512
        call verify_sector
        CHECKCC "int13 03h/02h second written sector reads back", e
        ; the sector after them is untouched
        mov byte [s], 4
        mov byte [n], 1
        call chs_read_check
        db "int13 03h left the next sector alone", 0
        ; write the last sector of the disk's last cylinder
        mov ax, [maxcyl]
        mov [c], ax
        mov al, [heads]
        dec al
        mov [h], al
        mov al, [spt]
        mov [s], al
        call chs_lba
        mov bl, 'L'
        mov di, buf
        call fill_sector
        call chs_regs
        mov ax, 0301h
        DISK
        OK "int13 03h write last sector of the last cylinder"
        call clear_buf
        call chs_regs
        mov ax, 0201h
        DISK
        call chs_lba
        mov si, buf
        mov bl, 'L'
        call verify_sector
        CHECKCC "int13 02h last cylinder sector reads back", e
        ; put the original pattern back: the extended reads below may
        ; look at the same sector (the last of the disk)
        call chs_lba
        mov bl, 'H'
        mov di, buf
        call fill_sector
        call chs_regs
        mov ax, 0301h
        DISK
        OK "int13 03h restore the last cylinder sector"

; --- AH=04h verify, 0Ch seek, 0Dh/10h/11h -------------------------------------
        mov word [c], 1
        mov byte [h], 0
        mov byte [s], 1
        call chs_regs
        mov ax, 0403h
        DISK
        OK "int13 04h verify 3 sectors"
        CHECK8 "int13 04h AL = sectors verified", [rv_ax], 3
        call chs_regs
        mov ah, 0Ch
        DISK
        OK "int13 0Ch seek"
        mov ah, 0Dh
        mov dl, HD
        DISK
        OK "int13 0Dh alternate reset"
        mov ah, 10h
        mov dl, HD
        DISK
        OK "int13 10h test drive ready"
        mov ah, 11h
        mov dl, HD
        DISK
        OK "int13 11h recalibrate"

; --- invalid CHS addresses ------------------------------------------------------
        mov bx, buf
        mov ax, 0201h
        mov cx, 0100h                   ; cylinder 1, sector 0
        mov dx, HD
        DISK
        ERR "int13 02h sector 0"
        mov al, [rv_ax+1]
        mov [lasterr], al
        cmp al, 01h
        je .e1
        cmp al, 04h
.e1:    CHECKCC "int13 02h sector 0 AH = 01h or 04h", e
        mov ah, 01h
        mov dl, HD
        DISK
        mov al, [lasterr]
        CHECK8 "int13 01h returns the last error", [rv_ax+1], al
        mov ah, 01h
        mov dl, HD
        DISK
        mov al, [lasterr]
        CHECK8 "int13 01h status is kept until the next operation", [rv_ax+1], al
        cmp byte [spt], 63
        jae .nospt
        mov bx, buf
        mov ax, 0201h
        mov cl, [spt]
        inc cl
        mov ch, 1
        mov dx, HD
        DISK
        ERR "int13 02h sector beyond sectors per track"
.nospt:
        cmp byte [heads], 255
        jae .nohead
        mov bx, buf
        mov ax, 0201h
        mov cx, 0101h
        mov dh, [heads]
        mov dl, HD
        DISK
        ERR "int13 02h head beyond the last head"
.nohead:
        mov ax, [maxcyl]
        add ax, 2
        cmp ax, 1023
        ja .nocyl
        mov [c], ax
        mov byte [h], 0
        mov byte [s], 1
        call chs_regs
        mov ax, 0201h
        DISK
        ERR "int13 02h cylinder beyond the disk"
.nocyl:
        mov ah, 00h
        mov dl, HD
        DISK
        OK "int13 00h reset after an error"
        mov ah, 01h
        mov dl, HD
        DISK
        CHECK8 "int13 01h after reset AH", [rv_ax+1], 0

; --- extensions: AH=42h/43h/44h/47h ---------------------------------------------
        mov ax, 100
        xor dx, dx
        mov cx, 3
        call ext_setup
        mov ah, 42h
        call ext_call
        OK "int13 42h read 3 sectors at LBA 100"
        CHECK16 "int13 42h block count after read", [dap+2], 3
        mov ax, 100
        xor dx, dx
        mov cx, 3
        mov bl, 'H'
        call verify_run
        CHECKCC "int13 42h data of LBA 100-102", e

        ; the last sector of the disk
        mov ax, [total]
        mov dx, [total+2]
        sub ax, 1
        sbb dx, 0
        mov cx, 1
        call ext_setup
        mov ah, 42h
        call ext_call
        OK "int13 42h read last sector of the disk"
        mov ax, [total]
        mov dx, [total+2]
        sub ax, 1
        sbb dx, 0
        mov si, buf
        mov bl, 'H'
        call verify_sector
        CHECKCC "int13 42h last sector data", e

        ; one past the end
        mov ax, [total]
        mov dx, [total+2]
        mov cx, 1
        call ext_setup
        mov ah, 42h
        call ext_call
        ERR "int13 42h read at LBA = total sectors"
        CHECK16 "int13 42h block count after failed read", [dap+2], 0
        mov ah, 00h
        mov dl, HD
        DISK

        ; a run that starts inside and ends outside
        mov ax, [total]
        mov dx, [total+2]
        sub ax, 1
        sbb dx, 0
        mov cx, 2
        call ext_setup
        mov ah, 42h
        call ext_call
        ERR "int13 42h read running past the end"
        cmp word [dap+2], 1
        CHECKCC "int13 42h block count = sectors transferred (<= 1)", be
        mov ah, 00h
        mov dl, HD
        DISK

        ; AH=43h write 2 sectors, read back with 42h and with CHS
        mov ax, 200
        xor dx, dx
        mov di, buf
        mov bl, 'X'
        call fill_sector
        inc ax
        add di, 512
        call fill_sector
        mov ax, 200
        mov cx, 2
        call ext_setup
        mov ax, 4300h
        call ext_call
        OK "int13 43h write 2 sectors at LBA 200"
        CHECK16 "int13 43h block count after write", [dap+2], 2
        call clear_buf
        mov ax, 200
        xor dx, dx
        mov cx, 2
        call ext_setup
        mov ah, 42h
        call ext_call
        OK "int13 42h read back LBA 200"
        mov ax, 200
        xor dx, dx
        mov cx, 2
        mov bl, 'X'
        call verify_run
        CHECKCC "int13 43h data reads back through 42h", e
        ; the same sector through CHS: LBA 200 -> C/H/S
        call clear_buf
        mov ax, 200
        xor dx, dx
        mov bx, [spt]
        push ax
        mov ax, [heads]
        mul bx
        mov bx, ax                      ; sectors per cylinder
        pop ax
        div bx
        mov [c], ax
        mov ax, dx
        xor dx, dx
        div word [spt]
        mov [h], al
        inc dl
        mov [s], dl
        call chs_regs
        mov ax, 0201h
        DISK
        OK "int13 02h read LBA 200 through CHS"
        mov ax, 200
        xor dx, dx
        mov si, buf
        mov bl, 'X'
        call verify_sector
        CHECKCC "int13 43h data reads back through CHS (C*H+h)*S+s-1", e

        ; AH=43h past the end
        mov ax, [total]
        mov dx, [total+2]
        mov cx, 1
        call ext_setup
        mov ax, 4300h
        call ext_call
        ERR "int13 43h write at LBA = total sectors"
        mov ah, 00h
        mov dl, HD
        DISK

        mov ax, 100
        xor dx, dx
        mov cx, 2
        call ext_setup
        mov ah, 44h
        call ext_call
        OK "int13 44h verify 2 sectors"
        mov ax, 100
        xor dx, dx
        mov cx, 1
        call ext_setup
        mov ah, 47h
        call ext_call
        OK "int13 47h seek"

; --- floppy A: (1.44 MB) ----------------------------------------------------------
        xor di, di
        mov es, di
        mov ah, 08h
        mov dl, FD
        DISK
        mov [fbx], bx
        mov [fcx], cx
        mov [fdx], dx
        mov [fdi], di
        mov [fes], es
        xor ax, ax
        mov es, ax
        CHECKCF "int13 08h floppy CF", rflags, 0
        CHECK8 "int13 08h floppy BL = 04h (1.44M)", [fbx], 4
        CHECK8 "int13 08h floppy CH = 79 (last cylinder)", [fcx+1], 79
        CHECK8 "int13 08h floppy CL = 18 (sectors)", [fcx], 18
        CHECK8 "int13 08h floppy DH = 1 (last head)", [fdx+1], 1
        cmp byte [fdx], 1
        CHECKCC "int13 08h floppy DL >= 1 drive", ae
        push ds
        lds si, [fdi]
        mov al, [si+4]
        pop ds
        CHECK8 "int13 08h floppy ES:DI parameter table sectors/track", al, 18
        mov ah, 15h
        mov dl, FD
        DISK
        CHECKCF "int13 15h floppy CF", rflags, 0
        mov al, [rv_ax+1]
        cmp al, 1
        je .f15
        cmp al, 2
.f15:   CHECKCC "int13 15h floppy AH = 01h or 02h", e
        mov ah, 00h
        mov dl, FD
        DISK
        OK "int13 00h floppy reset"
        ; AH=16h change line: 00h (CF=0) or 06h (CF=1)
        mov ah, 16h
        mov dl, FD
        DISK
        mov al, [rv_ax+1]
        mov ah, [rflags]
        and ah, 1
        cmp ax, 0000h
        je .chg
        cmp ax, 0106h
.chg:   CHECKCC "int13 16h floppy change line: AH=00h CF=0 or AH=06h CF=1", e
        mov word [fch], 0
        mov word [fch+2], 0001h         ; C=0 H=0 S=1 -> LBA 0
        call fd_read_check
        db "int13 02h floppy 0/0/1", 0
        mov word [fch], 0
        mov word [fch+2], 0012h         ; 0/0/18 -> LBA 17
        call fd_read_check
        db "int13 02h floppy 0/0/18 last sector of a track", 0
        mov word [fch], 0
        mov word [fch+2], 0101h         ; 0/1/1 -> LBA 18
        call fd_read_check
        db "int13 02h floppy 0/1/1", 0
        mov word [fch], 79
        mov word [fch+2], 0112h         ; 79/1/18 -> LBA 2879
        call fd_read_check
        db "int13 02h floppy 79/1/18 last sector", 0
        mov bx, buf
        mov ax, 0201h
        mov cx, 0013h                   ; sector 19 on a 18-sector track
        mov dx, FD
        DISK
        ERR "int13 02h floppy sector 19"
        mov ah, 00h
        mov dl, FD
        DISK

        jmp finish

str_geom:  db "INFO int13 08h geometry C/H/S = ", 0
str_total: db "INFO int13 48h total sectors = ", 0

; chs_lba: DX:AX = LBA of [c]/[h]/[s] with the AH=08h geometry.
chs_lba:
        push bx
        mov ax, [c]
        mul word [heads]
        mov bl, [h]
        xor bh, bh
        add ax, bx
        adc dx, 0
        mov bx, [spt]
        call mul32x16
        mov bl, [s]
        xor bh, bh
        dec bx
        add ax, bx
        adc dx, 0
        pop bx
        ret

; chs_regs: CX, DX, ES:BX for [c]/[h]/[s] on the hard disk, buffer buf.
chs_regs:
        mov ax, [c]
        mov ch, al
        mov cl, 6
        shl ah, cl
        mov cl, [s]
        or cl, ah
        mov dh, [h]
        mov dl, HD
        mov bx, buf
        ret

clear_buf:
        push ax
        push cx
        push di
        mov di, buf
        mov cx, 2048
        mov al, 0EEh
        rep stosb
        pop di
        pop cx
        pop ax
        ret

; chs_read_check: read [n] sectors at [c]/[h]/[s] and check their pattern
; ('H'); the name of the check follows the call as a string.
chs_read_check:
        pop si
        push si
.skip:  lodsb
        test al, al
        jnz .skip
        pop ax
        push si                         ; return past the string
        mov [name], ax
        call clear_buf
        call chs_regs
        mov ah, 02h
        mov al, [n]
        DISK
        mov si, [name]
        test byte [rflags], 1
        jnz .bad
        mov al, [rv_ax]
        cmp al, [n]
        jne .bad
        call chs_lba
        mov cl, [n]
        xor ch, ch
        mov bl, 'H'
        call verify_run
        jne .bad
        call report_pass
        ret
.bad:   call report_fail_head
        mov si, str_ax
        call puts
        mov ax, [rv_ax]
        call puthex16
        mov si, str_fl
        call puts
        mov ax, [rflags]
        call puthex16
        call newline
        ret
str_ax: db ": AX=", 0
str_fl: db " FLAGS=", 0

; fd_read_check: read one floppy sector at C=[fch], H/S=[fch+2] and check
; its pattern ('F', LBA = (C*2+H)*18+S-1).
fd_read_check:
        pop si
        push si
.skip:  lodsb
        test al, al
        jnz .skip
        pop ax
        push si
        mov [name], ax
        call clear_buf
        mov bx, buf
        mov ch, [fch]
        mov cl, [fch+2]
        mov dh, [fch+3]
        mov dl, FD
        mov ax, 0201h
        DISK
        mov si, [name]
        test byte [rflags], 1
        jnz chs_read_check.bad
        mov ax, [fch]
        shl ax, 1
        add al, [fch+3]
        mov bl, 18
        mul bl
        mov bl, [fch+2]
        xor bh, bh
        add ax, bx
        dec ax
        xor dx, dx
        push si
        mov si, buf
        mov bl, 'F'
        call verify_sector
        pop si
        jne chs_read_check.bad
        call report_pass
        ret

; ext_setup: disk address packet for CX sectors at LBA DX:AX into buf.
ext_setup:
        mov byte [dap], 10h
        mov byte [dap+1], 0
        mov [dap+2], cx
        mov word [dap+4], buf
        mov word [dap+6], 0
        mov [dap+8], ax
        mov [dap+10], dx
        mov word [dap+12], 0
        mov word [dap+14], 0
        ret

; ext_call: INT 13h with AH (and AL) as given, DS:SI = dap, DL = 80h.
ext_call:
        mov si, dap
        mov dl, HD
        DISK
        ret

        section .bss
rv_ax:     resw 1
rflags:  resw 1
spt:     resw 1
heads:   resw 1
maxcyl:  resw 1
ndrives: resb 1
lasterr: resb 1
total:   resd 1
t15:     resd 1
t41bx:   resw 1
t41cx:   resw 1
c:       resw 1
h:       resb 1
s:       resb 1
n:       resb 1
         resb 1
name:    resw 1
fbx:     resw 1
fcx:     resw 1
fdx:     resw 1
fdi:     resw 1
fes:     resw 1
fch:     resw 2
dap:     resb 16
dpt48:   resb 30
         alignb 16
buf:     resb 2048
END_PROGRAM
