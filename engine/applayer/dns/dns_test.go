package dns

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// query for www.example.com A, id 0x1234, RD.
var query = []byte{
	0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0, 1, 0, 1,
}

// response: CNAME www -> web.example.com (compressed), A 93.184.216.34,
// AAAA 2001:db8::1, MX 10 mail.example.com, TXT "v=1" "x".
var response = []byte{
	0x12, 0x34, 0x81, 0x80, 0, 1, 0, 5, 0, 1, 0, 0,
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
	// CNAME: name ptr 12, type 5, class 1, ttl 300, rdlen 6: "web" + ptr to example.com (16)
	0xc0, 12, 0, 5, 0, 1, 0, 0, 1, 0x2c, 0, 6, 3, 'w', 'e', 'b', 0xc0, 16,
	// A for web.example.com (ptr to offset 45: the CNAME rdata)
	0xc0, 45, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 93, 184, 216, 34,
	0xc0, 45, 0, 28, 0, 1, 0, 0, 0, 60, 0, 16, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0xc0, 16, 0, 15, 0, 1, 0, 0, 0, 60, 0, 9, 0, 10, 4, 'm', 'a', 'i', 'l', 0xc0, 16,
	0xc0, 16, 0, 16, 0, 1, 0, 0, 0, 60, 0, 6, 3, 'v', '=', '1', 1, 'x',
	// authority SOA
	0xc0, 16, 0, 6, 0, 1, 0, 0, 0, 60, 0, 29, 2, 'n', 's', 0xc0, 16, 1, 'h', 0xc0, 16,
	0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5,
}

func TestUDPPairing(t *testing.T) {
	p := New()
	p.ParseDatagram(applayer.ToServer, query)
	p.ParseDatagram(applayer.ToClient, response)
	if p.TxCount() != 1 {
		t.Fatalf("TxCount %d", p.TxCount())
	}
	tx := p.Tx(0)
	if got := string(tx.Buffer(applayer.ToServer, bufid.DNSQuery)); got != "www.example.com" {
		t.Errorf("dns.query %q", got)
	}
	e, ok := tx.EVE(applayer.ToClient)
	if !ok {
		t.Fatal("no response EVE")
	}
	want := EVE{Version: 3, Type: "response", ID: 0x1234, Flags: "8180", QR: true, RD: true, RA: true, Rcode: "NOERROR",
		Queries: []EVEQuery{{"www.example.com", "A"}},
		Answers: []EVEAnswer{
			{RRName: "www.example.com", RRType: "CNAME", TTL: 300, RData: "web.example.com"},
			{RRName: "web.example.com", RRType: "A", TTL: 60, RData: "93.184.216.34"},
			{RRName: "web.example.com", RRType: "AAAA", TTL: 60, RData: "2001:0db8:0000:0000:0000:0000:0000:0001"},
			{RRName: "example.com", RRType: "MX", TTL: 60, RData: "mail.example.com"},
			{RRName: "example.com", RRType: "TXT", TTL: 60, RData: "v=1x"},
		},
		Authorities: []EVEAnswer{{RRName: "example.com", RRType: "SOA", TTL: 60,
			SOA: &SOA{MName: "ns.example.com", RName: "h.example.com", Serial: 1, Refresh: 2, Retry: 3, Expire: 4, Minimum: 5}}},
	}
	if d := cmp.Diff(want, e); d != "" {
		t.Errorf("EVE diff (-want +got):\n%s", d)
	}
}

func TestTCPFraming(t *testing.T) {
	var stream []byte
	for _, m := range [][]byte{query, query} {
		stream = append(stream, byte(len(m)>>8), byte(len(m)))
		stream = append(stream, m...)
	}
	for step := 1; step <= len(stream); step += 5 {
		p := New()
		for i := 0; i < len(stream); i += step {
			p.Parse(applayer.ToServer, stream[i:min(i+step, len(stream))])
		}
		if p.TxCount() != 2 {
			t.Fatalf("step %d: TxCount %d", step, p.TxCount())
		}
	}
}

func TestNameLoop(t *testing.T) {
	msg := []byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1}
	if _, ok := Decode(msg); ok {
		t.Errorf("self-pointing name decoded")
	}
	msg = []byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0xc0, 12, 0, 1, 0, 1}
	if _, ok := Decode(msg); ok {
		t.Errorf("looping name decoded")
	}
}

func TestUnmatchedResponse(t *testing.T) {
	p := New()
	p.ParseDatagram(applayer.ToClient, response)
	p.ParseDatagram(applayer.ToServer, []byte{1, 2, 3})
	if p.TxCount() != 1 || p.Tx(0).Request != nil || p.Malformed != 1 {
		t.Errorf("count %d malformed %d", p.TxCount(), p.Malformed)
	}
}
