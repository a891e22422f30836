package monitor

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"pcemu/cpu"
	"pcemu/disasm"
	"pcemu/machine"
	"pcemu/machine/keys"
	"pcemu/machine/statefile"
)

// infoRegisters shows the registers as the CPU has them between two
// instructions, the flags in QEMU's [DOSZAPC] letters, and the instruction
// at CS:IP.
func (mon *Monitor) infoRegisters(w io.Writer, _ string) error {
	var (
		regs      [8]uint16
		segs      [4]uint16
		ip, flags uint16
		halted    bool
		a20       bool
		code      []byte
		model     cpu.Model
	)
	mon.m.Locked(func() {
		c := mon.m.CPU
		regs, segs, ip, flags, halted = c.Regs, c.Segs, c.IP, c.Flags(), c.Halted()
		a20 = c.Linear(0xFFFF, 0x10) != 0 // does FFFF:0010 reach 100000h?
		model = c.Model()
		code = mon.fetch(segs[cpu.CS], ip, disasm.MaxLen)
	})
	st := mon.m.Stats()
	fmt.Fprintf(w, "AX=%04X BX=%04X CX=%04X DX=%04X SP=%04X BP=%04X SI=%04X DI=%04X\n",
		regs[cpu.AX], regs[cpu.BX], regs[cpu.CX], regs[cpu.DX], regs[cpu.SP], regs[cpu.BP], regs[cpu.SI], regs[cpu.DI])
	fmt.Fprintf(w, "ES=%04X CS=%04X SS=%04X DS=%04X IP=%04X FL=%04X [%s] IF=%d TF=%d HLT=%d A20=%d\n",
		segs[cpu.ES], segs[cpu.CS], segs[cpu.SS], segs[cpu.DS], ip, flags, flagLetters(flags),
		bit(flags&cpu.FlagIF != 0), bit(flags&cpu.FlagTF != 0), bit(halted), bit(a20))
	fmt.Fprintf(w, "instructions=%d virtual-time=%.6fs\n", st.Instructions, st.VirtualTime.Seconds())
	in, err := disasm.Decode(code, ip, model)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, in.Line(segs[cpu.CS]))
	return nil
}

// flagLetters writes FLAGS as QEMU's info registers does: D O S Z A P C,
// '-' for a clear flag.
func flagLetters(f uint16) string {
	b := []byte("-------")
	for i, fl := range []struct {
		mask uint16
		c    byte
	}{{cpu.FlagDF, 'D'}, {cpu.FlagOF, 'O'}, {cpu.FlagSF, 'S'}, {cpu.FlagZF, 'Z'}, {cpu.FlagAF, 'A'}, {cpu.FlagPF, 'P'}, {cpu.FlagCF, 'C'}} {
		if f&fl.mask != 0 {
			b[i] = fl.c
		}
	}
	return string(b)
}

func bit(b bool) int {
	if b {
		return 1
	}
	return 0
}

// infoStatus says whether the machine runs, in QEMU's words.
func (mon *Monitor) infoStatus(w io.Writer, _ string) error {
	switch {
	case mon.m.Stopped() != 0:
		fmt.Fprintf(w, "VM status: shut down (%v)\n", mon.m.Stopped())
	case mon.m.Paused():
		io.WriteString(w, "VM status: paused\n")
	default:
		io.WriteString(w, "VM status: running\n")
	}
	return nil
}

func noArgs(args string) error {
	if args != "" {
		return fmt.Errorf("takes no argument (got %q)", args)
	}
	return nil
}

// action is a command without arguments that calls one method of the
// machine: stop (Pause), cont (Resume), system_reset, system_powerdown.
func action(f func(*machine.Machine)) func(*Monitor, io.Writer, string) error {
	return func(mon *Monitor, _ io.Writer, args string) error {
		if err := noArgs(args); err != nil {
			return err
		}
		f(mon.m)
		return nil
	}
}

func (mon *Monitor) quitCmd(_ io.Writer, args string) error {
	if err := noArgs(args); err != nil {
		return err
	}
	if mon.quit != nil {
		mon.quit()
	}
	return ErrQuit
}

// screendump writes the screen as the window shows it: an image (.png) or
// the text (.txt). QEMU writes PPM; pcemu's formats are those of
// --screendump.
func (mon *Monitor) screendump(_ io.Writer, args string) error {
	f := strings.Fields(args)
	if len(f) != 1 {
		return errors.New("needs one file name (NAME.png or NAME.txt)")
	}
	return mon.m.Screendump(f[0])
}

// sendkey presses the keys of a QEMU key list such as ctrl-alt-delete in
// order and releases them in reverse, as QEMU's sendkey does. The keys
// queue like typed ones and reach the guest as the machine runs.
func (mon *Monitor) sendkey(_ io.Writer, args string) error {
	f := strings.Fields(args)
	switch {
	case len(f) == 0:
		return errors.New("needs keys, such as ctrl-alt-delete")
	case len(f) > 1:
		return fmt.Errorf("%q: pcemu holds keys for its own key interval; a hold time is not supported", args)
	}
	var down []keys.Key
	for _, name := range strings.Split(f[0], "-") {
		k, ok := keys.Lookup(name)
		if !ok {
			return fmt.Errorf("unknown key %q in %q", name, f[0])
		}
		down = append(down, k)
	}
	var held keys.Held
	release := make([][]byte, len(down))
	for i, k := range down {
		press, rel := k.CodesWith(held)
		mon.m.SendScancodes(press)
		release[i] = rel
		switch k.Name() {
		case "Ctrl", "RCtrl":
			held.Ctrl = true
		case "Alt", "RAlt":
			held.Alt = true
		case "Shift", "RShift":
			held.Shift = true
		}
	}
	for i := len(release) - 1; i >= 0; i-- {
		mon.m.SendScancodes(release[i])
	}
	return nil
}

// savevm saves the machine's state to a file, between two run slices (the
// machine runs on, or stays paused).
func (mon *Monitor) savevm(_ io.Writer, args string) error {
	f := strings.Fields(args)
	if len(f) != 1 {
		return errors.New("needs one file name")
	}
	s, err := mon.m.Save()
	if err != nil {
		return err
	}
	return statefile.Save(f[0], s)
}

// loadvm puts the machine back into the state in a file: one saved from
// this machine (the same model, memory, BIOS and images). The file stays
// open until the machine closes: the disks read the writes it holds.
func (mon *Monitor) loadvm(_ io.Writer, args string) error {
	f := strings.Fields(args)
	if len(f) != 1 {
		return errors.New("needs one file name")
	}
	sf, err := statefile.Open(f[0])
	if err != nil {
		return err
	}
	if err := mon.m.Load(sf.State); err != nil {
		sf.Close()
		return err
	}
	mon.m.CloseWith(sf)
	return nil
}
