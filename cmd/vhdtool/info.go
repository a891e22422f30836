package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"pcemu/disk"
	"pcemu/vhd"
)

// infoJSON is the --json object.
type infoJSON struct {
	File            string   `json:"file"`
	Type            string   `json:"type"`
	VirtualSize     int64    `json:"virtual_size"`
	CurrentSize     uint64   `json:"current_size"`
	OriginalSize    uint64   `json:"original_size"`
	Cylinders       int      `json:"cylinders"`
	Heads           int      `json:"heads"`
	SectorsPerTrack int      `json:"sectors_per_track"`
	ATACylinders    int      `json:"ata_cylinders"`
	ATAHeads        int      `json:"ata_heads"`
	ATASectors      int      `json:"ata_sectors_per_track"`
	CreatorApp      string   `json:"creator_app"`
	CreatorVersion  string   `json:"creator_version"`
	CreatorHostOS   string   `json:"creator_host_os"`
	Created         string   `json:"created"`
	UUID            string   `json:"uuid"`
	BlockSize       *int64   `json:"block_size,omitempty"`
	AllocatedBlocks *int     `json:"allocated_blocks,omitempty"`
	TotalBlocks     *int     `json:"total_blocks,omitempty"`
	Parent          *string  `json:"parent,omitempty"`
	ParentUUID      *string  `json:"parent_uuid,omitempty"`
	FileSize        int64    `json:"file_size"`
	Warnings        []string `json:"warnings,omitempty"`
}

func cmdInfo(args []string, stdout io.Writer) error {
	fs := flags("info")
	asJSON := fs.Bool("json", false, "print one JSON object")
	ignoreTime := fs.Bool("ignore-parent-time", false, "accept a parent modified after the child was made")
	a, err := parse(fs, args, 1, "FILE")
	if err != nil {
		return err
	}
	file := a[0]
	d, err := vhd.Open(file, &vhd.OpenOptions{ReadOnly: true, IgnoreParentTime: *ignoreTime})
	if err != nil {
		return fileError{file, err}
	}
	defer d.Close()
	fi, err := os.Stat(file)
	if err != nil {
		return fileError{file, err}
	}
	ft := d.Footer()
	g, ata := d.Geometry(), disk.ATAGeometry(d.Geometry(), d.Size())
	in := infoJSON{
		File: file, Type: d.Type().String(), VirtualSize: d.Size(),
		CurrentSize: ft.CurrentSize, OriginalSize: ft.OriginalSize,
		Cylinders: g.Cylinders, Heads: g.Heads, SectorsPerTrack: g.SectorsPerTrack,
		ATACylinders: ata.Cylinders, ATAHeads: ata.Heads, ATASectors: ata.SectorsPerTrack,
		CreatorApp:     strings.TrimRight(string(ft.CreatorApp[:]), "\x00"),
		CreatorVersion: fmt.Sprintf("%d.%d", ft.CreatorVersion>>16, ft.CreatorVersion&0xFFFF),
		CreatorHostOS:  strings.TrimRight(string(ft.CreatorHostOS[:]), "\x00"),
		Created:        ft.Time().UTC().Format("2006-01-02T15:04:05Z"),
		UUID:           ft.UniqueID.String(),
		FileSize:       fi.Size(),
		Warnings:       d.Warnings(),
	}
	if h, ok := d.Header(); ok {
		bs, alloc, total := d.BlockSize(), d.AllocatedBlocks(), int(h.MaxTableEntries)
		in.BlockSize, in.AllocatedBlocks, in.TotalBlocks = &bs, &alloc, &total
		if d.Type() == vhd.Differencing {
			p, pu := d.ParentPath(), h.ParentUniqueID.String()
			in.Parent, in.ParentUUID = &p, &pu
		}
	}
	if *asJSON {
		e := json.NewEncoder(stdout)
		e.SetIndent("", "  ")
		return e.Encode(in)
	}
	w := func(k, f string, v ...any) { fmt.Fprintf(stdout, "%-18s "+f+"\n", append([]any{k + ":"}, v...)...) }
	w("image", "%s", file)
	w("type", "%s", in.Type)
	w("virtual size", "%s (%d bytes)", human(in.VirtualSize), in.VirtualSize)
	w("current size", "%d bytes", in.CurrentSize)
	w("original size", "%d bytes", in.OriginalSize)
	w("geometry (CHS)", "%d/%d/%d", g.Cylinders, g.Heads, g.SectorsPerTrack)
	w("ATA geometry", "%d/%d/%d", ata.Cylinders, ata.Heads, ata.SectorsPerTrack)
	w("creator", "%q %s on %q", in.CreatorApp, in.CreatorVersion, in.CreatorHostOS)
	w("created", "%s", in.Created)
	w("uuid", "%s", in.UUID)
	if in.BlockSize != nil {
		w("block size", "%s", human(*in.BlockSize))
		w("allocated blocks", "%d of %d", *in.AllocatedBlocks, *in.TotalBlocks)
	}
	if in.Parent != nil {
		w("parent", "%s", *in.Parent)
		w("parent uuid", "%s", *in.ParentUUID)
	}
	w("file size", "%s (%d bytes)", human(in.FileSize), in.FileSize)
	for _, m := range in.Warnings {
		w("warning", "%s", strings.TrimPrefix(m, "vhd: "))
	}
	return nil
}

