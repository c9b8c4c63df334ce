package ruleparser_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigil/ruleparser"
)

// FuzzParse checks that ParseRule never panics, returns exactly one of a
// rule or an error, and that parse → print → parse is stable.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/parse/*.rules")
	more, _ := filepath.Glob("testdata/errors/*.rules")
	for _, path := range append(seeds, more...) {
		fh, err := os.Open(path)
		if err != nil {
			f.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			if l := sc.Text(); strings.Contains(l, "(") {
				f.Add(l, uint8(0))
			}
		}
		fh.Close()
	}
	for _, s := range []string{
		`alert http $HOME_NET any -> $EXTERNAL_NET any (msg:"ET INFO x"; flow:established,to_server; http.uri; content:"/a"; startswith; pcre:"/['"]x/"; sid:1;)`,
		`alert tcp $EXTERNAL_NET any -> $HOME_NET 445 (content:"|FF|SMB"; byte_jump:2,0,relative,little; metadata:service netbios-ssn; sid:2;)`,
		`alert http (http_uri; content:"x",within 5,fast_pattern; bufferlen:1<=>2; service:http; sid:3;)`,
	} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, text string, d uint8) {
		opt := ruleparser.Options{Dialect: ruleparser.Dialect(d % 4), MaxRuleLen: 1 << 16, Keywords: keywords}
		r, err := ruleparser.ParseRule(text, opt)
		if (r == nil) == (err == nil) {
			t.Fatalf("rule %v and error %v: want exactly one", r, err)
		}
		if err != nil {
			if _, ok := err.(*ruleparser.Error); !ok {
				t.Fatalf("error %T is not *Error", err)
			}
			return
		}
		printed := r.String()
		r2, err := ruleparser.ParseRule(printed, ruleparser.Options{Dialect: r.Dialect, MaxRuleLen: 1 << 20, Keywords: keywords})
		if err != nil {
			t.Fatalf("printed rule does not parse: %v\ninput:   %q\nprinted: %q", err, text, printed)
		}
		if a, b := ruleparser.Dump(r, false), ruleparser.Dump(r2, false); a != b || r.Commented != r2.Commented {
			t.Fatalf("round trip differs\ninput:   %q\nprinted: %q\nfirst:\n%s\nsecond:\n%s", text, printed, a, b)
		}
		if again := r2.String(); again != printed {
			t.Fatalf("printing not stable:\n%q\n%q", printed, again)
		}
	})
}
