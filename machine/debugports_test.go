package machine

import (
	"bytes"
	"strings"
	"testing"
)

func TestDebugPorts(t *testing.T) {
	b := NewPortBus()
	post := &POSTPort{}
	var sink bytes.Buffer
	con := &DebugCon{Sink: &sink}
	status := -1
	exit := &DebugExit{OnExit: func(s int) { status = s }}
	must(t, b.Map("POST", PortPOST, PortPOST, post))
	must(t, b.Map("debugcon", PortDebugCon, PortDebugCon, con))
	must(t, b.Map("exit", PortExit, PortExit, exit))

	if _, ok := post.Last(); ok {
		t.Error("POST code before any write")
	}
	b.Out8(PortPOST, 0x55)
	if c, ok := post.Last(); !ok || c != 0x55 || b.In8(PortPOST) != 0x55 {
		t.Error("POST code latch")
	}
	if b.In8(PortDebugCon) != 0xE9 {
		t.Error("debug console presence byte")
	}
	for _, c := range []byte("DX=5678\n") {
		b.Out8(PortDebugCon, c)
	}
	if con.Output() != "DX=5678\n" || sink.String() != "DX=5678\n" {
		t.Errorf("debugcon output %q / sink %q", con.Output(), sink.String())
	}
	b.Out8(PortExit, 0)
	if status != 1 {
		t.Errorf("OUT F4h,0: status %d, want 1", status)
	}
	b.Out8(PortExit, 0x7F)
	if status != 0xFF {
		t.Errorf("OUT F4h,7Fh: status %d, want 255", status)
	}
}

func TestDebugConBounded(t *testing.T) {
	con := &DebugCon{}
	for i := 0; i < debugConLimit+10; i++ {
		con.Out8(PortDebugCon, 'x')
	}
	con.Out8(PortDebugCon, '!')
	out := con.Output()
	if len(out) > debugConLimit || !strings.HasSuffix(out, "!") {
		t.Errorf("kept %d bytes, last %q", len(out), out[len(out)-1:])
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
