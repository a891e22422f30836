package vhd

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, testable with errors.Is.
var (
	// ErrInUse: another process has the image open for writing (or, for a
	// writer, open at all).
	ErrInUse = errors.New("image is in use")
	// ErrReadOnly: a write to a disk opened read-only.
	ErrReadOnly = errors.New("disk is read-only")
	// ErrFormat matches every *FormatError.
	ErrFormat = errors.New("invalid VHD image")
	// ErrParentChanged matches a *ParentChangedError.
	ErrParentChanged = errors.New("parent changed after the child was made")
)

// A FormatError describes a malformed image: the file, the structure
// ("footer", "dynamic header", "BAT", "parent locator 2", "block 17
// bitmap", "parent") and the field at fault.
type FormatError struct {
	File      string // the name the image was opened with
	Structure string
	Field     string // the field name as written in the specification, in snake case
	Msg       string // the whole reason, normally starting with the field

	loop bool // a loop or an overlong chain of parents, named from the first child
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("vhd: %s: %s: %s", e.File, e.Structure, e.Msg)
}

// Is makes errors.Is(err, ErrFormat) true for every FormatError.
func (e *FormatError) Is(target error) bool { return target == ErrFormat }

// formatErr builds a FormatError whose message starts with the field name.
func formatErr(file, structure, field, format string, args ...any) *FormatError {
	msg := fmt.Sprintf(format, args...)
	if field != "" {
		msg = field + " " + msg
	}
	return &FormatError{File: file, Structure: structure, Field: field, Msg: msg}
}

// PathError is an operating-system or usage error on an image file.
type PathError struct {
	File string
	Op   string // "open", "read", "write", "lock", "create", ...
	Err  error
}

func (e *PathError) Error() string {
	if e.Op == "" {
		return fmt.Sprintf("vhd: %s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("vhd: %s: %s: %v", e.File, e.Op, e.Err)
}

func (e *PathError) Unwrap() error { return e.Err }

// ParentError: the parent of a differencing disk failed to open.
type ParentError struct {
	Child string
	Err   error
}

func (e *ParentError) Error() string {
	return fmt.Sprintf("vhd: %s: parent %s", e.Child, strings.TrimPrefix(e.Err.Error(), "vhd: "))
}

func (e *ParentError) Unwrap() error { return e.Err }
