package monitor

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"time"
)

// The monitor on a Unix socket (QEMU's -monitor unix:PATH,server): one
// client at a time, as QEMU's socket character device serves them; the
// next connects when the last has gone.

// ListenUnix listens on a Unix socket at path. A socket left there by a run
// that ended without removing it is replaced; a socket some program still
// listens on, or a file that is not a socket, is refused and left alone.
// Closing the listener removes the socket.
func ListenUnix(path string) (*net.UnixListener, error) {
	st, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	case st.Mode()&fs.ModeSocket == 0:
		return nil, fmt.Errorf("%s exists and is not a socket: not replaced", path)
	default:
		if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("%s: another program is listening on it", path)
		}
		if err := os.Remove(path); err != nil { // a stale socket
			return nil, err
		}
	}
	return net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
}

// ServeListener serves sessions on l one after another until l is closed,
// starting with first when it is not nil (the client pcemu waited for).
func (mon *Monitor) ServeListener(l net.Listener, first net.Conn) {
	conn := first
	for {
		if conn == nil {
			c, err := l.Accept()
			if err != nil {
				return // closed
			}
			conn = c
		}
		quit := errors.Is(mon.Serve(conn, conn), ErrQuit)
		conn.Close()
		conn = nil
		if quit {
			return
		}
	}
}
