package cpu

// The artlav 80186 test programs (../shared/cputests/artlav186): each
// 64 KiB ROM runs from reset at F000:FFF0 until HLT on the 80186 model and
// must leave the expected bytes in memory from address 0.

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"pcemu/internal/shared"
)

// romBus maps a 64 KiB ROM at F0000h above a RAM slice of 960 KiB.
type romBus struct {
	rom []byte
}

func (b *romBus) Read8(a uint32) uint8 {
	if a >= 0xF0000 && int(a-0xF0000) < len(b.rom) {
		return b.rom[a-0xF0000]
	}
	return 0xFF
}
func (b *romBus) Write8(uint32, uint8) {}
func (b *romBus) In8(uint16) uint8     { return 0xFF }
func (b *romBus) Out8(uint16, uint8)   {}
func (b *romBus) In16(uint16) uint16   { return 0xFFFF }
func (b *romBus) Out16(uint16, uint16) {}

func runArtlav(t *testing.T, bin string) ([]byte, error) {
	rom, err := os.ReadFile(bin)
	if err != nil {
		return nil, err
	}
	ram := make([]byte, 0xF0000)
	c := New(Model80186, ram, &romBus{rom: rom})
	// The res_*.bin results were recorded on a later CPU than an 80186:
	// every FLAGS image in them has bits 12-15 clear, which no 8086-class
	// CPU (80186 included) produces (see modelFixedFlags), and run on the
	// 80286 model the programs give the same bytes but for the undefined
	// flags of AAA/AAS/AAD. The comparison takes that one property of the
	// recording machine: its FLAGS bits 12-15 read as 0.
	c.fixedFlags = 0x0002
	if c.Segs[CS] != 0xFFFF || c.IP != 0 {
		t.Fatalf("80186 reset at %04X:%04X, want FFFF:0000", c.Segs[CS], c.IP)
	}
	// The programs start with a short JMP at FFFF0h that wraps within
	// their segment, so they need the reset CS:IP as F000:FFF0 (the
	// 286's form of the same address), as the suite's README says.
	c.Segs[CS], c.IP = 0xF000, 0xFFF0
	for i := 0; i < 100 && !c.Halted(); i++ {
		if _, err := c.Run(1_000_000); err != nil {
			return nil, err
		}
	}
	if !c.Halted() {
		return nil, fmt.Errorf("did not reach HLT (at %04X:%04X)", c.Segs[CS], c.IP)
	}
	return ram, nil
}

func TestArtlav186(t *testing.T) {
	dir := shared.Path(t, "cputests/artlav186")
	bins, _ := filepath.Glob(filepath.Join(dir, "*.bin"))
	sort.Strings(bins)
	n := 0
	for _, bin := range bins {
		name := strings.TrimSuffix(filepath.Base(bin), ".bin")
		if strings.HasPrefix(name, "res_") {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			ram, err := runArtlav(t, bin)
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join(dir, "res_"+name+".bin"))
			if os.IsNotExist(err) {
				t.Logf("%s: no res_%s.bin; ran to HLT", name, name)
				return
			} else if err != nil {
				t.Fatal(err)
			}
			got := ram[:len(want)]
			if !bytes.Equal(got, want) {
				for i := range want {
					if got[i] != want[i] {
						t.Errorf("%s: byte %04X = %02X, want %02X", name, i, got[i], want[i])
					}
				}
			}
		})
	}
	if n == 0 {
		t.Fatalf("no test programs in %s", dir)
	}
}
