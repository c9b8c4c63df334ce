package detect

import (
	"fmt"
	"testing"

	"vigil/detect/mpm"
)

// TestIPOnly: a rule of header, meta and IP-only compatible keywords
// (threshold, flowbits:set, ip_proto, l3_proto, xbits) runs on the first
// packet of each direction of a flow and on packets outside a flow; a rule
// with a negated address, a payload, a flow keyword, a packet keyword or
// a flowbits test runs on every packet, as in Suricata.
func TestIPOnly(t *testing.T) {
	pkt := func(toServer bool, n uint64, hasFlow bool) *Packet {
		p := tcpPacket("hello", toServer)
		p.HasFlow = hasFlow
		if toServer {
			p.FlowPkts = [2]uint64{n, 1}
		} else {
			p.FlowPkts = [2]uint64{1, n}
		}
		return p
	}
	first, later := pkt(true, 1, true), pkt(true, 5, true)
	firstBack, laterBack := pkt(false, 1, true), pkt(false, 3, true)
	noFlow := pkt(true, 9, false)
	for _, tc := range []struct {
		name, opts, src string
		ipOnly          bool
	}{
		{"plain", ``, "10.0.0.5", true},
		{"any", ``, "any", true},
		{"threshold", `threshold:type limit,track by_src,count 1,seconds 60;`, "any", true},
		{"flowbits set", `flowbits:set,x;`, "any", true},
		{"ip_proto", `ip_proto:6;`, "any", true},
		{"l3_proto", `l3_proto:ipv4;`, "any", true},
		{"xbits", `xbits:set,y,track ip_src;`, "any", true},
		{"negated address", ``, "!192.0.2.0/24", false},
		{"negated group", ``, "[any,!192.0.2.1]", false},
		{"negated variable", ``, "$EXTERNAL_NET", false},
		{"double negation", ``, "!$EXTERNAL_NET", true},
		{"content", `content:"hello";`, "any", false},
		{"flow keyword", `flow:to_server;`, "any", false},
		{"packet keyword", `ttl:64;`, "any", false},
		{"flowbits isset", `flowbits:isset,x;`, "any", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rule := fmt.Sprintf(`alert ip %s any <> any any (msg:"x"; %s sid:1;)`, tc.src, tc.opts)
			e, rep := compileText(t, mpm.Reference{}, rule)
			if rep.Loaded != 1 {
				t.Fatalf("not loaded: %v %v", rep.Skipped, rep.Errors)
			}
			if got := e.sigs[0].ipOnly; got != tc.ipOnly {
				t.Fatalf("ipOnly = %v, want %v", got, tc.ipOnly)
			}
			if tc.opts != "" && tc.opts != `content:"hello";` && tc.opts != `ttl:64;` && tc.opts != `ip_proto:6;` && tc.opts != `l3_proto:ipv4;` {
				return // matching checked for the plain forms
			}
			for _, c := range []struct {
				name string
				p    *Packet
				want bool
			}{{"first", first, true}, {"later", later, !tc.ipOnly}, {"first back", firstBack, true},
				{"later back", laterBack, !tc.ipOnly}, {"no flow", noFlow, true}} {
				m, err := e.NewMatcher()
				if err != nil {
					t.Fatal(err)
				}
				got := len(m.MatchPacket(c.p, nil)) > 0
				m.Close()
				if tc.src == "!192.0.2.0/24" || tc.src == "[any,!192.0.2.1]" || tc.src == "$EXTERNAL_NET" {
					continue // address may not match the test packets; ipOnly checked above
				}
				if got != c.want {
					t.Errorf("%s packet: matched %v, want %v", c.name, got, c.want)
				}
			}
		})
	}
}
