package main

// vhdtool ls and cp: files in and out of the FAT volumes of raw and VHD
// images (package fat), so that a pipeline needs no mtools offsets.

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"pcemu/disk"
	"pcemu/fat"
	"pcemu/internal/cp437"
)

// imageRef is an IMAGE[@N][:PATH] argument.
type imageRef struct {
	file string
	part int    // 0: found automatically
	path string // slash-separated, relative to the volume's root
}

// parseImageRef reads IMAGE[@N][:PATH]: the image is the longest prefix
// that names an existing file, so image names may hold ":" and "@".
func parseImageRef(s string) (imageRef, bool) {
	try := func(img, p string) (imageRef, bool) {
		r := imageRef{file: img, path: cleanInside(p)}
		if isFile(img) {
			return r, true
		}
		if i := strings.LastIndexByte(img, '@'); i > 0 {
			if n, err := strconv.Atoi(img[i+1:]); err == nil && n >= 1 && isFile(img[:i]) {
				r.file, r.part = img[:i], n
				return r, true
			}
		}
		return r, false
	}
	if r, ok := try(s, ""); ok {
		return r, true
	}
	for i := len(s) - 1; i > 0; i-- {
		if s[i] == ':' {
			if r, ok := try(s[:i], s[i+1:]); ok {
				return r, true
			}
		}
	}
	return imageRef{}, false
}

// isFile reports whether name is an image file: an existing file that is
// not a folder, after the format prefix disk.Open takes (raw:, vhd:; a
// file whose name starts so is ./raw:NAME, as for pcemu).
func isFile(name string) bool {
	for _, prefix := range []string{"raw:", "vhd:"} {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			name = rest
			break
		}
	}
	st, err := os.Stat(name)
	return err == nil && !st.IsDir()
}

// cleanInside makes a path inside the volume slash-separated without
// leading or trailing slashes; DOS's backslashes are accepted.
func cleanInside(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	p = path.Clean("/" + p)
	return strings.TrimPrefix(p, "/")
}

func (r imageRef) String() string {
	s := r.file
	if r.part > 0 {
		s += "@" + strconv.Itoa(r.part)
	}
	return s + ":/" + r.path
}

// volume is an open image and the FAT file system in it.
type volume struct {
	fs    *fat.FS
	close func() error // flushes a writable image, then closes it
}

// openVolume opens the image as pcemu opens a hard disk (disk.Open: a VHD
// by its name or footer, else raw; a FIFO or device refused at once) and
// its FAT volume. For writing, the image is locked exclusively as pcemu
// locks it, so an image in use is refused; for reading a shared lock keeps
// a writer out while vhdtool reads. What the user should know about an
// image opened for writing (a differencing child beside it, which the
// write spoils) goes to warn.
func openVolume(r imageRef, write bool, warn io.Writer) (*volume, error) {
	d, err := disk.Open(r.file, disk.Options{ReadOnly: !write})
	if err != nil {
		return nil, err
	}
	if write && d.ReadOnly() {
		d.Close()
		return nil, errors.New("the image is read-only")
	}
	if write {
		for _, w := range d.Warnings() {
			fmt.Fprintf(warn, "vhdtool: %s\n", w)
		}
	}
	off, n, err := fat.FindVolume(d, d.Size(), r.part)
	if err != nil {
		d.Close()
		return nil, err
	}
	opt := &fat.Options{CodePage: &cp437.Table}
	var v *fat.FS
	if write {
		v, err = fat.OpenWritable(d, off, n, opt)
	} else {
		v, err = fat.Open(d, off, n, opt)
	}
	if err != nil {
		d.Close()
		return nil, err
	}
	return &volume{fs: v, close: func() error {
		err := v.Flush()
		if cerr := d.Close(); err == nil { // flushes the image, then closes it
			err = cerr
		}
		return err
	}}, nil
}

func cmdLs(args []string, stdout io.Writer) error {
	fl := flags("ls")
	recursive := fl.BoolP("recursive", "r", false, "list subdirectories too")
	a, err := parse(fl, args, 1, "IMAGE[@N][:PATH]")
	if err != nil {
		return err
	}
	ref, ok := parseImageRef(a[0])
	if !ok {
		return fileError{a[0], errors.New("no such image file")}
	}
	v, err := openVolume(ref, false, nil)
	if err != nil {
		return fileError{ref.file, err}
	}
	defer v.close()
	e, err := v.fs.Entry(ref.path)
	if err != nil {
		return fileError{ref.String(), inner(err)}
	}
	var files, bytes int64
	if !e.IsDir() {
		printEntry(stdout, e)
		files, bytes = 1, e.Size()
	} else if err := listDir(stdout, v.fs, ref.path, *recursive, &files, &bytes); err != nil {
		return fileError{ref.String(), inner(err)}
	}
	fmt.Fprintf(stdout, "%d file(s), %d bytes; %d bytes free (%v, %d-byte clusters)\n",
		files, bytes, v.fs.FreeBytes(), v.fs.Type, v.fs.ClusterSize())
	return nil
}

