# gdb helpers for real-mode guests under pcemu (or QEMU).
#
#   pcemu -hda disk.vhd -s -S &
#   gdb -x docs/realmode.gdb
#
# At every stop it shows CS:IP with the physical address, the registers,
# the top of the stack (SS:SP) and the next instructions at CS:IP. gdb's own
# $pc is only the offset (IP): in real mode code lives at $cs*16+$eip,
# which is what `x/i`, `break *ADDR` and the commands below use.

set osabi none
set architecture i8086
set disassembly-flavor intel
set confirm off
target remote localhost:1234

define regs16
  printf "CS:IP %04X:%04X (%05X)   SS:SP %04X:%04X   FLAGS %04X", $cs, $eip, $cs*16+$eip, $ss, (unsigned)$esp, $eflags
  if $eflags & 0x001
    printf " CF"
  end
  if $eflags & 0x040
    printf " ZF"
  end
  if $eflags & 0x080
    printf " SF"
  end
  if $eflags & 0x200
    printf " IF"
  end
  if $eflags & 0x400
    printf " DF"
  end
  if $eflags & 0x800
    printf " OF"
  end
  printf "\n"
  printf "AX %04X  BX %04X  CX %04X  DX %04X  SI %04X  DI %04X  BP %04X  DS %04X  ES %04X\n", $eax, $ebx, $ecx, $edx, $esi, $edi, (unsigned)$ebp, $ds, $es
end
document regs16
Show the 16-bit registers, CS:IP with its physical address, and the flags set.
end

define stack16
  printf "stack at %04X:%04X:", $ss, (unsigned)$esp
  set $_i = 0
  while $_i < 8
    printf " %04X", *(unsigned short *)($ss*16 + (((unsigned)$esp + $_i*2) & 0xFFFF))
    set $_i = $_i + 1
  end
  printf "\n"
end
document stack16
Show the top eight words of the stack at SS:SP.
end

define code16
  x/5i $cs*16+$eip
end
document code16
Disassemble the next five instructions at CS:IP (physical address $cs*16+$eip).
end

define hook-stop
  regs16
  stack16
  code16
end

# Step over a CALL or INT in real mode: break after it and continue (gdb's
# own `nexti` compares IP alone, and knows nothing of segments).
define next16
  set $_next = $cs*16 + $eip
  set $_op = *(unsigned char *)$_next
  set $_len = 0
  if $_op == 0xE8
    set $_len = 3
  end
  if $_op == 0xCD
    set $_len = 2
  end
  if $_op == 0x9A
    set $_len = 5
  end
  if $_len == 0
    stepi
  else
    tbreak *($_next + $_len)
    continue
  end
end
document next16
Run to the instruction after a near CALL (E8h), a far CALL (9Ah) or an
INT n (CDh) at CS:IP; any other instruction is one stepi.
end
