package vhd

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
)

// Report is the result of Check or Repair. Errors make the image unusable
// or wrong; warnings (leaked space) do not.
type Report struct {
	Errors   []string
	Warnings []string
	Repaired []string // what Repair changed
}

// OK reports whether there are no errors.
func (r *Report) OK() bool { return len(r.Errors) == 0 }

// Check examines an image without changing it and lists every problem:
// footers and their copy, the dynamic header, parent locators, each BAT
// entry, leaked space and the parent of a differencing disk. The error is
// only for files that cannot be examined at all (missing, in use).
func Check(name string) (*Report, error) {
	return check(name, false)
}

// Repair is Check, then fixes what can be fixed without guessing at user
// data: a damaged footer or footer copy is restored from the good one, BAT
// entries that point outside the data or at another entry's block are
// cleared, and leaked space at the end of the file is cut off. The report
// lists the problems that remain and what was repaired.
func Repair(name string) (*Report, error) {
	return check(name, true)
}

func check(name string, repair bool) (*Report, error) {
	flag := os.O_RDONLY
	if repair {
		flag = os.O_RDWR
		// Like Open: a file without write permission is not changed, even
		// by root.
		if fi, err := os.Stat(name); err == nil && fi.Mode().Perm()&0o222 == 0 {
			return nil, &PathError{File: name, Op: "repair", Err: errors.New("file is read-only")}
		}
	}
	f, err := os.OpenFile(name, flag, 0)
	if err != nil {
		return nil, &PathError{File: name, Err: unwrapPathErr(err)}
	}
	defer f.Close()
	if err := lockFile(f, name, !repair); err != nil {
		return nil, err
	}
	rep := &Report{}
	im, err := parse(f, name)
	if err != nil {
		rep.Errors = append(rep.Errors, err.Error())
		return rep, nil
	}
	examine(name, im, rep)
	if !repair || (rep.OK() && len(rep.Warnings) == 0) {
		return rep, nil
	}
	if err := fix(f, name, im, rep); err != nil {
		return rep, err
	}
	if err := f.Sync(); err != nil {
		return rep, &PathError{File: name, Op: "sync", Err: err}
	}
	// Look again at the repaired file.
	im2, err := parse(f, name)
	final := &Report{Repaired: rep.Repaired}
	if err != nil {
		final.Errors = append(final.Errors, err.Error())
		return final, nil
	}
	examine(name, im2, final)
	return final, nil
}

// metaEnd is the end of the last metadata extent.
func (im *image) metaEnd() uint64 {
	var e uint64
	for _, m := range im.metadata {
		e = max(e, m.off+m.n)
	}
	return e
}

// examine turns what parse found into report lines.
func examine(name string, im *image, rep *Report) {
	if im.endBad != nil {
		rep.Errors = append(rep.Errors, fmt.Sprintf("%v (the copy at offset 0 is good; --repair restores it)", im.endBad))
	}
	if im.copyBad != nil {
		rep.Errors = append(rep.Errors, fmt.Sprintf("%v (the footer at the end is good; --repair restores the copy)", im.copyBad))
	}
	ft := &im.footer
	size := virtualSize(ft, SizeAuto)
	if ft.DiskType == Fixed {
		if size > im.footerAt {
			rep.Errors = append(rep.Errors, formatErr(name, structFooter, "disk_geometry", "covers %d bytes, more than the %d bytes of data", size, im.footerAt).Error())
		}
		return
	}
	h := im.header
	if size > int64(h.MaxTableEntries)*int64(h.BlockSize) {
		rep.Errors = append(rep.Errors, formatErr(name, structFooter, "disk_geometry", "gives %d bytes, more than the BAT covers", size).Error())
	}
	for _, p := range im.batProbs {
		rep.Errors = append(rep.Errors, p.err.Error())
	}
	if leaked, at := im.leaks(); leaked > 0 {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("vhd: %s: %d bytes of leaked space (not referenced by the BAT), first at offset %d", name, leaked, at))
	}
	if ft.DiskType == Differencing {
		p, err := findParent(name, im)
		if err != nil {
			rep.Errors = append(rep.Errors, err.Error())
			return
		}
		pd, err := Open(p, &OpenOptions{ReadOnly: true})
		if err != nil {
			rep.Errors = append(rep.Errors, (&ParentError{Child: name, Err: err}).Error())
			return
		}
		defer pd.Close()
		if pd.footer.UniqueID != h.ParentUniqueID {
			rep.Errors = append(rep.Errors, formatErr(name, "dynamic header", "parent_unique_id", "%s does not match the unique_id %s of the parent %s",
				h.ParentUniqueID, pd.footer.UniqueID, p).Error())
		}
	}
}

