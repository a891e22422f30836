package vhd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
)

// CreateOptions describe a new fixed or dynamic image.
type CreateOptions struct {
	Type      DiskType // Fixed or Dynamic (zero means Dynamic)
	Size      int64    // bytes; rounded up to a CHS size unless ForceSize
	BlockSize uint32   // dynamic block size; zero means 2 MiB
	// ForceSize keeps the exact size (rounded up to a sector): the footer
	// records CHS 65535/16/255 and creator "qem2", like qemu-img's
	// force_size, so every reader uses current_size.
	ForceSize bool
}

// Creator fields written into new images.
var (
	creatorApp     = [4]byte{'p', 'c', 'e', 'm'}
	creatorAppQem2 = [4]byte{'q', 'e', 'm', '2'}
	creatorHostOS  = [4]byte{'W', 'i', '2', 'k'} // what Virtual PC and qemu-img write
)

const creatorVersion = 0x00010000

// maxBATEntries bounds the BAT of a new image (64 MiB of table).
const maxBATEntries = 1 << 24

// newFooter fills the fields common to every new image.
func newFooter(t DiskType, size int64, g CHS, app [4]byte) Footer {
	f := Footer{
		Features:          featureReserved,
		FileFormatVersion: footerVersion,
		DataOffset:        fixedDataOffset,
		TimeStamp:         vhdTime(time.Now()),
		CreatorApp:        app,
		CreatorVersion:    creatorVersion,
		CreatorHostOS:     creatorHostOS,
		OriginalSize:      uint64(size),
		CurrentSize:       uint64(size),
		Geometry:          g,
		DiskType:          t,
		UniqueID:          uuid.New(),
	}
	copy(f.Cookie[:], footerCookie)
	if t != Fixed {
		f.DataOffset = FooterSize
	}
	return f
}

// createFile makes a new file, refusing to overwrite one that exists, and
// locks it for writing.
func createFile(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, &PathError{File: name, Op: "create", Err: errors.New("file exists (remove it first; vhdtool never overwrites an image)")}
		}
		return nil, &PathError{File: name, Op: "create", Err: unwrapPathErr(err)}
	}
	if err := lockFile(f, name, false); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Create makes a new fixed or dynamic image and returns it open for
// writing. The size is rounded up to a whole CHS geometry the way qemu-img
// rounds it [VHD "Appendix: CHS Calculation"], unless ForceSize.
func Create(name string, opt CreateOptions) (*Disk, error) {
	t := opt.Type
	if t == None {
		t = Dynamic
	}
	if t != Fixed && t != Dynamic {
		return nil, &PathError{File: name, Op: "create", Err: fmt.Errorf("disk type %v: only fixed and dynamic disks are created this way", t)}
	}
	if opt.Size <= 0 {
		return nil, &PathError{File: name, Op: "create", Err: fmt.Errorf("size %d must be positive", opt.Size)}
	}
	if opt.Size > MaxSize {
		return nil, &PathError{File: name, Op: "create", Err: fmt.Errorf("size %d exceeds the 2040 GiB maximum of the VHD format", opt.Size)}
	}
	var g CHS
	var size int64
	app := creatorApp
	if opt.ForceSize {
		g, size, app = maxCHS, (opt.Size+SectorSize-1)&^(SectorSize-1), creatorAppQem2
	} else {
		g, size = roundedCHS(opt.Size)
	}
	if size > MaxSize {
		return nil, &PathError{File: name, Op: "create", Err: fmt.Errorf("size %d (rounded up to CHS %d/%d/%d) exceeds the 2040 GiB maximum", size, g.Cylinders, g.Heads, g.SectorsPerTrack)}
	}
	bs := opt.BlockSize
	if t == Dynamic {
		if bs == 0 {
			bs = DefaultBlockSize
		}
		if bs&(bs-1) != 0 || bs < MinBlockSize || bs > MaxBlockSize {
			return nil, &PathError{File: name, Op: "create", Err: fmt.Errorf("block size %d must be a power of two from %d to %d", bs, MinBlockSize, MaxBlockSize)}
		}
		if n := (size + int64(bs) - 1) / int64(bs); n > maxBATEntries {
			return nil, &PathError{File: name, Op: "create", Err: fmt.Errorf("block size %d is too small for %d bytes: the BAT would need %d entries (at most %d)", bs, size, n, maxBATEntries)}
		}
	}
	ft := newFooter(t, size, g, app)
	if t == Fixed {
		// A sparse file of the size, then the footer [VHD "Fixed Hard
		// Disk Image"].
		buf := make([]byte, FooterSize)
		ft.Seal(buf)
		return createImage(name, buf, size, false)
	}
	h := newHeader(uint32((size+int64(bs)-1)/int64(bs)), bs, 3*SectorSize)
	return createImage(name, dynamicLayout(&ft, &h, nil), 0, false)
}

