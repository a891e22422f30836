package statefile

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"testing"
	"time"

	"pcemu/machine"
)

// FuzzStateRun: a state file whose sections are well formed (their CRCs
// made to match) but whose values are anything is refused, or makes a
// machine that runs, never a panic: each part checks what it is given.
// patch is XORed into section sec's contents at off.
func FuzzStateRun(f *testing.F) {
	good := smallState(f)
	f.Add(uint8(4), uint16(40), []byte{1})      // CPU
	f.Add(uint8(8), uint16(0), []byte{7, 7, 7}) // PIT
	f.Add(uint8(18), uint16(3), []byte{0xFF})   // BIOS
	f.Fuzz(func(t *testing.T, sec uint8, off uint16, patch []byte) {
		b := append([]byte(nil), good...)
		i := 0
		for at := headerSize; at < len(b); i++ {
			n := int(binary.LittleEndian.Uint64(b[at+nameSize+8:]))
			start := at + sectionHeaderSize
			if i == int(sec)%(len(sections)+len(diskSections)) && n > 0 {
				for j, x := range patch {
					b[start+(int(off)+j)%n] ^= x
				}
				binary.LittleEndian.PutUint32(b[start+n:], crc32.Checksum(b[start:start+n], castagnoli))
				break
			}
			at = start + n + crcSize
		}
		s, err := Decode(bytes.NewReader(b), int64(len(b)), "fuzz.state")
		if err != nil {
			return
		}
		m, err := machine.Restore(s, machine.Config{WaitOnNoBoot: true}, true)
		if err != nil {
			return
		}
		defer m.Close()
		m.RunFor(context.Background(), time.Millisecond)
		m.ScreenText()
		m.Digest()
	})
}
