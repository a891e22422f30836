//go:build !nosdl && linux

package sdl

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/disk"
	"pcemu/ide"
	"pcemu/machine"
	"pcemu/machine/demo"
	"pcemu/machine/gdbstub"
)

// While gdb holds the machine stopped (at a breakpoint), the window still
// repaints what changes, and its close button powers the machine off.
func TestWindowWhileGDBStops(t *testing.T) {
	startXvfb(t)
	boot, _ := disk.NewMem("mem", demo.BootDiskSize, demo.Image)
	scratch, _ := disk.NewMem("mem", demo.ScratchSize, nil)
	m, err := machine.New(machine.Config{Model: cpu.Model80286, Drives: [4]ide.Drive{boot, scratch}, RealTime: true})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	srv, err := gdbstub.Listen(m, "127.0.0.1:0", gdbstub.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	go srv.Serve()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	ran := make(chan machine.StopReason, 1)
	go func() {
		r, _ := m.Run(ctx)
		ran <- r
	}()
	runWindow(t, m, Options{Image: "demo"}, func(h *harness) {
		c, err := net.Dial("tcp", srv.Addr().String())
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(time.Minute))
		r := bufio.NewReader(c)
		cmd := func(p string) string {
			var sum byte
			for i := 0; i < len(p); i++ {
				sum += p[i]
			}
			fmt.Fprintf(c, "$%s#%02x", p, sum)
			for {
				b, err := r.ReadByte()
				if err != nil {
					t.Errorf("%s: %v", p, err)
					return ""
				}
				if b == '$' {
					break
				}
			}
			s, _ := r.ReadString('#')
			r.Discard(2)
			c.Write([]byte{'+'})
			return strings.TrimSuffix(s, "#")
		}
		// The BIOS's timer interrupt (F000:FEA5): the demo, waiting for
		// a key, meets it 18 times a second.
		if got := cmd("Z0,ffea5,1"); got != "OK" {
			t.Errorf("Z0: %q", got)
		}
		if got := cmd("c"); got != "T05thread:01;" {
			t.Errorf("continue: %q", got)
			return
		}
		// Stopped for gdb: a change on the screen is still painted (the
		// first cell's top-left pixel turns to the red background: AAh,
		// 0, 0; grab fails the test when no paint shows it).
		red := func(w *window) bool { return w.img.Pix[0] == 0xAA && w.img.Pix[1] == 0 && w.img.Pix[2] == 0 }
		h.grab(red, func() {
			m.Locked(func() {
				for i := uint32(0); i < 160; i += 2 {
					m.Mem.Poke8(0xB8000+i, 'G')
					m.Mem.Poke8(0xB8001+i, 0x4F)
				}
			})
		})
		if !m.Paused() {
			t.Error("the machine runs while gdb holds it")
		}
		// The close button: pushQuit when step returns.
	})
	select {
	case r := <-ran:
		if r != machine.PowerOff {
			t.Errorf("the machine stopped with %v, want power off from the window", r)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("closing the window did not power off the machine stopped by gdb")
	}
}
