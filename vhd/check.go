package vhd

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"slices"
)

// RepairLevel chooses what Check may change, after qemu-img check's
// -r leaks and -r all.
type RepairLevel int

const (
	// RepairNone only examines the image.
	RepairNone RepairLevel = iota
	// RepairLeaks changes nothing that could hold data: leaked space at
	// the end of the file that is all zeros is cut off. Errors are left.
	RepairLeaks
	// RepairAll also repairs errors: a damaged footer or footer copy is
	// restored from the good one; a BAT entry that points outside the
	// data is re-linked to its block when the evidence is unambiguous
	// (it is the only entry that lost its block and there is exactly
	// one orphaned block holding data), else cleared, its block staying
	// in the file; a block cut short by a truncated file is kept and the
	// file extended with zeros to hold it.
	RepairAll
)

// CheckOptions modify Check. The zero value only examines.
type CheckOptions struct {
	Repair RepairLevel
	// DiscardOrphans lets a repair cut leaked space at the end of the
	// file that holds data (orphaned blocks that no BAT entry claims).
	// Without it they stay in place, reported.
	DiscardOrphans bool
	// DryRun reports what the repair would change and changes nothing.
	DryRun bool
	// IgnoreParentTime: see OpenOptions.
	IgnoreParentTime bool
}

// Report is the result of Check. Errors make the image unusable or wrong;
// warnings (leaked space, orphaned blocks) do not.
type Report struct {
	Errors   []string
	Warnings []string
	Repaired []string // what the repair changed, or would change (DryRun)
	DryRun   bool
	Backup   string // where the repair saved what it overwrote (see BackupName)
}

// OK reports whether there are no errors.
func (r *Report) OK() bool { return len(r.Errors) == 0 }

// BackupName is the file in which a repair of image saves every byte it
// overwrites and the file's size, before changing anything, so that
// UndoRepair can put the image back as it was.
func BackupName(image string) string { return image + ".repair-backup" }

// Check examines an image and lists every problem: footers and their copy,
// the dynamic header, parent locators, each BAT entry, leaked space and
// orphaned blocks, and the parent of a differencing disk. With a repair
// level it then fixes what that level allows (see RepairLevel): first it
// saves the bytes it will overwrite in BackupName(name); then it changes
// the file and examines it again. Data that cannot be proved garbage is
// never cut without DiscardOrphans. The error is only for files that
// cannot be examined at all (missing, in use, not a file) or a repair that
// could not be written.
func Check(name string, opt *CheckOptions) (*Report, error) {
	var o CheckOptions
	if opt != nil {
		o = *opt
	}
	write := o.Repair != RepairNone && !o.DryRun
	if write && !writable(name) {
		// Like Open: a file without write permission is not changed,
		// even by root.
		return nil, &PathError{File: name, Op: "repair", Err: errors.New("file is read-only")}
	}
	f, size, err := OpenImageFile(name, write)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := lockFile(f, name, !write); err != nil {
		return nil, err
	}
	rep := &Report{}
	im, err := parse(f, name, size)
	if err != nil {
		rep.Errors = append(rep.Errors, err.Error())
		return rep, nil
	}
	lay, err := survey(f, im)
	if err != nil {
		return nil, err
	}
	examine(im, lay, &o, rep)
	if o.Repair == RepairNone {
		return rep, nil
	}
	p := plan(im, lay, &o)
	if len(p.actions) == 0 {
		return rep, nil
	}
	if o.DryRun {
		rep.Repaired, rep.DryRun = p.actions, true
		return rep, nil
	}
	backup := BackupName(name)
	if err := p.apply(f, name, size, backup, im.footer.UniqueID.String()); err != nil {
		return rep, err
	}
	// Look again at the repaired file.
	final := &Report{Repaired: p.actions, Backup: backup}
	if im, err = parse(f, name, p.size); err != nil {
		final.Errors = append(final.Errors, err.Error())
		return final, nil
	}
	if lay, err = survey(f, im); err != nil {
		return final, err
	}
	examine(im, lay, &o, final)
	return final, nil
}

