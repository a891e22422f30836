; bios_misc — INT 11h, INT 12h, INT 15h (88h, C0h, 86h), INT 16h and INT 1Ah
; and the BIOS data area after POST, checked against the IBM PC/AT BIOS
; interface and Ralf Brown's Interrupt List.
;
; Needs: this program as sector 0 of the first hard disk and a floppy in
; drive A: (the equipment word must report it).

%define PROGRAM_NAME "bios_misc"
%include "lib.inc"

%macro BDAW 2                           ; BDAW reg16, offset: reg = word at 0040:offset
        push ds
        push ax
        mov ax, 40h
        mov ds, ax
        pop ax
        mov %1, [%2]
        pop ds
%endmacro

main:
        INFO "bios_misc: INT 11h/12h/15h/16h/1Ah and the BDA"
        ; Read the BDA first, before the program changes anything.
        BDAW ax, 49h
        CHECK8 "BDA 0449h video mode 3 after POST", al, 3
        BDAW ax, 4Ah
        CHECK16 "BDA 044Ah 80 columns", ax, 80
        BDAW ax, 63h
        CHECK16 "BDA 0463h CRTC port 3D4h", ax, 3D4h
        BDAW ax, 00h
        CHECK16 "BDA 0400h COM1 at 3F8h", ax, 3F8h
        BDAW ax, 80h
        CHECK16 "BDA 0480h keyboard buffer start 001Eh", ax, 001Eh
        BDAW ax, 82h
        CHECK16 "BDA 0482h keyboard buffer end 003Eh", ax, 003Eh
        BDAW ax, 1Ah
        mov bx, ax
        cmp ax, 1Eh
        jb .hd
        cmp ax, 3Ch
        ja .hd
        test al, 1
.hd:    CHECKCC "BDA 041Ah keyboard head inside the buffer", z
        BDAW ax, 1Ch
        cmp ax, 1Eh
        jb .tl
        cmp ax, 3Ch
        ja .tl
        test al, 1
.tl:    CHECKCC "BDA 041Ch keyboard tail inside the buffer", z
        BDAW ax, 75h
        mov [hdcount], al
        cmp al, 1
        CHECKCC "BDA 0475h hard disk count >= 1", ae
        mov ah, 08h
        mov dl, 80h
        push es
        int 13h
        pop es
        CHECK8 "BDA 0475h = INT 13h AH=08h DL", dl, [hdcount]

; --- INT 11h / INT 12h ---------------------------------------------------------
        int 11h
        mov [equip], ax
        BDAW bx, 10h
        CHECK16 "int11 AX = BDA 0410h", ax, bx
        mov ax, [equip]
        mov cl, 4
        shr ax, cl
        and ax, 3
        CHECK16 "int11 bits 5-4 = 10b (80x25 colour)", ax, 2
        mov ax, [equip]
        and ax, 1
        CHECK16 "int11 bit 0 diskette drive present", ax, 1
        int 12h
        mov [memkb], ax
        BDAW bx, 13h
        CHECK16 "int12 AX = BDA 0413h", ax, bx
        mov ax, [memkb]
        cmp ax, 640
        ja .mem
        cmp ax, 32
.mem:   CHECKCC "int12 memory size within 32-640 KiB", ae

; --- ROM identification -----------------------------------------------------------
        push ds
        mov ax, 0F000h
        mov ds, ax
        mov al, [0FFFEh]
        mov bl, [0FFF7h]
        mov bh, [0FFFAh]
        pop ds
        mov [model], al
        mov al, bl
        CHECK8 "F000:FFF5 ROM date has '/' at position 3", al, '/'
        mov al, bh
        CHECK8 "F000:FFF5 ROM date has '/' at position 6", al, '/'
        ; an 80286 (PUSH SP pushes the old SP) is an AT: model FCh
        push sp
        pop ax
        cmp ax, sp
        jne .not286
        mov byte [is286], 1
        mov al, [model]
        CHECK8 "F000:FFFE model byte FCh (AT) on a 286", al, 0FCh
.not286:
        mov ah, 0C0h
        push es
        int 15h
        SAVEFLAGS fl
        mov al, [es:bx+2]
        mov cx, [es:bx]
        pop es
        CHECKCF "int15 C0h CF", fl, 0
        CHECK8 "int15 C0h table model byte = F000:FFFE", al, [model]
        cmp cx, 8
        CHECKCC "int15 C0h table length >= 8", ae
        ; AH=88h exists on the AT; the PC/XT BIOS reports CF=1 with AH=80h
        ; or 86h (unsupported function)
        mov ah, 88h
        int 15h
        SAVEFLAGS fl
        mov [t0], ax
        cmp byte [is286], 0
        je .no88
        CHECKCF "int15 88h CF=0 on a 286 (AT extended memory size)", fl, 0
        jmp .done88
