package pcre

import (
	"errors"
	"strings"
	"sync"
	"testing"
)

func newMatcher(t testing.TB) *Matcher {
	t.Helper()
	m, err := NewMatcher(DefaultLimits)
	if err != nil {
		t.Fatalf("NewMatcher: %v", err)
	}
	t.Cleanup(m.Close)
	return m
}

type span struct{ from, to int }

func TestMatch(t *testing.T) {
	tests := []struct {
		name    string
		pattern string
		flags   Flags
		subject string
		start   int
		want    span // {-1,-1}: no match
	}{
		{"plain", `b+`, 0, "abbbc", 0, span{1, 4}},
		{"no match", `z`, 0, "abc", 0, span{-1, -1}},
		{"case sensitive", `ABC`, 0, "xabc", 0, span{-1, -1}},
		{"i caseless", `ABC`, Caseless, "xabc", 0, span{1, 4}},
		{"inline (?i)", `(?i)ABC`, 0, "xabc", 0, span{1, 4}},
		{"dot stops at newline", `a.b`, 0, "a\nb", 0, span{-1, -1}},
		{"s dotall", `a.b`, DotAll, "a\nb", 0, span{0, 3}},
		{"caret single line", `^b`, 0, "a\nb", 0, span{-1, -1}},
		{"m multiline", `^b`, Multiline, "a\nb", 0, span{2, 3}},
		{"x extended", `a b # comment`, Extended, "ab", 0, span{0, 2}},
		{"A anchored", `b`, Anchored, "ab", 0, span{-1, -1}},
		{"A anchored at start offset", `b`, Anchored, "ab", 1, span{1, 2}},
		{"dollar before final newline", `a$`, 0, "a\n", 0, span{0, 1}},
		{"E dollar end only", `a$`, DollarEndOnly, "a\n", 0, span{-1, -1}},
		{"greedy", `a+`, 0, "aaa", 0, span{0, 3}},
		{"G ungreedy", `a+`, Ungreedy, "aaa", 0, span{0, 1}},
		{"G inverts lazy", `a+?`, Ungreedy, "aaa", 0, span{0, 3}},
		{"start offset skips", `a`, 0, "a_a", 1, span{2, 3}},
		{"caret not at start offset", `^a`, 0, "xa", 1, span{-1, -1}},
		{"\\G at start offset", `\Ga`, 0, "xa", 1, span{1, 2}},
		{"lookbehind sees before start", `(?<=x)a`, 0, "xa", 1, span{1, 2}},
		{"start at end", `$`, 0, "ab", 2, span{2, 2}},
		{"nul in subject", `b\x00c`, 0, "a\x00b\x00c", 0, span{2, 5}},
		{"literal nul in pattern", "b\x00c", 0, "a\x00b\x00c", 0, span{2, 5}},
		{"high bytes", `\xff+`, 0, "a\xff\xfe\xff\xff", 0, span{1, 2}},
		{"dot matches any byte", `a.c`, 0, "a\x00c", 0, span{0, 3}},
		{"empty subject", `^$`, 0, "", 0, span{0, 0}},
		// PCRE2 features Go's regexp lacks or treats differently.
		{"lookbehind", `(?<=foo)bar`, 0, "foobar", 0, span{3, 6}},
		{"negative lookahead", `foo(?!bar)`, 0, "foobar foobaz", 0, span{7, 10}},
		{"possessive never gives back", `a++a`, 0, "aaaa", 0, span{-1, -1}},
		{"atomic group", `(?>a+)b`, 0, "aaab", 0, span{0, 4}},
		{"backreference", `(ab)\1`, 0, "xabab", 0, span{1, 5}},
		{"\\x{..}", `\x{41}\x{42}`, 0, "zAB", 0, span{1, 3}},
		{"\\Q..\\E", `\Q.*\E`, 0, "a.*", 0, span{1, 3}},
		{"\\d is ascii", `\d`, 0, "\xd9\xa3 7", 0, span{3, 4}},
	}
	m := newMatcher(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			re, err := Compile(tt.pattern, tt.flags)
			if err != nil {
				t.Fatalf("Compile(%q): %v", tt.pattern, err)
			}
			ok, from, to := m.Match(re, []byte(tt.subject), tt.start)
			if got := (span{from, to}); got != tt.want || ok != (tt.want.from >= 0) {
				t.Errorf("Match(%q, %q, %d) = %v %v, want %v", tt.pattern, tt.subject, tt.start, ok, got, tt.want)
			}
		})
	}
	if m.Counters != (Counters{}) {
		t.Errorf("Counters = %+v after ordinary matches, want zero", m.Counters)
	}
}

