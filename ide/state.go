package ide

import "fmt"

// The controller's state for a machine state: per channel the selected
// device, Device Control and the INTRQ line; per device the task file,
// the settings commands changed, the PIO transfer in progress and its
// sector buffer (read-ahead sectors, write-behind sectors not yet on the
// drive, a DRQ block half moved). Which drives are attached is the
// machine's configuration, not state: SetState checks that the state was
// saved with a drive in the same positions, and the drives' contents are
// the disks' own (package disk).

// ControllerState is both channels.
type ControllerState struct {
	Channels [2]ChannelState // primary, secondary
}

// ChannelState is one channel.
type ChannelState struct {
	Selected uint8 // the DEV bit of the last Device write
	DevCtl   uint8
	Line     bool // INTRQ as last driven onto the IRQ line
	Devices  [2]DeviceState
}

// DeviceState is one device position. Where no drive is attached
// (Present false) the registers are still written (ATA: both devices
// latch the task file) and the buffer is empty.
type DeviceState struct {
	Present bool

	TaskFile TaskFileState
	INTRQ    bool
	InReset  bool

	CurHeads, CurSectors uint16
	CurCylinders         uint32
	CHSValid             bool
	Multiple             uint16
	WriteCache           bool
	ReadLookAhead        bool
	RevertOnReset        bool
	PIOMode              uint8
	Power                uint8 // 0 active, 1 idle, 2 standby, 3 sleep
	StandbyTimer         uint8

	Transfer TransferState
	Buffer   []byte // the sector buffer (bufSectors sectors)
}

// TaskFileState is the command block registers with their previous
// contents (the high bytes of 48-bit addresses).
type TaskFileState struct {
	Features, FeaturesPrev uint8
	Count, CountPrev       uint8
	LBALow, LBALowPrev     uint8
	LBAMid, LBAMidPrev     uint8
	LBAHigh, LBAHighPrev   uint8
	Device                 uint8
	Status                 uint8
	Error                  uint8
}

// TransferState is the PIO command in progress.
type TransferState struct {
	Phase  uint8 // 0 none, 1 data-in, 2 data-out
	Cmd    uint8
	Mode   uint8 // 0 CHS, 1 LBA28, 2 LBA48
	Ext    bool
	Pos    uint32
	End    uint32
	Next   uint64
	Left   uint32
	Block  uint32
	Limit  uint64
	BufLBA uint64
	BufN   uint32
	Bad    uint64
	BadSet bool
	BlockN uint32
}

// State returns the controller's state.
func (c *Controller) State() ControllerState {
	var s ControllerState
	for i, ch := range []*Channel{c.Primary, c.Secondary} {
		s.Channels[i] = ch.state()
	}
	return s
}

// SetState puts the controller in state s. The drives attached must be in
// the positions s was saved with. The IRQ lines' levels are the PIC's
// state.
func (c *Controller) SetState(s ControllerState) error {
	for i, ch := range []*Channel{c.Primary, c.Secondary} {
		if err := ch.checkState(i, &s.Channels[i]); err != nil {
			return err
		}
	}
	for i, ch := range []*Channel{c.Primary, c.Secondary} {
		ch.setState(&s.Channels[i])
	}
	return nil
}

func (ch *Channel) state() ChannelState {
	s := ChannelState{Selected: uint8(ch.sel), DevCtl: ch.devctl, Line: ch.line}
	for i := range ch.dev {
		d := &ch.dev[i]
		t, x := &d.tf, &d.x
		s.Devices[i] = DeviceState{
			Present: d.present(),
			TaskFile: TaskFileState{
				Features: t.features, FeaturesPrev: t.featuresPrev, Count: t.count, CountPrev: t.countPrev,
				LBALow: t.lbaLow, LBALowPrev: t.lbaLowPrev, LBAMid: t.lbaMid, LBAMidPrev: t.lbaMidPrev,
				LBAHigh: t.lbaHigh, LBAHighPrev: t.lbaHighPrev, Device: t.device, Status: t.status, Error: t.err,
			},
			INTRQ: d.intrq, InReset: d.inReset,
			CurHeads: uint16(d.curHeads), CurSectors: uint16(d.curSectors), CurCylinders: uint32(d.curCylinders),
			CHSValid: d.chsValid, Multiple: uint16(d.multiple), WriteCache: d.writeCache,
			ReadLookAhead: d.readLookAhead, RevertOnReset: d.revertOnReset, PIOMode: uint8(d.pioMode),
			Power: uint8(d.power), StandbyTimer: d.standbyTimer,
			Transfer: TransferState{
				Phase: uint8(x.phase), Cmd: x.cmd, Mode: uint8(x.mode), Ext: x.ext,
				Pos: uint32(x.pos), End: uint32(x.end), Next: x.next, Left: x.left, Block: uint32(x.block),
				Limit: x.limit, BufLBA: x.bufLBA, BufN: uint32(x.bufN), Bad: x.bad, BadSet: x.badSet, BlockN: uint32(x.blockN),
			},
			Buffer: append([]byte(nil), d.buf...),
		}
	}
	return s
}

