// Package freedos holds end-to-end tests that run FreeDOS on pcemu and
// check, on the host, what it wrote to the disk. There is no code here
// besides the tests and their helpers.
//
// The disk test (TestDiskCopy) rewrites AUTOEXEC.BAT of a copy of
// ../shared/images/freedos-hd.vhd so that FreeDOS, at boot, builds a file
// of about 2 MB with COPY /B, copies it, compares the two with FC /B, runs
// CHKDSK C:, writes the results to C:\RESULT.TXT and powers off with
// FDAPM POWEROFF. The host then reads the files back through package vhd
// and mtools, compares them with the bytes computed in Go and runs
// fsck.fat -n on the partition. It runs on a fixed, a dynamic and a
// differencing image (over a read-only parent that must stay unchanged).
//
// The fault tests run the pcemu command as a child process: killed with
// SIGKILL in the middle of the copy, the image must still open, pass
// vhdtool check and boot; a second pcemu on an image in use (VHD, raw hard
// disk or floppy) must refuse, and with -snapshot two must run side by side.
//
// The fat: tests (fatdisk_test.go) boot FreeDOS with host folders as D:
// and E: (-hdb fat:DIR, fat:rw:DIR) and -fda fat:rw:DIR: DIR, TYPE, COPY,
// crc32.com (nasm source beside it) run from D: on a file of the folder, a
// 100 MB COPY from one folder to the other compared byte for byte, what
// DOS creates, changes, renames and deletes found in the folder after the
// power-off (and after SIGTERM and SIGINT), and nothing changed by the
// read-only form or by SIGKILL.
//
// The bell test (bell_test.go) types a file holding BEL from a host folder
// and finds the BIOS's beep, 896 Hz for 31/64 s, in the --audio-out WAV.
//
// The tests need mtools (mcopy, mformat) and fsck.fat (dosfstools); they
// are skipped without them, except under CI=true, where they fail.
package freedos
