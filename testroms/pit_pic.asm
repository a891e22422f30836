; pit_pic — the 8254 timer and the 8259A interrupt controllers, checked
; against their datasheets (Intel 8254 Programmable Interval Timer, Intel
; 8259A Programmable Interrupt Controller) and the PC/AT wiring: channel 0
; on IRQ 0 at 1193182/65536 Hz after POST, channel 2 gated by port 61h bit 0
; with its output on port 61h bit 5, reprogramming channel 0, counter latch
; and read-back status, IMR read-back, masking (IRR still latches a masked
; request, delivered after unmasking), ISR/IRR reads through OCW3, specific
; and non-specific EOI.
;
; Needs: this program as sector 0 of the first hard disk.

%define PROGRAM_NAME "pit_pic"
%include "lib.inc"

main:
        INFO "pit_pic: 8254 channels 0 and 2, 8259A master"
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
        sti

; --- IMR read-back ------------------------------------------------------------
        cli
        in al, 21h
        mov bl, al
        mov al, 0B8h
        out 21h, al
        in al, 21h
        mov bh, al
        mov al, bl
        out 21h, al
        in al, 0A1h
        mov bl, al
        mov al, 5Ah
        out 0A1h, al
        in al, 0A1h
        xchg al, bl
        out 0A1h, al
        sti
        CHECK8 "8259A master IMR reads back (port 21h)", bh, 0B8h
        CHECK8 "8259A slave IMR reads back (port A1h)", bl, 5Ah

; --- channel 0 after POST: period 65536 -------------------------------------------
        mov word [ticks], 0
        mov cx, 10
        call ch2_periods                ; 10 x 65535 clocks
        mov ax, [ticks]
        mov [t0], ax
        cmp ax, 9
        jb .r1
        cmp ax, 11
        ja .r1
        cmp ax, ax
.r1:    CHECKCC "PIT channel 0 after POST: 10 IRQ 0 in 10 x 65535 clocks (+-1)", e
        call print_ticks
        ; read-back status of channel 0 (mode 3 after POST, lo/hi)
        mov al, 0E2h                    ; read-back: status only, channel 0
        out 43h, al
        in al, 40h
        and al, 3Fh
        mov ah, al
        and ah, 0Eh
        and ah, 06h                     ; mode 2 (x10) or 3 (x11): periodic
        cmp ah, 04h
.mode3: CHECKCC "PIT read-back status: channel 0 in a periodic mode (2 or 3) after POST", ae
        and al, 30h
        CHECK8 "PIT read-back status: channel 0 lo/hi access", al, 30h

; --- reprogram channel 0: mode 2, count 8192 ------------------------------------
        cli
        mov al, 34h
        out 43h, al
        xor al, al
        out 40h, al
        mov al, 20h                     ; 2000h
        out 40h, al
        sti
        mov word [ticks], 0
        mov cx, 10
        call ch2_periods                ; 655350 clocks = 80 periods of 8192
        mov ax, [ticks]
        mov [t0], ax
        cmp ax, 79
        jb .r2
        cmp ax, 81
        ja .r2
        cmp ax, ax
.r2:    CHECKCC "PIT channel 0 count 8192: 80 IRQ 0 in 10 x 65535 clocks (+-1)", e
        call print_ticks
        mov al, 0E2h
        out 43h, al
        in al, 40h
        and al, 3Fh
        CHECK8 "PIT read-back status after 34h: lo/hi, mode 2, binary", al, 34h
        mov al, 00h                     ; counter latch, channel 0
        out 43h, al
        in al, 40h
        mov ah, al
        in al, 40h
        xchg al, ah
        dec ax
        cmp ax, 2000h
        CHECKCC "PIT latched channel 0 count within 1..8192", b

; --- channel 2 gate (port 61h bit 0) ------------------------------------------------
        in al, 61h
        and al, 0FCh                    ; gate off, speaker off
        out 61h, al
        mov al, 0B0h                    ; channel 2, lo/hi, mode 0
        out 43h, al
        mov al, 00h
        out 42h, al
        mov al, 10h                     ; 1000h
        out 42h, al
        call short_delay
        call latch2
        mov bx, ax
        call short_delay
        call latch2
        CHECK16 "PIT channel 2 holds its count with the gate low", ax, bx
        in al, 61h
        or al, 01h
        out 61h, al
        call short_delay
        call latch2
        cmp ax, bx
        CHECKCC "PIT channel 2 counts with the gate high", b

; --- masking and IRR ---------------------------------------------------------------
        cli
        in al, 21h
        or al, 01h
        out 21h, al
        sti
        mov word [ticks], 0
        mov cx, 1
        call ch2_periods                ; about 8 channel-0 periods
        CHECK16 "8259A masked IRQ 0 is not delivered", [ticks], 0
        mov al, 0Ah                     ; OCW3: read IRR
        out 20h, al
        in al, 20h
        and al, 1
        CHECK8 "8259A IRR bit 0 set for the masked request", al, 1
        cli
        in al, 21h
        and al, 0FEh
        out 21h, al
        sti
        nop
        nop
        cmp word [ticks], 0
        CHECKCC "8259A IRQ 0 delivered right after unmasking", ne

