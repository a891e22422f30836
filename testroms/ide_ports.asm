; ide_ports — the primary IDE channel driven directly through its ports,
; checked against the ATA/ATAPI-6 standard (T13/1410D): IDENTIFY DEVICE,
; READ/WRITE SECTORS, SET MULTIPLE MODE with READ/WRITE MULTIPLE, the 48-bit
; READ/WRITE SECTORS EXT with the HOB register pairs, software reset and the
; device signature, aborted and out-of-range commands, and INTRQ through
; the slave 8259A (IRQ 14, INT 76h), with nIEN.
;
; Needs: this program as sector 0 of the primary master, every other sector
; filled with the pattern of pattern.inc (tag 'H').

%define PROGRAM_NAME "ide_ports"
%include "lib.inc"
%include "pattern.inc"

DATA    equ 1F0h
ERROR   equ 1F1h                        ; read: error, write: features
COUNT   equ 1F2h
LBA0    equ 1F3h                        ; sector number
LBA1    equ 1F4h                        ; cylinder low
LBA2    equ 1F5h                        ; cylinder high
DEVICE  equ 1F6h                        ; device/head
STATUS  equ 1F7h                        ; read: status, write: command
ALTST   equ 3F6h                        ; read: alternate status, write: device control

BSY     equ 80h
DRDY    equ 40h
DRQ     equ 08h
ERR     equ 01h
ABRT    equ 04h
IDNF    equ 10h
NIEN    equ 02h
SRST    equ 04h
HOB     equ 80h

%macro OUTB 2
        mov dx, %1
        mov al, %2
        out dx, al
%endmacro

; CMD op: write the command register, then let 400 ns pass before the
; status is looked at (ATA/ATAPI-6, PIO protocols: the device has that long
; to set BSY). Four reads of the alternate status take at least that.
%macro CMD 1
        OUTB STATUS, %1
        call delay400
%endmacro

%macro INB 1
        mov dx, %1
        in al, dx
%endmacro

main:
        INFO "ide_ports: ATA registers at 1F0h-1F7h/3F6h, IRQ 14"
        ; capacity as the BIOS sees it
        mov word [dpt48], 1Eh
        mov si, dpt48
        mov ah, 48h
        mov dl, 80h
        int 13h
        mov ax, [dpt48+10h]
        mov [total], ax
        mov ax, [dpt48+12h]
        mov [total+2], ax

        OUTB ALTST, NIEN                ; polled until the interrupt tests
        call wait_ready
        OUTB DEVICE, 0A0h

; --- IDENTIFY DEVICE ---------------------------------------------------------
        call identify
        CHECKCC "ide IDENTIFY DEVICE completes with DRQ", nc
        test word [id], 8000h
        CHECKCC "ide IDENTIFY word 0 bit 15 = 0 (ATA device)", z
        mov al, [id+255*2]
        CHECK8 "ide IDENTIFY word 255 signature A5h", al, 0A5h
        mov si, id
        mov cx, 512
        xor ah, ah
.sum:   lodsb
        add ah, al
        loop .sum
        mov al, ah
        CHECK8 "ide IDENTIFY word 255 checksum (bytes sum to 0)", al, 0
        test word [id+49*2], 0200h
        CHECKCC "ide IDENTIFY word 49 bit 9 LBA supported", nz
        ; words 60-61: the LBA28 capacity, 0FFFFFFFh when the disk is larger
        mov ax, [total]
        mov dx, [total+2]
        cmp dx, 0FFFh
        jb .cap28
        ja .sat
        cmp ax, 0FFFFh
        jb .cap28
.sat:   mov ax, 0FFFFh
        mov dx, 0FFFh
        mov byte [big], 1
