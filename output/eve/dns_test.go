package eve

import (
	"strconv"
	"testing"
)

// TestRRTypeTable checks the one rr-type table: sorted and unique (the
// lookup is a binary search), names round trip, Suricata 8.0's names for
// NULL, DNAME and SPF, and numbers for types it does not name.
func TestRRTypeTable(t *testing.T) {
	for i := 1; i < len(rrTypes); i++ {
		if rrTypes[i-1].num >= rrTypes[i].num {
			t.Errorf("rrTypes not sorted at %d (%d)", i, rrTypes[i].num)
		}
	}
	for _, e := range rrTypes {
		if n, ok := RRTypeNumber(e.name); !ok || n != e.num {
			t.Errorf("RRTypeNumber(%q) = %d, %v; want %d", e.name, n, ok, e.num)
		}
	}
	for _, c := range []struct {
		t    uint16
		want string
	}{
		{1, "A"}, {10, "NULL"}, {23, "NSAPPTR"}, {39, "DNAME"}, {65, "HTTPS"}, {99, "SPF"}, {254, "MAILA"},
		{256, "URI"},
		// Not in Suricata 8.0's table: logged as numbers.
		{0, "0"}, {64, "64"}, {252, "252"}, {257, "257"}, {65280, "65280"}, {65535, "65535"},
	} {
		got := string(appendRRType(nil, "rrtype", c.t))
		if want := `"rrtype":"` + c.want + `"`; got != want {
			t.Errorf("type %d: %s, want %s", c.t, got, want)
		}
		if n, ok := RRTypeNumber(c.want); !ok || n != c.t {
			t.Errorf("RRTypeNumber(%q) = %d, %v", c.want, n, ok)
		}
	}
	if _, ok := RRTypeNumber("BOGUS"); ok {
		t.Errorf("RRTypeNumber accepted BOGUS")
	}
	if _, ok := RRTypeNumber(strconv.Itoa(70000)); ok {
		t.Errorf("RRTypeNumber accepted 70000")
	}
}

func dnsLine(d *DNS) string { return string(appendDNS(nil, d)) }

