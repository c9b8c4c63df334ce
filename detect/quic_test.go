package detect

import (
	"testing"

	"vigil/ruleparser"
)

// TestTLSFingerprintsOnQUIC: the JA3, JA3S and JA4 buffers load in quic
// rules (which stay quic and UDP) and are refused in rules of other
// protocols than tls and quic.
func TestTLSFingerprintsOnQUIC(t *testing.T) {
	for _, kw := range []string{"ja3.hash", "ja3.string", "ja3s.hash", "ja3s.string", "ja4.hash"} {
		rep := compileSample(t, ruleparser.DialectSuricata, `alert quic any any -> any any (`+kw+`; content:"a"; sid:1;)`)
		if rep.Loaded != 1 {
			t.Errorf("quic rule with %s not loaded: %v", kw, rep.Skipped)
		}
		rep = compileSample(t, ruleparser.DialectSuricata, `alert dns any any -> any any (`+kw+`; content:"a"; sid:1;)`)
		if rep.Loaded != 0 {
			t.Errorf("dns rule with %s loaded", kw)
		}
	}
}