.cap28: mov [cap28], ax
        mov [cap28+2], dx
        mov ax, [id+60*2]
        CHECK16 "ide IDENTIFY words 60-61 = min(capacity, 0FFFFFFFh) (low)", ax, [cap28]
        mov ax, [id+61*2]
        CHECK16 "ide IDENTIFY words 60-61 = min(capacity, 0FFFFFFFh) (high)", ax, [cap28+2]
        test word [id+83*2], 0400h
        CHECKCC "ide IDENTIFY word 83 bit 10 48-bit address feature set", nz
        mov ax, [id+100*2]
        CHECK16 "ide IDENTIFY words 100-103 = capacity (low)", ax, [total]
        mov ax, [id+101*2]
        or ax, [id+102*2]
        or ax, [id+103*2]
        mov dx, [total+2]
        CHECK16 "ide IDENTIFY words 100-103 = capacity (high)", ax, dx
        mov al, [id+47*2]
        cmp al, 2
        CHECKCC "ide IDENTIFY word 47 READ/WRITE MULTIPLE up to >= 2 sectors", ae
        mov ax, [id+1*2]
        mov [cyls], ax
        mov ax, [id+3*2]
        mov [heads], ax
        mov ax, [id+6*2]
        mov [spt], ax
        mov ax, [cyls]
        mul word [heads]
        mov bx, [spt]
        call mul32x16
        cmp dx, [total+2]
        jne .g
        cmp ax, [total]
.g:     CHECKCC "ide IDENTIFY words 1/3/6 C*H*S <= capacity", be
        ; A BIOS without translation (cylinders <= 1024) gives INT 13h the
        ; drive's own geometry: same heads and sectors, and at most two
        ; cylinders fewer (IBM BIOSes kept one back for diagnostics).
        cmp word [cyls], 1024
        ja .translated
        mov ah, 08h
        mov dl, 80h
        push es
        int 13h
        pop es
        mov al, cl
        and ax, 003Fh
        CHECK16 "INT 13h AH=08h sectors = IDENTIFY word 6", ax, [spt]
        mov al, dh
        xor ah, ah
        inc ax
        CHECK16 "INT 13h AH=08h heads = IDENTIFY word 3", ax, [heads]
        mov al, ch
        mov ah, cl
        mov cl, 6
        shr ah, cl
        inc ax                          ; cylinders reported
        mov bx, [cyls]
        sub bx, ax
        cmp bx, 2
        CHECKCC "INT 13h AH=08h cylinders = IDENTIFY word 1 (at most 2 fewer)", be
.translated:
        ; the model string (words 27-46) is not blank
        mov si, id+27*2
        mov cx, 40
.model: lodsb
        cmp al, ' '
        ja .named
        loop .model
.named: CHECKCC "ide IDENTIFY words 27-46 model number present", nz
        INB STATUS
        and al, BSY | DRDY | DRQ | ERR
        CHECK8 "ide status after IDENTIFY data: DRDY only", al, DRDY

; --- READ SECTORS / WRITE SECTORS (LBA28 and CHS) ---------------------------
        mov ax, 300
        xor dx, dx
        mov cl, 2
        mov bl, 20h
        call issue28
        mov cx, 2
        mov di, buf
        call read_pio
        CHECKCC "ide READ SECTORS 2 at LBA 300 transfers", nc
        mov ax, 300
        xor dx, dx
        mov cx, 2
        mov bl, 'H'
        call verify_run
        CHECKCC "ide READ SECTORS LBA 300-301 data", e
        INB STATUS
        and al, BSY | DRQ | ERR
        CHECK8 "ide status after READ SECTORS: not BSY/DRQ/ERR", al, 0

        ; CHS: cylinder 1, head 2, sector 3 in the IDENTIFY geometry
        call wait_ready
        OUTB COUNT, 1
        OUTB LBA0, 3
        OUTB LBA1, 1
        OUTB LBA2, 0
        OUTB DEVICE, 0A2h
        CMD 20h
        mov cx, 1
        mov di, buf
        call read_pio
        mov ax, [heads]
        add ax, 2
        mul word [spt]
        add ax, 2
        adc dx, 0
        mov cx, 1
        mov bl, 'H'
        call verify_run
        CHECKCC "ide READ SECTORS in CHS mode 1/2/3 = LBA (1*H+2)*S+2", e

        mov ax, 400
        xor dx, dx
        mov cx, 2
        mov bl, 'I'
        call fill_run
        mov ax, 400
        mov cl, 2
        mov bl, 30h
        call issue28
        mov si, buf
        mov cx, 1                       ; one DRQ block per sector
        call write_pio
        jc .w400
        mov cx, 1
        call write_pio
