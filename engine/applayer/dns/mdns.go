package dns

import (
	"strconv"
	"strings"

	"vigil/engine/applayer"
	"vigil/output/eve"
)

// mdnsFlags are the header flags the mdns object lists by name, in
// Suricata 8's order.
var mdnsFlags = [...]struct {
	bit  uint16
	name string
}{
	{0x0400, "aa"}, {0x0200, "tc"}, {0x0100, "rd"}, {0x0080, "ra"},
	{0x0040, "z"}, {0x0020, "ad"}, {0x0010, "cd"},
}

// FillMDNS adds Suricata 8's "mdns" object for the message of direction
// dir (the other one when that message was not seen), for a transaction
// of a flow to port 5353: type, the wire id, the flags set by name,
// opcode, rcode as a number, queries with lower-case type names, then
// answers, authorities and additionals. A record's data is logged under
// its type name where the EVE schema has that key (ptr, txt); the schema
// has no key for the others (a, aaaa, srv, ...), so they log the name
// only. The OPT pseudo-record is not logged. Output path: allocates.
func (t *Tx) FillMDNS(r *eve.Record, dir applayer.Direction) bool {
	m, resp := t.message(dir)
	if m == nil {
		if m, resp = t.message(dir.Reverse()); m == nil {
			return false
		}
	}
	o := r.AddObject("mdns")
	if resp {
		o.String("type", "response")
	} else {
		o.String("type", "request")
	}
	o.Uint("id", uint64(m.ID))
	open := false
	for _, f := range mdnsFlags {
		if m.Flags&f.bit == 0 {
			continue
		}
		if !open {
			o.OpenArray("flags")
			open = true
		}
		o.String("", f.name)
	}
	if open {
		o.Close()
	}
	o.Uint("opcode", uint64(m.Opcode()))
	o.Uint("rcode", uint64(m.Rcode()))
	if len(m.Questions) > 0 {
		o.OpenArray("queries")
		for _, q := range m.Questions {
			o.Open("")
			o.Bytes("rrname", q.Name)
			o.String("rrtype", rrTypeLower(q.Type))
			o.Close()
		}
		o.Close()
	}
	mdnsRRs(o, "answers", m.Answers, true)
	mdnsRRs(o, "authorities", m.Authorities, false)
	mdnsRRs(o, "additionals", m.Additionals, true)
	return true
}

// mdnsRRs adds section key (nothing when it has no record but OPT); data
// adds the ptr and txt values.
func mdnsRRs(o *eve.Object, key string, rrs []RR, data bool) {
	open := false
	for i := range rrs {
		rr := &rrs[i]
		if rr.Type == typeOPT {
			continue
		}
		if !open {
			o.OpenArray(key)
			open = true
		}
		o.Open("")
		o.Bytes("rrname", rr.Name)
		if data {
			switch rr.Type {
			case TypePTR:
				o.Bytes("ptr", rr.RData)
			case TypeTXT:
				if len(rr.RData) == 0 {
					break // the schema wants at least one string
				}
				o.OpenArray("txt")
				for rd := rr.RData; len(rd) > 0 && 1+int(rd[0]) <= len(rd); rd = rd[1+int(rd[0]):] {
					o.Bytes("", rd[1:1+int(rd[0])])
				}
				o.Close()
			}
		}
		o.Close()
	}
	if open {
		o.Close()
	}
}

// rrTypeLower is the lower-case type name mdns logs ("ptr"), or the
// decimal number of a type without a name.
func rrTypeLower(t uint16) string {
	if n, ok := eve.RRTypeName(t); ok {
		return strings.ToLower(n)
	}
	return strconv.FormatUint(uint64(t), 10)
}
