package main

import (
	"pcemu/disk"
	"pcemu/machine"
	"pcemu/machine/demo"
)

// useDemoDisk puts the built-in demo disk (machine/demo) on the primary
// master and a blank scratch disk, which the demo writes to, on the primary
// slave. Both live in memory.
func useDemoDisk(cfg *machine.Config) error {
	boot, err := disk.NewMem("demo disk", demo.BootDiskSize, demo.Image)
	if err != nil {
		return err
	}
	scratch, err := disk.NewMem("demo scratch disk", demo.ScratchSize, nil)
	if err != nil {
		return err
	}
	cfg.Drives[0], cfg.Drives[1] = boot, scratch
	cfg.BootOrder = "c"
	return nil
}
