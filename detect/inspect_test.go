package detect

import (
	"testing"

	"vigil/detect/content"
	"vigil/ruleparser"
)

// c builds a content item for tests: opts set offset/depth/distance/within.
func c(pat string, opts ...func(*contentItem)) *contentItem {
	ci := &contentItem{needle: content.NewNeedle([]byte(pat), false), n: len(pat),
		offset: numOrVar{v: -1}, depth: numOrVar{v: -1}, distance: numOrVar{v: -1}, within: numOrVar{v: -1}}
	for _, o := range opts {
		o(ci)
	}
	return ci
}

func lit(n int64) numOrVar { return numOrVar{n: n, v: -1, set: true} }

func offset(n int64) func(*contentItem) { return func(c *contentItem) { c.offset = lit(n) } }
func depth(n int64) func(*contentItem)  { return func(c *contentItem) { c.depth = lit(n) } }
func distance(n int64) func(*contentItem) {
	return func(c *contentItem) { c.distance = lit(n); c.rel = true }
}
func within(n int64) func(*contentItem) {
	return func(c *contentItem) { c.within = lit(n); c.rel = true }
}
func negated(c *contentItem)  { c.negated = true }
func nocase(ci *contentItem)  { ci.needle = content.NewNeedle(ci.needle.Bytes(), true) }
func endswith(c *contentItem) { c.ends = true }
func startswith(c *contentItem) {
	c.starts = true
	c.offset = lit(0)
}

func TestInspectContent(t *testing.T) {
	tests := []struct {
		name  string
		buf   string
		items []item
		want  bool
	}{
		{"plain", "GET /index.html", []item{c("index")}, true},
		{"missing", "GET /index.html", []item{c("admin")}, false},
		{"case", "GET /INDEX", []item{c("index")}, false},
		{"nocase", "GET /INDEX", []item{c("index", nocase)}, true},
		{"depth hit", "GET /x", []item{c("GET", depth(3))}, true},
		{"depth miss", "xGET /x", []item{c("GET", depth(3))}, false},
		{"offset", "GET /x GET", []item{c("GET", offset(1))}, true},
		{"offset depth", "aaGETbb", []item{c("GET", offset(2), depth(3))}, true},
		{"offset depth short", "aaGETbb", []item{c("GET", offset(2), depth(2))}, false},
		{"distance 0", "abcdef", []item{c("abc"), c("def", distance(0))}, true},
		{"distance order", "defabc", []item{c("abc"), c("def", distance(0))}, false},
		{"within", "abcXdef", []item{c("abc"), c("def", within(4))}, true},
		{"within short", "abcXXdef", []item{c("abc"), c("def", within(4))}, false},
		{"distance within", "abcXXdef", []item{c("abc"), c("def", distance(2), within(3))}, true},
		{"negative distance", "abcdef", []item{c("def"), c("cd", distance(-4), within(3))}, true},
		// The first "a=" is followed by "x", the second by "1": backtracking
		// must find the second one.
		{"backtrack", "a=x;a=1", []item{c("a="), c("1", distance(0), within(1))}, true},
		{"backtrack 3", "k:1 k:2 k:3 end", []item{c("k:"), c("3", within(1)), c("end", distance(1))}, true},
		{"no backtrack absolute", "a=x;a=1", []item{c("a="), c("1", depth(1))}, false},
		{"negated absent", "hello", []item{c("hello"), c("world", negated)}, true},
		{"negated present", "hello world", []item{c("hello"), c("world", negated)}, false},
		{"negated relative", "hello world", []item{c("hello"), c("world", distance(0), within(3), negated)}, true},
		{"startswith", "GET /", []item{c("GET", startswith)}, true},
		{"startswith miss", " GET /", []item{c("GET", startswith)}, false},
		{"endswith", "file.exe", []item{c(".exe", endswith)}, true},
		{"endswith miss", "file.exe.txt", []item{c(".exe", endswith)}, false},
		{"endswith relative", "a.exe.exe", []item{c("a"), c(".exe", distance(0), endswith)}, true},
		{"isdataat rel", "abc12", []item{c("abc"), &isdataatItem{size: lit(1), rel: true}}, true},
		{"isdataat rel exact", "abc1", []item{c("abc"), &isdataatItem{size: lit(1), rel: true}}, true},
		{"isdataat rel miss", "abc", []item{c("abc"), &isdataatItem{size: lit(1), rel: true}}, false},
		{"isdataat rel vs abs", "abcd", []item{&isdataatItem{size: lit(4), rel: true}}, true},
		{"isdataat abs", "abcd", []item{&isdataatItem{size: lit(4)}}, false},
		{"isdataat negated", "abc", []item{c("abc"), &isdataatItem{size: lit(1), rel: true, negated: true}}, true},
		{"isdataat negated miss", "abc1", []item{c("abc"), &isdataatItem{size: lit(1), rel: true, negated: true}}, false},
		{"empty buffer", "", []item{c("a")}, false},
	}
	var th Thread
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := th.inspectList(tt.items, []byte(tt.buf)); got != tt.want {
				t.Errorf("inspect(%q) = %v, want %v", tt.buf, got, tt.want)
			}
		})
	}
}

