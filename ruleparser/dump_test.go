package ruleparser

import (
	"fmt"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
)

// dump writes a stable, indented text form of an AST value for golden
// files and cheap equality checks. Zero-valued fields are left out;
// positions are printed only when withPos is set.
func dump(v any, withPos bool) string {
	var b strings.Builder
	d := dumper{b: &b, pos: withPos}
	d.value(reflect.ValueOf(v), 0)
	return b.String()
}

type dumper struct {
	b   *strings.Builder
	pos bool
}

var (
	posType    = reflect.TypeOf(Pos{})
	addrType   = reflect.TypeOf(netip.Addr{})
	prefixType = reflect.TypeOf(netip.Prefix{})
	byteOpType = reflect.TypeOf(ByteOp(0))
)

func (d *dumper) indent(n int) {
	for i := 0; i < n; i++ {
		d.b.WriteString("  ")
	}
}

func (d *dumper) value(v reflect.Value, depth int) {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			d.b.WriteString("nil")
			return
		}
		if v.Kind() == reflect.Pointer && v.Elem().Kind() != reflect.Struct {
			d.b.WriteByte('&')
		}
		d.value(v.Elem(), depth)
		return
	}
	switch v.Type() {
	case posType:
		p := v.Interface().(Pos)
		fmt.Fprintf(d.b, "%d:%d", p.Line, p.Col)
		return
	case addrType, prefixType:
		fmt.Fprintf(d.b, "%v", v.Interface())
		return
	case byteOpType:
		// Dumped as the operator text it replaced, so that the golden
		// files did not change when Op became a ByteOp.
		d.b.WriteString(strconv.Quote(v.Interface().(ByteOp).String()))
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		t := v.Type()
		d.b.WriteString(t.Name())
		d.b.WriteString("{")
		n := 0
		for i := 0; i < v.NumField(); i++ {
			f, fv := t.Field(i), v.Field(i)
			if fv.IsZero() || (!d.pos && f.Type == posType) || f.Name == "Raw" && t.Name() == "Rule" || f.Name == "Lines" {
				continue
			}
			if f.Anonymous && f.Type.Kind() == reflect.Struct && f.Type.Name() == "Head" {
				h := fv.Interface().(Head)
				fmt.Fprintf(d.b, " %s", h.Name)
				if h.Spelled != h.Name {
					fmt.Fprintf(d.b, "(%s)", h.Spelled)
				}
				if d.pos {
					fmt.Fprintf(d.b, " @%d:%d", h.Pos.Line, h.Pos.Col)
				}
				continue
			}
			if n == 0 && !f.Anonymous {
				d.b.WriteString("")
			}
			n++
			d.b.WriteByte('\n')
			d.indent(depth + 1)
			d.b.WriteString(f.Name)
			d.b.WriteString(": ")
			d.value(fv, depth+1)
		}
		if n > 0 {
			d.b.WriteByte('\n')
			d.indent(depth)
		}
		d.b.WriteString("}")
	case reflect.Slice:
		if v.Type().Elem() == reflect.TypeOf(byte(0)) {
			d.b.WriteString(strconv.Quote(string(v.Bytes())))
			return
		}
		d.b.WriteString("[")
		for i := 0; i < v.Len(); i++ {
			d.b.WriteByte('\n')
			d.indent(depth + 1)
			d.value(v.Index(i), depth+1)
		}
		if v.Len() > 0 {
			d.b.WriteByte('\n')
			d.indent(depth)
		}
		d.b.WriteString("]")
	case reflect.String:
		d.b.WriteString(strconv.Quote(v.String()))
	case reflect.Uint8:
		if v.Type().Name() == "uint8" || v.Type().Name() == "byte" {
			if c := byte(v.Uint()); c >= ' ' && c < 0x7f {
				fmt.Fprintf(d.b, "'%c'", c)
				return
			}
		}
		fmt.Fprintf(d.b, "%v", v.Interface())
	default:
		if s, ok := v.Interface().(fmt.Stringer); ok {
			d.b.WriteString(s.String())
			return
		}
		fmt.Fprintf(d.b, "%v", v.Interface())
	}
}
