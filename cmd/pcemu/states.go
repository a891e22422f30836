package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"pcemu/machine"
	"pcemu/machine/statefile"
)

// Machine states on the command line: -loadstate, the window's keys to
// save and load a state.

// stateConfig leaves to the state -loadstate reads what the command line
// did not give: the model, memory, boot order and speed are the state's
// unless a flag named them (then they must agree, machine.Restore checks).
// The disks named are the state's images at another path.
func stateConfig(cfg *machine.Config, o *options) {
	if !o.given["cpu"] {
		cfg.Model = 0
	}
	if !o.given["m"] {
		cfg.MemorySize = 0
	}
	if !o.given["boot"] {
		cfg.BootOrder = ""
	}
	if !o.given["mips"] {
		cfg.NsPerInstruction = 0
	}
}

// stateKeys are the window's Ctrl+Alt+W and Ctrl+Alt+L: the first saves
// the machine's state to a new file pcemu-YYYYMMDD-HHMMSS.state in dir
// (never over another file), the second goes back to the state saved
// last, or to -loadstate's when none was saved yet.
type stateKeys struct {
	m    *machine.Machine
	dir  string
	last string
}

func (k *stateKeys) save() (string, error) {
	path, err := freeName(filepath.Join(k.dir, "pcemu-"+time.Now().Format("20060102-150405")), ".state")
	if err != nil {
		return "", err
	}
	s, err := k.m.Save()
	if err != nil {
		return "", fmt.Errorf("saving the state: %w", err)
	}
	if err := statefile.Save(path, s); err != nil {
		return "", err
	}
	k.last = path
	return path, nil
}

func (k *stateKeys) load() (string, error) {
	if k.last == "" {
		return "", errors.New("no state to go back to: save one first (Ctrl+Alt+W)")
	}
	f, err := statefile.Open(k.last)
	if err != nil {
		return "", err
	}
	if err := k.m.Load(f.State); err != nil {
		f.Close()
		return "", err
	}
	k.m.CloseWith(f)
	return k.last, nil
}

// freeName is base+ext, or base-2+ext, base-3+ext, ... whichever does not
// exist yet.
func freeName(base, ext string) (string, error) {
	path := base + ext
	for i := 2; ; i++ {
		if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
			return path, nil
		}
		if i > 1000 {
			return "", fmt.Errorf("%s: too many files with this name", base)
		}
		path = fmt.Sprintf("%s-%d%s", base, i, ext)
	}
}
