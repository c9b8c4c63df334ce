package engine

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"

	"vigil/engine/decode"
	"vigil/internal/testutil"
	"vigil/output/evetest"
)

// TestReplaySharedElastic is issue 14's Elastic check: every EVE line
// written while replaying every shared capture with all of ET Open has the
// types the Elastic Suricata integration declares for its fields
// (output/evetest/elastic.tsv), and no field has two JSON kinds across
// records (a dynamic-mapping conflict).
func TestReplaySharedElastic(t *testing.T) {
	if testing.Short() {
		t.Skip("replays all shared captures with all of ET Open")
	}
	shared := testutil.SharedDir(t)
	et := filepath.Join(shared, "rules", "et-open")
	paths, _ := filepath.Glob(filepath.Join(et, "emerging-*.rules"))
	sup, _ := filepath.Glob(filepath.Join(et, "supplement-2024-04", "*.rules"))
	if len(paths) == 0 {
		t.Skip("ET Open rules not found in ../shared/rules/et-open")
	}
	eng := compileRules(t, append(paths, sup...), true)
	chk, err := evetest.NewElasticChecker()
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"malicious", "bench"} {
		files, _ := filepath.Glob(filepath.Join(shared, "pcaps", sub, "*.pcap*"))
		if len(files) == 0 {
			t.Fatalf("no captures in %s", sub)
		}
		cfg := Config{Workers: 2, Rules: eng}
		cfg.Decode.Checksum = decode.ChecksumNone
		_, dir := replayTo(t, cfg, files...)
		f, err := os.Open(filepath.Join(dir, "eve.json"))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 64<<20)
		n, bad := 0, 0
		for sc.Scan() {
			n++
			if err := chk.CheckLine(sc.Bytes()); err != nil {
				if bad++; bad <= 20 {
					t.Errorf("%s eve.json:%d: %v\n\t%.300s", sub, n, err, sc.Bytes())
				}
			}
		}
		f.Close()
		t.Logf("%s: %d files, %d EVE lines, %d with a field of the wrong type", sub, len(files), n, bad)
	}
	for _, c := range chk.Conflicts() {
		t.Errorf("field with two JSON kinds: %.600s", c)
	}
}
