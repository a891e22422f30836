package bios

import (
	"fmt"
	"io"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/ide"
	"pcemu/machine/video"
)

// testPC is a small PC for the BIOS tests: the real CPU, IDE controller and
// VGA, and minimal fakes of the PIC pair, the 8042 and the CMOS RTC, all on
// one bus.
type testPC struct {
	t       testing.TB
	ram     []byte
	high    []byte // A0000h-FFFFFh: the ROM at F0000h (the video window is the VGA's)
	vga     *video.Adapter
	cpu     *cpu.CPU
	bios    *BIOS
	ide     *ide.Controller
	pic     fakePIC
	kbc     fakeKBC
	cmos    [128]byte
	cmosIdx uint8
	ports   map[uint16][]uint8 // writes to ports no fake decodes (PIT, CGA...)
	uartRx  []uint8            // bytes the fake COM1 has received from the line
	uartTx  []uint8            // bytes the guest sent through COM1
	e9      []byte

	// busyAfterCommand makes the primary channel's status read BSY for
	// that many reads after each command, like a drive that takes time.
	busyAfterCommand, busyLeft int
	statusReads                int

	poweredOff, resets int
	noBoot             string

	// busRAM is conventional memory served through the bus, when the test
	// runs everything through it (testConfig.throughBus): ram is then a
	// decoy that nothing may touch.
	busRAM []byte
}

type testConfig struct {
	cfg    Config
	drives [4]ide.Drive
	// throughBus gives the CPU no RAM slice and the BIOS RAMThroughBus, so
	// that every memory access reaches the bus (a debugger watching).
	throughBus bool
}

func newTestPC(t testing.TB, tc testConfig) *testPC {
	t.Helper()
	pc := &testPC{t: t, high: make([]byte, 0x60000), ports: map[uint16][]uint8{}, vga: video.New(nil)}
	cfg := tc.cfg
	if cfg.MemoryKB == 0 {
		cfg.MemoryKB = 640
	}
	pc.ram = make([]byte, min(cfg.MemoryKB, 640)<<10)
	cfg.RAM = pc.ram
	cfg.PowerOff = func() { pc.poweredOff++; pc.cpu.Stop() }
	cfg.Reset = func() { pc.resets++; pc.cpu.Stop() }
	cfg.NoBoot = func(msg string) { pc.noBoot = msg; pc.cpu.Stop() }
	pc.pic.pc = pc
	pc.kbc.pc = pc
	pc.ide = ide.NewController(irqLine{pc, 14}, irqLine{pc, 15})
	for i, d := range tc.drives {
		if d != nil {
			if err := pc.ide.Attach(i/2, i%2, d); err != nil {
				t.Fatal(err)
			}
		}
	}
	// CMOS: 2026-11-25 12:34:56, BCD, 24-hour.
	for r, v := range map[int]uint8{0x00: 0x56, 0x02: 0x34, 0x04: 0x12, 0x07: 0x25, 0x08: 0x11, 0x09: 0x26, 0x32: 0x20, 0x0A: 0x26, 0x0B: 0x02} {
		pc.cmos[r] = v
	}
	cpuRAM := pc.ram
	if tc.throughBus {
		pc.busRAM, cpuRAM = make([]byte, len(pc.ram)), nil
	}
	pc.cpu = cpu.New(cfg.Model, cpuRAM, pc)
	pc.cpu.SetInterruptController(&pc.pic)
	b, err := New(cfg, FromCPU(pc.cpu), pc)
	if err != nil {
		t.Fatal(err)
	}
	b.RAMThroughBus(tc.throughBus)
	pc.bios = b
	copy(pc.high[0x50000:], b.ROM())
	return pc
}

// guestRAM is the conventional memory the guest sees: busRAM when the
// test runs through the bus, else ram.
func (pc *testPC) guestRAM() []byte {
	if pc.busRAM != nil {
		return pc.busRAM
	}
	return pc.ram
}

// Bus.
func (pc *testPC) Read8(addr uint32) uint8 {
	addr &= 0xFFFFF
	if addr < uint32(len(pc.busRAM)) {
		return pc.busRAM[addr]
	}
	if addr >= 0xA0000 && addr < 0xC0000 {
		return pc.vga.Read8(addr)
	}
	if addr >= 0xA0000 {
		return pc.high[addr-0xA0000]
	}
	return 0xFF
}

func (pc *testPC) Write8(addr uint32, v uint8) {
	addr &= 0xFFFFF
	if addr < uint32(len(pc.busRAM)) {
		pc.busRAM[addr] = v
		return
	}
	if addr >= 0xA0000 && addr < 0xC0000 {
		pc.vga.Write8(addr, v)
	}
}

func isIDE(port uint16) bool {
	return port >= 0x1F0 && port <= 0x1F7 || port == 0x3F6 || port >= 0x170 && port <= 0x177 || port == 0x376
}

