package detect

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
)

func TestTLSLegacyKeywords(t *testing.T) {
	cert := mapTx{
		bufid.TLSCertSubject:     {"C=US, O=Qualys, Inc., CN=qagpublic.qg1.apps.qualys.com"},
		bufid.TLSCertIssuer:      {"C=US, O=Symantec Corporation, CN=Symantec Class 3"},
		bufid.TLSCertFingerprint: {"4a:a3:66:76"},
		bufid.TLSSNI:             {"example.com"},
	}
	for _, tc := range []struct {
		name, opts string
		tx         mapTx
		want       bool
	}{
		{"subject", `tls.subject:"CN=qagpublic";`, cert, true},
		{"subject case-sensitive", `tls.subject:"cn=qagpublic";`, cert, false},
		{"subject negated", `tls.subject:!"CN=other";`, cert, true},
		{"subject negated hit", `tls.subject:!"O=Qualys";`, cert, false},
		{"subject negated without certificate", `tls.subject:!"CN=other";`, mapTx{}, false},
		{"issuerdn", `tls.issuerdn:"O=Symantec Corporation";`, cert, true},
		{"issuerdn negated", `tls.issuerdn:!"CN=Google-Internet-Authority";`, cert, true},
		{"fingerprint", `tls.fingerprint:"4a:a3:66:76";`, cert, true},
		{"fingerprint upper case", `tls.fingerprint:"4A:A3";`, cert, false},
		{"fingerprint negated", `tls.fingerprint:!"00:11";`, cert, true},
		// The keyword leaves the current sticky buffer alone.
		{"between sticky contents", `tls.cert_issuer; content:"Symantec"; tls.subject:"CN="; content:"Class"; distance:0;`, cert, true},
		{"between sticky contents, no match", `tls.cert_issuer; content:"Class"; tls.subject:"CN="; content:"Symantec"; distance:0;`, cert, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, rep := compileText(t, mpm.Reference{}, `alert tls any any -> any any (`+tc.opts+` sid:1;)`)
			if rep.Loaded != 1 {
				t.Fatalf("not loaded: %v", rep.Errors)
			}
			m := newTestMatcher(t, e)
			p := tcpPacket("", false)
			p.AppProto = bufid.ProtoTLS
			got := len(m.MatchTx(p, tc.tx, 0, true, &TxState{}, nil)) > 0
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	for _, bad := range []string{
		`tls.subject:CN=x;`,        // quotes are mandatory
		`tls.subject:"CN=<x>";`,    // character outside Suricata's set
		`tls.issuerdn:"";`,         // empty
		`tls.fingerprint:"aa;bb";`, // not a fingerprint
	} {
		if n := compileCount(t, `alert tls any any -> any any (`+bad+` sid:1;)`); n != 0 {
			t.Errorf("%s compiled", bad)
		}
	}
}