.w400:  CHECKCC "ide WRITE SECTORS 2 at LBA 400", nc
        call clear_buf
        mov ax, 400
        xor dx, dx
        mov cl, 3
        mov bl, 20h
        call issue28
        mov cx, 3
        mov di, buf
        call read_pio
        mov ax, 400
        xor dx, dx
        mov cx, 2
        mov bl, 'I'
        call verify_run
        CHECKCC "ide WRITE SECTORS data reads back", e
        mov ax, 402
        xor dx, dx
        mov si, buf+1024
        mov bl, 'H'
        call verify_sector
        CHECKCC "ide WRITE SECTORS left the next sector alone", e

; --- SET MULTIPLE MODE, READ/WRITE MULTIPLE ----------------------------------
        call wait_ready
        OUTB COUNT, 3
        CMD 0C6h
        call wait_ready
        and al, ERR
        CHECK8 "ide SET MULTIPLE 3 (not a power of 2) aborts: ERR", al, ERR
        INB ERROR
        and al, ABRT
        CHECK8 "ide SET MULTIPLE 3 error ABRT", al, ABRT
        call wait_ready
        OUTB COUNT, 2
        CMD 0C6h
        call wait_ready
        and al, ERR
        CHECK8 "ide SET MULTIPLE 2 succeeds", al, 0
        call identify
        mov ax, [id+59*2]
        CHECK16 "ide IDENTIFY word 59 = 0102h after SET MULTIPLE 2", ax, 0102h
        call clear_buf
        mov ax, 500
        xor dx, dx
        mov cl, 5
        mov bl, 0C4h
        call issue28
        mov di, buf
        call read_multiple5
        CHECKCC "ide READ MULTIPLE 5 sectors in blocks of 2,2,1", nc
        mov ax, 500
        xor dx, dx
        mov cx, 5
        mov bl, 'H'
        call verify_run
        CHECKCC "ide READ MULTIPLE data of LBA 500-504", e

        mov ax, 600
        xor dx, dx
        mov cx, 3
        mov bl, 'M'
        call fill_run
        mov ax, 600
        xor dx, dx
        mov cl, 3
        mov bl, 0C5h
        call issue28
        mov si, buf
        mov cx, 2                       ; block 1: 2 sectors
        call write_pio
        mov cx, 1                       ; block 2: the last sector
        call write_pio
        CHECKCC "ide WRITE MULTIPLE 3 sectors in blocks of 2,1", nc
        call clear_buf
        mov ax, 600
        xor dx, dx
        mov cl, 3
        mov bl, 20h
        call issue28
        mov cx, 3
        mov di, buf
        call read_pio
        mov ax, 600
        xor dx, dx
        mov cx, 3
        mov bl, 'M'
        call verify_run
        CHECKCC "ide WRITE MULTIPLE data reads back", e

