package dns

import (
	"strings"
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// TestMDNSObject encodes mDNS messages the way the worker does for a flow
// to port 5353 (FillMDNS, then output/eve) and checks the "mdns" object
// against Suricata 8.0's mdns/log.rs: flags by name, numeric rcode,
// lower-case query types, ptr and txt data under their type names, and
// nothing the schema's mdns object does not allow (every line validates).
func TestMDNSObject(t *testing.T) {
	query := []byte{0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}
	query = append(append(query, wireName("_ipp._tcp.local")...), 0, 12, 0, 1)
	for _, c := range []struct {
		name string
		msg  []byte
		dir  applayer.Direction
		want []string
		not  []string
	}{
		{"query", query, applayer.ToServer, []string{
			`"mdns":{"type":"request","id":0,"opcode":0,"rcode":0,"queries":[{"rrname":"_ipp._tcp.local","rrtype":"ptr"}]}`,
		}, []string{`"flags"`, `"dns"`}},
		{"ptr answer", func() []byte {
			m := wireResponse("_ipp._tcp.local", 12, 12, wireName("printer._ipp._tcp.local"))
			m[2], m[3] = 0x84, 0x00 // response, authoritative
			return m
		}(), applayer.ToClient, []string{
			`"mdns":{"type":"response","id":43981,"flags":["aa"],"opcode":0,"rcode":0,`,
			`"answers":[{"rrname":"_ipp._tcp.local","ptr":"printer._ipp._tcp.local"}]`,
		}, []string{`"rrtype":"PTR"`, `"ttl"`}},
		{"txt answer", wireResponse("p.local", 16, 16, []byte("\x03a=1\x00")), applayer.ToClient, []string{
			`"flags":["rd","ra"]`,
			`"answers":[{"rrname":"p.local","txt":["a=1",""]}]`,
		}, nil},
		{"a answer logs the name only", wireResponse("p.local", 1, 1, []byte{192, 0, 2, 1}), applayer.ToClient, []string{
			`"answers":[{"rrname":"p.local"}]`,
		}, []string{`192.0.2.1`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := New()
			p.ParseDatagram(c.dir, c.msg)
			r := eve.Record{Type: eve.EventMDNS}
			if !p.Tx(0).FillMDNS(&r, c.dir) {
				t.Fatal("FillMDNS: no message")
			}
			line := string(new(eve.Encoder).Encode(&r))
			for _, w := range c.want {
				if !strings.Contains(line, w) {
					t.Errorf("missing %s\nin %s", w, line)
				}
			}
			for _, w := range c.not {
				if strings.Contains(line, w) {
					t.Errorf("unexpected %s\nin %s", w, line)
				}
			}
			evetest.Validate(t, []byte(line))
		})
	}
}
