package freedos

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/internal/fattest"
	"pcemu/internal/shared"
	"pcemu/machine"
	"pcemu/machine/machinetest"
)

// The fat: folder tests: FreeDOS boots from the shared image (under
// -snapshot) with a host folder as D: (and E:), and uses it as a DOS user
// would; the host then looks at the folder.

// crc32.com is what nasm makes of crc32.asm.
func TestCRC32MatchesSource(t *testing.T) {
	nasm := shared.Tool(t, "nasm")
	out := filepath.Join(t.TempDir(), "crc32.com")
	if msg, err := exec.Command(nasm, "-f", "bin", "-o", out, "crc32.asm").CombinedOutput(); err != nil {
		t.Fatalf("nasm: %v\n%s", err, msg)
	}
	got, _ := os.ReadFile(out)
	want, err := os.ReadFile("crc32.com")
	if err != nil || !bytes.Equal(got, want) {
		t.Fatal("crc32.com differs from what nasm makes of crc32.asm: reassemble with `nasm -f bin -o testroms/freedos/crc32.com testroms/freedos/crc32.asm`")
	}
}

// hostFolder is the folder the tests show to FreeDOS.
func hostFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	com, err := os.ReadFile("crc32.com")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"hello.txt":              []byte("Hello from the host\r\n"),
		"Long File Name.txt":     []byte("a long name\r\n"),
		"nested/deeper/leaf.txt": []byte("leaf\r\n"),
		"crc32.com":              com,
		"rand.bin":               pattern(200_000, 7),
		"old.txt":                []byte("to be renamed\r\n"),
		"gone.txt":               []byte("to be deleted\r\n"),
		"emptydir/":              nil,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			os.MkdirAll(p, 0o755)
			continue
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// stamps are the folder's names with their sizes and modification times.
func stamps(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		m[rel] = fmt.Sprintf("%v %d %v", fi.Mode(), fi.Size(), fi.ModTime().UnixNano())
		return nil
	})
	return m
}

func sameStamps(t *testing.T, want, got map[string]string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, was %q", k, got[k], v)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: appeared", k)
		}
	}
}

// bootWith boots FreeDOS from the shared image with extra hard disks
// (hdb, hdc) and waits for the prompt.
func bootWith(t *testing.T, hdb, hdc string) *machinetest.M {
	t.Helper()
	m := machinetest.Boot(t, machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20,
		HardDisks: [4]string{sharedImage(t), hdb, hdc}, Snapshot: true})
	m.WaitFor(`C:\>`, 60*time.Second)
	m.WaitPrompt(`C:\>`, 60*time.Second)
	return m
}

// dos runs a command on a cleared screen, waits for its prompt and
// returns the screen; each want must be on it.
func dos(t *testing.T, m *machinetest.M, command string, want ...string) string {
	t.Helper()
	m.Type("cls\r")
	m.WaitPrompt(`C:\>`, 60*time.Second)
	m.Type(command + "\r")
	m.WaitFor(`C:\>`+command, 10*time.Second)
	m.WaitPrompt(`C:\>`, 60*time.Second)
	s := m.ScreenText()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Errorf("%s: the screen lacks %q:\n%s", command, w, s)
		}
	}
	return s
}

// powerOff ends FreeDOS with FDAPM POWEROFF and closes the machine: the
// orderly end at which fat:rw: folders are written back.
func powerOff(t *testing.T, m *machinetest.M) {
	t.Helper()
	m.Type("fdapm poweroff\r")
	if reason, _ := m.WaitStop(60 * time.Second); reason != machine.PowerOff {
		t.Fatalf("stopped by %v, want power off\n%s", reason, m.ScreenText())
	}
	if err := m.Close(); err != nil {
		t.Fatalf("closing: %v", err)
	}
}

func crcLine(b []byte) string {
	return fmt.Sprintf("CRC32 %08X SIZE %08X", crc32.ChecksumIEEE(b), len(b))
}

