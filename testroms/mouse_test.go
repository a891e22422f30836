package testroms

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pcemu/cpu"
	"pcemu/machine"
	"pcemu/machine/machinetest"
)

// mouseSteps are the host mouse input of each mouse program, step n when
// the program prints "MOUSE n" (the programs' headers say the same).
var mouseSteps = map[string]struct {
	mouse machine.MouseType
	steps []func(m *machine.Machine)
}{
	"mouse_kbc": {machine.MousePS2, []func(m *machine.Machine){
		func(m *machine.Machine) { m.MouseMotion(10, -5) },
		func(m *machine.Machine) {
			m.MouseMotion(-3, 4)
			m.MouseButton(machine.MouseLeft, true)
			m.MouseButton(machine.MouseLeft, false)
		},
		func(m *machine.Machine) { m.MouseMotion(7, 7) },
	}},
	"mouse_bios": {machine.MousePS2, []func(m *machine.Machine){
		func(m *machine.Machine) { m.MouseMotion(20, 30) },
		func(m *machine.Machine) {
			m.MouseButton(machine.MouseRight, true)
			m.MouseButton(machine.MouseRight, false)
		},
		func(m *machine.Machine) { m.MouseMotion(5, 5) },
	}},
	"mouse_serial": {machine.MouseSerial, []func(m *machine.Machine){
		func(m *machine.Machine) { m.MouseMotion(5, -3) },
		func(m *machine.Machine) {
			m.MouseButton(machine.MouseLeft, true)
			m.MouseButton(machine.MouseMiddle, true)
			m.MouseButton(machine.MouseMiddle, false)
			m.MouseButton(machine.MouseLeft, false)
		},
		func(m *machine.Machine) { m.MouseMotion(-60, 0) },
	}},
}

// The mouse programs run on the 80286 and the 8086 with their mouse; each
// step of host input is made when the program asks for it.
func TestMousePrograms(t *testing.T) {
	for _, p := range MousePrograms {
		for _, model := range []cpu.Model{cpu.Model80286, cpu.Model8086} {
			name := p
			if model != cpu.Model80286 {
				name = fmt.Sprintf("%s/%s", p, modelName(model))
			}
			t.Run(name, func(t *testing.T) {
				prog, err := Binary(p)
				if err != nil {
					t.Fatal(err)
				}
				hd, fd := writeDisks(t, t.TempDir(), p, prog)
				spec := mouseSteps[p]
				m := machinetest.Boot(t, machine.Config{
					Model: model, HardDisks: [4]string{hd}, Floppies: [2]string{fd},
					NoReboot: true, Mouse: spec.mouse,
				})
				done := 0
				for elapsed := time.Duration(0); m.Stopped() == machine.Running && elapsed < programTimeout; elapsed += time.Millisecond {
					m.Run(time.Millisecond)
					out := m.DebugOutput()
					for done < len(spec.steps) && strings.Contains(out, fmt.Sprintf("MOUSE %d\n", done+1)) {
						spec.steps[done](m.Machine)
						done++
					}
				}
				out := m.DebugOutput()
				fails, passes, finished := summarize(out)
				for _, l := range strings.Split(out, "\n") {
					if strings.HasPrefix(l, "DONE ") {
						t.Log(l)
					}
				}
				for _, f := range fails {
					t.Errorf("%s", f)
				}
				if !finished || passes == 0 {
					t.Errorf("the program did not finish; debug console:\n%s", out)
				}
				if reason, status := m.Stopped(), m.ExitStatus(); reason != machine.ExitPort || status != 1 {
					t.Errorf("stopped by %v with status %d, want the exit port with 1", reason, status)
				}
			})
		}
	}
}
