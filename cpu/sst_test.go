package cpu

// SingleStepTests conformance (../shared/README.md, sst/): every test of
// every opcode file runs on a fresh register state, and the final registers
// (FLAGS under the opcode's flags-mask) and RAM are compared.

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"pcemu/internal/shared"
)

type sstState struct {
	Regs map[string]int `json:"regs"`
	RAM  [][2]int       `json:"ram"`
}

type sstTest struct {
	Name     string   `json:"name"`
	Bytes    []int    `json:"bytes"`
	Initial  sstState `json:"initial"`
	Final    sstState `json:"final"`
	Hash     string   `json:"hash"`
	TestHash string   `json:"test_hash"`
}

// sstSummary collects the closing line of each suite; TestMain prints them
// after the tests, outside any test, so that they show in the package's
// own output (go test, scripts/gotest) and not only with -v.
var sstSummary []string

func TestMain(m *testing.M) {
	code := m.Run()
	for _, l := range sstSummary {
		fmt.Println(l)
	}
	os.Exit(code)
}

var sstRegNames = [...]string{"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"}
var sstSegNames = [...]string{"es", "cs", "ss", "ds"}

type sstMeta struct {
	Opcodes map[string]struct {
		Status    string `json:"status"`
		FlagsMask *int   `json:"flags-mask"`
		Reg       map[string]struct {
			Status    string `json:"status"`
			FlagsMask *int   `json:"flags-mask"`
		} `json:"reg"`
	} `json:"opcodes"`
}

// flagsMask returns the flags-mask for a file named "XX" or "XX.R".
func (m *sstMeta) flagsMask(name string) uint16 {
	op, reg, _ := strings.Cut(name, ".")
	o, ok := m.Opcodes[op]
	if !ok {
		return 0xFFFF
	}
	if reg != "" {
		if r, ok := o.Reg[reg]; ok && r.FlagsMask != nil {
			return uint16(*r.FlagsMask)
		}
		return 0xFFFF
	}
	if o.FlagsMask != nil {
		return uint16(*o.FlagsMask)
	}
	return 0xFFFF
}

// sstBus is the test machine: ports read as all ones, as on the
// generator's hardware; nothing lives outside RAM.
type sstBus struct{}

func (sstBus) Read8(uint32) uint8   { return 0xFF }
func (sstBus) Write8(uint32, uint8) {}
func (sstBus) In8(uint16) uint8     { return 0xFF }
func (sstBus) Out8(uint16, uint8)   {}
func (sstBus) In16(uint16) uint16   { return 0xFFFF }
func (sstBus) Out16(uint16, uint16) {}

type sstResult struct {
	file           string
	passed, failed int
	msgs           []string
}

func loadSSTFile(path string) ([]sstTest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var tests []sstTest
	if err := json.NewDecoder(z).Decode(&tests); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return tests, nil
}

// runSST runs one test on c and returns "" or a description of the
// differences.
func runSST(c *CPU, ram []byte, t *sstTest, mask uint16, is286 bool) string {
	// Fresh internal state, then the test's registers and memory.
	c.Reset()
	if is286 {
		c.SetA20(true)
	}
	for i, n := range sstRegNames {
		c.Regs[i] = uint16(t.Initial.Regs[n])
	}
	for i, n := range sstSegNames {
		c.Segs[i] = uint16(t.Initial.Regs[n])
	}
	c.IP = uint16(t.Initial.Regs["ip"])
	c.SetFlags(uint16(t.Initial.Regs["flags"]))
	for _, m := range t.Initial.RAM {
		ram[m[0]] = byte(m[1])
	}
	defer func() {
		for _, m := range t.Initial.RAM {
			ram[m[0]] = 0
		}
		for _, m := range t.Final.RAM {
			ram[m[0]] = 0
		}
	}()

	var err error
	if is286 {
		// Each 286 test ends with HLT after the instruction (or in the
		// handler it jumps to).
		for i := 0; i < 1<<17 && !c.Halted() && err == nil; i++ {
			err = c.Step()
		}
		if !c.Halted() && err == nil {
			return "did not reach HLT"
		}
	} else {
		err = c.Step()
		for i := 0; i < 1<<17 && c.repPending && err == nil; i++ {
			err = c.Step()
		}
	}
	if err != nil {
		return "error: " + err.Error()
	}

	var diff []string
	want := func(name string) uint16 {
		if v, ok := t.Final.Regs[name]; ok {
			return uint16(v)
		}
		return uint16(t.Initial.Regs[name])
	}
	for i, n := range sstRegNames {
		if w := want(n); c.Regs[i] != w {
			diff = append(diff, fmt.Sprintf("%s=%04X want %04X", n, c.Regs[i], w))
		}
	}
	for i, n := range sstSegNames {
		if w := want(n); c.Segs[i] != w {
			diff = append(diff, fmt.Sprintf("%s=%04X want %04X", n, c.Segs[i], w))
		}
	}
	if w := want("ip"); c.IP != w {
		diff = append(diff, fmt.Sprintf("ip=%04X want %04X", c.IP, w))
	}
	if g, w := c.Flags()&mask, want("flags")&mask; g != w {
		diff = append(diff, fmt.Sprintf("flags=%04X want %04X (mask %04X, xor %04X)", g, w, mask, g^w))
	}
	for _, m := range t.Final.RAM {
		if ram[m[0]] != byte(m[1]) {
			diff = append(diff, fmt.Sprintf("[%05X]=%02X want %02X", m[0], ram[m[0]], m[1]))
		}
	}
	if diff == nil {
		return ""
	}
	return strings.Join(diff, " ")
}

