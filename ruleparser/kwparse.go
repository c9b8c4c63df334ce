package ruleparser

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Per-keyword value parsers, paired with keyword names by the table in
// detect/table.go.

// ParseContent parses content/uricontent: [!]"pattern" and, in the Snort 3
// dialect, ",modifier[ arg]" suffixes.
func ParseContent(c *Arg) (*Content, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	ct := &Content{Head: c.head}
	if c.head.Spelled == "uricontent" {
		ct.LegacyBuffer = "http.uri" // uricontent is content in the URI buffer
	}
	i := 0
	if v[0] == '!' {
		ct.Negated = true
		i = 1
		for i < len(v) && isSpace(v[i]) {
			i++
		}
	}
	if i >= len(v) || v[i] != '"' {
		return nil, errAt(i, "content pattern must be quoted")
	}
	end := findClosingQuote(v[i:])
	if end < 0 {
		return nil, errAt(i, "unterminated quoted string")
	}
	end += i
	ct.Raw = v[i+1 : end]
	if ct.Raw == "" {
		return nil, errAt(i, "empty content pattern")
	}
	if ct.Pattern, err = decodePattern(ct.Raw, i+1); err != nil {
		return nil, err
	}
	rest := strings.TrimSpace(v[end+1:])
	if rest == "" {
		return ct, nil
	}
	if c.dialect != DialectSnort3 || rest[0] != ',' {
		return nil, errAt(end+1, "unexpected %q after content pattern (missing ';'?)", snippet(rest))
	}
	off := len(v) - len(strings.TrimLeft(v[end+1:], " \t")) + 1 // just after the first ','
	for _, m := range strings.Split(v[off:], ",") {
		mpos := c.at(off + len(m) - len(strings.TrimLeft(m, " \t")))
		off += len(m) + 1
		m = strings.TrimSpace(m)
		name, arg, _ := strings.Cut(m, " ")
		arg = strings.TrimSpace(arg)
		mc := &Arg{head: Head{Name: name, Spelled: name, Pos: mpos}, val: arg, hasVal: arg != "", dialect: c.dialect}
		switch name {
		case "fast_pattern_only":
			name = "fast_pattern"
			mc.val, mc.hasVal = "only", true
		case "fast_pattern_offset", "fast_pattern_length":
			if ct.FastPattern == nil {
				ct.FastPattern = &FastPattern{}
			}
			n, err := parseUint32(arg)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			ct.FastPattern.Chop = true
			if name == "fast_pattern_offset" {
				ct.FastPattern.Offset = int(n)
			} else {
				ct.FastPattern.Length = int(n)
			}
			ct.Mods = append(ct.Mods, Mod{Name: name, Pos: mpos})
			continue
		}
		f := contentMod(name)
		if f == nil {
			return nil, fmt.Errorf("unknown content modifier %q", m)
		}
		if err := f(mc, ct); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		ct.Mods = append(ct.Mods, Mod{Name: name, Pos: mpos})
	}
	return ct, nil
}

// Content modifiers, shared by the keyword table and Snort 3's comma form.
var (
	ModNocase     = modFlag(func(ct *Content) *bool { return &ct.Nocase })
	ModRawbytes   = modFlag(func(ct *Content) *bool { return &ct.Rawbytes })
	ModStartswith = modFlag(func(ct *Content) *bool { return &ct.Startswith })
	ModEndswith   = modFlag(func(ct *Content) *bool { return &ct.Endswith })
	ModDepth      = modNum(func(ct *Content) **NumOrVar { return &ct.Depth })
	ModOffset     = modNum(func(ct *Content) **NumOrVar { return &ct.Offset })
	ModDistance   = modNum(func(ct *Content) **NumOrVar { return &ct.Distance })
	ModWithin     = modNum(func(ct *Content) **NumOrVar { return &ct.Within })
)

