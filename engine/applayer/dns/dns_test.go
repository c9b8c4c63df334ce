package dns

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
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
	var r eve.Record
	if !tx.FillEVE(&r, applayer.ToClient) {
		t.Fatal("no response EVE")
	}
	// Typed values, not text: address bytes, wire-decoded names, raw TXT.
	want := &eve.DNS{Response: true, ID: 0x1234, Flags: 0x8180, Detailed: true, Grouped: true,
		Queries: []eve.DNSQuery{{RRName: []byte("www.example.com"), RRType: 1}},
		Answers: []eve.DNSAnswer{
			{RRName: []byte("www.example.com"), RRType: 5, TTL: 300, RData: []byte("web.example.com")},
			{RRName: []byte("web.example.com"), RRType: 1, TTL: 60, RData: []byte{93, 184, 216, 34}},
			{RRName: []byte("web.example.com"), RRType: 28, TTL: 60,
				RData: []byte{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},
			{RRName: []byte("example.com"), RRType: 15, TTL: 60, RData: []byte("mail.example.com")},
			{RRName: []byte("example.com"), RRType: 16, TTL: 60, RData: []byte("\x03v=1\x01x")},
		},
		Authorities: []eve.DNSAnswer{{RRName: []byte("example.com"), RRType: 6, TTL: 60,
			SOA: &eve.DNSSOA{MName: "ns.example.com", RName: "h.example.com", Serial: 1, Refresh: 2, Retry: 3, Expire: 4, Minimum: 5}}},
	}
	if d := cmp.Diff(want, r.DNS); d != "" {
		t.Errorf("EVE diff (-want +got):\n%s", d)
	}
	soa := &SOA{MName: "ns.example.com", RName: "h.example.com", Serial: 1, Refresh: 2, Retry: 3, Expire: 4, Minimum: 5}
	if d := cmp.Diff(soa, tx.Response.Authorities[0].SOA); d != "" {
		t.Errorf("SOA diff (-want +got):\n%s", d)
	}
	var q eve.Record
	if !tx.FillEVE(&q, applayer.ToServer) || q.DNS.Response || len(q.DNS.Answers) != 0 {
		t.Errorf("request EVE %+v", q.DNS)
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

// TestRcodeRRTypeBuffers checks dns.rcode and dns.rrtype: each direction's
// own message, the rrtypes of a request's questions and of a response's
// answers.
func TestRcodeRRTypeBuffers(t *testing.T) {
	p := New()
	p.ParseDatagram(applayer.ToServer, query)
	p.ParseDatagram(applayer.ToClient, response)
	tx := p.Tx(0)
	num := func(dir applayer.Direction, b applayer.BufferID, i int) int {
		v, ok := tx.BufferAt(dir, b, i)
		if !ok {
			return -1
		}
		return int(v[0])<<8 | int(v[1])
	}
	if got := num(applayer.ToServer, bufid.DNSRcode, 0); got != 0 {
		t.Errorf("request rcode %d, want 0", got)
	}
	if got := num(applayer.ToClient, bufid.DNSRcode, 0); got != 0x8180&0xf {
		t.Errorf("response rcode %d", got)
	}
	if got := num(applayer.ToServer, bufid.DNSRRType, 0); got != 1 {
		t.Errorf("request rrtype[0] %d, want 1 (the question)", got)
	}
	if got := num(applayer.ToServer, bufid.DNSRRType, 1); got != -1 {
		t.Errorf("request rrtype[1] %d, want none", got)
	}
	var got []int
	for i := 0; num(applayer.ToClient, bufid.DNSRRType, i) >= 0; i++ {
		got = append(got, num(applayer.ToClient, bufid.DNSRRType, i))
	}
	if want := []int{5, 1, 28, 15, 16}; !slices.Equal(got, want) {
		t.Errorf("response rrtypes %v, want the answers' %v", got, want)
	}
}

// TestTCPGapResumes checks that a gap drops the partial message and that
// parsing resumes with the next message (Suricata 8's DNS over TCP).
func TestTCPGapResumes(t *testing.T) {
	framed := append([]byte{byte(len(query) >> 8), byte(len(query))}, query...)
	p := New()
	p.Parse(applayer.ToServer, framed)
	p.Parse(applayer.ToServer, framed[:7]) // cut by the gap
	p.Gap(applayer.ToServer, 100)
	p.Parse(applayer.ToServer, framed)
	if p.TxCount() != 2 {
		t.Fatalf("%d transactions, want the messages before and after the gap", p.TxCount())
	}
	if p.State()&applayer.StateGap == 0 || p.State()&applayer.StateError != 0 {
		t.Errorf("state %v, want gap without error", p.State())
	}
}

// TestQueryBufferRequestOnly: dns.query is the request's questions; a
// response seen without its request gives none, and a paired response
// does not add to them.
func TestQueryBufferRequestOnly(t *testing.T) {
	p := New()
	p.ParseDatagram(applayer.ToClient, response)
	tx := p.Tx(0)
	if v, ok := tx.BufferAt(applayer.ToServer, bufid.DNSQuery, 0); ok {
		t.Errorf("response-only tx: dns.query %q", v)
	}
	p = New()
	p.ParseDatagram(applayer.ToServer, query)
	p.ParseDatagram(applayer.ToClient, response)
	tx = p.Tx(0)
	if v, ok := tx.BufferAt(applayer.ToServer, bufid.DNSQuery, 0); !ok || string(v) != "www.example.com" {
		t.Errorf("paired tx: dns.query %q %v; want www.example.com", v, ok)
	}
}
