package testroms

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/machine"
	"pcemu/machine/machinetest"
	"pcemu/machine/trace"
)

// programTimeout bounds one program's run in virtual time; the slowest
// (pit_pic, bios_misc) need a few seconds of timer ticks.
const programTimeout = 60 * time.Second

// writeDisks makes the disks of a program run in dir: a dynamic VHD hard
// disk (the program, then the pattern) and a raw 1.44 MB floppy.
func writeDisks(t *testing.T, dir, name string, prog []byte) (hd, fd string) {
	t.Helper()
	hd = filepath.Join(dir, name+".vhd")
	fd = filepath.Join(dir, name+"-floppy.img")
	if err := WriteHardDisk(hd, prog); err != nil {
		t.Fatal(err)
	}
	if err := WriteFloppy(fd); err != nil {
		t.Fatal(err)
	}
	return hd, fd
}

// Each program runs on the machine pcemu builds by default (80286, 640 KiB)
// and on an 8086 PC, and must end through the exit port with status 1 (no
// failure), print its DONE line and no FAIL line. cpu_machine also runs on
// the 80186.
func TestPrograms(t *testing.T) {
	type run struct {
		prog    string
		model   cpu.Model
		sectors int64 // a large computed disk instead of the 10 MiB VHD
	}
	var runs []run
	for _, p := range Programs {
		runs = append(runs, run{p, cpu.Model80286, 0}, run{p, cpu.Model8086, 0})
	}
	runs = append(runs, run{"cpu_machine", cpu.Model80186, 0})
	// Disks whose cylinders exceed 1024 (the BIOS translates the CHS
	// geometry) and exceed LBA28 (IDENTIFY words 60-61 saturate).
	for _, sectors := range []int64{4 << 21, 200 << 21} {
		runs = append(runs, run{"bios_disk", cpu.Model80286, sectors}, run{"ide_ports", cpu.Model80286, sectors})
	}
	for _, r := range runs {
		name := r.prog
		if r.model != cpu.Model80286 {
			name = fmt.Sprintf("%s/%s", r.prog, modelName(r.model))
		}
		if r.sectors != 0 {
			name = fmt.Sprintf("%s/%dGiB", r.prog, r.sectors>>21)
		}
		t.Run(name, func(t *testing.T) {
			prog, err := Binary(r.prog)
			if err != nil {
				t.Fatal(err)
			}
			hd, fd := writeDisks(t, t.TempDir(), r.prog, prog)
			cfg := machine.Config{
				Model:     r.model,
				HardDisks: [4]string{hd},
				Floppies:  [2]string{fd},
				NoReboot:  true,
			}
			if r.sectors != 0 {
				cfg.HardDisks[0] = ""
				cfg.Drives[0] = newPatternDrive(prog, r.sectors, TagHardDisk)
			}
			m := machinetest.Boot(t, cfg)
			reason, status := m.WaitStop(programTimeout)
			out := m.DebugOutput()
			fails, passes, done := summarize(out)
			for _, l := range strings.Split(out, "\n") {
				if strings.HasPrefix(l, "INFO ") || strings.HasPrefix(l, "DONE ") {
					t.Log(l)
				}
			}
			for _, f := range fails {
				t.Errorf("%s", f)
			}
			if reason != machine.ExitPort {
				t.Errorf("stopped by %v, want the exit port; debug console:\n%s", reason, out)
			} else if status != 1 {
				t.Errorf("exit status %d, want 1 (%d failures reported)", status, (status-1)/2)
			}
			if !done {
				t.Errorf("no DONE line: the program did not finish; debug console:\n%s", out)
			}
			if passes == 0 {
				t.Errorf("no PASS line; debug console:\n%s", out)
			}
			if screen := m.ScreenText(); t.Failed() && strings.TrimSpace(screen) != "" {
				t.Logf("screen:\n%s", screen)
			}
		})
	}
}

// summarize returns the FAIL lines, the number of PASS lines and whether
// the closing DONE line was printed.
func summarize(out string) (fails []string, passes int, done bool) {
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "FAIL "):
			fails = append(fails, l)
		case strings.HasPrefix(l, "PASS "):
			passes++
		case strings.HasPrefix(l, "DONE "):
			done = true
		}
	}
	return fails, passes, done
}

func modelName(m cpu.Model) string {
	switch m {
	case cpu.Model8086:
		return "8086"
	case cpu.Model80186:
		return "80186"
	}
	return "80286"
}

// TestTraceGolden runs the trace program with pcemu's debug log of its own
// code (-d exec,int,ioport -dfilter 7C00h-8FFFh) and compares the log with
// testdata/trace.log. The instruction counts are taken relative to the
// program's first instruction, so that the BIOS's POST may change length;
// PCEMU_UPDATE_GOLDEN=1 rewrites the file (check the diff: every line is
// an instruction, interrupt or port access as the program makes it).
func TestTraceGolden(t *testing.T) {
	prog, err := Binary("trace")
	if err != nil {
		t.Fatal(err)
	}
	hd, _ := writeDisks(t, t.TempDir(), "trace", prog)
	m, err := machine.New(machine.Config{Model: cpu.Model80286, HardDisks: [4]string{hd}})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var log bytes.Buffer
	filter, _ := trace.ParseRanges("0x7c00..0x8fff")
	tr, err := trace.Start(m, trace.Options{Items: trace.Exec | trace.Int | trace.IOPort, Out: &log, Filter: filter})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if r, err := m.RunFor(ctx, programTimeout); r != machine.ExitPort || m.ExitStatus() != 1 {
		t.Fatalf("the trace program stopped with %v (%v), status %d:\n%s", r, err, m.ExitStatus(), m.DebugOutput())
	}
	if err := tr.Stop(); err != nil {
		t.Fatal(err)
	}
	got := relativeCounts(t, log.String())
	golden := filepath.Join("testdata", "trace.log")
	if os.Getenv("PCEMU_UPDATE_GOLDEN") == "1" {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		g, w := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(g), len(w)) {
			if g[i] != w[i] {
				t.Fatalf("the log differs from %s at line %d:\n got: %s\nwant: %s\n(PCEMU_UPDATE_GOLDEN=1 rewrites it)", golden, i+1, g[i], w[i])
			}
		}
		t.Fatalf("the log has %d lines, %s %d", len(g), golden, len(w))
	}
}

// relativeCounts rewrites each log line's instruction count (the second
// field) as the difference from the first line's.
func relativeCounts(t *testing.T, log string) string {
	var out strings.Builder
	var first uint64
	for i, line := range strings.Split(strings.TrimSuffix(log, "\n"), "\n") {
		kind, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimLeft(rest, " ")
		num, tail, _ := strings.Cut(rest, " ")
		n, err := strconv.ParseUint(num, 10, 64)
		if err != nil {
			t.Fatalf("log line %d has no count: %q", i+1, line)
		}
		if i == 0 {
			first = n
		}
		fmt.Fprintf(&out, "%-4s %10d %s\n", kind, n-first, tail)
	}
	return out.String()
}
