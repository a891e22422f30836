package statetest

import (
	"pcemu/machine"
)

// notState are the fields of the machine's parts that are not its state:
// wiring (the parts' links to each other and to the host), caches, and
// representations that State keeps in another form (compared by Machines
// in that form). Every other field must come back from a saved state
// exactly; one that does not is named by Machines.
var notState = map[string]bool{
	// The CPU is compared through CPU.State: deferred flags and events
	// are a representation; the rest is decode scratch and block cache.
	"cpu.CPU.flags": true, "cpu.CPU.lazy": true, "cpu.CPU.lzA": true, "cpu.CPU.lzB": true, "cpu.CPU.lzR": true,
	"cpu.CPU.events": true, "cpu.CPU.stopAt": true, "cpu.CPU.noOverrun": true,
	"cpu.CPU.bus": true, "cpu.CPU.bulk": true, "cpu.CPU.bmem": true, "cpu.CPU.code": true, "cpu.CPU.ic": true,
	"cpu.CPU.csBase": true, "cpu.CPU.blocks": true, "cpu.CPU.coldBlocks": true, "cpu.CPU.single": true, "cpu.CPU.short": true,
	"cpu.CPU.decoded": true, "cpu.CPU.instPool": true,
	"cpu.CPU.blkCount": true, "cpu.CPU.blkEnd": true, "cpu.CPU.blkCS": true, "cpu.CPU.blkIP": true,
	"cpu.CPU.blkLin": true, "cpu.CPU.blkSize": true, "cpu.CPU.runs": true,
	"cpu.CPU.opStart": true, "cpu.CPU.segOvr": true, "cpu.CPU.rep": true, "cpu.CPU.mod": true, "cpu.CPU.reg": true,
	"cpu.CPU.rm": true, "cpu.CPU.eaSeg": true, "cpu.CPU.eaOff": true, "cpu.CPU.scratch": true,
	// The host's side of the machine.
	"machine.Machine.cfg": true, "machine.Machine.hostRun": true, "machine.Machine.closers": true,
	"machine.Machine.hd": true, "machine.Machine.fd": true, "machine.Machine.romSum": true,
	"machine.Machine.paused": true, "machine.Machine.lastRAM": true, "machine.Machine.lastHigh": true,
	// Virtual time is compared as Now: its base is a representation.
	"machine.VirtualClock.baseNs": true, "machine.VirtualClock.baseInstr": true, "machine.VirtualClock.hostStart": true,
	"machine.DebugCon.buf": true, "machine.DebugCon.one": true, "machine.DebugCon.Sink": true,
	"machine.Speaker.outputs": true,
	"machine.UART.out":        true, "machine.UART.err": true,
	"machine.writeHash.h": true, // compared as the digest
	// The writes this process saw, for reverse execution's checkpoints.
	"machine.writeHash.count": true, "machine.writeHash.onWrite": true,
	"video.Adapter.changes": true,
	// The disks behind the drives are compared by their contents.
	"ide.device.drive": true, "machine.countingFloppy.FloppyImage": true,
	// The ROM and its entry points are the configuration.
	"bios.BIOS.cfg": true, "bios.BIOS.p": true, "bios.BIOS.bus": true, "bios.BIOS.bulk": true,
	"bios.BIOS.rom": true, "bios.BIOS.svc": true,
}

// Machines returns where b, restored from a state saved from a, differs
// from a: any field of any part that is state, the CPU's state, virtual
// time, the digest (memory, screen, disk writes) and the debug console.
func Machines(a, b *machine.Machine) []string {
	out := Diff(a, b, func(f string) bool { return notState[f] }, 10)
	if sa, sb := a.CPU.State(), b.CPU.State(); sa != sb {
		out = append(out, "CPU.State: differs")
	}
	if da, db := a.Digest(), b.Digest(); da != db {
		out = append(out, "Digest: "+da.String()+" and "+db.String())
	}
	if a.DebugOutput() != b.DebugOutput() {
		out = append(out, "DebugOutput: differs")
	}
	return out
}