// checkState refuses a state that does not fit the channel's drives or
// would make the device index its buffer out of range.
func (ch *Channel) checkState(i int, s *ChannelState) error {
	name := [2]string{"primary", "secondary"}[i]
	if s.Selected > 1 {
		return fmt.Errorf("ide: %s channel: Selected %d is not a device (0 or 1)", name, s.Selected)
	}
	for u := range ch.dev {
		d, ds := &ch.dev[u], &s.Devices[u]
		where := fmt.Sprintf("ide: %s channel device %d", name, u)
		if d.present() != ds.Present {
			if ds.Present {
				return fmt.Errorf("%s: the state has a drive there, the machine none", where)
			}
			return fmt.Errorf("%s: the machine has a drive there, the state none", where)
		}
		x := &ds.Transfer
		switch {
		case len(ds.Buffer) != len(d.buf):
			return fmt.Errorf("%s: Buffer is %d bytes, the device's is %d", where, len(ds.Buffer), len(d.buf))
		case x.Phase > uint8(phaseDataOut):
			return fmt.Errorf("%s: Transfer.Phase %d is not a PIO phase (0-2)", where, x.Phase)
		case x.Mode > uint8(modeLBA48):
			return fmt.Errorf("%s: Transfer.Mode %d is not an addressing mode (0-2)", where, x.Mode)
		case x.Pos > x.End || int(x.End) > len(d.buf):
			return fmt.Errorf("%s: Transfer.Pos %d and End %d are not a block of the %d-byte buffer", where, x.Pos, x.End, len(d.buf))
		case int(x.BufN) > bufSectors || int(x.BlockN) > bufSectors || int(x.Block) > bufSectors:
			return fmt.Errorf("%s: Transfer.BufN %d, BlockN %d or Block %d is more than the buffer's %d sectors", where, x.BufN, x.BlockN, x.Block, bufSectors)
		case ds.Power > uint8(powerSleep):
			return fmt.Errorf("%s: Power %d is not a power mode (0-3)", where, ds.Power)
		case ds.Multiple > bufSectors:
			return fmt.Errorf("%s: Multiple %d is more than the buffer's %d sectors", where, ds.Multiple, bufSectors)
		}
	}
	return nil
}

func (ch *Channel) setState(s *ChannelState) {
	ch.sel, ch.devctl, ch.line = int(s.Selected), s.DevCtl, s.Line
	for u := range ch.dev {
		d, ds := &ch.dev[u], &s.Devices[u]
		t, x := &ds.TaskFile, &ds.Transfer
		d.tf = taskFile{
			features: t.Features, featuresPrev: t.FeaturesPrev, count: t.Count, countPrev: t.CountPrev,
			lbaLow: t.LBALow, lbaLowPrev: t.LBALowPrev, lbaMid: t.LBAMid, lbaMidPrev: t.LBAMidPrev,
			lbaHigh: t.LBAHigh, lbaHighPrev: t.LBAHighPrev, device: t.Device, status: t.Status, err: t.Error,
		}
		d.intrq, d.inReset = ds.INTRQ, ds.InReset
		d.curHeads, d.curSectors, d.curCylinders = int(ds.CurHeads), int(ds.CurSectors), int(ds.CurCylinders)
		d.chsValid, d.multiple, d.writeCache = ds.CHSValid, int(ds.Multiple), ds.WriteCache
		d.readLookAhead, d.revertOnReset, d.pioMode = ds.ReadLookAhead, ds.RevertOnReset, int(ds.PIOMode)
		d.power, d.standbyTimer = powerMode(ds.Power), ds.StandbyTimer
		d.x = transfer{
			phase: phase(x.Phase), cmd: x.Cmd, mode: addrMode(x.Mode), ext: x.Ext,
			pos: int(x.Pos), end: int(x.End), next: x.Next, left: x.Left, block: int(x.Block),
			limit: x.Limit, bufLBA: x.BufLBA, bufN: int(x.BufN), bad: x.Bad, badSet: x.BadSet, blockN: int(x.BlockN),
		}
		copy(d.buf, ds.Buffer)
	}
}
