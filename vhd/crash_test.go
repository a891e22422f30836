package vhd

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The crash test: a child process (this test binary, re-executed) writes
// random data into new blocks of a dynamic image, flushing every few
// writes and telling the parent how many writes are flushed; the parent
// kills it with SIGKILL at a random moment. Afterwards the image must open,
// check must find no error, and every flushed write must read back.

const (
	crashBlock    = 64 << 10
	crashSize     = 1024 * crashBlock
	crashPerRound = 64
	crashRounds   = 16
)

// crashWrite is write number k: which block, where in it, what data.
func crashWrite(k int) (off int64, data []byte) {
	perm := rand.New(rand.NewPCG(42, 42)).Perm(crashSize / crashBlock)
	r := rand.New(rand.NewPCG(uint64(k), 99))
	in := r.Int64N(crashBlock/512) * 512
	n := min(int64(r.IntN(3*crashBlock)+512)&^511, crashBlock-in)
	return int64(perm[k])*crashBlock + in, randBytes(r, int(n))
}

// TestCrashWriterProcess is the child; it does nothing in a normal run.
func TestCrashWriterProcess(t *testing.T) {
	img := os.Getenv("VHD_CRASH_IMAGE")
	if img == "" {
		t.Skip("helper process for TestCrashSafety")
	}
	start, _ := strconv.Atoi(os.Getenv("VHD_CRASH_START"))
	d, err := Open(img, nil)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	fmt.Println("ready")
	for k := start; k < start+crashPerRound; k++ {
		off, data := crashWrite(k)
		if _, err := d.WriteAt(data, off); err != nil {
			fmt.Println("error", err)
			os.Exit(3)
		}
		if (k-start)%3 == 2 {
			if err := d.Flush(); err != nil {
				fmt.Println("error", err)
				os.Exit(3)
			}
			fmt.Println("flushed", k+1)
		}
	}
	fmt.Println("done")
	time.Sleep(time.Minute) // wait for the kill
}

func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	img := tmp(t, "crash.vhd")
	mustCreate(t, img, CreateOptions{Type: Dynamic, Size: crashSize, BlockSize: crashBlock}).Close()
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	var flushed []int // write numbers known to be flushed
	for round := 0; round < crashRounds; round++ {
		start := round * crashPerRound
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWriterProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "VHD_CRASH_IMAGE="+img, "VHD_CRASH_START="+strconv.Itoa(start))
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 1000)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		if l := <-lines; l != "ready" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("round %d: child said %q", round, l)
		}
		delay := time.Duration(r.IntN(40000)+500) * time.Microsecond
		time.Sleep(delay)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		last := start
		for l := range lines {
			if n, ok := strings.CutPrefix(l, "flushed "); ok {
				last, _ = strconv.Atoi(n)
			} else if strings.HasPrefix(l, "error") {
				t.Fatalf("round %d: child: %s", round, l)
			}
		}
		for k := start; k < last; k++ {
			flushed = append(flushed, k)
		}
		rep, err := Check(img, nil)
		if err != nil || !rep.OK() {
			t.Fatalf("round %d (killed after %v, %d writes flushed): check: %v %+v", round, delay, last-start, err, rep)
		}
		d := mustOpen(t, img, &OpenOptions{ReadOnly: true})
		for _, k := range flushed {
			off, data := crashWrite(k)
			got := make([]byte, len(data))
			if _, err := d.ReadAt(got, off); err != nil {
				t.Fatal(err)
			}
			equalOrFail(t, fmt.Sprintf("round %d write %d", round, k), got, data)
		}
		d.Close()
		t.Logf("round %d: killed after %v, %d writes flushed, warnings %q", round, delay, last-start, rep.Warnings)
	}
	if len(flushed) == 0 {
		t.Fatal("no write was ever flushed: the kill came too early every time")
	}
}
