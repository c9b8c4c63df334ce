package dns

import (
	"strings"
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

func wireName(name string) []byte {
	var b []byte
	for _, l := range strings.Split(name, ".") {
		b = append(append(b, byte(len(l))), l...)
	}
	return append(b, 0)
}

// wireResponse is a response (flags 8180) to one question for name of type
// qtype, with one answer record of type typ and the given rdata.
func wireResponse(name string, qtype, typ uint16, rdata []byte) []byte {
	m := []byte{0xab, 0xcd, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0}
	m = append(m, wireName(name)...)
	m = append(m, byte(qtype>>8), byte(qtype), 0, 1)
	m = append(m, wireName(name)...)
	m = append(m, byte(typ>>8), byte(typ), 0, 1, 0, 0, 0, 60, byte(len(rdata)>>8), byte(len(rdata)))
	return append(m, rdata...)
}

// TestEVETable encodes one answer of each kind the way the worker does
// (FillEVE, then output/eve) and checks the "dns" object against Suricata
// 8.0's log.rs: record types by name from its table, any other type as its
// number (never "0"); rdata only for A, AAAA (four hex digits per group),
// CNAME, NS, PTR, MX, TXT (one record per string) and NULL; "grouped" for
// the same types. Every line must validate against the EVE schema.
func TestEVETable(t *testing.T) {
	const ans = `"rrname":"x.test",`
	for _, c := range []struct {
		name    string
		typ     uint16
		rrtype  string // as logged
		rdata   []byte
		answers string // the "answers" array
		grouped string // the "grouped" object
	}{
		{"A", 1, "A", []byte{192, 0, 2, 1},
			`[{` + ans + `"rrtype":"A","ttl":60,"rdata":"192.0.2.1"}]`, `{"A":["192.0.2.1"]}`},
		{"AAAA", 28, "AAAA", []byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xab, 0xcd},
			`[{` + ans + `"rrtype":"AAAA","ttl":60,"rdata":"2001:0db8:0000:0000:0000:0000:0000:abcd"}]`,
			`{"AAAA":["2001:0db8:0000:0000:0000:0000:0000:abcd"]}`},
		{"AAAA v4-mapped", 28, "AAAA", []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1},
			`[{` + ans + `"rrtype":"AAAA","ttl":60,"rdata":"0000:0000:0000:0000:0000:ffff:c000:0201"}]`,
			`{"AAAA":["0000:0000:0000:0000:0000:ffff:c000:0201"]}`},
		{"CNAME", 5, "CNAME", wireName("y.test"),
			`[{` + ans + `"rrtype":"CNAME","ttl":60,"rdata":"y.test"}]`, `{"CNAME":["y.test"]}`},
		{"MX", 15, "MX", append([]byte{0, 10}, wireName("mx.test")...),
			`[{` + ans + `"rrtype":"MX","ttl":60,"rdata":"mx.test"}]`, `{"MX":["mx.test"]}`},
		{"TXT two strings", 16, "TXT", []byte("\x03v=1\x01x"),
			`[{` + ans + `"rrtype":"TXT","ttl":60,"rdata":"v=1"},{` + ans + `"rrtype":"TXT","ttl":60,"rdata":"x"}]`,
			`{"TXT":["v=1","x"]}`},
		{"NULL", 10, "NULL", []byte("ab\x01"),
			`[{` + ans + `"rrtype":"NULL","ttl":60,"rdata":"ab\u0001"}]`, `{"NULL":["ab\u0001"]}`},
		{"DNAME", 39, "DNAME", wireName("y.test"), `[{` + ans + `"rrtype":"DNAME","ttl":60}]`, `{}`},
		{"SPF", 99, "SPF", []byte("\x05v=spf"), `[{` + ans + `"rrtype":"SPF","ttl":60}]`, `{}`},
		{"HINFO", 13, "HINFO", []byte("\x01a\x01b"), `[{` + ans + `"rrtype":"HINFO","ttl":60}]`, `{}`},
		{"CAA has no name in Suricata 8", 257, "257", []byte{0, 5, 'i', 's', 's', 'u', 'e'},
			`[{` + ans + `"rrtype":"257","ttl":60}]`, `{}`},
		{"unassigned", 65280, "65280", []byte{1, 2, 3}, `[{` + ans + `"rrtype":"65280","ttl":60}]`, `{}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := New()
			p.ParseDatagram(applayer.ToClient, wireResponse("x.test", c.typ, c.typ, c.rdata))
			if p.TxCount() != 1 {
				t.Fatalf("TxCount %d", p.TxCount())
			}
			r := eve.Record{Type: eve.EventDNS}
			if !p.Tx(0).FillEVE(&r, applayer.ToClient) {
				t.Fatal("FillEVE: no message")
			}
			line := string(new(eve.Encoder).Encode(&r))
			for _, want := range []string{
				`"queries":[{"rrname":"x.test","rrtype":"` + c.rrtype + `"}]`,
				`"answers":` + c.answers,
				`"grouped":` + c.grouped,
			} {
				if !strings.Contains(line, want) {
					t.Errorf("missing %s\nin %s", want, line)
				}
			}
			evetest.Validate(t, []byte(line))
		})
	}
}
