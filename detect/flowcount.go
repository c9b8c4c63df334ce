package detect

import (
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
	cmp   ruleparser.UintCmp
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
		return f.cmp.Match(c[0])
	case bufid.ToClient:
		return f.cmp.Match(c[1])
	}
	return f.cmp.Match(c[0]) || f.cmp.Match(c[1])
}

// flowCountDirSetup is flow.pkts_toserver, flow.pkts_toclient,
// flow.bytes_toserver and flow.bytes_toclient: the direction is in the
// keyword's name and the value is the comparison alone.
func flowCountDirSetup(bytes bool, d dir) func(*sigBuilder, *ruleparser.Compare) error {
	return func(b *sigBuilder, c *ruleparser.Compare) error {
		b.sig.pkt = append(b.sig.pkt, &flowCountTest{bytes: bytes, dir: d, cmp: c.Cmp})
		return nil
	}
}

func flowCountSetup(bytes bool) func(*sigBuilder, *ruleparser.Args) error {
	return func(b *sigBuilder, a *ruleparser.Args) error {
		if len(a.Args) != 2 {
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
		c, err := ruleparser.ParseUintCmp(a.Args[1])
		if err != nil {
			return err
		}
		t.cmp = c
		b.sig.pkt = append(b.sig.pkt, t)
		return nil
	}
}