func (pc *testPC) In8(port uint16) uint8 {
	switch {
	case (port == 0x1F7 || port == 0x3F6) && pc.busyLeft > 0:
		pc.busyLeft--
		pc.statusReads++
		return 0x80
	case isIDE(port):
		return pc.ide.In8(port)
	case port == 0x20 || port == 0x21 || port == 0xA0 || port == 0xA1:
		return pc.pic.in(port)
	case port == 0x60 || port == 0x64:
		return pc.kbc.in(port)
	case port == 0x71:
		return pc.cmos[pc.cmosIdx&0x7F]
	case port >= 0x3B0 && port <= 0x3DF:
		return pc.vga.In8(port)
	case port == 0x3F8:
		if len(pc.uartRx) == 0 {
			return 0
		}
		v := pc.uartRx[0]
		pc.uartRx = pc.uartRx[1:]
		return v
	case port == 0x3FD: // LSR: transmitter always empty
		if len(pc.uartRx) > 0 {
			return 0x61
		}
		return 0x60
	case port == 0x3FE: // MSR: CTS, DSR
		return 0x30
	}
	return 0xFF
}

func (pc *testPC) Out8(port uint16, v uint8) {
	switch {
	case port == ServicePort:
		pc.bios.Out8(port, v)
	case isIDE(port):
		if port == 0x1F7 {
			pc.busyLeft = pc.busyAfterCommand
		}
		if port == 0x3F6 {
			pc.ports[port] = append(pc.ports[port], v) // device control, for the tests
		}
		pc.ide.Out8(port, v)
	case port == 0x20 || port == 0x21 || port == 0xA0 || port == 0xA1:
		pc.pic.out(port, v)
	case port == 0x60 || port == 0x64:
		pc.kbc.out(port, v)
	case port == 0x70:
		pc.cmosIdx = v
	case port == 0x71:
		pc.cmos[pc.cmosIdx&0x7F] = v
	case port >= 0x3B0 && port <= 0x3DF:
		pc.vga.Out8(port, v)
	case port == 0xE9:
		pc.e9 = append(pc.e9, v)
	case port == testDonePort:
		pc.cpu.Stop()
	case port == 0x3F8 && pc.ports[0x3FB] != nil && pc.ports[0x3FB][len(pc.ports[0x3FB])-1]&0x80 == 0:
		pc.uartTx = append(pc.uartTx, v)
	default:
		pc.ports[port] = append(pc.ports[port], v)
	}
}

func (pc *testPC) In16(port uint16) uint16 {
	if isIDE(port) {
		return pc.ide.In16(port)
	}
	return uint16(pc.In8(port)) | uint16(pc.In8(port+1))<<8
}

func (pc *testPC) Out16(port uint16, v uint16) {
	if isIDE(port) {
		pc.ide.Out16(port, v)
		return
	}
	pc.Out8(port, uint8(v))
	pc.Out8(port+1, uint8(v>>8))
}

func (pc *testPC) InsBulk(port uint16, width int, dst []byte) int {
	if isIDE(port) {
		return pc.ide.InsBulk(port, width, dst)
	}
	return 0
}

func (pc *testPC) OutsBulk(port uint16, width int, src []byte) int {
	if isIDE(port) {
		return pc.ide.OutsBulk(port, width, src)
	}
	return 0
}

// fakePIC is an 8259A pair reduced to what the BIOS uses: ICW1-4, masks,
// non-specific EOI, OCW3 ISR read; fixed priority.
type fakePIC struct {
	pc       *testPC
	irr, isr [2]uint8
	imr      [2]uint8
	base     [2]uint8
	icw      [2]int // next ICW expected (0: none)
	readISR  [2]bool
	eois     [2]int
	initDone [2]bool
}

type irqLine struct {
	pc  *testPC
	irq int
}

func (l irqLine) Raise() { l.pc.pic.raise(l.irq) }
func (l irqLine) Lower() {}

func (p *fakePIC) raise(irq int) {
	p.irr[irq/8] |= 1 << (irq % 8)
	p.update()
}

// priority is the AT's fixed order: IRQ 0, 1, then the slave's 8-15 on
// IRQ 2, then 3-7.
var priority = []int{0, 1, 8, 9, 10, 11, 12, 13, 14, 15, 3, 4, 5, 6, 7}

func (p *fakePIC) pending() int {
	for _, irq := range priority {
		c, bit := irq/8, uint8(1)<<(irq%8)
		if p.isr[c]&bit != 0 {
			return -1 // this or a higher priority is in service
		}
		if irq == 3 && p.isr[0]&4 != 0 {
			return -1 // the cascade (IRQ 2) is in service
		}
		if p.irr[c]&bit != 0 && p.imr[c]&bit == 0 && (c == 0 || p.imr[0]&4 == 0) {
			return irq
		}
	}
	return -1
}