// region is a byte range of the file that no valid block claims.
type region struct {
	off, n  uint64
	block   bool // exactly one block long: it can be an orphaned block
	data    bool // not all zeros
	leading bool // ends where a valid block starts (else: at the footer or after the last block)
}

// layout is where the blocks of a dynamic or differencing image lie.
type layout struct {
	stride    uint64 // bitmap + data of one block
	dataStart uint64 // first byte after the metadata
	valid     []uint64
	truncated map[int]bool // BAT entries whose block the cut end of the file shortened
	leaks     []region
}

// survey finds the blocks the BAT claims, the blocks a truncated file cut
// short, and every unclaimed region between the metadata and the footer,
// reading the regions to tell data from zeros.
func survey(f *os.File, im *image) (*layout, error) {
	if im.header == nil {
		return nil, nil
	}
	lay := &layout{
		stride:    bitmapBytes(im.header.BlockSize) + uint64(im.header.BlockSize),
		dataStart: (im.metaEnd() + SectorSize - 1) &^ (SectorSize - 1),
		truncated: map[int]bool{},
	}
	bad := map[int]bool{}
	for _, p := range im.batProbs {
		bad[p.entry] = true
	}
	end := uint64(im.footerAt)
	for i, e := range im.bat {
		if e != batUnused && !bad[i] {
			lay.valid = append(lay.valid, uint64(e)*SectorSize)
		}
	}
	slices.Sort(lay.valid)
	if im.endBad != nil {
		// The file was cut: a block that starts inside it but runs past
		// its end lost only its tail, unless it overlaps another.
		for _, p := range im.batProbs {
			s := uint64(im.bat[p.entry]) * SectorSize
			if p.kind != batPastEnd || s >= end || s < lay.dataStart {
				continue
			}
			if i, _ := slices.BinarySearch(lay.valid, s); i > 0 && lay.valid[i-1]+lay.stride > s {
				continue
			}
			lay.truncated[p.entry] = true
		}
	}
	// Unclaimed space, block-sized pieces aligned to the neighbouring
	// blocks: allocation appends blocks one after the other, so a lost
	// block lies a whole number of strides before the next valid block,
	// or right after the last one.
	claimed := slices.Clone(lay.valid)
	for e := range lay.truncated {
		claimed = append(claimed, uint64(im.bat[e])*SectorSize)
	}
	slices.Sort(claimed)
	pos := lay.dataStart
	for _, s := range claimed {
		if s > pos {
			lay.leaks = append(lay.leaks, tile(pos, s, lay.stride, true)...)
		}
		pos = max(pos, s+lay.stride)
	}
	if end > pos {
		lay.leaks = append(lay.leaks, tile(pos, end, lay.stride, false)...)
	}
	for i := range lay.leaks {
		r := &lay.leaks[i]
		var err error
		if r.data, err = holdsData(f, im.file, r.off, r.n); err != nil {
			return nil, err
		}
	}
	return lay, nil
}

// tile splits the unclaimed range [s, e) into block-sized regions and a
// remainder: aligned to e when a block follows (leading), else to s.
func tile(s, e, stride uint64, leading bool) []region {
	k := (e - s) / stride
	rest := (e - s) - k*stride
	var out []region
	first := s
	if leading && rest > 0 {
		out = append(out, region{off: s, n: rest, leading: true})
		first = s + rest
	}
	for j := uint64(0); j < k; j++ {
		out = append(out, region{off: first + j*stride, n: stride, block: true, leading: leading})
	}
	if !leading && rest > 0 {
		out = append(out, region{off: s + k*stride, n: rest})
	}
	return out
}

// holdsData reports whether any byte of the range is not zero.
func holdsData(f *os.File, file string, off, n uint64) (bool, error) {
	buf := make([]byte, min(n, 1<<20))
	var zero [4096]byte
	for n > 0 {
		b := buf[:min(n, uint64(len(buf)))]
		if err := readFull(f, file, "unclaimed space", b, int64(off)); err != nil {
			return false, err
		}
		for len(b) > 0 {
			k := min(len(b), len(zero))
			if !bytes.Equal(b[:k], zero[:k]) {
				return true, nil
			}
			b = b[k:]
		}
		off += uint64(len(buf))
		n -= min(n, uint64(len(buf)))
	}
	return false, nil
}

