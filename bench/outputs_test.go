package bench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAllOutputsConfig(t *testing.T) {
	orig := `%YAML 1.1
---
outputs:
  - fast:
      enabled: yes
  - eve-log:
      types:
        - http
        - flow
logging:
  outputs:
  - console:
      enabled: yes
unix-command:
  enabled: auto
stats:
  enabled: yes
  interval: 8
`
	got := AllOutputsConfig(orig)
	for _, keep := range []string{"%YAML 1.1\n---\n", "  - fast:\n      enabled: yes", "        - http\n        - flow\n", "stats:\n  enabled: yes\n  interval: 8\n",
		"type: json", "unix-command:\n  enabled: no"} {
		if !strings.Contains(got, keep) {
			t.Errorf("config lacks %q:\n%s", keep, got)
		}
	}
	for _, gone := range []string{"enabled: auto", "console:\n      enabled: yes"} {
		if strings.Contains(got, gone) {
			t.Errorf("config still has %q:\n%s", gone, got)
		}
	}
}

func TestCountOutputs(t *testing.T) {
	dir := t.TempDir()
	long := `{"timestamp":"x","event_type":"fileinfo","fileinfo":{"filename":"` + strings.Repeat("a", 3<<20) + `"}}`
	eve := strings.Join([]string{
		`{"timestamp":"x","event_type":"alert","alert":{}}`,
		`{"timestamp":"x","event_type":"rdp","rdp":{"event_type":"initial_request"}}`,
		long,
		`{"timestamp":"x","event_type":"alert","alert":{}}`,
		``,
		`{"timestamp":"x","event_type":"flow"}`,
	}, "\n") + "\n"
	for name, body := range map[string]string{"eve.json": eve, "fast.log": "a\nb\nc\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	types, files, err := CountOutputs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int64{"alert": 2, "rdp": 1, "fileinfo": 1, "flow": 1}, types); diff != "" {
		t.Errorf("event types (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int64{"eve.json": 5, "fast.log": 3, "stats.log": 0}, files); diff != "" {
		t.Errorf("file lines (-want +got):\n%s", diff)
	}
}

func TestOutputsTable(t *testing.T) {
	v := []Sample{{EVELines: map[string]int64{"alert": 10, "flow": 5}, FileLines: map[string]int64{"eve.json": 15, "fast.log": 10}},
		{EVELines: map[string]int64{"alert": 10, "flow": 7}, FileLines: map[string]int64{"eve.json": 17, "fast.log": 10}},
		{EVELines: map[string]int64{"alert": 10, "flow": 9}, FileLines: map[string]int64{"eve.json": 19, "fast.log": 10}}}
	s := []Sample{{EVELines: map[string]int64{"alert": 11, "smb": 3}, FileLines: map[string]int64{"eve.json": 14, "fast.log": 11}}}
	row := Row{Name: "all", AllOutputs: true,
		Vigil:    &Result{Engine: EngineVigil, Summary: Summarize(v, 1000)},
		Suricata: &Result{Engine: EngineSuricata, Summary: Summarize(s, 1000)}}
	var b strings.Builder
	if err := WriteOutputsTable(&b, []Row{row, {Name: "other"}}); err != nil {
		t.Fatal(err)
	}
	want := `Lines written in "all" (medians):

| output | Vigil | Suricata |
|---|---:|---:|
| eve.json | 17 | 14 |
| fast.log | 10 | 11 |
| stats.log | 0 | 0 |
| eve alert | 10 | 11 |
| eve flow | 7 | 0 |
| eve smb | 0 | 3 |

`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
}
