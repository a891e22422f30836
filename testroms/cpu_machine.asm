; cpu_machine — processor behaviour that needs a whole PC: divide errors
; (INT 0 return address per model, Intel/RBIL: 8086 pushes the address of
; the next instruction, 80286+ of the divide instruction with its prefixes;
; the 80186 also of the divide instruction, as the classic 80186 test
; suite's INT 0 handler, which skips the instruction, shows),
; TF single-stepping (INT 1 after every instruction), hardware interrupts
; between iterations of REP MOVSB/STOSB (the return address is the string
; instruction's first prefix, CX counts what is left), HLT woken by IRQ 0,
; and the one-instruction interrupt shadow after STI.
;
; Needs: this program as sector 0 of the first hard disk; PIT and PIC.

%define PROGRAM_NAME "cpu_machine"
%include "lib.inc"

SRC     equ 1000h                       ; string test segments
DST     equ 2000h
LEN     equ 8000h

main:
        INFO "cpu_machine: divide errors, TF, REP with IRQs, HLT, STI"
        ; Which model? 80286+: PUSH SP pushes the old SP. 80186+: shift
        ; counts are masked to 5 bits.
        mov byte [model], 86
        mov ax, 1
        mov cl, 33
        shl ax, cl
        cmp ax, 2
        jne .m
        mov byte [model], 186
        push sp
        pop ax
        cmp ax, sp
        jne .m
        mov byte [model], 255           ; 286 or later
.m:     cmp byte [model], 86
        jne .m1
        INFO "cpu model: 8086/8088"
.m1:    cmp byte [model], 186
        jne .m2
        INFO "cpu model: 80186/80188"
.m2:    cmp byte [model], 255
        jne .m3
        INFO "cpu model: 80286 or later"
.m3:

; --- divide errors ------------------------------------------------------------
        cli
        mov word [0*4], int0
        mov word [0*4+2], 0
        sti

        ; DIV by zero
        mov word [de_resume], .r1
        mov word [de_count], 0
        mov ax, 1234h
        mov dx, 5678h
        xor bx, bx
.d1:    div bx
.d1n:   nop
.r1:    mov [ax_after], ax
        mov [dx_after], dx
        CHECK16 "div by zero raises INT 0 once", [de_count], 1
        mov ax, .d1n
        cmp byte [model], 86
        je .e1
        mov ax, .d1
.e1:    CHECK16 "div by zero: INT 0 return address for this model", [de_ip], ax
        cmp byte [model], 255
        jne .e1b
        CHECK16 "div by zero: AX unchanged (286+)", [ax_after], 1234h
        CHECK16 "div by zero: DX unchanged (286+)", [dx_after], 5678h
.e1b:
        ; byte DIV whose quotient does not fit in AL
        mov word [de_resume], .r2
        mov word [de_count], 0
        mov ax, 1000h
        mov bl, 2
.d2:    div bl
.d2n:   nop
.r2:    CHECK16 "div quotient overflow raises INT 0", [de_count], 1
        mov ax, .d2n
        cmp byte [model], 86
        je .e2
        mov ax, .d2
.e2:    CHECK16 "div overflow: INT 0 return address", [de_ip], ax
        ; with a segment prefix: 286+ return to the prefix
        mov word [de_resume], .r3
        mov word [de_count], 0
        mov word [zero], 0
        mov bx, zero
        mov ax, 1
        xor dx, dx
.d3:    es div word [bx]
.d3n:   nop
.r3:    CHECK16 "es: div [mem] by zero raises INT 0", [de_count], 1
        mov ax, .d3n
        cmp byte [model], 86
        je .e3
        mov ax, .d3
        cmp byte [model], 186           ; the 80186 with a prefix is not
        jne .e3                         ; documented: the prefix or the DIV
        cmp word [de_ip], .d3 + 1
        jne .e3
        mov ax, .d3 + 1
.e3:    CHECK16 "es: div: INT 0 return address (286+: the prefix)", [de_ip], ax
        ; IDIV -32768 / -1 overflows everywhere
        mov word [de_resume], .r4
        mov word [de_count], 0
        mov ax, 8000h
        mov dx, 0FFFFh
        mov bx, 0FFFFh
        idiv bx
.r4:    CHECK16 "idiv -32768/-1 raises INT 0", [de_count], 1
        ; IDIV with quotient -128: an error on the 8086 only (RBIL INT 00)
        mov word [de_resume], .r5
        mov word [de_count], 0
        mov ax, 0FF00h                  ; -256
        mov bl, 2
        idiv bl
.r5:    mov cx, 0
        cmp byte [model], 86
        jne .e5
        mov cx, 1
.e5:    CHECK16 "idiv byte quotient -128: INT 0 only on the 8086", [de_count], cx
        cmp byte [model], 86
        je .e5b
        CHECK16 "idiv -256/2 = -128 in AL, 0 in AH", ax, 0080h
.e5b:

; --- single step -------------------------------------------------------------------
        cli
        mov word [1*4], int1
        mov word [1*4+2], 0
        sti
        mov word [ss_count], 0
        mov word [ss_tf], 0
        pushf
        pop ax
        or ax, 0100h
        push ax
        xor bx, bx
        popf                            ; TF=1: the first trap follows the next instruction
        nop                             ; 1
        mov cx, 3                       ; 2
.l:     inc bx                          ; 3, 5, 7
        loop .l                         ; 4, 6, 8
        nop                             ; 9: returns to ..@ss_stop, where the handler clears TF
..@ss_stop:
        nop
        nop
        pushf
        pop ax
        and ax, 0100h
        CHECK16 "TF clear after the handler cleared it", ax, 0
        CHECK16 "TF: one INT 1 after each of 9 instructions", [ss_count], 9
        CHECK16 "TF: INT 1 handler runs with TF clear", [ss_tf], 0
        CHECK16 "TF: the stepped loop ran 3 times", bx, 3

; --- the timer at about 12 kHz -------------------------------------------------------
        cli
        mov ax, [8*4]
        mov [old8], ax
        mov ax, [8*4+2]
        mov [old8+2], ax
        mov word [8*4], irq0
        mov word [8*4+2], 0
        in al, 21h
        mov [oldmask], al
        and al, 0FEh
        out 21h, al
        mov al, 34h                     ; channel 0, lo/hi, mode 2
        out 43h, al
        mov al, 100
        out 40h, al
        xor al, al
        out 40h, al
        sti

        ; HLT waits for the next interrupt and returns after itself
        mov word [ticks], 0
        sti
        hlt
.hltn:  mov ax, [irq_ip]
        cmp word [ticks], 0
        CHECKCC "HLT is ended by IRQ 0", ne
        CHECK16 "HLT: IRQ 0 returns to the instruction after HLT", ax, .hltn

        ; STI: interrupts are recognised after the next instruction
        cli
        mov word [ticks], 0
        mov cx, 0FFFFh                  ; wait until IRQ 0 is pending (IRR bit 0)
.spin:  mov al, 0Ah                     ; OCW3: read IRR
        out 20h, al
        in al, 20h
        test al, 1
        loopz .spin
        sti
        nop
.stin:  nop
        cli
        cmp word [ticks], 0
        CHECKCC "IRQ 0 pending during CLI is taken after STI", ne
        CHECK16 "STI shadow: the interrupt comes after the next instruction", [irq_ip], .stin
        sti

        ; REP MOVSB, interrupted
        mov ax, SRC
        mov es, ax
        xor di, di
        mov cx, LEN/2
        xor ax, ax
.pat:   stosw
        add ax, 3F1h
        loop .pat
        mov word [mid_hits], 0
        mov word [round], 0
.copy:  mov ax, SRC
        mov ds, ax
        mov ax, DST
        mov es, ax
        xor si, si
        xor di, di
        mov cx, LEN
        mov word [cs:rep_target], ..@rep_movs
..@rep_movs:
        rep movsb
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov [cx_after], cx
        mov [si_after], si
        mov [di_after], di
        cmp word [mid_hits], 0
        jne .copied
        inc word [round]
        cmp word [round], 200
        jb .copy
.copied:
        cmp word [mid_hits], 0
        CHECKCC "REP MOVSB interrupted by IRQ 0 between iterations", ne
        mov ax, [mid_cx]
        dec ax
        cmp ax, LEN - 1
        CHECKCC "REP MOVSB: interrupted with 0 < CX < length", b
        CHECK16 "REP MOVSB: CX = 0 at the end", [cx_after], 0
        CHECK16 "REP MOVSB: SI at the end", [si_after], LEN
        CHECK16 "REP MOVSB: DI at the end", [di_after], LEN
        call compare
        CHECKCC "REP MOVSB: destination equals source", e

        ; REP STOSB, interrupted
        mov word [mid_hits], 0
        mov word [round], 0
.fill:  mov ax, DST
        mov es, ax
        xor di, di
        mov cx, LEN
        mov al, [round]
        mov word [rep_target], ..@rep_stos
..@rep_stos:
        rep stosb
        xor ax, ax
        mov es, ax
        mov [cx_after], cx
        mov [di_after], di
        cmp word [mid_hits], 0
        jne .filled
        inc word [round]
        cmp word [round], 200
        jb .fill
.filled:
        cmp word [mid_hits], 0
        CHECKCC "REP STOSB interrupted by IRQ 0 between iterations", ne
        CHECK16 "REP STOSB: CX = 0 at the end", [cx_after], 0
        CHECK16 "REP STOSB: DI at the end", [di_after], LEN
        mov ax, DST
        mov es, ax
        xor di, di
        mov cx, LEN
        mov al, [round]
        repe scasb
        mov ax, 0
        mov es, ax
        CHECKCC "REP STOSB: every byte written", e

        ; two prefixes (ES: REP MOVSB): the 286 resumes at the first one
        cmp byte [model], 255
        jne .noseg
        mov word [mid_hits], 0
        mov word [round], 0
.copy2: mov ax, 3000h                   ; DS points elsewhere: ES: must stay
        mov ds, ax
        mov ax, SRC
        mov es, ax
        xor si, si
        mov di, LEN                     ; copy 1000:0000 -> 1000:8000
        mov cx, LEN
        mov word [cs:rep_target], ..@rep_seg
..@rep_seg:
        db 26h, 0F3h, 0A4h              ; es rep movsb
        xor ax, ax
        mov ds, ax
        mov es, ax
        cmp word [mid_hits], 0
        jne .copied2
        inc word [round]
        cmp word [round], 200
        jb .copy2
.copied2:
        cmp word [mid_hits], 0
        CHECKCC "ES: REP MOVSB interrupted between iterations", ne
        push ds
        mov ax, SRC
        mov ds, ax
        mov es, ax
        xor si, si
        mov di, LEN
        mov cx, LEN/2
        repe cmpsw
        pop ds
        mov ax, 0
        mov es, ax
        CHECKCC "ES: REP MOVSB resumed with both prefixes (286+)", e
.noseg:

        ; restore the BIOS timer
        cli
        mov al, 36h                     ; channel 0, lo/hi, mode 3, 65536
        out 43h, al
        xor al, al
        out 40h, al
        out 40h, al
        mov ax, [old8]
        mov [8*4], ax
        mov ax, [old8+2]
        mov [8*4+2], ax
        mov al, [oldmask]
        out 21h, al
        sti
        jmp finish

; compare: SRC:0 and DST:0 hold the same LEN bytes (ZF=1).
compare:
        push ds
        push es
        mov ax, SRC
        mov ds, ax
        mov ax, DST
        mov es, ax
        xor si, si
        xor di, di
        mov cx, LEN/2
        repe cmpsw
        pop es
        pop ds
        ret

; int0: record the return address, resume at [de_resume].
int0:
        push bp
        mov bp, sp
        push bx
        mov bx, [bp+2]
        mov [cs:de_ip], bx
        inc word [cs:de_count]
        mov bx, [cs:de_resume]
        mov [bp+2], bx
        pop bx
        pop bp
        iret

; int1: count traps; clear TF in the interrupted FLAGS at ..@ss_stop.
int1:
        push bp
        mov bp, sp
        push ax
        inc word [cs:ss_count]
        pushf
        pop ax
        and ax, 0100h
        or [cs:ss_tf], ax
        cmp word [bp+2], ..@ss_stop
        jne .go
        and word [bp+6], 0FEFFh
.go:    pop ax
        pop bp
        iret

; irq0: count; note where it interrupted and, inside the REP instruction
; under test, the CX left.
irq0:
        push bp
        mov bp, sp
        push ax
        inc word [cs:ticks]
        mov ax, [bp+2]
        mov [cs:irq_ip], ax
        cmp ax, [cs:rep_target]
        jne .eoi
        jcxz .eoi
        mov [cs:mid_cx], cx
        inc word [cs:mid_hits]
.eoi:   mov al, 20h
        out 20h, al
        pop ax
        pop bp
        iret

; Variables the handlers use (addressed through CS = 0).
de_ip:      dw 0
de_count:   dw 0
de_resume:  dw 0
ss_count:   dw 0
ss_tf:      dw 0
ticks:      dw 0
irq_ip:     dw 0
rep_target: dw 0
mid_cx:     dw 0
mid_hits:   dw 0

        section .bss
model:    resb 1
oldmask:  resb 1
zero:     resw 1
ax_after: resw 1
dx_after: resw 1
cx_after: resw 1
si_after: resw 1
di_after: resw 1
round:    resw 1
old8:     resd 1
END_PROGRAM
