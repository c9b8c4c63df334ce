package detect

import (
	"strconv"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// flowCountTest is flow.pkts / flow.bytes: a uint comparison on the
// flow's packet or byte counter of one direction, or of either.
// Docs: rules/flow-keywords.html#flow-pkts, #flow-bytes
type flowCountTest struct {
	bytes bool
	dir   dir // bufid.AnyDir: either direction
	cmp   uintCmp
}

func (f *flowCountTest) match(p *Packet) bool {
	if !p.HasFlow {
		return false
	}
	c := &p.FlowPkts
	if f.bytes {
		c = &p.FlowBytes
	}
	switch f.dir {
	case bufid.ToServer:
		return f.cmp.match(c[0])
	case bufid.ToClient:
		return f.cmp.match(c[1])
	}
	return f.cmp.match(c[0]) || f.cmp.match(c[1])
}

func flowCountSetup(bytes bool) func(*sigBuilder, ruleparser.Option) error {
	return func(b *sigBuilder, o ruleparser.Option) error {
		a, ok := o.(*ruleparser.Args)
		if !ok || len(a.Args) != 2 {
			return errBadValue("want direction,comparison")
		}
		t := &flowCountTest{bytes: bytes}
		switch strings.TrimSpace(a.Args[0]) {
		case "toserver":
			t.dir = bufid.ToServer
		case "toclient":
			t.dir = bufid.ToClient
		case "either":
			t.dir = bufid.AnyDir
		default:
			return errBadValue("unknown direction " + a.Args[0])
		}
		c, err := parseUintCmpText(a.Args[1])
		if err != nil {
			return err
		}
		t.cmp = c
		b.sig.pkt = append(b.sig.pkt, t)
		return nil
	}
}

// parseUintCmpText parses Suricata's integer comparison grammar for
// keywords whose value reaches detect as text: N, =N, !N, !=N, <N, >N,
// <=N, >=N, A-B, A<>B (ranges exclude both bounds), !A-B.
func parseUintCmpText(v string) (uintCmp, error) {
	s := strings.TrimSpace(v)
	num := func(t string) (uint64, error) {
		n, err := strconv.ParseUint(strings.TrimSpace(t), 0, 64)
		if err != nil {
			return 0, errBadValue("bad number in " + strconv.Quote(s))
		}
		return n, nil
	}
	var c uintCmp
	rest := s
	for _, p := range []struct {
		s  string
		op cmpOp
	}{{"<=", cmpLe}, {">=", cmpGe}, {"!=", cmpNe}, {"<", cmpLt}, {">", cmpGt}, {"=", cmpEq}, {"!", cmpNe}} {
		if strings.HasPrefix(s, p.s) {
			c.op, rest = p.op, s[len(p.s):]
			break
		}
	}
	if c.op == 0 || c.op == cmpNe {
		sep := strings.Index(rest, "<>")
		w := 2
		if sep < 0 {
			sep, w = strings.Index(rest, "-"), 1
		}
		if sep > 0 {
			a, err := num(rest[:sep])
			if err != nil {
				return c, err
			}
			b, err := num(rest[sep+w:])
			if err != nil {
				return c, err
			}
			if a >= b {
				return c, errBadValue("bad range " + strconv.Quote(s))
			}
			op := cmpRange
			if c.op == cmpNe {
				op = cmpNotRange
			}
			return uintCmp{op: op, a: a, b: b}, nil
		}
	}
	if c.op == 0 {
		c.op = cmpEq
	}
	n, err := num(rest)
	if err != nil {
		return c, err
	}
	c.a = n
	return c, nil
}