func (p *fakePIC) update() { p.pc.cpu.SetINTR(p.pending() >= 0) }

func (p *fakePIC) Acknowledge() uint8 {
	irq := p.pending()
	if irq < 0 {
		return p.base[0] + 7
	}
	c, bit := irq/8, uint8(1)<<(irq%8)
	p.irr[c] &^= bit
	p.isr[c] |= bit
	if c == 1 {
		p.isr[0] |= 4
	}
	p.update()
	return p.base[c] + uint8(irq%8)
}

func (p *fakePIC) in(port uint16) uint8 {
	c := 0
	if port >= 0xA0 {
		c = 1
	}
	if port&1 == 1 {
		return p.imr[c]
	}
	if p.readISR[c] {
		return p.isr[c]
	}
	return p.irr[c]
}

func (p *fakePIC) out(port uint16, v uint8) {
	c := 0
	if port >= 0xA0 {
		c = 1
	}
	if port&1 == 0 {
		switch {
		case v&0x10 != 0: // ICW1
			p.icw[c] = 2
			p.isr[c], p.imr[c] = 0, 0
		case v&0x18 == 0x08: // OCW3
			p.readISR[c] = v&3 == 3
		case v == 0x20: // non-specific EOI
			p.eois[c]++
			for i := 0; i < 8; i++ {
				if p.isr[c]&(1<<i) != 0 {
					p.isr[c] &^= 1 << i
					break
				}
			}
		}
		p.update()
		return
	}
	switch p.icw[c] {
	case 2:
		p.base[c] = v
		p.icw[c] = 3
	case 3:
		p.icw[c] = 4
	case 4:
		p.icw[c] = 0
		p.initDone[c] = true
	default:
		p.imr[c] = v
	}
	p.update()
}

// fakeKBC is an 8042 holding queued scancodes; one is offered in the
// output buffer (with IRQ 1) while the keyboard interface is enabled.
type fakeKBC struct {
	pc       *testPC
	queue    []uint8
	data     uint8
	full     bool
	disabled bool
	cmd      uint8
	cmdByte  uint8
}

func (k *fakeKBC) fill() {
	if !k.full && !k.disabled && len(k.queue) > 0 {
		k.data, k.queue, k.full = k.queue[0], k.queue[1:], true
		k.pc.pic.raise(1)
	}
}

func (k *fakeKBC) in(port uint16) uint8 {
	if port == 0x64 {
		st := uint8(0x14)
		if k.full {
			st |= 1
		}
		return st
	}
	v := k.data
	k.full = false
	return v
}

func (k *fakeKBC) out(port uint16, v uint8) {
	if port == 0x64 {
		switch v {
		case 0xAD:
			k.disabled = true
		case 0xAE:
			k.disabled = false
			k.fill()
		case 0x60:
			k.cmd = v
		}
		return
	}
	if k.cmd == 0x60 {
		k.cmdByte = v
		k.cmd = 0
	}
}

func (pc *testPC) typeScancodes(sc ...uint8) {
	pc.kbc.queue = append(pc.kbc.queue, sc...)
	pc.kbc.fill()
}

// run executes until the CPU halts with nothing to wake it, stops, or
// reaches limit instructions.
func (pc *testPC) run(limit int) {
	pc.t.Helper()
	n, err := pc.cpu.Run(limit)
	if err != nil {
		pc.t.Fatalf("cpu: %v at %04X:%04X after %d instructions", err, pc.cpu.Segs[cpu.CS], pc.cpu.IP, n)
	}
}

// post runs the reset entry through POST up to the bootstrap reading the
// boot sector (or INT 18h).
func (pc *testPC) post() {
	pc.t.Helper()
	pc.cpu.Reset()
	pc.run(5_000_000)
}

// callAt is where call puts its INT n; OUT testDonePort, AL (which stops
// the CPU without leaving it halted).
const (
	callAt       = 0x0600
	testDonePort = 0xF5
)

// call runs INT n with the registers set by setup (after POST state) and
// returns when the INT returns to the OUT after it. Interrupts are off
// unless the service turns them on.
func (pc *testPC) call(n uint8, setup func(c *cpu.CPU)) {
	pc.t.Helper()
	c := pc.cpu
	pc.startCall(n, setup)
	pc.run(2_000_000)
	if c.Segs[cpu.CS] != 0 || c.IP != callAt+4 {
		pc.t.Fatalf("INT %02Xh did not return: CPU at %04X:%04X", n, c.Segs[cpu.CS], c.IP)
	}
}

