package rules

import (
	"net/netip"
	"testing"
)

func mustAddrSet(t *testing.T, vars map[string]string, text string) *AddrSet {
	t.Helper()
	e, err := parseExpr(addrKind, text)
	if err != nil {
		t.Fatalf("parseExpr(%q): %v", text, err)
	}
	s, xerr := newResolver(Vars{Address: vars}).Addr(e)
	if xerr != nil {
		t.Fatalf("Addr(%q): %v", text, xerr)
	}
	return s
}

func TestAddrSet(t *testing.T) {
	vars := map[string]string{
		"HOME_NET":     "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]",
		"EXTERNAL_NET": "!$HOME_NET",
		"NESTED":       "[$HOME_NET,![10.1.0.0/16,10.2.0.0/16],2001:db8::/32]",
	}
	tests := []struct {
		expr string
		in   []string
		out  []string
		str  string
	}{
		{"any", []string{"0.0.0.0", "255.255.255.255", "::", "ffff::1"}, nil, "any"},
		{"1.2.3.4", []string{"1.2.3.4", "::ffff:1.2.3.4"}, []string{"1.2.3.5", "1.2.3.3", "::1"}, "[1.2.3.4]"},
		{"10.1.2.3/8", []string{"10.0.0.0", "10.255.255.255"}, []string{"11.0.0.0", "9.255.255.255"}, "[10.0.0.0/8]"},
		{"$HOME_NET", []string{"192.168.1.1", "10.9.9.9", "172.31.255.255"}, []string{"172.32.0.0", "8.8.8.8", "fe80::1"},
			"[10.0.0.0/8,172.16.0.0/12,192.168.0.0/16]"},
		{"$EXTERNAL_NET", []string{"8.8.8.8", "172.32.0.0", "fe80::1", "::"}, []string{"10.0.0.1", "192.168.255.255"}, ""},
		{"[$HOME_NET,!10.1.0.0/16]", []string{"10.0.0.1", "10.2.0.0"}, []string{"10.1.0.1", "8.8.8.8"}, ""},
		{"[!10.0.0.0/8]", []string{"8.8.8.8", "::1"}, []string{"10.1.1.1"}, ""},
		{"!1.2.3.4", []string{"1.2.3.5", "::1"}, []string{"1.2.3.4"}, ""},
		{"$NESTED", []string{"10.3.0.0", "192.168.0.1", "2001:db8::1"}, []string{"10.1.0.0", "10.2.255.255", "2001:db9::"}, ""},
		{"[1.2.3.4,1.2.3.5,1.2.3.6/31,1.2.3.9]", []string{"1.2.3.7"}, []string{"1.2.3.8", "1.2.3.3"}, "[1.2.3.4/30,1.2.3.9]"},
		{"[1.2.3.4,1.2.3.5,1.2.3.6/31,1.2.3.8]", []string{"1.2.3.8"}, []string{"1.2.3.9"}, "[1.2.3.4-1.2.3.8]"},
		{"[::/0]", []string{"::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}, []string{"1.1.1.1"}, "[::/0]"},
		{"[2001:db8::/127, !2001:db8::1]", []string{"2001:db8::"}, []string{"2001:db8::1", "2001:db8::2"}, "[2001:db8::]"},
		{"[0.0.0.0/0,!255.255.255.255]", []string{"255.255.255.254", "0.0.0.0"}, []string{"255.255.255.255", "::"}, "[0.0.0.0-255.255.255.254]"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			s := mustAddrSet(t, vars, tt.expr)
			for _, a := range tt.in {
				if !s.Contains(netip.MustParseAddr(a)) {
					t.Errorf("%s does not contain %s (set %s)", tt.expr, a, s)
				}
			}
			for _, a := range tt.out {
				if s.Contains(netip.MustParseAddr(a)) {
					t.Errorf("%s contains %s (set %s)", tt.expr, a, s)
				}
			}
			if tt.str != "" && s.String() != tt.str {
				t.Errorf("String() = %s, want %s", s, tt.str)
			}
		})
	}
}

func TestPortSet(t *testing.T) {
	vars := map[string]string{"HTTP_PORTS": "[80,8080:8090]", "WEB": "[$HTTP_PORTS,443]", "NOT_WEB": "!$WEB"}
	tests := []struct {
		expr    string
		in, out []uint16
		str     string
	}{
		{"any", []uint16{0, 80, 65535}, nil, "any"},
		{"80", []uint16{80}, []uint16{79, 81}, "80"},
		{"1024:", []uint16{1024, 65535}, []uint16{1023}, "1024:65535"},
		{":1023", []uint16{0, 1023}, []uint16{1024}, "0:1023"},
		{"!80", []uint16{0, 79, 81, 65535}, []uint16{80}, "[0:79,81:65535]"},
		{"$WEB", []uint16{80, 443, 8085}, []uint16{81, 8091}, "[80,443,8080:8090]"},
		{"$NOT_WEB", []uint16{81, 0}, []uint16{80, 443, 8080}, ""},
		{"[1:100,!50:60,!70]", []uint16{1, 49, 61, 69, 71, 100}, []uint16{0, 50, 55, 60, 70, 101}, "[1:49,61:69,71:100]"},
		{"[!1:65535]", []uint16{0}, []uint16{1, 65535}, "0"},
		{"[1,2,3,4:10]", []uint16{1, 10}, []uint16{0, 11}, "1:10"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			e, err := parseExpr(portKind, tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			s, xerr := newResolver(Vars{Port: vars}).Port(e)
			if xerr != nil {
				t.Fatal(xerr)
			}
			for _, p := range tt.in {
				if !s.Contains(p) {
					t.Errorf("%s does not contain %d (set %s)", tt.expr, p, s)
				}
			}
			for _, p := range tt.out {
				if s.Contains(p) {
					t.Errorf("%s contains %d (set %s)", tt.expr, p, s)
				}
			}
			if tt.str != "" && s.String() != tt.str {
				t.Errorf("String() = %s, want %s", s, tt.str)
			}
		})
	}
}

func TestContainsAllocs(t *testing.T) {
	vars := map[string]string{"HOME_NET": "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12,2001:db8::/32]"}
	s := mustAddrSet(t, vars, "$HOME_NET")
	a4, a6 := netip.MustParseAddr("10.1.2.3"), netip.MustParseAddr("2001:db8::1")
	e, _ := parseExpr(portKind, "[80,443,8000:9000]")
	ps, _ := newResolver(Vars{}).Port(e)
	n := testing.AllocsPerRun(100, func() {
		if !s.Contains(a4) || !s.Contains(a6) || !ps.Contains(8080) {
			t.Fatal("lookup failed")
		}
	})
	if n != 0 {
		t.Fatalf("Contains allocates %v times; want 0", n)
	}
}

func BenchmarkAddrContains(b *testing.B) {
	e, _ := parseExpr(addrKind, "[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12,1.0.0.0/24,2.0.0.0/24,3.0.0.0/24,4.0.0.0/24]")
	s, _ := newResolver(Vars{}).Addr(e)
	a := netip.MustParseAddr("172.20.1.1")
	b.ReportAllocs()
	for b.Loop() {
		if !s.Contains(a) {
			b.Fatal("miss")
		}
	}
}
