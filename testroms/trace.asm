; trace — a short program whose pcemu debug log (-d exec,int,ioport for
; its own code) is kept as a golden file, testdata/trace.log, which
; TestTraceGolden compares: it does one of each thing a log shows — a REP
; string instruction, CALL and RET, a far JMP, IN and OUT, INT n into a
; handler of its own with AH/AL set, a divide error into another — and
; checks that the handlers ran.
;
; Needs: this program as sector 0 of the first hard disk.

%define PROGRAM_NAME "trace"
%include "lib.inc"

main:
        cli
        mov word [60h*4], int60
        mov word [60h*4+2], 0
        mov word [0*4], int0
        mov word [0*4+2], 0
        sti
        ; a string move of five bytes
        mov si, src
        mov di, buf
        mov cx, 5
        rep movsb
        ; a near call, a far jump
        call twice
        jmp 0:.far
.far:
        ; the master PIC's mask register, read and written back
        in al, 21h
        mov bl, al
        out 21h, al
        ; INT 60h with AX = 1234h
        mov ax, 1234h
        int 60h
        ; DIV by zero: the handler resumes at .after (on every model,
        ; whatever return address it was given)
        xor cx, cx
        mov ax, 10
.div:   div cl
.after:
        CHECK16 "int 60h saw AX", [seen60], 1234h
        CHECK8 "divide error", [seen0], 1
        CHECK8 "rep movsb", [buf+4], 'e'
        CHECK16 "call", dx, 2*21
        jmp finish

twice:
        mov dx, 21
        shl dx, 1
        ret

int60:
        mov [cs:seen60], ax
        iret

int0:
        push bp
        mov bp, sp
        mov byte [cs:seen0], 1
        mov word [bp+2], main.after     ; the return IP
        pop bp
        iret

src:    db "abcde"
seen60: dw 0
seen0:  db 0

        section .bss
buf:    resb 5
END_PROGRAM
