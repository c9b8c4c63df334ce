package verify

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"vigil/internal/testutil"
)

func TestMatchKey(t *testing.T) {
	var ev map[string]any
	if err := json.Unmarshal([]byte(`{"event_type":"alert","pcap_cnt":4,"alert":{"signature_id":2,"signature":"ET TEST thing","metadata":{"tag":["a","b"]}},"tags":["x"],"flow":{"pkts_toserver":3},"app_proto":null}`), &ev); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key  string
		want any
		ok   bool
	}{
		{"event_type", "alert", true},
		{"event_type", "dns", false},
		{"alert.signature_id", 2, true},
		{"alert.signature_id", "2", true},
		{"alert.signature_id", 3, false},
		{"pcap_cnt", 4, true},
		{"alert.signature.__startswith", "ET ", true},
		{"alert.signature.__endswith", "thing", true},
		{"alert.signature.__find", "TEST", true},
		{"alert.signature.__len", 13, true},
		{"alert.metadata.tag.__contains", "b", true},
		{"alert.metadata.tag.__len", 2, true},
		{"tags[0]", "x", true},
		{"tags[1]", "x", false},
		{"flow.pkts_toserver.__gt", 2, true},
		{"flow.pkts_toserver.__lt", 3, false},
		{"flow.pkts_toserver.__lte", 3, true},
		{"has-key", "alert.metadata", true},
		{"has-key", "app_proto", false},
		{"not-has-key", "app_proto", true},
		{"not-has-key", "alert", false},
		{"missing.key", 1, false},
	}
	for _, tt := range tests {
		if got := matchKey(ev, tt.key, tt.want); got != tt.ok {
			t.Errorf("matchKey(%s, %v) = %v, want %v", tt.key, tt.want, got, tt.ok)
		}
	}
}

func TestRequires(t *testing.T) {
	tests := []struct {
		r    requires
		skip bool
	}{
		{requires{MinVersion: "8"}, false},
		{requires{MinVersion: "8.0.7"}, false},
		{requires{MinVersion: "8.0.8"}, true},
		{requires{MinVersion: "9"}, true},
		{requires{LtVersion: "9"}, false},
		{requires{LtVersion: "8"}, true},
		{requires{GtVersion: "6.0.11"}, false},
		{requires{Features: []string{"HAVE_JA3"}}, false},
		{requires{Features: []string{"HAVE_LUA"}}, true},
	}
	for _, tt := range tests {
		if got := tt.r.unmet() != ""; got != tt.skip {
			t.Errorf("%+v: skip = %v, want %v (%s)", tt.r, got, tt.skip, tt.r.unmet())
		}
	}
}

// TestLoadCorpus loads every test of ../shared/verify: each must parse.
func TestLoadCorpus(t *testing.T) {
	dir := filepath.Join(testutil.SharedDir(t), "verify")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Skipf("verify corpus: %v", err)
	}
	n := 0
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		if _, err := Load(filepath.Join(dir, e.Name())); err != nil {
			t.Errorf("%v", err)
		}
		n++
	}
	if n < 100 {
		t.Errorf("loaded only %d tests", n)
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("test.rules", "alert ip any any -> any any (sid:1;)\n")
	write("input.pcap", "")
	write("test.yaml", "args:\n  - -k none --set x=${TEST_DIR}\nchecks:\n  - filter:\n      count: 2\n      match:\n        event_type: alert\n        alert.signature_id: 1\n")
	tst, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"-k", "none", "--set", "x=" + dir}; len(tst.Args) != 4 || tst.Args[3] != want[3] {
		t.Fatalf("args = %q, want %q", tst.Args, want)
	}
	run := func(lines string) Result {
		return Run(tst, dir, func(_ *Test, logDir string) error {
			return os.WriteFile(filepath.Join(logDir, "eve.json"), []byte(lines), 0o644)
		})
	}
	two := `{"event_type":"alert","alert":{"signature_id":1}}` + "\n" + `{"event_type":"alert","alert":{"signature_id":1}}` + "\n"
	if r := run(two); r.Status != Pass {
		t.Errorf("two alerts: %v %s", r.Status, r.Reason)
	}
	if r := run(two[:len(two)/2]); r.Status != Fail {
		t.Errorf("one alert: %v, want fail", r.Status)
	}
}