// createImage makes the new file name holding buf at offset at, syncs it
// and opens it as a Disk for writing (a differencing disk's chain with
// ignoreParentTime). On failure the file is removed.
func createImage(name string, buf []byte, at int64, ignoreParentTime bool) (*Disk, error) {
	f, err := createFile(name)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*Disk, error) {
		f.Close()
		os.Remove(name)
		return nil, err
	}
	if _, err := f.WriteAt(buf, at); err != nil {
		return fail(&PathError{File: name, Op: "create", Err: unwrapPathErr(err)})
	}
	if err := f.Sync(); err != nil {
		return fail(&PathError{File: name, Op: "create", Err: unwrapPathErr(err)})
	}
	d := &Disk{name: name, f: f, syncAlloc: true}
	if err := d.load(&OpenOptions{IgnoreParentTime: ignoreParentTime}, at+int64(len(buf))); err != nil {
		return fail(err)
	}
	return d, nil
}

func newHeader(entries, blockSize uint32, tableOffset uint64) Header {
	h := Header{
		DataOffset:      fixedDataOffset, // "currently unused": all ones
		TableOffset:     tableOffset,
		HeaderVersion:   headerVersion,
		MaxTableEntries: entries,
		BlockSize:       blockSize,
	}
	copy(h.Cookie[:], headerCookie)
	return h
}

// dynamicLayout encodes a new dynamic or differencing image from offset 0:
// footer copy, header, locator data (already placed in h), empty BAT and
// the footer.
func dynamicLayout(ft *Footer, h *Header, locators [][]byte) []byte {
	bat := make([]uint32, h.MaxTableEntries)
	for i := range bat {
		bat[i] = batUnused
	}
	tb := encodeBAT(bat)
	end := int64(h.TableOffset) + int64(len(tb))
	buf := make([]byte, end+FooterSize)
	ft.Seal(buf[0:])
	h.Seal(buf[ft.DataOffset:])
	for i, l := range locators {
		copy(buf[h.Locators[i].PlatformDataOffset:], l)
	}
	copy(buf[h.TableOffset:], tb)
	copy(buf[end:], buf[:FooterSize])
	return buf
}

// CreateDifferencing makes a differencing child of parent (any VHD) and
// returns it open for writing. The child records the parent's unique_id,
// its file time, its name, and W2ru (relative) and W2ku (absolute) parent
// locators [VHD "Implementing a Differencing Hard Disk"]. The parent's
// chain is opened with opt's IgnoreParentTime (opt may be nil).
func CreateDifferencing(name, parent string, opt *OpenOptions) (*Disk, error) {
	var ignore bool
	if opt != nil {
		ignore = opt.IgnoreParentTime
	}
	p, err := Open(parent, &OpenOptions{ReadOnly: true, IgnoreParentTime: ignore})
	if err != nil {
		return nil, err
	}
	pf := p.footer
	psize := p.Size()
	bs := uint32(p.BlockSize())
	p.Close()
	if bs == 0 {
		bs = DefaultBlockSize
	}
	absParent, err := filepath.Abs(parent)
	if err != nil {
		return nil, &PathError{File: parent, Op: "create", Err: err}
	}
	absChild, err := filepath.Abs(name)
	if err != nil {
		return nil, &PathError{File: name, Op: "create", Err: err}
	}
	rel, err := filepath.Rel(filepath.Dir(absChild), absParent)
	if err != nil {
		rel = absParent
	}
	var mtime uint32
	if fi, err := os.Stat(parent); err == nil {
		mtime = vhdTime(fi.ModTime())
	}
	ft := newFooter(Differencing, psize, pf.Geometry, creatorApp)
	entries := uint32((psize + int64(bs) - 1) / int64(bs))
	// Locator data after the header, each in whole sectors; the BAT after.
	relData := encodeUTF16LE(`.\` + strings.ReplaceAll(filepath.ToSlash(rel), "/", `\`))
	absData := encodeUTF16LE(strings.ReplaceAll(filepath.ToSlash(absParent), "/", `\`))
	off := uint64(3 * SectorSize)
	h := newHeader(entries, bs, 0)
	h.ParentUniqueID = pf.UniqueID
	h.ParentTimeStamp = mtime
	h.setParentName(filepath.Base(absParent))
	var locs [][]byte
	for i, l := range []struct {
		code uint32
		data []byte
	}{{PlatformW2ru, relData}, {PlatformW2ku, absData}} {
		space := (uint64(len(l.data)) + SectorSize - 1) &^ (SectorSize - 1)
		if space == 0 {
			space = SectorSize
		}
		h.Locators[i] = ParentLocator{
			PlatformCode:       l.code,
			PlatformDataSpace:  uint32(max(space, SectorSize)), // bytes, as Hyper-V writes it
			PlatformDataLength: uint32(len(l.data)),
			PlatformDataOffset: off,
		}
		locs = append(locs, l.data)
		off += space
	}
	h.TableOffset = off
	return createImage(name, dynamicLayout(&ft, &h, locs), 0, ignore)
}
