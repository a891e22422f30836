package statefile

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"strings"
)

// The encoding of a section's value: the exported fields of a Go struct
// in the order they are declared, each by its kind, little-endian, with no
// padding and no names:
//
//	bool                     1 byte, 0 or 1
//	int8..int64, uint8..64   1, 2, 4 or 8 bytes; int and uint as 8
//	string, []byte           uint32 length, then the bytes
//	[]T                      uint32 count, then the elements
//	[N]T                     the N elements
//	*T                       1 byte: 0 (nil) or 1, then T
//	struct                   its fields
//
// A section's layout is that shape with the fields' names (layout below);
// its hash in the section header tells a file written by a program whose
// state has another shape.

// layout describes t for the layout hash: field names and shapes, not Go
// type names.
func layout(t reflect.Type) string {
	var b strings.Builder
	writeLayout(&b, t)
	return b.String()
}

func writeLayout(b *strings.Builder, t reflect.Type) {
	switch t.Kind() {
	case reflect.Bool:
		b.WriteString("bool")
	case reflect.Int, reflect.Int64:
		b.WriteString("i64")
	case reflect.Int8, reflect.Int16, reflect.Int32:
		fmt.Fprintf(b, "i%d", t.Bits())
	case reflect.Uint, reflect.Uint64:
		b.WriteString("u64")
	case reflect.Uint8, reflect.Uint16, reflect.Uint32:
		fmt.Fprintf(b, "u%d", t.Bits())
	case reflect.String:
		b.WriteString("string")
	case reflect.Slice:
		b.WriteString("[]")
		writeLayout(b, t.Elem())
	case reflect.Array:
		fmt.Fprintf(b, "[%d]", t.Len())
		writeLayout(b, t.Elem())
	case reflect.Pointer:
		b.WriteString("*")
		writeLayout(b, t.Elem())
	case reflect.Struct:
		b.WriteString("{")
		for i, f := range exported(t) {
			if i > 0 {
				b.WriteString(";")
			}
			b.WriteString(f.Name + " ")
			writeLayout(b, f.Type)
		}
		b.WriteString("}")
	default:
		panic(fmt.Sprintf("statefile: a %v cannot be in a state (%v)", t.Kind(), t))
	}
}

// layoutHash is the first 8 bytes of layout's SHA-256.
func layoutHash(t reflect.Type) [8]byte {
	s := sha256.Sum256([]byte(layout(t)))
	return [8]byte(s[:8])
}

// exported are t's exported fields, in order.
func exported(t reflect.Type) []reflect.StructField {
	var fs []reflect.StructField
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() {
			fs = append(fs, f)
		}
	}
	return fs
}

// encode appends v's encoding to b.
func encode(b []byte, v reflect.Value) []byte {
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			return append(b, 1)
		}
		return append(b, 0)
	case reflect.Int8:
		return append(b, byte(v.Int()))
	case reflect.Int16:
		return binary.LittleEndian.AppendUint16(b, uint16(v.Int()))
	case reflect.Int32:
		return binary.LittleEndian.AppendUint32(b, uint32(v.Int()))
	case reflect.Int, reflect.Int64:
		return binary.LittleEndian.AppendUint64(b, uint64(v.Int()))
	case reflect.Uint8:
		return append(b, byte(v.Uint()))
	case reflect.Uint16:
		return binary.LittleEndian.AppendUint16(b, uint16(v.Uint()))
	case reflect.Uint32:
		return binary.LittleEndian.AppendUint32(b, uint32(v.Uint()))
	case reflect.Uint, reflect.Uint64:
		return binary.LittleEndian.AppendUint64(b, v.Uint())
	case reflect.String:
		b = binary.LittleEndian.AppendUint32(b, uint32(v.Len()))
		return append(b, v.String()...)
	case reflect.Slice:
		b = binary.LittleEndian.AppendUint32(b, uint32(v.Len()))
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return append(b, v.Bytes()...)
		}
		for i := range v.Len() {
			b = encode(b, v.Index(i))
		}
		return b
	case reflect.Array:
		switch v.Type().Elem().Kind() {
		case reflect.Uint8:
			for i := range v.Len() {
				b = append(b, byte(v.Index(i).Uint()))
			}
			return b
		case reflect.Uint32:
			if v.CanAddr() {
				a := v.Slice(0, v.Len()).Interface().([]uint32)
				for _, x := range a {
					b = binary.LittleEndian.AppendUint32(b, x)
				}
				return b
			}
		}
		for i := range v.Len() {
			b = encode(b, v.Index(i))
		}
		return b
	case reflect.Pointer:
		if v.IsNil() {
			return append(b, 0)
		}
		return encode(append(b, 1), v.Elem())
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if t.Field(i).IsExported() {
				b = encode(b, v.Field(i))
			}
		}
		return b
	}
	panic(fmt.Sprintf("statefile: cannot encode a %v", v.Kind()))
}

// decoder reads a section's value, naming the field where it fails.
type decoder struct {
	b    []byte
	path []string
	err  error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		where := strings.Join(d.path, "")
		if where == "" {
			where = "(the value)"
		}
		d.err = fmt.Errorf("field %s: %s", strings.TrimPrefix(where, "."), fmt.Sprintf(format, args...))
	}
}

