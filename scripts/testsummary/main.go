// Command testsummary reads `go test -json` output on stdin and prints what a
// person reads from plain `go test` (package results, the output of failed
// tests) followed by one closing line "N passed, N failed, N skipped".
// It exits 1 when anything failed, including a package that did not build.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

func main() {
	var passed, failed, skipped int
	output := map[string]*strings.Builder{} // package/test -> output lines
	var failedTests []string
	pkgFailed := false
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	for in.Scan() {
		line := in.Bytes()
		var e event
		if json.Unmarshal(line, &e) != nil {
			// Build errors and other non-JSON lines go straight through.
			fmt.Println(string(line))
			continue
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "output":
			b := output[key]
			if b == nil {
				b = &strings.Builder{}
				output[key] = b
			}
			b.WriteString(e.Output)
		case "pass", "fail", "skip":
			if e.Test == "" {
				// Package result: print it like plain go test does.
				if e.Action == "fail" {
					pkgFailed = true
					if b := output[key]; b != nil {
						fmt.Print(b.String())
					}
				} else if b := output[key]; b != nil {
					// Keep the package's own lines (ok / no test files / summaries
					// that tests print from TestMain).
					for _, l := range strings.SplitAfter(b.String(), "\n") {
						if l != "" && !strings.HasPrefix(l, "PASS") && !strings.HasPrefix(l, "=== ") {
							fmt.Print(l)
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
					fmt.Print(b.String())
				}
			case "skip":
				skipped++
			}
			if e.Action != "fail" {
				delete(output, key)
			}
		}
	}
	if len(failedTests) > 0 {
		sort.Strings(failedTests)
		fmt.Println("failed tests:")
		for _, t := range failedTests {
			fmt.Println("  " + t)
		}
	}
	fmt.Printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	if failed > 0 || pkgFailed {
		os.Exit(1)
	}
}
