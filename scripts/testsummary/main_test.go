package main

import (
	"bufio"
	"io"
	"strings"
	"testing"
	"time"
)

const events = `{"Action":"start","Package":"p/a"}
{"Action":"run","Package":"p/a","Test":"TestOK"}
{"Action":"output","Package":"p/a","Test":"TestOK","Output":"=== RUN   TestOK\n"}
{"Action":"output","Package":"p/a","Test":"TestOK","Output":"    quiet log of a passing test\n"}
{"Action":"pass","Package":"p/a","Test":"TestOK"}
{"Action":"run","Package":"p/a","Test":"TestBad"}
{"Action":"output","Package":"p/a","Test":"TestBad","Output":"    a_test.go:9: want 1, got 2\n"}
{"Action":"fail","Package":"p/a","Test":"TestBad"}
{"Action":"skip","Package":"p/a","Test":"TestSkipped"}
{"Action":"output","Package":"p/a","Output":"FAIL\n"}
{"Action":"output","Package":"p/a","Output":"FAIL\tp/a\t0.01s\n"}
{"Action":"fail","Package":"p/a"}
{"ImportPath":"p/b [p/b.test]","Action":"build-output","Output":"# p/b [p/b.test]\n"}
{"ImportPath":"p/b [p/b.test]","Action":"build-output","Output":"b.go:2:23: cannot use \"x\" as int value\n"}
{"ImportPath":"p/b [p/b.test]","Action":"build-fail"}
{"Action":"output","Package":"p/b","Output":"FAIL\tp/b [build failed]\n"}
{"Action":"fail","Package":"p/b","FailedBuild":"p/b [p/b.test]"}
{"Action":"pass","Package":"p/c","Test":"TestC"}
{"Action":"output","Package":"p/c","Output":"PASS\n"}
{"Action":"output","Package":"p/c","Output":"ok  \tp/c\t0.02s\n"}
{"Action":"pass","Package":"p/c"}
`

// The output keeps what a person needs: failed tests' output, compiler
// messages, each package's line and the closing count.
func TestSummary(t *testing.T) {
	var out strings.Builder
	if summarize(strings.NewReader(events), &out) {
		t.Error("reported success with a failed test and a failed build")
	}
	want := `    a_test.go:9: want 1, got 2
FAIL
FAIL	p/a	0.01s
# p/b [p/b.test]
b.go:2:23: cannot use "x" as int value
FAIL	p/b [build failed]
ok  	p/c	0.02s
failed tests:
  p/a TestBad
2 passed, 1 failed, 1 skipped
`
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
	var all strings.Builder
	if !summarize(strings.NewReader(events[strings.Index(events, `{"Action":"pass","Package":"p/c","Test"`):]), &all) {
		t.Errorf("passing package reported as failed: %s", all.String())
	}
}

// Each package's line is written when the package ends, not at the end of
// the run: make test shows progress.
func TestSummaryStreams(t *testing.T) {
	r, w := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan bool, 1)
	go func() {
		done <- summarize(r, outW)
		outW.Close()
	}()
	lines := bufio.NewReader(outR)
	for _, pkg := range []string{"p/one", "p/two"} {
		io.WriteString(w, `{"Action":"pass","Package":"`+pkg+`","Test":"TestX"}`+"\n")
		io.WriteString(w, `{"Action":"output","Package":"`+pkg+`","Output":"ok  \t`+pkg+`\t0.01s\n"}`+"\n")
		io.WriteString(w, `{"Action":"pass","Package":"`+pkg+`"}`+"\n")
		got := make(chan string)
		go func() {
			l, _ := lines.ReadString('\n')
			got <- l
		}()
		select {
		case l := <-got:
			if l != "ok  \t"+pkg+"\t0.01s\n" {
				t.Fatalf("line %q, want %s's", l, pkg)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s's line not shown while the run goes on", pkg)
		}
	}
	w.Close()
	if rest, _ := io.ReadAll(lines); string(rest) != "2 passed, 0 failed, 0 skipped\n" || !<-done {
		t.Errorf("end %q", rest)
	}
}