// contentMod returns the modifier usable in Snort 3's comma form.
func contentMod(name string) func(*Arg, *Content) error {
	for _, m := range []struct {
		name string
		f    func(*Arg, *Content) error
	}{
		{"nocase", ModNocase}, {"rawbytes", ModRawbytes}, {"depth", ModDepth}, {"offset", ModOffset},
		{"distance", ModDistance}, {"within", ModWithin}, {"fast_pattern", ModFastPattern},
		{"startswith", ModStartswith}, {"endswith", ModEndswith},
	} {
		if m.name == name {
			return m.f
		}
	}
	return nil
}

func modFlag(field func(*Content) *bool) func(*Arg, *Content) error {
	return func(c *Arg, ct *Content) error {
		if err := c.noValue(); err != nil {
			return err
		}
		*field(ct) = true // a repeated flag is harmless (ET has "endswith; ...; endswith;")
		return nil
	}
}

func modNum(field func(*Content) **NumOrVar) func(*Arg, *Content) error {
	return func(c *Arg, ct *Content) error {
		v, err := c.need()
		if err != nil {
			return err
		}
		n, err := parseNumOrVar(v)
		if err != nil {
			return err
		}
		p := field(ct)
		if *p != nil {
			return errors.New("given twice for the same content")
		}
		*p = &n
		return nil
	}
}

// ModFastPattern applies fast_pattern[:only|:offset,length] to a content.
func ModFastPattern(c *Arg, ct *Content) error {
	if ct.FastPattern != nil && !ct.FastPattern.Chop {
		return errors.New("given twice for the same content")
	}
	fp := &FastPattern{}
	if c.hasVal {
		v := strings.TrimSpace(c.val)
		switch {
		case v == "only":
			fp.Only = true
		default:
			a, b, ok := strings.Cut(v, ",")
			if !ok {
				return fmt.Errorf("bad value %q (want only or offset,length)", v)
			}
			o, err1 := parseUint32(a)
			l, err2 := parseUint32(b)
			if err1 != nil || err2 != nil || l == 0 {
				return fmt.Errorf("bad offset,length %q", v)
			}
			fp.Chop, fp.Offset, fp.Length = true, int(o), int(l)
		}
	}
	ct.FastPattern = fp
	return nil
}

// ModLegacyBuffer moves a content into the buffer its legacy modifier names
// (content:"x"; http_uri;).
func ModLegacyBuffer(c *Arg, ct *Content) error {
	if err := c.noValue(); err != nil {
		return err
	}
	if ct.LegacyBuffer != "" {
		return fmt.Errorf("content already moved to %s", ct.LegacyBuffer)
	}
	ct.LegacyBuffer = c.head.Name
	return nil
}

// ParsePCRE parses [!]"/re/flags" (Snort 3: optionally ",relative").
func ParsePCRE(c *Arg) (*PCRE, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	p := &PCRE{Head: c.head}
	i := 0
	if v[0] == '!' {
		p.Negated, i = true, 1
	}
	var body, rest string
	var end int
	if i < len(v) && v[i] == '"' {
		// The regex may hold unescaped '"' (ET: ['"]): the closing quote
		// is the last one of the value.
		end = strings.LastIndexByte(v, '"')
		if end <= i {
			return nil, errAt(i, "unterminated quoted string")
		}
		body, rest = v[i+1:end], strings.TrimSpace(v[end+1:])
	} else {
		// Suricata also accepts an unquoted pcre:/re/flags.
		body, i = v[i:], i-1
	}
	if rest != "" {
		if c.dialect == DialectSnort3 && strings.TrimSpace(strings.TrimPrefix(rest, ",")) == "relative" && rest[0] == ',' {
			p.Relative = true
		} else {
			return nil, errAt(end+1, "unexpected %q after pcre (missing ';'?)", snippet(rest))
		}
	}
	body, p.Captures = cutCaptureNames(body)
	if !strings.HasPrefix(body, "/") {
		return nil, errAt(i+1, "pcre must start with '/'")
	}
	last := strings.LastIndexByte(body, '/')
	if last == 0 {
		return nil, errAt(i+1, "pcre has no closing '/'")
	}
	p.Pattern, p.Flags = body[1:last], body[last+1:]
	for k := 0; k < len(p.Flags); k++ {
		f := pcreFlagIndex(p.Flags[k])
		if f < 0 {
			return nil, errAt(i+1+last+1+k, "bad pcre flag %q", p.Flags[k])
		}
		p.Set |= 1 << uint(f)
	}
	return p, nil
}