; --- 48-bit commands and the HOB registers ------------------------------------
        call wait_ready
        OUTB LBA0, 12h                  ; previous content
        OUTB LBA0, 34h                  ; current content
        OUTB ALTST, NIEN | HOB
        INB LBA0
        mov [tmp], al
        OUTB ALTST, NIEN
        INB LBA0
        CHECK8 "ide HOB=0 reads the last written LBA low", al, 34h
        mov al, [tmp]
        CHECK8 "ide HOB=1 reads the previous LBA low", al, 12h

        call clear_buf
        mov ax, 700
        xor dx, dx
        xor bx, bx
        mov cx, 2
        mov [cmd], byte 24h
        call issue48
        mov cx, 2
        mov di, buf
        call read_pio
        CHECKCC "ide READ SECTORS EXT 2 at LBA 700 transfers", nc
        mov ax, 700
        xor dx, dx
        mov cx, 2
        mov bl, 'H'
        call verify_run
        CHECKCC "ide READ SECTORS EXT data", e

        mov ax, 800
        xor dx, dx
        mov cx, 1
        mov bl, 'E'
        call fill_run
        mov ax, 800
        xor dx, dx
        xor bx, bx
        mov cx, 1
        mov [cmd], byte 34h
        call issue48
        mov cx, 1
        mov si, buf
        call write_pio
        CHECKCC "ide WRITE SECTORS EXT 1 at LBA 800", nc
        call clear_buf
        mov ax, 800
        xor dx, dx
        xor bx, bx
        mov cx, 1
        mov [cmd], byte 24h
        call issue48
        mov cx, 1
        mov di, buf
        call read_pio
        mov ax, 800
        xor dx, dx
        mov cx, 1
        mov bl, 'E'
        call verify_run
        CHECKCC "ide WRITE SECTORS EXT data reads back", e

; --- errors ----------------------------------------------------------------------
        ; LBA 2^32 through the high-order bytes: beyond the disk
        xor ax, ax
        xor dx, dx
        mov bx, 1
        mov cx, 1
        mov [cmd], byte 24h
        call issue48
        call wait_ready
        mov [tmp], al
        and al, ERR | DRQ
        CHECK8 "ide READ SECTORS EXT at LBA 2^32: ERR, no DRQ", al, ERR
        INB ERROR
        and al, IDNF
        CHECK8 "ide READ SECTORS EXT at LBA 2^32: IDNF", al, IDNF
        ; LBA28 at the first sector past the end (when LBA28 reaches it)
        cmp byte [big], 0
        je .lba28end
        INFO "ide disk beyond LBA28: no LBA28 address past its end"
        jmp .nop
.lba28end:
        mov ax, [total]
        mov dx, [total+2]
        mov cl, 1
        mov bl, 20h
        call issue28
        call wait_ready
        and al, ERR | DRQ
        CHECK8 "ide READ SECTORS at LBA = capacity: ERR, no DRQ", al, ERR
        INB ERROR
        and al, IDNF
        CHECK8 "ide READ SECTORS at LBA = capacity: IDNF", al, IDNF
        ; NOP (00h) is always aborted; so is a reserved opcode
.nop:   call wait_ready
        OUTB FEATURES, 0
        CMD 00h
        call wait_ready
        and al, BSY | DRDY | DRQ | ERR
        CHECK8 "ide NOP status: DRDY ERR", al, DRDY | ERR
        INB ERROR
        and al, ABRT
        CHECK8 "ide NOP error ABRT", al, ABRT
        call wait_ready
        CMD 0FEh
        call wait_ready
        and al, ERR | DRQ
        CHECK8 "ide unsupported command FEh: ERR", al, ERR
        INB ERROR
        and al, ABRT
        CHECK8 "ide unsupported command FEh: ABRT", al, ABRT

; --- software reset ----------------------------------------------------------------
        OUTB COUNT, 55h                 ; scribble on the task file first
        OUTB LBA0, 66h
        OUTB LBA1, 77h
        OUTB LBA2, 88h
        OUTB ALTST, NIEN | SRST
        mov cx, 100
