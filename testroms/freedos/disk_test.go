package freedos

import (
	"crypto/sha256"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/machine"
	"pcemu/machine/machinetest"
	"pcemu/vhd"
)

// diskCopyBatch is the AUTOEXEC.BAT of TestDiskCopy: build BIG1.BIN with
// COPY /B, copy it, compare, check the disk, keep the results in
// RESULT.TXT and power off. The IF ERRORLEVEL lines record the exit codes
// of FC (1: files differ) and CHKDSK.
var diskCopyBatch = batch(append(append([]string{`ECHO PCEMU-BUILD`}, buildLines...),
	`ECHO PCEMU-COPY`,
	`COPY /B BIG1.BIN BIG2.BIN`,
	`FC /B BIG1.BIN BIG2.BIN > RESULT.TXT`,
	`IF ERRORLEVEL 1 ECHO FC-ERRORLEVEL-NONZERO>> RESULT.TXT`,
	`CHKDSK C: >> RESULT.TXT`,
	`IF ERRORLEVEL 1 ECHO CHKDSK-ERRORLEVEL-NONZERO>> RESULT.TXT`,
	`ECHO PCEMU-DONE`,
	`FDAPM POWEROFF`,
)...)

// TestDiskCopy lets FreeDOS write about 5 MB through the IDE controller
// into each kind of VHD, then checks every byte on the host.
func TestDiskCopy(t *testing.T) {
	needTools(t)
	sharedImage(t)
	// The image format must make no difference to the guest: the same
	// run, instruction for instruction, on every kind, leaving the same
	// virtual disk behind, sector for sector.
	var mu sync.Mutex
	runs := map[string]diskRun{}
	defer func() {
		var first string
		for _, kind := range []string{kindFixed, kindDynamic, kindDifferencing} {
			r, ok := runs[kind]
			if !ok {
				continue
			}
			r.stats.HostTime = 0
			if first == "" {
				first, runs[kind] = kind, r
				continue
			}
			if f := runs[first]; r.stats != f.stats {
				t.Errorf("the %s image gave another run than the %s image: %+v, %+v", kind, first, r.stats, f.stats)
			} else if r.disk != f.disk {
				t.Errorf("the %s image holds other data than the %s image after the same run", kind, first)
			}
		}
	}()
	t.Run("group", func(t *testing.T) { diskCopyKinds(t, &mu, runs) })
}

// diskRun is what one kind of image gave: the machine's counters and the
// SHA-256 of the whole virtual disk afterwards.
type diskRun struct {
	stats machine.Stats
	disk  [sha256.Size]byte
}

