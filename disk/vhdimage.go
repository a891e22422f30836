package disk

import (
	"fmt"
	"os"
	"strings"

	"pcemu/vhd"
)

// openVHD opens a VHD (fixed, dynamic or differencing). Under -snapshot
// the image is opened read-only and the guest writes to the temporary
// overlay a raw image gets too (overlay.go). Written in place, a VHD that has children
// beside it gets a warning: the write changes the disk under them, and
// they are refused afterwards (their parent's time changed).
func openVHD(d *Disk, name string, o *Options) error {
	if o.Snapshot {
		return openVHDSnapshot(d, name, o)
	}
	v, err := vhd.Open(name, &vhd.OpenOptions{ReadOnly: o.ReadOnly, IgnoreParentTime: o.IgnoreParentTime})
	if err != nil {
		return err
	}
	d.m = v
	d.size, d.geo, d.readOnly = v.Size(), ATAGeometry(v.Geometry(), v.Size()), v.ReadOnly()
	d.path, d.format = name, "vhd"
	if d.ident, err = fileIdentity(d.name, name, "vhd", v.Footer().UniqueID); err != nil {
		v.Close()
		return fmt.Errorf("%s: %w", name, err)
	}
	d.warnings = append(d.warnings, vhdWarnings(v)...)
	if v.ReadOnly() && !o.ReadOnly {
		d.warnings = append(d.warnings, readOnlyWarning(name))
	}
	if !v.ReadOnly() {
		for _, c := range v.Children() {
			d.warnings = append(d.warnings, fmt.Sprintf("%s has a differencing child beside it, %s: the guest's writes change the disk under the child, which will then be refused (its parent changed); use -snapshot, or boot the child", name, c))
		}
	}
	return nil
}

// openVHDSnapshot opens the image read-only under a layer that keeps the
// guest's writes (overlay.go): in an unlinked temporary file, so nothing
// is left in the temporary folder, even if pcemu is killed.
func openVHDSnapshot(d *Disk, name string, o *Options) error {
	v, err := vhd.Open(name, &vhd.OpenOptions{ReadOnly: true, IgnoreParentTime: o.IgnoreParentTime})
	if err != nil {
		return err
	}
	d.warnings = append(d.warnings, vhdWarnings(v)...)
	d.size, d.geo = v.Size(), ATAGeometry(v.Geometry(), v.Size())
	d.path, d.format = name, "vhd"
	if d.ident, err = fileIdentity(d.name, name, "vhd", v.Footer().UniqueID); err != nil {
		v.Close()
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := d.layer(v, o); err != nil {
		v.Close()
		return fmt.Errorf("%s: -snapshot: %w", name, err)
	}
	return nil
}

// snapshotDir is where -snapshot keeps its temporary files: $TMPDIR, else
// /var/tmp (as QEMU does: /tmp is often a file system in memory, which
// would hold the guest's writes in RAM after all), else the system's
// temporary folder.
func snapshotDir() string {
	if dir := os.Getenv("TMPDIR"); dir != "" {
		return dir
	}
	if fi, err := os.Stat("/var/tmp"); err == nil && fi.IsDir() {
		return "/var/tmp"
	}
	return os.TempDir()
}

// vhdWarnings are v's warnings as the user reads them: "NAME: what".
func vhdWarnings(v *vhd.Disk) []string {
	w := v.Warnings()
	for i := range w {
		w[i] = strings.TrimPrefix(w[i], "vhd: ")
	}
	return w
}
