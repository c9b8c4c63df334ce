package output

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"vigil/output/eve"
	"vigil/output/evetest"
)

// checkGolden compares got with testdata/name, rewriting it when
// UPDATE_GOLDEN is set.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (UPDATE_GOLDEN=1 creates it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the encoder's output (UPDATE_GOLDEN=1 rewrites it after review)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// TestGolden encodes one record of each kind to testdata/<name>.eve.golden
// (with alert payload, printable payload and packet logging on, as in
// Suricata's example configuration) and validates every line against the
// EVE schema.
func TestGolden(t *testing.T) {
	enc := &eve.Encoder{Payload: true, PayloadPrintable: true, Packet: true}
	for _, s := range evetest.Samples() {
		t.Run(s.Name, func(t *testing.T) {
			line := append([]byte(nil), enc.Encode(s.Record)...)
			checkGolden(t, s.Name+".eve.golden", line)
			evetest.Validate(t, line) // last: skips when ../shared is absent
		})
	}
	t.Run("stats", func(t *testing.T) {
		line := enc.AppendStats(nil, evetest.T0, evetest.SampleStats())
		checkGolden(t, "stats.eve.golden", line)
		evetest.Validate(t, line)
	})
}

func TestGoldenFastLog(t *testing.T) {
	var f FastFormat
	var got []byte
	for _, s := range evetest.Samples() {
		if s.Record.Type == eve.EventAlert {
			got = f.Append(got, s.Record)
		}
	}
	checkGolden(t, "fast.log.golden", got)
}