.hold:  in al, dx                       ; >= 5 us with SRST set
        loop .hold
        OUTB ALTST, NIEN
        call wait_ready
        CHECKCC "ide software reset: BSY clears", nc
        and al, BSY | DRDY | DRQ | ERR
        CHECK8 "ide status after reset: DRDY", al, DRDY
        INB COUNT
        CHECK8 "ide signature after reset: sector count 01h", al, 1
        INB LBA0
        CHECK8 "ide signature after reset: LBA low 01h", al, 1
        INB LBA1
        CHECK8 "ide signature after reset: LBA mid 00h", al, 0
        INB LBA2
        CHECK8 "ide signature after reset: LBA high 00h", al, 0
        INB ERROR
        CHECK8 "ide diagnostic code after reset: 01h", al, 1
        INB DEVICE
        and al, 10h
        CHECK8 "ide device 0 selected after reset", al, 0

; --- interrupts through the slave PIC ------------------------------------------------
        cli
        mov ax, [76h*4]
        mov [old76], ax
        mov ax, [76h*4+2]
        mov [old76+2], ax
        mov word [76h*4], irq14
        mov word [76h*4+2], 0
        in al, 0A1h
        mov [oldmask2], al
        and al, ~40h
        out 0A1h, al
        in al, 21h
        mov [oldmask1], al
        and al, ~04h
        out 21h, al
        sti
        call wait_ready
        OUTB DEVICE, 0A0h
        OUTB ALTST, 0                   ; nIEN = 0: INTRQ enabled
        mov word [irqs], 0

        ; READ SECTORS: one interrupt per sector, before its data
        mov ax, 900
        xor dx, dx
        mov cl, 3
        mov bl, 20h
        call issue28
        mov di, buf
        mov bx, 1
.rd:    call wait_irq
        jc .rdout
        mov dx, DATA
        mov cx, 256
.rw:    in ax, dx
        stosw
        loop .rw
        inc bx
        cmp bx, 3
        jbe .rd
.rdout: call settle
        CHECK16 "ide READ SECTORS 3: 3 IRQ 14", [irqs], 3
        mov ax, 900
        xor dx, dx
        mov cx, 3
        mov bl, 'H'
        call verify_run
        CHECKCC "ide READ SECTORS with interrupts: data", e

        ; WRITE SECTORS: no interrupt before the first sector, one after each
        mov word [irqs], 0
        mov ax, 1000
        xor dx, dx
        mov cx, 2
        mov bl, 'Q'
        call fill_run
        mov ax, 1000
        xor dx, dx
        mov cl, 2
        mov bl, 30h
        call issue28
        call wait_drq_alt
        mov si, buf
        mov dx, DATA
        mov cx, 256
.w1:    lodsw
        out dx, ax
        loop .w1
        mov bx, 1
        call wait_irq
        mov dx, DATA
        mov cx, 256
.w2:    lodsw
        out dx, ax
        loop .w2
        mov bx, 2
        call wait_irq
        call settle
        CHECK16 "ide WRITE SECTORS 2: 2 IRQ 14", [irqs], 2

        ; READ MULTIPLE (blocks of 2): one interrupt per block. The
        ; multiple count is set again: what a reset does to it is not
        ; what this part checks.
        OUTB ALTST, NIEN
        call wait_ready
        OUTB COUNT, 2
        CMD 0C6h
        call wait_ready
        OUTB ALTST, 0
        mov word [irqs], 0
        mov ax, 500
        xor dx, dx
        mov cl, 5
        mov bl, 0C4h
        call issue28
        mov di, buf
        mov bx, 1
.rm:    call wait_irq
        jc .rmout
        mov cx, 512
        cmp bx, 3
        jne .rmb
        mov cx, 256
.rmb:   mov dx, DATA
.rmw:   in ax, dx
        stosw
        loop .rmw
        inc bx
        cmp bx, 3
        jbe .rm