// startCall points the CPU at INT n followed by the OUT that ends the
// call, with the registers set by setup.
func (pc *testPC) startCall(n uint8, setup func(c *cpu.CPU)) {
	c := pc.cpu
	copy(pc.guestRAM()[callAt:], []byte{0xCD, n, 0xE6, testDonePort})
	c.Segs[cpu.CS], c.IP = 0, callAt
	c.Segs[cpu.SS], c.Regs[cpu.SP] = 0, 0x7000
	c.SetFlags(0x0002)
	if setup != nil {
		setup(c)
	}
	if c.Halted() {
		// Wake the CPU with an NMI: the BIOS's NMI entry is a bare IRET
		// that returns to the call.
		c.NMI()
	}
}

// ready makes the PC as POST leaves it without running a boot: POST with
// no bootable device then the INT 18h stop.
func (pc *testPC) ready() {
	pc.t.Helper()
	pc.post()
	if pc.noBoot == "" && pc.cpu.Segs[cpu.CS] != 0 {
		pc.t.Fatalf("POST did not finish: CPU at %04X:%04X", pc.cpu.Segs[cpu.CS], pc.cpu.IP)
	}
}

// settle lets pending interrupts run: STI; NOP; OUT testDonePort, AL.
func (pc *testPC) settle() {
	pc.t.Helper()
	c := pc.cpu
	copy(pc.guestRAM()[callAt+0x10:], []byte{0xFB, 0x90, 0xE6, testDonePort})
	c.Segs[cpu.CS], c.IP = 0, callAt+0x10
	c.Segs[cpu.SS], c.Regs[cpu.SP] = 0, 0x7000
	if c.Halted() {
		c.NMI()
	}
	pc.run(1_000_000)
	if c.IP != callAt+0x14 {
		pc.t.Fatalf("interrupts did not settle: CPU at %04X:%04X", c.Segs[cpu.CS], c.IP)
	}
}

// callWaiting runs INT n like call, but when the service waits in the ROM
// (the CPU halts there), feed is called and the CPU resumed, up to rounds
// times.
func (pc *testPC) callWaiting(n uint8, setup func(c *cpu.CPU), feed func(round int), rounds int) bool {
	pc.t.Helper()
	c := pc.cpu
	pc.startCall(n, setup)
	for i := 0; ; i++ {
		pc.run(1_000_000)
		if c.Segs[cpu.CS] == 0 && c.IP == callAt+4 {
			return true
		}
		if i == rounds {
			return false
		}
		feed(i)
	}
}

func (pc *testPC) cf() bool  { return pc.cpu.Flags()&cpu.FlagCF != 0 }
func (pc *testPC) ah() uint8 { return uint8(pc.cpu.Regs[cpu.AX] >> 8) }

// memDisk is an in-memory ide.Drive; sparse so that huge disks cost
// nothing: unwritten sectors read as a pattern of their LBA.
type memDisk struct {
	size     int64
	geom     ide.Geometry
	sectors  map[int64][]byte
	readOnly bool
	bad      map[int64]bool // sectors whose reads fail
}

func newMemDisk(size int64, geom ide.Geometry) *memDisk {
	return &memDisk{size: size, geom: geom, sectors: map[int64][]byte{}}
}

// pattern is the content of an unwritten sector: its LBA in every dword.
func pattern(lba int64) []byte {
	s := make([]byte, 512)
	for i := 0; i < 512; i += 4 {
		s[i], s[i+1], s[i+2], s[i+3] = byte(lba), byte(lba>>8), byte(lba>>16), byte(lba>>24)
	}
	return s
}

func (d *memDisk) sector(lba int64) []byte {
	if s, ok := d.sectors[lba]; ok {
		return s
	}
	return pattern(lba)
}

func (d *memDisk) ReadAt(p []byte, off int64) (int, error) {
	if off >= d.size {
		return 0, io.EOF
	}
	for lba := off / 512; lba < (off+int64(len(p))+511)/512; lba++ {
		if d.bad[lba] {
			return 0, fmt.Errorf("sector %d unreadable", lba)
		}
	}
	n := 0
	for n < len(p) && off+int64(n) < d.size {
		pos := off + int64(n)
		n += copy(p[n:], d.sector(pos / 512)[pos%512:])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (d *memDisk) WriteAt(p []byte, off int64) (int, error) {
	if d.readOnly {
		return 0, fmt.Errorf("read-only")
	}
	n := 0
	for n < len(p) {
		pos := off + int64(n)
		s := append([]byte(nil), d.sector(pos/512)...)
		k := copy(s[pos%512:], p[n:])
		d.sectors[pos/512] = s
		n += k
	}
	return n, nil
}

func (d *memDisk) Size() int64            { return d.size }
func (d *memDisk) ReadOnly() bool         { return d.readOnly }
func (d *memDisk) Flush() error           { return nil }
func (d *memDisk) Geometry() ide.Geometry { return d.geom }

var _ = time.Second
