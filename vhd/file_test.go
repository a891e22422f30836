package vhd

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A FIFO, a socket, a character device or a directory given as an image is
// refused at once with the reason, by Open and Check alike; open(2) of a
// FIFO would block until a writer came.
func TestSpecialFilesRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.vhd")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock.vhd")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, c := range []struct{ name, want string }{
		{fifo, "not a regular file: a named pipe (FIFO)"},
		{sock, "not a regular file: a socket"},
		{"/dev/zero", "not a regular file: a character device"},
		{dir, "is a directory, not a disk image"},
	} {
		done := make(chan error, 3)
		go func() {
			_, err := Open(c.name, nil)
			done <- err
			_, err = Open(c.name, &OpenOptions{ReadOnly: true})
			done <- err
			_, err = Check(c.name, &CheckOptions{Repair: RepairAll})
			done <- err
		}()
		for range 3 {
			select {
			case err := <-done:
				if err == nil || err.Error() != "vhd: "+c.name+": "+c.want {
					t.Errorf("%s: %v, want %q", c.name, err, c.want)
				}
			case <-time.After(time.Second):
				t.Fatalf("%s: still opening after a second", c.name)
			}
		}
	}
}

// An image on a block device (a loop device over a VHD file) opens with
// the device's size. Making a loop device needs root: skipped otherwise.
func TestBlockDeviceImage(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("making a loop device needs root")
	}
	losetup, err := exec.LookPath("losetup")
	if err != nil {
		t.Skip("no losetup")
	}
	name := tmp(t, "f.vhd")
	d := mustCreate(t, name, CreateOptions{Type: Fixed, Size: 4 << 20})
	d.WriteAt([]byte("on a block device"), 1<<20)
	d.Close()
	out, err := exec.Command(losetup, "--find", "--show", name).Output()
	if err != nil {
		t.Skipf("losetup: %v (no loop devices here)", err)
	}
	dev := strings.TrimSpace(string(out))
	defer exec.Command(losetup, "-d", dev).Run()
	b := mustOpen(t, dev, &OpenOptions{ReadOnly: true})
	defer b.Close()
	got := make([]byte, 17)
	if _, err := b.ReadAt(got, 1<<20); err != nil || string(got) != "on a block device" || b.Size() != d.Size() {
		t.Fatalf("read %q, %v, size %d want %d", got, err, b.Size(), d.Size())
	}
}