.rmout: call settle
        CHECK16 "ide READ MULTIPLE 5 (blocks of 2): 3 IRQ 14", [irqs], 3
        mov ax, 500
        xor dx, dx
        mov cx, 5
        mov bl, 'H'
        call verify_run
        CHECKCC "ide READ MULTIPLE with interrupts: data", e

        ; an aborted command interrupts too
        mov word [irqs], 0
        call wait_ready_alt
        CMD 00h
        mov bx, 1
        call wait_irq
        call settle
        CHECK16 "ide NOP (aborted): 1 IRQ 14", [irqs], 1

        ; nIEN = 1: no interrupts
        OUTB ALTST, NIEN
        mov word [irqs], 0
        mov ax, 300
        xor dx, dx
        mov cl, 2
        mov bl, 20h
        call issue28
        mov cx, 2
        mov di, buf
        call read_pio
        call settle
        CHECK16 "ide READ SECTORS 2 with nIEN=1: no IRQ 14", [irqs], 0

        cli
        mov al, [oldmask2]
        out 0A1h, al
        mov al, [oldmask1]
        out 21h, al
        mov ax, [old76]
        mov [76h*4], ax
        mov ax, [old76+2]
        mov [76h*4+2], ax
        sti
        jmp finish

FEATURES equ ERROR

; irq14: count, acknowledge the drive (read STATUS), EOI to both PICs.
irq14:
        push ax
        push dx
        inc word [cs:irqs]
        mov dx, STATUS
        in al, dx
        mov [cs:irqstatus], al
        mov al, 20h
        out 0A0h, al
        out 20h, al
        pop dx
        pop ax
        iret

; wait_irq: wait until [irqs] >= BX (CF=1 on timeout).
wait_irq:
        push cx
        push dx
        mov dx, 400                     ; bound: ~26M polls
.outer: mov cx, 0FFFFh
.inner: cmp [irqs], bx
        jae .ok
        loop .inner
        dec dx
        jnz .outer
        pop dx
        pop cx
        stc
        ret
.ok:    pop dx
        pop cx
        clc
        ret

; settle: give late interrupts time to arrive.
settle:
        push cx
        push dx
        mov dx, ALTST
        mov cx, 4000h
.l:     in al, dx
        loop .l
        pop dx
        pop cx
        ret

; delay400: four reads of the alternate status (>= 400 ns on the ISA bus).
delay400:
        push ax
        push dx
        mov dx, ALTST
        in al, dx
        in al, dx
        in al, dx
        in al, dx
        pop dx
        pop ax
        ret

; wait_ready: poll STATUS until BSY=0; AL = status, CF=1 on timeout.
wait_ready:
        push cx
        push bx
        mov dx, STATUS
        jmp wait_common
; wait_ready_alt: the same through the alternate status (keeps INTRQ).
wait_ready_alt:
        push cx
        push bx
        mov dx, ALTST
wait_common:
        mov bx, 400                     ; bound: ~26M polls
.outer: mov cx, 0FFFFh
.inner: in al, dx
        test al, BSY
        jz .ok
        loop .inner
        dec bx
        jnz .outer
        pop bx
        pop cx
        stc
        ret
.ok:    pop bx
        pop cx
        clc
        ret

; wait_drq_alt: wait for BSY=0 and DRQ=1 through the alternate status.
wait_drq_alt:
        call wait_ready_alt
        jc .out
        test al, DRQ
        jnz .out
        stc
.out:   ret

; identify: IDENTIFY DEVICE into id; CF=1 when it did not deliver data.
identify:
        call wait_ready
        OUTB DEVICE, 0A0h
        CMD 0ECh
        mov cx, 1
        mov di, id
        jmp read_pio

; issue28: LBA28 command BL for CL sectors at LBA DX:AX.
issue28:
        push ax
        push dx
        push ax
        call wait_ready
        pop ax
        pop dx
        push dx
        push ax
        mov bh, dl                      ; LBA 23:16
        mov ch, dh                      ; LBA 27:24
        mov dx, COUNT
        mov al, cl
        out dx, al
        pop ax
        push ax
        mov dx, LBA0
        out dx, al
        mov dx, LBA1
        mov al, ah
        out dx, al
        mov dx, LBA2
        mov al, bh
        out dx, al
        mov dx, DEVICE
        mov al, ch
        and al, 0Fh
        or al, 0E0h
        out dx, al
        mov dx, STATUS
        mov al, bl
        out dx, al
        call delay400
        pop ax
        pop dx
        pop ax
        ret

