package term

import "pcemu/machine"

// The terminal's mouse. The terminal reports where its pointer is, in
// cells of the screen it shows; the guest's mouse only reports motion. So
// the first report puts the guest's pointer there with MouseMoveTo (its
// corner-and-walk aim, see package machine), and each later one walks it
// by the difference, in mickeys as a Microsoft-compatible driver counts
// them by default (8 per 8 virtual pixels across, 16 down; 640 virtual
// pixels across the screen, 8 down a text row). Presses and releases of
// the left, middle and right buttons are the guest's; the wheel is not.

// pointer follows the terminal's mouse reports.
type pointer struct {
	m      Machine
	known  bool
	mx, my int // the guest's pointer, in mickeys from the top-left corner
}

// report turns one mouse report over frame f into the guest's motion and
// buttons.
func (p *pointer) report(f frame, r mouseReport) {
	if r.button >= 64 || r.col >= f.cols || r.row >= f.rows {
		return // the wheel, or outside the guest's screen
	}
	var x, y, mx, my int // the target: a cell or a pixel, and in mickeys
	if f.pixW == 0 {
		cw := 640 / f.cols
		x, y = r.col, r.row
		mx, my = x*cw+cw/2, 2*(y*8+4)
	} else {
		x, y = r.col*f.pixW/f.cols, (2*r.row+1)*f.pixH/(2*f.rows)
		mx, my = x*640/f.pixW, 2*y
	}
	if !p.known {
		if p.m.MouseMoveTo(x, y) == nil {
			p.known, p.mx, p.my = true, mx, my
		}
	} else if mx != p.mx || my != p.my {
		p.m.MouseWalk(mx-p.mx, my-p.my)
		p.mx, p.my = mx, my
	}
	if r.button&32 != 0 {
		return // motion
	}
	var b uint8
	switch r.button & 3 {
	case 0:
		b = machine.MouseLeft
	case 1:
		b = machine.MouseMiddle
	case 2:
		b = machine.MouseRight
	default:
		return
	}
	p.m.MouseButton(b, !r.release)
}
