package suite

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, p := range []string{"tests/b.script", "tests/a.script", "tests/dos/c.script", "tests/.git/x.script", "tests/notes.txt", "one/x.script"} {
		write(t, p, "")
	}
	got, err := Find([]string{"tests", "one/x.script", "tests/dos/c.script", "./tests/a.script"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Script{
		{Path: "tests/a.script", Key: "a.script"},
		{Path: "tests/b.script", Key: "b.script"},
		{Path: "tests/dos/c.script", Key: "dos/c.script"},
		{Path: "one/x.script", Key: "x.script"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Find = %v\nwant %v", got, want)
	}
	if n := got[2].Name(); n != "tests/dos/c.script" {
		t.Errorf("Name = %q", n)
	}
	// The key does not depend on how the folder was named.
	abs, _ := Find([]string{filepath.Join(dir, "tests")})
	if abs[2].Key != "dos/c.script" || abs[2].Name() != "dos/c.script" {
		t.Errorf("absolute DIR: %+v, name %q", abs[2], abs[2].Name())
	}

	if err := syscall.Mkfifo("tests/fifo.script", 0o644); err != nil {
		t.Fatal(err)
	}
	os.Mkdir("empty", 0o755)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "no SCRIPT or DIR"},
		{[]string{"nope"}, "nope: no such file"},
		{[]string{"empty"}, "empty: no *.script files"},
		{[]string{"tests"}, "tests/fifo.script: not a regular file"},
		{[]string{"tests/fifo.script"}, "not a script file or a folder"},
	} {
		if _, err := Find(tc.args); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Find(%q) = %v, want an error with %q", tc.args, err, tc.want)
		}
	}
}

// Every script is in exactly one shard, whatever the names and the number
// of shards, and each shard keeps the suite's order.
func TestShardsPartitionTheSuite(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		var scripts []Script
		for i := range 1 + rng.IntN(300) {
			b := make([]byte, 1+rng.IntN(40))
			for j := range b {
				b[j] = byte(rng.IntN(256))
			}
			scripts = append(scripts, Script{Key: fmt.Sprintf("%d/%s.script", i, b)})
		}
		n := 1 + rng.IntN(40)
		count := map[string]int{}
		for k := 1; k <= n; k++ {
			sh, err := ParseShard(fmt.Sprintf("%d/%d", k, n))
			if err != nil {
				t.Fatal(err)
			}
			last := -1
			for _, s := range sh.Take(scripts) {
				count[s.Key]++
				i := indexOf(scripts, s.Key)
				if i <= last {
					t.Fatalf("trial %d: shard %v out of order", trial, sh)
				}
				last = i
			}
		}
		for _, s := range scripts {
			if count[s.Key] != 1 {
				t.Fatalf("trial %d, N=%d: %q is in %d shards", trial, n, s.Key, count[s.Key])
			}
		}
	}
}

func indexOf(scripts []Script, key string) int {
	for i, s := range scripts {
		if s.Key == key {
			return i
		}
	}
	return -1
}

// The shard of a name is fixed: FNV-1a of the key, so that every machine
// of a CI matrix (and every pcemu version) agrees. The shares are even.
func TestShardIsStableAndEven(t *testing.T) {
	sh := func(s string) Shard { x, _ := ParseShard(s); return x }
	// FNV-1a 64 of "dos/ver.script" is 0x...; its residues fix these.
	for _, tc := range []struct {
		key   string
		shard string
	}{
		{"dos/ver.script", fmt.Sprintf("%d/7", fnv64("dos/ver.script")%7+1)},
		{"a.script", fmt.Sprintf("%d/3", fnv64("a.script")%3+1)},
	} {
		if !sh(tc.shard).Has(tc.key) {
			t.Errorf("%s not in shard %s", tc.key, tc.shard)
		}
	}
	if fnv64("") != 0xcbf29ce484222325 || fnv64("a") != 0xaf63dc4c8601ec8c {
		t.Errorf("not FNV-1a: %x %x", fnv64(""), fnv64("a"))
	}
	const names, n = 20000, 8
	per := make([]int, n)
	for i := range names {
		for k := 1; k <= n; k++ {
			if sh(fmt.Sprintf("%d/%d", k, n)).Has(fmt.Sprintf("tests/t%05d.script", i)) {
				per[k-1]++
			}
		}
	}
	for k, c := range per {
		if c < names/n*9/10 || c > names/n*11/10 {
			t.Errorf("shard %d/%d has %d of %d scripts: %v", k+1, n, c, names, per)
		}
	}
}

// fnv64 is FNV-1a, 64 bits, written out from its definition (offset basis
// 14695981039346656037, prime 1099511628211).
func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func TestParseShard(t *testing.T) {
	if sh, err := ParseShard("2/5"); err != nil || sh != (Shard{2, 5}) || sh.String() != "2/5" {
		t.Errorf("ParseShard(2/5) = %v, %v", sh, err)
	}
	for _, bad := range []string{"", "1", "0/3", "4/3", "1/0", "a/b", "-1/2", "1/2/3"} {
		if _, err := ParseShard(bad); err == nil || !strings.Contains(err.Error(), "--shard") {
			t.Errorf("ParseShard(%q) = %v, want an error", bad, err)
		}
	}
}

func TestHeader(t *testing.T) {
	src := "#!comment\n# boots DOS 6.22\n\n" +
		"# pcemu: -hda 'my disk.vhd' -m 1M\n" +
		"  #pcemu: -cpu 8086 --audio-out \"a \\\"b\\\".wav\" x\\ y\n" +
		"# pcemu:\n" +
		"wait \"C:\\>\"   # pcemu: a comment after a step is no header\n"
	got, err := Header("t.script", src)
	want := []string{"-hda", "my disk.vhd", "-m", "1M", "-cpu", "8086", "--audio-out", `a "b".wav`, "x y"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Header = %q, %v\nwant %q", got, err, want)
	}
	if got, err := Header("t.script", "wait \"x\"\n"); err != nil || got != nil {
		t.Errorf("no header: %q, %v", got, err)
	}
	for _, tc := range []struct{ src, want string }{
		{"wait \"x\"\n# pcemu: -m 1M\n", "t.script:2: a \"# pcemu:\" header line must come before the first step (line 1)"},
		{"# pcemu: -hda 'x\n", "t.script:1: header: unterminated '"},
		{"\n# pcemu: -hda \"x\n", "t.script:2: header: unterminated \""},
		{"# pcemu: -hda x\\", "t.script:1: header: backslash at the end"},
	} {
		if _, err := Header("t.script", tc.src); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Header(%q) = %v, want %q", tc.src, err, tc.want)
		}
	}
}

// The replay command is quoted so that a shell (and the header's splitter,
// which splits as a shell does) reads back the same words.
func TestShellQuoteRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []rune("ab -_./:='\"\\$`*?~#!&;|<>()[]{}\tñ€")
	for range 2000 {
		words := make([]string, 1+rng.IntN(5))
		for i := range words {
			w := make([]rune, rng.IntN(8))
			for j := range w {
				w[j] = alphabet[rng.IntN(len(alphabet))]
			}
			words[i] = string(w)
		}
		got, err := splitWords(shellQuote(words))
		if err != nil || !reflect.DeepEqual(got, words) {
			t.Fatalf("%q -> %s -> %q, %v", words, shellQuote(words), got, err)
		}
	}
	if q := shellQuote([]string{"pcemu", "-hda", "a b.vhd", "--script", "x.script", ""}); q != "pcemu -hda 'a b.vhd' --script x.script ''" {
		t.Errorf("shellQuote = %s", q)
	}
}
