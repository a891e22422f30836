package bios

import (
	"cmp"
	"fmt"
	"slices"
)

// The BIOS's own state for a machine state: what lives in Go rather than
// in guest memory (the BDA, EBDA and the IVT are RAM and are saved with
// it). That is the hard disks POST found, the disk transfer in progress,
// the services waiting in a ROM loop (wait.go: plain data), the mouse
// command in progress, and the boot sequence's place. The ROM and the
// diskettes are the configuration, rebuilt by New.

// State is the BIOS's state.
type State struct {
	HardDisks []HardDiskState // in BIOS drive order (80h, 81h, ...)
	Xfer      XferState       // the INT 13h transfer the BIOS reuses
	Waits     []WaitState     // services waiting in a ROM loop, by stack address
	Mouse     MouseXferState
	BootIndex uint8
	BootDrive uint8
	EBDASeg   uint16
}

// HardDiskState is a hard disk as IDENTIFY DEVICE described it at POST.
type HardDiskState struct {
	Channel             uint8
	Slave               bool
	Model               string
	Cyls, Heads, SPT    uint32
	LCyls, LHeads, LSPT uint32
	Sectors             uint64
	LBA, LBA48          bool
}

// XferState is an INT 13h hard disk transfer (ataxfer.go).
type XferState struct {
	Active       bool
	Drive        uint8 // index in HardDisks
	Op           uint8 // 0 read, 1 write, 2 verify
	LBA          uint64
	Count        uint32
	Done         uint32
	Wrap         bool
	Seg, Off     uint16
	Linear       uint32
	Ext          bool
	DAP          uint32
	Phase        uint8
	Chunk        uint32
	Left         uint32
	WaitPauses   uint32
	WaitDeadline int64
}

// WaitState is a service waiting in a ROM loop (wait.go).
type WaitState struct {
	Stack        uint32 // linear address of the waiting stack
	Kind         uint8
	Ext          bool
	Until        int64
	Base         uint16
	Then         uint8
	Arg          int32
	BusyPauses   uint32
	BusyDeadline int64
	MainXfer     bool      // waitXfer: the BIOS's own transfer (Xfer)
	Xfer         XferState // waitXfer: else this one, started by an interrupt handler meanwhile
}

// MouseXferState is the INT 15h AH=C2h command in progress.
type MouseXferState struct {
	Send     []byte
	Next     uint8
	Acks     uint8
	Want     uint8
	Resp     []byte
	Ctr      uint8
	Aux      int8
	Deadline int64
	Pauses   uint32
	Fn, Sub  uint8
}

// State returns the BIOS's state. Call it between instructions.
func (b *BIOS) State() State {
	s := State{BootIndex: uint8(b.bootIndex), BootDrive: b.bootDrive, EBDASeg: b.ebdaSeg}
	for _, d := range b.hd {
		s.HardDisks = append(s.HardDisks, HardDiskState{
			Channel: uint8(d.channel), Slave: d.slave, Model: d.model,
			Cyls: uint32(d.cyls), Heads: uint32(d.heads), SPT: uint32(d.spt),
			LCyls: uint32(d.lcyls), LHeads: uint32(d.lheads), LSPT: uint32(d.lspt),
			Sectors: d.sectors, LBA: d.lba, LBA48: d.lba48,
		})
	}
	s.Xfer = b.xferState(&b.xf)
	for key, w := range b.pend {
		ws := WaitState{
			Stack: key, Kind: uint8(w.kind), Ext: w.ext, Until: w.until, Base: w.base, Then: w.then,
			Arg: int32(w.arg), BusyPauses: uint32(w.busy.pauses), BusyDeadline: w.busy.deadline,
		}
		if w.xfer == &b.xf {
			ws.MainXfer = true
		} else if w.xfer != nil {
			ws.Xfer = b.xferState(w.xfer)
		}
		s.Waits = append(s.Waits, ws)
	}
	slices.SortFunc(s.Waits, func(a, c WaitState) int { return cmp.Compare(a.Stack, c.Stack) })
	m := &b.ms
	s.Mouse = MouseXferState{
		Send: append([]byte(nil), m.send...), Next: uint8(m.next), Acks: uint8(m.acks), Want: uint8(m.want),
		Resp: append([]byte(nil), m.resp...), Ctr: m.ctr, Aux: int8(m.aux), Deadline: m.deadline,
		Pauses: uint32(m.pauses), Fn: m.fn, Sub: m.sub,
	}
	return s
}

func (b *BIOS) xferState(x *xfer) XferState {
	s := XferState{
		Active: x.active, Op: uint8(x.op), LBA: x.lba, Count: uint32(x.count), Done: uint32(x.done),
		Wrap: x.wrap, Seg: x.seg, Off: x.off, Linear: x.linear, Ext: x.ext, DAP: x.dap,
		Phase: uint8(x.phase), Chunk: uint32(x.chunk), Left: uint32(x.left),
		WaitPauses: uint32(x.wait.pauses), WaitDeadline: x.wait.deadline,
	}
	for i, d := range b.hd {
		if d == x.d {
			s.Drive = uint8(i)
		}
	}
	return s
}

