package cpu

// Decoded blocks: the run loop executes straight runs of decoded
// instructions (a block: up to maxBlockInsts instructions in at most
// maxBlockBytes bytes, ending after the first instruction that may jump,
// reach a device or change what the loop watches; see terminates).
//
// Blocks of code in the RAM slice are kept in a direct-mapped cache keyed
// by linear address. The cache is a pure cache: a block keeps a copy of
// the bytes it was decoded from and is used only while memory still holds
// exactly those bytes (compared at every entry, a few word compares per
// block). So no writer of memory needs to tell the CPU anything: the CPU's
// own stores, the disk path and DMA filling RAM, the Go BIOS, a machine
// state being loaded, all are seen at the next entry of the block. An
// instruction that writes into the block it runs in ends the block, so the
// next instruction is decoded from the new bytes. Decoding depends on the
// bytes and the model only (offsets, not CS:IP), so a block serves every
// CS:IP that reaches its first byte. FlushCode drops the whole cache.
//
// Code in other plain memory the bus can show directly (CodeMemory: the
// BIOS ROM, the HMA and extended memory) is cached the same way. Code
// anywhere else (device memory), and code whose block would cross the end
// of its segment or of its memory, is decoded one instruction at a time
// from bytes read through the bus, as the prefetch queue reads them, and
// not cached.

import "unsafe"

const (
	coldBlocks = 1024 // blocks run one instruction at a time before the cache is made
	// A block holds up to 32 instructions that start in its first 112
	// bytes (the decoder looks at decodeWindow bytes from each start):
	// FreeDOS's intr(), 24 and 27 instructions between its transfers,
	// runs as two blocks instead of four (callgrind, FreeDOS boot: -2%;
	// 64 bytes, of which 48 for starts, gained nothing).
	maxBlockInsts = 32
	maxBlockBytes = 128
	// 8192 blocks (1.3 MB, and their instructions, see instPoolChunk): a
	// FreeDOS boot decodes about 5,000 blocks; with 2048 entries, blocks
	// that displaced each other were decoded 18,000 times (3% of the
	// boot's time), with 8192 7,700 times.
	blockCacheBits = 13
	blockCacheSize = 1 << blockCacheBits
	// The instructions of the cached blocks are kept apart from them,
	// as many as each needs, in chunks of instPoolChunk (instPool): most
	// blocks are short, and a cache with room for maxBlockInsts in every
	// entry would be 5.6 MB, whose first touch (page faults) took about
	// 5 ms against 0.5 ms for 1.3 MB: a FreeDOS boot runs in 70 ms.
	instPoolChunk = 4096
)

type block struct {
	src   unsafe.Pointer      // where its bytes are in memory (set when it is decoded: the same lin is always the same memory)
	code  *inst               // its n instructions, and a kEnd after the last when it is no transfer
	lin   uint32              // linear address of the first byte
	size  uint8               // bytes decoded; 0: empty
	n     uint8               // instructions
	words uint8               // 8-byte words that hold its bytes (unchanged)
	room  uint8               // instructions code has room for (a refill reuses them)
	tail  uint64              // the bytes of the last of them that are its own
	raw   [maxBlockBytes]byte // its bytes
}

// insts is b's instructions and the kEnd after them.
func (b *block) insts() []inst {
	return unsafe.Slice(b.code, int(b.n)+1)
}

// setInsts makes code b's instructions (a kEnd after the last is added
// when code has none), in the room b has or in new room from the pool.
func (c *CPU) setInsts(b *block, code []inst) {
	n := len(code)
	if n+1 > int(b.room) {
		if len(c.instPool) < maxBlockInsts+1 {
			c.instPool = make([]inst, instPoolChunk)
		}
		b.code, b.room = &c.instPool[0], uint8(n+1)
		c.instPool = c.instPool[n+1:]
	}
	dst := unsafe.Slice(b.code, n+1)
	copy(dst, code)
	end := uint8(0)
	if n > 0 {
		end = code[n-1].end
	}
	dst[n] = inst{kind: kEnd, start: end, end: end}
	b.n = uint8(n)
}

// blockCache is the CPU's table of decoded blocks.
type blockCache [blockCacheSize]block

// FlushCode drops every decoded block. Nothing requires it for
// correctness (blocks check their bytes); it returns the memory's worth
// of decoding to the state after New.
func (c *CPU) FlushCode() {
	if c.blocks != nil {
		for i := range c.blocks {
			c.blocks[i].size = 0
		}
	}
}