func human(n int64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	f := float64(n)
	i := 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.4g %s", f, units[i])
}

func cmdCheck(args []string, stdout io.Writer) error {
	fs := flags("check")
	level := fs.StringP("repair-level", "r", "", "repair: leaks (only what holds no data) or all (errors too), as qemu-img check -r")
	repair := fs.Bool("repair", false, "the same as -r all")
	discard := fs.Bool("discard-orphans", false, "let a repair cut orphaned blocks and leaked space that hold data")
	dryRun := fs.Bool("dry-run", false, "say what the repair would change, change nothing")
	ignoreTime := fs.Bool("ignore-parent-time", false, "accept a parent modified after the child was made")
	a, err := parse(fs, args, 1, "FILE")
	if err != nil {
		return err
	}
	file := a[0]
	opt := vhd.CheckOptions{DiscardOrphans: *discard, DryRun: *dryRun, IgnoreParentTime: *ignoreTime}
	switch {
	case *level == "leaks" && !*repair:
		opt.Repair = vhd.RepairLeaks
	case *level == "all" || (*level == "" && *repair):
		opt.Repair = vhd.RepairAll
	case *level != "":
		return usageError{fmt.Sprintf("check: -r %q: want leaks or all", *level)}
	default:
		if *discard || *dryRun {
			return usageError{"check: --discard-orphans and --dry-run go with a repair (-r leaks, -r all)"}
		}
	}
	rep, err := vhd.Check(file, &opt)
	if err != nil {
		return fileError{file, err}
	}
	strip := func(s string) string { return strings.TrimPrefix(s, "vhd: ") }
	did := "repaired"
	if rep.DryRun {
		did = "would repair"
	}
	for _, r := range rep.Repaired {
		fmt.Fprintf(stdout, "%s: %s: %s\n", file, did, r)
	}
	if rep.Backup != "" {
		fmt.Fprintf(stdout, "%s: the bytes the repair overwrote are saved in %s (vhdtool undo-repair %s puts them back)\n", file, rep.Backup, file)
	}
	for _, e := range rep.Errors {
		fmt.Fprintf(stdout, "error: %s\n", strip(e))
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(stdout, "warning: %s\n", strip(w))
	}
	if !rep.OK() {
		return fileError{file, fmt.Errorf("%d error(s) found", len(rep.Errors))}
	}
	fmt.Fprintf(stdout, "%s: no errors found (%d warning(s))\n", file, len(rep.Warnings))
	return nil
}

func cmdUndoRepair(args []string, stdout io.Writer) error {
	a, err := parse(flags("undo-repair"), args, 1, "FILE")
	if err != nil {
		return err
	}
	if err := vhd.UndoRepair(a[0]); err != nil {
		return fileError{a[0], err}
	}
	fmt.Fprintf(stdout, "%s: restored as it was before the repair; %s removed\n", a[0], vhd.BackupName(a[0]))
	return nil
}

func cmdAcceptParent(args []string, stdout io.Writer) error {
	a, err := parse(flags("accept-parent"), args, 1, "CHILD")
	if err != nil {
		return err
	}
	before, now, err := vhd.AcceptParent(a[0])
	if err != nil {
		return fileError{a[0], err}
	}
	const layout = "2006-01-02 15:04:05 UTC"
	if before.Equal(now) {
		fmt.Fprintf(stdout, "%s: the parent's time is already the recorded one (%s)\n", a[0], now.UTC().Format(layout))
		return nil
	}
	fmt.Fprintf(stdout, "%s: the parent's time is now recorded as %s (was %s)\n", a[0], now.UTC().Format(layout), before.UTC().Format(layout))
	return nil
}
