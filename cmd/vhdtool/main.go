// Command vhdtool creates, inspects, checks, converts and commits VHD disk
// images (fixed, dynamic and differencing), interoperating with qemu-img.
//
//	vhdtool create [--type fixed|dynamic] [--size SIZE] [--force-size] [--block-size SIZE] FILE
//	vhdtool create --parent BASE.vhd FILE
//	vhdtool info [--json] [--ignore-parent-time] FILE
//	vhdtool check [-r leaks|all] [--discard-orphans] [--dry-run] [--ignore-parent-time] FILE
//	vhdtool undo-repair FILE
//	vhdtool convert [-O raw|fixed|dynamic] [--progress] [--sync] SRC DST
//	vhdtool commit [--ignore-parent-time] CHILD
//	vhdtool accept-parent CHILD
//	vhdtool ls [-r] IMAGE[@N][:PATH]
//	vhdtool cp [-r] [-f] IMAGE[@N]:PATH HOSTPATH
//	vhdtool cp [-r] [-f] HOSTPATH IMAGE[@N]:PATH
//
// Errors are printed as "vhdtool: FILE: reason" with exit status 1; usage
// errors exit with status 2.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"
)

const usageText = `usage: vhdtool COMMAND [options] FILE...

commands:
  create [--type fixed|dynamic] [--size SIZE] [--force-size] [--block-size SIZE] FILE
  create --parent BASE.vhd FILE        make a differencing child of BASE.vhd
  info [--json] FILE                   show the footer, header and sizes
  check [-r leaks|all] [--discard-orphans] [--dry-run] FILE
                                       verify the image; -r repairs (see README):
                                       leaks: only space that holds no data,
                                       all: errors too (--repair is -r all);
                                       saves what it overwrites in FILE.repair-backup
  undo-repair FILE                     put back what the last repair overwrote
  convert [-O raw|fixed|dynamic] [--progress] [--sync] SRC DST
                                       copy raw or any VHD (chains flattened);
                                       --sync: fsync the new file at the end
  commit CHILD                         merge a differencing child into its parent
  accept-parent CHILD                  record the parent's current time in CHILD,
                                       after checking the parent's contents are
                                       the ones CHILD was made over
  ls [-r] IMAGE[@N][:PATH]             list a folder of the FAT volume in a raw or VHD image
  cp [-r] [-f] IMAGE[@N]:PATH HOSTPATH copy a file (-r: a folder) out of the image
  cp [-r] [-f] HOSTPATH IMAGE[@N]:PATH copy a file (-r: a folder) into the image;
                                       -f replaces existing files

info, check, convert, commit and create --parent take --ignore-parent-time:
open a child whose parent was modified after the child was made.

IMAGE@N chooses partition N (1-4 primary, 5 and up logical); without it the
first FAT partition, or the whole image when it holds no partition table.
IMAGE is a VHD when its name ends in .vhd or it has a VHD footer, else raw,
as pcemu opens it; raw:IMAGE and vhd:IMAGE say which.

SIZE is in bytes or with a K, M, G or T (binary) suffix.
`

// usageError is a bad command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// fileError is a failure on a named file: "vhdtool: FILE: reason".
type fileError struct {
	file string
	err  error
}

func (e fileError) Error() string {
	err := e.err
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the file is named already
	}
	msg := err.Error()
	// Errors of package vhd already read "vhd: FILE: reason", those of
	// package disk "FILE: reason".
	if rest, ok := strings.CutPrefix(msg, "vhd: "); ok {
		return rest
	}
	if strings.HasPrefix(msg, e.file+": ") {
		return msg
	}
	return e.file + ": " + msg
}

func main() {
	catchSignals()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the whole program, testable: it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	err := dispatch(args, stdout, stderr)
	if err == nil {
		return 0
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "vhdtool: %s\n", ue.msg)
		fmt.Fprint(stderr, usageText)
		return 2
	}
	if errors.Is(err, errHelp) {
		fmt.Fprint(stdout, usageText)
		return 0
	}
	fmt.Fprintf(stderr, "vhdtool: %v\n", err)
	return 1
}

// errHelp asks run to print the usage text on standard output.
var errHelp = errors.New("help")

func dispatch(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"no command given"}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "create":
		return cmdCreate(rest, stdout)
	case "info":
		return cmdInfo(rest, stdout)
	case "check":
		return cmdCheck(rest, stdout)
	case "convert":
		return cmdConvert(rest, stdout, stderr)
	case "commit":
		return cmdCommit(rest, stdout)
	case "ls":
		return cmdLs(rest, stdout)
	case "cp":
		return cmdCp(rest, stdout, stderr)
	case "undo-repair":
		return cmdUndoRepair(rest, stdout)
	case "accept-parent":
		return cmdAcceptParent(rest, stdout)
	case "help", "-h", "--help":
		return errHelp
	}
	return usageError{fmt.Sprintf("unknown command %q", cmd)}
}

// flags makes a flag set whose errors are usage errors.
func flags(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	return fs
}

func parse(fs *pflag.FlagSet, args []string, nargs int, what string) ([]string, error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return nil, errHelp
		}
		return nil, usageError{fmt.Sprintf("%s: %v", fs.Name(), err)}
	}
	if fs.NArg() != nargs {
		return nil, usageError{fmt.Sprintf("%s: expected %s, got %d argument(s)", fs.Name(), what, fs.NArg())}
	}
	return fs.Args(), nil
}

// parseSize reads "1048576", "64K", "32M", "1G", "2T" (binary units; an
// optional trailing "B" or "iB" is accepted).
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := int64(1)
	if t != "" {
		switch t[len(t)-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		case 'T':
			mult = 1 << 40
		}
		if mult != 1 {
			t = t[:len(t)-1]
		}
	}
	var n int64
	if t == "" {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	for _, c := range t {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("invalid size %q", s)
		}
		if n > (1<<62)/10 {
			return 0, fmt.Errorf("size %q is too large", s)
		}
		n = n*10 + int64(c-'0')
	}
	if n > (1<<62)/mult {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return n * mult, nil
}

// parseBlockSize reads cmd's --block-size; package vhd checks that it is a
// power of two in range.
func parseBlockSize(cmd, s string) (uint32, error) {
	bs, err := parseSize(s)
	if err != nil || bs <= 0 || bs > 1<<31 {
		return 0, usageError{fmt.Sprintf("%s: --block-size %q: invalid", cmd, s)}
	}
	return uint32(bs), nil
}
