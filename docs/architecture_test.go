// Package docs holds the project's documents and the test that keeps the
// dependency list of ARCHITECTURE.md true.
package docs

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"pcemu/internal/shared"
)

const (
	module  = "pcemu/"
	doc     = "docs/ARCHITECTURE.md"
	section = "## The parts and the direction of dependencies"
	arrow   = "──►"
)

// depList is the dependency list of ARCHITECTURE.md: the packages in the
// order listed (paths inside the module) and what each may import.
type depList struct {
	order   []string
	imports map[string][]string
	line    map[string]int // line of the file where the package is listed
}

// parseDepList reads the first fenced block after the section heading:
// lines "pkg ──► dep, dep (comment)" and lines "pkg, pkg (comment)" of
// packages that import nothing of the project.
func parseDepList(text string) (*depList, error) {
	l := &depList{imports: map[string][]string{}, line: map[string]int{}}
	sc := bufio.NewScanner(strings.NewReader(text))
	n, state := 0, 0 // 0: before the section, 1: before the block, 2: in it
	for sc.Scan() {
		n++
		s := sc.Text()
		switch {
		case state == 0 && strings.TrimSpace(s) == section:
			state = 1
			continue
		case state == 1 && strings.HasPrefix(s, "```"):
			state = 2
			continue
		case state == 2 && strings.HasPrefix(s, "```"):
			return l, nil
		case state != 2:
			continue
		}
		if i := strings.Index(s, "("); i >= 0 {
			s = s[:i] // a comment
		}
		left, right, hasArrow := strings.Cut(s, arrow)
		pkgs := fields(left)
		if hasArrow && len(pkgs) != 1 {
			return nil, fmt.Errorf("%s:%d: one package before %s, got %q", doc, n, arrow, left)
		}
		for _, p := range pkgs {
			if _, dup := l.line[p]; dup {
				return nil, fmt.Errorf("%s:%d: %s is listed twice (also on line %d)", doc, n, p, l.line[p])
			}
			l.order = append(l.order, p)
			l.line[p] = n
		}
		if hasArrow {
			l.imports[pkgs[0]] = fields(right)
		}
	}
	return nil, fmt.Errorf("%s: no dependency list (a ``` block) under %q", doc, section)
}

// fields splits a comma- or space-separated list of packages.
func fields(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
}

// goList returns every package of the module (paths inside it) with the
// packages of the module it imports, test files aside, for this system's
// default build. A folder of tests only (this one) is no package to import.
func goList(t *testing.T) map[string][]string {
	t.Helper()
	gobin := shared.Tool(t, "go")
	cmd := exec.Command(gobin, "list", "-f", `{{if .GoFiles}}{{.ImportPath}}{{range .Imports}} {{.}}{{end}}{{end}}`, module+"...")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	graph := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		pkg := strings.TrimPrefix(f[0], module)
		graph[pkg] = []string{}
		for _, imp := range f[1:] {
			if strings.HasPrefix(imp, module) {
				graph[pkg] = append(graph[pkg], strings.TrimPrefix(imp, module))
			}
		}
	}
	return graph
}

// TestDependencyList: the list in ARCHITECTURE.md is the real import graph
// and points one way.
func TestDependencyList(t *testing.T) {
	text, err := os.ReadFile("ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	list, err := parseDepList(string(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range list.order {
		for _, dep := range list.imports[pkg] {
			if _, ok := list.line[dep]; !ok {
				t.Errorf("%s:%d: %s ──► %s: %s has no line of its own in the list", doc, list.line[pkg], pkg, dep, dep)
			} else if list.line[dep] <= list.line[pkg] {
				t.Errorf("%s:%d: %s ──► %s points up the list (%s is on line %d): dependencies point down it", doc, list.line[pkg], pkg, dep, dep, list.line[dep])
			}
		}
	}
	graph := goList(t)
	for pkg, imps := range graph {
		if _, ok := list.line[pkg]; !ok {
			line := pkg + " " + arrow + " " + strings.Join(imps, ", ")
			if len(imps) == 0 {
				line = pkg + " (with the packages that import nothing)"
			}
			t.Errorf("package %s is not in the dependency list of %s: give it a line, %q, below every package that imports it", pkg, doc, line)
			continue
		}
		for _, imp := range imps {
			if slices.Contains(list.imports[pkg], imp) {
				continue
			}
			how := fmt.Sprintf("if it is right, add %s to %s's line (%s:%d) and say why in the commit", imp, pkg, doc, list.line[pkg])
			if l, ok := list.line[imp]; ok && l <= list.line[pkg] {
				how = fmt.Sprintf("%s is listed above %s (line %d): this import points up the list, against the direction of dependencies; move the shared code down, or raise it with the lead in the issue that needs it", imp, pkg, l)
			}
			t.Errorf("%s imports %s, which %s does not list: %s", pkg, imp, doc, how)
		}
	}
	for _, pkg := range list.order {
		imps, ok := graph[pkg]
		if !ok {
			t.Errorf("%s:%d: package %s no longer exists: remove its line", doc, list.line[pkg], pkg)
			continue
		}
		for _, dep := range list.imports[pkg] {
			if !slices.Contains(imps, dep) {
				t.Errorf("%s:%d: %s no longer imports %s: remove it from the line", doc, list.line[pkg], pkg, dep)
			}
		}
	}
}

// The checks themselves: a list with an edge up, a missing line and a
// comment parses and is judged as TestDependencyList judges it.
func TestParseDepList(t *testing.T) {
	text := section + "\n\ntext\n\n```\na ──► b, c (why)\nb ──► c\nc, d   (leaves)\n```\n"
	l, err := parseDepList(text)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(l.order, []string{"a", "b", "c", "d"}) || !slices.Equal(l.imports["a"], []string{"b", "c"}) || len(l.imports["c"]) != 0 || l.line["b"] != 7 {
		t.Errorf("parsed %+v", l)
	}
	for _, bad := range []string{
		section + "\n```\na ──► b\na\n```\n",    // listed twice
		section + "\n```\na, b ──► c\nc\n```\n", // two before the arrow
		section + "\nno block\n",
	} {
		if _, err := parseDepList(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
