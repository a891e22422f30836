package machine

import "fmt"

// The PC/AT memory map (IBM 5170 Technical Reference, "System Memory Map").
const (
	ConventionalLimit = 0xA0000  // 640 KiB: top of conventional RAM
	VideoBase         = 0xA0000  // video memory A0000h-BFFFFh
	OptionROMBase     = 0xC0000  // adapter ROMs C0000h-EFFFFh
	BIOSBase          = 0xF0000  // system BIOS ROM F0000h-FFFFFh
	BIOSSize          = 0x10000  // 64 KiB
	HighMemoryBase    = 0x100000 // 1 MiB: the HMA and extended memory start here
	AddressLimit286   = 0x1000000
)

// MemoryDevice is a device that decodes part of the memory address space
// (the video adapter's A0000h-BFFFFh window). Addresses are absolute.
type MemoryDevice interface {
	Read8(addr uint32) uint8
	Write8(addr uint32, v uint8)
}

// Memory is the address space outside the CPU's directly-accessed RAM slice.
// The CPU reads and writes conventional RAM itself; everything at and above
// len(RAM) comes here: the video window, the option-ROM hole (reads FFh, as
// an empty ISA bus does), the read-only BIOS ROM, and the high memory
// (HMA and extended memory) that exists only with more than 1 MiB.
// The CPU has already applied the A20 mask, so with A20 off an address
// never reaches HighMemoryBase.
type Memory struct {
	RAM   []byte // conventional RAM from address 0
	High  []byte // RAM from HighMemoryBase (nil without extended memory)
	ROM   [BIOSSize]byte
	Video MemoryDevice // nil: the window reads FFh

	// watch sees every guest access while a debugger watches memory
	// (debug.go: the CPU and the BIOS then send all of RAM here too).
	watch *watchSet
}

// MemorySizes splits a total memory size in bytes the way an AT decodes it:
// up to 640 KiB of conventional RAM and, above 1 MiB, extended memory. The
// 384 KiB between 640 KiB and 1 MiB are the adapter area and are not RAM.
// The 80286 addresses 16 MiB; the 8086 and 80186 only 1 MiB.
func MemorySizes(total int, has24BitBus bool) (conventional, extended int, err error) {
	if total < 64<<10 {
		return 0, 0, fmt.Errorf("memory size %d KiB: at least 64 KiB are needed", total>>10)
	}
	if total%1024 != 0 {
		return 0, 0, fmt.Errorf("memory size %d bytes: must be a whole number of KiB", total)
	}
	limit := HighMemoryBase
	if has24BitBus {
		limit = AddressLimit286
	}
	if total > limit {
		return 0, 0, fmt.Errorf("memory size %d KiB: more than this CPU addresses (%d KiB)", total>>10, limit>>10)
	}
	conventional = min(total, ConventionalLimit)
	if total > HighMemoryBase {
		extended = total - HighMemoryBase
	}
	return conventional, extended, nil
}

// Read8 reads a byte of the address space.
func (m *Memory) Read8(addr uint32) uint8 {
	if m.watch != nil {
		m.watch.access(addr, WatchRead)
	}
	return m.read8(addr)
}

// read8 is Read8 unwatched.
func (m *Memory) read8(addr uint32) uint8 {
	switch {
	case addr < uint32(len(m.RAM)):
		return m.RAM[addr]
	case addr >= HighMemoryBase:
		if i := addr - HighMemoryBase; i < uint32(len(m.High)) {
			return m.High[i]
		}
		return 0xFF
	case addr >= BIOSBase:
		return m.ROM[addr-BIOSBase]
	case addr >= OptionROMBase:
		return 0xFF
	case addr >= VideoBase:
		if m.Video != nil {
			return m.Video.Read8(addr)
		}
		return 0xFF
	}
	return 0xFF // between the end of RAM and 640 KiB: nothing decodes it
}

// CodeBytes returns the plain memory (RAM, the BIOS ROM, the high memory)
// from addr to the end of its region, for the CPU to read code from
// directly (cpu.CodeMemory); nil for the video window and the holes.
func (m *Memory) CodeBytes(addr uint32) []byte {
	switch {
	case addr < uint32(len(m.RAM)):
		return m.RAM[addr:]
	case addr >= HighMemoryBase:
		if i := addr - HighMemoryBase; i < uint32(len(m.High)) {
			return m.High[i:]
		}
	case addr >= BIOSBase:
		return m.ROM[addr-BIOSBase:]
	}
	return nil
}

