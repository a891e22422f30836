package statefile

import (
	"fmt"
	"reflect"
	"strings"
)

// Describe lists the sections of the format as this program writes them,
// in order, each with its fields and their encodings (Markdown, for
// docs/STATEFILE.md).
func Describe() string {
	var b strings.Builder
	for _, sec := range sections {
		f := stateType.Field(sec.field)
		describeSection(&b, sec.name, f.Type)
	}
	for i, name := range diskSections {
		if i == 0 || i == 4 {
			describeSection(&b, name, diskHeader)
		} else {
			fmt.Fprintf(&b, "### `%s`\n\nAs `%s`.\n\n", name, diskSections[i/4*4])
		}
	}
	return b.String()
}

func describeSection(b *strings.Builder, name string, t reflect.Type) {
	h := layoutHash(t)
	fmt.Fprintf(b, "### `%s`\n\nLayout hash `%x`.\n\n| field | encoding |\n|---|---|\n", name, h)
	describeFields(b, "", t)
	b.WriteString("\n")
}

// describeFields writes a row per leaf field of t under prefix.
func describeFields(b *strings.Builder, prefix string, t reflect.Type) {
	switch t.Kind() {
	case reflect.Struct:
		for _, f := range exported(t) {
			name := f.Name
			if prefix != "" {
				name = prefix + "." + f.Name
			}
			describeFields(b, name, f.Type)
		}
		return
	case reflect.Pointer:
		fmt.Fprintf(b, "| %s | presence: u8 0 or 1 |\n", orValue(prefix))
		describeFields(b, prefix, t.Elem())
		return
	case reflect.Array:
		if e := t.Elem().Kind(); e == reflect.Struct || e == reflect.Array && t.Elem().Elem().Kind() == reflect.Struct {
			describeFields(b, fmt.Sprintf("%s[%d]", prefix, t.Len()), t.Elem())
			return
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Struct || t.Elem().Kind() == reflect.Slice {
			fmt.Fprintf(b, "| %s | count: u32 |\n", orValue(prefix))
			describeFields(b, prefix+"[]", t.Elem())
			return
		}
	}
	fmt.Fprintf(b, "| %s | %s |\n", orValue(prefix), encoding(t))
}

func orValue(s string) string {
	if s == "" {
		return "(the value)"
	}
	return s
}

// encoding is the encoding of a leaf type, in the notation of
// docs/STATEFILE.md.
func encoding(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "u32 length, UTF-8"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "u32 length, bytes"
		}
		return "u32 count, then " + encoding(t.Elem()) + " each"
	case reflect.Array:
		return fmt.Sprintf("%d × %s", t.Len(), encoding(t.Elem()))
	}
	return layout(t)
}