.no88:  CHECKCF "int15 88h CF=1 before the 286", fl, 1
        mov al, [t0+1]
        cmp al, 80h
        je .e88
        cmp al, 86h
.e88:   CHECKCC "int15 88h AH = 80h or 86h before the 286", e
.done88:

; --- INT 16h ---------------------------------------------------------------------
.drain: mov ah, 01h
        int 16h
        jz .empty
        mov ah, 00h
        int 16h
        jmp .drain
.empty: mov ah, 01h
        int 16h
        CHECKCC "int16 01h ZF=1 with an empty buffer", z
        mov ah, 11h
        int 16h
        CHECKCC "int16 11h ZF=1 with an empty buffer", z
        mov ah, 05h
        mov cx, 1E61h
        int 16h
        SAVEFLAGS fl
        CHECK8 "int16 05h AL=0 (stored)", al, 0
        CHECKCF "int16 05h CF", fl, 0
        BDAW ax, 1Ah
        BDAW bx, 1Ch
        sub bx, ax
        jnc .pos
        add bx, 20h
.pos:   CHECK16 "int16 05h advances the BDA tail by one entry", bx, 2
        mov ah, 01h
        int 16h
        CHECKCC "int16 01h ZF=0 with a key", nz
        CHECK16 "int16 01h returns the key", ax, 1E61h
        mov ah, 01h
        int 16h
        CHECKCC "int16 01h does not remove the key", nz
        mov ah, 00h
        int 16h
        CHECK16 "int16 00h reads the stuffed key", ax, 1E61h
        mov ah, 01h
        int 16h
        CHECKCC "int16 00h removed the key", z
        ; 15 keys fit, the 16th does not
        mov cx, 3001h
.stuff: mov ah, 05h
        int 16h
        test al, al
        jnz .full
        inc cx
        cmp cx, 3010h
        jbe .stuff
.full:  CHECK16 "int16 05h buffer takes 15 keys, refuses the 16th", cx, 3010h
        CHECK8 "int16 05h AL=1 when full", al, 1
        mov bx, 3001h
.order: mov ah, 00h
        int 16h
        cmp ax, bx
        jne .ordok
        inc bx
        cmp bx, 3010h
        jb .order
.ordok: CHECK16 "int16 00h returns the 15 keys in order", bx, 3010h
        mov ah, 05h
        mov cx, 48E0h                   ; gray Up arrow (E0h prefix)
        int 16h
        mov ah, 10h
        int 16h
        CHECK16 "int16 10h returns an E0h key as stored", ax, 48E0h
        mov ah, 05h
        mov cx, 48E0h
        int 16h
        mov ah, 00h
        int 16h
        CHECK16 "int16 00h returns an E0h key with AL=0", ax, 4800h
        mov ah, 02h
        int 16h
        BDAW bx, 17h
        CHECK8 "int16 02h AL = BDA 0417h", al, bl
        mov ah, 12h
        int 16h
        BDAW bx, 17h
        CHECK8 "int16 12h AL = BDA 0417h", al, bl

; --- INT 1Ah -----------------------------------------------------------------------
        mov ah, 02h
        int 1Ah
        SAVEFLAGS fl
        mov [rtc_t], cx
        mov [rtc_t+2], dx
        CHECKCF "int1a 02h RTC time CF", fl, 0
        mov al, [rtc_t+1]
        mov ah, 23h
        call check_bcd
        CHECKCC "int1a 02h CH hours BCD 00-23", e
        mov al, [rtc_t]
        mov ah, 59h
        call check_bcd
        CHECKCC "int1a 02h CL minutes BCD 00-59", e
        mov al, [rtc_t+3]
        mov ah, 59h
        call check_bcd
        CHECKCC "int1a 02h DH seconds BCD 00-59", e
        mov ah, 04h
        int 1Ah
        SAVEFLAGS fl
        mov [rtc_d], cx
        mov [rtc_d+2], dx
        CHECKCF "int1a 04h RTC date CF", fl, 0
        mov al, [rtc_d+1]
        cmp al, 19h
        je .cen
        cmp al, 20h