// leaks is the space between the metadata and the footer that no valid
// block uses, and where it starts.
func (im *image) leaks() (uint64, uint64) {
	blockBytes := bitmapBytes(im.header.BlockSize) + uint64(im.header.BlockSize)
	bad := make(map[int]bool)
	for _, p := range im.batProbs {
		bad[p.entry] = true
	}
	var starts []uint64
	for i, e := range im.bat {
		if e != batUnused && !bad[i] {
			starts = append(starts, uint64(e)*SectorSize)
		}
	}
	slices.Sort(starts)
	pos := (im.metaEnd() + SectorSize - 1) &^ (SectorSize - 1)
	end := uint64(im.footerAt)
	var leaked, first uint64
	for _, s := range starts {
		if s > pos {
			if leaked == 0 {
				first = pos
			}
			leaked += s - pos
		}
		pos = max(pos, s+blockBytes)
	}
	if end > pos {
		if leaked == 0 {
			first = pos
		}
		leaked += end - pos
	}
	return leaked, first
}

// fix applies the repairs Repair promises.
func fix(f *os.File, name string, im *image, rep *Report) error {
	wr := func(b []byte, off int64) error {
		if _, err := f.WriteAt(b, off); err != nil {
			return &PathError{File: name, Op: "repair", Err: unwrapPathErr(err)}
		}
		return nil
	}
	var fb [FooterSize]byte
	ft := im.footer
	ft.Encode(fb[:]) // the good copy, checksum as read
	if ft.DiskType == Fixed {
		return nil
	}
	if im.copyBad != nil {
		if err := wr(fb[:], 0); err != nil {
			return err
		}
		rep.Repaired = append(rep.Repaired, "restored the footer copy at offset 0 from the footer at the end")
	}
	// Clear BAT entries that point at nothing usable.
	h := im.header
	for _, p := range im.batProbs {
		var ent [4]byte
		binary.BigEndian.PutUint32(ent[:], batUnused)
		if err := wr(ent[:], int64(h.TableOffset)+4*int64(p.entry)); err != nil {
			return err
		}
		im.bat[p.entry] = batUnused
		rep.Repaired = append(rep.Repaired, fmt.Sprintf("cleared BAT entry %d (%s)", p.entry, p.err.Msg))
	}
	// The footer goes right after the last block (or the metadata): this
	// restores a damaged end footer and cuts off leaked space at the end.
	im.batProbs = nil
	blockBytes := bitmapBytes(h.BlockSize) + uint64(h.BlockSize)
	end := im.metaEnd()
	for _, e := range im.bat {
		if e != batUnused {
			end = max(end, uint64(e)*SectorSize+blockBytes)
		}
	}
	end = (end + SectorSize - 1) &^ (SectorSize - 1)
	if im.endBad != nil || int64(end) != im.footerAt {
		if err := wr(fb[:], int64(end)); err != nil {
			return err
		}
		if err := f.Truncate(int64(end) + FooterSize); err != nil {
			return &PathError{File: name, Op: "repair", Err: unwrapPathErr(err)}
		}
		if im.endBad != nil {
			rep.Repaired = append(rep.Repaired, fmt.Sprintf("rewrote the footer at the end of the file (offset %d) from the copy at offset 0", end))
		} else {
			rep.Repaired = append(rep.Repaired, fmt.Sprintf("cut %d bytes of leaked space at the end of the file", im.footerAt-int64(end)))
		}
	}
	return nil
}
