package ruleparser

import (
	"strconv"
	"strings"
)

// String prints the rule as canonical rule text in its dialect: single
// spaces, "key:value;" options separated by one space, content modifiers
// right after their content (comma form for Snort 3), and a "# " prefix for
// a commented-out rule. Parsing the result gives the same AST, positions
// aside.
func (r *Rule) String() string {
	var b strings.Builder
	if r.Commented {
		b.WriteString("# ")
	}
	b.WriteString(r.Action.String())
	b.WriteByte(' ')
	b.WriteString(r.Proto)
	if r.Hook != "" {
		b.WriteByte(':')
		b.WriteString(r.Hook)
	}
	if !r.HeaderLess {
		for _, s := range []string{r.Src.String(), r.SrcPorts.String(), r.Dir.String(), r.Dst.String(), r.DstPorts.String()} {
			b.WriteByte(' ')
			b.WriteString(s)
		}
	}
	b.WriteString(" (")
	for i, o := range r.Options {
		if i > 0 {
			b.WriteByte(' ')
		}
		writeOption(&b, o, r.Dialect)
	}
	b.WriteByte(')')
	return b.String()
}

func writeOption(b *strings.Builder, o Option, d Dialect) {
	b.WriteString(o.Spelling())
	if v, ok := o.value(d); ok {
		b.WriteByte(':')
		b.WriteString(v)
	}
	b.WriteByte(';')
	if c, ok := o.(*Content); ok && d != DialectSnort3 {
		// Suricata and Snort 2 write modifiers as options of their own.
		for _, m := range c.Mods {
			b.WriteByte(' ')
			b.WriteString(m.Name)
			if v, ok := modValue(c, m.Name, false); ok {
				b.WriteByte(':')
				b.WriteString(v)
			}
			b.WriteByte(';')
		}
	}
}

// value prints [!]"pattern", with Snort 3's ",modifier[ arg]" suffixes.
func (c *Content) value(d Dialect) (string, bool) {
	var b strings.Builder
	if c.Negated {
		b.WriteByte('!')
	}
	b.WriteByte('"')
	b.WriteString(c.Raw)
	b.WriteByte('"')
	if d == DialectSnort3 {
		for _, m := range c.Mods {
			b.WriteByte(',')
			b.WriteString(m.Name)
			if v, ok := modValue(c, m.Name, true); ok {
				b.WriteByte(' ')
				b.WriteString(v)
			}
		}
	}
	return b.String(), true
}

func modValue(c *Content, name string, snort3 bool) (string, bool) {
	switch name {
	case "depth":
		return numStr(c.Depth)
	case "offset":
		return numStr(c.Offset)
	case "distance":
		return numStr(c.Distance)
	case "within":
		return numStr(c.Within)
	case "fast_pattern_offset":
		return strconv.Itoa(c.FastPattern.Offset), true
	case "fast_pattern_length":
		return strconv.Itoa(c.FastPattern.Length), true
	case "fast_pattern":
		fp := c.FastPattern
		switch {
		case fp == nil:
		case fp.Only && !snort3:
			return "only", true
		case fp.Chop && !snort3:
			return strconv.Itoa(fp.Offset) + "," + strconv.Itoa(fp.Length), true
		}
	}
	return "", false
}

// value returns the option's value text in dialect d and whether it has
// one; every option type implements it (the printer's half of the keyword
// table's parsers).
func (*Flag) value(Dialect) (string, bool) {
	return "", false
}

func (x *Buffer) value(Dialect) (string, bool) {
	return x.Arg, x.Arg != ""
}

func (x *Text) value(Dialect) (string, bool) {
	if x.Quoted {
		return escapeQuoted(x.Value), true
	}
	return x.Value, true
}

func (x *Uint) value(Dialect) (string, bool) {
	return strconv.FormatUint(uint64(x.Value), 10), true
}

func (x *List) value(Dialect) (string, bool) {
	parts := make([]string, len(x.Items))
	for i, it := range x.Items {
		if it.Negated {
			parts[i] = "!" + it.Value
		} else {
			parts[i] = it.Value
		}
	}
	return strings.Join(parts, string(x.Sep)), true
}

