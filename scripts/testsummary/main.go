// Command testsummary reads `go test -json` output on stdin and prints, as
// the events arrive, what a person reads from plain `go test`: each
// package's line as soon as the package finishes, the compiler's messages
// of a package that did not build, the output of failed tests; then one
// closing line "N passed, N failed, N skipped". It exits 1 when anything
// failed, including a package that did not build.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

func main() {
	if !summarize(os.Stdin, os.Stdout) {
		os.Exit(1)
	}
}

// event is one line of `go test -json` (cmd/test2json; build-output and
// build-fail carry the compiler's messages, since Go 1.24).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// summarize copies the readable part of the events in r to w as they
// arrive and reports whether everything passed.
func summarize(r io.Reader, w io.Writer) (ok bool) {
	var passed, failed, skipped int
	output := map[string]*strings.Builder{} // "package test" -> its output so far
	var failedTests []string
	pkgFailed := false
	in := bufio.NewScanner(r)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	for in.Scan() {
		line := in.Bytes()
		var e event
		if json.Unmarshal(line, &e) != nil {
			// Lines that are not events (from go itself) go straight through.
			fmt.Fprintln(w, string(line))
			continue
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "build-output":
			fmt.Fprint(w, e.Output)
		case "output":
			b := output[key]
			if b == nil {
				b = &strings.Builder{}
				output[key] = b
			}
			b.WriteString(e.Output)
		case "pass", "fail", "skip":
			if e.Test == "" {
				// The package's result: its lines as plain go test shows them.
				if e.Action == "fail" {
					pkgFailed = true
					if b := output[key]; b != nil {
						fmt.Fprint(w, b.String())
					}
				} else if b := output[key]; b != nil {
					// Keep the package's own lines (ok / no test files /
					// summaries that tests print from TestMain).
					for _, l := range strings.SplitAfter(b.String(), "\n") {
						if l != "" && !strings.HasPrefix(l, "PASS") && !strings.HasPrefix(l, "=== ") {
							fmt.Fprint(w, l)
						}
					}
				}
				delete(output, key)
				continue
			}
			switch e.Action {
			case "pass":
				passed++
			case "fail":
				failed++
				failedTests = append(failedTests, key)
				if b := output[key]; b != nil {
					fmt.Fprint(w, b.String())
				}
			case "skip":
				skipped++
			}
			delete(output, key)
		}
	}
	if len(failedTests) > 0 {
		sort.Strings(failedTests)
		fmt.Fprintln(w, "failed tests:")
		for _, t := range failedTests {
			fmt.Fprintln(w, "  "+t)
		}
	}
	fmt.Fprintf(w, "%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	return failed == 0 && !pkgFailed
}
