package machine_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/disk"
	"pcemu/ide"
	"pcemu/machine"
	"pcemu/machine/demo"
)

// A display goroutine reads the screen, renders snapshots and types while
// the run loop executes: run with -race, this proves the locking.
func TestDisplayThreadWhileRunning(t *testing.T) {
	boot, _ := disk.NewMem("mem", demo.BootDiskSize, demo.Image)
	scratch, _ := disk.NewMem("mem", demo.ScratchSize, nil)
	m, err := machine.New(machine.Config{Model: cpu.Model80286, Drives: [4]ide.Drive{boot, scratch}, RealTime: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		var last uint64
		for {
			select {
			case <-done:
				return
			default:
			}
			if c := m.VideoChanges(); c != last {
				last = c
				img := m.VideoSnapshot().Render(nil, c)
				if img.Rect.Dx() == 0 {
					t.Error("empty frame")
				}
			}
			_ = m.ScreenText()
			_ = m.Stats()
			time.Sleep(time.Millisecond)
		}
	}()
	// The demo waits for a key (or 10 s) before it powers off: the key
	// comes from another goroutine, as from a window.
	go func() {
		time.Sleep(300 * time.Millisecond)
		m.SendScancodes([]byte{0x39})
		m.SendScancodes([]byte{0xB9})
	}()
	reason, err := m.Run(ctx)
	close(done)
	wg.Wait()
	if reason != machine.PowerOff {
		t.Errorf("Run = %v, %v; want power off after the key", reason, err)
	}
}

// Locked gives another goroutine a consistent view of the parts while the
// machine runs.
func TestLockedWhileRunning(t *testing.T) {
	boot, _ := disk.NewMem("mem", demo.BootDiskSize, demo.Image)
	scratch, _ := disk.NewMem("mem", demo.ScratchSize, nil)
	m, err := machine.New(machine.Config{Model: cpu.Model80286, Drives: [4]ide.Drive{boot, scratch}})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 100 {
			m.Locked(func() {
				_ = m.CPU.Regs[cpu.AX] + m.CPU.Segs[cpu.CS]
				_ = m.Mem.RAM[0x41A]
			})
			time.Sleep(100 * time.Microsecond)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if reason, err := m.Run(ctx); reason != machine.PowerOff {
		t.Errorf("Run = %v, %v", reason, err)
	}
	<-done
}

// Host mouse input and the audio device's reads come from other
// goroutines (the window's, a test's) while the machine runs in real time:
// run with -race, this proves the mouse queue's and the audio output's
// locking.
func TestMouseQueueAndAudioWhileRunning(t *testing.T) {
	boot, _ := disk.NewMem("mem", demo.BootDiskSize, demo.Image)
	scratch, _ := disk.NewMem("mem", demo.ScratchSize, nil)
	m, err := machine.New(machine.Config{Model: cpu.Model80286, Drives: [4]ide.Drive{boot, scratch}, RealTime: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	out := m.AudioOutput(48000, 48000/5)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]int16, 256)
		for i := 0; ctx.Err() == nil; i++ {
			m.MouseMotion(i%7-3, i%5-2)
			m.MouseButton(machine.MouseLeft, i%2 == 0)
			m.MouseBy(1, -1)
			// Aim inside the screen the adapter shows now: until the BIOS
			// has programmed the CRTC (slow under -race) it is 1x1, and a
			// cell beyond it is rightly refused.
			w, h := 1, 1
			m.Locked(func() {
				if g := m.Video.Geometry(); g.Text {
					w, h = max(g.Cols, 1), max(g.Rows, 1)
				} else {
					w, h = max(g.Width, 1), max(g.Height, 1)
				}
			})
			if err := m.MouseMoveTo(i%w, i%h); err != nil {
				t.Error(err)
				return
			}
			_ = m.MousePending()
			out.Read(buf)
			time.Sleep(time.Millisecond)
		}
	}()
	m.Run(ctx)
	wg.Wait()
}