; --- ISR and EOI -------------------------------------------------------------------
        mov byte [noeoi], 1
        mov word [ticks], 0
        call wait_tick
        mov al, [isr_in]
        and al, 1
        CHECK8 "8259A ISR bit 0 set inside the IRQ 0 handler", al, 1
        mov cx, 1
        call ch2_periods
        CHECK16 "8259A no second IRQ 0 while its ISR bit is set", [ticks], 1
        call read_isr
        CHECK8 "8259A ISR bit 0 still set without EOI", al, 1
        ; With interrupts off while looking: a pending IRQ 0 would
        ; otherwise be taken at once and set the ISR bit again.
        cli
        mov al, 61h                     ; specific EOI for IRQ 1: not ours
        out 20h, al
        call read_isr
        CHECK8 "8259A specific EOI for IRQ 1 leaves ISR bit 0", al, 1
        mov al, 60h                     ; specific EOI for IRQ 0
        out 20h, al
        call read_isr
        CHECK8 "8259A specific EOI 60h clears ISR bit 0", al, 0
        sti
        call wait_tick2
        cmp word [ticks], 2
        CHECKCC "8259A IRQ 0 delivered again after the EOI", ae
        ; the handler did not EOI the second one either: non-specific EOI
        call read_isr
        CHECK8 "8259A ISR bit 0 set for the second IRQ 0", al, 1
        cli
        mov al, 20h
        out 20h, al
        call read_isr
        CHECK8 "8259A non-specific EOI clears ISR bit 0", al, 0
        mov byte [noeoi], 0
        sti

        ; restore: channel 0 mode 3 count 65536, the BIOS handler, IRR reads
        cli
        mov al, 36h
        out 43h, al
        xor al, al
        out 40h, al
        out 40h, al
        mov al, 0Ah
        out 20h, al
        mov ax, [old8]
        mov [8*4], ax
        mov ax, [old8+2]
        mov [8*4+2], ax
        mov al, [oldmask]
        out 21h, al
        sti
        jmp finish

print_ticks:
        mov si, str_ticks
        call puts
        mov ax, [t0]
        call putdec
        call newline
        ret
str_ticks: db "INFO IRQ 0 count: ", 0

; read_isr: AL = ISR bit 0 of the master PIC (OCW3 0Bh).
read_isr:
        mov al, 0Bh
        out 20h, al
        in al, 20h
        and al, 1
        ret

; wait_tick / wait_tick2: wait until [ticks] >= 1 / 2 (bounded).
wait_tick:
        mov bx, 1
        jmp wait_ticks
wait_tick2:
        mov bx, 2
wait_ticks:
        mov cx, 4
.p:     cmp [ticks], bx
        jae .ok
        push cx
        mov cx, 1
        call ch2_periods
        pop cx
        loop .p
.ok:    ret

; ch2_periods: let CX periods of 65535 PIT clocks pass, timed by channel 2
; in mode 0 (OUT2, port 61h bit 5, goes high at terminal count).
ch2_periods:
        push ax
        push bx
        push cx
        push dx
.one:   in al, 61h
        and al, 0FCh
        or al, 01h                      ; gate on, speaker off
        out 61h, al
        mov al, 0B0h                    ; channel 2, lo/hi, mode 0
        out 43h, al
        mov al, 0FFh
        out 42h, al
        out 42h, al
        mov dx, 200                     ; bound: the machine may not work
.outer: mov bx, 0FFFFh
.wait:  in al, 61h
        test al, 20h
        jnz .done
        dec bx
        jnz .wait
        dec dx
        jnz .outer
        jmp .fail
.done:  loop .one
        pop dx
        pop cx
        pop bx
        pop ax
        ret
.fail:  mov si, str_ch2
        call puts
        pop dx
        pop cx
        pop bx
        pop ax
        ret
str_ch2: db "INFO channel 2 output never went high (port 61h bit 5)", 10, 0

; latch2: AX = latched count of channel 2.
latch2:
        mov al, 80h
        out 43h, al
        in al, 42h
        mov ah, al
        in al, 42h
        xchg al, ah
        ret

short_delay:
        push cx
        mov cx, 2000
.l:     in al, 61h
        loop .l
        pop cx
        ret

; irq0: count; note the ISR inside; EOI unless noeoi.
irq0:
        push ax
        inc word [cs:ticks]
        mov al, 0Bh
        out 20h, al
        in al, 20h
        mov [cs:isr_in], al
        mov al, 0Ah
        out 20h, al
        cmp byte [cs:noeoi], 0
        jne .out
        mov al, 20h
        out 20h, al
.out:   pop ax
        iret

ticks:  dw 0
isr_in: db 0
noeoi:  db 0

        section .bss
old8:    resd 1
oldmask: resb 1
t0:      resw 1
END_PROGRAM
