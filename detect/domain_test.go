package detect

import "testing"

func TestDomainTransforms(t *testing.T) {
	tests := []struct {
		in, domain, tld string
	}{
		{"www.suricata.io", "suricata.io", "io"},
		{"news.bbc.co.uk", "bbc.co.uk", "co.uk"},
		{"WWW.Example.COM.", "example.com", "com"},
		{"example.com", "example.com", "com"},
		{"co.uk", "", "co.uk"},
		{"", "", ""},
		{"a..b.com", "", ""},
		{"host.unknowntld", "host.unknowntld", "unknowntld"},
	}
	for _, tc := range tests {
		if got := string(registrableDomain{}.apply(nil, []byte(tc.in))); got != tc.domain {
			t.Errorf("domain(%q) = %q, want %q", tc.in, got, tc.domain)
		}
		if got := string(publicSuffix{}.apply(nil, []byte(tc.in))); got != tc.tld {
			t.Errorf("tld(%q) = %q, want %q", tc.in, got, tc.tld)
		}
	}
}