func br(nbytes, off int64, rel bool) byteRead {
	return byteRead{nbytes: lit(nbytes), offset: lit(off), rel: rel, base: 10}
}

func TestInspectBytes(t *testing.T) {
	tests := []struct {
		name  string
		buf   []byte
		items []item
		want  bool
	}{
		{"test eq", []byte{0, 5}, []item{&byteTestItem{byteRead: br(2, 0, false), op: ruleparser.ByteEq, value: lit(5)}}, true},
		{"test little", []byte{5, 0}, []item{&byteTestItem{byteRead: byteRead{nbytes: lit(2), offset: lit(0), little: true}, op: ruleparser.ByteEq, value: lit(5)}}, true},
		{"test gt negated", []byte{9}, []item{&byteTestItem{byteRead: br(1, 0, false), op: ruleparser.ByteGt, value: lit(5), negated: true}}, false},
		{"test string", []byte("len=123;"), []item{&byteTestItem{byteRead: byteRead{nbytes: lit(3), offset: lit(4), str: true, base: 10}, op: ruleparser.ByteEq, value: lit(123)}}, true},
		{"test hex string", []byte("ff"), []item{&byteTestItem{byteRead: byteRead{nbytes: lit(2), offset: lit(0), str: true, base: 16}, op: ruleparser.ByteEq, value: lit(255)}}, true},
		{"test out of bounds", []byte{1}, []item{&byteTestItem{byteRead: br(2, 0, false), op: ruleparser.ByteEq, value: lit(1)}}, false},
		{"test bitmask", []byte{0xf0}, []item{&byteTestItem{byteRead: byteRead{nbytes: lit(1), offset: lit(0), hasMask: true, mask: 0xf0, maskBits: 4}, op: ruleparser.ByteEq, value: lit(15)}}, true},
		{"jump then content", []byte("\x03abcXYZ"), []item{
			&byteJumpItem{byteRead: br(1, 0, false)},
			c("XYZ", distance(0), within(3)),
		}, true},
		{"jump out of bounds", []byte("\x09abc"), []item{&byteJumpItem{byteRead: br(1, 0, false)}}, false},
		{"extract then test var", []byte{2, 0, 7}, []item{
			&byteExtractItem{byteRead: br(1, 0, false), slot: 0},
			&byteTestItem{byteRead: byteRead{nbytes: lit(1), offset: numOrVar{v: 0, set: true}}, op: ruleparser.ByteEq, value: lit(7)},
		}, true},
		{"math", []byte{10}, []item{
			&byteMathItem{byteRead: br(1, 0, false), oper: '*', rvalue: lit(3), slot: 1},
			&byteTestItem{byteRead: br(1, 0, false), op: ruleparser.ByteLt, value: numOrVar{v: 1, set: true}},
		}, true},
	}
	var th Thread
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := th.inspectList(tt.items, tt.buf); got != tt.want {
				t.Errorf("inspect(%q) = %v, want %v", tt.buf, got, tt.want)
			}
		})
	}
}

func TestInspectStepLimit(t *testing.T) {
	// "a" repeated, then relative chains that never complete: the search
	// must stop at the step limit instead of exploring every combination.
	buf := make([]byte, 4000)
	for i := range buf {
		buf[i] = 'a'
	}
	items := []item{c("a"), c("a", distance(0)), c("a", distance(0)), c("b", distance(0))}
	var th Thread
	if th.inspectList(items, buf) {
		t.Fatal("matched a buffer without b")
	}
	if th.Stats.InspectLimit == 0 {
		t.Fatal("step limit not counted")
	}
}

func TestInspectAllocs(t *testing.T) {
	items := []item{c("a="), c("1", distance(0), within(1)), &isdataatItem{size: lit(1), rel: true, negated: true}}
	buf := []byte("a=x;a=y;a=1")
	var th Thread
	if n := testing.AllocsPerRun(100, func() { th.inspectList(items, buf) }); n != 0 {
		t.Fatalf("inspectList allocates %v times; want 0", n)
	}
}
