package eve

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

func TestAppendString(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", `""`},
		{"plain", "GET /index.html", `"GET /index.html"`},
		{"slash not escaped", "a/b", `"a/b"`},
		{"quote and backslash", `say "hi" \o/`, `"say \"hi\" \\o/"`},
		{"short escapes", "\b\t\n\f\r", `"\b\t\n\f\r"`},
		{"other controls", "\x00\x01\x1f", `"\u0000\u0001\u001f"`},
		{"DEL kept", "\x7f", "\"\x7f\""},
		{"valid utf8 kept", "héllo ✓", `"héllo ✓"`},
		{"invalid utf8", "\xf0\xf1\xf2", `"\\xf0\\xf1\\xf2"`},
		{"invalid makes all high bytes hex", "é\xff", `"\\xc3\\xa9\\xff"`},
		{"invalid with controls", "a\x00\xfe\"", `"a\u0000\\xfe\""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendString(nil, tt.in)); got != tt.want {
				t.Errorf("AppendString(%q) = %s; want %s", tt.in, got, tt.want)
			}
			if got := string(AppendBytes(nil, []byte(tt.in))); got != tt.want {
				t.Errorf("AppendBytes(%q) = %s; want %s", tt.in, got, tt.want)
			}
			if !json.Valid([]byte(tt.want)) {
				t.Errorf("want %s is not valid JSON", tt.want)
			}
		})
	}
}

func TestAppendPrintable(t *testing.T) {
	got := string(AppendPrintable(nil, []byte("GET / HTTP/1.1\r\nX: \"a\\\"\x00\x7f\xff\t")))
	want := `"GET / HTTP/1.1\r\nX: \"a\\\"...."`
	if got != want {
		t.Errorf("AppendPrintable = %s; want %s", got, want)
	}
}

func TestAppendBase64(t *testing.T) {
	if got, want := string(AppendBase64(nil, []byte("abcd"))), `"YWJjZA=="`; got != want {
		t.Errorf("AppendBase64 = %s; want %s", got, want)
	}
}

func TestAppendStringAllocs(t *testing.T) {
	buf := make([]byte, 0, 256)
	in := []byte("GET /\x00\xff")
	if n := testing.AllocsPerRun(100, func() { buf = AppendBytes(buf[:0], in) }); n != 0 {
		t.Fatalf("AppendBytes allocates %v times; want 0", n)
	}
}

// FuzzEscape checks that every string encodes to valid JSON and that valid
// UTF-8 input round-trips exactly; invalid input decodes to its \xNN form.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "plain", "\"\\/", "\x00\x1f\x7f", "héllo", "\xf0\xf1", "a\xffb\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out := AppendBytes(nil, in)
		var got string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("AppendBytes(%q) = %s: not a JSON string: %v", in, out, err)
		}
		if s := string(AppendString(nil, string(in))); s != string(out) {
			t.Fatalf("AppendString(%q) = %s; AppendBytes = %s", in, s, out)
		}
		if utf8.Valid(in) {
			if got != string(in) {
				t.Fatalf("round trip of %q gave %q", in, got)
			}
			return
		}
		var want []byte
		for _, c := range in {
			if c >= utf8.RuneSelf {
				want = append(want, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
			} else {
				want = append(want, c)
			}
		}
		if got != string(want) {
			t.Fatalf("invalid input %q decoded to %q; want %q", in, got, want)
		}
	})
}
