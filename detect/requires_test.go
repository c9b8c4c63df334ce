package detect

import (
	"errors"
	"testing"

	"vigil/detect/mpm"
)

// TestRequires: each documented form of requires against Vigil's
// declared Suricata 8.0.0 compatibility; unmet is ErrUnsupported (the
// rule is skipped), malformed is a plain error.
func TestRequires(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  string // "met", "unmet" or "bad"
	}{
		{"feature hyperscan", "met"},
		{"feature geoip", "unmet"},
		{"keyword http.uri", "met"},
		{"keyword lua", "unmet"},
		{"version >= 7.0.3", "met"},
		{"version >= 9.0.0", "unmet"},
		{"version >= 8", "met"},
		{"version > 8", "unmet"},
		{"version < 8.1", "met"},
		{"version <= 7.0.10", "unmet"},
		{"version = 8.0.0", "met"},
		{"version >= 7.0.3 < 8", "unmet"},
		{"version >= 7.0.3 < 8 | >= 8.0.0", "met"},
		{"version >= 7.0.3 < 8 | >= 8.0.3", "unmet"},
		{"feature hyperscan, version >= 7", "met"},
		{"feature hyperscan, version >= 9", "unmet"},
		{"foo bar", "unmet"},
		{"version >= 7.x", "bad"},
		{"version ~ 7", "bad"},
		{"version", "bad"},
	} {
		t.Run(tc.value, func(t *testing.T) {
			err := checkRequires(tc.value)
			got := "met"
			if errors.Is(err, ErrUnsupported) {
				got = "unmet"
			} else if err != nil {
				got = "bad"
			}
			if got != tc.want {
				t.Errorf("got %s (%v), want %s", got, err, tc.want)
			}
		})
	}
}

// TestRequiresRule: a rule whose requirement holds loads and fires; one
// whose requirement does not is skipped as unsupported, not an error.
func TestRequiresRule(t *testing.T) {
	e, rep := compileText(t, mpm.Reference{}, `
alert tcp any any -> any any (requires: version >= 7.0.3; content:"GET"; sid:1;)
alert tcp any any -> any any (requires: version >= 9.0.0; content:"GET"; sid:2;)
`)
	if rep.Loaded != 1 || len(rep.Errors) != 1 || !errors.Is(rep.Errors[0], ErrUnsupported) {
		t.Fatalf("loaded %d, errors %v; want 1 loaded and sid 2 unsupported", rep.Loaded, rep.Errors)
	}
	_ = e
}
