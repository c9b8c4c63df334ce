package ruleparser_test

import (
	"testing"

	"vigil/ruleparser"
)

// TestHook checks the hook after the protocol of a rule header and that
// it prints back.
func TestHook(t *testing.T) {
	for _, tc := range []struct{ text, proto, hook string }{
		{`alert tcp:flow_start any any -> any any (sid:1;)`, "tcp", "flow_start"},
		{`alert http1:request_line any any -> any any (sid:1;)`, "http1", "request_line"},
		{`alert http2:stream:request_complete any any -> any any (sid:1;)`, "http2", "stream:request_complete"},
		{`alert tcp any any -> any any (sid:1;)`, "tcp", ""},
	} {
		r, err := ruleparser.ParseRule(tc.text, ruleparser.Options{Keywords: keywords})
		if err != nil {
			t.Errorf("%s: %v", tc.text, err)
			continue
		}
		if r.Proto != tc.proto || r.Hook != tc.hook {
			t.Errorf("%s: proto %q hook %q", tc.text, r.Proto, r.Hook)
		}
		if r.String() != tc.text {
			t.Errorf("printed %q, want %q", r.String(), tc.text)
		}
	}
	for _, bad := range []string{
		`alert tcp: any any -> any any (sid:1;)`,
		`alert tcp:flow-start any any -> any any (sid:1;)`,
		`alert tcp:a::b any any -> any any (sid:1;)`,
	} {
		if _, err := ruleparser.ParseRule(bad, ruleparser.Options{Keywords: keywords}); err == nil {
			t.Errorf("%s parsed", bad)
		}
	}
}