// cutCaptureNames splits the capture variable list off a pcre value
// ("/re/flags, flow:a,pkt:b"): as Suricata does, the list starts at the
// first "flow:", "pkt:" or "alert:" of the value, and only when at least
// one ',' or ' ' separates it from what comes before (otherwise the text
// is part of the regex). Names are separated by ',' and ' '.
func cutCaptureNames(body string) (string, []string) {
	cut := -1
	for _, pre := range [...]string{"flow:", "pkt:", "alert:"} {
		if k := strings.Index(body, pre); k >= 0 && (cut < 0 || k < cut) {
			cut = k
		}
	}
	if cut <= 1 {
		return body, nil
	}
	end := cut
	for end > 0 && (body[end-1] == ',' || body[end-1] == ' ') {
		end--
	}
	if end == cut {
		return body, nil
	}
	names := strings.FieldsFunc(body[cut:], func(r rune) bool { return r == ',' || r == ' ' })
	return body[:end], names
}

// Regexp returns the regular expression with the rule-level escapes \; and
// \" resolved.
func (p *PCRE) Regexp() string {
	if !strings.Contains(p.Pattern, `\;`) && !strings.Contains(p.Pattern, `\"`) {
		return p.Pattern
	}
	var b strings.Builder
	for i := 0; i < len(p.Pattern); i++ {
		if p.Pattern[i] == '\\' && i+1 < len(p.Pattern) {
			if n := p.Pattern[i+1]; n == ';' || n == '"' {
				b.WriteByte(n)
				i++
				continue
			}
			b.WriteByte('\\')
			b.WriteByte(p.Pattern[i+1])
			i++
			continue
		}
		b.WriteByte(p.Pattern[i])
	}
	return b.String()
}

// ParseFlow parses flow:opt[,opt...].
func ParseFlow(c *Arg) (*Flow, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	f := &Flow{Head: c.head}
	for _, a := range splitArgs(v) {
		var opt FlowOpt
		for i, n := range flowOptNames {
			if i > 0 && n == a {
				opt = FlowOpt(i)
			}
		}
		if opt == 0 {
			return nil, fmt.Errorf("bad flow option %q", a)
		}
		f.Opts = append(f.Opts, opt)
	}
	return f, nil
}

var flowbitCmds = []string{"set", "setx", "unset", "toggle", "isset", "isnotset", "noalert", "reset"}

// ParseFlowbits parses flowbits:cmd[,name[|name...]][,group].
func ParseFlowbits(c *Arg) (*Flowbits, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	a := splitArgs(v)
	f := &Flowbits{Head: c.head, Cmd: a[0]}
	if err := oneOf("command", a[0], flowbitCmds...); err != nil {
		return nil, err
	}
	if len(a) > 3 {
		return nil, fmt.Errorf("too many arguments in %q", v)
	}
	if len(a) == 1 {
		if f.Cmd != "noalert" && f.Cmd != "reset" {
			return nil, fmt.Errorf("%s needs a flowbit name", f.Cmd)
		}
		return f, nil
	}
	names := a[1]
	switch {
	case strings.ContainsRune(names, '|') && strings.ContainsRune(names, '&'):
		return nil, fmt.Errorf("cannot mix '|' and '&' in %q", names)
	case strings.ContainsRune(names, '|'):
		f.Op = '|'
	case strings.ContainsRune(names, '&'):
		f.Op = '&'
	}
	sep := "|"
	if f.Op == '&' {
		sep = "&"
	}
	for _, n := range strings.Split(names, sep) {
		n = strings.TrimSpace(n)
		if n == "" || strings.ContainsAny(n, " \t") {
			return nil, fmt.Errorf("bad flowbit name %q", n)
		}
		f.Names = append(f.Names, n)
	}
	if len(a) == 3 {
		f.Group = a[2]
	}
	return f, nil
}