// listDir prints a directory as DIR does: one line per entry, and with
// recursive each subdirectory after a "Directory of" line.
func listDir(w io.Writer, v *fat.FS, dir string, recursive bool, files, bytes *int64) error {
	list, err := v.List(dir)
	if err != nil {
		return err
	}
	if recursive {
		fmt.Fprintf(w, "Directory of \\%s\n", strings.ReplaceAll(dir, "/", "\\"))
	}
	for i := range list {
		printEntry(w, &list[i])
		if !list[i].IsDir() {
			*files++
			*bytes += list[i].Size()
		}
	}
	if recursive {
		fmt.Fprintln(w)
		for i := range list {
			if list[i].IsDir() {
				if err := listDir(w, v, path.Join(dir, list[i].Name()), true, files, bytes); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// printEntry: date, time, size or <DIR>, the 8.3 name and, when it
// differs, the name Windows shows (the long name).
func printEntry(w io.Writer, e *fat.DirEntry) {
	size := "<DIR>"
	if !e.IsDir() {
		size = strconv.FormatInt(e.Size(), 10)
	}
	when := "                "
	if t := e.ModTime(); !t.IsZero() {
		when = t.Format("2006-01-02 15:04")
	}
	line := fmt.Sprintf("%s %12s  %-12s", when, size, e.ShortName)
	if e.Name() != e.ShortName {
		line += "  " + e.Name()
	}
	fmt.Fprintln(w, strings.TrimRight(line, " "))
}

// inner drops the *fs.PathError wrapper whose path the caller names.
func inner(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func cmdCp(args []string, stdout, stderr io.Writer) error {
	fl := flags("cp")
	recursive := fl.BoolP("recursive", "r", false, "copy folders and their contents")
	force := fl.BoolP("force", "f", false, "replace existing files")
	a, err := parse(fl, args, 2, "SOURCE and DESTINATION")
	if err != nil {
		return err
	}
	// In cp an image is always written IMAGE:PATH (":" alone is the root).
	src, srcImg := parseImageRef(a[0])
	dst, dstImg := parseImageRef(a[1])
	srcImg = srcImg && strings.Contains(a[0], ":") && !isFile(a[0])
	dstImg = dstImg && strings.Contains(a[1], ":") && !isFile(a[1])
	c := copier{recursive: *recursive, force: *force, warn: stderr}
	switch {
	case srcImg && dstImg:
		return usageError{"cp: both arguments are images; one must be a path on the host"}
	case srcImg:
		return c.out(src, a[1])
	case dstImg:
		return c.in(a[0], dst)
	}
	return usageError{fmt.Sprintf("cp: neither %q nor %q is IMAGE:PATH with an existing image", a[0], a[1])}
}

type copier struct {
	recursive, force bool
	warn             io.Writer // stderr
}

// out copies IMAGE:PATH to the host.
func (c copier) out(src imageRef, host string) error {
	v, err := openVolume(src, false, nil)
	if err != nil {
		return fileError{src.file, err}
	}
	defer v.close()
	e, err := v.fs.Entry(src.path)
	if err != nil {
		return fileError{src.String(), inner(err)}
	}
	if e.IsDir() && !c.recursive {
		return fileError{src.String(), errors.New("is a directory (use -r)")}
	}
	target := host
	if st, err := os.Stat(host); err == nil && st.IsDir() && src.path != "" {
		target = filepath.Join(host, hostName(e))
	}
	if e.IsDir() {
		return c.outDir(v.fs, src, src.path, target)
	}
	return c.outFile(v.fs, src, src.path, e, target)
}

// hostName is the name a file gets on the host: its long name, or its
// 8.3 name as DOS shows it.
func hostName(e *fat.DirEntry) string { return e.Name() }

func (c copier) outDir(v *fat.FS, src imageRef, dir, target string) error {
	if err := os.Mkdir(target, 0o777); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	list, err := v.List(dir)
	if err != nil {
		return fileError{src.file + ":/" + dir, inner(err)}
	}
	for i := range list {
		e := &list[i]
		p := path.Join(dir, e.Name())
		t := filepath.Join(target, hostName(e))
		if e.IsDir() {
			err = c.outDir(v, src, p, t)
		} else {
			err = c.outFile(v, src, p, e, t)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// outFile writes one file atomically: into a temporary file beside the
// target, renamed into place, so that the target is never half-written.
func (c copier) outFile(v *fat.FS, src imageRef, p string, e *fat.DirEntry, target string) error {
	if _, err := os.Lstat(target); err == nil && !c.force {
		return fileError{target, errors.New("exists (use -f to replace it)")}
	}
	in, err := v.Open(p)
	if err != nil {
		return fileError{src.file + ":/" + p, inner(err)}
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".vhdtool-*")
	if err != nil {
		return err
	}
	_, err = io.Copy(tmp, in)
	if err == nil {
		err = tmp.Chmod(os.FileMode(0o666 &^ umask()))
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chtimes(tmp.Name(), e.ModTime(), e.ModTime())
	}
	if err == nil {
		err = os.Rename(tmp.Name(), target)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fileError{target, err}
	}
	return nil
}

// in copies a host file or folder to IMAGE:PATH.
func (c copier) in(host string, dst imageRef) error {
	st, err := os.Stat(host)
	if err != nil {
		return fileError{host, inner(err)}
	}
	if st.IsDir() && !c.recursive {
		return fileError{host, errors.New("is a directory (use -r)")}
	}
	v, err := openVolume(dst, true, c.warn)
	if err != nil {
		return fileError{dst.file, err}
	}
	// As with cp(1), a folder goes into an existing folder under its own
	// name, except that DIR/. stands for DIR's contents.
	target := dst.path
	contents := st.IsDir() && (host == "." || strings.HasSuffix(host, string(filepath.Separator)+"."))
	if e, err := v.fs.Entry(dst.path); err == nil && e.IsDir() && !contents {
		target = path.Join(dst.path, filepath.Base(filepath.Clean(host)))
	}
	if st.IsDir() {
		err = c.inDir(v.fs, dst, host, target)
	} else {
		err = c.inFile(v.fs, dst, host, st, target)
	}
	if cerr := v.close(); err == nil && cerr != nil {
		err = fileError{dst.file, cerr}
	}
	return err
}

func (c copier) inDir(v *fat.FS, dst imageRef, host, target string) error {
	st, err := os.Stat(host)
	if err != nil {
		return fileError{host, inner(err)}
	}
	if target != "" {
		e, err := v.Entry(target)
		switch {
		case err == nil && !e.IsDir():
			return fileError{dst.file + ":/" + target, errors.New("exists and is not a directory")}
		case err != nil:
			if err := v.Mkdir(target, fat.FileOptions{ModTime: st.ModTime()}); err != nil {
				return fileError{dst.file + ":/" + target, inner(err)}
			}
		}
	}
	ents, err := os.ReadDir(host)
	if err != nil {
		return fileError{host, inner(err)}
	}
	for _, d := range ents {
		h := filepath.Join(host, d.Name())
		t := path.Join(target, d.Name())
		st, err := os.Stat(h)
		if err != nil {
			return fileError{h, inner(err)}
		}
		if st.IsDir() {
			if d.Type()&fs.ModeSymlink != 0 {
				return fileError{h, errors.New("is a symbolic link to a folder, which is not followed")}
			}
			err = c.inDir(v, dst, h, t)
		} else {
			err = c.inFile(v, dst, h, st, t)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (c copier) inFile(v *fat.FS, dst imageRef, host string, st os.FileInfo, target string) error {
	where := dst.file + ":/" + target
	if !st.Mode().IsRegular() {
		return fileError{host, fmt.Errorf("is not a regular file (%v)", st.Mode().Type())}
	}
	if target == "" {
		return fileError{where, errors.New("is the root directory")}
	}
	if e, err := v.Entry(target); err == nil {
		if e.IsDir() {
			return fileError{where, errors.New("is a directory")}
		}
		if !c.force {
			return fileError{where, errors.New("exists (use -f to replace it)")}
		}
		if err := v.Remove(target); err != nil {
			return fileError{where, inner(err)}
		}
	}
	f, err := os.Open(host)
	if err != nil {
		return fileError{host, inner(err)}
	}
	defer f.Close()
	var attr fat.Attr
	if st.Mode().Perm()&0o200 == 0 {
		attr |= fat.AttrReadOnly
	}
	if err := v.WriteFile(target, f, st.Size(), fat.FileOptions{Attr: attr, ModTime: st.ModTime()}); err != nil {
		return fileError{where, inner(err)}
	}
	return nil
}