// Write8 writes a byte of the address space; writes to ROM and to holes are
// lost, as on the bus.
func (m *Memory) Write8(addr uint32, v uint8) {
	if m.watch != nil {
		m.watch.access(addr, WatchWrite)
	}
	m.write8(addr, v)
}

// write8 is Write8 unwatched.
func (m *Memory) write8(addr uint32, v uint8) {
	switch {
	case addr < uint32(len(m.RAM)):
		m.RAM[addr] = v
	case addr >= HighMemoryBase:
		if i := addr - HighMemoryBase; i < uint32(len(m.High)) {
			m.High[i] = v
		}
	case addr >= OptionROMBase:
		// Option-ROM hole and BIOS ROM: read-only.
	case addr >= VideoBase:
		if m.Video != nil {
			m.Video.Write8(addr, v)
		}
	}
}

// Peeker is a memory device whose reads change its state (the VGA's reads
// load its latches) and that can also be read without that.
type Peeker interface {
	Peek8(addr uint32) uint8
}

// Peek8 reads a byte of the address space as Read8 does, but without side
// effects on a device: the monitor or a debugger looking at memory must not
// change what the guest reads next.
func (m *Memory) Peek8(addr uint32) uint8 {
	if addr >= VideoBase && addr < OptionROMBase && addr >= uint32(len(m.RAM)) {
		if p, ok := m.Video.(Peeker); ok {
			return p.Peek8(addr)
		}
	}
	return m.read8(addr)
}

// Poke8 writes a byte of the address space for a debugger changing guest
// memory: a watchpoint does not see it. RAM and the high memory take it, a
// write to the video window reaches the adapter as the CPU's would, and,
// unlike the guest's writes, the BIOS ROM takes it too (a debugger may
// patch firmware, as QEMU's gdb stub may); holes ignore it.
func (m *Memory) Poke8(addr uint32, v uint8) {
	if addr >= BIOSBase && addr < BIOSBase+BIOSSize {
		m.ROM[addr-BIOSBase] = v
		return
	}
	m.write8(addr, v)
}

// BulkMemoryDevice is a MemoryDevice that takes whole runs of REP STOS
// and REP MOVS (the video adapter), with the effect of the byte accesses
// they stand for; each returns how much it took.
type BulkMemoryDevice interface {
	StoreBulk(dst uint32, v []byte, count int) int
	MoveBulk(dst, src uint32, width, count int) int
	WriteBulk(dst uint32, src []byte) int
}

// StoreBulk is cpu.BulkMemory for the video window: the run goes to the
// adapter when it takes bulk stores.
func (m *Memory) StoreBulk(dst uint32, v []byte, count int) int {
	if dst < VideoBase || dst >= OptionROMBase {
		return 0
	}
	if d, ok := m.Video.(BulkMemoryDevice); ok {
		return d.StoreBulk(dst, v, count)
	}
	return 0
}

// MoveBulk is cpu.BulkMemory for moves into the video window: from
// conventional RAM (the adapter is written byte after byte, which is what
// the element-by-element moves do, since RAM reads have no side effects)
// or within the window.
func (m *Memory) MoveBulk(dst, src uint32, width, count int) int {
	d, ok := m.Video.(BulkMemoryDevice)
	if !ok || dst < VideoBase || dst >= OptionROMBase {
		return 0
	}
	span := uint32(width * count)
	switch {
	case src+span <= uint32(len(m.RAM)):
		return d.WriteBulk(dst, m.RAM[src:src+span]) / width
	case src >= VideoBase && src < OptionROMBase:
		return d.MoveBulk(dst, src, width, count)
	}
	return 0
}

// LoadROM places a 64 KiB BIOS image at F0000h.
func (m *Memory) LoadROM(rom []byte) error {
	if len(rom) != BIOSSize {
		return fmt.Errorf("BIOS ROM is %d bytes, want %d", len(rom), BIOSSize)
	}
	copy(m.ROM[:], rom)
	return nil
}