// -hdb fat:DIR: FreeDOS lists, reads and copies the host's files, long
// names as NAME~1.EXT, nested folders, and runs a .COM from D: that reads a
// file byte for byte; its writes to D: are seen by itself but never reach
// the folder.
func TestFatFolderReadOnly(t *testing.T) {
	dir := hostFolder(t)
	before := stamps(t, dir)
	m := bootWith(t, "fat:"+dir, "")
	dos(t, m, "dir d:", "Volume in drive D is HOST FOLDER", "HELLO    TXT            21", "LONGFI~1 TXT", "NESTED", "<DIR>", "CRC32    COM")
	dos(t, m, `type d:\hello.txt`, "Hello from the host")
	dos(t, m, `type d:\longfi~1.txt`, "a long name")
	dos(t, m, `dir d:\nested\deeper`, "LEAF     TXT             6")
	dos(t, m, `type d:\nested\deeper\leaf.txt`, "leaf")
	dos(t, m, `copy d:\hello.txt c:\hello2.txt`)
	dos(t, m, `type c:\hello2.txt`, "Hello from the host")
	dos(t, m, `d:\crc32 d:\rand.bin`, crcLine(pattern(200_000, 7)))
	// Writes go to the overlay: FreeDOS sees them...
	dos(t, m, `echo scribbled> d:\hello.txt`)
	dos(t, m, `del d:\old.txt`)
	dos(t, m, `md d:\newdir`)
	dos(t, m, `type d:\hello.txt`, "scribbled")
	dos(t, m, "dir d:", "NEWDIR")
	// ...the folder never does.
	powerOff(t, m)
	sameStamps(t, before, stamps(t, dir))
}

// -hdb fat:rw:DIR: what FreeDOS creates, changes, renames and deletes
// (files and folders) is in the folder after the power-off, exactly; host
// names are kept for the files the guest kept.
func TestFatFolderReadWrite(t *testing.T) {
	dir := hostFolder(t)
	want := fattest.Listing(t, dir)
	m := bootWith(t, "fat:rw:"+dir, "")
	dos(t, m, `echo appended>> d:\hello.txt`)
	dos(t, m, `echo made by dos> d:\newfile.txt`)
	dos(t, m, `ren d:\old.txt renamed.txt`)
	dos(t, m, `del d:\gone.txt`)
	dos(t, m, `md d:\newdir`)
	dos(t, m, `md d:\newdir\sub`)
	dos(t, m, `copy d:\hello.txt d:\newdir\sub\copy.txt`)
	dos(t, m, `rd d:\emptydir`)
	dos(t, m, `copy d:\nested\deeper\leaf.txt d:\leaf2.txt`)
	dos(t, m, `del d:\nested\deeper\leaf.txt`)
	dos(t, m, `d:\crc32 d:\longfi~1.txt > d:\crc.out`)
	// Nothing reaches the folder before the end.
	fattest.CompareListings(t, want, fattest.Listing(t, dir))
	powerOff(t, m)

	hello := []byte("Hello from the host\r\nappended\r\n")
	want["hello.txt"] = hello
	want["NEWFILE.TXT"] = []byte("made by dos\r\n")
	// REN keeps the rest of the entry, with the lower-case flags that
	// old.txt's 8.3 entry had: Windows would show renamed.txt too.
	want["renamed.txt"] = want["old.txt"]
	delete(want, "old.txt")
	delete(want, "gone.txt")
	delete(want, "emptydir/")
	want["NEWDIR/"] = nil
	want["NEWDIR/SUB/"] = nil
	want["NEWDIR/SUB/COPY.TXT"] = hello
	want["LEAF2.TXT"] = want["nested/deeper/leaf.txt"]
	delete(want, "nested/deeper/leaf.txt")
	want["CRC.OUT"] = []byte(crcLine([]byte("a long name\r\n")) + "\r\n")
	fattest.CompareListings(t, want, fattest.Listing(t, dir))
}