func (x *PCRE) value(Dialect) (string, bool) {
	s := `"/` + x.Pattern + "/" + x.Flags
	if len(x.Captures) > 0 {
		s += ", " + strings.Join(x.Captures, ",")
	}
	s += `"`
	if x.Negated {
		s = "!" + s
	}
	if x.Relative {
		s += ",relative"
	}
	return s, true
}

func (x *Flow) value(Dialect) (string, bool) {
	parts := make([]string, len(x.Opts))
	for i, f := range x.Opts {
		parts[i] = f.String()
	}
	return strings.Join(parts, ","), true
}

func (x *Flowbits) value(Dialect) (string, bool) {
	s := x.Cmd
	if len(x.Names) > 0 {
		sep := "|"
		if x.Op == '&' {
			sep = "&"
		}
		s += "," + strings.Join(x.Names, sep)
	}
	if x.Group != "" {
		s += "," + x.Group
	}
	return s, true
}

func (x *Flowint) value(Dialect) (string, bool) {
	s := x.Var + "," + x.Op
	if x.Value != nil {
		s += "," + x.Value.String()
	}
	return s, true
}

func (x *Xbits) value(Dialect) (string, bool) {
	if x.Cmd == "noalert" && x.Name == "" && x.Track == "" && x.Expire == 0 {
		return x.Cmd, true // xbits:noalert
	}
	s := x.Cmd + "," + x.Name
	if x.Track != "" {
		s += ",track " + x.Track
	}
	if x.Expire != 0 {
		s += ",expire " + strconv.FormatUint(uint64(x.Expire), 10)
	}
	return s, true
}

func (x *ByteTest) value(Dialect) (string, bool) {
	op := x.Op.String()
	if x.Negated {
		op = "!" + op
	}
	return join(x.Bytes.String(), op, x.Value.String(), x.Offset.String()) + x.ByteOpts.suffix(false), true
}

func (x *ByteJump) value(Dialect) (string, bool) {
	s := join(x.Bytes.String(), x.Offset.String())
	if x.Multiplier != 0 {
		s += ",multiplier " + strconv.FormatUint(uint64(x.Multiplier), 10)
	}
	if x.Align {
		s += ",align"
	}
	if x.FromBeginning {
		s += ",from_beginning"
	}
	if x.FromEnd {
		s += ",from_end"
	}
	if x.PostOffset != nil {
		s += ",post_offset " + x.PostOffset.String()
	}
	return s + x.ByteOpts.suffix(false), true
}

func (x *ByteExtract) value(Dialect) (string, bool) {
	s := join(strconv.FormatUint(uint64(x.Bytes), 10), strconv.FormatInt(x.Offset, 10), x.Var)
	if x.Multiplier != 0 {
		s += ",multiplier " + strconv.FormatUint(uint64(x.Multiplier), 10)
	}
	if x.Align != 0 {
		s += ",align " + strconv.FormatUint(uint64(x.Align), 10)
	}
	return s + x.ByteOpts.suffix(false), true
}

func (x *ByteMath) value(Dialect) (string, bool) {
	s := "bytes " + x.Bytes.String() + ",offset " + x.Offset.String() + ",oper " + x.Oper +
		",rvalue " + x.RValue.String() + ",result " + x.Result
	return s + x.ByteOpts.suffix(true), true
}

func (x *Isdataat) value(Dialect) (string, bool) {
	s := x.Size.String()
	if x.Negated {
		s = "!" + s
	}
	if x.Relative {
		s += ",relative"
	}
	if x.Rawbytes {
		s += ",rawbytes"
	}
	return s, true
}

func (x *Threshold) value(Dialect) (string, bool) {
	var parts []string
	if x.Type != "" {
		parts = append(parts, "type "+x.Type)
	}
	parts = append(parts, "track "+x.Track, "count "+strconv.FormatUint(uint64(x.Count), 10))
	if x.Type != "backoff" {
		parts = append(parts, "seconds "+strconv.FormatUint(uint64(x.Seconds), 10))
	}
	if x.Multiplier != 0 {
		parts = append(parts, "multiplier "+strconv.FormatUint(uint64(x.Multiplier), 10))
	}
	return strings.Join(parts, ", "), true
}

