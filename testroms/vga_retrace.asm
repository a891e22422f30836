; vga_retrace — the VGA's status and index registers as programs use them
; (IBM VGA Technical Reference, "Input Status Register One", "Attribute
; Controller", "Video DAC"; FreeVGA "External Registers", "DAC
; Operation"):
;   - input status 1 (3DAh): vertical retraces counted for one second of
;     BIOS ticks match the mode's frame rate (mode 3: 449 lines of 31.8 us,
;     70 Hz; mode 12h: 525 lines, 60 Hz); the display-disable bit stays set
;     through a retrace and goes on and off once per scan line while the
;     picture is drawn;
;   - reading 3DAh puts the attribute controller's flip-flop back to
;     "index", and 3C0h then alternates index and data;
;   - the DAC: write index, three values, read index, three values read
;     back; 3C7h's state; 3C8h's index after an entry; the PEL mask;
;   - the CRTC's write protect (CR11h bit 7) over CR00h-CR07h, except the
;     line compare bit CR07h bit 4; the misc output register read at 3CCh.
;
; Needs: this program as sector 0 of the first hard disk.

%define PROGRAM_NAME "vga_retrace"
%include "lib.inc"
%include "vga.inc"

main:
        INFO "vga_retrace: status register timing, flip-flop, DAC, CRTC protect"
        mov ax, 0003h
        int 10h
        call count_retraces
        mov [count], ax
        mov si, str_ret3
        call info_count
        cmp word [count], 64
        CHECKCC "mode 3: at least 64 retraces in 18 ticks (70 Hz)", ae
        cmp word [count], 74
        CHECKCC "mode 3: at most 74 retraces in 18 ticks", be

        ; The display-disable bit through a retrace, and per line.
        call wait_vretrace
        mov dx, 3DAh
        mov cx, 0
.inret: in al, dx
        test al, 08h
        jz .after
        test al, 01h
        jnz .inret
        inc cx                          ; bit 0 clear inside a retrace
        jmp .inret
.after: CHECK16 "display-disable set throughout the retrace", cx, 0
        ; Lines: 0-to-1 edges of bit 0 until the next retrace.
        xor cx, cx
        mov ah, 1
.line:  in al, dx
        test al, 08h
        jnz .lines_done
        and al, 01h
        cmp al, ah
        je .line
        mov ah, al
        test al, al
        jz .line
        inc cx
        jmp .line
.lines_done:
        mov [count], cx
        mov si, str_pulses
        call info_count
        cmp word [count], 400
        CHECKCC "mode 3: at least 400 line pulses per frame (400 lines)", ae
        cmp word [count], 449
        CHECKCC "mode 3: at most 449 line pulses per frame (449 lines)", be

        mov ax, 0012h
        int 10h
        call count_retraces
        mov [count], ax
        mov si, str_ret12
        call info_count
        cmp word [count], 55
        CHECKCC "mode 12h: at least 55 retraces in 18 ticks (60 Hz)", ae
        cmp word [count], 63
        CHECKCC "mode 12h: at most 63 retraces in 18 ticks", be

        ; The attribute flip-flop, seen through the data register 3C1h.
        mov ax, 0003h
        int 10h
        mov dx, 3DAh
        in al, dx
        mov dx, 3C0h
        mov al, 31h                     ; index 11h: the flip-flop now expects data
        out dx, al
        mov dx, 3DAh
        in al, dx                       ; back to "index"
        mov dx, 3C0h
        mov al, 32h                     ; so this is index 12h, not 11h's data
        out dx, al
        inc dx
        in al, dx
        CHECK8 "3DAh read resets the flip-flop: 32h was an index (AR12h = 0Fh)", al, 0Fh
        dec dx
        mov al, 0Fh                     ; AR12h's data (unchanged)
        out dx, al
        mov al, 31h                     ; the write after data is an index
        out dx, al
        mov al, 05h                     ; and the next one its data
        out dx, al
        mov al, 31h
        out dx, al
        inc dx
        in al, dx
        CHECK8 "3C0h alternates index and data: AR11h = 05h", al, 05h
        dec dx
        xor al, al
        out dx, al                      ; AR11h back to 0
        mov dx, 3DAh
        in al, dx
        mov dx, 3C0h
        mov al, 20h
        out dx, al

        ; The DAC.
        mov dx, 3C8h
        mov al, 10h
        out dx, al
        inc dx
        mov al, 3Fh
        out dx, al
        mov al, 15h
        out dx, al
        mov al, 2Ah
        out dx, al
        mov dx, 3C7h
        in al, dx
        and al, 3
        CHECK8 "3C7h state after a write index: 00b", al, 0
        mov dx, 3C8h
        in al, dx
        CHECK8 "3C8h: the write index moved to the next entry", al, 11h
        mov dx, 3C7h
        mov al, 10h
        out dx, al
        in al, dx
        and al, 3
        CHECK8 "3C7h state after a read index: 11b", al, 3
        mov dx, 3C9h
        in al, dx
        mov bl, al
        in al, dx
        mov bh, al
        in al, dx
        CHECK8 "DAC entry 10h red", bl, 3Fh
        CHECK8 "DAC entry 10h green", bh, 15h
        CHECK8 "DAC entry 10h blue", al, 2Ah
        mov dx, 3C6h
        mov al, 0F0h
        out dx, al
        in al, dx
        CHECK8 "PEL mask reads back", al, 0F0h
        mov al, 0FFh
        out dx, al

        ; CRTC write protect.
        CRTCGET 11h
        or al, 80h
        mov ah, al
        CRTCSET 11h, ah
        CRTCSET 01h, 27h                ; protected: stays 4Fh
        CRTCGET 01h
        CHECK8 "CR01h is write-protected by CR11h bit 7", al, 4Fh
        CRTCGET 07h
        xor al, 10h
        mov bl, al
        CRTCSET 07h, bl                 ; only bit 4 may change
        CRTCGET 07h
        CHECK8 "CR07h bit 4 (line compare) writable under protect", al, bl
        xor al, 10h
        mov bl, al
        CRTCSET 07h, bl
        CRTCGET 11h
        and al, 7Fh
        mov ah, al
        CRTCSET 11h, ah
        mov dx, 3CCh
        in al, dx
        CHECK8 "misc output reads 67h at 3CCh in mode 3", al, 67h
        jmp finish

; info_count: "INFO <string at SI> <count>".
info_count:
        push si
        push ax
        mov si, str_info
        call puts
        pop ax
        pop si
        call puts
        mov ax, [count]
        call putdec
        call newline
        ret

str_info:   db "INFO ", 0
str_ret3:   db "mode 3: vertical retraces in 18 ticks: ", 0
str_ret12:  db "mode 12h: vertical retraces in 18 ticks: ", 0
str_pulses: db "mode 3: display-disable pulses in one frame: ", 0

; count_retraces: AX = vertical retrace starts seen during 18 BIOS ticks.
count_retraces:
        push bx
        push cx
        push dx
        push ds
        xor ax, ax
        mov ds, ax
        sti
        mov bx, [046Ch]
.sync:  cmp bx, [046Ch]                 ; start on a tick
        je .sync
        mov bx, [046Ch]
        add bx, 18
        xor cx, cx
        mov dx, 3DAh
        mov ah, 0
.poll:  in al, dx
        and al, 08h
        cmp al, ah
        je .same
        mov ah, al
        test al, al
        jz .same
        inc cx
.same:  cmp bx, [046Ch]
        jne .poll
        mov ax, cx
        pop ds
        pop dx
        pop cx
        pop bx
        ret

        section .bss
count:  resw 1
        section .text

        END_PROGRAM
