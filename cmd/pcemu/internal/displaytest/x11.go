package displaytest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"pcemu/internal/shared"
)

// StartXvfb starts a virtual X server on a free display (Xvfb picks it and
// reports it through -displayfd) and points DISPLAY at it (with SDL's video
// driver set to x11). Without Xvfb the test is skipped, except under CI,
// where it must run. It returns the display's number.
func StartXvfb(t *testing.T) string {
	t.Helper()
	path := shared.Tool(t, "Xvfb")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, "-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
		r.Close()
	}()
	select {
	case n := <-line:
		if n == "" {
			t.Fatalf("Xvfb did not start: %s", stderr.String())
		}
		t.Setenv("DISPLAY", ":"+n)
		t.Setenv("SDL_VIDEODRIVER", "x11")
		return n
	case <-time.After(30 * time.Second):
		t.Fatalf("Xvfb did not report its display: %s", stderr.String())
	}
	return ""
}

// CloseWindows asks every top-level window of X display n (a number, as
// StartXvfb returns it) to close, as a window manager does when the user
// clicks a window's close button: a ClientMessage WM_PROTOCOLS with
// WM_DELETE_WINDOW [ICCCM 4.2.8.1] sent to each child of the root window
// (Xvfb runs no window manager, so the application's windows are those).
// It speaks the core protocol itself [X11 protocol, "Connection Setup",
// InternAtom, QueryTree, SendEvent] over the server's Unix socket, which
// an Xvfb started without -auth accepts without authorization. It
// returns how many windows were asked.
func CloseWindows(n string) (int, error) {
	c, err := net.DialTimeout("unix", "/tmp/.X11-unix/X"+n, 5*time.Second)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	le := binary.LittleEndian
	// Connection setup: little-endian, protocol 11.0, no authorization.
	if _, err := c.Write([]byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}); err != nil {
		return 0, err
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(c, head); err != nil {
		return 0, err
	}
	setup := make([]byte, int(le.Uint16(head[6:]))*4)
	if _, err := io.ReadFull(c, setup); err != nil {
		return 0, err
	}
	if head[0] != 1 {
		return 0, fmt.Errorf("X display :%s refused the connection: %q", n, setup[:min(int(head[1]), len(setup))])
	}
	vendor := int(le.Uint16(setup[16:]))
	formats := int(setup[21])
	root := le.Uint32(setup[32+(vendor+3)&^3+8*formats:])

	// request sends a request and, when it has one, reads its reply
	// (skipping events), returning the reply's 32 bytes and extra data.
	request := func(b []byte, reply bool) ([]byte, error) {
		if _, err := c.Write(b); err != nil || !reply {
			return nil, err
		}
		for {
			r := make([]byte, 32)
			if _, err := io.ReadFull(c, r); err != nil {
				return nil, err
			}
			switch r[0] {
			case 0:
				return nil, fmt.Errorf("X error %d for request %d", r[1], b[0])
			case 1:
				extra := make([]byte, int(le.Uint32(r[4:]))*4)
				_, err := io.ReadFull(c, extra)
				return append(r, extra...), err
			}
		}
	}
	atom := func(name string) (uint32, error) {
		b := make([]byte, 8+(len(name)+3)&^3)
		b[0] = 16 // InternAtom, only-if-exists false
		le.PutUint16(b[2:], uint16(len(b)/4))
		le.PutUint16(b[4:], uint16(len(name)))
		copy(b[8:], name)
		r, err := request(b, true)
		if err != nil {
			return 0, err
		}
		return le.Uint32(r[8:]), nil
	}
	protocols, err := atom("WM_PROTOCOLS")
	if err != nil {
		return 0, err
	}
	deleteWindow, err := atom("WM_DELETE_WINDOW")
	if err != nil {
		return 0, err
	}
	q := make([]byte, 8)
	q[0] = 15 // QueryTree
	le.PutUint16(q[2:], 2)
	le.PutUint32(q[4:], root)
	r, err := request(q, true)
	if err != nil {
		return 0, err
	}
	children := int(le.Uint16(r[16:]))
	for i := range children {
		w := le.Uint32(r[32+4*i:])
		e := make([]byte, 44)
		e[0] = 25 // SendEvent, propagate false, event mask 0
		le.PutUint16(e[2:], 11)
		le.PutUint32(e[4:], w)
		ev := e[12:]
		ev[0] = 33 // ClientMessage
		ev[1] = 32 // format
		le.PutUint32(ev[4:], w)
		le.PutUint32(ev[8:], protocols)
		le.PutUint32(ev[12:], deleteWindow)
		// data[1] = CurrentTime (0)
		if _, err := request(e, false); err != nil {
			return i, err
		}
	}
	// A request with a reply after the events: the server has handled them.
	if _, err := atom("WM_PROTOCOLS"); err != nil {
		return children, err
	}
	return children, nil
}
