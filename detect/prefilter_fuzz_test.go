package detect

import (
	"slices"
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
)

// allPrefilter is a prefilter that lets every rule through: with it the
// engine evaluates every rule in full, which makes it the oracle for the
// real prefilter (whose only job is to leave out rules that cannot match).
type allPrefilter struct{}

type allDB struct{ ids []uint32 }

func (d *allDB) Len() int     { return len(d.ids) }
func (d *allDB) Close() error { return nil }

type allScanner struct{}

func (allScanner) Scan(db mpm.DB, _ []byte) ([]uint32, error) { return db.(*allDB).ids, nil }
func (allScanner) Close() error                               { return nil }

func (allPrefilter) Compile(ps []mpm.Pattern) (mpm.DB, error) {
	d := &allDB{}
	for _, p := range ps {
		d.ids = append(d.ids, p.ID)
	}
	return d, nil
}

func (allPrefilter) NewScanner() (mpm.Scanner, error) { return allScanner{}, nil }

// prefilterRules exercise the prefilter paths: growing bodies scanned in
// increments, transformed buffers, pkt_data fast patterns of transaction
// rules, and fast pattern choice between buffers.
const prefilterRules = `
alert http any any -> any any (http.request_body; content:"attack"; sid:1;)
alert http any any -> any any (http.request_body; content:"AbC"; nocase; content:"xyz"; distance:0; sid:2;)
alert http any any -> any any (file.data; content:"evil"; sid:3;)
alert http any any -> any any (http.method; content:"POST"; http.request_body; content:"net"; nocase; sid:4;)
alert http any any -> any any (content:"payload"; http.request_body; content:"zz"; sid:5;)
alert http any any -> any any (http.request_body; to_lowercase; content:"shout"; sid:6;)
alert http any any -> any any (http.request_body; content:"a"; content:"b"; within:2; sid:7;)
alert dns any any -> any any (dns.query; dotprefix; content:".bad.test"; endswith; sid:8;)
alert http any any -> any any (http.request_body; content:"endmark"; endswith; sid:9;)
`

// FuzzPrefilter feeds a growing request body (three steps, the last
// final) and a payload to an engine with the Hyperscan prefilter and to
// one that evaluates every rule: the alerts must be the same.
func FuzzPrefilter(f *testing.F) {
	f.Add([]byte("POST net attack AbC..xyz evil SHOUT payload zz endmark"), uint16(7), uint16(30), []byte("payload"), "a.bad.test")
	f.Add([]byte("....atta"), uint16(4), uint16(6), []byte(""), "bad.test")
	f.Add([]byte("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxatt"), uint16(40), uint16(43), []byte("pay"), "x.bad.test.")
	hs, _ := compileText(f, mpm.Hyperscan{}, prefilterRules)
	all, _ := compileText(f, allPrefilter{}, prefilterRules)
	mh, err := hs.NewMatcher()
	if err != nil {
		f.Fatal(err)
	}
	ma, err := all.NewMatcher()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, c1, c2 uint16, payload []byte, qname string) {
		if len(body) > 1<<16 {
			return
		}
		a, b := int(c1)%(len(body)+1), int(c2)%(len(body)+1)
		if a > b {
			a, b = b, a
		}
		steps := []struct {
			n     int
			final bool
		}{{a, false}, {b, false}, {len(body), true}}
		run := func(m *Matcher) []uint32 {
			var st TxState
			var got []uint32
			for _, s := range steps {
				p := tcpPacket(string(payload), true)
				p.AppProto = bufid.ProtoHTTP
				tx := mapTx{bufid.HTTPMethod: {"POST"}, bufid.HTTPRequestBody: {string(body[:s.n])}, bufid.FileData: {string(body[:s.n])}}
				got = append(got, sids(m.MatchTx(p, tx, 0, s.final, &st, nil))...)
			}
			p := &Packet{IPVer: 4, Proto: 17, HasFlow: true, ToServer: true, AppProto: bufid.ProtoDNS, Flow: &FlowState{}}
			got = append(got, sids(m.MatchTx(p, mapTx{bufid.DNSQuery: {"x.example", qname}}, 1, true, &TxState{}, nil))...)
			slices.Sort(got)
			return got
		}
		if h, o := run(mh), run(ma); !slices.Equal(h, o) {
			t.Errorf("body %q cut at %d,%d payload %q qname %q: prefiltered %v, all rules %v", body, a, b, payload, qname, h, o)
		}
	})
}
