package machine

import (
	"bytes"
	"testing"
)

func TestTextScancodes(t *testing.T) {
	keys, err := textScancodes("aZ1!\r")
	if err != nil {
		t.Fatal(err)
	}
	var got []byte
	for _, k := range keys {
		got = append(got, k...)
	}
	want := []byte{
		0x1E, 0x9E, // a
		0x2A, 0x2C, 0xAC, 0xAA, // Shift Z
		0x02, 0x82, // 1
		0x2A, 0x02, 0x82, 0xAA, // Shift 1 = !
		0x1C, 0x9C, // Enter
	}
	if !bytes.Equal(got, want) {
		t.Errorf("scancodes % X, want % X", got, want)
	}
	for _, bad := range []string{"é", "\x01", "\x7f"} {
		if _, err := textScancodes(bad); err == nil {
			t.Errorf("%q has no key but was accepted", bad)
		}
	}
	// Every printable ASCII character has a key.
	for c := ' '; c <= '~'; c++ {
		if _, err := textScancodes(string(c)); err != nil {
			t.Errorf("%q: %v", c, err)
		}
	}
}

func TestTypeAheadFull(t *testing.T) {
	m := &Machine{Mem: &Memory{RAM: make([]byte, 640<<10)}}
	ram := m.Mem.RAM
	put := func(a, v int) { ram[a], ram[a+1] = byte(v), byte(v>>8) }
	put(bdaKbdStart, 0x1E)
	put(bdaKbdEnd, 0x3E)
	put(bdaKbdHead, 0x1E)
	put(bdaKbdTail, 0x1E)
	if m.typeAheadFull() {
		t.Error("empty buffer reported full")
	}
	put(bdaKbdTail, 0x3C) // 15 keys: the tail is one slot behind the head
	if !m.typeAheadFull() {
		t.Error("full buffer (tail wraps onto head) not reported")
	}
	put(bdaKbdHead, 0x24)
	put(bdaKbdTail, 0x22)
	if !m.typeAheadFull() {
		t.Error("full buffer in the middle not reported")
	}
}