func TestGroups(t *testing.T) {
	m := newMatcher(t)
	re := MustCompile(`(\w+)=(\d+)?(x)?;(y)?`, 0)
	if got := re.NumGroups(); got != 4 {
		t.Fatalf("NumGroups = %d, want 4", got)
	}
	ok, _, _ := m.Match(re, []byte("GET a=;b=42x;"), 0)
	if !ok {
		t.Fatal("no match")
	}
	want := []span{{4, 7}, {4, 5}, {-1, -1}, {-1, -1}, {-1, -1}, {-1, -1}}
	for i, w := range want {
		if f, e := m.Group(i); (span{f, e}) != w {
			t.Errorf("first match Group(%d) = %v, want %v", i, span{f, e}, w)
		}
	}
	ok, _, _ = m.Match(re, []byte("GET a=;b=42x;"), 5)
	if !ok {
		t.Fatal("no second match")
	}
	want = []span{{7, 13}, {7, 8}, {9, 11}, {11, 12}, {-1, -1}}
	for i, w := range want {
		if f, e := m.Group(i); (span{f, e}) != w {
			t.Errorf("second match Group(%d) = %v, want %v", i, span{f, e}, w)
		}
	}
	if g := m.Groups(); g != 4 {
		t.Errorf("Groups = %d, want 4", g)
	}
	if ok, _, _ := m.Match(re, []byte("nothing"), 0); ok {
		t.Fatal("unexpected match")
	}
	if f, e := m.Group(0); f != -1 || e != -1 {
		t.Errorf("Group(0) after failed match = %d, %d; want -1, -1", f, e)
	}
}

// TestManyGroups needs more offset pairs than a Matcher starts with.
func TestManyGroups(t *testing.T) {
	m := newMatcher(t)
	re := MustCompile(strings.Repeat(`(.)`, 40), 0)
	subj := []byte(strings.Repeat("z", 41))
	if ok, _, _ := m.Match(re, subj, 0); !ok {
		t.Fatal("no match")
	}
	if f, e := m.Group(40); f != 39 || e != 40 {
		t.Errorf("Group(40) = %d, %d; want 39, 40", f, e)
	}
}

