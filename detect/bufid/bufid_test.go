package bufid

import (
	"slices"
	"testing"
)

func TestNames(t *testing.T) {
	seen := map[string]bool{}
	for b := ID(0); b < NumIDs; b++ {
		s := &Specs[b]
		if s.Name == "" || seen[s.Name] {
			t.Errorf("buffer %d: empty or duplicate name %q", b, s.Name)
		}
		seen[s.Name] = true
		if got, ok := Lookup(s.Name); !ok || got != b {
			t.Errorf("Lookup(%q) = %v, %v; want %v", s.Name, got, ok, b)
		}
		if s.Hdr && s.Tx() || s.Proto >= NumProtos || s.Proto == ProtoFailed || s.Proto == ProtoHTTP1 {
			t.Errorf("%s: bad protocol %v (hdr %v)", s.Name, s.Proto, s.Hdr)
		}
	}
	if !slices.IsSortedFunc(Aliases, func(a, b Alias) int {
		if a.Name < b.Name {
			return -1
		}
		if a.Name > b.Name {
			return 1
		}
		return 0
	}) {
		t.Error("Aliases are not sorted by name")
	}
	for _, a := range Aliases {
		if seen[a.Name] {
			t.Errorf("alias %q is a canonical name or repeated", a.Name)
		}
		seen[a.Name] = true
	}
	if b, _ := Lookup("file_data"); b != FileData {
		t.Errorf("Lookup(file_data) = %v", b)
	}
}

func TestProtoNames(t *testing.T) {
	seen := map[string]bool{}
	for p := ProtoUnknown; p < NumProtos; p++ {
		n := p.String()
		if n == "" || seen[n] {
			t.Errorf("protocol %d: empty or duplicate name %q", p, n)
		}
		seen[n] = true
		q, ok := LookupRuleProto(n)
		switch p {
		case ProtoUnknown, ProtoFailed, ProtoFile, ProtoIRC, ProtoSunRPC:
			// irc and sunrpc are Snort 3 services (service:), never a
			// rule header's protocol.
			if ok {
				t.Errorf("LookupRuleProto(%q) = %v; no rule header names it", n, q)
			}
		default:
			if !ok || q != p {
				t.Errorf("LookupRuleProto(%q) = %v, %v", n, q, ok)
			}
		}
	}
	if p, _ := LookupRuleProto("ssl"); p != ProtoTLS {
		t.Errorf("ssl = %v", p)
	}
}
