package evetest

import (
	"fmt"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	sch := Schema(t)
	tests := []struct {
		name    string
		line    string
		wantErr string // substring; "" means valid
	}{
		{"minimal", `{"timestamp":"2026-11-21T23:46:43.123456+0000","event_type":"alert"}`, ""},
		{"with newline", "{\"timestamp\":\"2026-11-21T23:46:43.123456+0000\",\"event_type\":\"flow\"}\n", ""},
		{"missing event_type", `{"timestamp":"2026-11-21T23:46:43.123456+0000"}`, "required"},
		{"unknown key", `{"timestamp":"2026-11-21T23:46:43.123456+0000","event_type":"alert","vigil":1}`, "additionalProperties"},
		{"bad timestamp", `{"timestamp":"2026-11-21 23:46:43","event_type":"alert"}`, "pattern"},
		{"wrong type", `{"timestamp":"2026-11-21T23:46:43.123456+0000","event_type":"alert","src_port":"80"}`, "/src_port"},
		{"nested unknown", `{"timestamp":"2026-11-21T23:46:43.123456+0000","event_type":"alert","alert":{"sid":1}}`, "/alert"},
		{"not json", `{"timestamp":`, "not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(sch, []byte(tt.line))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Check = %v; want valid", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Check = %v; want error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestValidateLinesReportsLineNumber(t *testing.T) {
	Schema(t) // skip when the schema is absent
	ft := &fakeTB{TB: t}
	data := "{\"timestamp\":\"2026-11-21T23:46:43.123456+0000\",\"event_type\":\"alert\"}\n\n{\"event_type\":\"alert\"}\n"
	ValidateLines(ft, "x.json", []byte(data))
	if len(ft.errs) != 1 || !strings.HasPrefix(ft.errs[0], "x.json:3:") {
		t.Fatalf("errors = %q; want one error at x.json:3", ft.errs)
	}
}

// fakeTB records Errorf calls instead of failing.
type fakeTB struct {
	testing.TB
	errs []string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errs = append(f.errs, fmt.Sprintf(format, args...))
}
