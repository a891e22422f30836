// Package statetest compares two object graphs field by field, exported or
// not, for the machine state tests: a machine restored from a state must
// equal, in every field that is state, the machine the state was saved
// from. A field left out of a device's State shows up here as a field that
// differs, named by its path.
package statetest

import (
	"bytes"
	"fmt"
	"reflect"
	"sync"
	"unsafe"
)

// Diff returns the paths at which a and b differ, at most max of them.
// Functions, channels and mutexes are not compared, nor fields whose
// "Type.field" name (package-qualified type: "cpu.CPU.blocks") skip
// reports true. A nil slice equals an empty one. Pointers are followed
// once per pair, so cycles end.
func Diff(a, b any, skip func(field string) bool, max int) []string {
	d := &differ{skip: skip, max: max, seen: map[[2]uintptr]bool{}}
	d.walk(reflect.ValueOf(a), reflect.ValueOf(b), "")
	return d.out
}

type differ struct {
	skip func(string) bool
	max  int
	seen map[[2]uintptr]bool
	out  []string
}

var mutexType = reflect.TypeFor[sync.Mutex]()

func (d *differ) report(path, format string, args ...any) {
	if len(d.out) < d.max {
		d.out = append(d.out, path+": "+fmt.Sprintf(format, args...))
	}
}

func (d *differ) walk(a, b reflect.Value, path string) {
	if len(d.out) >= d.max {
		return
	}
	if a.IsValid() != b.IsValid() {
		d.report(path, "one side is nil")
		return
	}
	if !a.IsValid() {
		return
	}
	if a.Type() != b.Type() {
		d.report(path, "types %v and %v", a.Type(), b.Type())
		return
	}
	if a.Type() == mutexType {
		return
	}
	switch a.Kind() {
	case reflect.Func, reflect.Chan, reflect.UnsafePointer, reflect.Uintptr:
		return
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				d.report(path, "one side is nil")
			}
			return
		}
		key := [2]uintptr{a.Pointer(), b.Pointer()}
		if d.seen[key] {
			return
		}
		d.seen[key] = true
		d.walk(a.Elem(), b.Elem(), path)
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				d.report(path, "one side is nil")
			}
			return
		}
		d.walk(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		t := a.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			name := t.String() + "." + f.Name
			if d.skip != nil && d.skip(name) {
				continue
			}
			d.walk(a.Field(i), b.Field(i), path+"."+f.Name)
		}
	case reflect.Slice:
		if a.Len() != b.Len() {
			d.report(path, "lengths %d and %d", a.Len(), b.Len())
			return
		}
		if a.Type().Elem().Kind() == reflect.Uint8 {
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				d.report(path, "the bytes differ%s", firstByte(a.Bytes(), b.Bytes()))
			}
			return
		}
		for i := range a.Len() {
			d.walk(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Array:
		if plain(a.Type().Elem()) && a.CanAddr() && b.CanAddr() {
			n := int(a.Type().Size())
			if bytes.Equal(unsafe.Slice((*byte)(unsafe.Pointer(a.UnsafeAddr())), n), unsafe.Slice((*byte)(unsafe.Pointer(b.UnsafeAddr())), n)) {
				return
			}
		}
		for i := range a.Len() {
			d.walk(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		if a.Len() != b.Len() {
			d.report(path, "%d and %d entries", a.Len(), b.Len())
			return
		}
		for _, k := range a.MapKeys() {
			bv := b.MapIndex(k)
			if !bv.IsValid() {
				d.report(path, "key %v only on one side", k)
				continue
			}
			d.walk(a.MapIndex(k), bv, fmt.Sprintf("%s[%v]", path, k))
		}
	case reflect.Bool:
		if a.Bool() != b.Bool() {
			d.report(path, "%v and %v", a.Bool(), b.Bool())
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if a.Int() != b.Int() {
			d.report(path, "%d and %d", a.Int(), b.Int())
		}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if a.Uint() != b.Uint() {
			d.report(path, "%d and %d", a.Uint(), b.Uint())
		}
	case reflect.Float32, reflect.Float64:
		if a.Float() != b.Float() {
			d.report(path, "%v and %v", a.Float(), b.Float())
		}
	case reflect.String:
		if a.String() != b.String() {
			d.report(path, "%q and %q", a.String(), b.String())
		}
	default:
		d.report(path, "cannot compare a %v", a.Kind())
	}
}

// plain reports whether values of t are equal exactly when their bytes
// are (numbers and bools).
func plain(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int,
		reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint:
		return true
	case reflect.Array:
		return plain(t.Elem())
	}
	return false
}

func firstByte(a, b []byte) string {
	for i := range a {
		if a[i] != b[i] {
			return fmt.Sprintf(" (first at %d: %02X and %02X)", i, a[i], b[i])
		}
	}
	return ""
}