// metaEnd is the end of the last metadata extent.
func (im *image) metaEnd() uint64 {
	var e uint64
	for _, m := range im.metadata {
		e = max(e, m.off+m.n)
	}
	return e
}

// examine turns what parse and survey found into report lines.
func examine(im *image, lay *layout, o *CheckOptions, rep *Report) {
	name := im.file
	if im.endBad != nil {
		rep.Errors = append(rep.Errors, fmt.Sprintf("%v (the copy at offset 0 is good; -r all restores it)", im.endBad))
	}
	if im.copyBad != nil {
		rep.Errors = append(rep.Errors, fmt.Sprintf("%v (the footer at the end is good; -r all restores the copy)", im.copyBad))
	}
	ft := &im.footer
	if w := zeroCHSWarning(name, ft); w != "" {
		rep.Warnings = append(rep.Warnings, w)
	}
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
		msg := p.err.Error()
		if lay.truncated[p.entry] {
			msg += " (the file was cut inside this block: -r all keeps what is left of it)"
		}
		rep.Errors = append(rep.Errors, msg)
	}
	var zeros, zeroAt uint64
	for _, r := range lay.leaks {
		switch {
		case r.data && r.block:
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("vhd: %s: orphaned block at offset %d (%d bytes, leaked space no BAT entry claims) holds data: kept in place; only --discard-orphans cuts it", name, r.off, r.n))
		case r.data:
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("vhd: %s: %d bytes of leaked space at offset %d (no BAT entry claims them) hold data: kept in place; only --discard-orphans cuts them", name, r.n, r.off))
		default:
			if zeros == 0 {
				zeroAt = r.off
			}
			zeros += r.n
		}
	}
	if zeros > 0 {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("vhd: %s: %d bytes of leaked space (all zeros, not referenced by the BAT), first at offset %d", name, zeros, zeroAt))
	}
	if ft.DiskType == Differencing {
		p, err := findParent(name, im)
		if err != nil {
			rep.Errors = append(rep.Errors, err.Error())
			return
		}
		fi, err := os.Stat(name)
		if err != nil {
			rep.Errors = append(rep.Errors, (&PathError{File: name, Op: "stat", Err: unwrapPathErr(err)}).Error())
			return
		}
		pd, err := openParent(p, h, []chainLink{{name, fi}}, o.IgnoreParentTime)
		if err != nil {
			rep.Errors = append(rep.Errors, err.Error())
			return
		}
		pd.Close()
	}
}

// repairPlan is what a repair writes: byte ranges and the final file size.
type repairPlan struct {
	writes  []planWrite
	size    int64
	actions []string
}

type planWrite struct {
	off  int64
	data []byte
}

func (p *repairPlan) write(off int64, data []byte) {
	p.writes = append(p.writes, planWrite{off, data})
}

