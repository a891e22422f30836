package bios

import (
	"image/png"
	"os"
	"testing"

	"pcemu/cpu"
	"pcemu/machine/video"
)

func (pc *testPC) tty(s string) {
	pc.t.Helper()
	for i := 0; i < len(s); i++ {
		pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0E00 | uint16(s[i]); c.Regs[cpu.BX] = 0 })
	}
}

func TestVideoSmoke(t *testing.T) {
	pc := newTestPC(t, testConfig{})
	pc.ready()
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0003 })
	pc.tty("Hello\r\nab\x08c")
	if got := string(pc.screenText()); got[:8] != "Hello\nac" {
		t.Errorf("screen %q", got)
	}
}

func TestScratchCGA(t *testing.T) {
	pc := newTestPC(t, testConfig{cfg: Config{Font8x8: video.Font8x8()}})
	pc.ready()
	pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0004 })
	for _, ch := range "PCEMU 4" {
		pc.call(0x10, func(c *cpu.CPU) { c.Regs[cpu.AX] = 0x0E00 | uint16(ch); c.Regs[cpu.BX] = 3 })
	}
	f, _ := os.Create("/tmp/vga/cga.png")
	png.Encode(f, pc.vga.Render(nil, 0))
	f.Close()
	t.Logf("%q", pc.vga.Text().String())
}

func testFont8() []byte {
	f := make([]byte, 2048)
	for c := 32; c < 256; c++ {
		for y := 0; y < 7; y++ {
			f[c*8+y] = byte(c) ^ byte(y*0x11)
		}
	}
	return f
}
