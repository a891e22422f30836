package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"pcemu/cmd/pcemu/sdl"
	"pcemu/cpu"
	"pcemu/machine/trace"
)

func TestParseArgsQEMUSpellings(t *testing.T) {
	var out bytes.Buffer
	o, err := parseArgs([]string{
		"-hda", "a.vhd", "--hdb", "b.vhd", "-hdc=c.vhd", "--hdd=d.img",
		"-fda", "f.img", "-boot", "order=ac,menu=on", "-m", "16M", "-cpu", "286",
		"-snapshot", "-display", "none", "-debugcon", "stdio", "-serial", "file:com1.txt",
		"-no-reboot", "--expect", `C:\>`, "--timeout", "60s", "--screendump", "s.png", "--stats",
	}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if o.hd != [4]string{"a.vhd", "b.vhd", "c.vhd", "d.img"} || o.fd[0] != "f.img" {
		t.Errorf("disks %v %v", o.hd, o.fd)
	}
	if o.boot != "ac" || o.memory != 16<<20 || o.model != cpu.Model80286 || !o.snapshot || !o.noReboot {
		t.Errorf("boot %q memory %d model %v snapshot %v noreboot %v", o.boot, o.memory, o.model, o.snapshot, o.noReboot)
	}
	if !o.debugcon.stdio || o.serial.path != "com1.txt" {
		t.Errorf("chardevs %+v %+v", o.debugcon, o.serial)
	}
	if o.expect != `C:\>` || o.timeout != 60*time.Second || len(o.screendump) != 1 || o.screendump[0] != "s.png" || !o.stats {
		t.Errorf("automation flags %+v", o)
	}
}

func TestParseArgsDefaults(t *testing.T) {
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	o, err := parseArgs(nil, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if o.memory != 640<<10 || o.model != cpu.Model80286 || o.display != "none" || o.boot != "" || o.realTime {
		t.Errorf("defaults %+v", o)
	}
	// With a display the machine runs in real time unless told otherwise.
	if sdl.Built {
		if o, err := parseArgs([]string{"-display", "sdl"}, &bytes.Buffer{}); err != nil || !o.realTime {
			t.Errorf("-display sdl: realtime %v, %v", o.realTime, err)
		}
		if o, err := parseArgs([]string{"-display", "sdl", "-realtime=false"}, &bytes.Buffer{}); err != nil || o.realTime {
			t.Errorf("-display sdl -realtime=false: realtime %v, %v", o.realTime, err)
		}
		t.Setenv("DISPLAY", ":0")
		if o, err := parseArgs(nil, &bytes.Buffer{}); err != nil || o.display != "sdl" {
			t.Errorf("default display with $DISPLAY: %q, %v", o.display, err)
		}
	}
	// A lone image name is -hda, as in QEMU.
	o, err = parseArgs([]string{"disk.vhd"}, &bytes.Buffer{})
	if err != nil || o.hd[0] != "disk.vhd" {
		t.Errorf("lone image: %v %v", o, err)
	}
}

func TestParseArgsMemory(t *testing.T) {
	for in, want := range map[string]int{"640K": 640 << 10, "640k": 640 << 10, "16": 16 << 20, "1M": 1 << 20, "size=2M": 2 << 20} {
		if got, err := parseMemory(in); err != nil || got != want {
			t.Errorf("parseMemory(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "0", "-1", "12Q", "99999999G"} {
		if _, err := parseMemory(in); err == nil {
			t.Errorf("parseMemory(%q) accepted", in)
		}
	}
}

func TestParseArgsErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"-cpu", "386"}, "-cpu 386"},
		{[]string{"-display", "term", "-debugcon", "stdio"}, "draws on the terminal"},
		{[]string{"-display", "curses"}, "use -display term"},
		{[]string{"-display", "vnc"}, "unknown display"},
		{[]string{"-boot", "d"}, "cannot be booted"},
		{[]string{"-boot", "order="}, "no boot order"},
		{[]string{"-boot", "foo=bar"}, "unknown option"},
		{[]string{"-debugcon", "tcp:1234"}, "-debugcon tcp:1234"},
		{[]string{"-serial", "pty"}, "-serial pty"},
		{[]string{"-audio", "pa"}, "unknown audio driver"},
		{[]string{"-audio", "sdl", "-display", "none"}, "needs -display sdl"},
		{[]string{"--audio-out", "disk.vhd"}, "must end in .wav"},
		{[]string{"-m", "lots"}, "not a memory size"},
		{[]string{"-m", "99G"}, "too large"},
		{[]string{"-mips", "5000"}, "-mips 5000"},
		{[]string{"--screendump", "x.bmp"}, ".txt or .png"},
		{[]string{"--timeout", "-5s"}, "negative"},
		{[]string{"-hda", "a", "b"}, "unexpected arguments"},
		{[]string{"a", "b"}, "unexpected arguments"},
		{[]string{"-nonsense"}, "unknown"},
		{[]string{"-hda"}, "needs an argument"},
		{[]string{"-monitor", "tcp::4444"}, "choose stdio, unix:PATH,server"},
		{[]string{"-monitor", "unix:/tmp/m"}, "add ,server"},
		{[]string{"-monitor", "unix:,server"}, "no socket path"},
		{[]string{"-monitor", "unix:/tmp/m,server,telnet"}, "unknown option \"telnet\""},
		{[]string{"-monitor", "stdio", "-serial", "stdio"}, "both read standard input"},
		{[]string{"-monitor", "stdio", "-debugcon", "stdio"}, "both write standard output"},
		{[]string{"-monitor", "stdio", "-display", "term"}, "draws on the terminal"},
	} {
		_, err := parseArgs(tc.args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("parseArgs(%q) = %v, want an error containing %q", tc.args, err, tc.want)
		}
	}
}