// plan decides the repair the options allow.
func plan(im *image, lay *layout, o *CheckOptions) *repairPlan {
	p := &repairPlan{size: im.fileSize}
	if im.header == nil {
		return p // a fixed disk: nothing parse accepts needs repair
	}
	all := o.Repair == RepairAll
	var fb [FooterSize]byte
	ft := im.footer
	ft.Encode(fb[:]) // the good footer, checksum as read
	if all && im.copyBad != nil {
		p.write(0, fb[:])
		p.actions = append(p.actions, "restored the footer copy at offset 0 from the footer at the end")
	}

	// BAT entries: each lost block found again, cleared, or kept short.
	h := im.header
	entry := func(i int, v uint32) {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], v)
		p.write(int64(h.TableOffset)+4*int64(i), b[:])
	}
	blockEnd := lay.dataStart
	if len(lay.valid) > 0 {
		blockEnd = max(blockEnd, lay.valid[len(lay.valid)-1]+lay.stride)
	}
	relinked := map[uint64]bool{}
	if all {
		var lost []batProblem
		for _, pr := range im.batProbs {
			if lay.truncated[pr.entry] {
				s := uint64(im.bat[pr.entry]) * SectorSize
				blockEnd = max(blockEnd, s+lay.stride)
				p.actions = append(p.actions, fmt.Sprintf("kept BAT entry %d (sector %d), whose block the end of the file cut short: the file is extended with zeros to hold it; its last %d bytes were lost",
					pr.entry, im.bat[pr.entry], s+lay.stride-uint64(im.footerAt)))
				continue
			}
			lost = append(lost, pr)
		}
		var orphans []region
		for _, r := range lay.leaks {
			if r.block && r.data {
				orphans = append(orphans, r)
			}
		}
		if len(lost) == 1 && lost[0].kind != batShared && len(orphans) == 1 {
			// The only entry that lost its block, and the only
			// unclaimed block with data: they belong together.
			r := orphans[0]
			entry(lost[0].entry, uint32(r.off/SectorSize))
			relinked[r.off] = true
			blockEnd = max(blockEnd, r.off+r.n)
			p.actions = append(p.actions, fmt.Sprintf("re-linked BAT entry %d (%s) to the orphaned block at offset %d (sector %d): the only entry without its block and the only unclaimed block holding data",
				lost[0].entry, lost[0].err.Msg, r.off, r.off/SectorSize))
		} else {
			for _, pr := range lost {
				entry(pr.entry, batUnused)
				why := ""
				switch {
				case pr.kind == batShared:
					why = "; which of the two entries is wrong cannot be known: the block stays with the other"
				case len(orphans) > 0:
					why = fmt.Sprintf("; its data may be in one of the %d orphaned blocks, kept in place", len(orphans))
				}
				p.actions = append(p.actions, fmt.Sprintf("cleared BAT entry %d (%s)%s", pr.entry, pr.err.Msg, why))
			}
		}
	}

	// The end of the file: unclaimed space after the last block is cut
	// when it is zeros (or with DiscardOrphans), from the end backwards.
	footerAt := uint64(im.footerAt)
	newEnd := footerAt
	var cutZero, cutData uint64
	for i := len(lay.leaks) - 1; i >= 0; i-- {
		r := lay.leaks[i]
		if r.leading || relinked[r.off] || r.off+r.n != newEnd || r.off < blockEnd {
			break
		}
		if r.data && !o.DiscardOrphans {
			break
		}
		if r.data {
			cutData += r.n
		} else {
			cutZero += r.n
		}
		newEnd = r.off
	}
	if im.endBad != nil && !all {
		newEnd = footerAt // the end footer is an error: -r all
	}
	newEnd = max(newEnd, blockEnd)
	if newEnd != footerAt || (all && im.endBad != nil) {
		p.write(int64(newEnd), fb[:])
		p.size = int64(newEnd) + FooterSize
		switch {
		case all && im.endBad != nil:
			p.actions = append(p.actions, fmt.Sprintf("rewrote the footer at the end of the file (offset %d) from the copy at offset 0", newEnd))
		case newEnd > footerAt:
			p.actions = append(p.actions, fmt.Sprintf("moved the footer from offset %d to %d", footerAt, newEnd))
		}
		if cutZero > 0 {
			p.actions = append(p.actions, fmt.Sprintf("cut %d bytes of leaked space at the end of the file (all zeros)", cutZero))
		}
		if cutData > 0 {
			p.actions = append(p.actions, fmt.Sprintf("cut %d bytes of orphaned blocks and leaked space holding data at the end of the file (--discard-orphans)", cutData))
		}
	}
	return p
}

