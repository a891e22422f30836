package machine_test

import (
	"context"
	"fmt"
	"image"
	"runtime"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/hostcpu"
	"pcemu/machine"
	"pcemu/machine/video"
)

// vgaFillSrc sets mode 12h and moves 38400 bytes into A000h 64 times, one
// REP STOSB (write mode 0, the map mask at 0Fh: four planes per byte) or
// one REP MOVSB from A000h to A000h in write mode 1 (a latch copy) per
// pass, then exits.
const vgaFillSrc = `
        mov ax, 0x0012
        int 0x10
        mov ax, 0xA000
        mov es, ax
        mov ds, ax
        mov dx, 0x3CE
        mov ax, %d << 8 | 5           ; graphics mode: write mode
        out dx, ax
        cld
        mov bp, 64
pass:   xor di, di
        mov si, 0x9600 / 2
        mov cx, 38400
        mov al, 0x5A
        %s
        %s
        dec bp
        jnz pass
        mov al, 0
        out 0xF4, al
`

// benchVGAFill reports the guest's bytes per second into video memory,
// per second of the run (host time) and per second of CPU time (on a
// shared machine the host time includes waiting for a core).
func benchVGAFill(b *testing.B, writeMode int, setup, op string) {
	src := fmt.Sprintf(vgaFillSrc, writeMode, setup, op)
	var bytes int64
	var host, cpuTime time.Duration
	for b.Loop() {
		m := bootProgram(b, machine.Config{Model: cpu.Model80286}, src)
		start, cpu0 := m.Stats(), hostcpu.Time()
		reason, status := m.WaitStop(time.Hour)
		if reason != machine.ExitPort || status != 1 {
			b.Fatalf("stopped by %v with status %d", reason, status)
		}
		s := m.Stats()
		cpuTime += hostcpu.Time() - cpu0
		bytes += 64 * 38400
		host += s.HostTime - start.HostTime
		m.Close()
	}
	b.ReportMetric(float64(bytes)/host.Seconds()/1e6, "MB/s")
	b.ReportMetric(float64(bytes)/cpuTime.Seconds()/1e6, "cpu-MB/s")
}

// BenchmarkVGAStosbWriteMode0 is REP STOSB into A000h in write mode 0.
func BenchmarkVGAStosbWriteMode0(b *testing.B) { benchVGAFill(b, 0, "", "rep stosb") }

// BenchmarkVGAMovsbWriteMode1 is REP MOVSB within A000h in write mode 1:
// every byte a read that loads the latches and a write that stores them.
func BenchmarkVGAMovsbWriteMode1(b *testing.B) { benchVGAFill(b, 1, "", "rep movsb") }

// BenchmarkVGAMovsbFromRAMWriteMode0 is REP MOVSB from conventional RAM
// (1000h:0000h) into A000h in write mode 0: a blit.
func BenchmarkVGAMovsbFromRAMWriteMode0(b *testing.B) {
	benchVGAFill(b, 0, "push ax\n        mov ax, 0x1000\n        mov ds, ax\n        pop ax", "rep movsb")
}

// redrawSrc redraws the whole mode 12h screen for ever, a byte at a time
// through the graphics controller (write mode 2: a latch load and a store
// per byte, four instructions with the loop), a new colour each pass.
const redrawSrc = `
        mov ax, 0x0012
        int 0x10
        mov ax, 0xA000
        mov es, ax
        mov dx, 0x3CE
        mov ax, 0x0205                ; write mode 2
        out dx, ax
        xor bl, bl
pass:   xor di, di
        mov cx, 38400
px:     mov al, [es:di]
        mov [es:di], bl
        inc di
        loop px
        inc bl
        jmp pass
`

// BenchmarkDisplayThreadCost measures what a display costs the CPU: the
// MIPS of a program redrawing mode 12h continuously, run for one virtual
// second, alone and with a goroutine doing what the SDL window does each
// 60 Hz frame (VideoChanges, then VideoSnapshot and Render into the same
// image when the screen changed). The runs alternate so that the machine's
// load affects both alike; cost-% is the MIPS lost with the display.
func BenchmarkDisplayThreadCost(b *testing.B) {
	// Each run's MIPS by host time and by the emulating thread's own CPU
	// time (the goroutine is locked to its thread): the first counts the
	// cores the display takes from a busy machine, the second what the
	// display does to the emulation itself (the lock, the caches).
	run := func(display bool) (wall, cpuMIPS float64) {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		m := bootProgram(b, machine.Config{Model: cpu.Model80286}, redrawSrc)
		m.RunFor(context.Background(), 200*time.Millisecond) // past POST and the mode set
		stop := make(chan struct{})
		done := make(chan struct{})
		if display {
			go func() {
				defer close(done)
				var img *image.RGBA
				var snap *video.Adapter
				var last uint64
				tick := time.NewTicker(time.Second / 60)
				defer tick.Stop()
				for frame := uint64(0); ; frame++ {
					select {
					case <-stop:
						return
					case <-tick.C:
					}
					if c := m.VideoChanges(); c != last {
						last = c
						snap = m.VideoSnapshotInto(snap)
						img = snap.Render(img, frame)
					}
				}
			}()
		} else {
			close(done)
		}
		s0, t0 := m.Stats(), hostcpu.ThreadTime()
		m.RunFor(context.Background(), time.Second)
		s1, t1 := m.Stats(), hostcpu.ThreadTime()
		close(stop)
		<-done
		m.Close()
		n := float64(s1.Instructions-s0.Instructions) / 1e6
		return n / (s1.HostTime - s0.HostTime).Seconds(), n / (t1 - t0).Seconds()
	}
	var alone, with, aloneCPU, withCPU float64
	for b.Loop() {
		w, c := run(false)
		alone, aloneCPU = alone+w, aloneCPU+c
		w, c = run(true)
		with, withCPU = with+w, withCPU+c
	}
	n := float64(b.N)
	b.ReportMetric(alone/n, "MIPS-alone")
	b.ReportMetric(with/n, "MIPS-display")
	b.ReportMetric(100*(alone-with)/alone, "cost-%")
	b.ReportMetric(100*(aloneCPU-withCPU)/aloneCPU, "cpu-cost-%")
}
