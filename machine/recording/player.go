package recording

import (
	"fmt"

	"pcemu/machine"
)

// Player replays a recording's events (a machine.Player): inputs at their
// instants, and checks of the machine's digest where the recording made
// them, so that a replay that goes elsewhere says where.
type Player struct {
	rec       *Recording
	i         int
	lastMatch machine.Instant // the last checkpoint the replay matched
	matched   int             // checkpoints matched
	done      bool            // the end line was played and matched
}

// NewPlayer replays rec from its first event. A recording without its end
// line (the recorded run was killed) ends at its last event.
func NewPlayer(rec *Recording) *Player {
	if !rec.Ended && len(rec.Events) > 0 {
		last := rec.Events[len(rec.Events)-1]
		rec.Events = append(rec.Events, Event{Line: last.Line, At: last.At, Input: &machine.Input{Kind: machine.InputEnd}})
	}
	return &Player{rec: rec}
}

// Next is the next event's instant (machine.Player).
func (p *Player) Next() (machine.Instant, string, bool) {
	if p.i >= len(p.rec.Events) {
		return machine.Instant{}, "", false
	}
	e := &p.rec.Events[p.i]
	return e.At, e.what(), true
}

// Play takes the next event at its instant (machine.Player).
func (p *Player) Play(at machine.Instant, digest func() machine.Digest) (*machine.Input, error) {
	e := &p.rec.Events[p.i]
	p.i++
	if e.Input != nil {
		return e.Input, nil
	}
	d := digest()
	if d != e.Digest {
		return nil, &DivergedError{At: at, Line: e.Line, Want: e.Digest, Got: d, LastMatch: p.lastMatch, Matched: p.matched}
	}
	p.lastMatch = at
	p.matched++
	if e.End != "" {
		p.done = true
		return &machine.Input{Kind: machine.InputEnd}, nil
	}
	return nil, nil
}

// Done reports whether the replay reached the recording's end with the
// same digest.
func (p *Player) Done() bool { return p.done }

// Checks is how many checkpoints (the end included) the replay matched.
func (p *Player) Checks() int { return p.matched }

// DivergedError is a checkpoint whose digest the replay does not have:
// the run went elsewhere between the last matching checkpoint and this
// one.
type DivergedError struct {
	At        machine.Instant
	Line      int
	Want, Got machine.Digest
	LastMatch machine.Instant
	Matched   int
}

func (e *DivergedError) Error() string {
	what := []string{}
	if e.Want.RAM != e.Got.RAM {
		what = append(what, "memory")
	}
	if e.Want.Screen != e.Got.Screen {
		what = append(what, "screen")
	}
	if e.Want.DiskWrites != e.Got.DiskWrites {
		what = append(what, "disk writes")
	}
	since := "the start"
	if e.Matched > 0 {
		since = e.LastMatch.String()
	}
	return fmt.Sprintf("%v: at %v (the recording's line %d) the %v differ; the run went elsewhere after %s (%d checkpoints matched)",
		machine.ErrDiverged, e.At, e.Line, join(what), since, e.Matched)
}

func (e *DivergedError) Is(target error) bool { return target == machine.ErrDiverged }

func join(s []string) string {
	switch len(s) {
	case 0:
		return "digests"
	case 1:
		return s[0]
	}
	out := s[0]
	for i, x := range s[1:] {
		if i == len(s)-2 {
			out += " and " + x
		} else {
			out += ", " + x
		}
	}
	return out
}