// SetState puts the BIOS in state s, refusing one that does not fit it.
func (b *BIOS) SetState(s State) error {
	if len(s.HardDisks) > 4 {
		return fmt.Errorf("bios: HardDisks lists %d drives, more than the 4 IDE positions", len(s.HardDisks))
	}
	var hd []*ataDrive
	for i, d := range s.HardDisks {
		if d.Channel > 1 {
			return fmt.Errorf("bios: HardDisks[%d].Channel %d is not an IDE channel (0-1)", i, d.Channel)
		}
		if d.Heads == 0 || d.SPT == 0 || d.LHeads == 0 || d.LSPT == 0 || d.LCyls == 0 || d.Heads > 16 || d.SPT > 255 || d.LHeads > 255 {
			return fmt.Errorf("bios: HardDisks[%d]: geometry %d/%d/%d (INT 13h %d/%d/%d) is not one IDENTIFY gives", i,
				d.Cyls, d.Heads, d.SPT, d.LCyls, d.LHeads, d.LSPT)
		}
		hd = append(hd, &ataDrive{
			channel: int(d.Channel), slave: d.Slave, model: d.Model,
			cyls: int(d.Cyls), heads: int(d.Heads), spt: int(d.SPT),
			lcyls: int(d.LCyls), lheads: int(d.LHeads), lspt: int(d.LSPT),
			sectors: d.Sectors, lba: d.LBA, lba48: d.LBA48,
		})
	}
	mkXfer := func(name string, x XferState) (xfer, error) {
		if !x.Active && x == (XferState{}) {
			return xfer{}, nil
		}
		switch {
		case int(x.Drive) >= len(hd):
			return xfer{}, fmt.Errorf("bios: %s.Drive %d: there are %d hard disks", name, x.Drive, len(hd))
		case x.Op > xferVerify:
			return xfer{}, fmt.Errorf("bios: %s.Op %d is not read, write or verify (0-2)", name, x.Op)
		case x.Phase > xferData:
			return xfer{}, fmt.Errorf("bios: %s.Phase %d is not 0 or 1", name, x.Phase)
		case x.Count > 65536 || x.Done > x.Count || x.Chunk > 65536 || x.Left > x.Chunk:
			return xfer{}, fmt.Errorf("bios: %s: Count %d, Done %d, Chunk %d and Left %d do not fit together", name, x.Count, x.Done, x.Chunk, x.Left)
		}
		return xfer{
			d: hd[x.Drive], op: int(x.Op), lba: x.LBA, count: int(x.Count), done: int(x.Done),
			wrap: x.Wrap, seg: x.Seg, off: x.Off, linear: x.Linear, ext: x.Ext, dap: x.DAP,
			phase: int(x.Phase), chunk: int(x.Chunk), left: int(x.Left),
			wait:   busyWait{pauses: int(x.WaitPauses), deadline: x.WaitDeadline},
			active: x.Active,
		}, nil
	}
	main, err := mkXfer("Xfer", s.Xfer)
	if err != nil {
		return err
	}
	pend := pending{}
	for i, ws := range s.Waits {
		kind := waitKind(ws.Kind)
		if kind < waitKey || kind > waitBeep {
			return fmt.Errorf("bios: Waits[%d].Kind %d is not a kind of wait", i, ws.Kind)
		}
		if _, dup := pend[ws.Stack]; dup {
			return fmt.Errorf("bios: Waits[%d].Stack %05Xh: two waits on one stack", i, ws.Stack)
		}
		if kind == waitATA && (ws.Then > thenDiskReady || ws.Arg < 0 || ws.Arg > 3) ||
			kind == waitSerial && ws.Then > thenSerialReceive ||
			kind == waitBeep && (ws.Then > beepGap || ws.Arg < 0 || ws.Arg > 0xFF) {
			return fmt.Errorf("bios: Waits[%d]: Then %d, Arg %d are not what its kind goes on with", i, ws.Then, ws.Arg)
		}
		w := wait{
			kind: kind, ext: ws.Ext, until: ws.Until, base: ws.Base, then: ws.Then, arg: int(ws.Arg),
			busy: busyWait{pauses: int(ws.BusyPauses), deadline: ws.BusyDeadline},
		}
		if kind == waitXfer {
			if ws.MainXfer {
				w.xfer = &b.xf
			} else {
				x, err := mkXfer(fmt.Sprintf("Waits[%d].Xfer", i), ws.Xfer)
				if err != nil {
					return err
				}
				if x.d == nil {
					return fmt.Errorf("bios: Waits[%d]: a transfer wait without a transfer", i)
				}
				w.xfer = &x
			}
		}
		pend[ws.Stack] = w
	}
	m := s.Mouse
	if int(m.Next) > len(m.Send) || int(m.Acks) > int(m.Next) || len(m.Resp) > int(m.Want) || m.Aux < -1 || m.Aux > 1 {
		return fmt.Errorf("bios: Mouse: Next %d, Acks %d, Want %d, Resp of %d and Aux %d do not fit %d bytes to send",
			m.Next, m.Acks, m.Want, len(m.Resp), m.Aux, len(m.Send))
	}
	if int(s.BootIndex) > len(b.bootOrder()) {
		return fmt.Errorf("bios: BootIndex %d is beyond the boot order %q", s.BootIndex, b.bootOrder())
	}
	b.hd, b.xf, b.pend = hd, main, pend
	b.ms = mouseXfer{
		send: append([]byte(nil), m.Send...), next: int(m.Next), acks: int(m.Acks), want: int(m.Want),
		resp: append([]byte(nil), m.Resp...), ctr: m.Ctr, aux: int(m.Aux), deadline: m.Deadline,
		pauses: int(m.Pauses), fn: m.Fn, sub: m.Sub,
	}
	b.bootIndex, b.bootDrive, b.ebdaSeg = int(s.BootIndex), s.BootDrive, s.EBDASeg
	return nil
}
