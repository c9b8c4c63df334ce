package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vigil/engine/verify"
	"vigil/internal/testutil"
)

// minEvaderAlerts is the number of noxxi's HTTP evader cases
// (../shared/verify-eve/http-evader-*) on which Vigil raises both EICAR
// alerts (file_data sids 1 and 2), as Suricata does on all 300. It only
// goes up: a parser change that lets an evasion through again fails here.
const minEvaderAlerts = 300

// TestHTTPEvaderAlerts replays every http-evader case through the same
// path as `vigil verify` and counts the cases whose eve.json holds an
// alert for sid 1 and for sid 2. The cases' other checks (fileinfo
// records) are not counted here.
func TestHTTPEvaderAlerts(t *testing.T) {
	if testing.Short() {
		t.Skip("replays the http-evader corpus")
	}
	dirs, _ := filepath.Glob(filepath.Join(testutil.SharedDir(t), "verify-eve", "http-evader-*"))
	if len(dirs) == 0 {
		t.Skip("../shared/verify-eve/http-evader-* not present")
	}
	start := time.Now()
	both := 0
	var missed []string
	for _, dir := range dirs {
		vt, err := verify.Load(dir)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(dir), err)
		}
		out := t.TempDir()
		if err := runVerifyReplay(vt, out, io.Discard); err != nil {
			t.Errorf("%s: %v", vt.Name, err)
			continue
		}
		sids, err := alertSIDs(filepath.Join(out, "eve.json"))
		if err != nil {
			t.Fatalf("%s: %v", vt.Name, err)
		}
		if sids[1] && sids[2] {
			both++
		} else {
			missed = append(missed, filepath.Base(dir))
		}
	}
	t.Logf("http-evader: %d of %d cases raise both alerts (%s)", both, len(dirs), time.Since(start).Round(time.Millisecond))
	if both < minEvaderAlerts {
		t.Errorf("%d cases raise both alerts, want at least %d; missed: %v", both, minEvaderAlerts, missed)
	}
}

// alertSIDs returns the signature ids of the alert records of an eve.json.
func alertSIDs(path string) (map[int]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sids := map[int]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		var r struct {
			EventType string `json:"event_type"`
			Alert     struct {
				SID int `json:"signature_id"`
			} `json:"alert"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, err
		}
		if r.EventType == "alert" {
			sids[r.Alert.SID] = true
		}
	}
	return sids, sc.Err()
}