func TestCompileError(t *testing.T) {
	tests := []struct {
		pattern    string
		wantOffset int
		wantMsg    string
	}{
		{`a(b`, 3, "missing closing parenthesis"},
		{`[z-a]`, 3, "range out of order"},
		{`x{2,1}`, 5, "out of order"},
		{`(?<=a+)b`, -1, "lookbehind"}, // offset differs between PCRE2 versions
		{`abc\`, 4, `\ at end of pattern`},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			_, err := Compile(tt.pattern, 0)
			var ce *CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("Compile(%q) err = %v, want *CompileError", tt.pattern, err)
			}
			if !errors.Is(err, ErrCompile) {
				t.Errorf("errors.Is(err, ErrCompile) = false")
			}
			if (tt.wantOffset >= 0 && ce.Offset != tt.wantOffset) || !strings.Contains(ce.Message, tt.wantMsg) {
				t.Errorf("Compile(%q) = offset %d %q, want offset %d containing %q", tt.pattern, ce.Offset, ce.Message, tt.wantOffset, tt.wantMsg)
			}
			if !strings.Contains(err.Error(), "at offset") {
				t.Errorf("Error() = %q, want the offset in it", err)
			}
		})
	}
	if _, err := Compile("a", 1<<30); err == nil {
		t.Error("Compile with unknown flag bits: want error")
	}
}

func TestModifierFlag(t *testing.T) {
	want := map[byte]Flags{'i': Caseless, 's': DotAll, 'm': Multiline, 'x': Extended, 'A': Anchored, 'E': DollarEndOnly, 'G': Ungreedy}
	for c := 0; c < 256; c++ {
		f, ok := ModifierFlag(byte(c))
		w, wok := want[byte(c)]
		if f != w || ok != wok {
			t.Errorf("ModifierFlag(%q) = %#x, %v; want %#x, %v", byte(c), f, ok, w, wok)
		}
	}
	for _, c := range "RUIHPCMSYBO" {
		if _, ok := ModifierFlag(byte(c)); ok {
			t.Errorf("Suricata buffer modifier %q taken as a regex flag", c)
		}
	}
}

// TestMatchLimit: catastrophic backtracking stops at Suricata's limit and
// is counted, not reported as a match.
func TestMatchLimit(t *testing.T) {
	re := MustCompile(`^(a+)+$`, 0)
	subj := []byte(strings.Repeat("a", 40) + "b")
	m := newMatcher(t)
	if ok, _, _ := m.Match(re, subj, 0); ok {
		t.Fatal("matched")
	}
	if m.Counters.LimitHits != 1 {
		t.Errorf("LimitHits = %d, want 1 (JIT %v)", m.Counters.LimitHits, re.JIT())
	}
	// The same pattern with generous limits on a short subject still works.
	if ok, _, _ := m.Match(re, []byte("aaaa"), 0); !ok {
		t.Error("no match on short subject")
	}
}

func TestBadStartAndFree(t *testing.T) {
	m := newMatcher(t)
	re := MustCompile(`a`, 0)
	for _, start := range []int{-1, 2} {
		if ok, _, _ := m.Match(re, []byte("a"), start); ok {
			t.Errorf("Match with start %d matched", start)
		}
	}
	if m.Counters.Errors != 2 {
		t.Errorf("Errors = %d, want 2", m.Counters.Errors)
	}
	re.Free()
	re.Free()
	if ok, _, _ := m.Match(re, []byte("a"), 0); ok {
		t.Error("freed Regexp matched")
	}
	m.Close()
	m.Close()
	if ok, _, _ := m.Match(MustCompile(`a`, 0), []byte("a"), 0); ok {
		t.Error("closed Matcher matched")
	}
}

// TestJIT checks that Compile uses the JIT exactly when PCRE2 has one for
// this machine, that the interpreter-only path does not, and that both
// engines agree.
func TestJIT(t *testing.T) {
	if !hasJIT {
		t.Log("PCRE2 has no JIT on this machine: the interpreter is in use")
	}
	for _, pat := range []string{`a+b`, `(?i)get\s+/[a-z]{2,}\.php`, `^\d{3}-\d{4}$`} {
		jit := MustCompile(pat, 0)
		if jit.JIT() != hasJIT {
			t.Errorf("Compile(%q).JIT() = %v; want %v (PCRE2_CONFIG_JIT)", pat, jit.JIT(), hasJIT)
		}
		interp, err := compile(pat, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		if interp.JIT() {
			t.Errorf("compile(%q, jit=false).JIT() = true; want false", pat)
		}
		m, err := NewMatcher(DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		for _, subj := range []string{"aab", "b", "GET  /index.php", "555-1234", "x555-1234"} {
			j, _, _ := m.Match(jit, []byte(subj), 0)
			i, _, _ := m.Match(interp, []byte(subj), 0)
			if j != i {
				t.Errorf("%q on %q: JIT %v, interpreter %v", pat, subj, j, i)
			}
		}
		m.Close()
	}
}

// TestConcurrent shares one Regexp between goroutines, each with its own
// Matcher.
func TestConcurrent(t *testing.T) {
	re := MustCompile(`id=(\d+)`, 0)
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := NewMatcher(DefaultLimits)
			if err != nil {
				errs <- err.Error()
				return
			}
			defer m.Close()
			subj := []byte("x id=" + strings.Repeat("7", g+1) + ";")
			for range 1000 {
				if ok, _, _ := m.Match(re, subj, 0); !ok {
					errs <- "no match"
					return
				}
				if f, e := m.Group(1); e-f != g+1 {
					errs <- "wrong group"
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestMatchAllocs(t *testing.T) {
	m := newMatcher(t)
	re := MustCompile(`(?i)user-agent:\s*([^\r\n]+)`, 0)
	subj := []byte("GET / HTTP/1.1\r\nUser-Agent: curl/8\r\n\r\n")
	m.Match(re, subj, 0)
	if n := testing.AllocsPerRun(200, func() { m.Match(re, subj, 0) }); n != 0 {
		t.Fatalf("Match allocates %v times per call; want 0", n)
	}
	if n := testing.AllocsPerRun(200, func() { m.Group(1) }); n != 0 {
		t.Fatalf("Group allocates %v times per call; want 0", n)
	}
}