; issue48: 48-bit command [cmd] for CX sectors at LBA BX:DX:AX.
issue48:
        push ax
        push dx
        call wait_ready
        pop dx
        pop ax
        mov [lba48], ax
        mov [lba48+2], dx
        mov [lba48+4], bx
        mov [cnt48], cx
        OUTB DEVICE, 40h
        OUTB COUNT, [cnt48+1]           ; previous content: high bytes
        OUTB LBA0, [lba48+3]
        OUTB LBA1, [lba48+4]
        OUTB LBA2, [lba48+5]
        OUTB COUNT, [cnt48]             ; current content: low bytes
        OUTB LBA0, [lba48]
        OUTB LBA1, [lba48+1]
        OUTB LBA2, [lba48+2]
        CMD [cmd]
        ret

; read_pio: read CX sectors (one DRQ block each) into ES:DI.
; CF=1 when the device reports an error or no data.
read_pio:
.next:  push cx
        call wait_ready
        pop cx
        jc .out
        test al, ERR
        jnz .bad
        test al, DRQ
        jz .bad
        push cx
        mov dx, DATA
        mov cx, 256
.w:     in ax, dx
        stosw
        loop .w
        pop cx
        loop .next
        clc
.out:   ret
.bad:   stc
        ret

; write_pio: write CX sectors from DS:SI as one DRQ block (WRITE SECTORS
; has one sector per block, WRITE MULTIPLE up to the multiple count), then
; wait for the device. CF=1 on error.
write_pio:
        push cx
        call wait_ready
        pop cx
        jc .out
        test al, ERR
        jnz .bad
        test al, DRQ
        jz .bad
        mov dx, DATA
.s:     push cx
        mov cx, 256
.w:     lodsw
        out dx, ax
        loop .w
        pop cx
        loop .s
        call delay400
        call wait_ready
        jc .out
        test al, ERR
        jnz .bad
        clc
.out:   ret
.bad:   stc
        ret

; read_multiple5: the data phase of a READ MULTIPLE of 5 sectors with a
; multiple count of 2: DRQ blocks of 2, 2 and 1 sectors into ES:DI.
read_multiple5:
        mov bx, 3
.blk:   call wait_ready
        jc .out
        test al, ERR
        jnz .bad
        test al, DRQ
        jz .bad
        mov cx, 512
        cmp bx, 1
        jne .r
        mov cx, 256
.r:     mov dx, DATA
.w:     in ax, dx
        stosw
        loop .w
        dec bx
        jnz .blk
        call wait_ready
        test al, DRQ | ERR
        jnz .bad
        clc
.out:   ret
.bad:   stc
        ret

clear_buf:
        push ax
        push cx
        push di
        mov di, buf
        mov cx, 5*512
        mov al, 0EEh
        rep stosb
        pop di
        pop cx
        pop ax
        ret

; fill_run: CX sectors of the pattern for LBA DX:AX.., tag BL, into buf.
fill_run:
        push ax
        push cx
        push dx
        push di
        mov di, buf
.n:     call fill_sector
        add ax, 1
        adc dx, 0
        add di, 512
        loop .n
        pop di
        pop dx
        pop cx
        pop ax
        ret

irqs:      dw 0                         ; in the code segment: the handler uses CS
irqstatus: db 0

        section .bss
total:    resd 1
cap28:    resd 1
big:      resb 1
          resb 1
cyls:     resw 1
heads:    resw 1
spt:      resw 1
tmp:      resb 1
cmd:      resb 1
cnt48:    resw 1
lba48:    resw 3
old76:    resd 1
oldmask1: resb 1
oldmask2: resb 1
dpt48:    resb 30
          alignb 16
id:       resb 512
buf:      resb 5*512
END_PROGRAM
