package ruleparser_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"vigil/ruleparser"
)

var errorMarker = regexp.MustCompile(`^#\s*ERROR\s+"(.*)"\s*$`)

// TestErrorFiles checks testdata/errors/*.rules: a line "# ERROR "re""
// expects exactly one error on the next line whose text after
// "file:line:" matches re; every other rule line must load.
func TestErrorFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/errors/*.rules")
	if err != nil || len(files) == 0 {
		t.Fatalf("no error files: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := map[int]*regexp.Regexp{} // line -> expected error
			ruleLines := map[int]bool{}
			lines := strings.Split(string(src), "\n")
			cont := false
			for i, l := range lines {
				if m := errorMarker.FindStringSubmatch(l); m != nil {
					want[i+2] = regexp.MustCompile(m[1])
					continue
				}
				body := strings.TrimLeft(l, "# \t")
				if !cont && body != "" && (!strings.HasPrefix(l, "#") || ruleparser.LooksLikeRule(body)) {
					ruleLines[i+1] = true
				}
				cont = strings.HasSuffix(strings.TrimSpace(l), "\\")
			}
			f, errs := ruleparser.ParseFile(path, src, ruleparser.Options{Keywords: keywords})
			got := map[int]bool{}
			for _, e := range errs {
				if e.Pos.File != path {
					t.Errorf("error %v: file %q, want %q", e, e.Pos.File, path)
				}
				line := e.Pos.Line
				if got[line] {
					t.Errorf("line %d: more than one error: %v", line, e)
				}
				got[line] = true
				re, ok := want[line]
				if !ok {
					t.Errorf("unexpected error: %v", e)
					continue
				}
				text := strings.TrimPrefix(e.Error(), fmt.Sprintf("%s:%d:", path, line))
				if !re.MatchString(text) {
					t.Errorf("line %d: error %q does not match %q", line, text, re)
				}
			}
			for line := range want {
				if !got[line] {
					t.Errorf("line %d: expected an error matching %q, got none", line, want[line])
				}
			}
			loaded := map[int]bool{}
			for _, r := range f.Rules {
				loaded[r.Pos.Line] = true
			}
			for line := range ruleLines {
				if want[line] == nil && !loaded[line] {
					t.Errorf("line %d: good rule did not load", line)
				}
			}
			if len(f.Rules)+len(errs) != len(ruleLines) {
				t.Errorf("%d rules + %d errors, want %d rule lines", len(f.Rules), len(errs), len(ruleLines))
			}
		})
	}
}

// TestBadInput covers inputs that do not fit in a text fixture. Each case
// must report an error with a position, not panic, and keep the good rule
// that follows.
func TestBadInput(t *testing.T) {
	const good = "alert tcp any any -> any any (msg:\"good\"; sid:99;)\n"
	long := "alert tcp any any -> any any (msg:\"" + strings.Repeat("A", 1<<20) + "\"; sid:1;)\n"
	garbage := []byte("\x00\xff\xfe\x01(;;:\"\x7f\x80|||\\ \x00\n")
	tests := []struct {
		name string
		src  string
		want string // regexp over the error text
		kind error
	}{
		{"1MiB line", long, `^t.rules:1:1: rule is 1048\d+ bytes long; the limit is 262144$`, ruleparser.ErrSyntax},
		{"binary garbage", string(garbage), `^t.rules:1:\d+: `, ruleparser.ErrSyntax},
		{"NUL inside rule", "alert tcp any any -> any any (msg:\"a\x00b\"; sid:1; content:\"|4G|\";)\n", `^t.rules:1:60: sid 1: content: bad hex: character 'G'`, ruleparser.ErrBadValue},
		{"unknown keyword", "alert tcp any any -> any any (sid:1; foo;)\n", `^t.rules:1:38: sid 1: foo: unknown keyword$`, ruleparser.ErrUnknownKeyword},
		{"only a header", "alert tcp any any -> any any\n", `^t.rules:1:29: missing '\(' starting the option list$`, ruleparser.ErrSyntax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, errs := ruleparser.ParseFile("t.rules", []byte(tt.src+good), ruleparser.Options{Keywords: keywords})
			if len(errs) != 1 {
				t.Fatalf("got %d errors (%v), want 1", len(errs), errs)
			}
			if !regexp.MustCompile(tt.want).MatchString(errs[0].Error()) {
				t.Errorf("error %q does not match %q", errs[0], tt.want)
			}
			if !errors.Is(errs[0], tt.kind) {
				t.Errorf("error %v is not %v", errs[0], tt.kind)
			}
			if !errors.Is(errs.Err(), tt.kind) {
				t.Errorf("ErrorList.Err() does not unwrap to %v", tt.kind)
			}
			if len(f.Rules) != 1 || f.Rules[0].Sid() != 99 {
				t.Errorf("the good rule did not load: %d rules", len(f.Rules))
			}
		})
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.rules")
	unreadable := filepath.Join(dir, "unreadable.rules")
	if err := os.WriteFile(unreadable, []byte("alert tcp any any -> any any (sid:1;)\n"), 0o000); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, path, want string }{
		{"missing", missing, "no such file or directory"},
		{"directory", dir, "is a directory"},
	}
	if os.Geteuid() != 0 { // root reads mode-0 files
		cases = append(cases, struct{ name, path, want string }{"unreadable", unreadable, "permission denied"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, errs := ruleparser.ReadFile(c.path, ruleparser.Options{Keywords: keywords})
			if f != nil {
				t.Errorf("got a File for an unreadable path")
			}
			if len(errs) != 1 || !errors.Is(errs[0], ruleparser.ErrRead) {
				t.Fatalf("got %v, want one ErrRead", errs)
			}
			if msg := errs[0].Error(); !strings.HasPrefix(msg, c.path+": read rule file: ") || !strings.Contains(msg, c.want) {
				t.Errorf("error %q: want %q prefix and %q", msg, c.path+": read rule file: ", c.want)
			}
		})
	}
}

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		e    *ruleparser.Error
		want string
	}{
		{&ruleparser.Error{Pos: ruleparser.Pos{"a.rules", 3, 7}, Sid: 5, Keyword: "dsize", Msg: "bad"}, "a.rules:3:7: sid 5: dsize: bad"},
		{&ruleparser.Error{Pos: ruleparser.Pos{"a.rules", 3, 7}, Msg: "bad"}, "a.rules:3:7: bad"},
		{&ruleparser.Error{Pos: ruleparser.Pos{"", 1, 2}, Keyword: "k", Msg: "bad"}, "1:2: k: bad"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
	var l ruleparser.ErrorList
	if l.Err() != nil {
		t.Error("empty ErrorList.Err() != nil")
	}
	l = ruleparser.ErrorList{{Pos: ruleparser.Pos{"b", 2, 1}, Msg: "x"}, {Pos: ruleparser.Pos{"a", 9, 1}, Msg: "y"}, {Pos: ruleparser.Pos{"b", 1, 5}, Msg: "z"}}
	l.Sort()
	if got := l.Error(); got != "a:9:1: y\nb:1:5: z\nb:2:1: x" {
		t.Errorf("sorted list: %q", got)
	}
}