var flowintOps = []string{"+", "-", "=", "==", "!=", "<", ">", "<=", ">=", "isset", "notset", "isnotset"}

// ParseFlowint parses flowint:name,op[,value].
func ParseFlowint(c *Arg) (*Flowint, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	a := splitArgs(v)
	if len(a) < 2 || len(a) > 3 {
		return nil, fmt.Errorf("want name,op[,value], got %q", v)
	}
	f := &Flowint{Head: c.head, Var: a[0], Op: a[1]}
	if !isIdent(f.Var) {
		return nil, fmt.Errorf("bad variable name %q", f.Var)
	}
	if err := oneOf("operator", f.Op, flowintOps...); err != nil {
		return nil, err
	}
	unary := f.Op == "isset" || f.Op == "notset" || f.Op == "isnotset"
	if unary != (len(a) == 2) {
		return nil, fmt.Errorf("operator %s: wrong number of arguments", f.Op)
	}
	if len(a) == 3 {
		n, err := parseNumOrVar(a[2])
		if err != nil {
			return nil, err
		}
		f.Value = &n
	}
	return f, nil
}

// ParseXbits parses xbits:cmd,name,track ip_src|ip_dst|ip_pair[,expire N].
func ParseXbits(c *Arg) (*Xbits, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	a := splitArgs(v)
	if len(a) == 1 && a[0] == "noalert" {
		return &Xbits{Head: c.head, Cmd: a[0]}, nil // xbits:noalert
	}
	if len(a) < 2 {
		return nil, fmt.Errorf("want cmd,name,track ..., got %q", v)
	}
	x := &Xbits{Head: c.head, Cmd: a[0], Name: a[1]}
	if err := oneOf("command", x.Cmd, "set", "unset", "toggle", "isset", "isnotset", "noalert"); err != nil {
		return nil, err
	}
	for _, kv := range a[2:] {
		k, val, _ := strings.Cut(kv, " ")
		val = strings.TrimSpace(val)
		switch k {
		case "track":
			if err := oneOf("track", val, "ip_src", "ip_dst", "ip_pair", "tx"); err != nil {
				return nil, err
			}
			x.Track = val
		case "expire":
			n, err := parseUint32(val)
			if err != nil {
				return nil, err
			}
			x.Expire = n
		default:
			return nil, fmt.Errorf("bad xbits argument %q", kv)
		}
	}
	return x, nil
}

// byteFlag parses one of the shared byte_* flags; it reports false when kw
// is not one of them.
func (o *ByteOpts) byteFlag(kw string) (bool, error) {
	k, arg, _ := strings.Cut(kw, " ")
	arg = strings.TrimSpace(arg)
	switch k {
	case "relative":
		o.Relative = true
	case "big", "little", "dce":
		if o.Endian != "" {
			return true, errors.New("endianness given twice")
		}
		o.Endian = k
	case "endian":
		if err := oneOf("endian", arg, "big", "little"); err != nil {
			return true, err
		}
		o.Endian = arg
	case "string":
		o.String = true
		if arg != "" {
			if err := oneOf("base", arg, "hex", "dec", "oct"); err != nil {
				return true, err
			}
			o.Base = arg
		}
	case "hex", "dec", "oct":
		o.Base = k
	case "bitmask":
		n, err := parseInt(arg)
		if err != nil || n < 0 {
			return true, fmt.Errorf("bad bitmask %q", arg)
		}
		o.Bitmask, o.HasMask = uint64(n), true
	default:
		return false, nil
	}
	if k != "string" && k != "bitmask" && k != "endian" && arg != "" {
		return true, fmt.Errorf("unexpected %q after %s", arg, k)
	}
	return true, nil
}