.cen:   CHECKCC "int1a 04h CH century 19 or 20", e
        mov al, [rtc_d]
        mov ah, 99h
        call check_bcd
        CHECKCC "int1a 04h CL year BCD", e
        mov al, [rtc_d+3]
        mov ah, 12h
        call check_bcd
        jne .mon
        test al, al
.mon:   CHECKCC "int1a 04h DH month BCD 01-12", nz
        mov al, [rtc_d+2]
        mov ah, 31h
        call check_bcd
        jne .day
        test al, al
.day:   CHECKCC "int1a 04h DL day BCD 01-31", nz

        ; POST sets the tick count from the RTC: both tell the same minute
        mov ah, 00h
        int 1Ah
        mov ax, dx
        mov dx, cx
        mov bx, 1092                    ; ticks per minute (1193182/65536*60)
        div bx
        mov [tickmin], ax
        mov al, [rtc_t+1]
        call bcd2bin
        mov bl, 60
        mul bl
        mov bx, ax
        mov al, [rtc_t]
        call bcd2bin
        xor ah, ah
        add bx, ax
        mov ax, [tickmin]
        sub ax, bx
        inc ax
        cmp ax, 2
        CHECKCC "int1a 00h tick count agrees with the RTC time (+-1 min)", be

        mov ah, 00h
        int 1Ah
        BDAW bx, 6Ch
        mov [t0], dx
        sub bx, dx
        cmp bx, 1
        CHECKCC "int1a 00h DX = BDA 046Ch", be
        sti
        mov cx, 40
.tick:  hlt
        mov ah, 00h
        int 1Ah
        cmp dx, [t0]
        jne .ticked
        loop .tick
.ticked:
        CHECKCC "int1a 00h tick count advances (IRQ 0)", ne
        ; INT 15h AH=86h waits 1 s: 18.2 ticks
        mov ah, 00h
        int 1Ah
        mov [t0], dx
        mov ah, 86h
        mov cx, 000Fh
        mov dx, 4240h                   ; 1,000,000 us
        int 15h
        SAVEFLAGS fl
        CHECKCF "int15 86h CF", fl, 0
        mov ah, 00h
        int 1Ah
        sub dx, [t0]
        mov [t0], dx
        cmp dx, 17
        jb .w
        cmp dx, 20
        ja .w
        cmp ax, ax
.w:     CHECKCC "int15 86h 1 s wait lasts 17-20 ticks", e
        mov si, str_ticks
        call puts
        mov ax, [t0]
        call putdec
        call newline
        ; AH=01h sets the count
        mov ah, 00h
        int 1Ah
        mov [t1], dx
        mov [t1+2], cx
        mov ah, 01h
        mov cx, 0001h
        mov dx, 0000h
        int 1Ah
        mov ah, 00h
        int 1Ah
        mov [t0], al
        CHECK16 "int1a 01h sets the high word", cx, 1
        cmp dx, 2
        CHECKCC "int1a 01h sets the low word", be
        mov al, [t0]
        CHECK8 "int1a 00h AL midnight flag 0", al, 0
        mov ah, 01h
        mov cx, [t1+2]
        mov dx, [t1]
        add dx, 2
        adc cx, 0
        int 1Ah
        jmp finish

str_ticks: db "INFO int15 86h 1 s wait took ticks: ", 0

; check_bcd: AL is valid packed BCD and AL <= AH (ZF=1 if so).
check_bcd:
        push ax
        push cx
        mov cl, al
        and cl, 0Fh
        cmp cl, 9
        ja .bad
        mov cl, al
        shr cl, 1
        shr cl, 1
        shr cl, 1
        shr cl, 1
        cmp cl, 9
        ja .bad
        cmp al, ah
        ja .bad
        cmp al, al
.bad:   pop cx
        pop ax
        ret

; bcd2bin: AL = binary value of packed BCD AL.
bcd2bin:
        push bx
        push cx
        mov bl, al
        and bl, 0Fh
        mov cl, 4
        shr al, cl
        mov bh, 10
        mul bh
        add al, bl
        pop cx
        pop bx
        ret

        section .bss
fl:      resw 1
equip:   resw 1
memkb:   resw 1
model:   resb 1
hdcount: resb 1
is286:   resb 1
rtc_t:   resw 2
rtc_d:   resw 2
tickmin: resw 1
t0:      resw 1
t1:      resw 2
END_PROGRAM
