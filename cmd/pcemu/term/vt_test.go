package term

import (
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// vt is a small terminal emulator for the tests: it applies the sequences
// the painter uses (cursor position, SGR, erase, cursor visibility, the
// alternate screen) to a grid, so that a test reads back what a user
// would see.
type vt struct {
	mu        sync.Mutex
	rows      int
	cols      int
	grid      [][]rune
	fg        [][]int // SGR foreground number per cell (30-37, 90-97), 0 for true colour
	row, col  int
	cursorOn  bool
	altScreen bool
	sgrFg     int
	pend      []byte
	raw       strings.Builder
}

func newVT(rows, cols int) *vt {
	v := &vt{rows: rows, cols: cols, cursorOn: true}
	v.clear()
	return v
}

func (v *vt) clear() {
	v.grid = make([][]rune, v.rows)
	v.fg = make([][]int, v.rows)
	for r := range v.grid {
		v.grid[r] = []rune(strings.Repeat(" ", v.cols))
		v.fg[r] = make([]int, v.cols)
	}
}

func (v *vt) Write(p []byte) (int, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.raw.Write(p)
	buf := append(v.pend, p...)
	v.pend = nil
	for len(buf) > 0 {
		if buf[0] == 0x1B {
			n := v.escape(buf)
			if n == 0 {
				v.pend = append([]byte(nil), buf...)
				break
			}
			buf = buf[n:]
			continue
		}
		if !utf8.FullRune(buf) {
			v.pend = append([]byte(nil), buf...)
			break
		}
		r, n := utf8.DecodeRune(buf)
		buf = buf[n:]
		switch r {
		case '\r':
			v.col = 0
		case '\n':
			v.row = min(v.row+1, v.rows-1)
		default:
			if v.row < v.rows && v.col < v.cols {
				v.grid[v.row][v.col] = r
				v.fg[v.row][v.col] = v.sgrFg
			}
			v.col = min(v.col+1, v.cols-1) // no auto-wrap
		}
	}
	return len(p), nil
}

// escape applies the sequence at the start of b and returns its length (0:
// incomplete).
func (v *vt) escape(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	if b[1] != '[' {
		return 2
	}
	i := 2
	for i < len(b) && b[i] >= 0x20 && b[i] <= 0x3F {
		i++
	}
	if i == len(b) {
		return 0
	}
	params, final := string(b[2:i]), b[i]
	private := strings.HasPrefix(params, "?")
	params = strings.TrimPrefix(params, "?")
	nums := []int{}
	for _, f := range strings.Split(params, ";") {
		n, _ := strconv.Atoi(f)
		nums = append(nums, n)
	}
	arg := func(i, def int) int {
		if i < len(nums) && nums[i] != 0 {
			return nums[i]
		}
		return def
	}
	switch {
	case final == 'H':
		v.row, v.col = arg(0, 1)-1, arg(1, 1)-1
	case final == 'J' && arg(0, 0) == 2:
		v.clear()
	case final == 'K':
		for c := v.col; c < v.cols; c++ {
			v.grid[v.row][c] = ' '
		}
	case final == 'm':
		for j := 0; j < len(nums); j++ {
			switch n := nums[j]; {
			case n == 0:
				v.sgrFg = 0
			case n >= 30 && n <= 37 || n >= 90 && n <= 97:
				v.sgrFg = n
			case n == 38 || n == 48:
				j += 4 // 38;2;r;g;b
			}
		}
	case private && (final == 'h' || final == 'l'):
		on := final == 'h'
		switch arg(0, 0) {
		case 25:
			v.cursorOn = on
		case 1049:
			v.altScreen = on
		}
	}
	return i + 1
}

// line returns row r with trailing spaces removed.
func (v *vt) line(r int) string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return strings.TrimRight(string(v.grid[r]), " \u00A0")
}

// text returns the first n rows as the machine's ScreenText would.
func (v *vt) text(n int) string {
	lines := make([]string, n)
	for r := range lines {
		lines[r] = v.line(r)
	}
	return strings.Join(lines, "\n")
}

func (v *vt) contains(s string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, l := range v.grid {
		if strings.Contains(string(l), s) {
			return true
		}
	}
	return false
}

func (v *vt) cursor() (row, col int, on bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.row, v.col, v.cursorOn
}

func (v *vt) output() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.raw.String()
}
