package detect

import (
	"math"
	"strings"
	"testing"

	"vigil/detect/mpm"
)

func TestFloatCmp(t *testing.T) {
	for _, tc := range []struct {
		in   string
		yes  []float64
		no   []float64
		fail bool
	}{
		{in: "4", yes: []float64{4}, no: []float64{4.1}},
		{in: "=4.5", yes: []float64{4.5}, no: []float64{4}},
		{in: "!=4.5", yes: []float64{4}, no: []float64{4.5}},
		{in: "< 3", yes: []float64{2.9}, no: []float64{3}},
		{in: "<=3", yes: []float64{3}, no: []float64{3.1}},
		{in: "> 6", yes: []float64{6.5}, no: []float64{6}},
		{in: ">= 6", yes: []float64{6}, no: []float64{5.9}},
		{in: "1-2", yes: []float64{1.5}, no: []float64{1, 2}},
		{in: "1.5<>2.5", yes: []float64{2}, no: []float64{2.5}},
		{in: "!1-2", yes: []float64{1, 2, 3}, no: []float64{1.5}},
		{in: ">1e0", yes: []float64{1.5}, no: []float64{1}},
		{in: ">.5", yes: []float64{0.6}, no: []float64{0.5}},
		{in: "<inf", yes: []float64{8}, no: []float64{math.Inf(1)}},
		{in: "2-1", fail: true},
		{in: ">x", fail: true},
		{in: "5 6", fail: true},
	} {
		c, err := parseFloatCmp(tc.in)
		if tc.fail {
			if err == nil {
				t.Errorf("%q parsed", tc.in)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		for _, v := range tc.yes {
			if !c.match(v) {
				t.Errorf("%q does not match %v", tc.in, v)
			}
		}
		for _, v := range tc.no {
			if c.match(v) {
				t.Errorf("%q matches %v", tc.in, v)
			}
		}
	}
}

func TestEntropyArgs(t *testing.T) {
	e, err := parseEntropyArgs([]string{"bytes 4", "offset 2", "value >= 1.5"})
	if err != nil || e.nbytes != 4 || e.offset != 2 || e.cmp.op != 'g' || e.cmp.a1 != 1.5 {
		t.Errorf("got %+v, %v", e, err)
	}
	for _, bad := range [][]string{
		{"bytes 4"}, // no value
		{"value 1", "value 2"},
		{"offset 70000", "value 1"},
		{"size 3", "value 1"},
		{"bytes x", "value 1"},
		{"value 1", "bytes 1", "offset 1", "value 2", "bytes 3"},
	} {
		if _, err := parseEntropyArgs(bad); err == nil {
			t.Errorf("%q parsed", strings.Join(bad, ","))
		}
	}
}

func TestEntropy(t *testing.T) {
	if got := shannonEntropy([]byte("aaaa")); got != 0 {
		t.Errorf("entropy of aaaa = %v", got)
	}
	if got := shannonEntropy([]byte("abcd")); got != 2 {
		t.Errorf("entropy of abcd = %v", got)
	}
	e, rep := compileText(t, mpm.Reference{}, `
alert tcp any any -> any any (entropy:value >= 2; sid:1;)
alert tcp any any -> any any (entropy:offset 4, bytes 2, value 1; sid:2;)
alert tcp any any -> any any (entropy:bytes 100, value >= 0; sid:3;)
alert tcp any any -> any any (content:"ab"; entropy:value <1; sid:4;)
`)
	if rep.Loaded != 4 {
		t.Fatalf("loaded %d: %v", rep.Loaded, rep.Errors)
	}
	m := newTestMatcher(t, e)
	p := tcpPacket("abcdxyzz", true) // 2.75 bits; bytes 4..5 "xy": 1 bit
	if got := sids(m.MatchPacket(p, nil)); !equal(got, 1, 2) {
		t.Errorf("alerts %v, want [1 2]", got)
	}
	// The last computed value is stored, matching or not (sid 4: 2.75).
	if f := p.Flow.Floats(); len(f) != 1 || f[0].Name != "content" || f[0].Value != 2.75 {
		t.Errorf("flow floats %+v", f)
	}
	e2, _ := compileText(t, mpm.Reference{}, `alert http any any -> any any (http.uri; entropy:value >0; sid:1;)`)
	if it := e2.Sigs()[0].lists[0].items[0].(*entropyItem); it.varName != "http.uri" {
		t.Errorf("variable of http.uri is %q", it.varName)
	}
}
