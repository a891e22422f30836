package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"pcemu/disk"
	"pcemu/machine"
	"pcemu/machine/recording"
	"pcemu/machine/statefile"
)

// --record and --replay (package machine/recording): the recording starts
// with the machine as it was built and, for a run from -loadstate, the
// state file itself; --replay builds the same machine, gives the recorded
// inputs back at their instants and checks the digests.

// replayConfig makes cfg the recorded machine: its hardware, RTC and
// settings; its images unless the command line gives them at another
// place. The images are never written by a replay (-snapshot).
func replayConfig(cfg *machine.Config, o *options, rec *recording.Recording) {
	r := rec.Start.Config
	cfg.Model, cfg.MemorySize, cfg.Mouse, cfg.BootOrder = r.Model, r.MemorySize, r.Mouse, r.BootOrder
	cfg.NsPerInstruction, cfg.NoReboot, cfg.WaitOnNoBoot, cfg.IgnoreParentTime = r.NsPerInstruction, r.NoReboot, r.WaitOnNoBoot, r.IgnoreParentTime
	cfg.RTCStart = r.RTCStart
	cfg.Snapshot = true
	for i := range cfg.HardDisks {
		if o.hd[i] == "" {
			cfg.HardDisks[i] = r.HardDisks[i]
		}
		cfg.HardDisks[i] = disk.WithoutWriteBack(cfg.HardDisks[i]) // -snapshot leaves fat:rw: writing
	}
	for i := range cfg.Floppies {
		if o.fd[i] == "" {
			cfg.Floppies[i] = r.Floppies[i]
		}
		cfg.Floppies[i] = disk.WithoutWriteBack(cfg.Floppies[i])
	}
}

// replayState is the state an embedded -loadstate run starts from.
func replayState(rec *recording.Recording) (*machine.State, error) {
	if rec.Start.State == nil {
		return nil, nil
	}
	return statefile.Decode(bytes.NewReader(rec.Start.State), int64(len(rec.Start.State)), rec.Name+" (its starting state)")
}

// checkImages tells the user which of the machine's images are not the
// recorded run's: the replay then likely goes elsewhere, and says where.
func checkImages(m *machine.Machine, rec *recording.Recording, stderr io.Writer) {
	now := m.DiskIdentities()
	for _, want := range rec.Start.Disks {
		found := false
		for _, got := range now {
			if got.Path == want.Path || got.UUID == want.UUID && want.Format == "vhd" {
				found = true
				if err := want.Same(&got); err != nil {
					fmt.Fprintf(stderr, "pcemu: warning: --replay: %v; the replay may go elsewhere\n", err)
				}
			}
		}
		if !found && want.Format != "memory" {
			fmt.Fprintf(stderr, "pcemu: warning: --replay: the recorded run had the image %s, this one has not\n", want.Path)
		}
	}
}

// startRecording begins --record's file: the machine as built and, after
// -loadstate, the state file whole (so that the recording replays without
// it), or with --record-state path its name and SHA-256.
func startRecording(ctx context.Context, m *machine.Machine, o *options, demo bool, waiting *waitingOutputs) (*recording.Recorder, *os.File, error) {
	st := &recording.Start{Config: m.Config(), Demo: demo, Disks: m.DiskIdentities()}
	for i, n := range st.Config.HardDisks {
		st.Config.HardDisks[i] = absName(n)
	}
	for i, n := range st.Config.Floppies {
		st.Config.Floppies[i] = absName(n)
	}
	if o.loadState != "" {
		b, err := os.ReadFile(o.loadState)
		if err != nil {
			return nil, nil, fmt.Errorf("--record: %w", err)
		}
		st.State = b
		if o.recordState == "path" {
			if st.StateFile, err = filepath.Abs(o.loadState); err != nil {
				return nil, nil, fmt.Errorf("--record: %w", err)
			}
		}
	}
	// A FIFO or pipe is closed when the host stops pcemu (waitingOutputs).
	f, err := interruptible(ctx, func() (*os.File, error) { return os.Create(o.record) }, closeFile)
	if err != nil {
		var h *hostStop
		if errors.As(err, &h) {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("recording: %w", err)
	}
	waiting.add(f)
	r, err := recording.New(f, st)
	if err != nil {
		f.Close()
		if waiting.cut(f) { // a reader that took nothing, then a signal
			return nil, nil, context.Cause(ctx)
		}
		return nil, nil, fmt.Errorf("recording %s: %w", o.record, err)
	}
	return r, f, nil
}

// absName is an image name with its file made absolute, so that a replay
// finds it from any folder: "x.vhd", "raw:x.img", "fat:rw:dir".
func absName(name string) string {
	if name == "" {
		return ""
	}
	prefix, file := "", name
	for _, p := range []string{"raw:", "vhd:", "fat:rw:", "fat:"} {
		if rest, ok := strings.CutPrefix(name, p); ok {
			prefix, file = p, rest
			break
		}
	}
	if abs, err := filepath.Abs(file); err == nil {
		file = abs
	}
	return prefix + file
}

// replayStatus is --replay's verdict: 0 when the run reached the
// recording's end with the same digest (or, for a recording without an end,
// its last event), 1 when it went elsewhere (said by the run loop, from
// the machine's error) or stopped before the end.
func replayStatus(m *machine.Machine, p *recording.Player, rec *recording.Recording, status int, stderr io.Writer) int {
	at := m.Instant()
	switch {
	case p.Done():
		fmt.Fprintf(stderr, "pcemu: --replay: the recorded run repeated exactly to its end (%v, %d checkpoints), digest %v\n", at, p.Checks(), m.Digest())
		return 0
	case m.Stopped() == machine.Replayed:
		fmt.Fprintf(stderr, "pcemu: --replay: repeated to the recording's last event (%v, %d checkpoints matched); the recording has no end line: the recorded run was killed\n", at, p.Checks())
		return 0
	case m.Stopped() == machine.Failed:
		return exitError // the run loop said why
	}
	end := "its last event"
	if n := len(rec.Events); n > 0 {
		end = rec.Events[n-1].At.String()
	}
	fmt.Fprintf(stderr, "pcemu: --replay: the run stopped (%v) at %v, before the recording's end at %s: it went elsewhere after the last matching checkpoint (%d matched)\n",
		m.Stopped(), at, end, p.Checks())
	if status == 0 {
		status = exitError
	}
	return status
}