// apply saves the bytes the plan overwrites in backup, then writes the
// plan and syncs. A backup left by an earlier repair is never replaced.
func (p *repairPlan) apply(f *os.File, name string, oldSize int64, backup, uuid string) error {
	fail := func(op string, err error) error { return &PathError{File: name, Op: op, Err: unwrapPathErr(err)} }
	var hdr bytes.Buffer
	var old []byte
	fmt.Fprintf(&hdr, "%s\nimage-uuid %s\nimage-size %d\n", backupMagic, uuid, oldSize)
	for _, w := range p.writes {
		n := min(int64(len(w.data)), max(0, oldSize-w.off))
		if n == 0 {
			continue
		}
		b := make([]byte, n)
		if err := readFull(f, name, "repair backup", b, w.off); err != nil {
			return err
		}
		fmt.Fprintf(&hdr, "extent %d %d\n", w.off, n)
		old = append(old, b...)
	}
	hdr.WriteString("\n")
	bf, err := os.OpenFile(backup, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return &PathError{File: name, Op: "repair", Err: fmt.Errorf("%s exists, from an earlier repair: undo that repair (vhdtool undo-repair) or move the backup away first", backup)}
		}
		return &PathError{File: backup, Op: "create", Err: unwrapPathErr(err)}
	}
	_, err = bf.Write(append(hdr.Bytes(), old...))
	if err == nil {
		err = bf.Sync()
	}
	if cerr := bf.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(backup) // incomplete: the image is not touched
		return &PathError{File: backup, Op: "write", Err: unwrapPathErr(err)}
	}
	for _, w := range p.writes {
		if _, err := f.WriteAt(w.data, w.off); err != nil {
			return fail("repair", err)
		}
	}
	if p.size != oldSize {
		if err := f.Truncate(p.size); err != nil {
			return fail("repair", err)
		}
	}
	if err := f.Sync(); err != nil {
		return fail("sync", err)
	}
	return nil
}

const backupMagic = "vhd repair backup 1"

// UndoRepair puts back an image as it was before the repair that wrote
// BackupName(name): every byte the repair overwrote, and the file's size.
// Data cut with DiscardOrphans is not in the backup and comes back as
// zeros. The backup is removed once the image is restored and synced.
func UndoRepair(name string) error {
	backup := BackupName(name)
	b, err := os.ReadFile(backup)
	if err != nil {
		return &PathError{File: backup, Err: unwrapPathErr(err)}
	}
	bad := func(why string) error {
		return &PathError{File: backup, Err: fmt.Errorf("not a repair backup of %s: %s", name, why)}
	}
	hdrEnd := bytes.Index(b, []byte("\n\n"))
	if hdrEnd < 0 || !bytes.HasPrefix(b, []byte(backupMagic+"\n")) {
		return bad("no header")
	}
	lines := bytes.Split(b[len(backupMagic)+1:hdrEnd], []byte("\n"))
	data := b[hdrEnd+2:]
	var uuid string
	var size int64 = -1
	type ext struct{ off, n int64 }
	var exts []ext
	var total int64
	for _, l := range lines {
		var e ext
		switch {
		case bytes.HasPrefix(l, []byte("image-uuid ")):
			uuid = string(l[len("image-uuid "):])
		case bytes.HasPrefix(l, []byte("image-size ")):
			if _, err := fmt.Sscanf(string(l), "image-size %d", &size); err != nil || size < 0 {
				return bad("image-size")
			}
		default:
			if _, err := fmt.Sscanf(string(l), "extent %d %d", &e.off, &e.n); err != nil || e.off < 0 || e.n <= 0 {
				return bad(fmt.Sprintf("line %q", l))
			}
			exts = append(exts, e)
			total += e.n
		}
	}
	if size < 0 || total != int64(len(data)) {
		return bad("extents do not match the saved bytes")
	}
	f, cur, err := OpenImageFile(name, true)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := lockFile(f, name, false); err != nil {
		return err
	}
	if im, err := parse(f, name, cur); err == nil && im.footer.UniqueID.String() != uuid {
		return bad(fmt.Sprintf("it was made for the image with unique_id %s, this one is %s", uuid, im.footer.UniqueID))
	}
	fail := func(err error) error { return &PathError{File: name, Op: "undo repair", Err: unwrapPathErr(err)} }
	if err := f.Truncate(size); err != nil {
		return fail(err)
	}
	for _, e := range exts {
		if _, err := f.WriteAt(data[:e.n], e.off); err != nil {
			return fail(err)
		}
		data = data[e.n:]
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := os.Remove(backup); err != nil {
		return &PathError{File: backup, Op: "remove", Err: unwrapPathErr(err)}
	}
	return nil
}