// ParseByteTest parses byte_test:bytes,[!]op,value,offset[,flags]; a "!"
// before the operator, or "!" alone, sets Negated.
func ParseByteTest(c *Arg) (*ByteTest, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	a := splitArgs(v)
	if len(a) < 4 {
		return nil, fmt.Errorf("want bytes,op,value,offset[,flags], got %q", v)
	}
	t := &ByteTest{Head: c.head}
	if t.Bytes, err = parseNumOrVar(a[0]); err != nil {
		return nil, err
	}
	op := a[1]
	if strings.HasPrefix(op, "!") && len(op) > 1 {
		t.Negated, op = true, op[1:]
	}
	if err := oneOf("operator", op, "<", ">", "=", "<=", ">=", "&", "^", "!"); err != nil {
		return nil, err
	}
	if op == "!" {
		t.Negated, op = true, "="
	}
	for i, n := range byteOpNames {
		if i > 0 && n == op {
			t.Op = ByteOp(i)
		}
	}
	if t.Value, err = parseNumOrVar(a[2]); err != nil {
		return nil, err
	}
	if t.Offset, err = parseNumOrVar(a[3]); err != nil {
		return nil, err
	}
	for _, f := range a[4:] {
		ok, err := t.byteFlag(f)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("unknown byte_test flag %q", f)
		}
	}
	return t, nil
}

// ParseByteJump parses byte_jump:bytes,offset[,flags].
func ParseByteJump(c *Arg) (*ByteJump, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	a := splitArgs(v)
	if len(a) < 2 {
		return nil, fmt.Errorf("want bytes,offset[,flags], got %q", v)
	}
	j := &ByteJump{Head: c.head}
	if j.Bytes, err = parseNumOrVar(a[0]); err != nil {
		return nil, err
	}
	if j.Offset, err = parseNumOrVar(a[1]); err != nil {
		return nil, err
	}
	for _, f := range a[2:] {
		ok, err := j.byteFlag(f)
		if err != nil {
			return nil, err
		}
		if ok {
			continue
		}
		k, arg, _ := strings.Cut(f, " ")
		arg = strings.TrimSpace(arg)
		switch k {
		case "align":
			j.Align = true
		case "from_beginning":
			j.FromBeginning = true
		case "from_end":
			j.FromEnd = true
		case "multiplier":
			if j.Multiplier, err = parseUint32(arg); err != nil {
				return nil, err
			}
		case "post_offset":
			n, err := parseNumOrVar(arg)
			if err != nil {
				return nil, err
			}
			j.PostOffset = &n
		default:
			return nil, fmt.Errorf("unknown byte_jump flag %q", f)
		}
	}
	return j, nil
}

// ParseByteExtract parses byte_extract:bytes,offset,name[,flags].
func ParseByteExtract(c *Arg) (*ByteExtract, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	a := splitArgs(v)
	if len(a) < 3 {
		return nil, fmt.Errorf("want bytes,offset,name[,flags], got %q", v)
	}
	e := &ByteExtract{Head: c.head}
	if e.Bytes, err = parseUint32(a[0]); err != nil {
		return nil, err
	}
	if e.Offset, err = parseInt(a[1]); err != nil {
		return nil, err
	}
	e.Var = a[2]
	if !isIdent(e.Var) {
		return nil, fmt.Errorf("bad variable name %q", e.Var)
	}
	for _, f := range a[3:] {
		ok, err := e.byteFlag(f)
		if err != nil {
			return nil, err
		}
		if ok {
			continue
		}
		k, arg, _ := strings.Cut(f, " ")
		arg = strings.TrimSpace(arg)
		switch k {
		case "multiplier":
			if e.Multiplier, err = parseUint32(arg); err != nil {
				return nil, err
			}
		case "align":
			if e.Align, err = parseUint32(arg); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("unknown byte_extract flag %q", f)
		}
	}
	return e, nil
}

