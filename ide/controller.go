package ide

import "fmt"

// Controller is the PC's two-channel IDE controller: the primary channel at
// 1F0h-1F7h/3F6h-3F7h on IRQ 14 and the secondary at 170h-177h/376h-377h on
// IRQ 15. Its port methods take absolute port numbers and hand them to the
// channel that decodes them; the machine may equally map each Channel's
// ports itself. (On a real PC, 3F7h bit 7 is the floppy controller's; a
// machine with a floppy controller routes 3F7h there.)
type Controller struct {
	Primary, Secondary *Channel
}

// NewController makes both channels, driving irq14 and irq15.
func NewController(irq14, irq15 IRQLine) *Controller {
	return &Controller{
		Primary:   NewChannel(PrimaryBase, PrimaryControl, irq14),
		Secondary: NewChannel(SecondaryBase, SecondaryControl, irq15),
	}
}

// Channel returns channel 0 (primary) or 1 (secondary).
func (c *Controller) Channel(i int) *Channel {
	if i == 0 {
		return c.Primary
	}
	return c.Secondary
}

// Attach puts a drive at a channel (0 primary, 1 secondary) and unit (0
// master, 1 slave); nil removes the drive there.
func (c *Controller) Attach(channel, unit int, d Drive) error {
	if channel < 0 || channel > 1 || unit < 0 || unit > 1 {
		return fmt.Errorf("ide: no drive position channel %d unit %d (channels 0-1, units 0-1)", channel, unit)
	}
	if d != nil {
		if g := d.Geometry(); !g.Valid() {
			return fmt.Errorf("ide: channel %d unit %d: drive geometry %d/%d/%d is outside the ATA limits (1-16383 cylinders, 1-16 heads, 1-63 sectors)",
				channel, unit, g.Cylinders, g.Heads, g.SectorsPerTrack)
		}
	}
	c.Channel(channel).Attach(unit, d)
	return nil
}

// Reset is a hardware reset of both channels.
func (c *Controller) Reset() {
	c.Primary.Reset()
	c.Secondary.Reset()
}

// Flush writes out unfinished writes and flushes every drive.
func (c *Controller) Flush() error {
	err := c.Primary.Flush()
	if err2 := c.Secondary.Flush(); err == nil {
		err = err2
	}
	return err
}

// Ports lists the I/O ports the controller decodes.
func (c *Controller) Ports() []uint16 {
	var ps []uint16
	for _, ch := range []*Channel{c.Primary, c.Secondary} {
		for p := ch.base; p < ch.base+8; p++ {
			ps = append(ps, p)
		}
		ps = append(ps, ch.ctrl, ch.ctrl+1)
	}
	return ps
}

func (c *Controller) route(port uint16) *Channel {
	switch {
	case c.Primary.decodes(port):
		return c.Primary
	case c.Secondary.decodes(port):
		return c.Secondary
	}
	return nil
}

// In8 reads a controller port; ports it does not decode read FFh.
func (c *Controller) In8(port uint16) uint8 {
	if ch := c.route(port); ch != nil {
		return ch.In8(port)
	}
	return 0xFF
}

// Out8 writes a controller port.
func (c *Controller) Out8(port uint16, v uint8) {
	if ch := c.route(port); ch != nil {
		ch.Out8(port, v)
	}
}

// In16 reads a word: the Data register, or two byte registers.
func (c *Controller) In16(port uint16) uint16 {
	// The Data registers first: word I/O there is the hot path.
	switch port {
	case PrimaryBase:
		return c.Primary.readData()
	case SecondaryBase:
		return c.Secondary.readData()
	}
	if ch := c.route(port); ch != nil {
		return ch.In16(port)
	}
	return 0xFFFF
}

// Out16 writes a word.
func (c *Controller) Out16(port uint16, v uint16) {
	switch port {
	case PrimaryBase:
		c.Primary.writeData(v)
		return
	case SecondaryBase:
		c.Secondary.writeData(v)
		return
	}
	if ch := c.route(port); ch != nil {
		ch.Out16(port, v)
	}
}

// InsBulk is REP INSW on a Data register (cpu.BulkPortIO).
func (c *Controller) InsBulk(port uint16, width int, dst []byte) int {
	switch port {
	case PrimaryBase:
		return c.Primary.InsBulk(port, width, dst)
	case SecondaryBase:
		return c.Secondary.InsBulk(port, width, dst)
	}
	return 0
}

// OutsBulk is REP OUTSW on a Data register (cpu.BulkPortIO).
func (c *Controller) OutsBulk(port uint16, width int, src []byte) int {
	switch port {
	case PrimaryBase:
		return c.Primary.OutsBulk(port, width, src)
	case SecondaryBase:
		return c.Secondary.OutsBulk(port, width, src)
	}
	return 0
}
