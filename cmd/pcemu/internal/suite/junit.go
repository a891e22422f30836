package suite

import (
	"encoding/xml"
	"fmt"
	"os"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// The JUnit XML report, in the form Jenkins' junit-10.xsd describes (the
// common ground of Jenkins, GitLab, GitHub's test reporters and
// Buildkite): one <testsuite> inside <testsuites>, one <testcase> per
// script. A failed step is a <failure> whose message is the step and the
// reason and whose text is the screen and the commands that repeat it; a script that
// could not run is an <error>; one the suite did not reach, <skipped>.
// Evidence files are attached as Jenkins' JUnit Attachments plugin reads
// them: a line [[ATTACHMENT|/absolute/path]] each in the case's
// <system-out>.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Hostname   string          `xml:"hostname,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure"`
	Error     *junitProblem `xml:"error"`
	Skipped   *junitProblem `xml:"skipped"`
	SystemOut *junitText    `xml:"system-out"`
	SystemErr *junitText    `xml:"system-err"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// junitText is the text of an element as CDATA, so that a screen reads as
// it looks in the file.
type junitText struct {
	Text string `xml:",cdata"`
}

// text returns s as element text, or nil (no element) for "".
func text(s string) *junitText {
	if s == "" {
		return nil
	}
	return &junitText{xmlChars(s)}
}

// xmlChars replaces what XML 1.0 cannot carry (control characters other
// than tab, newline and carriage return; invalid UTF-8) by U+FFFD: a
// guest's debug console output may hold anything. encoding/xml writes CDATA
// as it is.
func xmlChars(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case r < 0x20, r == utf8.RuneError, r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
			return utf8.RuneError
		}
		return r
	}, s)
}

// JUnitInfo describes the run as a whole.
type JUnitInfo struct {
	Name       string    // the suite's name ("pcemu test")
	Start      time.Time // when the run started
	Elapsed    time.Duration
	Properties [][2]string // name, value: the shard, the flags, ...
}

// WriteJUnit writes the results to the file at path as JUnit XML.
func WriteJUnit(path string, results []Result, info JUnitInfo) error {
	b, err := MarshalJUnit(results, info)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("--junit: %w", err)
	}
	return nil
}

// MarshalJUnit returns the results as a JUnit XML document.
func MarshalJUnit(results []Result, info JUnitInfo) ([]byte, error) {
	s := junitSuite{
		Name:      info.Name,
		Tests:     len(results),
		Time:      seconds(info.Elapsed),
		Timestamp: info.Start.UTC().Format("2006-01-02T15:04:05"),
	}
	s.Hostname, _ = os.Hostname()
	for _, p := range info.Properties {
		s.Properties = append(s.Properties, junitProperty{p[0], p[1]})
	}
	for i := range results {
		res := &results[i]
		name := res.Name()
		class := strings.ReplaceAll(path.Dir(name), "/", ".")
		if class == "." {
			class = "pcemu"
		}
		c := junitCase{Name: path.Base(name), Classname: class, File: res.Path, Time: seconds(res.Time)}
		switch res.Outcome {
		case Failed:
			s.Failures++
			c.Failure = &junitProblem{Message: res.Message, Type: res.Kind, Text: xmlChars(problemText(res))}
		case Errored:
			s.Errors++
			c.Error = &junitProblem{Message: res.Message, Type: res.Kind, Text: xmlChars(problemText(res))}
		case NotRun:
			s.Skipped++
			c.Skipped = &junitProblem{Message: res.Message, Type: res.Kind}
		}
		if res.Outcome != Passed {
			var out strings.Builder
			out.WriteString(res.Output)
			if res.Output != "" && !strings.HasSuffix(res.Output, "\n") {
				out.WriteString("\n")
			}
			for _, e := range res.Evidence {
				fmt.Fprintf(&out, "[[ATTACHMENT|%s]]\n", e)
			}
			c.SystemOut = text(out.String())
			c.SystemErr = text(res.Log)
		}
		s.Cases = append(s.Cases, c)
	}
	doc := junitSuites{
		Name: info.Name, Tests: s.Tests, Failures: s.Failures, Errors: s.Errors,
		Time: s.Time, Suites: []junitSuite{s},
	}
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("--junit: %w", err)
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}

// problemText is the text of a <failure> or <error>: the message, the
// screen and how to repeat the run.
func problemText(res *Result) string {
	var b strings.Builder
	b.WriteString(res.Message)
	b.WriteString("\n")
	if res.Screen != "" {
		b.WriteString("--- screen ---\n")
		b.WriteString(strings.TrimRight(res.Screen, "\n"))
		b.WriteString("\n--------------\n")
	}
	if res.Dir != "" && len(res.Evidence) > 0 {
		fmt.Fprintf(&b, "evidence: %s\n", res.Dir)
	}
	if res.Replay != "" {
		fmt.Fprintf(&b, "replay: %s\n", res.Replay)
	}
	if res.Rerun != "" {
		fmt.Fprintf(&b, "rerun: %s\n", res.Rerun)
	}
	return b.String()
}

func seconds(d time.Duration) string {
	return fmt.Sprintf("%.3f", d.Seconds())
}
