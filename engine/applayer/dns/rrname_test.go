package dns

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

func TestRRNameBuffers(t *testing.T) {
	q := &Message{Questions: []Question{{Name: []byte("example.com")}}}
	r := &Message{Flags: flagQR, Questions: q.Questions,
		Answers:     []RR{{Name: []byte("example.com"), Type: TypeMX, RData: []byte("mx.example.com")}},
		Authorities: []RR{{Name: []byte("com"), Type: TypeSOA, SOA: &SOA{MName: "ns.com", RName: "admin.com"}}},
		Additionals: []RR{{Name: []byte("ns.com"), Type: 1, RData: []byte{192, 0, 2, 1}}}}
	tx := &Tx{Request: q, Response: r}
	all := func(dir applayer.Direction, b applayer.BufferID) []string {
		var out []string
		for i := 0; ; i++ {
			v, ok := tx.BufferAt(dir, b, i)
			if !ok {
				return out
			}
			out = append(out, string(v))
		}
	}
	check := func(name string, got []string, want ...string) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s = %q, want %q", name, got, want)
			return
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s = %q, want %q", name, got, want)
				return
			}
		}
	}
	check("queries to_server", all(applayer.ToServer, bufid.DNSQueriesRRName), "example.com")
	check("queries to_client", all(applayer.ToClient, bufid.DNSQueriesRRName), "example.com")
	check("answers to_server", all(applayer.ToServer, bufid.DNSAnswersRRName))
	check("answers to_client", all(applayer.ToClient, bufid.DNSAnswersRRName), "example.com")
	check("authorities", all(applayer.ToClient, bufid.DNSAuthoritiesRRName), "com")
	check("additionals", all(applayer.ToClient, bufid.DNSAdditionalsRRName), "ns.com")
	check("response to_server", all(applayer.ToServer, bufid.DNSResponseRRName))
	check("response", all(applayer.ToClient, bufid.DNSResponseRRName),
		"example.com", "example.com", "mx.example.com", "com", "ns.com", "admin.com", "ns.com")
}