// TestDNSLayouts checks each eve-log dns form: version 3 with each answer
// format and a types filter, version 2 query and answer records.
func TestDNSLayouts(t *testing.T) {
	qs := []DNSQuery{{RRName: []byte("a.example"), RRType: rrA}, {RRName: []byte("a.example"), RRType: rrMX}}
	ans := []DNSAnswer{{RRName: []byte("a.example"), RRType: rrA, TTL: 5, RData: []byte{1, 2, 3, 4}}}
	mx, _ := ParseDNSTypes([]string{"mx"})
	for _, c := range []struct {
		name string
		d    DNS
		want string
	}{
		{"v3 detailed", DNS{Response: true, ID: 7, Flags: 0x8180, Queries: qs[:1], Answers: ans, Detailed: true},
			`"dns":{"version":3,"type":"response","tx_id":0,"id":7,"flags":"8180","qr":true,"rd":true,"ra":true,"opcode":0,"rcode":"NOERROR","queries":[{"rrname":"a.example","rrtype":"A"}],"answers":[{"rrname":"a.example","rrtype":"A","ttl":5,"rdata":"1.2.3.4"}]}`},
		{"v3 grouped", DNS{Response: true, ID: 7, Flags: 0x8180, Queries: qs[:1], Answers: ans, Grouped: true},
			`"dns":{"version":3,"type":"response","tx_id":0,"id":7,"flags":"8180","qr":true,"rd":true,"ra":true,"opcode":0,"rcode":"NOERROR","queries":[{"rrname":"a.example","rrtype":"A"}],"grouped":{"A":["1.2.3.4"]}}`},
		{"v3 types", DNS{ID: 7, Flags: 0x100, Queries: qs, Types: mx},
			`"dns":{"version":3,"type":"request","tx_id":0,"id":7,"flags":"100","rd":true,"opcode":0,"rcode":"NOERROR","queries":[{"rrname":"a.example","rrtype":"MX"}]}`},
		{"v2 query", DNS{Version: 2, ID: 7, TxID: 3, Flags: 0x100, Queries: qs, Query: 1},
			`"dns":{"version":2,"type":"query","id":7,"rrname":"a.example","rrtype":"MX","tx_id":3,"opcode":0}`},
		{"v2 answer", DNS{Version: 2, Response: true, ID: 7, Flags: 0x8183, Queries: qs, Answers: ans, Detailed: true, Grouped: true},
			`"dns":{"version":2,"type":"answer","id":7,"flags":"8183","qr":true,"rd":true,"ra":true,"opcode":0,"rrname":"a.example","rrtype":"A","rcode":"NXDOMAIN","answers":[{"rrname":"a.example","rrtype":"A","ttl":5,"rdata":"1.2.3.4"}],"grouped":{"A":["1.2.3.4"]}}`},
	} {
		if got := dnsLine(&c.d); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

// TestDNSRDataObjects checks the SOA, SRV and SSHFP objects, in answers
// and grouped.
func TestDNSRDataObjects(t *testing.T) {
	d := DNS{Response: true, Detailed: true, Grouped: true, Answers: []DNSAnswer{
		{RRName: []byte("z"), RRType: rrSOA, TTL: 1, SOA: &DNSSOA{MName: "ns", RName: "host", Serial: 1, Refresh: 2, Retry: 3, Expire: 4, Minimum: 5}},
		{RRName: []byte("s"), RRType: rrSRV, TTL: 1, SRV: &DNSSRV{Priority: 1, Weight: 2, Port: 5060, Name: "sip"}},
		{RRName: []byte("h"), RRType: rrSSHFP, TTL: 1, RData: []byte{1, 2, 0xab, 0x0c}},
		{RRName: []byte("bad"), RRType: rrSOA, TTL: 1},
	}}
	got := string(appendAnswers(nil, &d))
	want := `"answers":[` +
		`{"rrname":"z","rrtype":"SOA","ttl":1,"soa":{"mname":"ns","rname":"host","serial":1,"refresh":2,"retry":3,"expire":4,"minimum":5}},` +
		`{"rrname":"s","rrtype":"SRV","ttl":1,"srv":{"priority":1,"weight":2,"port":5060,"name":"sip"}},` +
		`{"rrname":"h","rrtype":"SSHFP","ttl":1,"sshfp":{"fingerprint":"ab:0c","algo":1,"type":2}},` +
		`{"rrname":"bad","rrtype":"SOA","ttl":1}],` +
		`"grouped":{"SOA":[{"mname":"ns","rname":"host","serial":1,"refresh":2,"retry":3,"expire":4,"minimum":5}],` +
		`"SRV":[{"priority":1,"weight":2,"port":5060,"name":"sip"}],"SSHFP":[{"fingerprint":"ab:0c","algo":1,"type":2}]}`
	if got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
}

// TestDNSTypes checks the types filter: names in any case, unknown names
// reported, types without a name selected only without a list.
func TestDNSTypes(t *testing.T) {
	var all DNSTypes
	if !all.Has(rrA) || !all.Has(256) || !all.Has(64) || !all.Has(0) {
		t.Errorf("zero DNSTypes: want every type")
	}
	s, unknown := ParseDNSTypes([]string{"aaaa", "Mx", "bogus"})
	if !s.Has(rrAAAA) || !s.Has(rrMX) || s.Has(rrA) || s.Has(64) {
		t.Errorf("ParseDNSTypes(aaaa, Mx): wrong set")
	}
	if len(unknown) != 1 || unknown[0] != "bogus" {
		t.Errorf("unknown = %v, want [bogus]", unknown)
	}
	if s.AnyQuery([]DNSQuery{{RRType: rrA}}) || !s.AnyQuery([]DNSQuery{{RRType: rrA}, {RRType: rrMX}}) {
		t.Errorf("AnyQuery wrong")
	}
	if len(rrTypes) > 64 {
		t.Errorf("rrTypes has %d entries; DNSTypes holds 64", len(rrTypes))
	}
}