func TestParseArgsHelp(t *testing.T) {
	var out bytes.Buffer
	_, err := parseArgs([]string{"-help"}, &out)
	if !errors.Is(err, pflag.ErrHelp) {
		t.Fatalf("-help: %v", err)
	}
	for _, want := range []string{"usage: pcemu", "--hda", "--no-reboot", "--expect", "--screendump"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("usage lacks %q", want)
		}
	}
}

func TestNormaliseArgs(t *testing.T) {
	fs, _ := newFlagSet(&options{}, &bytes.Buffer{})
	got := normaliseArgs(fs, []string{"-hda", "x", "-m=4M", "-", "--stats", "-unknown", "--", "-hdb"})
	want := []string{"--hda", "x", "--m=4M", "-", "--stats", "-unknown", "--", "-hdb"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("normaliseArgs = %q, want %q", got, want)
	}
}

func TestParseArgsMouseAndAudio(t *testing.T) {
	o, err := parseArgs([]string{"-display", "none", "-serial", "msmouse", "--audio-out", "x.WAV"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if !o.serial.msmouse || o.serial.stdio || o.serial.path != "" || o.audio != "none" || o.audioOut != "x.WAV" {
		t.Errorf("-serial msmouse --audio-out x.WAV: %+v, audio %q %q", o.serial, o.audio, o.audioOut)
	}
	if o, err = parseArgs([]string{"-display", "none", "-audio", "driver=none"}, &bytes.Buffer{}); err != nil || o.audio != "none" {
		t.Errorf("-audio driver=none: %v %q", err, o.audio)
	}
}

func TestParseArgsMonitor(t *testing.T) {
	for _, tc := range []struct {
		arg  string
		want monitorDev
	}{
		{"stdio", monitorDev{stdio: true}},
		{"none", monitorDev{}},
		{"unix:/tmp/m.sock,server", monitorDev{unix: "/tmp/m.sock", wait: true}},
		{"unix:/tmp/m.sock,server,nowait", monitorDev{unix: "/tmp/m.sock"}},
		{"unix:/tmp/m.sock,server=on,wait=off", monitorDev{unix: "/tmp/m.sock"}},
	} {
		o, err := parseArgs([]string{"-monitor", tc.arg, "-display", "none"}, &bytes.Buffer{})
		if err != nil || o.monitor != tc.want {
			t.Errorf("-monitor %s: %+v, %v; want %+v", tc.arg, o.monitor, err, tc.want)
		}
	}
}

func TestParseGDB(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
		stop bool
	}{
		{[]string{"-s"}, "localhost:1234", false},
		{[]string{"-s", "-S"}, "localhost:1234", true},
		{[]string{"-gdb", "tcp::4321"}, "localhost:4321", false},
		{[]string{"-gdb", "tcp:0.0.0.0:4321"}, "0.0.0.0:4321", false},
		{[]string{"-gdb", "tcp:[::1]:4321,server,nowait"}, "[::1]:4321", false},
		{[]string{"-gdb", "none", "-S"}, "", true},
		{[]string{"-s", "-gdb", "tcp::1234"}, "localhost:1234", false},
	} {
		o, err := parseArgs(append(c.args, "-display", "none"), &bytes.Buffer{})
		if err != nil || o.gdb != c.want || o.startStopped != c.stop {
			t.Errorf("%v: gdb %q stopped %v, %v; want %q %v", c.args, o.gdb, o.startStopped, err, c.want, c.stop)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-gdb", "tcp::0"}, "port \"0\""},
		{[]string{"-gdb", "tcp::99999"}, "port \"99999\""},
		{[]string{"-gdb", "tcp:1234"}, "no port"},
		{[]string{"-gdb", "udp::1234"}, "choose tcp::PORT"},
		{[]string{"-gdb", "tcp::1234,wait"}, "unknown option \"wait\""},
		{[]string{"-s", "-gdb", "tcp::1"}, "cannot be combined"},
	} {
		_, err := parseArgs(append(c.args, "-display", "none"), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one saying %q", c.args, err, c.want)
		}
	}
}

func TestParseTrace(t *testing.T) {
	o, err := parseArgs([]string{"-d", "exec,int", "-D", "x.log", "-dfilter", "0x7c00..0x7dff,0xf0000+0x10000", "--trace-range", "100..", "-display", "none"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if o.traceItems != trace.Exec|trace.Int || o.traceLog != "x.log" || len(o.traceAddr) != 2 || o.traceAddr[1] != (trace.Range{First: 0xF0000, Last: 0xFFFFF}) || o.traceCount != (trace.Range{First: 100, Last: ^uint64(0)}) {
		t.Errorf("%+v", o)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-d", "cpu"}, `unknown log item "cpu"`},
		{[]string{"-D", "x.log"}, "need -d ITEMS"},
		{[]string{"-d", "exec", "-dfilter", "0x10"}, "-dfilter: range"},
		{[]string{"-d", "exec", "--trace-range", "5..1"}, "--trace-range: range"},
		{[]string{"-d", "exec", "--trace-range", "1..2,3..4"}, "one range"},
	} {
		_, err := parseArgs(append(c.args, "-display", "none"), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one saying %q", c.args, err, c.want)
		}
	}
}

func TestParseReverseMemory(t *testing.T) {
	for s, want := range map[string]int64{"": 256 << 20, "0": 0, "1G": 1 << 30, "64M": 64 << 20, "512": 512 << 20} {
		args := []string{"-display", "none"}
		if s != "" {
			args = append(args, "--reverse-memory", s)
		}
		o, err := parseArgs(args, &bytes.Buffer{})
		if err != nil || o.reverseMem != want {
			t.Errorf("--reverse-memory %q: %d %v, want %d", s, o.reverseMem, err, want)
		}
	}
	if _, err := parseArgs([]string{"--reverse-memory", "lots"}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "not a size") {
		t.Errorf("--reverse-memory lots: %v", err)
	}
}