// A 100 MB file goes from a read-only folder (D:) to a fat:rw: folder
// (E:) through FreeDOS's COPY and arrives byte for byte.
func TestFatFolderBigFile(t *testing.T) {
	src, dst := t.TempDir(), t.TempDir()
	big := pattern(100_000_000, 9)
	if err := os.WriteFile(filepath.Join(src, "big.bin"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	m := bootWith(t, "fat:"+src, "fat:rw:"+dst)
	dos(t, m, `dir e:`, "Volume in drive E is HOST FOLDER")
	m.Type("cls\r")
	m.WaitPrompt(`C:\>`, 60*time.Second)
	m.Type(`copy d:\big.bin e:\` + "\r")
	m.WaitFor("=>> e:\\big.bin", 10*time.Second)
	m.WaitFor("=>> e:\\big.bin\nC:\\>", 120*time.Second)
	powerOff(t, m)
	got, err := os.ReadFile(filepath.Join(dst, "BIG.BIN"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, big) {
		t.Errorf("BIG.BIN: %d bytes that differ from the 100,000,000 copied", len(got))
	}
}

// -fda fat:rw:DIR: the folder as drive A:, a diskette, with the guest's
// new file written back at power-off.
func TestFatFloppy(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "hello.txt"), []byte("Hello, A:\r\n"), 0o644)
	m := machinetest.Boot(t, machine.Config{Model: cpu.Model80286, MemorySize: 4 << 20,
		HardDisks: [4]string{sharedImage(t)}, Floppies: [2]string{"fat:rw:" + dir}, BootOrder: "c", Snapshot: true})
	m.WaitFor(`C:\>`, 60*time.Second)
	m.WaitPrompt(`C:\>`, 60*time.Second)
	dos(t, m, "dir a:", "HELLO    TXT            11")
	dos(t, m, `type a:\hello.txt`, "Hello, A:")
	dos(t, m, `echo from a floppy> a:\new.txt`)
	powerOff(t, m)
	fattest.CompareListings(t, map[string][]byte{
		"hello.txt": []byte("Hello, A:\r\n"), "NEW.TXT": []byte("from a floppy\r\n"),
	}, fattest.Listing(t, dir))
}

// The ways a pcemu process ends, seen from a fat:rw: folder: SIGKILL
// leaves the folder exactly as it was (nothing is written before the
// orderly end), SIGTERM and SIGINT write the guest's changes back.
func TestFatFolderSignals(t *testing.T) {
	script := filepath.Join(t.TempDir(), "changes.pcs")
	os.WriteFile(script, []byte(strings.Join([]string{
		`wait "C:\>" 60s`,
		`type "echo changed> d:\\hello.txt\r"`,
		`type "del d:\\old.txt\r"`,
		`type "md d:\\made\r"`,
		`type "echo PCEMU-DONE> com1\r"`,
		`sleep 600s`,
	}, "\n")+"\n"), 0o644)
	for _, tc := range []struct {
		sig     syscall.Signal
		written bool
	}{{syscall.SIGKILL, false}, {syscall.SIGTERM, true}, {syscall.SIGINT, true}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			dir := hostFolder(t)
			before := stamps(t, dir)
			want := fattest.Listing(t, dir)
			p := startPcemu(t, "fat", "-hda", sharedImage(t), "-snapshot", "-hdb", "fat:rw:"+dir, "--script", script)
			p.waitLine("PCEMU-DONE", 1)
			p.signal(tc.sig)
			st := p.wait()
			if !tc.written {
				sameStamps(t, before, stamps(t, dir))
				return
			}
			if ws, ok := st.Sys().(syscall.WaitStatus); !ok || ws.ExitStatus() != 128+int(tc.sig) {
				t.Errorf("exit %v, want status %d\n%s", st, 128+int(tc.sig), p.errors())
			}
			want["hello.txt"] = []byte("changed\r\n")
			delete(want, "old.txt")
			want["MADE/"] = nil
			fattest.CompareListings(t, want, fattest.Listing(t, dir))
		})
	}
}
