package ruleparser_test

import (
	"os"
	"testing"

	"vigil/ruleparser"
)

// BenchmarkParseETOpen parses all of ET Open (the category files and the
// 2024-04 supplement, enabled and commented-out rules) per iteration.
func BenchmarkParseETOpen(b *testing.B) {
	type src struct {
		name string
		data []byte
	}
	var srcs []src
	var size int64
	for _, c := range corpora[:2] {
		for _, p := range corpusFiles(b, c) {
			d, err := os.ReadFile(p)
			if err != nil {
				b.Fatal(err)
			}
			srcs = append(srcs, src{p, d})
			size += int64(len(d))
		}
	}
	b.SetBytes(size)
	b.ReportAllocs()
	var rules int
	for b.Loop() {
		rules = 0
		for _, s := range srcs {
			f, errs := ruleparser.ParseFile(s.name, s.data, ruleparser.Options{Keywords: keywords})
			if len(errs) > 0 {
				b.Fatal(errs[0])
			}
			rules += len(f.Rules)
		}
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(rules)*float64(b.N)/sec, "rules/s")
	b.ReportMetric(float64(rules), "rules")
}