// blockAt returns the block that starts at CS:IP (cs is CS*16). A block
// ends before the end of its segment (where IP would wrap), so near it
// blocks are shorter, and a cached block serves a CS:IP only if it fits
// in the segment from there.
func (c *CPU) blockAt(cs uint32, ip uint16) *block {
	lin := cs + uint32(ip) // the physical address, once masked below
	room := min(0x10000-uint32(ip), maxBlockBytes)
	var src unsafe.Pointer // the block's bytes where they lie in plain memory
	switch {
	case room < decodeWindow:
		// At the very end of the segment: IP wraps inside an instruction.
	case lin+maxBlockBytes <= c.ramEnd:
		src = unsafe.Add(c.memBase, lin)
	case c.code != nil && (lin+maxBlockBytes-1)&c.addrMask == lin&c.addrMask+maxBlockBytes-1:
		lin &= c.addrMask
		if m := c.code.CodeBytes(lin); len(m) >= maxBlockBytes {
			src = unsafe.Pointer(unsafe.SliceData(m))
		}
	}
	if src == nil {
		if c.dbg != nil && c.dbg.breaks != nil {
			if s := c.breakAt(lin & c.addrMask); s != nil {
				return s
			}
		}
		c.decodeOne(&c.single, ip)
		return &c.single
	}
	if c.blocks == nil {
		// The cache is made once the CPU has run a while, so that a CPU
		// made for a few instructions (tests, tools) costs nothing more.
		if c.coldBlocks++; c.coldBlocks < coldBlocks {
			if c.dbg != nil && c.dbg.breaks != nil {
				if s := c.breakAt(lin); s != nil {
					return s
				}
			}
			c.fillBlock(&c.single, lin, src, 1, room)
			return &c.single
		}
		c.blocks = new(blockCache)
	}
	b := c.cached(lin)
	if b.lin == lin && b.size != 0 && uint32(b.size) <= room && b.unchanged(src) {
		return b
	}
	if c.dbg != nil && c.dbg.breaks != nil && c.breaksIn(lin) {
		// A block at a breakpoint is never cached, so that every entry
		// comes here (debug.go).
		if s := c.breakAt(lin); s != nil {
			return s
		}
		c.fillBlock(&c.single, lin, src, 1, room)
		return &c.single
	}
	c.fillBlock(b, lin, src, maxBlockInsts, room)
	return b
}

// cached is the cache's entry for a block at linear address lin, or nil
// while there is no cache.
func (c *CPU) cached(lin uint32) *block {
	if c.blocks == nil {
		return nil
	}
	return &c.blocks[lin*0x9E3779B1>>(32-blockCacheBits)] // Fibonacci hashing: nearby and 2 KiB-apart blocks spread
}

// unchanged reports whether memory at src (which holds maxBlockBytes)
// still holds b's bytes: a word compare per 8 bytes, the last word masked
// to what is b's.
func (b *block) unchanged(src unsafe.Pointer) bool {
	raw := unsafe.Pointer(&b.raw)
	for n := b.words; n > 1; n-- {
		if *(*uint64)(src) != *(*uint64)(raw) {
			return false
		}
		src, raw = unsafe.Add(src, 8), unsafe.Add(raw, 8)
	}
	return (*(*uint64)(src)^*(*uint64)(raw))&b.tail == 0
}

// setBytes keeps a copy of the size bytes at src as b's (unchanged).
func (b *block) setBytes(src unsafe.Pointer, size int) {
	b.src, b.size = src, uint8(size)
	copy(b.raw[:size], unsafe.Slice((*byte)(src), size))
	b.words = uint8((size + 7) / 8)
	b.tail = ^uint64(0) >> (64 - 8*((size-1)%8+1))
}

// fillBlock decodes the block at linear address lin from src, which holds
// maxBlockBytes: at most max instructions in room bytes.
func (c *CPU) fillBlock(b *block, lin uint32, src unsafe.Pointer, max int, room uint32) {
	code := &c.decoded
	n, off := 0, 0
	for n < max && uint32(off)+decodeWindow <= room {
		w := (*[decodeWindow]byte)(unsafe.Add(src, off))
		if n > 0 && c.dbg != nil && c.dbg.breaks != nil && c.breaksIn(lin+uint32(off)) {
			break // the breakpoint's instruction starts a block of its own (debug.go)
		}
		in := c.decode(w, uint8(off))
		code[n] = in
		n++
		off = int(in.end)
		if terminates(&in) {
			break
		}
	}
	liveFlags(code[:n])
	fuse(code[:n])
	c.setInsts(b, code[:n])
	b.lin = lin
	b.setBytes(src, off)
}

// decodeOne decodes the one instruction at CS:IP into b, reading its bytes
// through the bus, wrapping within the segment.
func (c *CPU) decodeOne(b *block, ip uint16) {
	var w [decodeWindow]byte
	for i := range w {
		w[i] = c.read8(CS, ip+uint16(i))
	}
	in := c.decode(&w, 0)
	c.setInsts(b, []inst{in})
	b.lin = uint32(c.Segs[CS])<<4 + uint32(ip)
	copy(b.raw[:], w[:])
	b.setBytes(unsafe.Pointer(&b.raw), int(in.end)) // not checked: the block ends after its one instruction
}
