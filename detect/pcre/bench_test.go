package pcre

import (
	"bytes"
	"os"
	"testing"

	"vigil/internal/testutil"
)

// BenchmarkMatch runs typical rule regexes over an HTTP request line and
// over a 64 KiB slice of real traffic.
func BenchmarkMatch(b *testing.B) {
	uri := []byte("/wp-content/plugins/abcd1234.php?id=771&q=" + string(bytes.Repeat([]byte("x"), 200)))
	data, err := os.ReadFile(testutil.SharedPath(b, "pcaps", "bench", "zeek__http_bro.org.pcap"))
	if err != nil {
		b.Fatal(err)
	}
	data = data[:min(len(data), 64<<10)]
	cases := []struct {
		name    string
		pattern string
		flags   Flags
		subject []byte
	}{
		{"uri-hit", `^\/[a-z\-\/]+[a-z0-9]{8}\.php\?id=\d+`, Caseless, uri},
		{"uri-miss", `\/(?:admin|login)\.asp\?[a-z]+=[^&]{40,}`, Caseless, uri},
		{"traffic64k-miss", `User-Agent\x3a\s*Mozilla\/[0-9]\.0\s\(compatible\x3b\sVigilBot`, 0, data},
		{"traffic64k-lookbehind", `(?<=Host: )[a-z0-9.\-]+\.zz\b`, Caseless, data},
	}
	for _, c := range cases {
		re := MustCompile(c.pattern, c.flags)
		for _, jit := range []bool{true, false} {
			name := c.name + "/jit"
			if !jit {
				name = c.name + "/interp"
			}
			if jit && !re.JIT() {
				continue
			}
			b.Run(name, func(b *testing.B) {
				m := newMatcher(b)
				r := re
				if !jit {
					var err error
					if r, err = compile(c.pattern, c.flags, false); err != nil {
						b.Fatal(err)
					}
				}
				b.SetBytes(int64(len(c.subject)))
				b.ReportAllocs()
				for b.Loop() {
					m.Match(r, c.subject, 0)
				}
				b.ReportMetric(float64(m.Counters.LimitHits), "limit-hits")
			})
		}
	}
}