// take returns the next n bytes, or nil (and an error) if the section
// has fewer left.
func (d *decoder) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > len(d.b) {
		d.fail("needs %d bytes, the section has %d left (truncated)", n, len(d.b))
		return nil
	}
	p := d.b[:n]
	d.b = d.b[n:]
	return p
}

// count reads a length or count of elements each at least min bytes long,
// refusing one the rest of the section cannot hold.
func (d *decoder) count(min int) int {
	p := d.take(4)
	if p == nil {
		return 0
	}
	n := binary.LittleEndian.Uint32(p)
	if uint64(n)*uint64(max(min, 1)) > uint64(len(d.b)) && !(min == 0 && n == 0) {
		d.fail("%d elements do not fit in the %d bytes left in the section", n, len(d.b))
		return 0
	}
	return int(n)
}

// minSize is the fewest bytes a value of type t encodes to.
func minSize(t reflect.Type) int {
	switch t.Kind() {
	case reflect.Bool, reflect.Int8, reflect.Uint8, reflect.Pointer:
		return 1
	case reflect.Int16, reflect.Uint16:
		return 2
	case reflect.Int32, reflect.Uint32, reflect.String, reflect.Slice:
		return 4
	case reflect.Int, reflect.Int64, reflect.Uint, reflect.Uint64:
		return 8
	case reflect.Array:
		return t.Len() * minSize(t.Elem())
	case reflect.Struct:
		n := 0
		for _, f := range exported(t) {
			n += minSize(f.Type)
		}
		return n
	}
	return 1
}

// decode reads into v (settable).
func (d *decoder) decode(v reflect.Value) {
	if d.err != nil {
		return
	}
	le := binary.LittleEndian
	switch v.Kind() {
	case reflect.Bool:
		if p := d.take(1); p != nil {
			if p[0] > 1 {
				d.fail("%d is not a boolean (0 or 1)", p[0])
			}
			v.SetBool(p[0] == 1)
		}
	case reflect.Int8:
		if p := d.take(1); p != nil {
			v.SetInt(int64(int8(p[0])))
		}
	case reflect.Int16:
		if p := d.take(2); p != nil {
			v.SetInt(int64(int16(le.Uint16(p))))
		}
	case reflect.Int32:
		if p := d.take(4); p != nil {
			v.SetInt(int64(int32(le.Uint32(p))))
		}
	case reflect.Int, reflect.Int64:
		if p := d.take(8); p != nil {
			x := int64(le.Uint64(p))
			if v.Kind() == reflect.Int && (x > math.MaxInt || x < math.MinInt) {
				d.fail("%d does not fit", x)
			}
			v.SetInt(x)
		}
	case reflect.Uint8:
		if p := d.take(1); p != nil {
			v.SetUint(uint64(p[0]))
		}
	case reflect.Uint16:
		if p := d.take(2); p != nil {
			v.SetUint(uint64(le.Uint16(p)))
		}
	case reflect.Uint32:
		if p := d.take(4); p != nil {
			v.SetUint(uint64(le.Uint32(p)))
		}
	case reflect.Uint, reflect.Uint64:
		if p := d.take(8); p != nil {
			v.SetUint(le.Uint64(p))
		}
	case reflect.String:
		if p := d.take(d.count(1)); p != nil {
			v.SetString(string(p))
		}
	case reflect.Slice:
		et := v.Type().Elem()
		n := d.count(minSize(et))
		if d.err != nil {
			return
		}
		if et.Kind() == reflect.Uint8 {
			if p := d.take(n); p != nil && n > 0 {
				v.SetBytes(append([]byte(nil), p...))
			}
			return
		}
		if n == 0 {
			return
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			d.path = append(d.path, fmt.Sprintf("[%d]", i))
			d.decode(s.Index(i))
			d.path = d.path[:len(d.path)-1]
		}
		v.Set(s)
	case reflect.Array:
		switch v.Type().Elem().Kind() {
		case reflect.Uint8:
			if p := d.take(v.Len()); p != nil {
				reflect.Copy(v, reflect.ValueOf(p))
			}
			return
		case reflect.Uint32:
			if p := d.take(4 * v.Len()); p != nil {
				a := v.Slice(0, v.Len()).Interface().([]uint32)
				for i := range a {
					a[i] = le.Uint32(p[4*i:])
				}
			}
			return
		}
		for i := range v.Len() {
			d.path = append(d.path, fmt.Sprintf("[%d]", i))
			d.decode(v.Index(i))
			d.path = d.path[:len(d.path)-1]
		}
	case reflect.Pointer:
		p := d.take(1)
		switch {
		case p == nil:
		case p[0] == 0:
			v.SetZero()
		case p[0] == 1:
			n := reflect.New(v.Type().Elem())
			d.decode(n.Elem())
			v.Set(n)
		default:
			d.fail("presence byte %d is not 0 or 1", p[0])
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			d.path = append(d.path, "."+f.Name)
			d.decode(v.Field(i))
			d.path = d.path[:len(d.path)-1]
		}
	default:
		d.fail("cannot decode a %v", v.Kind())
	}
}
