package gdbstub

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// The remote serial protocol's framing (GDB manual, "Overview" of the
// Remote Protocol): a packet is $data#cc, cc the modulo-256 sum of data in
// two hex digits; the receiver answers + (good) or - (resend) until no-ack
// mode is on (QStartNoAckMode). In data, the bytes # $ } and * are escaped
// as } followed by the byte XOR 20h (binary data, the X packet). A lone
// 03h byte outside a packet is the interrupt (Ctrl-C).

// event is what the reader saw on the connection.
type event struct {
	kind   byte   // 'p' packet, 'i' interrupt, '+' or '-' an acknowledgement
	data   []byte // the packet's data, unescaped (kind 'p')
	badSum bool   // the checksum did not match (kind 'p')
}

// maxPacket is the longest packet data accepted (PacketSize in qSupported
// says 4000h; a little room for gdb's own framing slack).
const maxPacket = 0x4000 + 64

// readEvents reads the connection until it fails or closes, sending each
// event to out; it closes out at the end.
func readEvents(r io.Reader, out chan<- event) {
	defer close(out)
	br := bufio.NewReader(r)
	for {
		c, err := br.ReadByte()
		if err != nil {
			return
		}
		switch c {
		case 0x03:
			out <- event{kind: 'i'}
		case '+', '-':
			out <- event{kind: c}
		case '$':
			ev, err := readPacket(br)
			if err != nil {
				return
			}
			out <- ev
		}
		// Anything else between packets is line noise: ignored.
	}
}

// readPacket reads the rest of a packet after its '$'.
func readPacket(br *bufio.Reader) (event, error) {
	var data []byte
	var sum byte
	escaped := false
	for {
		c, err := br.ReadByte()
		if err != nil {
			return event{}, err
		}
		if c == '#' && !escaped {
			break
		}
		sum += c
		if len(data) > maxPacket {
			continue // too long: read to its end and refuse it by checksum
		}
		switch {
		case escaped:
			data = append(data, c^0x20)
			escaped = false
		case c == '}':
			escaped = true
		default:
			data = append(data, c)
		}
	}
	var hex [2]byte
	if _, err := io.ReadFull(br, hex[:]); err != nil {
		return event{}, err
	}
	want, ok := parseHexByte(hex[0], hex[1])
	return event{kind: 'p', data: data, badSum: !ok || want != sum || len(data) > maxPacket}, nil
}

func parseHexByte(a, b byte) (byte, bool) {
	hi, ok1 := hexDigit(a)
	lo, ok2 := hexDigit(b)
	return hi<<4 | lo, ok1 && ok2
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// frame builds $data#cc, escaping what must be.
func frame(data []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(data) + 4)
	b.WriteByte('$')
	var sum byte
	for _, c := range data {
		if c == '$' || c == '#' || c == '}' || c == '*' {
			b.WriteByte('}')
			sum += '}'
			c ^= 0x20
		}
		b.WriteByte(c)
		sum += c
	}
	fmt.Fprintf(&b, "#%02x", sum)
	return b.Bytes()
}

// errClosed is the session's end: the connection closed or failed.
var errClosed = errors.New("gdbstub: connection closed")
