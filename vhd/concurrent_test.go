package vhd

import (
	"bytes"
	"sync"
	"testing"
)

// ReadAt and WriteAt may be called from several goroutines at once (the
// io.ReaderAt contract): readers of written blocks see their data while a
// writer allocates other blocks. Run with -race.
func TestConcurrentAccess(t *testing.T) {
	name := tmp(t, "c.vhd")
	d := mustCreate(t, name, CreateOptions{Size: 32 << 20, BlockSize: 64 << 10})
	defer d.Close()
	pat := func(i int) []byte { return bytes.Repeat([]byte{byte(i + 1)}, 64<<10) }
	for i := 0; i < 16; i++ {
		d.WriteAt(pat(i), int64(i)<<16)
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			buf := make([]byte, 64<<10)
			for n := 0; n < 200; n++ {
				i := (n + g) % 16
				if _, err := d.ReadAt(buf, int64(i)<<16); err != nil {
					t.Error(err)
					return
				}
				if !bytes.Equal(buf, pat(i)) {
					t.Errorf("block %d changed under concurrent writes", i)
					return
				}
			}
		}(g)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 16; i < 200; i++ {
			if _, err := d.WriteAt(pat(i), int64(i)<<16); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	wg.Wait()
	for i := 0; i < 200; i++ {
		buf := make([]byte, 64<<10)
		d.ReadAt(buf, int64(i)<<16)
		if !bytes.Equal(buf, pat(i)) {
			t.Fatalf("block %d", i)
		}
	}
}
