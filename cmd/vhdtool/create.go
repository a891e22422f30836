package main

import (
	"fmt"
	"io"

	"pcemu/vhd"
)

func cmdCreate(args []string, stdout io.Writer) error {
	fs := flags("create")
	typ := fs.String("type", "dynamic", "image type: fixed or dynamic")
	sizeS := fs.String("size", "", "virtual disk size (bytes, or K/M/G/T)")
	force := fs.Bool("force-size", false, "keep the exact size instead of rounding up to a CHS geometry")
	bsS := fs.String("block-size", "", "dynamic block size (default 2M)")
	parent := fs.String("parent", "", "make a differencing child of this VHD")
	ignoreTime := fs.Bool("ignore-parent-time", false, "with --parent: accept a chain whose parent was modified after its child was made")
	a, err := parse(fs, args, 1, "FILE")
	if err != nil {
		return err
	}
	file := a[0]
	var d *vhd.Disk
	var out *output
	if *parent == "" && fs.Changed("ignore-parent-time") {
		return usageError{"create: --ignore-parent-time goes with --parent"}
	}
	if *parent != "" {
		for _, f := range []string{"type", "size", "force-size", "block-size"} {
			if fs.Changed(f) {
				return usageError{fmt.Sprintf("create: --%s cannot be used with --parent (the child takes the parent's size)", f)}
			}
		}
		if out, err = newOutput(file, "create: "); err != nil {
			return err
		}
		d, err = vhd.CreateDifferencing(out.tmp, *parent, &vhd.OpenOptions{IgnoreParentTime: *ignoreTime})
		if err != nil {
			return fileError{file, out.abort(err)}
		}
	} else {
		opt := vhd.CreateOptions{ForceSize: *force}
		switch *typ {
		case "fixed":
			opt.Type = vhd.Fixed
		case "dynamic":
			opt.Type = vhd.Dynamic
		default:
			return usageError{fmt.Sprintf("create: --type %q: want fixed or dynamic", *typ)}
		}
		if *sizeS == "" {
			return usageError{"create: --size is required (or --parent)"}
		}
		if opt.Size, err = parseSize(*sizeS); err != nil {
			return usageError{"create: --size: " + err.Error()}
		}
		if *bsS != "" {
			if opt.Type == vhd.Fixed {
				return usageError{"create: --block-size applies to dynamic images only"}
			}
			if opt.BlockSize, err = parseBlockSize("create", *bsS); err != nil {
				return err
			}
		}
		if out, err = newOutput(file, "create: "); err != nil {
			return err
		}
		d, err = vhd.Create(out.tmp, opt)
		if err != nil {
			return fileError{file, out.abort(err)}
		}
	}
	if err := d.Close(); err != nil {
		return fileError{file, out.abort(err)}
	}
	if err := out.publish(true); err != nil {
		return err
	}
	g := d.Geometry()
	fmt.Fprintf(stdout, "Created %s: %v, %d bytes, CHS %d/%d/%d\n", file, d.Type(), d.Size(), g.Cylinders, g.Heads, g.SectorsPerTrack)
	return nil
}

func cmdCommit(args []string, stdout io.Writer) error {
	fs := flags("commit")
	ignoreTime := fs.Bool("ignore-parent-time", false, "commit into a parent modified after the child was made")
	a, err := parse(fs, args, 1, "CHILD")
	if err != nil {
		return err
	}
	outputsMu.Lock()
	interrupted = a[0] + " was partly committed: the child is unchanged; run the commit again with --ignore-parent-time to finish it"
	outputsMu.Unlock()
	if err := vhd.Commit(a[0], &vhd.CommitOptions{IgnoreParentTime: *ignoreTime}); err != nil {
		return fileError{a[0], err}
	}
	fmt.Fprintf(stdout, "Committed %s into its parent.\n", a[0])
	return nil
}