func diskCopyKinds(t *testing.T, mu *sync.Mutex, runs map[string]diskRun) {
	for _, kind := range []string{kindFixed, kindDynamic, kindDifferencing} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			img := makeImage(t, kind, map[string][]byte{
				"AUTOEXEC.BAT": diskCopyBatch,
				"S.BIN":        seedS,
				"T.BIN":        seedT,
			})
			var parentHash string
			if img.parent != "" {
				parentHash = hashFile(t, img.parent)
				if parentHash != hashFile(t, sharedImage(t)) {
					t.Fatal("the parent is not a copy of the shared image")
				}
			}

			m := machinetest.Boot(t, machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20,
				HardDisks: [4]string{img.path}})
			m.WaitFor("PCEMU-BUILD", 60*time.Second)
			m.WaitFor("PCEMU-DONE", 2*time.Minute) // about 25 s
			done := m.Stats()
			t.Logf("PCEMU-DONE after %v virtual, %d instructions", done.VirtualTime.Round(time.Millisecond), done.Instructions)
			// FDAPM POWEROFF waits about 10 s for disks to spin down.
			reason, status := m.WaitStop(time.Minute)
			screen := m.ScreenText()
			if reason != machine.PowerOff || status != 0 {
				t.Fatalf("the machine stopped by %v with status %d, want power off by FDAPM\n%s", reason, status, screen)
			}
			if !strings.Contains(screen, "PCEMU-DONE") {
				t.Errorf("the marker before FDAPM POWEROFF is not on the screen:\n%s", screen)
			}
			s := m.Stats()
			t.Logf("%v virtual, %d instructions, %d sectors read, %d written, %.1f s host",
				s.VirtualTime.Round(time.Millisecond), s.Instructions, s.SectorsRead, s.SectorsWritten, s.HostTime.Seconds())
			if err := m.Close(); err != nil {
				t.Fatal(err)
			}

			rep, err := vhd.Check(img.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.OK() {
				t.Errorf("vhd.Check after the run: %v", rep.Errors)
			}
			for _, w := range rep.Warnings {
				t.Logf("vhd.Check warning: %s", w)
			}
			if img.parent != "" {
				if h := hashFile(t, img.parent); h != parentHash {
					t.Errorf("the read-only parent changed: SHA-256 %s, was %s", h, parentHash)
				}
			}

			raw := flatten(t, img.path)
			mu.Lock()
			runs[kind] = diskRun{stats: s, disk: sha256.Sum256(raw)}
			mu.Unlock()
			files := guestFiles(t, raw, "S.BIN", "T.BIN", "A.BIN", "B.BIN", "BIG1.BIN", "BIG2.BIN", "RESULT.TXT")
			for _, f := range []struct {
				name string
				want []byte
			}{
				{"S.BIN", seedS}, {"T.BIN", seedT}, {"A.BIN", wantA}, {"B.BIN", wantB},
				{"BIG1.BIN", wantBig}, {"BIG2.BIN", wantBig},
			} {
				if got, ok := files[f.name]; ok {
					sameBytes(t, f.name, got, f.want)
				}
			}
			result := string(files["RESULT.TXT"])
			checkFC(t, result)
			total, free := checkCHKDSK(t, result)

			out, clean := fsck(t, raw)
			if !clean {
				t.Errorf("fsck.fat -n finds the file system damaged:\n%s", out)
			}
			// fsck.fat's "N files, USED/TOTAL clusters" must agree with
			// the guest's CHKDSK.
			if m := regexp.MustCompile(`(\d+)/(\d+) clusters`).FindStringSubmatch(out); m == nil {
				t.Errorf("fsck.fat printed no cluster count:\n%s", out)
			} else if used, _ := strconv.Atoi(m[1]); total >= 0 && used != total-free {
				t.Errorf("fsck.fat counts %s used clusters, FreeDOS's CHKDSK %d of %d free\nfsck.fat: %sCHKDSK:\n%s", m[1], free, total, out, result)
			}
		})
	}
}

// checkFC checks FreeDOS FC's report on BIG1.BIN and BIG2.BIN: the
// "Comparing" line, then "No differences". On a mismatch FreeDOS's FC
// prints the offset and both bytes of each difference (up to 20) instead,
// and sets ERRORLEVEL 1.
func checkFC(t *testing.T, result string) {
	t.Helper()
	lines := strings.Split(strings.ReplaceAll(result, "\r\n", "\n"), "\n")
	if len(lines) < 2 || lines[0] != `Comparing C:\BIG1.BIN and C:\BIG2.BIN` || lines[1] != "No differences" {
		t.Errorf("FC /B BIG1.BIN BIG2.BIN did not report \"No differences\"; RESULT.TXT:\n%s", result)
	}
	if strings.Contains(result, "FC-ERRORLEVEL-NONZERO") {
		t.Errorf("FC ended with ERRORLEVEL 1 or more; RESULT.TXT:\n%s", result)
	}
}

// checkCHKDSK checks the CHKDSK C: part of RESULT.TXT and returns the
// cluster counts it reports (-1 when missing).
func checkCHKDSK(t *testing.T, result string) (total, free int) {
	t.Helper()
	_, report, ok := strings.Cut(result, "ChkDsk")
	if !ok {
		t.Errorf("RESULT.TXT has no CHKDSK report:\n%s", result)
		return -1, -1
	}
	if strings.Contains(result, "CHKDSK-ERRORLEVEL-NONZERO") {
		t.Errorf("CHKDSK C: ended with ERRORLEVEL 1 or more; RESULT.TXT:\n%s", result)
	}
	lower := strings.ToLower(report)
	for _, bad := range []string{"error", "lost", "cross", "invalid", "bad sector", "corrupt"} {
		if strings.Contains(lower, bad) {
			t.Errorf("CHKDSK C: reports %q:\n%s", bad, report)
		}
	}
	count := func(label string) int {
		// "     16.325 total number of clusters": the thousands
		// separator depends on the country settings.
		m := regexp.MustCompile(`(?m)^\s*([\d.,]+) ` + label + `\s*$`).FindStringSubmatch(report)
		if m == nil {
			t.Errorf("CHKDSK C: does not report %q:\n%s", label, report)
			return -1
		}
		n, _ := strconv.Atoi(strings.NewReplacer(".", "", ",", "").Replace(m[1]))
		return n
	}
	total, free = count("total number of clusters"), count("number of free clusters")
	if total <= 0 || free < 0 || free >= total {
		return -1, -1
	}
	return total, free
}
