package fat

import (
	"errors"
	"fmt"
)

// Sentinel errors, testable with errors.Is.
var (
	// ErrFormat matches every *FormatError.
	ErrFormat = errors.New("invalid FAT file system")
	// ErrReadOnly: a change to a volume opened without a writer.
	ErrReadOnly = errors.New("file system is read-only")
	// ErrNoSpace: no free cluster is left, or a fixed root directory is full.
	ErrNoSpace = errors.New("no space left on the volume")
)

// A FormatError describes a malformed volume: the structure ("boot
// sector", "FSInfo", "FAT", "directory \SUB", "MBR") and the field at
// fault, spelled as in [FAT] (BPB_BytsPerSec, DIR_FstClusLO, ...).
type FormatError struct {
	Structure string
	Field     string // empty when the fault is not one field's
	Msg       string // the whole reason, starting with the field
}

func (e *FormatError) Error() string { return fmt.Sprintf("fat: %s: %s", e.Structure, e.Msg) }

// Is makes errors.Is(err, ErrFormat) true for every FormatError.
func (e *FormatError) Is(target error) bool { return target == ErrFormat }

func formatErr(structure, field, format string, args ...any) *FormatError {
	msg := fmt.Sprintf(format, args...)
	if field != "" {
		msg = field + " " + msg
	}
	return &FormatError{Structure: structure, Field: field, Msg: msg}
}