func (x *Metadata) value(Dialect) (string, bool) {
	parts := make([]string, len(x.Pairs))
	for i, p := range x.Pairs {
		parts[i] = p.Key
		if p.Value != "" {
			parts[i] += " " + p.Value
		}
	}
	return strings.Join(parts, ", "), true
}

func (x *Reference) value(Dialect) (string, bool) {
	return x.Type + "," + x.Value, true
}

func (x *Compare) value(Dialect) (string, bool) {
	s := x.Cmp.String()
	for _, e := range x.Extra {
		s += "," + e
	}
	return s, true
}

func (x *CompareOrText) value(Dialect) (string, bool) {
	switch {
	case x.Cmp != nil:
		return x.Cmp.String(), true
	case x.Quoted:
		return escapeQuoted(x.Text), true
	}
	return x.Text, true
}

func (x *StreamSize) value(d Dialect) (string, bool) {
	if d == DialectSnort3 {
		if x.Side != "" {
			return x.Cmp.String() + "," + x.Side, true
		}
		return x.Cmp.String(), true
	}
	op := x.Cmp.Op.String()
	if x.Cmp.Op == CmpNe {
		op = "!="
	}
	return x.Side + "," + op + "," + strconv.FormatUint(x.Cmp.A, 10), true
}

func (x *Flags) value(Dialect) (string, bool) {
	s := x.Bits
	if x.Modifier != 0 {
		s = string(x.Modifier) + s
	}
	if x.Mask != "" {
		s += "," + x.Mask
	}
	return s, true
}

func (x *IPProto) value(Dialect) (string, bool) {
	if x.Op != 0 {
		return string(x.Op) + x.Proto, true
	}
	return x.Proto, true
}

func (x *Base64Decode) value(Dialect) (string, bool) {
	var parts []string
	if x.Bytes != nil {
		parts = append(parts, "bytes "+strconv.FormatUint(uint64(*x.Bytes), 10))
	}
	if x.Offset != nil {
		parts = append(parts, "offset "+strconv.FormatUint(uint64(*x.Offset), 10))
	}
	if x.Relative {
		parts = append(parts, "relative")
	}
	return strings.Join(parts, ","), len(parts) > 0
}

func (x *Tag) value(d Dialect) (string, bool) {
	s := x.Type
	if d == DialectSnort3 {
		if x.HasCount {
			s += "," + x.Metric + " " + strconv.FormatUint(uint64(x.Count), 10)
		}
		return s, true
	}
	if x.HasCount {
		s += "," + strconv.FormatUint(uint64(x.Count), 10) + "," + x.Metric
		if x.Direction != "" {
			s += "," + x.Direction
		}
	}
	return s, true
}

func (x *Args) value(Dialect) (string, bool) {
	return strings.Join(x.Args, ","), len(x.Args) > 0
}

func numStr(v *NumOrVar) (string, bool) {
	if v == nil {
		return "", false
	}
	return v.String(), true
}

func join(parts ...string) string { return strings.Join(parts, ",") }

// suffix prints the shared byte_* flags; kv selects byte_math's
// "endian big"/"string dec" spelling.
func (o *ByteOpts) suffix(kv bool) string {
	var s string
	if o.Relative {
		s += ",relative"
	}
	if o.Endian != "" {
		if kv && o.Endian != "dce" {
			s += ",endian " + o.Endian
		} else {
			s += "," + o.Endian
		}
	}
	if o.String {
		s += ",string"
		if o.Base != "" {
			if kv {
				s += " " + o.Base
			} else {
				s += "," + o.Base
			}
		}
	} else if o.Base != "" {
		s += "," + o.Base
	}
	if o.HasMask {
		s += ",bitmask 0x" + strconv.FormatUint(o.Bitmask, 16)
	}
	return s
}
