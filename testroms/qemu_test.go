package testroms

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// qemuDeviations are the checks QEMU 7.2 with SeaBIOS fails because it
// departs from the standard the program checks against; any other FAIL
// under QEMU means the program itself is wrong.
var qemuDeviations = map[string][]string{
	// EDD 3.0: the block count returns the blocks transferred; SeaBIOS
	// leaves the caller's count when it rejects the request.
	"bios_disk": {"FAIL int13 42h block count after failed read:"},
	// SeaBIOS's INT 15h AH=86h under TCG waits longer than asked. Its
	// tick count, set at boot from the RTC, does not always tell the RTC's
	// time of day: measured at 22:42 UTC, INT 1Ah AH=00h gave 0:51 (54,000
	// ticks) while AH=02h gave 22:42, so the check passes or fails with the
	// hour the suite runs at. pcemu's POST starts the count at the CMOS
	// time of day (bios/post.go, setTicksFromRTC).
	"bios_misc": {"FAIL int15 86h 1 s wait lasts 17-20 ticks",
		"FAIL int1a 00h tick count agrees with the RTC time (+-1 min)"},
	"ide_ports": {
		"FAIL ide IDENTIFY word 255 signature A5h:",               // QEMU leaves word 255 zero
		"FAIL ide IDENTIFY word 255 checksum (bytes sum to 0):",   // so no checksum either
		"FAIL ide IDENTIFY word 59 = 0102h after SET MULTIPLE 2:", // QEMU caches IDENTIFY data
		"FAIL ide READ SECTORS EXT at LBA 2^32: IDNF:",            // QEMU reports ABRT, ATA says IDNF
		"FAIL ide READ SECTORS at LBA = capacity: IDNF:",
	},
	// QEMU's 8254 ignores GATE in mode 0 (the datasheet: GATE=0 disables counting).
	"pit_pic": {"FAIL PIT channel 2 holds its count with the gate low:"},
	// QEMU keeps odd/even data at plane offset A/2 (its text renderer reads
	// character k at offset k); on the IBM VGA the word-mode CRTC reads
	// character k at offset 2k (the memory address shifted left, FreeVGA
	// "CRTC Mode Control Register"), so the CPU's odd/even write keeps its
	// address with bit 0 clear: cell 1 is at offset 2.
	"vga_planes": {"FAIL odd/even cell 1 character:", "FAIL odd/even cell 1 attribute:"},
	// SeaBIOS's INT 10h AH=0Ch/0Dh ignore BH, the page, in the planar modes
	// (Ralf Brown's INT 10h AH=0Ch: BH = page number).
	"vga_scroll": {"FAIL int10 0Dh page 0 at the same place:", "FAIL the pixel is in page 1's memory (plane 1):"},
	// QEMU's VGA has no PEL mask register: 3C6h reads 0 whatever was
	// written, and no colour is masked (IBM VGA Technical Reference,
	// "PEL Mask Register").
	// Its input status 1 toggles the retrace and display bits at every read
	// (QEMU's default "dumb" retrace) instead of following the beam, so
	// frames and lines cannot be counted by polling it.
	"vga_retrace": {"FAIL PEL mask reads back:",
		"FAIL mode 3: at least 64 retraces", "FAIL mode 3: at most 74 retraces",
		"FAIL mode 3: at least 400 line pulses", "FAIL mode 3: at most 449 line pulses",
		"FAIL mode 12h: at least 55 retraces", "FAIL mode 12h: at most 63 retraces",
		"FAIL display-disable set throughout the retrace"},
}

// The programs themselves are cross-checked on an independent PC: under
// QEMU (SeaBIOS, IDE, 8254/8259) every check passes except the listed
// deviations of QEMU from the standards. Skipped when qemu-system-i386 is
// not installed (it is not among the suite's required packages).
func TestProgramsUnderQEMU(t *testing.T) {
	qemu, err := exec.LookPath("qemu-system-i386")
	if err != nil {
		t.Skip("qemu-system-i386 is not installed; the programs are not cross-checked")
	}
	if testing.Short() {
		t.Skip("cross-check under QEMU skipped with -short")
	}
	for _, p := range Programs {
		t.Run(p, func(t *testing.T) {
			prog, err := Binary(p)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			hd := filepath.Join(dir, p+".img")
			fd := filepath.Join(dir, p+"-floppy.img")
			out := filepath.Join(dir, "debugcon.txt")
			if err := WriteHardDisk(hd, prog); err != nil { // raw: the name is .img
				t.Fatal(err)
			}
			if err := WriteFloppy(fd); err != nil {
				t.Fatal(err)
			}
			// -icount: virtual time follows the instruction count, so the
			// timer checks do not depend on the host's load.
			cmd := exec.Command(qemu, "-M", "pc", "-m", "16", "-display", "none", "-no-reboot",
				"-icount", "shift=5,sleep=off",
				"-drive", "file="+hd+",format=raw,if=ide,index=0,media=disk",
				"-drive", "file="+fd+",format=raw,if=floppy,index=0",
				"-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
				"-debugcon", "file:"+out)
			runErr := cmd.Run()
			b, _ := os.ReadFile(out)
			fails, passes, done := summarize(string(b))
			if !done || passes == 0 {
				t.Fatalf("the program did not finish under QEMU (%v); debug console:\n%s", runErr, b)
			}
			for _, f := range fails {
				known := false
				for _, d := range qemuDeviations[p] {
					known = known || strings.HasPrefix(f, d)
				}
				if !known {
					t.Errorf("fails under QEMU too, so the check may be wrong: %s", f)
				}
			}
			// Exit status (failures<<1)|1 through isa-debug-exit.
			want := len(fails)<<1 | 1
			if ee, ok := runErr.(*exec.ExitError); !ok || ee.ExitCode() != want {
				t.Errorf("QEMU exit %v, want status %d", runErr, want)
			}
		})
	}
}