// ParseByteMath parses byte_math:bytes N,offset N,oper O,rvalue R,result V[,flags].
func ParseByteMath(c *Arg) (*ByteMath, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	m := &ByteMath{Head: c.head}
	var have [5]bool
	for _, f := range splitArgs(v) {
		ok, err := m.byteFlag(f)
		if err != nil {
			return nil, err
		}
		if ok {
			continue
		}
		k, arg, _ := strings.Cut(f, " ")
		arg = strings.TrimSpace(arg)
		switch k {
		case "bytes":
			m.Bytes, err = parseNumOrVar(arg)
			have[0] = true
		case "offset":
			m.Offset, err = parseNumOrVar(arg)
			have[1] = true
		case "oper":
			err = oneOf("operator", arg, "+", "-", "*", "/", "<<", ">>")
			m.Oper = arg
			have[2] = true
		case "rvalue":
			m.RValue, err = parseNumOrVar(arg)
			have[3] = true
		case "result":
			m.Result = arg
			if !isIdent(arg) {
				err = fmt.Errorf("bad variable name %q", arg)
			}
			have[4] = true
		default:
			return nil, fmt.Errorf("unknown byte_math argument %q", f)
		}
		if err != nil {
			return nil, err
		}
	}
	for i, n := range []string{"bytes", "offset", "oper", "rvalue", "result"} {
		if !have[i] {
			return nil, fmt.Errorf("missing %s", n)
		}
	}
	return m, nil
}

// ParseIsdataat parses isdataat:[!]size[,relative][,rawbytes].
func ParseIsdataat(c *Arg) (*Isdataat, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	a := splitArgs(v)
	d := &Isdataat{Head: c.head}
	s := a[0]
	if strings.HasPrefix(s, "!") {
		d.Negated, s = true, s[1:]
	}
	if d.Size, err = parseNumOrVar(s); err != nil {
		return nil, err
	}
	for _, f := range a[1:] {
		switch f {
		case "relative":
			d.Relative = true
		case "rawbytes":
			d.Rawbytes = true
		default:
			return nil, fmt.Errorf("unknown isdataat flag %q", f)
		}
	}
	return d, nil
}

// ParseThreshold parses threshold and detection_filter.
func ParseThreshold(c *Arg) (*Threshold, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	t := &Threshold{Head: c.head}
	var haveCount, haveSecs bool
	for _, kv := range splitArgs(v) {
		k, val, _ := strings.Cut(kv, " ")
		val = strings.TrimSpace(val)
		switch k {
		case "type":
			if c.head.Name == "detection_filter" {
				return nil, errors.New("detection_filter takes no type")
			}
			if err := oneOf("type", val, "limit", "threshold", "both", "backoff"); err != nil {
				return nil, err
			}
			t.Type = val
		case "track":
			if err := oneOf("track", val, "by_src", "by_dst", "by_rule", "by_both", "by_flow"); err != nil {
				return nil, err
			}
			t.Track = val
		case "count":
			if t.Count, err = parseUint32(val); err != nil {
				return nil, err
			}
			haveCount = true
		case "seconds":
			if t.Seconds, err = parseUint32(val); err != nil {
				return nil, err
			}
			haveSecs = true
		case "multiplier":
			if t.Multiplier, err = parseUint32(val); err != nil {
				return nil, err
			}
		default:
			return nil, fmt.Errorf("unknown argument %q", kv)
		}
	}
	switch {
	case t.Type == "" && c.head.Name == "threshold":
		return nil, errors.New("missing type")
	case t.Track == "":
		return nil, errors.New("missing track")
	case !haveCount:
		return nil, errors.New("missing count")
	case !haveSecs && t.Type != "backoff":
		return nil, errors.New("missing seconds")
	}
	return t, nil
}