func runSSTSuite(t *testing.T, suite, dir string, model Model) {
	var meta sstMeta
	mb, err := os.ReadFile(filepath.Join(dir, "metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(mb, &meta); err != nil {
		t.Fatalf("%s/metadata.json: %v", dir, err)
	}
	revoked := map[string]bool{}
	if b, err := os.ReadFile(filepath.Join(dir, "revocation_list.txt")); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				revoked[l] = true
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json.gz"))
	if len(files) == 0 {
		t.Fatalf("no *.json.gz test files in %s", dir)
	}
	sort.Strings(files)
	pm := hashList(t, "sst_protected_mode.txt")

	jobs := make(chan string)
	results := make(chan sstResult)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ram := make([]byte, 0x200000)
			c := New(model, ram, sstBus{})
			for path := range jobs {
				name := strings.TrimSuffix(filepath.Base(path), ".json.gz")
				res := sstResult{file: name}
				tests, err := loadSSTFile(path)
				if err != nil {
					res.failed++
					res.msgs = append(res.msgs, err.Error())
					results <- res
					continue
				}
				mask := meta.flagsMask(name)
				for i := range tests {
					tc := &tests[i]
					h := tc.Hash + tc.TestHash
					if revoked[h] {
						continue
					}
					if _, ok := pm[h]; ok {
						continue
					}
					d := runSST(c, ram, tc, mask, model == Model80286)
					if d != "" {
						res.failed++
						if len(res.msgs) < 3 {
							res.msgs = append(res.msgs, fmt.Sprintf("%s #%d %q % X: %s", name, i, tc.Name, tc.Bytes, d))
						}
					} else {
						res.passed++
					}
				}
				results <- res
			}
		}()
	}
	go func() {
		for _, f := range files {
			jobs <- f
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	var all []sstResult
	passed, failed := 0, 0
	for r := range results {
		all = append(all, r)
		passed += r.passed
		failed += r.failed
	}
	sort.Slice(all, func(i, j int) bool { return all[i].file < all[j].file })
	if failed > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "sst %s failures by opcode file:\n", suite)
		shown := 0
		for _, r := range all {
			if r.failed == 0 {
				continue
			}
			fmt.Fprintf(&b, "  %-6s %3d failed, %3d passed\n", r.file, r.failed, r.passed)
			for _, m := range r.msgs {
				if shown < 400 {
					fmt.Fprintf(&b, "      %s\n", m)
					shown++
				}
			}
		}
		fmt.Print(b.String())
	}
	line := fmt.Sprintf("sst %s: %d passed, %d failed", suite, passed, failed)
	t.Log(line)
	sstSummary = append(sstSummary, line)
	if failed > 0 {
		t.Errorf("%s", line)
	}
}

// hashList reads a list of test hashes from testdata: one per line, the
// hash first and then the reason; # starts a comment. Protected-mode tests
// (sst_protected_mode.txt) are not run.
func hashList(t *testing.T, name string) map[string]string {
	m := map[string]string{}
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		return m
	}
	for _, l := range strings.Split(string(b), "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		h, why, _ := strings.Cut(l, " ")
		m[h] = strings.TrimSpace(why)
	}
	return m
}

func sstDir(t *testing.T, env, rel string) string {
	if d := os.Getenv(env); d != "" {
		return shared.Require(t, d)
	}
	return shared.Path(t, rel)
}

func TestSingleStep8086(t *testing.T) {
	runSSTSuite(t, "8086", sstDir(t, "PCEMU_SST_8086", "sst/8086"), Model8086)
}

func TestSingleStep80286(t *testing.T) {
	runSSTSuite(t, "80286", sstDir(t, "PCEMU_SST_80286", "sst/80286"), Model80286)
}
