// Package suite runs a suite of pcemu scripts as `pcemu test` does: it finds
// the scripts (Find), takes a stable share of them for one machine of a CI
// matrix (Shard), runs each in a pcemu process of its own, several at a
// time (Runner), keeps the evidence of every failure in an output folder,
// and writes the results as JUnit XML (WriteJUnit).
//
// Each script runs in its own process rather than on a goroutine of the
// runner: a script that crashes, hangs or runs away with memory cannot
// take the suite down (a hung one is ended with SIGTERM, as a user would),
// every machine flag pcemu has works in a suite without a second copy of
// the flags-to-machine code, and the command line the runner ran is the
// command that reproduces the failure anywhere. A process costs about
// 8 ms on the reference machine, against about 150 ms to boot FreeDOS.
//
// The files:
//
//	suite.go   finding scripts: SCRIPT and DIR arguments, names, order
//	shard.go   --shard K/N: a stable partition by the hash of a script's name
//	header.go  the `# pcemu:` header lines a script sets its flags with
//	run.go     the runner: processes, evidence, the progress line, the report
//	junit.go   the JUnit XML report (Jenkins' junit-10.xsd)
package suite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Ext is the file name ending of the scripts a DIR argument stands for,
// the one the repository's scripts (machine/script/testdata) use.
const Ext = ".script"

// Script is one script of the suite.
type Script struct {
	// Path is the file as found: a SCRIPT argument as given, or a DIR
	// argument joined with the file's path inside it.
	Path string
	// Key is the script's name inside the root it was found in, with
	// forward slashes: its path below the DIR argument, or a SCRIPT
	// argument's base name. It picks the script's shard, so it must not
	// depend on where the suite is checked out.
	Key string
}

// Name is the script's name in reports, the JUnit file and the evidence
// folder: its path when that is relative and inside the working directory
// (what the user typed), else its key.
func (s Script) Name() string {
	if p := filepath.Clean(s.Path); filepath.IsLocal(p) {
		return filepath.ToSlash(p)
	}
	return s.Key
}

// Find returns the scripts the arguments name: a file is itself (any name),
// a folder is every *.script file below it, in lexical order, skipping
// folders whose name starts with a dot (.git). A script reached twice is
// taken once, the first time. A missing argument, a special file, or a
// folder without scripts is an error naming it.
func Find(args []string) ([]Script, error) {
	if len(args) == 0 {
		return nil, errors.New("no SCRIPT or DIR given")
	}
	var out []Script
	seen := map[string]bool{}
	add := func(s Script) error {
		abs, err := filepath.Abs(s.Path)
		if err != nil {
			return err
		}
		if !seen[abs] {
			seen[abs] = true
			out = append(out, s)
		}
		return nil
	}
	for _, arg := range args {
		fi, err := os.Stat(arg)
		if err != nil {
			return nil, err // *PathError names the argument
		}
		switch {
		case fi.Mode().IsRegular():
			if err := add(Script{Path: arg, Key: filepath.Base(arg)}); err != nil {
				return nil, err
			}
		case fi.IsDir():
			n := 0
			err := filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if d.IsDir() {
					if p != arg && strings.HasPrefix(d.Name(), ".") {
						return filepath.SkipDir
					}
					return nil
				}
				if !strings.HasSuffix(d.Name(), Ext) {
					return nil
				}
				if !d.Type().IsRegular() {
					// A link to a script counts; a link to anything else
					// (or a FIFO named x.script) is an error, not a hang.
					fi, err := os.Stat(p)
					if err != nil {
						return err
					}
					if !fi.Mode().IsRegular() {
						return fmt.Errorf("%s: not a regular file", p)
					}
				}
				rel, err := filepath.Rel(arg, p)
				if err != nil {
					return err
				}
				n++
				return add(Script{Path: p, Key: filepath.ToSlash(rel)})
			})
			if err != nil {
				return nil, err
			}
			if n == 0 {
				return nil, fmt.Errorf("%s: no *%s files in the folder", arg, Ext)
			}
		default:
			return nil, fmt.Errorf("%s: not a script file or a folder", arg)
		}
	}
	return out, nil
}