// ParseMetadata parses metadata:key value[, key value...].
func ParseMetadata(c *Arg) (*Metadata, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	m := &Metadata{Head: c.head}
	for _, p := range splitArgs(v) {
		if p == "" {
			continue // ET has "metadata:a b, , c d" in a few rules
		}
		k, val, _ := strings.Cut(p, " ")
		m.Pairs = append(m.Pairs, KV{Key: k, Value: strings.TrimSpace(val)})
	}
	if len(m.Pairs) == 0 {
		return nil, errors.New("empty metadata")
	}
	return m, nil
}

// ParseReference parses reference:type,value.
func ParseReference(c *Arg) (*Reference, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	t, val, ok := strings.Cut(v, ",")
	t, val = strings.TrimSpace(t), strings.TrimSpace(val)
	if !ok || t == "" || val == "" {
		return nil, fmt.Errorf("want type,value, got %q", v)
	}
	if !isIdent(t) {
		return nil, fmt.Errorf("bad reference type %q", t)
	}
	return &Reference{Head: c.head, Type: t, Value: val}, nil
}

// ParseStreamSize parses stream_size in the Suricata/Snort 2 and Snort 3 forms.
func ParseStreamSize(c *Arg) (*StreamSize, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	a := splitArgs(v)
	s := &StreamSize{Head: c.head}
	if c.dialect == DialectSnort3 {
		if len(a) > 2 {
			return nil, fmt.Errorf("want comparison[,direction], got %q", v)
		}
		if s.Cmp, err = parseUintCmp(a[0]); err != nil {
			return nil, err
		}
		if len(a) == 2 {
			s.Side = a[1]
			if err := oneOf("direction", s.Side, "to_server", "to_client", "both", "either"); err != nil {
				return nil, err
			}
		}
		return s, nil
	}
	if len(a) != 3 {
		return nil, fmt.Errorf("want side,op,value, got %q", v)
	}
	s.Side = a[0]
	if err := oneOf("side", s.Side, "server", "client", "both", "either"); err != nil {
		return nil, err
	}
	ops := map[string]CmpOp{"<": CmpLt, ">": CmpGt, "=": CmpEq, "!=": CmpNe, "<=": CmpLe, ">=": CmpGe}
	op, ok := ops[a[1]]
	if !ok {
		return nil, fmt.Errorf("bad operator %q (want <, >, =, !=, <= or >=)", a[1])
	}
	n, err := strconv.ParseUint(a[2], 10, 64)
	if err != nil {
		return nil, fmt.Errorf("bad number %q", a[2])
	}
	s.Cmp = UintCmp{Op: op, A: n}
	return s, nil
}

// ParseTag parses tag:type[,count,metric[,direction]].
func ParseTag(c *Arg) (*Tag, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	a := splitArgs(v)
	t := &Tag{Head: c.head, Type: a[0]}
	if c.dialect == DialectSnort3 {
		if err := oneOf("type", t.Type, "session", "host_src", "host_dst"); err != nil {
			return nil, err
		}
		if len(a) > 2 {
			return nil, fmt.Errorf("want type[,metric count], got %q", v)
		}
		if len(a) == 2 {
			m, n, _ := strings.Cut(a[1], " ")
			if t.Count, err = parseUint32(n); err != nil {
				return nil, err
			}
			t.Metric, t.HasCount = m, true
			if err := oneOf("metric", m, "packets", "seconds", "bytes"); err != nil {
				return nil, err
			}
		}
		return t, nil
	}
	if err := oneOf("type", t.Type, "session", "host"); err != nil {
		return nil, err
	}
	switch len(a) {
	case 1:
		return t, nil
	case 3, 4:
	default:
		return nil, fmt.Errorf("want type[,count,metric[,direction]], got %q", v)
	}
	if t.Count, err = parseUint32(a[1]); err != nil {
		return nil, err
	}
	t.HasCount = true
	t.Metric = a[2]
	if err := oneOf("metric", t.Metric, "packets", "seconds", "bytes"); err != nil {
		return nil, err
	}
	if len(a) == 4 {
		t.Direction = a[3]
		if err := oneOf("direction", t.Direction, "src", "dst"); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// FlagsParser returns the parser of flags/tcp.flags (tcp=true) or fragbits:
// [modifier]bits[,mask] with the modifier also accepted after the bits.
func FlagsParser(bits string, tcp bool) func(c *Arg) (*Flags, error) {
	return func(c *Arg) (*Flags, error) {
		v, err := c.need()
		if err != nil {
			return nil, err
		}
		f := &Flags{Head: c.head}
		s, mask, hasMask := strings.Cut(strings.TrimSpace(v), ",")
		s = strings.TrimSpace(s)
		if hasMask {
			if !tcp {
				return nil, errors.New("fragbits takes no mask")
			}
			f.Mask = strings.TrimSpace(mask)
			if f.Mask == "" || strings.Trim(f.Mask, bits) != "" {
				return nil, fmt.Errorf("bad mask %q", f.Mask)
			}
		}
		mods := "+*!="
		if s != "" && strings.IndexByte(mods, s[0]) >= 0 {
			f.Modifier, s = s[0], s[1:]
		} else if s != "" && strings.IndexByte(mods, s[len(s)-1]) >= 0 {
			f.Modifier, s = s[len(s)-1], s[:len(s)-1]
		}
		if s == "" || strings.Trim(s, bits) != "" {
			return nil, fmt.Errorf("bad flags %q (want letters from %s)", v, bits)
		}
		f.Bits = s
		return f, nil
	}
}

// ParseIPProto parses ip_proto:[!<>]proto.
func ParseIPProto(c *Arg) (*IPProto, error) {
	v, err := c.need()
	if err != nil {
		return nil, err
	}
	p := &IPProto{Head: c.head}
	s := strings.TrimSpace(v)
	if s != "" && strings.IndexByte("!<>", s[0]) >= 0 {
		p.Op, s = s[0], strings.TrimSpace(s[1:])
	}
	if _, err := strconv.ParseUint(s, 10, 8); err != nil && !isIdent(s) {
		return nil, fmt.Errorf("bad protocol %q", s)
	}
	p.Proto = s
	return p, nil
}

// ParseBase64Decode parses base64_decode[:bytes N, offset N, relative].
func ParseBase64Decode(c *Arg) (*Base64Decode, error) {
	d := &Base64Decode{Head: c.head}
	if !c.hasVal {
		return d, nil
	}
	for _, kv := range splitArgs(c.val) {
		k, val, _ := strings.Cut(kv, " ")
		val = strings.TrimSpace(val)
		switch k {
		case "bytes", "offset":
			n, err := parseUint32(val)
			if err != nil {
				return nil, err
			}
			if k == "bytes" {
				d.Bytes = &n
			} else {
				d.Offset = &n
			}
		case "relative":
			d.Relative = true
		default:
			return nil, fmt.Errorf("unknown argument %q", kv)
		}
	}
	return d, nil
}

// CheckFlowCounter checks flow.pkts/flow.bytes: direction,comparison.
func CheckFlowCounter(a []string) error {
	if len(a) != 2 {
		return fmt.Errorf("want direction,comparison, got %q", strings.Join(a, ","))
	}
	if err := oneOf("direction", a[0], "toserver", "toclient", "either"); err != nil {
		return err
	}
	_, err := parseUintCmp(a[1])
	return err
}

// OneWord checks that an argument list has exactly one element.
func OneWord(a []string) error {
	if len(a) != 1 {
		return fmt.Errorf("want one value, got %q", strings.Join(a, ","))
	}
	return nil
}

// CheckClasstype checks that a classtype is a name.
func CheckClasstype(s string) error {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return fmt.Errorf("bad classtype %q", s)
		}
	}
	return nil
}

// CheckEventName checks a decode-event or stream-event name.
func CheckEventName(s string) error {
	if s == "" || strings.ContainsAny(s, " \t,") {
		return fmt.Errorf("bad event name %q", s)
	}
	return nil
}
